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
from skillpulse.flows.store import ENRICHMENT_TABLES, Store, batched

CODE_VERSION = "2"
BATCH = 2_000
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
        "text": row["text"],
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


def _batch_rows(version: str, frame: pd.DataFrame) -> dict[str, list[tuple]]:
    """Enrich each posting of ``frame``: its rows for each enrichment table."""
    rows: dict[str, list[tuple]] = {table: [] for table in ENRICHMENT_TABLES}
    now = datetime.now(UTC)
    for row in frame.astype(object).where(frame.notna(), None).to_dict("records"):
        e = enrich_mod.enrich(record_from_row(row))
        key = row["posting_key"]
        rows["posting_roles"] += [(key, version, r) for r in e.roles]
        company = industry.normalise_company(e.company) or None
        rows["posting_enrichment"].append(
            (key, version, e.seniority, json.dumps(e.countries), e.city, e.remote, e.industry, company)
        )
        for n, s in enumerate([*e.salaries, *e.rejected_salaries]):
            rows["posting_salaries"].append(
                (key, version, n, s.min, s.max, s.currency, s.period, s.annual_usd_min, s.annual_usd_max,
                 s.provenance, s.raw[:500], s.rejected)
            )  # fmt: skip
        rows["enrichments"].append((key, version, row["content_hash"], now))
    return rows


def _dedupe_items(store: Store, version: str) -> Iterator[dedupe.DedupeItem]:
    for key, text, company, title, locs, roles_csv, same_job_as in store.dedupe_rows(version):
        places = _json(locs) or []
        yield dedupe.DedupeItem(
            key=key,
            text=text,
            company=company,
            title=title,
            location=places[0] if places else None,
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
    for chunk in batched(keys, BATCH):
        store.write_enrichments(version, chunk, _batch_rows(version, store.postings_for_enrichment(chunk)))
        done += len(chunk)
        if progress:
            progress(len(chunk))
    ungrouped = store.count_ungrouped(version)
    dups = {"duplicates": -1}
    if done or ungrouped:
        dups = group_duplicates(store, version)
    return {"enriched": done, "pending_before": len(keys), "duplicates": dups["duplicates"]}
