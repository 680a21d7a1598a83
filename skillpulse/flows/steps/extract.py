"""Pipeline step: find skills in every stored posting that lacks an extraction for this extractor version.

Batches commit one at a time, so a re-run after a crash resumes and a warm re-run does nothing.

A posting can never stop the step: the extractor reads at most ``MAX_EXTRACT_CHARS`` of it (a store
written by an older version may hold 1.1M characters, more than spaCy accepts), and a posting whose
extraction still raises is recorded in the quarantine table (its source and id, the reason, the step and
version) and marked extracted with no skills, so later runs neither fail on it nor read it again until
its text or the extractor changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from skillpulse.extractors import taxonomy_diff
from skillpulse.extractors.skills import SkillExtractor
from skillpulse.flows.sources.posting import Quarantined
from skillpulse.flows.store import Store

EXTRACT_BATCH = 500
CARRY_BATCH = 5_000  # postings tested and copied per transaction when a taxonomy change spares them
# Postings per stream of pending work, with a checkpoint in between: the rows and index entries written
# while a stream is open stay in DuckDB's memory, about 150 bytes a skill row (1M postings' skills
# reached the 1 GB cap). 100k postings hold about 100 MB.
SEGMENT = 100_000
# What the extractor reads of one posting: far more than any real ad (the bundled snapshot's longest text
# has 22,675 characters) and well below spaCy's 1,000,000-character limit.
MAX_EXTRACT_CHARS = 200_000

Progress = Callable[[int], None]
# (key, content_hash, title, text) of one stored posting, as ``Store.pending_extraction_rows`` gives it
TextRow = tuple[str, str, str | None, str | None]
# How batches are computed: in this process by default, or by a Prefect task runner (a process pool, Dask),
# which gets the batches lazily and yields their results in any order.
RunBatches = Callable[[Iterable[list[TextRow]]], Iterator["ExtractBatch"]]


@dataclass
class ExtractBatch:
    """What one batch of postings yields, ready to write: computed anywhere (a worker process, a Dask
    worker), written by the one process that holds the store. Failures carry their error as text, so a
    batch crosses process boundaries whatever the exception was."""

    version: str
    keys: list[str]
    skill_rows: list[tuple] = field(default_factory=list)
    status_rows: list[tuple] = field(default_factory=list)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (key, content_hash, error)
    mentions: int = 0


def extraction_text(title: str | None, text: str | None) -> str:
    """What the extractor reads: the title counts as part of the posting (guidelines); bounded."""
    full = f"{title}\n{text or ''}" if title else (text or "")
    return full[:MAX_EXTRACT_CHARS]


def mentions_each(extractor: SkillExtractor, texts: list[str]) -> list[list[Any] | Exception]:
    """Mentions per text, or the exception its extraction raised: the batch at once, and when it fails,
    each text alone, so one text's failure is only its own. A batch failure that no text reproduces alone
    is not a posting's (a crash, a resource running out): it is raised, and the batch is not written."""
    try:
        return [list(m) for m in extractor.extract_many(texts)]
    except Exception as exc:  # noqa: BLE001 - find which text it was, below
        batch_error = exc
    out: list[list[Any] | Exception] = []
    for text in texts:
        try:
            out.append(list(next(iter(extractor.extract_many([text])))))
        except Exception as exc:  # noqa: BLE001 - recorded as this posting's failure
            out.append(exc)
    if not any(isinstance(item, Exception) for item in out):
        raise batch_error
    return out


def error_text(exc: Exception) -> str:
    """How a posting's failure is recorded: the exception's type and message."""
    return f"{type(exc).__name__}: {exc}"


def record_failures(
    store: Store, step: str, version: str, failures: Sequence[tuple[str, str, Exception | str]]
) -> None:
    """One quarantine row per posting a step could not process: ``(posting_key, content_hash, error)``.

    The posting itself stays stored; the row names its source and id, the step, the version and the error,
    and a failure already recorded (a re-run after a crash) is not recorded twice.
    """
    items = []
    for key, content_hash, exc in failures:
        source, _, source_id = key.partition(":")
        reason = f"{step} ({version}): {exc if isinstance(exc, str) else error_text(exc)}"
        payload = {"posting_key": key, "step": step, "version": version, "content_hash": content_hash}
        items.append(Quarantined(source, source_id, reason, payload))
    fresh = [q for q in items if (q.source_id, q.reason) not in store.quarantined_reasons(q.source)]
    if fresh:
        store.upsert_postings(fresh)


