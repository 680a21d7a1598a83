"""Pipeline step: find skills in every stored posting that lacks an extraction for this extractor version.

Batches commit one at a time, so a re-run after a crash resumes and a warm re-run does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from skillpulse.extractors.skills import SkillExtractor
from skillpulse.flows.store import Store, batched

EXTRACT_BATCH = 500

Progress = Callable[[int], None]


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
