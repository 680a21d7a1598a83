"""Rippling: the recorded v2 page and v1 array through the loopback server into a store, and faults.

Only one real v2 page exists (page 0 of Rippling's own board at ``pageSize=2``: one job, two locations,
``totalPages`` 315). Where a test needs other pages, they are derived from it and say how.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from collect_helpers import collect, rows
from loopback_server import (
    LoopbackServer,
    Reply,
    Request,
    fixture_bytes,
    fixture_json,
    http_settings,
    json_bytes,
)

from skillpulse.flows.http import Runtime
from skillpulse.flows.sources import LIVE_SOURCES
from skillpulse.flows.sources.config import CollectConfig, check_config, parse_config
from skillpulse.flows.sources.rippling import merge_rows

V2 = "rippling/api_v2_board_rippling_jobs_page0_size2.json.gz"
V1 = "rippling/platform_v1_board_11fs-group-ltd_jobs_first2.json.gz"
V2_BASE, V1_BASE = "/api/v2/board", "/platform/api/ats/v1/board"
RIPPLING = f"{V2_BASE}/rippling/jobs"
ELEVEN_FS = f"{V1_BASE}/11fs-group-ltd/jobs"
JOB = "84d388b6-7656-434c-8862-0312eb6b97ac"


def make(
    server: LoopbackServer, tmp_path: Path, base: str = V2_BASE, cache: bool = True, **options
) -> CollectConfig:
    entry = {"base_url": server.url(base), "boards": ["rippling"], "min_interval": 0, **options}
    http = {**http_settings(tmp_path / "c.sqlite"), **({} if cache else {"cache_path": None})}
    return parse_config({"http": http, "sources": {"rippling": entry}, "batch_size": 50})


def derived_page(**changes) -> bytes:
    """The recorded page 0 with some of its top-level fields changed (see each caller's comment)."""
    return json_bytes({**fixture_json(V2), **changes})


def whole_board() -> bytes:
    # The recorded page stating itself as the whole board (totalItems 2, totalPages 1): one request.
    return derived_page(totalItems=2, totalPages=1)


def pages(by_page: dict[int, bytes]):
    def handle(request: Request) -> Reply:
        page = int(request.query.get("page", -1))
        return Reply(body=by_page[page]) if page in by_page else Reply(404, b"{}")

    return handle


def sequence(*replies: Reply):
    calls = {"n": 0}

    def handle(request: Request) -> Reply:
        reply = replies[min(calls["n"], len(replies) - 1)]
        calls["n"] += 1
        return reply

    return handle


def run(config: CollectConfig):
    """The source's own fetch, to read its report (which listings were complete)."""
    with Runtime(config.http) as runtime:
        source = LIVE_SOURCES["rippling"](config.source("rippling"), runtime)
        return source, list(source.fetch())


def test_v2_pages_until_a_short_page_and_merges_locations(store, server, tmp_path):
    # Page 0 is the recorded body unchanged (2 rows = pageSize 2, so the walk goes on); page 1 is derived
    # from it: its second row alone, as page 1 (a short page, which ends the walk).
    recorded = fixture_json(V2)
    short = derived_page(page=1, items=recorded["items"][1:])
    server.route(RIPPLING, pages({0: fixture_bytes(V2), 1: short}))
    config = make(server, tmp_path, page_size=2, companies={"rippling": "Rippling"})
    result = collect(store, config, "rippling")
    assert result.fetched == 1 and result.counts.new == 1 and not result.failed
    assert [(h.query["page"], h.query["pageSize"]) for h in server.hits(RIPPLING)] == [("0", "2"), ("1", "2")]
    job = rows(store, "rippling")[JOB]
    assert job["title"] == "Business Operations Manager"
    assert job["company"] == "Rippling"
    assert job["url"] == f"https://ats.rippling.com/rippling/jobs/{JOB}"
    assert json.loads(job["locations"]) == ["San Francisco, CA", "New York, NY"]  # one job, two rows
    assert job["remote"] is False  # every place ON_SITE
    assert job["text_kind"] == "structured" and job["description"] is None
    assert job["posted_at"] is None and job["pay"] is None
    attributes = json.loads(job["attributes"])
    assert attributes["department"] == "Bizops" and attributes["language"] == "en-US"
    assert attributes["workplace_types"] == ["ON_SITE"] and attributes["board"] == "rippling"
    # Read again without the HTTP cache (a 304 listing closes nothing): the walk completed the board.
    source, _ = run(make(server, tmp_path, page_size=2, cache=False))
    assert source.report.complete == {"rippling": {JOB}}


def test_v2_stops_at_the_stated_total(server, tmp_path):
    server.route(RIPPLING, pages({0: whole_board()}))
    source, postings = run(make(server, tmp_path))
    assert [p.source_id for p in postings] == [JOB]
    assert [h.query for h in server.hits(RIPPLING)] == [{"page": "0", "pageSize": "100"}]
    assert source.report.complete == {"rippling": {JOB}}


def test_v2_page_cap_leaves_the_listing_incomplete(server, tmp_path):
    # Every page is the recorded one renumbered (full pages, totalPages 315): only max_pages stops it.
    server.route(RIPPLING, pages({n: derived_page(page=n) for n in range(10)}))
    source, postings = run(make(server, tmp_path, page_size=2, max_pages=3))
    assert [h.query["page"] for h in server.hits(RIPPLING)] == ["0", "1", "2"]
    assert len(postings) == 1 and source.report.complete == {}  # partial: closes nothing


def test_v2_server_ignoring_page_is_a_schema_error(store, server, tmp_path):
    server.static(RIPPLING, fixture_bytes(V2))  # page 0 whatever is asked
    result = collect(store, make(server, tmp_path, page_size=2), "rippling")
    assert result.failure_kinds == ["schema"] and "asked for page 1, got page 0" in result.failed[0]
    assert rows(store, "rippling") == {}


def test_v1_array(store, server, tmp_path):
    server.static(ELEVEN_FS, fixture_bytes(V1))
    config = make(server, tmp_path, base=V1_BASE, api="v1", boards=["11fs-group-ltd"])
    result = collect(store, config, "rippling")
    assert result.counts.new == 2 and not result.failed
    assert server.hits(ELEVEN_FS)[0].query == {}
    jobs = rows(store, "rippling")
    london = jobs["3c36e9c8-1bee-45a2-94fe-09f10ccbe10f"]
    assert london["title"] == "Senior Sales Executive" and london["company"] == "11fs-group-ltd"
    assert (
        london["url"] == "https://ats.rippling.com/11fs-group-ltd/jobs/3c36e9c8-1bee-45a2-94fe-09f10ccbe10f"
    )
    assert json.loads(london["locations"]) == ["London, United Kingdom"] and london["remote"] is None
    assert json.loads(london["attributes"])["department"] == "Pulse"
    director = jobs["480c597a-867b-4f9f-b7e4-693b27cc6e9a"]
    assert director["title"] == "Director, Strategic Solutions" and director["remote"] is True
    assert json.loads(director["locations"]) == ["Remote (United States)"]
    assert json.loads(director["attributes"])["department"] == "Business Development"
    assert {r["text_kind"] for r in jobs.values()} == {"structured"}


def test_v1_rows_of_one_job_merge():
    # The first recorded v1 row, repeated with the second row's workLocation (as v1 repeats a job).
    first, second = fixture_json(V1)
    [merged] = merge_rows([first, {**first, "workLocation": second["workLocation"]}], v1=True)
    assert [w["label"] for w in merged["_workLocations"]] == [
        "London, United Kingdom",
        "Remote (United States)",
    ]


def test_v1_default_host(tmp_path):
    config = parse_config({"sources": {"rippling": {"api": "v1"}}, "http": {"cache_path": None}})
    with Runtime(config.http) as runtime:
        assert LIVE_SOURCES["rippling"](config.source("rippling"), runtime).base_url == (
            "https://api.rippling.com/platform/api/ats/v1/board"
        )


def test_429_then_the_page(store, server, tmp_path):
    server.route(
        RIPPLING, sequence(Reply(429, b"slow down", headers={"Retry-After": "0"}), Reply(body=whole_board()))
    )
    result = collect(store, make(server, tmp_path), "rippling")
    assert result.counts.new == 1 and not result.failed
    assert [h.status for h in server.hits(RIPPLING)] == [429, 200]


def test_a_failing_board_does_not_stop_the_others(store, server, tmp_path):
    server.route(RIPPLING, pages({0: whole_board()}))
    server.route(f"{V2_BASE}/broken/jobs", lambda request: Reply(500, b"oops"))
    result = collect(store, make(server, tmp_path, boards=["broken", "rippling"]), "rippling")
    assert result.counts.new == 1 and list(rows(store, "rippling")) == [JOB]
    assert len(result.failed) == 1 and result.failed[0].startswith("rippling:broken:")
    assert len(server.hits(f"{V2_BASE}/broken/jobs")) == 4  # the first try and 3 retries


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (Reply(body=fixture_bytes(V2), truncate_to=300), "network"),  # Content-Length promises more
        (Reply(body=fixture_bytes(V2)[:300], omit_length=True), "bad_json"),  # closed after 300 bytes
    ],
)
def test_a_truncated_page_fails_the_board(store, server, tmp_path, reply, kind):
    server.route(RIPPLING, lambda request: reply)
    result = collect(store, make(server, tmp_path), "rippling")
    assert result.error is None and result.failure_kinds == [kind]
    assert rows(store, "rippling") == {}