def extract_rows(extractor: SkillExtractor, rows: Sequence[TextRow]) -> ExtractBatch:
    """Skills of each posting in ``rows``: one row per (posting, skill) with its count and first mention,
    and one status row per posting. Pure: reads nothing and writes nothing, so any worker can run it."""
    version = extractor.version
    found = mentions_each(extractor, [extraction_text(title, text) for _, _, title, text in rows])
    batch = ExtractBatch(version, [key for key, *_ in rows])
    now = datetime.now(UTC)
    for (key, content_hash, _, _), mentions in zip(rows, found, strict=True):
        if isinstance(mentions, Exception):
            batch.failures.append((key, content_hash, error_text(mentions)))
            mentions = []
        by_skill: dict[str, list] = {}
        for m in mentions:
            by_skill.setdefault(m.skill, []).append(m)
        for skill_id, ms in by_skill.items():
            first = min(ms, key=lambda m: m.start)
            batch.skill_rows.append((key, version, skill_id, len(ms), first.start, first.end, first.text))
        batch.status_rows.append((key, version, content_hash, len(by_skill), now))
        batch.mentions += len(mentions)
    return batch


def carry_over(store: Store, extractor: SkillExtractor, progress: Progress | None = None) -> int:
    """Copy the previous version's skills to this one for the pending postings a taxonomy change cannot
    affect (``extractors.taxonomy_diff``); how many were carried over. Nothing is carried when there is no
    previous version with kept specs, the extractor's code changed, or the change cannot be decided."""
    version = extractor.version
    specs = taxonomy_diff.skill_specs(extractor.taxonomy)
    store.save_skill_specs(version, specs)
    previous = store.previous_extraction(version)
    if previous is None or previous[0].split("-")[0] != version.split("-")[0]:
        return 0
    plan = taxonomy_diff.plan(previous[1], specs)
    if plan is None:
        return 0
    carried = 0
    affected: list[str] = []  # tested and left to extract: still pending, so a later stream skips them

    def segment(limit: int) -> int:
        nonlocal carried
        seen = 0
        for rows in store.carry_candidate_rows(previous[0], version, CARRY_BATCH, limit, affected):
            same = taxonomy_diff.unaffected(plan, ((k, extraction_text(t, x)) for k, t, x in rows))
            store.copy_extractions(previous[0], version, same, plan.changed)
            kept = set(same)
            affected.extend(key for key, _, _ in rows if key not in kept)
            carried += len(same)
            seen += len(rows)
            if progress:
                progress(len(same))
        return seen

    in_segments(store, segment)
    return carried


def in_segments(store: Store, segment: Callable[[int], int]) -> None:
    """``segment(SEGMENT)`` (which reads at most that many postings and returns how many it read) until
    one reads fewer, with a checkpoint after each. Every batch of a segment is written before the next
    segment's query runs, so no posting is read twice."""
    while segment(SEGMENT) >= SEGMENT:
        store.checkpoint()


def extract(
    store: Store,
    extractor: SkillExtractor,
    progress: Progress | None = None,
    run_batches: RunBatches | None = None,
) -> dict[str, int]:
    """Find skills in every posting that lacks an extraction for this extractor version.

    Batches are read from the store lazily and written as their results arrive, so memory holds a few
    batches whatever the store's size; ``run_batches`` decides where they are computed.
    """
    version = extractor.version
    pending_before = store.count_pending_extraction(version)
    carried = carry_over(store, extractor, progress) if pending_before else 0
    done = mentions_total = failed = 0

    def segment(limit: int) -> int:
        nonlocal done, mentions_total, failed
        before = done
        batches = store.pending_extraction_rows(version, EXTRACT_BATCH, limit)
        results = run_batches(batches) if run_batches else (extract_rows(extractor, rows) for rows in batches)
        for batch in results:
            if batch.version != version:  # a worker read another taxonomy (the file changed during the run)
                raise RuntimeError(f"a worker extracted with {batch.version}, this run with {version}")
            record_failures(store, "extract", version, batch.failures)  # before the status: a crash between
            store.write_extractions(version, batch.keys, batch.skill_rows, batch.status_rows)
            done += len(batch.keys)
            failed += len(batch.failures)
            mentions_total += batch.mentions
            if progress:
                progress(len(batch.keys))
        return done - before

    in_segments(store, segment)
    return {
        "extracted": done,
        "carried_over": carried,
        "mentions": mentions_total,
        "pending_before": pending_before,
        "failed": failed,
    }
