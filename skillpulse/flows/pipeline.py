"""The ``pipeline`` flow: collect → extract → enrich → report, over plain steps.

Collect and report are Prefect tasks that open their own store connection, so each can be retried alone.
Extraction and enrichment are one Prefect task per batch of postings: pure work (texts in, rows out) that
the flow's task runner places on this machine's cores or a Dask cluster (``flows.runners``), while this
process alone reads the store and writes each batch's rows as they arrive. The work itself is in
``flows.steps`` and ``reports.build``, which know nothing about Prefect.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.runtime import flow_run
from prefect.states import Failed, State

from skillpulse.extractors.skills import EXTRACTOR_CODE_VERSION, SkillExtractor
from skillpulse.extractors.taxonomy import load_taxonomy
from skillpulse.extractors.taxonomy_diff import skill_specs
from skillpulse.flows.progress import progress_bar
from skillpulse.flows.runners import (
    BATCHES_PER_WORKER,
    runner_workers,
    submit_in_window,
    task_runner_from_env,
)
from skillpulse.flows.settings import TAXONOMY_PATH
from skillpulse.flows.sources import LIVE_SOURCES
from skillpulse.flows.sources.snapshot import SnapshotSource
from skillpulse.flows.steps import collect as collect_step
from skillpulse.flows.steps import enrich as enrich_step
from skillpulse.flows.steps import extract as extract_step
from skillpulse.flows.store import Store
from skillpulse.reports.build import build_report, existing_report, run_summary_markdown
from skillpulse.reports.fingerprint import fingerprint


@task(name="collect-snapshot")
def collect_snapshot(db_path: str, run_id: str, limit: int | None = None) -> dict[str, Any]:
    """Collect the bundled snapshot, unless this store already holds exactly what it would deliver."""
    source = SnapshotSource(limit=limit)
    fingerprint = source.fingerprint()
    with Store(db_path) as store, progress_bar("collect snapshot") as advance:
        before = store.collected_files(source.name)
        # same files and code, and the store still holds what they gave: the same postings again
        if (
            before
            and before[0] == fingerprint
            and store.postings_digest(before[1]["sources"]) == before[1]["digest"]
        ):
            counts = _without_digest(before[1])
            total = counts["new"] + counts["changed"] + counts["unchanged"]
            return {**counts, "new": 0, "changed": 0, "unchanged": total, "quarantined": 0, "read": False}
        started = datetime.now(UTC)
        result = collect_step.collect(store, source, run_id, advance)
        if result.error:
            raise RuntimeError(f"the bundled snapshot could not be read: {result.error}")
        sources = store.sources_seen_since(started)
        collected = {
            **result.as_dict(),
            "survey_rows": store.load_survey(source.survey()),
            "read": True,
            "sources": sources,
            "digest": store.postings_digest(sources),
        }
        store.save_collected_files(source.name, fingerprint, collected)
    return _without_digest(collected)


def _without_digest(collected: dict[str, Any]) -> dict[str, Any]:
    """A snapshot collection's counts as the run summary shows them (the digest is the store's business)."""
    return {k: v for k, v in collected.items() if k not in ("sources", "digest")}


def enabled_live_sources() -> list[str]:
    """Registered live sources that sources.yaml ($SKILLPULSE_SOURCES overrides it) switches on."""
    from skillpulse.flows.sources.config import load_config

    config = load_config(os.environ.get("SKILLPULSE_SOURCES"))
    return [name for name in LIVE_SOURCES if config.source(name).enabled]


@task(name="collect-live")
def collect_live(db_path: str, run_id: str, name: str) -> dict[str, Any] | State:
    """One live source from sources.yaml ($SKILLPULSE_SOURCES overrides the path). A source that failed
    (as a whole, or every one of its boards) ends as a *failed* task carrying its counts and a one-line
    reason, so Prefect shows it red; the run goes on. All sources of a run share one HTTP client."""
    from skillpulse.flows.sources.config import load_config
    from skillpulse.flows.sources.runner import build_source, collect_source, runtime_for_run

    config = load_config(os.environ.get("SKILLPULSE_SOURCES"))
    if not config.source(name).enabled:
        return {"source": name, "new": 0, "changed": 0, "unchanged": 0, "quarantined": 0, "error": None}
    runtime = runtime_for_run(run_id, config.http)
    with Store(db_path) as store, progress_bar(f"collect {name}") as advance:
        source = build_source(name, config, runtime)
        result = collect_source(store, source, run_id, advance, batch_size=config.batch_size)
    counts = result.as_dict()
    if result.error or (result.failed and result.fetched == 0):
        return Failed(message=f"{name}: {counts['error']}", data=counts)
    return counts


@lru_cache(maxsize=2)
def _extractor(taxonomy_path: str) -> SkillExtractor:
    """One extractor per worker process and taxonomy: compiling it costs about a second."""
    return SkillExtractor(taxonomy_path)


# A batch task's inputs are the batch itself: hashing them for Prefect's cache, or keeping its result,
# would cost more than the work and store every text again.
@task(name="extract-batch", retries=1, retry_delay_seconds=2, cache_policy=NO_CACHE, persist_result=False)
def extract_batch(taxonomy_path: str, rows: list[tuple]) -> extract_step.ExtractBatch:
    """Skills of one batch of postings, wherever the task runner places it."""
    return extract_step.extract_rows(_extractor(taxonomy_path), rows)


@task(name="enrich-batch", retries=1, retry_delay_seconds=2, cache_policy=NO_CACHE, persist_result=False)
def enrich_batch(version: str, records: list[dict[str, Any]]) -> enrich_step.EnrichBatch:
    """Roles, places, pay and industry of one batch of postings, wherever the task runner places it."""
    return enrich_step.enrich_rows(version, records)


def _window() -> int:
    context = FlowRunContext.get()
    return BATCHES_PER_WORKER * (runner_workers(context.task_runner) if context else 1)


def _on_runner(submit: Any) -> Any:
    """``run_batches`` for a step: each batch a task on the flow's task runner, a few in flight."""

    def run_batches(batches: Iterable[Any]) -> Iterator[Any]:
        return submit_in_window(submit, batches, _window())

    return run_batches


