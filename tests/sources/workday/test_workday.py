"""Workday: the recorded cxs lists (POSTed searches) and details replayed through the loopback server.

Bodies: ``tests/sources/fixtures/workday/`` (see its PROVENANCE.md). Only Hitachi's first posting has a
recorded detail; every other detail request gets the server's 404 and must become a structured row.
Derived, not recorded: list pages sliced by the request's offset/limit (as the Lever route does), one row
with its ``externalPath`` dropped, and the fault replies (429, 503, 500, truncation) around real bodies.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from collect_helpers import collect, rows
from loopback_server import (
    Handler,
    LoopbackServer,
    Reply,
    Request,
    fixture_bytes,
    fixture_json,
    http_settings,
    json_bytes,
)

from skillpulse.flows.http import Runtime
from skillpulse.flows.sources.config import check_config, parse_config
from skillpulse.flows.sources.workday import WorkdaySource, parse_board, posting_from_record, posting_id

ARROW = "arrowstreetcapital.wd5/Campus_Careers"
HITACHI = "hitachi.wd1/hitachi"
ARROW_LIST = "/wday/cxs/arrowstreetcapital/Campus_Careers/jobs"
HITACHI_LIST = "/wday/cxs/hitachi/hitachi/jobs"
HITACHI_DETAIL = "/wday/cxs/hitachi/hitachi/job/Kocaeli-Kocaeli-Turkey/Maintenance-Worker_R0119001"
ARROW_BODY = "workday/cxs_jobs_arrowstreetcapital_Campus_Careers.json.gz"
HITACHI_BODY = "workday/cxs_jobs_hitachi_search_turkey_page1.json.gz"  # page 1: 20 of total 62
HITACHI_DETAIL_BODY = "workday/cxs_job_hitachi_Maintenance-Worker_R0119001.json.gz"
FIRST_PAGE = {"appliedFacets": {}, "limit": 20, "offset": 0, "searchText": ""}


def list_handler(body: bytes) -> Handler:
    """A cxs list: the recorded bytes for a first page that holds them all, else the recorded envelope
    (``total`` and facets unchanged) around the rows the POSTed offset/limit select."""
    data = json.loads(body)

    def handle(request: Request) -> Reply:
        query = json.loads(request.body)
        offset, limit = int(query["offset"]), int(query["limit"])
        if offset == 0 and limit >= len(data["jobPostings"]):
            return Reply(body=body)
        return Reply(body=json_bytes({**data, "jobPostings": data["jobPostings"][offset : offset + limit]}))

    return handle


def sequence(*replies: Reply) -> Handler:
    """Each reply in turn, then the last again (the faults are around real bodies)."""
    calls = {"n": 0}

    def handle(request: Request) -> Reply:
        reply = replies[min(calls["n"], len(replies) - 1)]
        calls["n"] += 1
        return reply

    return handle


def install(server: LoopbackServer, prefix: str = "") -> None:
    server.route(prefix + ARROW_LIST, list_handler(fixture_bytes(ARROW_BODY)))
    server.route(prefix + HITACHI_LIST, list_handler(fixture_bytes(HITACHI_BODY)))
    server.static(prefix + HITACHI_DETAIL, fixture_bytes(HITACHI_DETAIL_BODY))


def config(server: LoopbackServer, tmp_path: Path, **options: Any):
    entry = {
        "base_url": server.url(),
        "boards": [ARROW, HITACHI],
        "companies": {"arrowstreetcapital": "Arrowstreet Capital"},
        "min_interval": 0,
        **options,
    }
    return parse_config(
        {"http": http_settings(tmp_path / "c.sqlite"), "sources": {"workday": entry}, "batch_size": 50}
    )


def fetch(cfg) -> tuple[list, WorkdaySource]:
    """Run the source without a store, to read its report (which boards were complete)."""
    with Runtime(cfg.http) as runtime:
        source = WorkdaySource(cfg.source("workday"), runtime)
        return list(source.fetch()), source


def posts(server: LoopbackServer, path: str) -> list[dict]:
    return [json.loads(r.body) for r in server.hits(path) if r.method == "POST"]


def test_workday_real_lists_with_the_one_recorded_detail(store, server, tmp_path):
    install(server)
    result = collect(store, config(server, tmp_path, max_pages=1), "workday")
    assert result.fetched == 24 and result.counts.new == 24
    assert result.counts.quarantined == 0 and result.failed == []
    jobs = rows(store, "workday")

    worker = jobs["hitachi/R0119001"]  # the list's first row, with its recorded detail
    assert worker["title"] == "Maintenance Worker" and worker["company"] == "hitachi"
    assert worker["text_kind"] == "full"
    assert worker["description"].startswith('<p style="text-align:left"><b>Location:</b></p>Kocaeli')
    assert "Date Posted:" in worker["text"] and "<p" not in worker["text"]
    assert worker["url"] == (
        "https://hitachi.wd1.myworkdayjobs.com/hitachi/job/Kocaeli-Kocaeli-Turkey/Maintenance-Worker_R0119001"
    )
    assert json.loads(worker["locations"]) == ["Kocaeli, Kocaeli, Turkey"]
    assert worker["posted_at"].replace(tzinfo=UTC) == datetime(2026, 1, 30, tzinfo=UTC)  # startDate
    assert worker["remote"] is None and worker["pay"] is None
    attributes = json.loads(worker["attributes"])
    assert attributes["req_id"] == "R0119001" and attributes["time_type"] == "Full time"
    assert attributes["country"] == "Türkiye" and attributes["country_code"] == "TR"
    assert attributes["posted_on_text"] == "Posted 30+ Days Ago" and attributes["board"] == HITACHI
    assert attributes["hiring_organization"] == "HITACHI ENERGY TURKEY ELEKTRIK SANAYI ANONIM SIRKETI"
    assert "detail_error" not in attributes

    # The other 23 details are not recorded (404): structured rows from the list row alone.
    others = [r for k, r in jobs.items() if k != "hitachi/R0119001"]
    assert {r["text_kind"] for r in others} == {"structured"}
    assert all(r["description"] is None and r["posted_at"] is None for r in others)
    assert all("HTTP 404" in json.loads(r["attributes"])["detail_error"] for r in others)
    erp = jobs["hitachi/R0089483-1"]  # externalPath ..._R0089483-1, bulletFields ["R0089483"]
    assert json.loads(erp["locations"]) == []  # "4 Locations" names no place
    assert json.loads(erp["attributes"])["locations_text"] == "4 Locations"
    assert json.loads(erp["attributes"])["bullet_fields"] == ["R0089483"]
    researcher = jobs["arrowstreetcapital/R1066-5"]
    assert researcher["title"] == "Quantitative Researcher" and researcher["company"] == "Arrowstreet Capital"
    assert json.loads(researcher["locations"]) == ["Boston"]
    assert researcher["url"] == (
        "https://arrowstreetcapital.wd5.myworkdayjobs.com/Campus_Careers/job/Boston/Quantitative-Researcher_R1066-5"
    )
    assert sum(k.startswith("arrowstreetcapital/") for k in jobs) == 4

    # What the client sent: one JSON POST per board, then one GET per posting.
    (hitachi_post,) = server.hits(HITACHI_LIST)
    assert hitachi_post.method == "POST" and hitachi_post.headers["content-type"] == "application/json"
    assert json.loads(hitachi_post.body) == FIRST_PAGE
    assert posts(server, ARROW_LIST) == [FIRST_PAGE]
    assert [r.method for r in server.hits(HITACHI_DETAIL)] == ["GET"]
    details = [r for r in server.hits() if "/job/" in r.path]
    assert len(details) == 24 and {r.method for r in details} == {"GET"}


def test_workday_pages_by_offset_and_trusts_only_a_whole_listing(server, tmp_path):
    install(server)
    items, source = fetch(config(server, tmp_path, page_size=2, details=False))
    # Arrowstreet (total 4) in pages of 2: stops when the first page's total is reached, complete.
    assert [(p["offset"], p["limit"]) for p in posts(server, ARROW_LIST)] == [(0, 2), (2, 2)]
    assert len(source.report.complete[ARROW]) == 4
    # Hitachi says 62 but only 20 rows were recorded: the page after them comes back empty, so the
    # listing is cut short of its total and must close nothing.
    assert [p["offset"] for p in posts(server, HITACHI_LIST)] == list(range(0, 22, 2))
    assert HITACHI not in source.report.complete
    assert len(items) == 24 and {i.text_kind for i in items} == {"structured"}
    assert not [r for r in server.hits() if "/job/" in r.path]  # details: false


def test_workday_page_cap_marks_the_board_incomplete(server, tmp_path):
    install(server)
    items, source = fetch(config(server, tmp_path, boards=[HITACHI], max_pages=1))
    assert len(posts(server, HITACHI_LIST)) == 1 and len(items) == 20
    assert source.report.complete == {} and source.report.failures == []


def test_workday_retries_a_429_list_and_a_503_detail(store, server, tmp_path):
    install(server)
    server.route(HITACHI_LIST, sequence(Reply(429, b""), Reply(body=fixture_bytes(HITACHI_BODY))))
    server.route(HITACHI_DETAIL, sequence(Reply(503, b""), Reply(body=fixture_bytes(HITACHI_DETAIL_BODY))))
    result = collect(store, config(server, tmp_path, boards=[HITACHI], max_pages=1), "workday")
    assert result.failed == [] and result.counts.new == 20
    assert [r.status for r in server.hits(HITACHI_LIST)] == [429, 200]
    assert [r.status for r in server.hits(HITACHI_DETAIL)] == [503, 200]
    assert rows(store, "workday")["hitachi/R0119001"]["text_kind"] == "full"


def test_workday_a_failing_board_leaves_the_other_stored(store, server, tmp_path):
    install(server)
    server.route(HITACHI_LIST, sequence(Reply(500, b"")))
    result = collect(store, config(server, tmp_path), "workday")
    assert len(result.failed) == 1 and result.failed[0].startswith(f"workday:{HITACHI}: ")
    assert "HTTP 500" in result.failed[0]
    assert len(server.hits(HITACHI_LIST)) == 4  # the first try and 3 retries
    assert sorted(rows(store, "workday")) == [
        "arrowstreetcapital/R1066-5",
        "arrowstreetcapital/R1433",
        "arrowstreetcapital/R1505",
        "arrowstreetcapital/R1506",
    ]


def test_workday_truncated_list_fails_its_board_only(store, server, tmp_path):
    install(server)
    body = fixture_bytes(HITACHI_BODY)
    server.route(HITACHI_LIST, sequence(Reply(body=body, truncate_to=len(body) // 2)))
    result = collect(store, config(server, tmp_path), "workday")  # no exception escapes
    assert len(result.failed) == 1 and result.failed[0].startswith(f"workday:{HITACHI}: ")
    assert not [k for k in rows(store, "workday") if k.startswith("hitachi/")]
    assert not server.hits(HITACHI_DETAIL)
    assert result.counts.new == 4


def test_workday_truncated_detail_keeps_a_structured_row(store, server, tmp_path):
    install(server)
    body = fixture_bytes(HITACHI_DETAIL_BODY)
    server.route(HITACHI_DETAIL, sequence(Reply(body=body, truncate_to=len(body) // 2)))
    result = collect(store, config(server, tmp_path, boards=[HITACHI], max_pages=1), "workday")
    assert result.failed == [] and result.counts.new == 20
    worker = rows(store, "workday")["hitachi/R0119001"]
    assert worker["text_kind"] == "structured" and worker["title"] == "Maintenance Worker"
    assert json.loads(worker["locations"]) == ["Kocaeli, Kocaeli, Turkey"]  # the row's locationsText
    assert json.loads(worker["attributes"])["detail_error"]


def test_workday_row_without_its_path_is_quarantined(store, server, tmp_path):
    install(server)
    data = fixture_json(ARROW_BODY)
    del data["jobPostings"][0]["externalPath"]  # the real first row (R1505) without what identifies it
    server.static(ARROW_LIST, json_bytes(data))
    result = collect(store, config(server, tmp_path, boards=[ARROW]), "workday")
    assert result.counts.quarantined == 1 and result.counts.new == 3 and result.failed == []
    assert "arrowstreetcapital/R1505" not in rows(store, "workday")
    assert len([r for r in server.hits() if "/job/" in r.path]) == 3  # no detail asked for it


def test_workday_list_of_the_wrong_shape_fails_the_board(store, server, tmp_path):
    install(server)
    detail = fixture_bytes(HITACHI_DETAIL_BODY)  # a real body, but a detail where a list belongs
    server.route(HITACHI_LIST, lambda request: Reply(body=detail))
    result = collect(store, config(server, tmp_path), "workday")
    assert len(result.failed) == 1 and "jobPostings" in result.failed[0]
    assert result.failure_kinds == ["schema"] and result.counts.new == 4


def test_workday_details_without_their_lists():
    """Synchrony and Booz Allen: details recorded without a list, normalised from the detail alone."""
    bah = fixture_json("workday/cxs_job_bah_Systems-Administrator-Intern_R0249565.json.gz")
    path = "/job/Annapolis-Junction-MD/Systems-Administrator-Intern_R0249565"
    record = {"id": posting_id("bah", path), "detail": bah}
    posting = posting_from_record(record, parse_board("bah.wd1/BAH_Jobs"), "Booz Allen Hamilton")
    assert posting.source_id == "bah/R0249565" and posting.title == "Systems Administrator Intern"
    assert posting.company == "Booz Allen Hamilton"
    assert posting.posted_at == datetime(2026, 9, 16, tzinfo=UTC)
    assert posting.locations == ["Annapolis Junction, MD"]
    assert posting.url == (
        "https://bah.wd1.myworkdayjobs.com/BAH_Jobs/job/Annapolis-Junction-MD/Systems-Administrator-Intern_R0249565"
    )
    assert posting.description.startswith("Systems Administrator Intern<p><b>The Opportunity:</b>")
    assert "$52,900.00 to $108,000.00 (annualized USD)" in posting.description
    assert posting.pay == []  # stated only in the text: the salary text parser reads it there
    assert posting.attributes["time_type"] == "Part time" and posting.attributes["end_date"] == "2026-12-14"
    assert posting.attributes["hiring_organization"] == "631 Booz Allen Hamilton_United States"

    synchrony = fixture_json("workday/cxs_job_synchronyfinancial_BLP-Intern---Technology_2601695-1.json.gz")
    path = "/job/Stamford-Hub/BLP-Intern---Technology_2601695-1"
    record = {"id": posting_id("synchronyfinancial", path), "detail": synchrony}
    posting = posting_from_record(record, parse_board("synchronyfinancial.wd5/University"))
    assert posting.source_id == "synchronyfinancial/2601695-1" and posting.title == "BLP Intern – Technology"
    assert posting.company == "synchronyfinancial"  # not hiringOrganization's "Synchrony Bank"
    assert posting.posted_at == datetime(2026, 6, 16, tzinfo=UTC) and posting.locations == ["Stamford Hub"]
    assert posting.description.startswith("<div><p><b><span>Business Leadership Program </span>")
    assert posting.text_kind == "full" and posting.description_is_html
    assert posting.attributes["country_code"] == "US"


@pytest.mark.parametrize(
    ("text", "board"),
    [
        ("hitachi.wd1/hitachi", ("hitachi", "wd1", "hitachi")),
        ("https://bah.wd1.myworkdayjobs.com/en-US/BAH_Jobs", ("bah", "wd1", "BAH_Jobs")),
        (
            "arrowstreetcapital.wd5.myworkdayjobs.com/Campus_Careers/",
            ("arrowstreetcapital", "wd5", "Campus_Careers"),
        ),
    ],
)
def test_workday_board_forms(text, board):
    assert tuple(parse_board(text)) == board


def test_workday_a_malformed_board_is_reported_and_the_others_go_on(store, server, tmp_path):
    install(server)
    result = collect(store, config(server, tmp_path, boards=["hitachi/hitachi", ARROW]), "workday")
    assert result.failed == [
        "workday:hitachi/hitachi: ValueError: board 'hitachi/hitachi' is not tenant.wdN/site "
        "(from https://tenant.wdN.myworkdayjobs.com/site)"
    ]
    assert result.counts.new == 4 and not server.hits(HITACHI_LIST)


def test_workday_base_url_may_name_the_tenant(store, server, tmp_path):
    install(server, prefix="/mirror/hitachi")
    cfg = config(server, tmp_path, boards=[HITACHI], max_pages=1, base_url=server.url("/mirror/{tenant}"))
    result = collect(store, cfg, "workday")
    assert result.failed == [] and result.counts.new == 20
    assert len(server.hits("/mirror/hitachi" + HITACHI_DETAIL)) == 1


def test_workday_options_are_checked_with_their_line(tmp_path):
    path = tmp_path / "sources.yaml"
    text = (
        "sources:\n  workday:\n    boards: [hitachi.wd1/hitachi]\n    page_size: twenty\n    site: hitachi\n"
    )
    problems = check_config(path, text)
    assert len(problems) == 2
    assert problems[0].startswith(f"{path}:4: sources.workday.page_size: expected a whole number")
    assert problems[1].startswith(f"{path}:5: sources.workday: unknown key 'site'")
    good = "sources:\n  workday:\n    boards: [hitachi.wd1/hitachi]\n    companies: {hitachi: Hitachi}\n"
    assert check_config(path, good) == []
