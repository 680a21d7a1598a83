"""Run one source through the loopback server into a store, as ``skillpulse collect`` does."""

from __future__ import annotations

from skillpulse.flows.http import Runtime
from skillpulse.flows.sources import LIVE_SOURCES
from skillpulse.flows.sources.config import CollectConfig
from skillpulse.flows.sources.runner import LiveResult, collect_source
from skillpulse.flows.store import Store


def collect(store: Store, config: CollectConfig, name: str, run_id: str = "run-1") -> LiveResult:
    with Runtime(config.http) as runtime:
        source = LIVE_SOURCES[name](config.source(name), runtime)
        return collect_source(store, source, run_id, batch_size=config.batch_size)


def rows(store: Store, source: str) -> dict[str, dict]:
    cur = store.con.execute(
        "SELECT source_id, title, company, url, locations, remote, posted_at, pay, description, text, "
        "attributes, closed_at, version, text_kind FROM postings WHERE source = ?",
        [source],
    )
    names = [d[0] for d in cur.description]
    return {r[0]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}


def stated(row: dict) -> list[tuple]:
    """A stored posting's stated pay as ``(min, max, currency, period, provenance)`` tuples."""
    import json

    pays = json.loads(row["pay"]) if row["pay"] else []
    return [(p["min"], p["max"], p["currency"], p["period"], p["provenance"]) for p in pays]