# Extract and enrich commit batch by batch and skip what is done, so a re-run resumes where a failed one
# stopped (a killed worker, a locked file); each batch task retries once; collect tasks report failures
# instead of raising.
def extract_skills(db_path: str, taxonomy_path: str) -> dict[str, Any]:
    version = f"{EXTRACTOR_CODE_VERSION}-{load_taxonomy(taxonomy_path).version}"
    run_batches = _on_runner(lambda rows: extract_batch.submit(taxonomy_path, rows))
    with Store(db_path) as store:
        pending = store.count_pending_extraction(version)
        with progress_bar("extract skills", total=pending) as advance:
            if not pending:  # a warm run: no spaCy pipeline to build; the specs a later change compares with
                if not store.has_skill_specs(version):
                    store.save_skill_specs(version, skill_specs(load_taxonomy(taxonomy_path)))
                return {"extracted": 0, "carried_over": 0, "mentions": 0, "pending_before": 0,
                        "failed": 0, "extractor_version": version}  # fmt: skip
            result = extract_step.extract(store, _extractor(taxonomy_path), advance, run_batches)
    return {**result, "extractor_version": version}


def enrich(db_path: str) -> dict[str, Any]:
    version = enrich_step.ENRICHER_VERSION
    run_batches = _on_runner(lambda records: enrich_batch.submit(version, records))
    with Store(db_path) as store:
        with progress_bar("enrich", total=enrich_step.pending(store)) as advance:
            result = enrich_step.enrich(store, advance, run_batches, group=False)
        with progress_bar("group duplicates", total=store.count("postings")) as advance:
            result["duplicates"] = enrich_step.regroup(store, result["enriched"], advance)
    return result


def _report_key(store: Store, extractor_version: str, run_date: date, summary: dict) -> str:
    """What decides a report's bytes: the code and configs (the fingerprint the report carries), the
    rows it reads, its date, and the run summary it prints (live runs only)."""
    live = [c for c in summary.get("collected", []) if c.get("source") != "snapshot"]
    shown = (
        [{k: v for k, v in c.items() if k != "read"} for c in summary.get("collected", [])] if live else []
    )
    parts = [
        fingerprint(),
        extractor_version,
        enrich_step.ENRICHER_VERSION,
        store.report_inputs_digest(extractor_version, enrich_step.ENRICHER_VERSION),
        run_date.isoformat(),
        shown,
    ]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


