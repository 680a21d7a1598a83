"""A board answering 404 or 410 is marked gone with its date and not asked again until the interval passes."""

from __future__ import annotations

from collect_helpers import collect
from loopback_server import fixture_bytes

from skillpulse.flows.sources.config import parse_config


def _config(server, tmp_path, recheck_days=30):
    return parse_config(
        {
            "http": {"cache_path": None, "retries": 0, "gone_recheck_days": recheck_days},
            "sources": {
                "greenhouse": {
                    "base_url": server.url("/v1/boards"),
                    "boards": ["luno", "closedco"],
                    "min_interval": 0,
                }
            },
        }
    )


def test_a_404_board_is_marked_gone_and_skipped_until_the_interval_passes(store, server, tmp_path):
    first = collect(store, _config(server, tmp_path), "greenhouse")
    assert first.counts.new == 10 and len(first.failed) == 1 and "closedco" in first.failed[0]
    (gone,) = store.con.execute("SELECT board, status, gone_since FROM gone_boards").fetchall()
    assert gone[:2] == ("closedco", 404) and gone[2] is not None
    server.clear_log()
    second = collect(store, _config(server, tmp_path), "greenhouse", run_id="run-2")
    assert server.hits("/v1/boards/closedco/jobs") == []  # not asked again within 30 days
    assert server.hits("/v1/boards/luno/jobs") and not second.failed
    third = collect(store, _config(server, tmp_path, recheck_days=0), "greenhouse", run_id="run-3")
    assert server.hits("/v1/boards/closedco/jobs") and third.failed  # the interval passed: asked, still gone


def test_a_board_that_answers_again_is_no_longer_gone(store, server, tmp_path):
    collect(store, _config(server, tmp_path, recheck_days=0), "greenhouse")
    assert store.count("gone_boards") == 1
    server.static(
        "/v1/boards/closedco/jobs", fixture_bytes("greenhouse/board_takealotgroup_content_true.json.gz")
    )
    result = collect(store, _config(server, tmp_path, recheck_days=0), "greenhouse", run_id="run-2")
    assert not result.failed and store.count("gone_boards") == 0
