"""`skillpulse serve` starts a Prefect server on loopback, and a one-minute cron really runs the pipeline."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

SERVE_RUN_DEADLINE_S = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def completed_runs(api: str) -> list[dict]:
    body = {"flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}}
    try:
        response = httpx.post(f"{api}/flow_runs/filter", json=body, timeout=5)
    except httpx.HTTPError:
        return []
    return response.json() if response.status_code == 200 else []


def test_served_deployment_with_one_minute_cron_runs_once(tmp_path: Path):
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["SKILLPULSE_HOME"] = str(tmp_path / "home")
    out = tmp_path / "reports"
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "skillpulse.flows.cli",
            "serve",
            "--cron",
            "* * * * *",
            "--offline",
            "--limit",
            "5",
            "--db",
            str(tmp_path / "served.duckdb"),
            "--out",
            str(out),
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + SERVE_RUN_DEADLINE_S
        runs: list[dict] = []
        while time.monotonic() < deadline and not runs and proc.poll() is None:
            time.sleep(3)
            runs = completed_runs(api)
        assert runs, (
            f"no completed run within {SERVE_RUN_DEADLINE_S} s:\n{(tmp_path / 'serve.log').read_text()}"
        )
        assert runs[0]["deployment_id"] is not None  # it came from the served deployment, by schedule
        assert (out / "latest" / "report.html").is_file()
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
        assert proc.wait(timeout=60) == 0
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"{api}/health", timeout=2)  # the server it started is gone too
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
    assert "Stopped." in (tmp_path / "serve.log").read_text()
    assert json.loads(json.dumps(runs[0]["parameters"]))["limit"] == 5
