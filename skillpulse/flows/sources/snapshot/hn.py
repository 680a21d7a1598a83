"""Hacker News "Who is hiring?": the 2008–2025 union of top-level comments, rows without an id, the 2026
captures, and the LLM-extracted structured rows (no text).
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from skillpulse.extractors.stated_pay import StatedPay
from skillpulse.flows.sources.posting import Posting, Quarantined, parse_time
from skillpulse.flows.sources.snapshot.common import NAME, _guarded, jsonl_rows


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


def hn_union(root: Path) -> Iterator[Posting | Quarantined]:
    for row in jsonl_rows(root / "hn_union" / "hn_toplevel_union.jsonl.gz", "hn_union"):
        if isinstance(row, Quarantined) or not isinstance(row, dict):
            yield _not_an_object("hn_union", row)
        elif not row.get("usable"):
            continue  # deleted, dead or empty comments: nothing to read
        else:
            yield _guarded(
                "hn_union",
                str(row.get("id")),
                row,
                lambda r=row: _hn_posting(r, str(r["id"]), r.get("thread_month")),
            )


def hn_noid(root: Path) -> Iterator[Posting | Quarantined]:
    for row in jsonl_rows(root / "hn_union" / "hn_noid_postings.jsonl.gz", "hn_noid"):
        if isinstance(row, Quarantined) or not isinstance(row, dict):
            yield _not_an_object("hn_noid", row)
        elif row.get("usable", True) and row.get("text"):
            yield _guarded(
                "hn_noid",
                None,
                row,
                lambda r=row: _hn_posting(r, "noid-{}-{}".format(*r["text_key"]), r.get("thread_month")),
            )


def _not_an_object(tag: str, row: Any) -> Quarantined:
    """A line the reader could not use as a row: kept as it was (already quarantined, or not an object)."""
    return (
        row
        if isinstance(row, Quarantined)
        else Quarantined(NAME, None, f"{tag}: a line that is not an object", row)
    )


def hn_2026(root: Path) -> Iterator[Posting | Quarantined]:
    seen: set[Any] = set()
    for path in sorted((root / "hn_2026").glob("raw_*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            run = json.load(fh)
        for job in run.get("jobs", []) if isinstance(run, dict) else []:
            if not isinstance(job, dict):
                yield _not_an_object(path.name, job)
                continue
            key = job.get("id") if isinstance(job.get("id"), int | str | None) else repr(job.get("id"))
            if key in seen or not job.get("text"):
                continue  # runs overlap: the same comment appears in two captures
            seen.add(key)
            posting = _guarded(
                path.name, str(job.get("id")), job, lambda j=job: _hn_posting(j, str(j["id"]), None)
            )
            if isinstance(posting, Posting) and job.get("source") == "direct":
                # YC job stories: text scraped from the linked page, plain text.
                posting.source = "hn_jobstories"
                posting.description_is_html = False
            yield posting


def hn_structured(root: Path) -> Iterator[Posting | Quarantined]:
    path = root / "hn_structured" / "hn_jobs_2022-12_2025-10.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            try:
                posted = datetime.fromisoformat(row["post_date"]).replace(tzinfo=UTC)
            except (KeyError, ValueError):
                yield Quarantined(NAME, row.get("post_link_id"), "unreadable post_date", row)
                continue
            yield _guarded(
                "hn_structured",
                row.get("post_link_id"),
                row,
                lambda r=row, p=posted: _structured_posting(r, p),
            )


def _structured_posting(row: dict[str, str], posted: datetime) -> Posting:
    places = [p for p in (row.get("city"), row.get("country")) if p]
    return Posting(
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
        # ``salary`` is free text an LLM copied from the comment: the text parser reads it.
        pay=[StatedPay.free_text(row["salary"])] if row.get("salary") else [],
        text_kind="structured",
        attributes={
            "languages_frameworks": row.get("languages_frameworks") or None,
            # The comment these fields were extracted from: the same job (dedupe, industry).
            "same_job_as": f"hn:{row['post_link_id']}",
        },
    )
