"""Glassdoor data-science postings (two 2020 scrapes): full descriptions, Glassdoor's pay estimate and
industry."""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterator
from pathlib import Path

from skillpulse.extractors.stated_pay import StatedPay
from skillpulse.flows.sources.posting import Posting, Quarantined
from skillpulse.flows.sources.snapshot.common import MISSING, NAME, _guarded

GLASSDOOR_FILES = {"kenjee": "glassdoor_jobs_kenjee.csv.gz", "uncleaned": "Uncleaned_DS_jobs.csv.gz"}
_SALARY_ESTIMATE = re.compile(
    r"^\s*(?P<employer>Employer Provided Salary:)?\s*\$(?P<lo>[\d.]+)(?P<k1>K)?\s*-\s*\$(?P<hi>[\d.]+)"
    r"(?P<k2>K)?\s*(?P<hour>Per Hour)?\s*\(?(?P<est>Glassdoor est\.|Employer est\.)?\)?\s*$",
    re.IGNORECASE,
)


def stated_pay(value: str) -> list[StatedPay]:
    """Glassdoor's "Salary Estimate": "$53K-$91K (Glassdoor est.)" is Glassdoor's estimate; "Employer
    Provided Salary:" and "(Employer est.)" figures are the employer's (structured). Always USD."""
    m = _SALARY_ESTIMATE.match(value or "")
    if not m:
        return [StatedPay(currency="USD", period="year", provenance="estimate", text=value or "")]
    lo = float(m.group("lo")) * (1000 if m.group("k1") else 1)
    hi = float(m.group("hi")) * (1000 if m.group("k2") else 1)
    employer = m.group("employer") or (m.group("est") or "").lower().startswith("employer")
    period = "hour" if m.group("hour") else "year"
    return [StatedPay(lo, hi, "USD", period, "structured" if employer else "estimate", value.strip())]


def _glassdoor_company(value: str) -> str | None:
    # The scraper appended the rating after a newline: "Healthfirst\n3.1".
    name = value.split("\n")[0].strip()
    return None if name in MISSING else name


def _glassdoor_posting(row: dict[str, str], tag: str, index: str | None) -> Posting:
    location = row.get("Location", "")
    return Posting(
        source="glassdoor",
        source_id=f"{tag}-{index}",
        title=row.get("Job Title") or None,
        company=_glassdoor_company(row.get("Company Name", "")),
        description=row.get("Job Description") or "",
        description_is_html=False,
        raw=row,
        locations=[] if location in MISSING else [location],
        pay=stated_pay(row["Salary Estimate"]) if row.get("Salary Estimate") not in MISSING else [],
        attributes={
            k.lower().replace(" ", "_"): row[k]
            for k in ("Industry", "Sector", "Size", "Type of ownership")
            if row.get(k) not in MISSING
        },
    )


def glassdoor(root: Path, tag: str, filename: str) -> Iterator[Posting | Quarantined]:
    with gzip.open(root / "glassdoor" / filename, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            index = row.get("index", row.get(""))
            description = row.get("Job Description") or ""
            if not description.strip():
                yield Quarantined(NAME, f"{tag}-{index}", "Glassdoor row without a description", row)
                continue
            yield _guarded(
                f"glassdoor/{tag}",
                f"{tag}-{index}",
                row,
                lambda r=row, i=index: _glassdoor_posting(r, tag, i),
            )
