"""The collect loop for live sources: batches into the store, then closes what complete listings dropped.

Kept apart from :mod:`flows.sources.live` so that source modules never import the store (the store
imports :mod:`flows.sources.posting`, and the registry imports every source module).
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from skillpulse.flows.http import FetchSettings, Runtime
from skillpulse.flows.sources import LIVE_SOURCES
from skillpulse.flows.sources.config import CollectConfig
from skillpulse.flows.sources.live import LiveSource, describe, error_kind
from skillpulse.flows.sources.posting import Posting, Quarantined
from skillpulse.flows.store import Store, UpsertCounts
from skillpulse.flows.store_errors import duckdb_failure

log = logging.getLogger(__name__)


@dataclass
class LiveResult:
    """What one source's collect did; ``failed`` lists units that failed (the run went on)."""

    source: str
    fetched: int = 0
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    closed: int = 0
    failed: list[str] = field(default_factory=list)
    failure_kinds: list[str] = field(default_factory=list)
    not_modified: int = 0
    error: str | None = None

    @property
    def offline(self) -> bool:
        """Every unit failed for want of a network (so say that, in one line)."""
        return bool(self.failure_kinds) and self.fetched == 0 and set(self.failure_kinds) <= {"network"}

    def as_dict(self) -> dict[str, Any]:
        counts = self.counts
        error = self.error or ("; ".join(self.failed[:3]) if self.failed else None)
        return {
            "source": self.source,
            "fetched": self.fetched,
            "new": counts.new,
            "changed": counts.changed,
            "unchanged": counts.unchanged,
            "quarantined": counts.quarantined,
            "closed": self.closed,
            "failed": len(self.failed) + (1 if self.error else 0),
            "not_modified": self.not_modified,
            "error": error,
        }


def collect_source(
    store: Store,
    source: LiveSource,
    run_id: str,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 500,
    items: Iterable[Posting | Quarantined] | None = None,
) -> LiveResult:
    """Stream one source into the store batch by batch, then close what complete listings dropped.

    ``items`` is the source's records when they are already being fetched (:class:`Prefetched`).
    """
    result = LiveResult(source.name)
    try:
        if items is None:
            skip_gone_boards(store, [source])
        records = source.fetch() if items is None else items
        store.ingest(source.name, records, run_id, batch_size, progress, result.counts)
        for scope, seen in source.report.complete.items():
            result.closed += store.close_missing(source.name, scope, seen)
        store.mark_gone(source.name, source.report.gone)
        store.clear_gone(source.name, source.report.complete)
    except Exception as exc:  # noqa: BLE001 - one source's failure must not stop the others
        store_failure = duckdb_failure(exc)
        if store_failure is not None:  # a full disk or a lost store is every source's problem: stop
            raise store_failure from exc
        result.error = describe(exc)
        result.failure_kinds.append(error_kind(exc))
        log.info("source %s failed: %s", source.name, result.error)  # the caller reports it to the user
    result.fetched = source.report.fetched
    result.failed = list(source.report.failures)
    result.failure_kinds += source.report.failure_kinds
    result.not_modified = source.report.not_modified
    for unit in result.failed:
        log.info("source %s: unit %s failed", source.name, unit)
    log.info(
        "source %s: %d fetched, %s, %d closed, %d not modified",
        source.name,
        result.fetched,
        result.counts,
        result.closed,
        result.not_modified,
    )
    return result


class Prefetched:
    """A source's records, fetched in a background thread while the store writes another source's.

    Why: the store takes one writer, but sources live on different hosts; fetching them one after another
    leaves every other host idle (300 boards on three hosts: see ``benchmarks/concurrency.py``). Each
    source still keeps to its own host's limits; the queue is bounded, so a source waiting for its turn
    at the store holds at most ``maxsize`` records in memory. An error in the fetch is raised where the
    records are read, so the caller reports it like any source failure.
    """

    _DONE = object()

    def __init__(self, items: Iterable[Any], maxsize: int = 2_000) -> None:
        self._queue: queue.Queue[Any] = queue.Queue(maxsize)
        self._thread = threading.Thread(target=self._fill, args=(items,), daemon=True, name="prefetch")
        self._thread.start()

    def _fill(self, items: Iterable[Any]) -> None:
        try:
            for item in items:
                self._queue.put(item)
        except BaseException as exc:  # noqa: BLE001 - handed to the reader, who reports it
            self._queue.put(_Failed(exc))
            return
        self._queue.put(self._DONE)

    def __iter__(self) -> Iterator[Any]:
        while (item := self._queue.get()) is not self._DONE:
            if isinstance(item, _Failed):
                raise item.error
            yield item


@dataclass
class _Failed:
    error: BaseException


def skip_gone_boards(store: Store, sources: list[LiveSource]) -> None:
    """Tell each source which of its boards answered 404/410 within ``http.gone_recheck_days``."""
    for source in sources:
        source.skip_scopes = store.gone_boards(source.name, source.runtime.settings.gone_recheck_days)


def prefetch_all(sources: list[LiveSource], maxsize: int = 2_000) -> list[Prefetched]:
    """Start fetching every source at once; read them in order with :func:`collect_source`'s ``items``."""
    return [Prefetched(source.fetch(), maxsize) for source in sources]


# -- one runtime (one AsyncClient) per run, shared by every source of that run ----------------------------
_RUNTIMES: dict[str, Runtime] = {}


def runtime_for_run(run_id: str, settings: FetchSettings) -> Runtime:
    """The run's fetcher runtime; a new run closes the previous run's, and exit closes the last."""
    if run_id not in _RUNTIMES:
        close_runtimes()
        _RUNTIMES[run_id] = Runtime(settings)
    return _RUNTIMES[run_id]


def close_runtimes() -> None:
    while _RUNTIMES:
        _RUNTIMES.popitem()[1].close()


atexit.register(close_runtimes)


def build_source(
    name: str, config: CollectConfig, runtime: Runtime, since: date | datetime | None = None
) -> LiveSource:
    """Construct a registered live source from its ``sources.yaml`` entry."""
    factory = LIVE_SOURCES.get(name)
    if factory is None:
        raise KeyError(f"no live source {name!r}; known: {', '.join(sorted(LIVE_SOURCES))}")
    return factory(config.source(name), runtime, since=since)  # type: ignore[return-value]


def enabled_sources(config: CollectConfig) -> list[str]:
    return [name for name, entry in config.sources.items() if entry.enabled and name in LIVE_SOURCES]
