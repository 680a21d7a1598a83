"""The Prefect flow end to end on a slice of the snapshot, under one session-wide test harness."""

from __future__ import annotations

import pytest

from flows.store import Store

pytestmark = pytest.mark.slow


def test_pipeline_flow_writes_a_report_and_a_rerun_adds_nothing(prefect_harness, db_path, tmp_path):
    from flows.pipeline import pipeline

    out = tmp_path / "reports"
    summary = pipeline(db_path=str(db_path), out_dir=str(out), offline=True, limit=15)
    assert summary["postings_read"] > 60
    assert (out / "latest" / "report.html").is_file()
    assert (out / "latest" / "skill_shares.csv").is_file()
    assert (out / "latest" / "report.md").is_file()
    with Store(db_path) as store:
        counts = {t: store.count(t) for t in ("postings", "extractions", "posting_skills", "posting_roles")}
        assert store.con.execute("SELECT status FROM runs").fetchall() == [("completed",)]
    again = pipeline(db_path=str(db_path), out_dir=str(out), offline=True, limit=15)
    assert again["extracted"]["extracted"] == 0
    assert all(c["new"] == 0 and c["changed"] == 0 for c in again["collected"])
    with Store(db_path) as store:
        assert counts == {t: store.count(t) for t in counts}
        assert store.count("runs") == 2


def test_a_broken_taxonomy_stops_the_flow_before_any_work(prefect_harness, db_path, tmp_path):
    from extractors.taxonomy import TaxonomyError
    from flows.pipeline import pipeline

    broken = tmp_path / "broken.yaml"
    broken.write_text("skills:\n  - id: python\n    aliases: [python\n")
    with pytest.raises(TaxonomyError, match="broken.yaml"):
        pipeline(
            db_path=str(db_path), out_dir=str(tmp_path), offline=True, limit=5, taxonomy_path=str(broken)
        )
    assert not db_path.exists()
