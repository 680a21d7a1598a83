"""Re-runs: 304s write nothing new, changes are versioned, dropped postings close, failures keep old data."""

from __future__ import annotations

import json

from collect_helpers import collect, rows
from loopback_server import Reply, fixture_bytes, json_bytes

LUNO = "/v1/boards/luno/jobs"
LUNO_BODY = "greenhouse/board_luno_content_true.json.gz"


def luno() -> dict:
    return json.loads(fixture_bytes(LUNO_BODY))


def counts(store) -> dict[str, int]:
    tables = ("postings", "posting_versions", "quarantine")
    return {t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}  # noqa: S608


def test_second_collect_of_unchanged_bodies_downloads_and_writes_nothing_new(store, make_config, server):
    config = make_config()
    names = [
        "greenhouse",
        "lever",
        "ashby",
        "smartrecruiters",
        "workable",
        "remoteok",
        "arbeitnow",
        "themuse",
        "hn",
    ]
    first = {n: collect(store, config, n, run_id="run-1") for n in names}
    before = counts(store)
    server.clear_log()
    second = {n: collect(store, config, n, run_id="run-2") for n in names}
    for name in names:
        assert second[name].counts.new == 0 and second[name].counts.changed == 0, name
        assert second[name].counts.unchanged == first[name].counts.new + first[name].counts.unchanged, name
    assert counts(store) == before
    # Every body is revalidated, none re-sent. (The 3 SmartRecruiters details the server lacks are 404s
    # again: nothing to cache, nothing downloaded.)
    hits = [h for h in server.hits() if h.status != 404]
    assert len(server.hits()) - len(hits) == 3
    assert hits and [h for h in hits if h.status != 304] == []
    assert all("if-none-match" in h.headers and "if-modified-since" in h.headers for h in hits)


def test_changed_posting_is_versioned(store, make_config, server):
    config = make_config()
    collect(store, config, "greenhouse")
    board = luno()
    board["jobs"][0]["title"] = board["jobs"][0]["title"] + " (Senior)"
    server.static(LUNO, json_bytes(board))
    result = collect(store, config, "greenhouse", run_id="run-2")
    assert result.counts.changed == 1 and result.counts.new == 0 and result.counts.unchanged == 26
    job_id = str(board["jobs"][0]["id"])
    assert rows(store, "greenhouse")[job_id]["version"] == 2
    old = store.con.execute(
        "SELECT title FROM posting_versions WHERE posting_key = ?", [f"greenhouse:{job_id}"]
    )
    assert old.fetchall() == [("AML, CTF, CPF & Sanctions Analyst",)]


def test_postings_missing_from_a_complete_listing_close_and_a_304_closes_nothing(store, make_config, server):
    config = make_config()
    collect(store, config, "greenhouse")
    board = luno()
    dropped = {str(j["id"]) for j in board["jobs"][:2]}
    board["jobs"] = board["jobs"][2:]
    server.static(LUNO, json_bytes(board))
    result = collect(store, config, "greenhouse", run_id="run-2")
    assert result.closed == 2
    closed = {k for k, r in rows(store, "greenhouse").items() if r["closed_at"] is not None}
    assert closed == dropped  # the other board (takealot) is untouched

    server.clear_log()
    again = collect(store, config, "greenhouse", run_id="run-3")
    assert {h.status for h in server.hits(LUNO)} == {304}
    assert again.closed == 0 and again.counts.new == 0

    server.static(LUNO, fixture_bytes(LUNO_BODY))  # they are back: reopened
    collect(store, config, "greenhouse", run_id="run-4")
    assert all(r["closed_at"] is None for r in rows(store, "greenhouse").values())


def test_a_failed_board_closes_nothing_and_keeps_its_data(store, make_config, server):
    config = make_config()
    collect(store, config, "greenhouse")
    server.route(LUNO, lambda r: Reply(500, b"upstream error"))
    result = collect(store, config, "greenhouse", run_id="run-2")
    assert len(result.failed) == 1 and "luno" in result.failed[0] and "HTTP 500" in result.failed[0]
    assert result.counts.unchanged == 17  # takealot still collected
    assert result.closed == 0
    assert all(r["closed_at"] is None for r in rows(store, "greenhouse").values())
    assert len(rows(store, "greenhouse")) == 27


def test_schema_change_fails_the_board_not_the_run(store, make_config, server):
    config = make_config()
    server.static(LUNO, json_bytes({"postings": luno()["jobs"]}))  # "jobs" renamed
    result = collect(store, config, "greenhouse")
    assert result.failure_kinds == ["schema"] and result.counts.new == 17


def test_html_and_truncated_bodies_fail_their_board(store, make_config, server):
    config = make_config()
    server.static(LUNO, b"<!DOCTYPE html><html><body>Access denied</body></html>", content_type="text/html")
    body = fixture_bytes("greenhouse/board_takealotgroup_content_true.json.gz")
    server.static("/v1/boards/takealotgroup/jobs", body[: len(body) // 3])
    result = collect(store, config, "greenhouse")
    assert sorted(result.failure_kinds) == ["bad_json", "not_json"]
    assert result.counts.new == 0 and result.error is None


def test_a_source_without_network_is_reported_in_one_line(store, make_config, tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
        config = make_config()
        config.sources["greenhouse"].base_url = dead
        result = collect(store, config, "greenhouse")
    assert result.offline and result.counts.new == 0 and len(result.failed) == 2


def test_an_empty_listing_closes_nothing(store, make_config, server):
    config = make_config()
    collect(store, config, "greenhouse")
    server.static(LUNO, json_bytes({"jobs": [], "meta": {"total": 0}}))
    result = collect(store, config, "greenhouse", run_id="run-2")
    assert result.closed == 0 and not result.failed
    assert all(r["closed_at"] is None for r in rows(store, "greenhouse").values())


def test_raw_payload_hash_is_recorded(store, make_config):
    collect(store, make_config(), "lever")
    attributes = [json.loads(r["attributes"]) for r in rows(store, "lever").values()]
    assert all(len(a["raw_sha256"]) == 64 for a in attributes)
