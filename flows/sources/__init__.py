"""Source registry: the snapshot, plus every live source module that registers itself here."""

from __future__ import annotations

from collections.abc import Callable

from flows.sources.base import Posting, PostingError, Quarantined, Source

LIVE_SOURCES: dict[str, Callable[..., Source]] = {}


def register_live_source(name: str) -> Callable[[Callable[..., Source]], Callable[..., Source]]:
    """Decorator for a live source factory; adding a source is one module that uses it."""

    def decorate(factory: Callable[..., Source]) -> Callable[..., Source]:
        LIVE_SOURCES[name] = factory
        return factory

    return decorate


__all__ = ["LIVE_SOURCES", "Posting", "PostingError", "Quarantined", "Source", "register_live_source"]
