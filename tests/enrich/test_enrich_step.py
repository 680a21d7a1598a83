"""The pipeline step on a temporary DuckDB store: complete, idempotent, resumable; duplicates grouped."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from pathlib import Path

import pytest

from skillpulse.extractors.dedupe import DedupeItem, duplicate_rate, find_duplicates, normalise
from skillpulse.extractors.stated_pay import StatedPay
from skillpulse.flows.settings import SNAPSHOT_DIR
from skillpulse.flows.sources.posting import Posting
from skillpulse.flows.sources.snapshot import GLASSDOOR_FILES, SnapshotSource, _glassdoor_company
from skillpulse.flows.steps import enrich as enrich_step
from skillpulse.flows.steps.collect import collect
from skillpulse.flows.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "enrich.duckdb")
    collect(s, SnapshotSource(limit=60), run_id="test")
    yield s
    s.close()


def _counts(store: Store) -> dict[str, int]:
    tables = ("posting_roles", "posting_enrichment", "posting_salaries", "enrichments")
    return {t: store.count(t) for t in tables}


def test_enrich_step_covers_every_posting_and_is_idempotent(store: Store) -> None:
    n = store.count("postings")
    first = enrich_step.enrich(store)
    assert first["enriched"] == n
    counts = _counts(store)
    assert counts["posting_enrichment"] == n and counts["enrichments"] == n
    assert counts["posting_roles"] >= n  # at least one role each, several for multi-role comments
    version = enrich_step.ENRICHER_VERSION
    assert store.con.execute(
        "SELECT count(*) FROM posting_enrichment WHERE enricher_version = ? AND dup_group IS NULL", [version]
    ).fetchone() == (0,)
    second = enrich_step.enrich(store)
    assert second["enriched"] == 0
    assert _counts(store) == counts  # no duplicate rows


def test_changed_posting_is_re_enriched_alone(store: Store) -> None:
    enrich_step.enrich(store)
    before = _counts(store)
    key = store.con.execute("SELECT posting_key FROM postings WHERE source = 'glassdoor' LIMIT 1").fetchone()[
        0
    ]
    store.con.execute("UPDATE postings SET content_hash = 'changed', title = 'Machine Learning Engineer' "
                      "WHERE posting_key = ?", [key])  # fmt: skip
    result = enrich_step.enrich(store)
    assert result["enriched"] == 1
    roles = store.con.execute(
        "SELECT role FROM posting_roles WHERE posting_key = ? AND enricher_version = ?",
        [key, enrich_step.ENRICHER_VERSION],
    ).fetchall()
    assert roles == [("ml_engineer",)]
    assert _counts(store)["posting_enrichment"] == before["posting_enrichment"]


def test_resumes_after_a_crash_mid_run(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(enrich_step, "BATCH", 50)
    calls = {"n": 0}
    real = store.insert_rows

    def crash_inside_the_second_batch(con, table, columns, rows):
        # Roles and enrichment rows of batch 2 are already written in its transaction when this fails.
        if table == "posting_salaries":
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("power cut")
        return real(con, table, columns, rows)

    monkeypatch.setattr(store, "insert_rows", crash_inside_the_second_batch)
    with pytest.raises(RuntimeError):
        enrich_step.enrich(store)
    assert store.count("enrichments") == 50  # the first batch committed, the second rolled back
    assert store.count("posting_enrichment") == 50
    assert store.con.execute("SELECT count(DISTINCT posting_key) FROM posting_roles").fetchone()[0] == 50
    monkeypatch.undo()
    result = enrich_step.enrich(store)
    assert result["enriched"] == store.count("postings") - 50
    assert store.count("posting_enrichment") == store.count("postings")


def test_salaries_and_provenance_are_stored(store: Store) -> None:
    enrich_step.enrich(store)
    rows = store.con.execute(
        "SELECT provenance, count(*) FROM posting_salaries WHERE rejected_reason IS NULL GROUP BY 1"
    ).fetchall()
    by = dict(rows)
    assert by.get("estimate", 0) > 0  # Glassdoor estimates
    assert by.get("text", 0) > 0  # HN comments and HN structured salary strings
    bad = store.con.execute(
        "SELECT count(*) FROM posting_salaries WHERE rejected_reason IS NULL AND (min > max "
        "OR annual_usd_min < 5000 OR annual_usd_max > 2000000)"
    ).fetchone()[0]
    assert bad == 0


def test_same_hn_comment_from_two_sources_is_one_job(tmp_path: Path) -> None:
    store = Store(tmp_path / "x.duckdb")
    text = (
        "Acme | Data Engineer | Berlin, Germany | €70-90k\nWe build data pipelines for hospitals and clinics."
    )
    postings = [
        Posting("hn", "123", None, None, text, raw={}),
        # The structured row names the comment it was extracted from (as the snapshot's HN reader does).
        Posting("hn_structured", "123", "Data Engineer", "Acme", None, raw={}, text_kind="structured",
                pay=[StatedPay.free_text("€70-90k (EUR)")], attributes={"same_job_as": "hn:123"}),
        Posting("hn", "456", None, None, "Other Co | Designer | Paris\nWe design things.", raw={}),
    ]  # fmt: skip
    store.upsert_postings(postings)
    enrich_step.enrich(store)
    groups = dict(store.con.execute("SELECT posting_key, dup_group FROM posting_enrichment").fetchall())
    assert groups["hn:123"] == groups["hn_structured:123"] == "hn:123"
    industries = dict(store.con.execute("SELECT posting_key, industry FROM posting_enrichment").fetchall())
    assert industries["hn:123"] == industries["hn_structured:123"] == "healthcare"  # from the comment's text
    assert groups["hn:456"] == "hn:456"
    store.close()


# -- the Glassdoor files' duplicates --------------------------------------------------------------
def _glassdoor_items() -> list[DedupeItem]:
    items = []
    for tag, filename in GLASSDOOR_FILES.items():
        with gzip.open(SNAPSHOT_DIR / "glassdoor" / filename, "rt", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                index = row.get("index", row.get(""))
                items.append(
                    DedupeItem(
                        f"glassdoor:{tag}-{index}",
                        row["Job Description"],
                        _glassdoor_company(row["Company Name"]),
                        row["Job Title"],
                        row["Location"],
                    )
                )
    return items


def test_glassdoor_duplicates_are_found() -> None:
    items = _glassdoor_items()
    groups = find_duplicates(items)
    # Ground truth straight from the files: rows whose description repeats exactly.
    by_text: dict[str, list[str]] = defaultdict(list)
    for item in items:
        by_text[normalise(item.text)].append(item.key)
    for tag in GLASSDOOR_FILES:
        keys = [i.key for i in items if i.key.startswith(f"glassdoor:{tag}-")]
        repeats = len(keys) - len({normalise(i.text) for i in items if i.key in set(keys)})
        found = len(keys) - len({groups[k][0] for k in keys})
        assert repeats > 150  # the snapshot files hold 334 and 173 repeated descriptions
        assert found >= repeats
    for keys in by_text.values():
        assert len({groups[k][0] for k in keys}) == 1  # every copy of one description in one group
    across = [
        ks for ks in by_text.values() if {k.split(":")[1].split("-")[0] for k in ks} == set(GLASSDOOR_FILES)
    ]
    assert len(across) >= 40  # descriptions identical across the two files (45 in the snapshot)
    assert 0.3 < duplicate_rate(groups) < 0.5


def test_near_duplicates_need_matching_company_and_title() -> None:
    base = " ".join(f"word{i}" for i in range(120))
    items = [
        DedupeItem("a", base, "Acme", "Data Scientist", "NYC"),
        DedupeItem("b", base + " apply now", "Acme", "Data Scientist", "NYC"),  # re-post, one line added
        DedupeItem("c", base + " apply now", "Other Corp", "Data Scientist", "NYC"),  # another company
        DedupeItem("d", base.replace("word5 ", "x "), "Acme", "Senior Data Scientist", "NYC"),  # other level
    ]
    groups = find_duplicates(items)
    assert groups["a"][0] == groups["b"][0] == "a"
    assert groups["b"][1] == "exact" or groups["b"][1] == "near"
    assert groups["d"][0] == "d"
    # "c" shares b's exact text: identical descriptions are one job whatever the company field says
    assert groups["c"][0] == "a" and groups["c"][1] == "exact"


def test_near_duplicate_by_minhash() -> None:
    words = [f"w{i}" for i in range(300)]
    a = " ".join(words)
    b = " ".join(words[:295] + ["changed"] * 5)
    c = " ".join(reversed(words))
    groups = find_duplicates(
        [DedupeItem("a", a, "Acme"), DedupeItem("b", b, "Acme"), DedupeItem("c", c, "Acme")]
    )
    assert groups["b"] == ("a", "near")
    assert groups["c"] == ("c", None)