def test_the_v1_array_on_the_v2_path_is_a_schema_error(store, server, tmp_path):
    server.static(RIPPLING, fixture_bytes(V1))
    result = collect(store, make(server, tmp_path), "rippling")
    assert result.failure_kinds == ["schema"] and "'items' list" in result.failed[0]


def test_a_row_without_its_id_is_quarantined(store, server, tmp_path):
    # The recorded v1 array with the first row's uuid removed.
    first, second = fixture_json(V1)
    del first["uuid"]
    server.static(ELEVEN_FS, json_bytes([first, second]))
    result = collect(
        store, make(server, tmp_path, base=V1_BASE, api="v1", boards=["11fs-group-ltd"]), "rippling"
    )
    assert result.counts.quarantined == 1 and result.counts.new == 1 and not result.failed
    assert list(rows(store, "rippling")) == ["480c597a-867b-4f9f-b7e4-693b27cc6e9a"]
    [(reason,)] = store.con.execute("SELECT reason FROM quarantine WHERE source = 'rippling'").fetchall()
    assert "missing uuid" in reason


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        ("    bords: [rippling]\n", "sources.rippling: unknown key 'bords' — did you mean 'boards'?"),
        ("    page_size: many\n", "sources.rippling.page_size: expected a whole number, got 'many'"),
        ("    api: v3\n", "sources.rippling.api: expected one of v2, v1, got 'v3'"),
    ],
)
def test_options_are_checked_with_their_line(tmp_path, entry, needle):
    path = tmp_path / "sources.yaml"
    text = "sources:\n  rippling:\n    enabled: false\n" + entry
    [problem] = check_config(path, text)
    assert problem.startswith(f"{path}:4: ") and needle in problem, problem
