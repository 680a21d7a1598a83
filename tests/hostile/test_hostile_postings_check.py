"""The posting boundary itself: ``parse_time`` on garbage, the per-posting check, and the bundled snapshot
readers going through it (real bundled rows mutated, written to a temporary snapshot root)."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from skillpulse.flows.settings import SNAPSHOT_DIR
from skillpulse.flows.sources.posting import Posting, PostingError, Quarantined, parse_time
from skillpulse.flows.sources.snapshot import SnapshotSource, ashby, glassdoor

SURROGATE = json.loads('"\\udc80"')


# -- parse_time: garbage raises ValueError, and nothing else -------------------------------------------
@pytest.mark.parametrize(
    "value",
    [1e20, -1e20, 10**20, 10**400, "9" * 400, "-" + "9" * 30, float("inf"), float("-inf"), float("nan"),
     "99999-01-01T00:00:00Z", "2025-13-45", {"a": 1}, [1, 2], "1e20", "x" * 100_000],
    ids=lambda v: repr(v)[:20],
)  # fmt: skip
def test_parse_time_raises_only_value_error_for_garbage(value):
    with pytest.raises(ValueError):
        parse_time(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-01-02T16:06:56Z", datetime(2025, 1, 2, 16, 6, 56, tzinfo=UTC)),
        ("2025-01-02T16:06:56 1735834016", datetime(2025, 1, 2, 16, 6, 56, tzinfo=UTC)),
        ("2025-01-02T16:06:56+0000", datetime(2025, 1, 2, 16, 6, 56, tzinfo=UTC)),
        (1735834016, datetime(2025, 1, 2, 16, 6, 56, tzinfo=UTC)),
        (1735834016000, datetime(2025, 1, 2, 16, 6, 56, tzinfo=UTC)),
        ("1735834016", datetime(2025, 1, 2, 16, 6, 56, tzinfo=UTC)),
        (None, None),
        ("", None),
    ],
)
def test_parse_time_reads_what_it_always_read(value, expected):
    """Regression guard: the formats the sources send are read as before."""
    assert parse_time(value) == expected


@pytest.mark.parametrize("value", ["   ", "\t", "\n "])
def test_parse_time_reads_blank_text_as_no_time(value):
    """A blank cell says nothing: no time, as the empty string always was (it raised IndexError)."""
    assert parse_time(value) is None


# -- the check: one step every posting goes through ----------------------------------------------------
def _posting(**changes: Any) -> Posting:
    fields: dict[str, Any] = {
        "source": "greenhouse", "source_id": "1", "title": "Engineer", "company": "Acme",
        "description": "<p>Python</p>", "raw": {"id": 1},
    }  # fmt: skip
    fields.update(changes)
    return Posting(**fields)


@pytest.mark.parametrize(
    "changes",
    [
        {"source_id": ""},
        {"source_id": "   "},
        {"source_id": "a" + SURROGATE},
        {"source_id": "a\nb"},
        {"source_id": {"id": 1}},
        {"source_id": None},
        {"title": {"text": "x"}},
        {"company": ["a", "b"]},
        {"description": {"html": "<p>"}},
        {"text_kind": "poem"},
    ],
    ids=lambda c: repr(c)[:30],
)
def test_check_refuses_what_cannot_be_a_posting(changes):
    with pytest.raises(PostingError):
        _posting(**changes).checked()


def test_check_turns_numbers_into_text_and_bounds_every_field():
    posting = _posting(
        source_id=12345,
        title="T" * 100_000,
        company=42,
        description="d" * 600_000,
        url="https://x/" + "a" * 3_000,
        locations=["L" * 900, {"city": "x"}, 7, *[f"City {n}" for n in range(300)]],
        remote="yes",
        posted_at=datetime(9999, 1, 1, tzinfo=UTC),
        attributes={"nan": float("nan"), "big": 10**5000, "text": "a" + SURROGATE, "deep": [[[[[[1]]]]]]},
        raw={"title": "T" * 100_000, "bad": "a" + SURROGATE},
    ).checked()
    assert posting.source_id == "12345" and posting.company == "42"
    assert len(posting.title) == 1_000 and len(posting.description) == 500_000
    assert posting.url is None and posting.remote is None and posting.posted_at is None
    assert len(posting.locations) == 200 and all(
        isinstance(p, str) and len(p) <= 500 for p in posting.locations
    )
    text = json.dumps(posting.attributes, allow_nan=False, ensure_ascii=False)
    text.encode("utf-8")
    for field in ("title", "description", "url", "locations", "remote", "posted_at"):
        assert field in json.dumps(posting.attributes), field  # each change is noted
    assert len(posting.raw["title"]) == 100_000  # the raw payload keeps everything
    json.dumps(posting.raw, ensure_ascii=False).encode("utf-8")


def test_check_leaves_an_ordinary_posting_as_it_is():
    """Regression guard: a posting within every bound comes out equal, attributes untouched."""
    posting = _posting(locations=["Berlin"], remote=True, posted_at=datetime(2025, 1, 1, tzinfo=UTC))
    assert posting.checked() == posting


def test_quarantined_ids_and_reasons_are_storable():
    item = Quarantined("greenhouse", "a" + SURROGATE, "ValueError: " + SURROGATE, {"x": "a" + SURROGATE})
    item.source_id.encode("utf-8")
    item.reason.encode("utf-8")


# -- the bundled snapshot readers go through the same check ----------------------------------------------
def _bundled_rows(relative: str, n: int) -> list[dict[str, Any]]:
    with gzip.open(SNAPSHOT_DIR / relative, "rt", encoding="utf-8") as fh:
        return [json.loads(next(fh)) for _ in range(n)]


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")  # ASCII escapes: a lone surrogate travels as \udc80


def _storable(item: Posting | Quarantined) -> None:
    if isinstance(item, Quarantined):
        (item.source_id or "").encode("utf-8")
        return
    for value in (item.source_id, item.title, item.company, item.description, item.url, *item.locations):
        if value is not None:
            assert isinstance(value, str)
            value.encode("utf-8")
    assert len(item.title or "") <= 1_000 and len(item.description or "") <= 500_000
    json.dumps(item.attributes, allow_nan=False, ensure_ascii=False).encode("utf-8")
    json.dumps(item.raw, ensure_ascii=False, default=str).encode("utf-8")


def test_uber_rows_mutated_are_quarantined_or_checked_and_none_is_lost(tmp_path):
    rows = _bundled_rows("ashby_2025/uber_careers_2025-12.jsonl.gz", 6)
    rows[0]["creation_date"] = 1e20
    rows[1]["id"] = f"{rows[1]['id']}{SURROGATE}"
    rows[2]["title"] = "Engineer " * 11_112
    rows[3]["description"] = "Python. " * 137_500
    rows[4]["locations"] = {"city": "SF"}
    _write_jsonl(tmp_path / "ashby_2025" / "uber_careers_2025-12.jsonl.gz", rows)
    items = list(ashby.uber(tmp_path))
    assert len(items) == 6
    for item in items:
        _storable(item)
    kinds = Counter(type(i).__name__ for i in items)
    assert kinds["Posting"] >= 3  # the long title and description are kept, bounded


def test_ashby_rows_mutated_are_quarantined_or_checked_and_none_is_lost(tmp_path):
    rows = _bundled_rows("ashby_2025/ashby_jobs_2025-10.jsonl.gz", 5)
    rows[0]["publishedAt"] = 1e20
    rows[1]["title"] = 12345
    rows[2]["isRemote"] = "sometimes"
    rows[3]["compensation"] = {"summaryComponents": [{"compensationType": "Salary", "minValue": 1e308}]}
    _write_jsonl(tmp_path / "ashby_2025" / "ashby_jobs_2025-10.jsonl.gz", rows)
    items = list(ashby.ashby(tmp_path))
    assert len(items) == 5
    for item in items:
        _storable(item)


def test_glassdoor_row_with_a_100k_title_is_bounded(tmp_path):
    source = SNAPSHOT_DIR / "glassdoor" / "glassdoor_jobs_kenjee.csv.gz"
    with gzip.open(source, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [next(reader) for _ in range(4)]
    rows[0]["Job Title"] = "Data Scientist " * 6_700
    rows[1]["Location"] = "Austin, TX " * 100
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    target = tmp_path / "glassdoor" / "glassdoor_jobs_kenjee.csv.gz"
    target.parent.mkdir(parents=True)
    target.write_bytes(gzip.compress(out.getvalue().encode("utf-8")))
    items = list(glassdoor.glassdoor(tmp_path, "kenjee", target.name))
    assert len(items) == 4
    for item in items:
        _storable(item)
    assert all(len(p) <= 500 for i in items if isinstance(i, Posting) for p in i.locations)


SNAPSHOT_COUNTS = {
    "ashby": 9387, "glassdoor": 1523, "hn": 41046, "hn_jobstories": 60, "hn_structured": 10242,
    "linkedin_aiml": 749, "linkedin_data": 1936, "uber_careers": 776,
}  # fmt: skip


def test_the_bundled_snapshot_yields_the_same_postings():
    """Regression guard: the check changes nothing in the bundled data (counts measured before it)."""
    postings: Counter[str] = Counter()
    quarantined = 0
    for item in SnapshotSource().fetch():
        if isinstance(item, Posting):
            postings[item.source] += 1
            assert "input_checks" not in item.attributes, item.key
        else:
            quarantined += 1
    assert dict(postings) == SNAPSHOT_COUNTS and quarantined == 61


def test_html_to_text_reads_a_bounded_input():
    """A many-megabyte description (a record given to ``skillpulse enrich``, a page) is read up to a bound."""
    from skillpulse.extractors.html import to_text

    text = to_text("<p>Python and SQL.</p>" * 250_000)  # 5.5M characters of HTML
    assert 0 < len(text) <= 1_000_000
    assert to_text("<p>Python</p>") == "Python"
