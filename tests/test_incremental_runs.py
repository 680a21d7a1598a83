"""Incremental to the bone: a taxonomy change re-extracts only the postings it can affect, and a warm run
does not read the unchanged bundled snapshot again."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from skillpulse.extractors import taxonomy_diff
from skillpulse.extractors.skills import SkillExtractor
from skillpulse.extractors.taxonomy import load_taxonomy
from skillpulse.flows.settings import TAXONOMY_PATH
from skillpulse.flows.sources.posting import Posting
from skillpulse.flows.steps import collect as collect_step
from skillpulse.flows.steps import enrich as enrich_step
from skillpulse.flows.steps import extract as extract_step
from skillpulse.flows.store import Store

TEXTS = [
    "We use Python and Hadoop for batch jobs.",
    "Build dashboards in Tableau for the sales team.",
    "Java services on Kubernetes.",
    "Statistics, SQL and a hadoop ecosystem background.",
    "Communication skills and teamwork.",
]


class ListSource:
    name = "list"

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts

    def fetch(self):
        for i, text in enumerate(self.texts):
            yield Posting(
                "list", str(i), "Machine Learning Engineer", "Acme", f"<p>{text}</p>", raw={"i": i},
                posted_at=datetime(2025, 3, 1, tzinfo=UTC),
            )  # fmt: skip


def _taxonomy(tmp_path: Path, old: str, new: str, name: str) -> Path:
    text = Path(TAXONOMY_PATH).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


HADOOP = "aliases: [hadoop, hdfs, mapreduce,"
HADOOP_MORE = "aliases: [hadoop, hdfs, hadoop ecosystem, mapreduce,"


def _rows(store: Store, version: str) -> list[tuple]:
    return store.con.execute(
        "SELECT posting_key, skill_id, n_mentions, first_start, first_end, first_text FROM posting_skills "
        "WHERE extractor_version = ? ORDER BY ALL",
        [version],
    ).fetchall()


def _extracted(tmp_path: Path, name: str, *taxonomies: Path) -> tuple[list[dict], list[tuple]]:
    results = []
    with Store(tmp_path / name) as store:
        collect_step.collect(store, ListSource(TEXTS), "r1")
        for path in taxonomies:
            extractor = SkillExtractor(path)
            results.append(extract_step.extract(store, extractor))
        return results, _rows(store, extractor.version)


def test_a_new_alias_re_extracts_only_the_postings_that_contain_it_and_gives_a_full_runs_rows(tmp_path):
    changed = _taxonomy(tmp_path, HADOOP, HADOOP_MORE, "changed.yaml")
    results, rows = _extracted(tmp_path, "carry.duckdb", TAXONOMY_PATH, changed)
    # only "Python and Hadoop" and "hadoop ecosystem" hold a form of the changed skill
    assert (results[1]["extracted"], results[1]["carried_over"]) == (2, 3)
    _, full = _extracted(tmp_path, "full.duckdb", changed)
    assert rows == full and rows


def test_a_carry_over_in_several_streams_gives_the_same_rows(tmp_path, monkeypatch):
    """Streams of two postings (a checkpoint between them), one affected posting skipped by each later
    stream: the same counts and rows as one stream."""
    changed = _taxonomy(tmp_path, HADOOP, HADOOP_MORE, "changed.yaml")
    _, one_stream = _extracted(tmp_path, "one.duckdb", TAXONOMY_PATH, changed)
    monkeypatch.setattr(extract_step, "SEGMENT", 2)
    monkeypatch.setattr(extract_step, "CARRY_BATCH", 1)
    results, rows = _extracted(tmp_path, "several.duckdb", TAXONOMY_PATH, changed)
    assert (results[1]["extracted"], results[1]["carried_over"]) == (2, 3)
    assert rows == one_stream and rows


def test_a_skill_whose_mentions_imply_a_changed_skill_is_re_extracted_too(tmp_path):
    # Tableau implies data_visualization: a posting naming only Tableau is affected by that skill's change
    text = Path(TAXONOMY_PATH).read_text(encoding="utf-8")
    start = text.index("  - id: data_visualization\n")
    at = text.index("    aliases: [", start) + len("    aliases: [")
    changed = tmp_path / "dataviz.yaml"
    changed.write_text(text[:at] + "dataviz, " + text[at:], encoding="utf-8")
    results, rows = _extracted(tmp_path, "carry.duckdb", TAXONOMY_PATH, changed)
    assert results[1]["extracted"] >= 1
    _, full = _extracted(tmp_path, "full.duckdb", changed)
    assert rows == full


def test_a_change_to_the_taxonomy_wide_exclusions_re_extracts_everything(tmp_path):
    old = load_taxonomy(TAXONOMY_PATH)
    specs = taxonomy_diff.skill_specs(old)
    other = dict(specs, **{taxonomy_diff.GLOBAL: {"fingerprint": "something else"}})
    assert taxonomy_diff.plan(specs, other) is None
    unchanged = taxonomy_diff.plan(specs, specs)
    assert unchanged is not None and not unchanged.changed
    assert not unchanged.may_affect("Python, Hadoop, Tableau")


def test_a_removed_skill_touches_the_postings_that_mentioned_it():
    specs = taxonomy_diff.skill_specs(load_taxonomy(TAXONOMY_PATH))
    without = {k: v for k, v in specs.items() if k != "hadoop"}
    plan = taxonomy_diff.plan(specs, without)
    assert plan is not None and "hadoop" in plan.changed
    assert plan.may_affect("experience with Map-Reduce") and not plan.may_affect("Java services")


def test_a_warm_run_does_not_read_the_unchanged_snapshot_but_a_changed_store_does(tmp_path, monkeypatch):
    from skillpulse.flows import pipeline

    db = str(tmp_path / "store.duckdb")
    first = pipeline.collect_snapshot.fn(db, "run-1", 3)
    assert first["read"] and first["new"] > 20
    reads = []
    real = collect_step.collect
    monkeypatch.setattr(collect_step, "collect", lambda *a, **k: reads.append(1) or real(*a, **k))
    second = pipeline.collect_snapshot.fn(db, "run-2", 3)
    assert not second["read"] and not reads
    assert (second["new"], second["changed"], second["unchanged"]) == (0, 0, first["new"])
    other_limit = pipeline.collect_snapshot.fn(db, "run-3", 4)  # another limit: other postings
    assert other_limit["read"] and other_limit["new"] > 0
    with Store(db) as store:  # a hand-edited store no longer holds what the snapshot gave
        store.con.execute("DELETE FROM postings WHERE posting_key = (SELECT min(posting_key) FROM postings)")
    again = pipeline.collect_snapshot.fn(db, "run-4", 4)
    assert again["read"] and again["new"] == 1


@pytest.mark.parametrize("text", ["Hadoop", "HADOOP", "Map-Reduce", "map  reduce", "hadoop\necosystem"])
def test_presence_is_tested_with_the_matchers_own_spelling_rules(text):
    specs = taxonomy_diff.skill_specs(load_taxonomy(TAXONOMY_PATH))
    changed = dict(specs, hadoop={**specs["hadoop"], "fingerprint": "x"})
    plan = taxonomy_diff.plan(specs, changed)
    assert plan is not None and plan.may_affect(text)


def test_the_report_inputs_digest_changes_with_any_row_a_report_reads(tmp_path):
    from skillpulse.flows.steps import enrich as enrich_step

    extractor = SkillExtractor(TAXONOMY_PATH)
    x, e = extractor.version, enrich_step.ENRICHER_VERSION
    with Store(tmp_path / "store.duckdb") as store:
        collect_step.collect(store, ListSource(TEXTS), "r1")
        extract_step.extract(store, extractor)
        enrich_step.enrich(store)
        digest = store.report_inputs_digest(x, e)
        assert store.report_inputs_digest(x, e) == digest  # stable
        edits = [
            ("UPDATE posting_skills SET n_mentions = n_mentions + 1 WHERE posting_key = 'list:0'", None),
            ("UPDATE posting_enrichment SET industry = 'x' WHERE posting_key = 'list:1'", None),
            ("DELETE FROM posting_roles WHERE posting_key = 'list:2'", None),
            ("UPDATE postings SET closed_at = now() WHERE posting_key = 'list:3'", None),
        ]
        seen = {digest}
        for sql, _ in edits:
            store.con.execute(sql)
            now = store.report_inputs_digest(x, e)
            assert now not in seen, sql
            seen.add(now)


def _extracted_and_enriched(tmp_path: Path, name: str) -> tuple[dict, dict, list[tuple], list[tuple]]:
    with Store(tmp_path / name) as store:
        collect_step.collect(store, ListSource(TEXTS * 3), "r1")
        extractor = SkillExtractor(TAXONOMY_PATH)
        extracted = extract_step.extract(store, extractor)
        enriched = enrich_step.enrich(store)
        enrichment = store.con.execute(
            "SELECT * EXCLUDE (enricher_version) FROM posting_enrichment ORDER BY ALL"
        ).fetchall()
        return extracted, enriched, _rows(store, extractor.version), enrichment


def test_extraction_and_enrichment_in_segments_give_the_same_rows(tmp_path, monkeypatch):
    """Pending work is read in segments with a checkpoint between (DuckDB holds what a stream's writes
    add to the indexes until then); segments of two postings give what one stream gives, every posting
    once."""
    whole = _extracted_and_enriched(tmp_path, "whole.duckdb")
    calls: list[int] = []
    real = Store.checkpoint
    monkeypatch.setattr(extract_step, "SEGMENT", 2)
    monkeypatch.setattr(Store, "checkpoint", lambda self: (calls.append(1), real(self)))
    segmented = _extracted_and_enriched(tmp_path, "segmented.duckdb")
    assert segmented == whole and whole[2] and whole[3]
    assert whole[0]["extracted"] == whole[1]["enriched"] == 15
    assert len(calls) == 7 + 7  # 15 postings: segments of 2, 2, ... and a last one of 1, for each step
