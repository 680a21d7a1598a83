"""Source registry: the snapshot, plus every live source module that registers itself here.

A live source factory is called as ``factory(config: SourceConfig, runtime: Runtime, since=None)``;
adding a source is one package under ``flows/sources/`` that uses :func:`register_live_source`: every
subpackage here except the bundled snapshot is imported, so it registers itself (discovery by
registration, nothing else to edit).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from skillpulse.flows.sources.posting import Posting, PostingError, Quarantined, Source

LIVE_SOURCES: dict[str, Callable[..., Source]] = {}
NOT_LIVE = {"snapshot"}  # the bundled snapshot is a package too, but it is read offline, not registered
LIVE_SOURCE_MODULES = tuple(
    sorted(m.name for m in pkgutil.iter_modules(__path__) if m.ispkg and m.name not in NOT_LIVE)
)


def register_live_source(name: str) -> Callable[[Callable[..., Source]], Callable[..., Source]]:
    """Decorator for a live source factory; adding a source is one module that uses it."""

    def decorate(factory: Callable[..., Source]) -> Callable[..., Source]:
        LIVE_SOURCES[name] = factory
        return factory

    return decorate


for _module in LIVE_SOURCE_MODULES:
    importlib.import_module(f"{__name__}.{_module}")


__all__ = ["LIVE_SOURCES", "Posting", "PostingError", "Quarantined", "Source", "register_live_source"]
