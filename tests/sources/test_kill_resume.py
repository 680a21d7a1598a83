"""SIGKILL ``skillpulse collect`` after some committed batches; a re-run loses and duplicates nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from collect_helpers import collect
from loopback_server import Reply, fixture_bytes, source_settings

from skillpulse.flows.sources.config import parse_config
from skillpulse.flows.store import Store

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["greenhouse", "lever", "ashby"]
KILL_AFTER_BATCHES = 8


def _snapshot(db: Path) -> tuple[set[tuple[str, str]], int, int, int]:
    with Store(db) as store:
        pairs = set(store.con.execute("SELECT posting_key, content_hash FROM postings").fetchall())
        total = store.count("postings")
        versions = store.count("posting_versions")
        closed = store.con.execute("SELECT count(*) FROM postings WHERE closed_at IS NOT NULL").fetchone()[0]
    return pairs, total, versions, closed


def _child(config: Path, db: Path, home: Path) -> subprocess.Popen:
    env = {**os.environ, "SKILLPULSE_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    args = [sys.executable, "-m", "skillpulse.flows.cli", "collect", "--config", str(config), "--db", str(db)]
    args += ["--batch-size", "5"] + [a for n in NAMES for a in ("--source", n)]
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.slow
def test_sigkill_midway_then_rerun_loses_and_duplicates_nothing(server, write_config, tmp_path):
    plaid = "/v0/postings/plaid"
    server.route(plaid, lambda r: Reply(body=b"[]", stall=60))  # holds the run open mid-lever
    config = write_config({n: source_settings(server)[n] for n in NAMES}, read_timeout=30)
    db = tmp_path / "killed.duckdb"

    child = _child(config, db, tmp_path)
    committed = 0
    for line in child.stderr:
        committed += "postings committed" in line
        if committed >= KILL_AFTER_BATCHES:
            break
    assert child.poll() is None, "the collect finished before it could be killed"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    partial, partial_total, _, _ = _snapshot(db)
    assert 0 < partial_total < 27 + 33 + 45  # some batches survived the kill, not all

    server.static(plaid, fixture_bytes("lever/postings_plaid_first20.json.gz"))
    server.clear_log()
    rerun = _child(config, db, tmp_path)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert partial <= _snapshot(db)[0]  # nothing committed before the kill was lost
    # moo's body had arrived (and was cached) but its last postings were uncommitted when killed: the
    # re-run revalidates it (304) and replays the cached body, so they are not lost either.
    assert [h.status for h in server.hits("/v0/postings/moo")] == [304]

    reference_db = tmp_path / "reference.duckdb"
    reference = parse_config({"http": {"cache_path": str(tmp_path / "ref_cache.sqlite"), "min_interval": 0},
                              "sources": {n: source_settings(server)[n] for n in NAMES}})  # fmt: skip
    with Store(reference_db) as store:
        for name in NAMES:
            collect(store, reference, name)
    expected = _snapshot(reference_db)
    assert _snapshot(db) == expected  # same postings, same content, no versions, nothing closed
    assert expected[1] == 27 + 33 + 45 and expected[2] == 0 and expected[3] == 0
