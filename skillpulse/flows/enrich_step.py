"""Pipeline step: enrich every stored posting that lacks an enrichment for this enricher version.

Runs ``extractors.enrich.enrich`` (the code behind ``skillpulse enrich``) on each posting, in batches that
commit one at a time, so a crash loses one batch and a re-run resumes; a re-run with nothing new writes
nothing. Then it groups duplicates across the whole store (a new posting can join an old group).
The survey table needs no enrichment: its rows already carry ``salary_in_usd``. One value crosses
sources: an HN structured row with no industry takes the industry of the HN comment it came from.

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

from skillpulse.extractors import currency, dedupe, industry, location, roles, salary, seniority
from skillpulse.extractors import enrich as enrich_mod
from skillpulse.flows.store import Store, batched

CODE_VERSION = "2"
BATCH = 2_000
Progress = Callable[[int], None]


def _version() -> str:
    """Code version + hash of the rule files and enrichment modules: any edit re-enriches everything."""
    digest = hashlib.sha256()
    files = [roles.ROLES_PATH, currency.FX_PATH, industry.COMPANY_MAP_PATH]
    files += [
        Path(m.__file__) for m in (roles, salary, currency, location, industry, seniority, enrich_mod, dedupe)
    ]
    for path in files:
        digest.update(Path(path).read_bytes())
    return f"enrich-{CODE_VERSION}-{digest.hexdigest()[:10]}"


ENRICHER_VERSION = _version()


def pending(store: Store, version: str = ENRICHER_VERSION) -> list[str]:
    return [
        r[0]
        for r in store.con.execute(
            """
            SELECT p.posting_key FROM postings p
            LEFT JOIN enrichments e ON e.posting_key = p.posting_key AND e.enricher_version = ?
            WHERE e.posting_key IS NULL OR e.content_hash <> p.content_hash
            ORDER BY p.posting_key
            """,
            [version],
        ).fetchall()
    ]


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


def _rows_for(store: Store, keys: list[str]) -> pd.DataFrame:
    store.con.register("enrich_keys", pd.DataFrame({"posting_key": keys}))
    try:
        return store.con.execute(
            "SELECT posting_key, content_hash, source, source_id, title, company, text, locations, remote, "
            "pay::VARCHAR AS pay, attributes::VARCHAR AS attributes, posted_at "
            "FROM postings JOIN enrich_keys USING (posting_key)"
        ).df()
    finally:
        store.con.unregister("enrich_keys")


ENRICHMENT_COLUMNS = [
    "posting_key", "enricher_version", "seniority", "countries", "city", "remote_mode", "industry",
    "company_norm",
]  # fmt: skip
SALARY_COLUMNS = [
    "posting_key", "enricher_version", "n", "min", "max", "currency", "period", "annual_usd_min",
    "annual_usd_max", "provenance", "raw", "rejected_reason",
]  # fmt: skip


def _insert(con: Any, table: str, rows: list[tuple], columns: list[str]) -> None:
    """Bulk insert through a registered frame: DuckDB's executemany goes row by row."""
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=columns).astype(object)
    con.register("insert_frame", frame)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM insert_frame")  # noqa: S608
    finally:
        con.unregister("insert_frame")


def _write_batch(store: Store, version: str, frame: pd.DataFrame) -> None:
    role_rows, enrich_rows, salary_rows, status_rows = [], [], [], []
    now = datetime.now(UTC)
    for row in frame.astype(object).where(frame.notna(), None).to_dict("records"):
        e = enrich_mod.enrich(record_from_row(row))
        key = row["posting_key"]
        role_rows += [(key, version, r) for r in e.roles]
        enrich_rows.append(
            (
                key,
                version,
                e.seniority,
                json.dumps(e.countries),
                e.city,
                e.remote,
                e.industry,
                industry.normalise_company(e.company) or None,
            )
        )
        for n, s in enumerate([*e.salaries, *e.rejected_salaries]):
            salary_rows.append(
                (key, version, n, s.min, s.max, s.currency, s.period, s.annual_usd_min, s.annual_usd_max,
                 s.provenance, s.raw[:500], s.rejected)
            )  # fmt: skip
        status_rows.append((key, version, row["content_hash"], now))
    keys = pd.DataFrame({"posting_key": frame["posting_key"]})
    with store.transaction() as con:
        con.register("batch_keys", keys)
        for table in ("posting_roles", "posting_enrichment", "posting_salaries"):
            con.execute(
                f"DELETE FROM {table} WHERE enricher_version = ? "  # noqa: S608 - fixed table names
                "AND posting_key IN (SELECT posting_key FROM batch_keys)",
                [version],
            )
        con.unregister("batch_keys")
        _insert(con, "posting_roles", role_rows, ["posting_key", "enricher_version", "role"])
        _insert(con, "posting_enrichment", enrich_rows, ENRICHMENT_COLUMNS)
        _insert(con, "posting_salaries", salary_rows, SALARY_COLUMNS)
        con.register("status_frame", pd.DataFrame(status_rows, columns=["k", "v", "h", "t"]))
        con.execute("INSERT OR REPLACE INTO enrichments SELECT k, v, h, t FROM status_frame")
        con.unregister("status_frame")


