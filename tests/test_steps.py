"""Pipeline steps without Prefect: idempotent collect, resumable extraction, a report from the store."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime

import pytest

from skillpulse.extractors.skills import SkillExtractor
from skillpulse.extractors.taxonomy import load_taxonomy
from skillpulse.flows.settings import TAXONOMY_PATH
from skillpulse.flows.sources.posting import Posting
from skillpulse.flows.sources.snapshot import SnapshotSource
from skillpulse.flows.steps import collect as collect_step
from skillpulse.flows.steps import enrich as enrich_step
from skillpulse.flows.steps import extract as extract_step
from skillpulse.flows.store import Store
from skillpulse.reports.build import build_report


class ListSource:
    name = "list"

    def __init__(self, postings: list[Posting]) -> None:
        self.postings = postings

    def fetch(self):
        yield from self.postings


def posting(i: int, text: str, title: str = "Machine Learning Engineer") -> Posting:
    # Dated in the recent period: the skill tables count recent job descriptions.
    return Posting(
        "list",
        str(i),
        title,
        "Acme",
        f"<p>{text}</p>",
        raw={"i": i},
        posted_at=datetime(2025, 3, 1, tzinfo=UTC),
    )


@pytest.fixture(scope="module")
def extractor() -> SkillExtractor:
    return SkillExtractor(TAXONOMY_PATH)


def table_counts(store: Store) -> dict[str, int]:
    tables = ("postings", "posting_versions", "extractions", "posting_skills", "posting_roles", "quarantine")
    return {t: store.count(t) for t in tables}


def test_a_second_run_on_the_snapshot_adds_no_rows(db_path, extractor):
    source = SnapshotSource(limit=25)
    with Store(db_path) as store:
        first = collect_step.collect(store, source, "run-1")
        extract_step.extract(store, extractor)
        enrich_step.enrich(store)
        before = table_counts(store)
        second = collect_step.collect(store, source, "run-2")
        again = extract_step.extract(store, extractor)
        enrich_step.enrich(store)
        after = table_counts(store)
    assert first.error is None and first.counts.new == before["postings"] > 100
    assert (second.counts.new, second.counts.changed) == (0, 0)
    assert second.counts.unchanged == before["postings"]
    assert again["extracted"] == 0
    assert after == before


def test_only_changed_postings_are_re_extracted(db_path, extractor):
    with Store(db_path) as store:
        collect_step.collect(store, ListSource([posting(1, "Python"), posting(2, "Java")]), "r1")
        assert extract_step.extract(store, extractor)["extracted"] == 2
        collect_step.collect(store, ListSource([posting(1, "Python"), posting(2, "Java and Rust")]), "r2")
        assert extract_step.extract(store, extractor)["extracted"] == 1
        skills = store.con.execute(
            "SELECT skill_id FROM posting_skills WHERE posting_key = 'list:2' ORDER BY skill_id"
        ).fetchall()
    assert [s for (s,) in skills] == ["java", "machine_learning", "rust"]  # the title counts


def test_extraction_resumes_after_a_crash_without_duplicates(db_path, extractor, monkeypatch):
    postings = [posting(i, "Python and SQL") for i in range(12)]
    monkeypatch.setattr(extract_step, "EXTRACT_BATCH", 5)
    calls = {"n": 0}
    real = extractor.extract_many

    def crash_on_second_batch(texts, batch_size=64):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("killed")
        return real(texts, batch_size)

    with Store(db_path) as store:
        collect_step.collect(store, ListSource(postings), "r1")
        monkeypatch.setattr(extractor, "extract_many", crash_on_second_batch)
        with pytest.raises(RuntimeError):
            extract_step.extract(store, extractor)
        assert store.count("extractions") == 5  # the first batch committed, the second not at all
        monkeypatch.setattr(extractor, "extract_many", real)
        resumed = extract_step.extract(store, extractor)
        assert resumed["extracted"] == 7
        assert store.count("extractions") == 12
        assert store.count("posting_skills") == 36  # python, sql, machine_learning: once each


def test_the_report_is_written_and_its_numbers_come_from_its_table(db_path, extractor, tmp_path):
    postings = [posting(i, "Python and SQL" if i % 2 else "Python") for i in range(6)]
    postings += [posting(10 + i, "Java", title="Account Executive") for i in range(4)]
    with Store(db_path) as store:
        collect_step.collect(store, ListSource(postings), "r1")
        extract_step.extract(store, extractor)
        enrich_step.enrich(store)
        paths = build_report(
            store.con,
            load_taxonomy(TAXONOMY_PATH),
            extractor.version,
            enrich_step.ENRICHER_VERSION,
            tmp_path / "reports",
            run_date=date(2026, 11, 24),
        )
    assert paths.directory.name == "2026-11-24"
    assert (tmp_path / "reports" / "latest").resolve() == paths.directory.resolve()
    rows = {(r["role_group"], r["skill_id"]): r for r in csv.DictReader(paths.shares_csv.open())}
    python = rows[("ml_engineer", "python")]
    assert (int(python["n_mentioning"]), int(python["n_postings"])) == (6, 6)
    assert int(rows[("ml_engineer", "sql")]["n_mentioning"]) == 3
    assert int(rows[("all_other", "java")]["n_mentioning"]) == 4
    assert (
        float(rows[("ml_engineer", "sql")]["ci_low"]) < 0.5 < float(rows[("ml_engineer", "sql")]["ci_high"])
    )
    html = paths.html.read_text()
    assert 'id="verdicts"' in html and 'id="skill-shares"' in html
    assert "<script" not in html.lower()
    assert paths.claims_json.is_file()
