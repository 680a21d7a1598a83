"""What every snapshot reader shares: reading gzipped JSONL and CSV, guarding and checking each row,
dropping exact repeats, and capping a file for trial runs.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from skillpulse.flows.sources.posting import Posting, PostingError, Quarantined, check, parse_time

NAME = "snapshot"

MISSING = {"", "-1", "-1.0"}


def _guarded(tag: str, source_id: str | None, payload: Any, build: Any) -> Posting | Quarantined:
    """Build one posting and pass it through the same check as a live source's (``posting.check``); a row
    that cannot be read, whatever the error, is quarantined with the reason, and reading goes on."""
    try:
        return check(build())
    except Exception as exc:  # noqa: BLE001 - one bad row must never stop the file
        return Quarantined(NAME, source_id or tag, f"{tag}: {type(exc).__name__}: {exc}", payload)


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


def _dated(value: Any, capture: date) -> tuple[datetime, dict[str, Any]]:
    """A row's own date if it has one, else the scrape's capture date, flagged so a reader can tell.

    An unreadable date raises ValueError: the row is quarantined rather than silently re-dated.
    """
    posted = parse_time(_text(value))
    if posted is not None:
        return posted, {}
    return _day(capture), {"date_is_capture": True}


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


def capped(items: Iterator[Posting | Quarantined], limit: int | None) -> Iterator[Posting | Quarantined]:
    for n, item in enumerate(items):
        if limit is not None and n >= limit:
            return
        yield item


def jsonl_rows(path: Path, tag: str) -> Iterator[dict[str, Any] | Quarantined]:
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


def csv_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a gzipped CSV export; ``utf-8-sig`` drops the BOM some exports start with, and
    ``newline=""`` keeps the newlines inside quoted descriptions."""
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)


def read_rows(
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
