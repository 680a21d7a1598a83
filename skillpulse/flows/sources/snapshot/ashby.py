"""Ashby job boards (Oct 2025), read as the live Ashby source reads them, and Uber's careers site
(Dec 2025)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from skillpulse.flows.sources.ashby import posting_from_record
from skillpulse.flows.sources.live import clean_locations, require
from skillpulse.flows.sources.posting import Posting, Quarantined, parse_time
from skillpulse.flows.sources.snapshot.common import _described, _Seen, _upstream_id, jsonl_rows, read_rows

MAX_LOCATIONS_REPR = 10_000  # a locations string longer than this is not a list of places


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


def _ashby_posting(row: dict[str, Any]) -> Posting:
    """Built by the live Ashby source's own mapping (the board slug is the company); a row without
    text is quarantined, since the snapshot is read for its text."""
    _described(row.get("descriptionHtml") or row.get("descriptionPlain"))
    return posting_from_record(row, row.get("_company_slug") or None)


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


def ashby(root: Path) -> Iterator[Posting | Quarantined]:
    """Ashby job boards (Oct 2025); one posting may sit on two boards under one id."""
    rows = jsonl_rows(root / "ashby_2025" / "ashby_jobs_2025-10.jsonl.gz", "ashby")
    yield from read_rows(rows, "ashby", _upstream_id, lambda r, _: _ashby_posting(r), _Seen())


def uber(root: Path) -> Iterator[Posting | Quarantined]:
    """Uber's careers site (Dec 2025), from the same scraper repository as the Ashby boards."""
    rows = jsonl_rows(root / "ashby_2025" / "uber_careers_2025-12.jsonl.gz", "uber_careers")
    yield from read_rows(rows, "uber_careers", _upstream_id, lambda r, _: _uber_posting(r), _Seen())
