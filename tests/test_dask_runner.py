"""Past one machine: the pipeline on a Dask cluster gives the same output as on this process alone.

A ``LocalCluster`` of two worker processes stands in for a real cluster: the batches are pickled, shipped
to other processes, run there and their rows sent back, exactly as they would be to remote workers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from skillpulse.flows.store import Store

pytestmark = pytest.mark.slow

# Every table the batches write, without the time each row was written.
TABLES = {
    "posting_skills": "posting_key, extractor_version, skill_id, n_mentions, first_start, first_end, "
    "first_text",
    "extractions": "posting_key, extractor_version, content_hash, n_skills",
    "posting_roles": "posting_key, enricher_version, role",
    "posting_enrichment": "*",
    "posting_salaries": "*",
    "enrichments": "posting_key, enricher_version, content_hash",
}


def _tables(db_path: Path) -> dict[str, list[tuple]]:
    with Store(db_path) as store:
        return {
            table: store.con.execute(f"SELECT {cols} FROM {table} ORDER BY ALL").fetchall()  # noqa: S608
            for table, cols in TABLES.items()
        }


def _extractors_loaded() -> int:
    from skillpulse.flows.pipeline import _extractor

    return _extractor.cache_info().currsize


def test_a_local_dask_cluster_gives_the_same_rows_as_one_process(prefect_harness, tmp_path):
    distributed = pytest.importorskip("distributed")
    from prefect_dask import DaskTaskRunner

    from skillpulse.flows import steps
    from skillpulse.flows.pipeline import pipeline

    local_db, dask_db = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    pipeline(db_path=str(local_db), out_dir=str(tmp_path / "local"), offline=True, limit=25)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster:
        runner = DaskTaskRunner(address=cluster.scheduler_address)
        with pytest.MonkeyPatch.context() as mp:  # small batches, so both workers get several
            mp.setattr(steps.extract, "EXTRACT_BATCH", 40)
            mp.setattr(steps.enrich, "BATCH", 40)
            summary = pipeline.with_options(task_runner=runner)(
                db_path=str(dask_db), out_dir=str(tmp_path / "dask"), offline=True, limit=25
            )
        with distributed.Client(cluster) as client:  # which workers built an extractor: those that ran
            loaded = client.run(_extractors_loaded)
    assert summary["extracted"]["extracted"] > 200
    local, on_dask = _tables(local_db), _tables(dask_db)
    assert all(local[t] for t in TABLES)  # the comparison is not between empty tables
    for table in TABLES:
        assert on_dask[table] == local[table], table
    assert sorted(loaded.values()) == [1, 1], loaded  # both workers extracted
