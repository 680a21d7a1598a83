"""``skillpulse export``: Parquet partitioned by source and month, readable as it is."""

from __future__ import annotations

import duckdb
import pytest
from typer.testing import CliRunner

from skillpulse.extractors.skills import SkillExtractor
from skillpulse.flows.cli import app
from skillpulse.flows.settings import TAXONOMY_PATH
from skillpulse.flows.sources.snapshot import SnapshotSource
from skillpulse.flows.steps import collect as collect_step
from skillpulse.flows.steps import enrich as enrich_step
from skillpulse.flows.steps import extract as extract_step
from skillpulse.flows.store import Store


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "store.duckdb"
    with Store(path) as store:
        collect_step.collect(store, SnapshotSource(limit=12), "run-1")
        extract_step.extract(store, SkillExtractor(TAXONOMY_PATH))
        enrich_step.enrich(store)
    return path


def _export(store_path, out):
    done = CliRunner().invoke(app, ["export", "--db", str(store_path), "--out", str(out)])
    assert done.exit_code == 0, done.output
    return done.output


def test_every_posting_and_skill_row_is_exported_once_per_source_and_month(store_path, tmp_path):
    out = tmp_path / "parquet"
    _export(store_path, out)
    _export(store_path, out)  # a re-export replaces, never appends
    with Store(store_path) as store:
        expected = store.con.execute(
            "SELECT source, strftime(COALESCE(posted_at, first_seen_at), '%Y-%m'), count(*) FROM postings "
            "GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        n_skills = store.count("posting_skills")
    got = duckdb.sql(
        f"SELECT source, month, count(*) FROM read_parquet('{out}/postings/**/*.parquet', "
        "hive_partitioning = true) GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert got == expected and len({s for s, _, _ in got}) > 3
    assert (out / "postings" / f"source={expected[0][0]}" / f"month={expected[0][1]}").is_dir()
    skills = duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}/skills/**/*.parquet')").fetchall()[0][0]
    assert skills == n_skills > 0


def test_pyarrow_and_dask_read_the_dataset_with_its_partitions(store_path, tmp_path):
    import pyarrow.dataset as ds

    out = tmp_path / "parquet"
    _export(store_path, out)
    table = ds.dataset(out / "postings", format="parquet", partitioning="hive").to_table()
    assert {"source", "month", "roles", "industry", "text"} <= set(table.column_names)
    dd = pytest.importorskip("dask.dataframe")
    frame = dd.read_parquet(str(out / "skills")).compute()
    assert {"source", "month", "skill_id"} <= set(frame.columns)
    with Store(store_path) as store:
        assert len(frame) == store.count("posting_skills") > 0
    assert set(frame["source"].astype(str)) <= set(table.column("source").to_pylist())


def test_an_export_without_a_store_says_what_to_do(tmp_path):
    from skillpulse.errors import InputFileError

    missing = tmp_path / "none.duckdb"
    done = CliRunner().invoke(app, ["export", "--db", str(missing), "--out", str(tmp_path)])
    assert isinstance(done.exception, InputFileError)  # main() prints it as one line and exits non-zero
    assert done.exception.problems == [f"{missing}: no store here"]
    assert "skillpulse run --offline" in done.exception.hint and not missing.exists()
