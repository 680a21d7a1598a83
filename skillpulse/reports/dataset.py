"""The report's inputs as data frames, read from the store once and de-duplicated.

Claims are computed from these frames only, so tests can build them by hand and the report can publish
them as tables from which every number is recomputable.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from skillpulse.flows.settings import SNAPSHOT_DIR

MONTH_COUNTS = SNAPSHOT_DIR / "hn_union" / "month_counts.csv"
PARTIAL_COVERAGE = 0.60
POSTING_COLUMNS = [
    "posting_key",
    "source",
    "month",
    "text_kind",
    "roles",
    "seniority",
    "industry",
    "countries",
    "dup_group",
]


@dataclass
class ReportData:
    """One row per job in ``postings`` (duplicates removed); skills and salaries keyed by posting_key."""

    postings: pd.DataFrame
    skills: pd.DataFrame
    salaries: pd.DataFrame
    survey: pd.DataFrame
    coverage: pd.DataFrame
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # For trends: a job re-posted in later months counts once in each month, not once overall.
    monthly: pd.DataFrame | None = None

    def with_role(self, role: str) -> pd.DataFrame:
        return self.postings[self.postings.roles.map(lambda rs: role in rs)]

    def with_any_role(self, roles: list[str]) -> pd.DataFrame:
        wanted = set(roles)
        return self.postings[self.postings.roles.map(lambda rs: bool(wanted & set(rs)))]


def empty_data() -> ReportData:
    return ReportData(
        postings=pd.DataFrame(columns=POSTING_COLUMNS),
        skills=pd.DataFrame(columns=["posting_key", "skill_id"]),
        salaries=pd.DataFrame(columns=["posting_key", "annual_usd", "provenance", "is_us"]),
        survey=pd.DataFrame(columns=["job_title", "salary_in_usd", "company_location", "experience_level"]),
        coverage=pd.DataFrame(columns=["month", "coverage", "partial"]),
    )


def read_month_coverage(path: Path = MONTH_COUNTS) -> pd.DataFrame:
    """Per HN thread month: how complete the bundled copy is against an independent count."""
    if not path.is_file():
        return pd.DataFrame(columns=["month", "coverage", "partial"])
    rows = []
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            ratio = float(row["coverage_vs_reference"]) if row.get("coverage_vs_reference") else None
            rows.append({"month": row["month"], "coverage": ratio, "union_count": int(row["union_usable"])})
    frame = pd.DataFrame(rows)
    frame["partial"] = frame.coverage.map(lambda c: c is not None and c < PARTIAL_COVERAGE)
    return frame


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchall()[
            0
        ][0]
    )


def deduplicate(postings: pd.DataFrame, per_month: bool = False) -> pd.DataFrame:
    """Keep one posting per duplicate group (per group and month with ``per_month``), preferring full text."""
    if postings.empty:
        return postings
    ordered = postings.assign(_full=postings.text_kind.eq("full")).sort_values(
        ["_full", "posting_key"], ascending=[False, True]
    )
    groups = ordered.dup_group.fillna(ordered.posting_key)
    if per_month:
        groups = groups + "|" + ordered.month.fillna("")
    return (
        ordered[~groups.duplicated()].drop(columns="_full").sort_values("posting_key").reset_index(drop=True)
    )


def load(con: duckdb.DuckDBPyConnection, extractor_version: str, enricher_version: str) -> ReportData:
    """Read everything the claims need for these extractor and enricher versions."""
    has_enrichment = _table_exists(con, "posting_enrichment")
    enrichment_join = (
        "LEFT JOIN posting_enrichment pe ON pe.posting_key = p.posting_key AND pe.enricher_version = ?"
        if has_enrichment
        else ""
    )
    enrichment_cols = (
        "pe.seniority, pe.industry, pe.countries, pe.dup_group"
        if has_enrichment
        else "NULL AS seniority, NULL AS industry, NULL AS countries, NULL AS dup_group"
    )
    params: list = [enricher_version] + ([enricher_version] if has_enrichment else [])
    raw = con.execute(
        f"""
        SELECT p.posting_key, p.source, strftime(p.posted_at, '%Y-%m') AS month, p.text_kind,
               list(DISTINCT r.role) FILTER (WHERE r.role IS NOT NULL) AS roles, {enrichment_cols}
        FROM postings p
        LEFT JOIN posting_roles r ON r.posting_key = p.posting_key AND r.enricher_version = ?
        {enrichment_join}
        GROUP BY ALL
        """,
        params,
    ).df()
    raw["roles"] = raw.roles.map(lambda rs: tuple(sorted(rs)) if rs is not None and len(rs) else ("other",))
    raw["countries"] = raw.countries.map(_as_tuple)
    raw["seniority"] = raw.seniority.fillna("unknown")
    raw["industry"] = raw.industry.fillna("unknown")
    postings = deduplicate(raw)
    counts = {
        "before_dedup": raw.groupby("source").size().to_dict(),
        "after_dedup": postings.groupby("source").size().to_dict(),
    }
    kept = pd.DataFrame({"posting_key": postings.posting_key})
    con.register("kept_keys", kept)
    skills = con.execute(
        """
        SELECT s.posting_key, s.skill_id FROM posting_skills s
        JOIN kept_keys USING (posting_key)
        JOIN extractions e ON e.posting_key = s.posting_key AND e.extractor_version = s.extractor_version
        JOIN postings p ON p.posting_key = s.posting_key AND p.content_hash = e.content_hash
        WHERE s.extractor_version = ?
        """,
        [extractor_version],
    ).df()
    extracted = con.execute(
        "SELECT e.posting_key FROM extractions e JOIN kept_keys USING (posting_key) "
        "JOIN postings p ON p.posting_key = e.posting_key AND p.content_hash = e.content_hash "
        "WHERE e.extractor_version = ?",
        [extractor_version],
    ).df()
    salaries = _salaries(con, enricher_version) if _table_exists(con, "posting_salaries") else None
    con.unregister("kept_keys")
    postings["extracted"] = postings.posting_key.isin(set(extracted.posting_key))
    if salaries is None:
        salaries = empty_data().salaries
    salaries = salaries[salaries.posting_key.isin(set(postings.posting_key))]
    survey = con.execute("SELECT * FROM survey_salaries").df()
    monthly = deduplicate(raw, per_month=True)
    return ReportData(postings, skills, salaries, survey, read_month_coverage(), counts, monthly)


def _salaries(con: duckdb.DuckDBPyConnection, enricher_version: str) -> pd.DataFrame:
    """One annual USD figure per posting: the midpoint of its first accepted range (rejected ones skipped)."""
    frame = con.execute(
        """
        SELECT posting_key, provenance, annual_usd_min, annual_usd_max
        FROM posting_salaries WHERE enricher_version = ? AND rejected_reason IS NULL
        ORDER BY posting_key, n
        """,
        [enricher_version],
    ).df()
    if frame.empty:
        return empty_data().salaries
    frame["annual_usd"] = frame[["annual_usd_min", "annual_usd_max"]].mean(axis=1, skipna=True)
    frame = frame.dropna(subset=["annual_usd"]).drop_duplicates("posting_key")
    return frame[["posting_key", "annual_usd", "provenance"]]


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ()
    if isinstance(value, str):
        import json

        try:
            value = json.loads(value)
        except ValueError:
            return (value,)
    return tuple(value) if isinstance(value, (list, tuple)) else ()
