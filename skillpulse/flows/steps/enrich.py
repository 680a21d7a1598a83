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
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from skillpulse.extractors import currency, dedupe, industry, location, roles, salary, seniority, stated_pay
from skillpulse.extractors import enrich as enrich_mod
from skillpulse.flows.steps.extract import record_failures
from skillpulse.flows.store import ENRICHMENT_TABLES, Store, batched

CODE_VERSION = "2"
BATCH = 2_000
# What enrichment reads of one posting's text (roles, places, pay in the text): far more than any real ad.
MAX_ENRICH_CHARS = 200_000
Progress = Callable[[int], None]


def _version() -> str:
    """Code version + hash of the rule files and enrichment modules: any edit re-enriches everything."""
    digest = hashlib.sha256()
    files = [roles.ROLES_PATH, currency.FX_PATH, industry.COMPANY_MAP_PATH]
    files += [
        Path(m.__file__)
        for m in (roles, salary, stated_pay, currency, location, industry, seniority, enrich_mod, dedupe)
    ]
    for path in files:
        digest.update(Path(path).read_bytes())
    return f"enrich-{CODE_VERSION}-{digest.hexdigest()[:10]}"


ENRICHER_VERSION = _version()


def pending(store: Store, version: str = ENRICHER_VERSION) -> list[str]:
    return store.pending_enrichment(version)


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


def _batch_rows(
    version: str, frame: pd.DataFrame, failures: list[tuple[str, str, Exception]] | None = None
) -> dict[str, list[tuple]]:
    """Enrich each posting of ``frame``: its rows for each enrichment table. A posting whose enrichment
    raises gets the all-unknown rows instead, and ``(key, content_hash, error)`` in ``failures``."""
    rows: dict[str, list[tuple]] = {table: [] for table in ENRICHMENT_TABLES}
    now = datetime.now(UTC)
    for row in frame.astype(object).where(frame.notna(), None).to_dict("records"):
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


def _dedupe_items(store: Store, version: str) -> Iterator[dedupe.DedupeItem]:
    for key, text, company, title, locs, roles_csv, same_job_as in store.dedupe_rows(version):
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


def group_duplicates(store: Store, version: str = ENRICHER_VERSION) -> dict[str, int]:
    """Recompute duplicate groups over every enriched posting; one transaction."""
    groups = dedupe.find_duplicates(_dedupe_items(store, version))
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


def enrich(store: Store, progress: Progress | None = None) -> dict[str, int]:
    """Enrich what is missing for ``ENRICHER_VERSION``, then regroup duplicates if anything changed."""
    version = ENRICHER_VERSION
    keys = pending(store, version)
    done = 0
    failed = 0
    for chunk in batched(keys, BATCH):
        failures: list[tuple[str, str, Exception]] = []
        rows = _batch_rows(version, store.postings_for_enrichment(chunk), failures)
        record_failures(store, "enrich", version, failures)  # before the rows: a crash between retries
        store.write_enrichments(version, chunk, rows)
        done += len(chunk)
        failed += len(failures)
        if progress:
            progress(len(chunk))
    ungrouped = store.count_ungrouped(version)
    dups = {"duplicates": -1}
    if done or ungrouped:
        dups = group_duplicates(store, version)
    return {"enriched": done, "pending_before": len(keys), "duplicates": dups["duplicates"], "failed": failed}
