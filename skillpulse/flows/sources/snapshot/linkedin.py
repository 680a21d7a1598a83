"""LinkedIn exports: AI/ML search results (US, spring 2024) and three data-role scrapes (2023-07, 2023-11,
2025-09), each with its own columns, date quirks and id.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from skillpulse.flows.sources.posting import Posting, Quarantined
from skillpulse.flows.sources.snapshot.common import (
    _dated,
    _day,
    _described,
    _Seen,
    _short_sha1,
    _text,
    csv_rows,
    read_rows,
)

# Capture dates (see each PROVENANCE.md): the day a scrape was taken, used as posted_at (with
# attributes["date_is_capture"]) when a row has no date of its own, so year counts still place it.
LINKEDIN_AIML_CAPTURE = date(2024, 6, 1)

LINKEDIN_2023_07_CAPTURE = date(2023, 7, 22)

LINKEDIN_2023_11_CAPTURE = date(2023, 11, 16)

LINKEDIN_2025_09_CAPTURE = date(2025, 9, 7)

LINKEDIN_DATA_FILES = {
    "2023-07": "linkedin_jobs_2023-07_eu.csv.gz",
    "2023-11": "linkedin_jobs_2023-11_data_analyst.csv.gz",
    "2025-09": "linkedin_jobs_2025-09_us_eu.csv.gz",
}

_LINKEDIN_JOB_ID = re.compile(r"-(\d{6,})(?:[?/#]|$)")

_RELATIVE = re.compile(r"^\s*(\d+)\s+(minute|hour|day|week|month|year)s?\s+ago\s*$", re.IGNORECASE)


def _linkedin_job_id(url: str | None) -> str | None:
    """The job id in a LinkedIn job URL (".../jobs/view/data-analyst-at-lucid-motors-3749332687?...")."""
    m = _LINKEDIN_JOB_ID.search(url or "")
    return m.group(1) if m else None


def _without_query(url: str | None) -> str | None:
    """LinkedIn links carry per-search tracking parameters; the job page is the part before them."""
    return url.split("?", 1)[0] if url else None


def _months_before(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    first_of_next = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (first_of_next - timedelta(days=1)).day))


def posted_from_relative(text: str | None, scraped: date) -> tuple[datetime, dict[str, Any]]:
    """LinkedIn's "3 days ago" / "2 weeks ago" / "1 month ago", counted back from the scrape date.

    Hours and minutes mean the scrape day itself. Anything else cannot be placed, so the scrape date is
    used and flagged as a capture date, not a posting date.
    """
    m = _RELATIVE.match(text or "")
    if not m:
        return _day(scraped), {"date_is_capture": True}
    n, unit = int(m.group(1)), m.group(2).lower()
    if unit in ("minute", "hour"):
        day = scraped
    elif unit in ("day", "week"):
        day = scraped - timedelta(days=n * (7 if unit == "week" else 1))
    else:
        day = _months_before(scraped, n * (12 if unit == "year" else 1))
    return _day(day), {}


def _linkedin_aiml_posting(row: dict[str, str], source_id: str) -> Posting:
    posted, flags = _dated(row.get("publishedAt"), LINKEDIN_AIML_CAPTURE)
    location = _text(row.get("location"))
    return Posting(
        source="linkedin_aiml",
        source_id=source_id,
        title=_text(row.get("title")),
        company=_text(row.get("companyName")),
        description=_described(row.get("description")),
        description_is_html=False,
        raw=row,
        locations=[location] if location else [],
        posted_at=posted,
        attributes={
            "industry": _text(row.get("sector")),  # LinkedIn's company industry
            "experience_level": _text(row.get("experienceLevel")),
            "employment_type": _text(row.get("contractType")),
            "job_function": _text(row.get("workType")),
            **flags,
        },
    )


def _linkedin_2023_07_posting(row: dict[str, str], source_id: str) -> Posting:
    """``describtion`` (sic) is HTML escaped once more; ``country`` says "European Union" for rows that are
    all in California, so only ``jobs_locations`` is used."""
    posted, flags = _dated(row.get("listing_dates"), LINKEDIN_2023_07_CAPTURE)
    location = _text(row.get("jobs_locations"))
    industry = _text(row.get("industry"))
    return Posting(
        source="linkedin_data",
        source_id=source_id,
        title=_text(row.get("jobs_titles")),
        company=_text(row.get("companies_names")),
        description=html.unescape(_described(row.get("describtion"))),
        description_is_html=True,
        raw=row,
        url=_without_query(row.get("jobs_links")),
        locations=[location] if location else [],
        remote=True if row.get("location_type") == "TELECOMMUTE" else None,
        posted_at=posted,
        attributes={
            "industry": html.unescape(industry) if industry else None,  # "Information Technology &amp; …"
            "employment_type": _text(row.get("employment_type")),
            "required_credential": _text(row.get("reqierd_credential")),
            "search_term": _text(row.get("job_title")),
            "scrape": "2023-07",
            **flags,
        },
    )


def _linkedin_2023_11_posting(row: dict[str, str], source_id: str) -> Posting:
    """No date and no location in this file: dated by the scrape (flagged), placed nowhere."""
    return Posting(
        source="linkedin_data",
        source_id=source_id,
        title=_text(row.get("job_title")),
        company=_text(row.get("company_name")),
        description=html.unescape(_described(row.get("desc"))),
        description_is_html=True,
        raw=row,
        url=_without_query(row.get("job_link")),
        posted_at=_day(LINKEDIN_2023_11_CAPTURE),
        attributes={"scrape": "2023-11", "date_is_capture": True},
    )


def _linkedin_2025_09_posting(row: dict[str, str], source_id: str) -> Posting:
    posted, flags = posted_from_relative(row.get("posted_since"), LINKEDIN_2025_09_CAPTURE)
    location = _text(row.get("location"))
    return Posting(
        source="linkedin_data",
        source_id=source_id,
        title=_text(row.get("posting_title")),
        company=_text(row.get("company_name")),
        description=_described(row.get("description")),
        description_is_html=False,
        raw=row,
        url=_without_query(row.get("job_url")),
        locations=[location] if location else [],
        posted_at=posted,
        attributes={
            "industry": _text(row.get("industries")),
            "experience_level": _text(row.get("seniority_level")),
            "employment_type": _text(row.get("employment_type")),
            "job_function": _text(row.get("job_function")),
            "posted_since": _text(row.get("posted_since")),
            "search_term": _text(row.get("searched_job_title")),
            "search_country": _text(row.get("searched_country")),
            "scrape": "2025-09",
            **flags,
        },
    )


# LinkedIn file -> (reader of one row, its upstream id or None, (title, company, description) columns).
_LINKEDIN_DATA_ROWS: dict[str, tuple[Callable[[dict[str, str], str], Posting], Callable[..., Any], tuple]] = {
    "2023-07": (
        _linkedin_2023_07_posting,
        lambda r: _linkedin_job_id(r.get("jobs_links")),
        ("jobs_titles", "companies_names", "describtion"),
    ),
    "2023-11": (
        _linkedin_2023_11_posting,
        lambda r: _linkedin_job_id(r.get("job_link")),
        ("job_title", "company_name", "desc"),
    ),
    "2025-09": (
        _linkedin_2025_09_posting,
        lambda r: _text(r.get("id")),
        ("posting_title", "company_name", "description"),
    ),
}


def linkedin_aiml(root: Path) -> Iterator[Posting | Quarantined]:
    """LinkedIn AI/ML search results (spring 2024); the export has no id, so the id is a hash."""
    rows = csv_rows(root / "linkedin_aiml_2024" / "ai_ml_jobs_linkedin.csv.gz")
    yield from read_rows(
        rows,
        "linkedin_aiml",
        lambda r: _short_sha1(r.get("title"), r.get("companyName"), r.get("description")),
        _linkedin_aiml_posting,
        _Seen(),
    )


def linkedin_data(root: Path, scrape: str, seen: _Seen) -> Iterator[Posting | Quarantined]:
    """One of the three LinkedIn data-job scrapes; ids are LinkedIn job ids, shared across them."""
    build, upstream_id, text_columns = _LINKEDIN_DATA_ROWS[scrape]
    rows = csv_rows(root / "linkedin_data" / LINKEDIN_DATA_FILES[scrape])
    yield from read_rows(
        rows,
        f"linkedin_data/{scrape}",
        lambda r: upstream_id(r) or _short_sha1(*(r.get(c) for c in text_columns)),
        build,
        seen,
    )
