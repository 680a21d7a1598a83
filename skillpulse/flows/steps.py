"""Collect and extract as plain functions over a Store: Prefect tasks wrap them, tests call them directly.

Enrichment lives in ``flows.enrich_step`` and the report in ``reports.build``.

Each step only does the work that is missing (e.g. postings not yet extracted with this extractor version),
in batches that commit one at a time, so a re-run after a crash resumes and a warm re-run is cheap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from skillpulse.extractors.skills import SkillExtractor
from skillpulse.flows.sources.base import Source
from skillpulse.flows.store import Store, UpsertCounts, batched

log = logging.getLogger(__name__)

COLLECT_BATCH = 5_000
EXTRACT_BATCH = 500

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


def extraction_text(title: str | None, text: str | None) -> str:
    """What the extractor reads: the title counts as part of the posting (guidelines)."""
    return f"{title}\n{text or ''}" if title else (text or "")


def extract(store: Store, extractor: SkillExtractor, progress: Progress | None = None) -> dict[str, int]:
    """Find skills in every posting that lacks an extraction for this extractor version."""
    version = extractor.version
    keys = store.pending_extraction(version)
    done = mentions_total = 0
    for chunk in batched(keys, EXTRACT_BATCH):
        rows = store.texts_for_extraction(chunk)
        texts = (extraction_text(title, text) for _, _, title, text in rows)
        skill_rows, status_rows = [], []
        now = datetime.now(UTC)
        for (key, content_hash, _, _), mentions in zip(rows, extractor.extract_many(texts), strict=True):
            by_skill: dict[str, list] = {}
            for m in mentions:
                by_skill.setdefault(m.skill, []).append(m)
            for skill_id, ms in by_skill.items():
                first = min(ms, key=lambda m: m.start)
                skill_rows.append((key, version, skill_id, len(ms), first.start, first.end, first.text))
            status_rows.append((key, version, content_hash, len(by_skill), now))
            mentions_total += len(mentions)
        store.write_extractions(version, chunk, skill_rows, status_rows)
        done += len(rows)
        if progress:
            progress(len(rows))
    return {"extracted": done, "mentions": mentions_total, "pending_before": len(keys)}