def _dedupe_items(store: Store, version: str) -> Iterator[dedupe.DedupeItem]:
    cur = store.con.execute(
        "SELECT p.posting_key, p.source, p.source_id, p.text, COALESCE(p.company, e.company_norm), p.title, "
        "p.locations::VARCHAR, (SELECT string_agg(r.role, ',') FROM posting_roles r "
        "  WHERE r.posting_key = p.posting_key AND r.enricher_version = e.enricher_version) "
        "FROM postings p JOIN posting_enrichment e "
        "ON e.posting_key = p.posting_key AND e.enricher_version = ?",
        [version],
    )
    while rows := cur.fetchmany(5_000):
        for key, source, source_id, text, company, title, locs, roles_csv in rows:
            places = _json(locs) or []
            yield dedupe.DedupeItem(
                key=key,
                text=text,
                company=company,
                title=title,
                location=places[0] if places else None,
                item_id=f"hn:{source_id}" if source in ("hn", "hn_structured") else None,
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
    with store.transaction() as con:
        con.register("dup_frame", frame)
        con.execute(
            "UPDATE posting_enrichment e SET dup_group = d.dup_group, dup_kind = d.dup_kind "
            "FROM dup_frame d WHERE e.posting_key = d.posting_key AND e.enricher_version = ?",
            [version],
        )
        con.unregister("dup_frame")
        # An HN structured row has no text to read an industry from; the comment it was extracted from
        # (same HN id, so certainly the same company) often has one.
        con.execute(
            """
            UPDATE posting_enrichment e SET industry = f.industry
            FROM (
                SELECT s.posting_key, min(h.industry) AS industry
                FROM postings ps
                JOIN posting_enrichment s ON s.posting_key = ps.posting_key AND s.enricher_version = $v
                JOIN postings ph ON ph.source = 'hn' AND ph.source_id = ps.source_id
                JOIN posting_enrichment h ON h.posting_key = ph.posting_key AND h.enricher_version = $v
                WHERE ps.source = 'hn_structured' AND s.industry = 'unknown' AND h.industry <> 'unknown'
                GROUP BY 1
            ) f
            WHERE e.posting_key = f.posting_key AND e.enricher_version = $v
            """,
            {"v": version},
        )
    n_groups = frame["dup_group"].nunique() if len(frame) else 0
    return {"postings": len(frame), "jobs": int(n_groups), "duplicates": len(frame) - int(n_groups)}


def enrich(store: Store, progress: Progress | None = None) -> dict[str, int]:
    """Enrich what is missing for ``ENRICHER_VERSION``, then regroup duplicates if anything changed."""
    version = ENRICHER_VERSION
    keys = pending(store, version)
    done = 0
    for chunk in batched(keys, BATCH):
        _write_batch(store, version, _rows_for(store, chunk))
        done += len(chunk)
        if progress:
            progress(len(chunk))
    ungrouped = store.con.execute(
        "SELECT count(*) FROM posting_enrichment WHERE enricher_version = ? AND dup_group IS NULL", [version]
    ).fetchone()[0]
    dups = {"duplicates": -1}
    if done or ungrouped:
        dups = group_duplicates(store, version)
    return {"enriched": done, "pending_before": len(keys), "duplicates": dups["duplicates"]}
