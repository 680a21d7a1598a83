"""The store keeps every version, never duplicates, and quarantines what it cannot take."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from skillpulse.flows.sources.posting import Posting, Quarantined
from skillpulse.flows.store import Store, decompress_payload


def make_posting(source_id: str = "1", description: str = "<p>Python and SQL</p>", **kw) -> Posting:
    return Posting(
        source=kw.pop("source", "test"),
        source_id=source_id,
        title=kw.pop("title", "ML Engineer"),
        company=kw.pop("company", "Acme"),
        description=description,
        raw={"id": source_id, "body": description},
        posted_at=datetime(2026, 1, 2, tzinfo=UTC),
        **kw,
    )


def test_new_postings_are_inserted_with_text_and_compressed_payload(db_path):
    with Store(db_path) as store:
        counts = store.upsert_postings([make_posting("1"), make_posting("2")])
        assert (counts.new, counts.changed, counts.unchanged) == (2, 0, 0)
        text, blob, version = store.con.execute(
            "SELECT text, raw_payload, version FROM postings WHERE posting_key = 'test:1'"
        ).fetchone()
    assert text == "Python and SQL"
    assert decompress_payload(blob) == {"id": "1", "body": "<p>Python and SQL</p>"}
    assert version == 1


def test_loading_the_same_postings_twice_writes_no_duplicates(db_path):
    postings = [make_posting(str(i)) for i in range(50)]
    with Store(db_path) as store:
        store.upsert_postings(postings)
        again = store.upsert_postings(postings)
        assert (again.new, again.changed, again.unchanged) == (0, 0, 50)
        assert store.count("postings") == 50
        assert store.count("posting_versions") == 0


def test_a_changed_posting_gets_a_new_version_and_keeps_the_old_one(db_path):
    with Store(db_path) as store:
        store.upsert_postings([make_posting("7", "<p>Python</p>")])
        counts = store.upsert_postings([make_posting("7", "<p>Python and Rust</p>")])
        assert counts.changed == 1
        assert store.con.execute("SELECT version, text FROM postings").fetchall() == [(2, "Python and Rust")]
        assert store.con.execute("SELECT version, description FROM posting_versions").fetchall() == [
            (1, "<p>Python</p>")
        ]


def test_a_posting_seen_again_takes_the_sources_current_attributes_without_a_new_version(db_path):
    with Store(db_path) as store:
        store.upsert_postings([make_posting("1", attributes={"board": "a"})])
        counts = store.upsert_postings([make_posting("1", attributes={"board": "a", "same_job_as": "x:1"})])
        attributes, version = store.con.execute(
            "SELECT attributes::VARCHAR, version FROM postings WHERE posting_key = 'test:1'"
        ).fetchone()
    assert counts.unchanged == 1 and version == 1  # what a reader sees did not change
    assert json.loads(attributes) == {"board": "a", "same_job_as": "x:1"}


def test_duplicate_keys_in_one_batch_keep_the_last_copy(db_path):
    with Store(db_path) as store:
        store.upsert_postings([make_posting("1", "<p>old</p>"), make_posting("1", "<p>new</p>")])
        assert store.con.execute("SELECT text FROM postings").fetchall() == [("new",)]


def test_quarantined_records_are_kept_with_their_reason(db_path):
    bad = Quarantined("test", "x", "no description", {"id": "x"})
    with Store(db_path) as store:
        counts = store.upsert_postings([bad, make_posting("1")])
        assert (counts.new, counts.quarantined) == (1, 1)
        assert store.con.execute("SELECT source_id, reason FROM quarantine").fetchall() == [
            ("x", "no description")
        ]


def test_a_failing_batch_is_rolled_back_whole(db_path, monkeypatch):
    with Store(db_path) as store:

        def boom(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(store, "_insert", boom)
        with pytest.raises(RuntimeError):
            store.upsert_postings([Quarantined("test", "q", "bad", None), make_posting("1")])
        assert store.count("quarantine") == 0
        assert store.count("postings") == 0


def test_a_transaction_commits_when_the_block_ends_and_rolls_back_when_it_fails(db_path):
    with Store(db_path) as store:
        with store.transaction() as con:
            con.execute("INSERT INTO runs (run_id, started_at, status) VALUES ('kept', now(), 'ok')")
        with pytest.raises(RuntimeError), store.transaction() as con:
            con.execute("INSERT INTO runs (run_id, started_at, status) VALUES ('lost', now(), 'ok')")
            raise RuntimeError("a batch failed midway")
        ids = {r[0] for r in store.con.execute("SELECT run_id FROM runs").fetchall()}
    assert ids == {"kept"}


def test_the_store_creates_every_table_the_steps_and_report_read(db_path):
    with Store(db_path) as store:
        tables = {
            r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
    assert {"postings", "posting_skills", "posting_roles", "posting_enrichment", "posting_salaries"} <= tables


def _add_long_postings(store: Store, n: int) -> None:
    """``n`` full-text postings of 2.5 kB each, inserted 5,000 at a time."""
    for start in range(0, n, 5_000):
        store.con.execute(
            "INSERT INTO postings (posting_key, source, source_id, version, content_hash, "
            "first_seen_at, last_seen_at, text_kind, text) SELECT 'x:' || i, 'x', i::VARCHAR, 1, "
            "md5(i::VARCHAR), now(), now(), 'full', repeat(md5(i::VARCHAR), 80) FROM range(?, ?) r(i)",
            [start, start + 5_000],
        )


def test_pending_postings_stream_in_bounded_memory(tmp_path, monkeypatch):
    """At 1M postings, sorting the pending texts ran out of DuckDB's memory cap; the stream must not sort.
    Here 100 MB of real-sized texts (2.5 kB) against a 64 MB cap."""
    monkeypatch.setenv("SKILLPULSE_DUCKDB_MEMORY", "64MB")
    with Store(tmp_path / "s.duckdb") as store:
        _add_long_postings(store, 40_000)
        frames = sum(len(f) for f in store.pending_enrichment_frames("v"))
        rows = sum(len(b) for b in store.pending_extraction_rows("v", 500))
    assert frames == rows == 40_000


def test_a_taxonomy_change_carries_over_in_bounded_memory(tmp_path, monkeypatch):
    """At 1M postings the carry-over of a taxonomy change ran out of DuckDB's memory cap: the planner made
    the postings, texts and all, the build side of a join, and the index entries written during one
    stream stayed in memory. Here 150 MB of texts against a 96 MB cap, with five skills each under the
    previous version, carried over as ``carry_over`` does: batches within streams of 2,500 postings, a
    checkpoint between streams. Without either fix it runs out of memory."""
    monkeypatch.setenv("SKILLPULSE_DUCKDB_MEMORY", "96MB")
    with Store(tmp_path / "s.duckdb") as store:
        _add_long_postings(store, 60_000)
        store.con.execute(
            "INSERT INTO extractions SELECT posting_key, 'prev', content_hash, 5, now() FROM postings"
        )
        store.con.execute(
            "INSERT INTO posting_skills SELECT p.posting_key, 'prev', 'skill_' || s, 1, 0, 1, 'x' "
            "FROM postings p, range(5) r(s)"
        )
        carried, streams = 0, 0
        while carried == 2_500 * streams:
            streams += 1
            for rows in store.carry_candidate_rows("prev", "new", 500, 2_500):
                store.copy_extractions("prev", "new", [key for key, _, _ in rows], ["skill_4"])
                carried += len(rows)
            store.checkpoint()
        counts = store.con.execute(
            "SELECT count(*), sum(n_skills) FROM extractions WHERE extractor_version = 'new'"
        ).fetchall()[0]
    assert carried == 60_000 and streams == 25
    assert counts == (60_000, 4 * 60_000)
