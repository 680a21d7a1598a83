"""Pipeline step: enrich every stored posting that lacks an enrichment for this enricher version.

Runs ``extractors.enrich.enrich`` (the code behind ``skillpulse enrich``) on each posting, in batches that
commit one at a time, so a crash loses one batch and a re-run resumes; a re-run with nothing new writes
nothing. Then it groups duplicates across the whole store (a new posting can join an old group).
The survey table needs no enrichment: its rows already carry ``salary_in_usd``. One value crosses
postings: a posting that names another as the same job (``same_job_as``) and has no industry of its own
takes that posting's industry. The SQL lives in the store.

Tables written (all keyed by ``enricher_version``, so versions can coexist):
``posting_roles`` (one row per role), ``enrichments`` (what was enriched, at which content hash),
``posting_enrichment`` (one row per posting) and ``posting_salaries`` (one row per salary found,
rejected ones included with their reason).

A posting can never stop the step: enrichment reads at most ``MAX_ENRICH_CHARS`` of its text, and a
posting whose enrichment still raises (poison an older version stored: pay of 1e308 an hour, a 400-digit
salary in the text, attributes that are not an object) gets an all-"unknown" enrichment, so it is counted
as a posting that says nothing of roles, places or pay, and one quarantine row naming it, the step, the
version and the error. It is marked enriched, so later runs neither fail on it nor retry it until its
content or the enricher changes. (The quarantine table, not an enrichment column, because it is where
every record the pipeline could not process is kept with its reason, and the store's schema is shared.)
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from skillpulse.extractors import (
    currency,
    dedupe,
    industry,
    location,
    regex_literals,
    roles,
    salary,
    seniority,
    stated_pay,
)
from skillpulse.extractors import enrich as enrich_mod
from skillpulse.flows.steps.extract import error_text, in_segments, record_failures
from skillpulse.flows.store import ENRICHMENT_TABLES, Store, batched

CODE_VERSION = "2"
BATCH = 2_000
# What enrichment reads of one posting's text (roles, places, pay in the text): far more than any real ad.
MAX_ENRICH_CHARS = 200_000
Progress = Callable[[int], None]
# How batches are computed: in this process by default, or by a Prefect task runner (a process pool, Dask),
# which gets the batches (stored rows as dicts) lazily and yields their results in any order.
RunBatches = Callable[[Iterable[list[dict[str, Any]]]], Iterator["EnrichBatch"]]


def _version() -> str:
    """Code version + hash of the rule files and enrichment modules: any edit re-enriches everything."""
    digest = hashlib.sha256()
    files = [roles.ROLES_PATH, currency.FX_PATH, industry.COMPANY_MAP_PATH]
    files += [
        Path(m.__file__)
        for m in (
            roles,
            salary,
            stated_pay,
            currency,
            location,
            industry,
            seniority,
            enrich_mod,
            dedupe,
            regex_literals,
        )
    ]
    for path in files:
        digest.update(Path(path).read_bytes())
    return f"enrich-{CODE_VERSION}-{digest.hexdigest()[:10]}"


ENRICHER_VERSION = _version()


def pending(store: Store, version: str = ENRICHER_VERSION) -> int:
    """How many postings lack an enrichment for ``version`` (or changed since theirs)."""
    return store.count_pending_enrichment(version)


def _json(value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return None


def record_from_row(row: dict[str, Any]) -> dict[str, Any]:
    """A stored posting as ``enrich`` reads it (stored text is already plain text)."""
    return {
        "id": row["posting_key"],
        "text": row["text"][:MAX_ENRICH_CHARS] if isinstance(row["text"], str) else row["text"],
        "text_is_html": False,
        "title": row["title"],
        "company": row["company"],
        "source": row["source"],
        "locations": _json(row["locations"]) or [],
        "remote": None if row["remote"] is None else bool(row["remote"]),
        "pay": _json(row["pay"]),
        "attributes": _json(row["attributes"]) or {},
        "posted_at": row["posted_at"],
    }


@dataclass
class EnrichBatch:
    """What one batch of postings yields, ready to write: computed anywhere (a worker process, a Dask
    worker), written by the one process that holds the store; failures carry their error as text."""

    version: str
    keys: list[str]
    rows: dict[str, list[tuple]] = field(default_factory=dict)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (key, content_hash, error)


def stored_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame of stored postings as plain dicts (None for missing values): what a batch carries."""
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def enrich_rows(version: str, records: list[dict[str, Any]]) -> EnrichBatch:
    """Enrich a batch of stored postings (``stored_rows``). Pure, so any worker can run it; refuses to
    run when this process's enricher is another version than the run's (other code on a Dask worker)."""
    if version != ENRICHER_VERSION:
        raise RuntimeError(f"this worker enriches with {ENRICHER_VERSION}, the run with {version}")
    failures: list[tuple[str, str, Exception]] = []
    rows = _batch_rows(version, records, failures)
    return EnrichBatch(
        version,
        [r["posting_key"] for r in records],
        rows,
        [(key, content_hash, error_text(exc)) for key, content_hash, exc in failures],
    )


