"""The bundled snapshot of real public postings (``data/snapshot``), delivered like a live source.

Each file is read as the live API or export it came from would deliver it, so the rest of the pipeline
cannot tell the snapshot from a fresh collection. See ``data/snapshot/*/PROVENANCE.md``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from flows.settings import SNAPSHOT_DIR
from flows.sources.base import Posting, Quarantined, parse_time

NAME = "snapshot"
GLASSDOOR_FILES = {"kenjee": "glassdoor_jobs_kenjee.csv.gz", "uncleaned": "Uncleaned_DS_jobs.csv.gz"}
MISSING = {"", "-1", "-1.0"}


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

    def survey(self) -> pd.DataFrame:
        """The ai-jobs.net salary survey: respondents, not postings, so it gets its own table."""
        path = self.root / "aijobs" / "salaries_2025-01-19.csv.gz"
        with gzip.open(path, "rb") as fh:
            return pd.read_csv(io.BytesIO(fh.read()))
