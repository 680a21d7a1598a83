"""``skillpulse collect``: the closing table, one line per source without network, the pipeline hook."""

from __future__ import annotations

import socket

from typer.testing import CliRunner

from skillpulse.flows.cli import app
from skillpulse.flows.store import Store

runner = CliRunner()


def test_collect_prints_the_closing_table(write_config, tmp_path):
    config = write_config()
    db = tmp_path / "cli.duckdb"
    args = [
        "collect",
        "--config",
        str(config),
        "--db",
        str(db),
        "--source",
        "greenhouse",
        "--source",
        "jsonld",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    for column in ("fetched", "new", "changed", "closed", "quarantined", "failed"):
        assert column in result.output
    assert "robots.txt disallows" in " ".join(result.output.split())
    with Store(db) as store:
        assert store.count("postings") == 27 + 7
        [(status,)] = store.con.execute("SELECT status FROM runs").fetchall()
    assert status == "completed"


def test_collect_without_network_says_so_once_per_source(write_config, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
        sources = {
            "greenhouse": {"base_url": f"{dead}/v1/boards", "boards": ["luno", "takealotgroup"]},
            "lever": {"base_url": f"{dead}/v0/postings", "sites": ["moo"]},
            "hn": {"base_url": f"{dead}/api/v1"},
        }
        result = runner.invoke(
            app, ["collect", "--config", str(write_config(sources)), "--db", str(tmp_path / "x.duckdb")]
        )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "no network" in line]
    assert len(lines) == 3 and all("earlier data kept" in line for line in lines)
    assert result.output.count("offline") == 3


def test_collect_rejects_an_unknown_source(write_config, tmp_path):
    result = runner.invoke(app, ["collect", "--config", str(write_config()), "--source", "monster"])
    assert result.exit_code == 2 and "Unknown source" in result.output


def test_pipeline_collect_live_task_uses_sources_yaml(write_config, tmp_path, monkeypatch):
    from skillpulse.flows.pipeline import collect_live
    from skillpulse.flows.sources.runner import close_runtimes

    monkeypatch.setenv("SKILLPULSE_SOURCES", str(write_config()))
    db = str(tmp_path / "pipe.duckdb")
    try:
        summary = collect_live.fn(db, "run-x", "lever")
        disabled = collect_live.fn(db, "run-x", "file")
    finally:
        close_runtimes()
    assert summary["new"] == 33 and summary["error"] is None
    assert disabled["new"] == 0 and disabled["error"] is None
