"""The bundled snapshot of real public postings (``data/snapshot``), delivered like a live source.

Each file is read as the live API or export it came from would deliver it, so the rest of the pipeline
cannot tell the snapshot from a fresh collection. See ``data/snapshot/*/PROVENANCE.md``.
"""

from __future__ import annotations

import ast
import csv
import gzip
import hashlib
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from skillpulse.flows.settings import SNAPSHOT_DIR
from skillpulse.flows.sources.ashby import _remote as ashby_remote
from skillpulse.flows.sources.base import Posting, PostingError, Quarantined, parse_time
from skillpulse.flows.sources.live import clean_locations, require

NAME = "snapshot"
GLASSDOOR_FILES = {"kenjee": "glassdoor_jobs_kenjee.csv.gz", "uncleaned": "Uncleaned_DS_jobs.csv.gz"}
MISSING = {"", "-1", "-1.0"}
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
MAX_LOCATIONS_REPR = 10_000  # a locations string longer than this is not a list of places


def _month_start(month: str) -> datetime:
    return datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC)


def _hn_posting(row: dict[str, Any], source_id: str, month: str | None) -> Posting:
    posted = parse_time(row.get("time")) or (_month_start(month) if month else None)
    return Posting(
        source="hn",
        source_id=source_id,
        title=None,
        company=None,
        description=row.get("text") or "",
        raw=row,
        url=f"https://news.ycombinator.com/item?id={row['id']}" if row.get("id") else None,
        posted_at=posted,
        attributes={"thread_month": month or (posted.strftime("%Y-%m") if posted else None)},
    )


def _guarded(tag: str, source_id: str | None, payload: Any, build: Any) -> Posting | Quarantined:
    """Build one posting; a row that cannot be read is quarantined with the reason, and reading goes on."""
    try:
        return build()
    except (KeyError, TypeError, ValueError) as exc:
        return Quarantined(NAME, source_id or tag, f"{tag}: {type(exc).__name__}: {exc}", payload)


def _glassdoor_company(value: str) -> str | None:
    # The scraper appended the rating after a newline: "Healthfirst\n3.1".
    name = value.split("\n")[0].strip()
    return None if name in MISSING else name


def _day(value: date) -> datetime:
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _text(value: Any) -> str | None:
    """A non-empty stripped string, or None: CSV readers give "" for a missing cell."""
    return value.strip() or None if isinstance(value, str) else None


def _short_sha1(*parts: str | None) -> str:
    """An id for a row the source gave none: the same (title, company, description) gets the same id,
    so an exact repeat is recognised as one."""
    payload = json.dumps(parts, ensure_ascii=False)
    return "sha1-" + hashlib.sha1(payload.encode("utf-8")).hexdigest()[:16]


def _upstream_id(row: dict[str, Any]) -> str | None:
    """The source's own id (Ashby posting UUID, Uber job number), as text."""
    value = row.get("id")
    return None if value in (None, "") else str(value)


def _linkedin_job_id(url: str | None) -> str | None:
    """The job id in a LinkedIn job URL (".../jobs/view/data-analyst-at-lucid-motors-3749332687?...")."""
    m = _LINKEDIN_JOB_ID.search(url or "")
    return m.group(1) if m else None


def _without_query(url: str | None) -> str | None:
    """LinkedIn links carry per-search tracking parameters; the job page is the part before them."""
    return url.split("?", 1)[0] if url else None


def _dated(value: Any, capture: date) -> tuple[datetime, dict[str, Any]]:
    """A row's own date if it has one, else the scrape's capture date, flagged so a reader can tell.

    An unreadable date raises ValueError: the row is quarantined rather than silently re-dated.
    """
    posted = parse_time(_text(value))
    if posted is not None:
        return posted, {}
    return _day(capture), {"date_is_capture": True}


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


def uber_locations(value: Any) -> list[str]:
    """Uber's ``locations``: a list, or (as PROVENANCE describes the file) a Python-repr string of one.

    ``ast.literal_eval`` only evaluates literals, never code; anything but a list of strings raises
    ValueError so the row is quarantined with the reason.
    """
    if value in (None, ""):
        return []
    if isinstance(value, str):
        if len(value) > MAX_LOCATIONS_REPR:
            raise ValueError(f"locations string of {len(value):,} characters")
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
            raise ValueError(f"locations is not a Python list literal: {value[:80]!r}") from exc
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"locations is not a list of strings: {str(value)[:80]!r}")
    return clean_locations(list(value))


