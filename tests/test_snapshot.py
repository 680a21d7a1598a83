"""The bundled snapshot reads like a live source: every file, real fields, bad lines quarantined."""

from __future__ import annotations

import gzip
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from skillpulse.extractors.stated_pay import StatedPay
from skillpulse.flows.settings import SNAPSHOT_DIR
from skillpulse.flows.sources.posting import Posting, Quarantined
from skillpulse.flows.sources.snapshot import SnapshotSource


@pytest.fixture(scope="module")
def sample() -> list[Posting | Quarantined]:
    return list(SnapshotSource(limit=40).fetch())


def test_snapshot_is_bundled_with_provenance_and_within_size():
    # 40 MB: the history (HN 2008–2026, 17 MB) plus the modern full-text corpora the verdicts rest on
    # (Ashby 2025 14 MB, LinkedIn 2023–2025 4 MB), each gzip -9 as shipped upstream.
    total = sum(f.stat().st_size for f in SNAPSHOT_DIR.rglob("*") if f.is_file())
    assert total < 40 * 1024 * 1024
    for folder in (
        "hn_union",
        "hn_2026",
        "glassdoor",
        "hn_structured",
        "aijobs",
        "ashby_2025",
        "linkedin_aiml_2024",
        "linkedin_data",
    ):
        assert (SNAPSHOT_DIR / folder / "PROVENANCE.md").is_file(), folder


def test_every_file_contributes_postings(sample):
    sources = Counter(p.source for p in sample if isinstance(p, Posting))
    assert sources["hn"] >= 80  # union + no-id + 2026 files
    assert sources["glassdoor"] == 80  # two files, 40 each
    assert sources["hn_structured"] == 40


def test_hn_comments_keep_html_and_their_thread_month(sample):
    hn = next(p for p in sample if isinstance(p, Posting) and p.source == "hn")
    assert hn.description_is_html
    assert hn.posted_at is not None
    assert hn.attributes["thread_month"] == hn.posted_at.strftime("%Y-%m")
    assert hn.url.startswith("https://news.ycombinator.com/item?id=")


def test_glassdoor_rows_are_normalised(sample):
    first = next(p for p in sample if isinstance(p, Posting) and p.source_id == "kenjee-0")
    assert first.title == "Data Scientist"
    assert first.company == "Tecolote Research"  # the rating after the newline is dropped
    assert first.locations == ["Albuquerque, NM"]
    assert first.pay == [StatedPay(53000, 91000, "USD", "year", "estimate", "$53K-$91K (Glassdoor est.)")]
    assert first.attributes["industry"] == "Aerospace & Defense"
    assert not first.description_is_html


def test_structured_rows_have_no_text(sample):
    row = next(p for p in sample if isinstance(p, Posting) and p.source == "hn_structured")
    assert row.text_kind == "structured"
    assert row.description is None
    assert row.attributes["same_job_as"] == f"hn:{row.source_id}"  # the comment it was extracted from
    assert all(p.provenance == "text" for p in row.pay)  # an LLM's copy of the comment's words


def test_survey_is_read_whole():
    survey = SnapshotSource().survey()
    assert len(survey) > 70_000
    assert {"salary_in_usd", "job_title", "work_year"} <= set(survey.columns)


def test_a_broken_line_is_quarantined_and_reading_goes_on(tmp_path: Path):
    root = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT_DIR, root, ignore=shutil.ignore_patterns("hn_toplevel_union.jsonl.gz"))
    good = '{"id": 1, "thread_month": "2014-01", "time": null, "text": "Acme | Python", "usable": true}\n'
    with gzip.open(root / "hn_union" / "hn_toplevel_union.jsonl.gz", "wt") as fh:
        fh.write(good + '{"id": 2, "text": "trunc\n' + good.replace('"id": 1', '"id": 3'))
    items = list(SnapshotSource(root=root, limit=3).fetch())
    union = [i for i in items if i.source_id in ("1", "3") or "hn_union" in (i.source_id or "")]
    assert [type(i).__name__ for i in union] == ["Posting", "Quarantined", "Posting"]
    assert "invalid JSON" in union[1].reason
    assert union[1].payload.startswith('{"id": 2')  # the bad line itself is kept


def test_hn_times_in_every_shape_the_sources_use(tmp_path: Path):
    root = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT_DIR, root, ignore=shutil.ignore_patterns("hn_toplevel_union.jsonl.gz"))
    rows = [
        {"id": 1, "thread_month": "2013-08", "time": "2013-08-01T13:02:58.000Z", "text": "a", "usable": True},
        {
            "id": 2,
            "thread_month": "2025-01",
            "time": "2025-01-02T16:06:56 1735834016",
            "text": "b",
            "usable": True,
        },
        {"id": 3, "thread_month": "2026-01", "time": 1767377545, "text": "c", "usable": True},
        {"id": 4, "thread_month": "2014-01", "time": None, "text": "d", "usable": True},
        {"id": 5, "thread_month": "2014-01", "time": "yesterday", "text": "e", "usable": True},
    ]
    with gzip.open(root / "hn_union" / "hn_toplevel_union.jsonl.gz", "wt") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    items = list(SnapshotSource(root=root, limit=5).fetch())[:5]
    posted = [i.posted_at.isoformat() for i in items[:4]]
    assert posted == [
        "2013-08-01T13:02:58+00:00",
        "2025-01-02T16:06:56+00:00",
        "2026-01-02T18:12:25+00:00",
        "2014-01-01T00:00:00+00:00",
    ]
    assert isinstance(items[4], Quarantined) and "yesterday" in items[4].reason  # unreadable: kept, not fatal