@task(name="report")
def report(db_path: str, out_dir: str, taxonomy_path: str, extractor_version: str, summary: dict) -> str:
    """Write the report, or point at today's when nothing it depends on changed since it was written."""
    run_date = date.today()
    with Store(db_path) as store, progress_bar("report"):
        summary = {**summary, "postings_total": store.count("postings")}
        key = _report_key(store, extractor_version, run_date, summary)
        run_dir = str((Path(out_dir) / run_date.isoformat()).resolve())
        written = store.report_written(run_dir)
        paths = (
            existing_report(Path(out_dir), run_date, written[1]) if written and written[0] == key else None
        )
        if paths is None:
            paths = build_report(
                store.con,
                load_taxonomy(taxonomy_path),
                extractor_version,
                enrich_step.ENRICHER_VERSION,
                Path(out_dir),
                run_date=run_date,
                summary=summary,
            )
            store.save_report_written(run_dir, key, paths.verdict_table)
    create_markdown_artifact(
        key="skillpulse-run-summary",
        markdown=f"# skillpulse run summary\n\n{run_summary_markdown(summary.get('collected', []))}",
        description="Per source: postings new, changed, closed, quarantined, and units failed",
    )
    create_markdown_artifact(
        key="skillpulse-verdicts",
        markdown=f"# skillpulse verdicts\n\n{paths.verdict_table}\n\nReport: `{paths.html}`",
        description="Each claim of the guide with its verdict on this run's postings",
    )
    return str(paths.html)


# One thread unless the environment says otherwise (``serve`` does); `skillpulse run` picks a process pool or
# Dask with ``pipeline.with_options(task_runner=flows.runners.make_task_runner(...))``.
@flow(name="skillpulse-pipeline", log_prints=True, task_runner=task_runner_from_env())
def pipeline(
    db_path: str,
    out_dir: str = "reports",
    offline: bool = True,
    limit: int | None = None,
    taxonomy_path: str = str(TAXONOMY_PATH),
) -> dict[str, Any]:
    """Collect postings, extract skills, enrich, and write the report; returns the run's summary."""
    logger = get_run_logger()
    load_taxonomy(taxonomy_path)  # refuse a broken taxonomy before any work is done
    run_id = str(flow_run.get_id() or uuid.uuid4())
    with Store(db_path) as store:
        store.start_run(run_id)
    seconds: dict[str, float] = {}  # wall time per stage, kept in the run's summary and printed at the end
    started = time.perf_counter()
    collected = [collect_snapshot(db_path, run_id, limit)]
    if not offline:
        for name in enabled_live_sources():
            # A failed source is a failed task (red in Prefect) whose counts still reach the summary.
            collected.append(
                collect_live(db_path, run_id, name, return_state=True).result(raise_on_failure=False)
            )
    for c in collected:
        if c.get("error"):
            logger.warning("source %s skipped: %s", c["source"], c["error"])
    seconds["collect"] = time.perf_counter() - started
    extracted = extract_skills(db_path, taxonomy_path)
    seconds["extract"] = time.perf_counter() - started - sum(seconds.values())
    enriched = enrich(db_path)
    seconds["enrich"] = time.perf_counter() - started - sum(seconds.values())
    summary: dict[str, Any] = {
        "run_id": run_id,
        "postings_read": sum(c["new"] + c["changed"] + c["unchanged"] for c in collected),
        "collected": collected,
        "extracted": extracted,
        "enriched": enriched,
        "seconds": seconds,
    }
    summary["report"] = report(db_path, out_dir, taxonomy_path, extracted["extractor_version"], summary)
    seconds["report"] = time.perf_counter() - started - sum(seconds.values())
    seconds = {k: round(v, 1) for k, v in seconds.items()}
    summary["seconds"] = seconds
    with Store(db_path) as store:
        store.finish_run(run_id, "completed", summary)
    return summary
