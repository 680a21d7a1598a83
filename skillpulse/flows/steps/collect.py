"""Pipeline step: collect one source into the store (a failing source is reported, never fatal)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from skillpulse.flows.sources.posting import Source
from skillpulse.flows.store import Store, UpsertCounts

log = logging.getLogger(__name__)

COLLECT_BATCH = 5_000

Progress = Callable[[int], None]


@dataclass
class CollectResult:
    source: str
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, **asdict(self.counts), "error": self.error}


def collect(store: Store, source: Source, run_id: str, progress: Progress | None = None) -> CollectResult:
    """Stream a source into the store in batches; a failing source is reported, never fatal."""
    result = CollectResult(source.name)
    try:
        store.ingest(source.name, source.fetch(), run_id, COLLECT_BATCH, progress, result.counts)
    except Exception as exc:  # noqa: BLE001 - one source's failure must not stop the others
        result.error = f"{type(exc).__name__}: {exc}"
        log.info("collect %s failed: %s", source.name, result.error)  # the caller reports it to the user
    log.info("collect %s: %s", source.name, result.counts)
    return result