def _described(description: str | None) -> str:
    """Full-text sources are read for their text: a row without one is quarantined, never dropped."""
    if not description or not description.strip():
        raise PostingError("row without a description")
    return description


@dataclass
class _Seen:
    """Source ids one source has already delivered as postings, and those it has quarantined."""

    postings: set[str] = field(default_factory=set)
    quarantined: set[str] = field(default_factory=set)


def _ashby_posting(row: dict[str, Any]) -> Posting:
    """As ``flows.sources.ashby.AshbySource.normalise`` builds it, so snapshot and live rows compare:
    the board slug is the company, ``compensation`` is kept whole as pay (parsed by
    ``extractors.salary.parse_pay``)."""
    require(row, "id", "title")
    secondary = [s.get("location") for s in row.get("secondaryLocations") or []]
    return Posting(
        source="ashby",
        source_id=str(row["id"]),
        title=row["title"],
        company=row.get("_company_slug") or None,
        description=_described(row.get("descriptionHtml") or row.get("descriptionPlain")),
        description_is_html=bool(row.get("descriptionHtml")),
        raw=row,
        url=row.get("jobUrl"),
        locations=clean_locations(row.get("location"), secondary),
        remote=ashby_remote(row),
        posted_at=parse_time(row.get("publishedAt")),
        pay=row.get("compensation"),
        attributes={
            "department": row.get("department"),
            "team": row.get("team"),
            "employment_type": row.get("employmentType"),
            "is_listed": row.get("isListed"),
        },
    )


def _uber_posting(row: dict[str, Any]) -> Posting:
    """Uber's careers site: plain (markdown-like) text, no pay field (pay is in the text)."""
    require(row, "id", "title")
    return Posting(
        source="uber_careers",
        source_id=str(row["id"]),
        title=row["title"],
        company="Uber",
        description=_described(row.get("description")),
        description_is_html=False,
        raw=row,
        url=row.get("url"),
        locations=uber_locations(row.get("locations")) or clean_locations(row.get("location")),
        posted_at=parse_time(row.get("creation_date")),
        attributes={
            "department": row.get("department"),
            "team": row.get("team"),
            "level": row.get("level"),
            "employment_type": row.get("time_type"),
        },
    )


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