def _batch_rows(
    version: str, records: list[dict[str, Any]], failures: list[tuple[str, str, Exception]] | None = None
) -> dict[str, list[tuple]]:
    """Enrich each posting of ``records``: its rows for each enrichment table. A posting whose enrichment
    raises gets the all-unknown rows instead, and ``(key, content_hash, error)`` in ``failures``."""
    rows: dict[str, list[tuple]] = {table: [] for table in ENRICHMENT_TABLES}
    now = datetime.now(UTC)
    for row in records:
        key = row["posting_key"]
        try:
            posting_rows = _posting_rows(key, version, enrich_mod.enrich(record_from_row(row)))
        except Exception as exc:  # noqa: BLE001 - one poison posting must never stop the step
            if failures is not None:
                failures.append((key, row["content_hash"], exc))
            posting_rows = {
                "posting_enrichment": [(key, version, "unknown", "[]", None, "unknown", "unknown", None)]
            }
        for table, table_rows in posting_rows.items():
            rows[table] += table_rows
        rows["enrichments"].append((key, version, row["content_hash"], now))
    return rows


def _posting_rows(key: str, version: str, e: enrich_mod.Enrichment) -> dict[str, list[tuple]]:
    """One enriched posting's rows for ``posting_roles``, ``posting_enrichment`` and ``posting_salaries``."""
    company = industry.normalise_company(e.company) or None
    salaries = [
        (key, version, n, s.min, s.max, s.currency, s.period, s.annual_usd_min, s.annual_usd_max,
         s.provenance, s.raw[:500], s.rejected)
        for n, s in enumerate([*e.salaries, *e.rejected_salaries])
    ]  # fmt: skip
    return {
        "posting_roles": [(key, version, r) for r in e.roles],
        "posting_enrichment": [
            (key, version, e.seniority, json.dumps(e.countries), e.city, e.remote, e.industry, company)
        ],
        "posting_salaries": salaries,
    }


def _dedupe_items(
    store: Store, version: str, progress: Progress | None = None
) -> Iterator[dedupe.DedupeItem]:
    n = 0
    for n, (key, text, company, title, locs, roles_csv, same_job_as) in enumerate(
        store.dedupe_rows(version), 1
    ):
        if progress and n % 5_000 == 0:
            progress(5_000)
        places = _json(locs)
        # Places as an older version (or a hand-edited store) may hold them: only a list's first text.
        first = places[0] if isinstance(places, list) and places else None
        yield dedupe.DedupeItem(
            key=key,
            text=text,
            company=company,
            title=title,
            location=first if isinstance(first, str) else None,
            # A row a source names as the same job as another posting (an HN structured row and its
            # comment) shares that posting's key as its item id.
            item_id=same_job_as or key,
            roles=tuple((roles_csv or "").split(",")) if roles_csv else (),
        )
    if progress and n % 5_000:
        progress(n % 5_000)  # the rest: the done-line counts every posting read


def group_duplicates(
    store: Store, version: str = ENRICHER_VERSION, progress: Progress | None = None
) -> dict[str, int]:
    """Recompute duplicate groups over every enriched posting; one transaction. ``progress`` counts the
    postings read (every 5,000)."""
    groups = dedupe.find_duplicates(_dedupe_items(store, version, progress))
    frame = pd.DataFrame(
        {
            "posting_key": list(groups),
            "dup_group": [g for g, _ in groups.values()],
            "dup_kind": [k for _, k in groups.values()],
        }
    )
    store.write_duplicate_groups(version, frame)
    n_groups = frame["dup_group"].nunique() if len(frame) else 0
    return {"postings": len(frame), "jobs": int(n_groups), "duplicates": len(frame) - int(n_groups)}


def regroup(store: Store, enriched: int, progress: Progress | None = None) -> int:
    """Regroup duplicates when this run enriched anything or a posting has no group yet; the number of
    duplicate postings, or -1 when nothing needed regrouping."""
    if not enriched and not store.count_ungrouped(ENRICHER_VERSION):
        return -1
    return group_duplicates(store, ENRICHER_VERSION, progress)["duplicates"]


def enrich(
    store: Store,
    progress: Progress | None = None,
    run_batches: RunBatches | None = None,
    group: bool = True,
) -> dict[str, int]:
    """Enrich what is missing for ``ENRICHER_VERSION``, then (``group``) regroup duplicates if anything
    changed; the pipeline regroups on its own, to show that step's progress.

    Batches are read lazily and written as their results arrive; ``run_batches`` decides where they are
    computed (this process by default)."""
    version = ENRICHER_VERSION
    pending_before = store.count_pending_enrichment(version)
    done = 0
    failed = 0

    def segment(limit: int) -> int:
        nonlocal done, failed
        before = done
        frames = store.pending_enrichment_frames(version, limit)
        batches = batched(itertools.chain.from_iterable(map(stored_rows, frames)), BATCH)
        results = run_batches(batches) if run_batches else (enrich_rows(version, b) for b in batches)
        for batch in results:
            record_failures(store, "enrich", version, batch.failures)  # before the rows: a crash between
            store.write_enrichments(version, batch.keys, batch.rows)
            done += len(batch.keys)
            failed += len(batch.failures)
            if progress:
                progress(len(batch.keys))
        return done - before

    in_segments(store, segment)
    duplicates = regroup(store, done) if group else -1
    return {"enriched": done, "pending_before": pending_before, "duplicates": duplicates, "failed": failed}
