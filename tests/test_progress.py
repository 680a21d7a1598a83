"""Progress is visible where no bar can be drawn: a pipe, CI, a scheduled run's log."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from skillpulse.flows.progress import LineProgress, progress_line


def test_a_progress_line_gives_done_total_rate_and_time_left():
    line = progress_line("extract skills", 1_500, 42_629, 3.0)
    assert line == "extract skills: 1,500/42,629 (3.5 %) · 500/s · about 1 min 22 s left"
    assert progress_line("collect greenhouse", 20, None, 2.0) == "collect greenhouse: 20 · 10/s"


def test_lines_are_printed_at_most_once_per_interval_and_once_at_the_end(monkeypatch):
    clock = iter([0.0, 1.0, 2.0, 6.0, 7.0, 12.0, 13.0])
    monkeypatch.setattr("skillpulse.flows.progress.time.monotonic", lambda: next(clock))
    out = Console(record=True, width=200, force_terminal=False)
    lines = LineProgress("enrich", 400, 5.0, out)  # started at 0
    for _ in range(5):  # at 1, 2, 6, 7, 12 s: a line at 6 and at 12
        lines.advance(50)
    lines.finish()  # at 13 s
    printed = out.export_text().splitlines()
    assert printed[0].startswith("enrich: 150/400 (37.5 %)")
    assert printed[1].startswith("enrich: 250/400 (62.5 %)")
    assert printed[2] == "enrich: done, 250 in 13 s (19/s)"
    assert len(printed) == 3


@pytest.mark.slow
def test_a_run_through_a_pipe_prints_progress_lines_for_every_stage(tmp_path: Path):
    """The whole CLI, its output a pipe, two worker processes sharing the run's Prefect server."""
    env = {**os.environ, "SKILLPULSE_HOME": str(tmp_path), "SKILLPULSE_PROGRESS_SECONDS": "0"}
    env.pop("PREFECT_API_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "skillpulse.flows.cli", "run", "--offline", "--limit", "5", "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        timeout=600,
    )
    out = done.stdout
    assert done.returncode == 0, out[-3000:]
    for stage in ("collect snapshot", "extract skills", "enrich", "group duplicates", "report"):
        assert f"\n{stage}: done" in out, (stage, out[-3000:])
    # at interval 0, a line per batch: done/total, percent, rate
    assert re.search(r"\nextract skills: (\d+)/\1 \(100\.0 %\) · \d+/s", out), out[-3000:]
    # grouping counts every posting it read, not only whole blocks of 5,000 (it said "done, 0" here)
    grouped = re.search(r"\ngroup duplicates: done, ([\d,]+) in", out)
    assert grouped and int(grouped[1].replace(",", "")) > 0, out[-3000:]
    assert "Traceback" not in out and "Error logging to API" not in out
    assert (tmp_path / "reports" / "latest" / "report.html").is_file()