class SnapshotSource:
    """Reads every bundled file; ``limit`` caps postings per file for quick trial runs."""

    name = NAME

    def __init__(self, root: Path = SNAPSHOT_DIR, limit: int | None = None) -> None:
        self.root = root
        self.limit = limit

    def fetch(self) -> Iterator[Posting | Quarantined]:
        yield from self._capped(self._hn_union())
        yield from self._capped(self._hn_noid())
        yield from self._capped(self._hn_2026())
        for tag, filename in GLASSDOOR_FILES.items():
            yield from self._capped(self._glassdoor(tag, filename))
        yield from self._capped(self._hn_structured())
        yield from self._capped(self._ashby())
        yield from self._capped(self._uber())
        yield from self._capped(self._linkedin_aiml())
        linkedin_seen = _Seen()  # one source over three scrapes: a job id seen in July is not new in November
        for scrape in LINKEDIN_DATA_FILES:
            yield from self._capped(self._linkedin_data(scrape, linkedin_seen))

    def _capped(self, items: Iterator[Posting | Quarantined]) -> Iterator[Posting | Quarantined]:
        for n, item in enumerate(items):
            if self.limit is not None and n >= self.limit:
                return
            yield item

    def _jsonl(self, path: Path, tag: str) -> Iterator[dict[str, Any] | Quarantined]:
        """Rows of a JSONL file; a line that is not JSON comes back quarantined, with its text."""
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    yield Quarantined(
                        NAME, f"{tag}:{lineno}", f"{path.name}:{lineno}: invalid JSON ({exc.msg})", line
                    )

    def _hn_union(self) -> Iterator[Posting | Quarantined]:
        for row in self._jsonl(self.root / "hn_union" / "hn_toplevel_union.jsonl.gz", "hn_union"):
            if isinstance(row, Quarantined):
                yield row
            elif not row.get("usable"):
                continue  # deleted, dead or empty comments: nothing to read
            else:
                yield _guarded(
                    "hn_union",
                    str(row.get("id")),
                    row,
                    lambda r=row: _hn_posting(r, str(r["id"]), r.get("thread_month")),
                )

    def _hn_noid(self) -> Iterator[Posting | Quarantined]:
        for row in self._jsonl(self.root / "hn_union" / "hn_noid_postings.jsonl.gz", "hn_noid"):
            if isinstance(row, Quarantined):
                yield row
            elif row.get("usable", True) and row.get("text"):
                yield _guarded(
                    "hn_noid",
                    None,
                    row,
                    lambda r=row: _hn_posting(r, "noid-{}-{}".format(*r["text_key"]), r.get("thread_month")),
                )

    def _hn_2026(self) -> Iterator[Posting | Quarantined]:
        seen: set[int] = set()
        for path in sorted((self.root / "hn_2026").glob("raw_*.json.gz")):
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                run = json.load(fh)
            for job in run.get("jobs", []):
                if job.get("id") in seen or not job.get("text"):
                    continue  # runs overlap: the same comment appears in two captures
                seen.add(job["id"])
                posting = _guarded(
                    path.name, str(job["id"]), job, lambda j=job: _hn_posting(j, str(j["id"]), None)
                )
                if isinstance(posting, Posting) and job.get("source") == "direct":
                    # YC job stories: text scraped from the linked page, plain text.
                    posting.source = "hn_jobstories"
                    posting.description_is_html = False
                yield posting

    def _glassdoor(self, tag: str, filename: str) -> Iterator[Posting | Quarantined]:
        with gzip.open(self.root / "glassdoor" / filename, "rt", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                index = row.get("index", row.get(""))
                description = row.get("Job Description") or ""
                if not description.strip():
                    yield Quarantined(NAME, f"{tag}-{index}", "Glassdoor row without a description", row)
                    continue
                location = row.get("Location", "")
                yield Posting(
                    source="glassdoor",
                    source_id=f"{tag}-{index}",
                    title=row.get("Job Title") or None,
                    company=_glassdoor_company(row.get("Company Name", "")),
                    description=description,
                    description_is_html=False,
                    raw=row,
                    locations=[] if location in MISSING else [location],
                    pay={"salary_estimate": row["Salary Estimate"]}
                    if row.get("Salary Estimate") not in MISSING
                    else None,
                    attributes={
                        k.lower().replace(" ", "_"): row[k]
                        for k in ("Industry", "Sector", "Size", "Type of ownership")
                        if row.get(k) not in MISSING
                    },
                )

    def _hn_structured(self) -> Iterator[Posting | Quarantined]:
        path = self.root / "hn_structured" / "hn_jobs_2022-12_2025-10.csv.gz"
        with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                try:
                    posted = datetime.fromisoformat(row["post_date"]).replace(tzinfo=UTC)
                except (KeyError, ValueError):
                    yield Quarantined(NAME, row.get("post_link_id"), "unreadable post_date", row)
                    continue
                places = [p for p in (row.get("city"), row.get("country")) if p]
                yield Posting(
                    source="hn_structured",
                    source_id=row["post_link_id"],
                    title=row.get("job_title") or None,
                    company=row.get("company") or None,
                    description=None,
                    description_is_html=False,
                    raw=row,
                    url=f"https://news.ycombinator.com/item?id={row['post_link_id']}",
                    locations=[", ".join(places)] if places else [],
                    remote={"yes": True, "no": False}.get(row.get("remote", "")),
                    posted_at=posted,
                    pay={"salary": row["salary"]} if row.get("salary") else None,
                    text_kind="structured",
                    attributes={"languages_frameworks": row.get("languages_frameworks") or None},
                )

    def _csv_rows(self, path: Path) -> Iterator[dict[str, str]]:
        """Rows of a gzipped CSV export; ``utf-8-sig`` drops the BOM some exports start with, and
        ``newline=""`` keeps the newlines inside quoted descriptions."""
        with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as fh:
            yield from csv.DictReader(fh)

    def _read(
        self,
        rows: Iterable[dict[str, Any] | Quarantined],
        tag: str,
        source_id: Callable[[dict[str, Any]], str | None],
        build: Callable[[dict[str, Any], str], Posting],
        seen: _Seen,
    ) -> Iterator[Posting | Quarantined]:
        """Rows to postings, each through ``_guarded``, and only the first copy of each source id.

        Exact repeats (the same upstream id, or the same title, company and description when the source
        has no id) are dropped here: the store keeps one row per key, so a repeat would only overwrite the
        first copy. Near-duplicates (an ad re-posted under a new id, one ad per location) are kept on
        purpose and left to the pipeline's duplicate grouping (``extractors/dedupe.py``), which counts each
        job once. A repeat of a quarantined row is not quarantined twice, but a later readable copy is
        read; a row without any id cannot be matched, so it is always delivered.
        """
        for row in rows:
            if isinstance(row, Quarantined):
                yield row
                continue
            if not isinstance(row, dict):
                yield Quarantined(NAME, None, f"{tag}: a line that is not a JSON object", row)
                continue
            sid = source_id(row)
            if sid and sid in seen.postings:
                continue
            item = _guarded(tag, sid, row, lambda r=row, s=sid: build(r, s))
            if isinstance(item, Posting):
                seen.postings.add(item.source_id)
            elif sid:
                if sid in seen.quarantined:
                    continue
                seen.quarantined.add(sid)
            yield item

    def _csv_rows(self, path: Path) -> Iterator[dict[str, str]]:
        """Rows of a gzipped CSV export; ``utf-8-sig`` drops the BOM some exports start with, and
        ``newline=""`` keeps the newlines inside quoted descriptions."""
        with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as fh:
            yield from csv.DictReader(fh)

    def _ashby(self) -> Iterator[Posting | Quarantined]:
        """Ashby job boards (Oct 2025); one posting may sit on two boards under one id."""
        rows = self._jsonl(self.root / "ashby_2025" / "ashby_jobs_2025-10.jsonl.gz", "ashby")
        yield from self._read(rows, "ashby", _upstream_id, lambda r, _: _ashby_posting(r), _Seen())

    def _uber(self) -> Iterator[Posting | Quarantined]:
        """Uber's careers site (Dec 2025), from the same scraper repository as the Ashby boards."""
        rows = self._jsonl(self.root / "ashby_2025" / "uber_careers_2025-12.jsonl.gz", "uber_careers")
        yield from self._read(rows, "uber_careers", _upstream_id, lambda r, _: _uber_posting(r), _Seen())

    def _linkedin_aiml(self) -> Iterator[Posting | Quarantined]:
        """LinkedIn AI/ML search results (spring 2024); the export has no id, so the id is a hash."""
        rows = self._csv_rows(self.root / "linkedin_aiml_2024" / "ai_ml_jobs_linkedin.csv.gz")
        yield from self._read(
            rows,
            "linkedin_aiml",
            lambda r: _short_sha1(r.get("title"), r.get("companyName"), r.get("description")),
            _linkedin_aiml_posting,
            _Seen(),
        )

    def _linkedin_data(self, scrape: str, seen: _Seen) -> Iterator[Posting | Quarantined]:
        """One of the three LinkedIn data-job scrapes; ids are LinkedIn job ids, shared across them."""
        build, upstream_id, text_columns = _LINKEDIN_DATA_ROWS[scrape]
        rows = self._csv_rows(self.root / "linkedin_data" / LINKEDIN_DATA_FILES[scrape])
        yield from self._read(
            rows,
            f"linkedin_data/{scrape}",
            lambda r: upstream_id(r) or _short_sha1(*(r.get(c) for c in text_columns)),
            build,
            seen,
        )

    def survey(self) -> pd.DataFrame:
        """The ai-jobs.net salary survey: respondents, not postings, so it gets its own table."""
        path = self.root / "aijobs" / "salaries_2025-01-19.csv.gz"
        with gzip.open(path, "rb") as fh:
            return pd.read_csv(io.BytesIO(fh.read()))
