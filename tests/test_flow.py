"""The Prefect flow end to end on a slice of the snapshot, under one session-wide test harness."""

from __future__ import annotations

import pytest

from skillpulse.flows.store import Store

pytestmark = pytest.mark.slow


def test_pipeline_flow_writes_a_report_and_a_rerun_adds_nothing(prefect_harness, db_path, tmp_path):
    from skillpulse.flows.pipeline import pipeline

    out = tmp_path / "reports"
    summary = pipeline(db_path=str(db_path), out_dir=str(out), offline=True, limit=15)
    assert summary["postings_read"] > 60
    assert set(summary["seconds"]) == {"collect", "extract", "enrich", "report"}  # time per stage, kept
    assert all(s >= 0 for s in summary["seconds"].values())
    assert (out / "latest" / "report.html").is_file()
    assert (out / "latest" / "skill_shares.csv").is_file()
    assert (out / "latest" / "report.md").is_file()
    from prefect.artifacts import Artifact

    artifact = Artifact.get("skillpulse-verdicts")
    assert artifact is not None and "| `languages` |" in artifact.data  # the verdict table, on the run
    summary_artifact = Artifact.get("skillpulse-run-summary")
    assert summary_artifact is not None and "| snapshot |" in summary_artifact.data
    with Store(db_path) as store:
        counts = {t: store.count(t) for t in ("postings", "extractions", "posting_skills", "posting_roles")}
        assert store.con.execute("SELECT status FROM runs").fetchall() == [("completed",)]
    written = (out / "latest" / "report.html").stat().st_mtime_ns
    again = pipeline(db_path=str(db_path), out_dir=str(out), offline=True, limit=15)
    assert again["extracted"]["extracted"] == 0
    assert (out / "latest" / "report.html").stat().st_mtime_ns == written  # nothing changed: reused
    assert again["collected"][0]["read"] is False  # the unchanged snapshot was not read again
    assert all(c["new"] == 0 and c["changed"] == 0 for c in again["collected"])
    with Store(db_path) as store:
        assert counts == {t: store.count(t) for t in counts}
        assert store.count("runs") == 2


def test_a_broken_taxonomy_stops_the_flow_before_any_work(prefect_harness, db_path, tmp_path):
    from skillpulse.extractors.taxonomy import TaxonomyError
    from skillpulse.flows.pipeline import pipeline

    broken = tmp_path / "broken.yaml"
    broken.write_text("skills:\n  - id: python\n    aliases: [python\n")
    with pytest.raises(TaxonomyError, match="broken.yaml"):
        pipeline(
            db_path=str(db_path), out_dir=str(tmp_path), offline=True, limit=5, taxonomy_path=str(broken)
        )
    assert not db_path.exists()


def test_an_unreachable_live_source_is_reported_and_skipped(prefect_harness, db_path, tmp_path, monkeypatch):
    import socket

    from skillpulse.flows.pipeline import pipeline

    with socket.socket() as s:  # a loopback port with nothing listening: connection refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = tmp_path / "sources.yaml"
    config.write_text(
        "http: {retries: 0, connect_timeout: 2, read_timeout: 2, cache_path: off}\n"
        f"sources:\n  greenhouse: {{boards: [acme], base_url: 'http://127.0.0.1:{port}'}}\n"
        "  lever: {enabled: false}\n  ashby: {enabled: false}\n  hn: {enabled: false}\n"
    )
    monkeypatch.setenv("SKILLPULSE_SOURCES", str(config))
    summary = pipeline(db_path=str(db_path), out_dir=str(tmp_path / "out"), offline=False, limit=5)
    by_source = {c["source"]: c for c in summary["collected"]}
    assert set(by_source) == {"snapshot", "greenhouse"}
    assert by_source["greenhouse"]["error"]
    assert by_source["snapshot"]["new"] > 0
    assert (tmp_path / "out" / "latest" / "report.html").is_file()
    # The failed source is a failed (red) task in Prefect, and the run summary says why in the report.
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName

    async def task_states():
        async with get_client() as client:
            runs = await client.read_task_runs(
                task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_="collect-live"))
            )
            return {r.state.type.value for r in runs}

    import asyncio

    assert "FAILED" in asyncio.run(task_states())
    report_md = (tmp_path / "out" / "latest" / "report.md").read_text()
    assert "**This run**" in report_md and "| greenhouse | 0 | 0 | 0 | 0 | " in report_md
