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

from skillpulse.flows import store as store_reads
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
    """Read everything the claims need for these extractor and enricher versions (the SQL is the
    store's: :mod:`skillpulse.flows.store`'s report reads)."""
    raw = store_reads.report_postings(con, enricher_version)
    raw["roles"] = raw.roles.map(lambda rs: tuple(sorted(rs)) if rs is not None and len(rs) else ("other",))
    raw["countries"] = raw.countries.map(_as_tuple)
    raw["seniority"] = raw.seniority.fillna("unknown")
    raw["industry"] = raw.industry.fillna("unknown")
    postings = deduplicate(raw)
    counts = {
        "before_dedup": raw.groupby("source").size().to_dict(),
        "after_dedup": postings.groupby("source").size().to_dict(),
    }
    skills, extracted = store_reads.report_skills(con, postings.posting_key, extractor_version)
    postings["extracted"] = postings.posting_key.isin(extracted)
    salaries = _salaries(store_reads.report_salaries(con, enricher_version))
    salaries = salaries[salaries.posting_key.isin(set(postings.posting_key))]
    survey = store_reads.report_survey(con)
    monthly = deduplicate(raw, per_month=True)
    return ReportData(postings, skills, salaries, survey, read_month_coverage(), counts, monthly)


def _salaries(frame: pd.DataFrame) -> pd.DataFrame:
    """One annual USD figure per posting: the midpoint of its first accepted range (rejected ones skipped)."""
    if frame.empty:
        return empty_data().salaries
    frame = frame.copy()
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
