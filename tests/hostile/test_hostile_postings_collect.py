"""Hostile postings through the loopback server into a store: one bad field never costs the batch.

Each case serves a recorded API body (``tests/sources/fixtures/<api>/``) with one job's field mutated the
way a hostile or broken API might send it, collects the source as ``skillpulse collect`` does, and checks:
the bad record is quarantined with its reason, or stored in its checked form (text turned to text,
lengths bounded with a note, implausible dates dropped with a note); every other posting of the listing
is stored exactly as a clean run stores it; nothing is lost (stored + quarantined = the clean run) and a
second run duplicates nothing.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "sources"))

from collect_helpers import collect  # noqa: E402
from loopback_server import (  # noqa: E402
    LoopbackServer,
    fixture_bytes,
    fixture_json,
    http_settings,
    install_job_apis,
    source_settings,
)

from skillpulse.flows.sources.config import CollectConfig, parse_config  # noqa: E402
from skillpulse.flows.store import Store, decompress_payload  # noqa: E402

SURROGATE = json.loads('"\\udc80"')  # a lone surrogate, as JSON's \u escape delivers it


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        install_job_apis(s)
        yield s


def _config(server: LoopbackServer, tmp_path: Path, only: str) -> CollectConfig:
    entry = source_settings(server)[only]
    if only == "jsonld":  # the robots.txt case is another test's: here every page may be read
        entry = {**entry, "urls": [u for u in entry["urls"] if "/private/" not in u]}
    return parse_config(
        {
            "http": {**http_settings(tmp_path / "http_cache.sqlite"), "cache_path": None},
            "sources": {only: entry},
            "batch_size": 50,
        }
    )


def _body(data: Any) -> bytes:
    """JSON as an API sends it; ``ensure_ascii`` writes a lone surrogate as its ``\\udc80`` escape."""
    return json.dumps(data).encode("ascii")


def _stored(store: Store, source: str) -> dict[str, dict[str, Any]]:
    cur = store.con.execute(
        "SELECT source_id, title, company, url, description, locations, remote, posted_at, "
        "pay::VARCHAR AS pay, attributes::VARCHAR AS attributes, raw_payload, content_hash "
        "FROM postings WHERE source = ?",
        [source],
    )
    names = [d[0] for d in cur.description]
    return {r[0]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}


def _quarantined(store: Store, source: str) -> list[tuple[str | None, str]]:
    return store.con.execute("SELECT source_id, reason FROM quarantine WHERE source = ?", [source]).fetchall()


def _attributes(row: dict[str, Any]) -> dict[str, Any]:
    return json.loads(row["attributes"])


def _notes(row: dict[str, Any]) -> str:
    """Whatever the checked posting says about what was changed on the way in (any attribute key)."""
    return json.dumps(_attributes(row), ensure_ascii=False).lower()


class Case:
    """Collect ``source`` once clean and once with ``path`` serving ``mutate(fixture)``; compare."""

    def __init__(self, server: LoopbackServer, tmp_path: Path, source: str) -> None:
        self.server, self.tmp_path, self.source = server, tmp_path, source
        with Store(tmp_path / "clean.duckdb") as clean:
            result = collect(clean, _config(server, tmp_path / "clean", source), source)
            assert result.error is None and not result.failed, result
            self.clean = _stored(clean, source)
            self.clean_quarantined = _quarantined(clean, source)
        assert self.clean

    def run(self, path: str, fixture: str, mutate: Callable[[Any], None], **static: Any) -> Store:
        data = fixture_json(fixture)
        mutate(data)
        self.server.static(path, _body(data), **static)
        store = Store(self.tmp_path / "hostile.duckdb")
        self.result = collect(
            store, _config(self.server, self.tmp_path / "hostile", self.source), self.source
        )
        return store

    def check_nothing_lost(self, store: Store, bad_id: str, quarantined: bool) -> dict[str, dict[str, Any]]:
        """The bad record quarantined (or stored), every other posting stored as the clean run stored
        it, and a second run adds nothing."""
        assert self.result.error is None, self.result.error
        stored = _stored(store, self.source)
        bad = [q for q in _quarantined(store, self.source) if q not in self.clean_quarantined]
        others = {k: v for k, v in self.clean.items() if k != bad_id}
        assert set(others) <= set(stored), sorted(set(others) - set(stored))[:5]
        for key, row in others.items():
            assert stored[key]["content_hash"] == row["content_hash"], key
        if quarantined:
            assert len(bad) == 1 and bad[0][1], bad
            assert len(stored) == len(self.clean) - 1
        else:
            assert not bad, bad
            assert len(stored) == len(self.clean)
        before = (store.count("postings"), store.count("quarantine"), store.count("posting_versions"))
        again = collect(
            store, _config(self.server, self.tmp_path / "hostile", self.source), self.source, "run-2"
        )
        assert again.error is None and again.counts.new == 0
        after = (store.count("postings"), store.count("quarantine"), store.count("posting_versions"))
        assert after == before
        return stored


# -- data loss: one bad field used to cost the batch, the rest of the source, on every run -----------
def test_greenhouse_first_published_1e20_is_quarantined_and_both_boards_stored(server, tmp_path):
    case = Case(server, tmp_path, "greenhouse")
    jobs = fixture_json("greenhouse/board_luno_content_true.json.gz")["jobs"]
    bad = str(jobs[0]["id"])

    def mutate(data):
        data["jobs"][0]["first_published"] = 1e20

    with case.run("/v1/boards/luno/jobs", "greenhouse/board_luno_content_true.json.gz", mutate) as store:
        case.check_nothing_lost(store, bad, quarantined=True)
        reason = dict(_quarantined(store, "greenhouse"))[bad]
        assert "1e+20" in reason or "range" in reason, reason


def test_remotive_description_given_as_a_number_is_stored_as_text(server, tmp_path):
    case = Case(server, tmp_path, "remotive")
    fixture = "remotive/remotive_data.json.a8558acc4b3d.gz"
    bad = str(fixture_json(fixture)["jobs"][3]["id"])

    def mutate(data):
        data["jobs"][3]["description"] = 12345

    with case.run("/api/remote-jobs", fixture, mutate) as store:
        stored = case.check_nothing_lost(store, bad, quarantined=False)
        assert stored[bad]["description"] == "12345"


def test_remoteok_company_given_as_a_list_is_quarantined(server, tmp_path):
    case = Case(server, tmp_path, "remoteok")
    fixture = "remoteok/api_2024-12-04.json.gz"
    bad = str(fixture_json(fixture)[2]["id"])

    def mutate(data):
        data[2]["company"] = ["Acme", "Other"]

    with case.run("/api", fixture, mutate) as store:
        case.check_nothing_lost(store, bad, quarantined=True)
        assert "company" in dict(_quarantined(store, "remoteok"))[bad]


def test_arbeitnow_remote_given_as_text_is_stored_unknown_with_a_note(server, tmp_path):
    case = Case(server, tmp_path, "arbeitnow")
    fixture = "arbeitnow/bronze_jobs.json.4b1df1e00adb.gz"
    bad = fixture_json(fixture)["data"][5]["slug"]

    def mutate(data):
        data["data"][5]["remote"] = "yes, sometimes"

    server.route("/api/job-board-api", _arbeitnow_pages(server, fixture, mutate))
    store = Store(tmp_path / "hostile.duckdb")
    case.result = collect(store, _config(server, tmp_path / "hostile", "arbeitnow"), "arbeitnow")
    with store:
        stored = case.check_nothing_lost(store, bad, quarantined=False)
        assert stored[bad]["remote"] is None
        assert "remote" in _notes(stored[bad])


def _arbeitnow_pages(server: LoopbackServer, fixture: str, mutate: Callable[[Any], None]):
    """The loopback server's own Arbeitnow envelope around the recorded pages, the first one mutated."""
    from loopback_server import arbeitnow_handler

    first = fixture_json(fixture)
    mutate(first)
    second = fixture_json("arbeitnow/bronze_jobs.json.66c101765795.gz")
    return arbeitnow_handler(server, [first["data"], second["data"]])


def test_workday_start_date_1e20_is_quarantined_and_the_board_stored(server, tmp_path):
    from skillpulse.flows.sources.workday import posting_id

    detail = "/wday/cxs/hitachi/hitachi/job/Kocaeli-Kocaeli-Turkey/Maintenance-Worker_R0119001"
    listing = fixture_json("workday/cxs_jobs_hitachi_search_turkey_page1.json.gz")
    server.static("/wday/cxs/hitachi/hitachi/jobs", _body({**listing, "total": len(listing["jobPostings"])}))
    server.static(detail, fixture_bytes("workday/cxs_job_hitachi_Maintenance-Worker_R0119001.json.gz"))
    entry = {"base_url": server.url(), "boards": ["hitachi.wd1/hitachi"], "min_interval": 0, "concurrency": 8}

    def config(where: str) -> CollectConfig:
        http = {**http_settings(tmp_path / where / "c.sqlite"), "cache_path": None}
        return parse_config({"http": http, "sources": {"workday": entry}, "batch_size": 50})

    with Store(tmp_path / "clean.duckdb") as clean:
        collect(clean, config("clean"), "workday")
        clean_rows = _stored(clean, "workday")
    data = fixture_json("workday/cxs_job_hitachi_Maintenance-Worker_R0119001.json.gz")
    data["jobPostingInfo"]["startDate"] = 1e20
    server.static(detail, _body(data))
    bad = posting_id("hitachi", listing["jobPostings"][0]["externalPath"])
    with Store(tmp_path / "hostile.duckdb") as store:
        result = collect(store, config("hostile"), "workday")
        assert result.error is None, result.error
        stored = _stored(store, "workday")
        assert set(stored) == set(clean_rows) - {bad}
        assert [q[0] for q in _quarantined(store, "workday")] == [bad]


def test_hn_comment_time_1e20_is_quarantined_and_the_thread_stored(server, tmp_path):
    case = Case(server, tmp_path, "hn")
    fixture = "hn/algolia_items_2396027.json.gz"
    item = fixture_json(fixture)
    index = next(n for n, c in enumerate(item["children"]) if c.get("text"))
    bad = str(item["children"][index]["id"])

    def mutate(data):
        data["children"][index]["created_at_i"] = 10**20

    with case.run("/api/v1/items/2396027", fixture, mutate) as store:
        case.check_nothing_lost(store, bad, quarantined=True)


# -- crashes: a lone surrogate in an id or in text used to abort the batch in the store ---------------
def test_workable_id_with_a_lone_surrogate_is_quarantined(server, tmp_path):
    case = Case(server, tmp_path, "workable")
    fixture = "workable/widget_accounts_apna.json.gz"
    jobs = fixture_json(fixture)["jobs"]
    bad = jobs[0]["shortcode"]

    def mutate(data):
        for job in data["jobs"]:  # every row of the merged job (the widget repeats it per place)
            if job["shortcode"] == bad:
                job["shortcode"] = bad + SURROGATE

    with case.run("/api/v1/widget/accounts/apna", fixture, mutate) as store:
        case.check_nothing_lost(store, bad, quarantined=True)
        ids = [q[0] for q in _quarantined(store, "workable")]
        assert len(ids) == 1 and ids[0].startswith(bad)  # the id is kept, its surrogate written as an escape


def test_greenhouse_title_with_a_lone_surrogate_is_stored_with_a_replacement(server, tmp_path):
    case = Case(server, tmp_path, "greenhouse")
    fixture = "greenhouse/board_luno_content_true.json.gz"
    job = fixture_json(fixture)["jobs"][2]
    bad = str(job["id"])

    def mutate(data):
        data["jobs"][2]["title"] = job["title"] + SURROGATE

    with case.run("/v1/boards/luno/jobs", fixture, mutate) as store:
        stored = case.check_nothing_lost(store, bad, quarantined=False)
        assert stored[bad]["title"] == job["title"] + "\ufffd"
        raw = decompress_payload(stored[bad]["raw_payload"])
        assert raw["title"].startswith(job["title"])  # the raw payload keeps what was sent, escaped


# -- lengths: text is bounded, and what was cut is noted; the raw payload keeps it all -----------------
def test_remotive_description_of_1_1m_characters_is_truncated_with_a_note(server, tmp_path):
    case = Case(server, tmp_path, "remotive")
    fixture = "remotive/remotive_data.json.a8558acc4b3d.gz"
    bad = str(fixture_json(fixture)["jobs"][0]["id"])
    huge = "<p>" + "Python and SQL. " * 68_750 + "</p>"  # 1.1M characters

    def mutate(data):
        data["jobs"][0]["description"] = huge

    with case.run("/api/remote-jobs", fixture, mutate) as store:
        stored = case.check_nothing_lost(store, bad, quarantined=False)
        assert len(stored[bad]["description"]) <= 500_000
        assert "description" in _notes(stored[bad]) and "1,100,007" in _notes(stored[bad])
        assert decompress_payload(stored[bad]["raw_payload"])["description"] == huge


def test_lever_title_of_100k_characters_is_truncated_with_a_note(server, tmp_path):
    case = Case(server, tmp_path, "lever")
    fixture = "lever/postings_moo.json.gz"
    bad = str(fixture_json(fixture)[1]["id"])

    def mutate(data):
        data[1]["text"] = "Senior Engineer " * 6_250  # 100,000 characters

    with case.run("/v0/postings/moo", fixture, mutate) as store:
        stored = case.check_nothing_lost(store, bad, quarantined=False)
        assert len(stored[bad]["title"]) == 1_000
        assert "title" in _notes(stored[bad])


def test_remotive_url_of_3000_characters_is_dropped_with_a_note(server, tmp_path):
    case = Case(server, tmp_path, "remotive")
    fixture = "remotive/remotive_data.json.a8558acc4b3d.gz"
    bad = str(fixture_json(fixture)["jobs"][1]["id"])

    def mutate(data):
        data["jobs"][1]["url"] = "https://remotive.com/" + "a" * 3_000

    with case.run("/api/remote-jobs", fixture, mutate) as store:
        stored = case.check_nothing_lost(store, bad, quarantined=False)
        assert stored[bad]["url"] is None and "url" in _notes(stored[bad])


def test_themuse_300_locations_are_cut_to_200_with_a_note(server, tmp_path):
    from loopback_server import themuse_handler

    case = Case(server, tmp_path, "themuse")
    results = fixture_json("themuse/results_first50.json.gz")
    bad = str(results[4]["id"])
    hostile = copy.deepcopy(results)
    hostile[4]["locations"] = [{"name": f"City {n}, TX"} for n in range(300)]
    server.route("/api/public/jobs", themuse_handler(hostile))
    with Store(tmp_path / "hostile.duckdb") as store:
        case.result = collect(store, _config(server, tmp_path / "hostile", "themuse"), "themuse")
        stored = case.check_nothing_lost(store, bad, quarantined=False)
        assert len(json.loads(stored[bad]["locations"])) == 200
        assert "locations" in _notes(stored[bad])


def test_lever_locations_given_as_an_object_store_no_made_up_place(server, tmp_path):
    case = Case(server, tmp_path, "lever")
    fixture = "lever/postings_moo.json.gz"
    bad = str(fixture_json(fixture)[0]["id"])

    def mutate(data):
        data[0]["categories"]["allLocations"] = {"city": "East Providence", "state": {"code": "RI"}}

    with case.run("/v0/postings/moo", fixture, mutate) as store:
        stored = case.check_nothing_lost(store, bad, quarantined=False)
        places = json.loads(stored[bad]["locations"])
        assert all(isinstance(p, str) and "{" not in p for p in places), places


# -- dates: out of range is dropped with a note; unreadable is quarantined ------------------------------
def test_ashby_published_in_year_9999_is_stored_without_a_date_and_noted(server, tmp_path):
    case = Case(server, tmp_path, "ashby")
    fixture = "ashby/job-board_anyscale.json.gz"
    bad = str(fixture_json(fixture)["jobs"][0]["id"])

    def mutate(data):
        data["jobs"][0]["publishedAt"] = "9999-12-31T00:00:00Z"

    with case.run("/posting-api/job-board/anyscale", fixture, mutate) as store:
        stored = case.check_nothing_lost(store, bad, quarantined=False)
        assert stored[bad]["posted_at"] is None and "posted_at" in _notes(stored[bad])


def test_ashby_published_in_year_99999_is_quarantined(server, tmp_path):
    """Regression guard: an unreadable date was already quarantined; it must stay so."""
    case = Case(server, tmp_path, "ashby")
    fixture = "ashby/job-board_anyscale.json.gz"
    bad = str(fixture_json(fixture)["jobs"][1]["id"])

    def mutate(data):
        data["jobs"][1]["publishedAt"] = "99999-01-01T00:00:00Z"

    with case.run("/posting-api/job-board/anyscale", fixture, mutate) as store:
        case.check_nothing_lost(store, bad, quarantined=True)


def test_jsonld_date_posted_1e20_is_quarantined_and_the_other_pages_stored(server, tmp_path):
    case = Case(server, tmp_path, "jsonld")
    page = fixture_bytes("jsonld/ashby_lambda_job_detail.html.gz").decode("utf-8")
    assert page.count('"datePosted":"2025-06-25"') >= 1
    server.static(
        "/careers/lambda.html",
        page.replace('"datePosted":"2025-06-25"', '"datePosted":1e20').encode("utf-8"),
        content_type="text/html; charset=utf-8",
    )
    bad = server.url("/careers/lambda.html")
    with Store(tmp_path / "hostile.duckdb") as store:
        case.result = collect(store, _config(server, tmp_path / "hostile", "jsonld"), "jsonld")
        case.check_nothing_lost(store, bad, quarantined=True)


# -- pay: amounts that are not finite numbers never cost the posting ------------------------------------
@pytest.mark.parametrize("amount", ["Infinity", "NaN", "9" * 400, float("inf"), float("nan"), 10**400])
def test_lever_pay_amount_that_is_not_a_finite_number_keeps_the_posting(server, tmp_path, amount):
    """Regression guard where the amount is text (already read as 'no amount'); a real failure where the
    body's JSON carries Infinity, NaN or a 400-digit number."""
    case = Case(server, tmp_path, "lever")
    fixture = "lever/postings_moo.json.gz"
    bad = str(fixture_json(fixture)[2]["id"])

    def mutate(data):
        data[2]["salaryRange"] = {
            "min": amount,
            "max": amount,
            "currency": "USD",
            "interval": "per-year-salary",
        }

    with case.run("/v0/postings/moo", fixture, mutate) as store:
        stored = case.check_nothing_lost(store, bad, quarantined=False)
        pays = json.loads(stored[bad]["pay"])
        assert [(p["min"], p["max"]) for p in pays] == [(None, None)]
        json.loads(stored[bad]["pay"], parse_constant=_refuse)  # strict JSON: no NaN/Infinity


def _refuse(token: str) -> None:
    raise AssertionError(f"{token} is not JSON")


def test_recruitee_attribute_nan_is_stored_as_strict_json(server, tmp_path):
    entry = {"base_url": server.url(), "companies": ["nmbrs"], "min_interval": 0}

    def config(where: str) -> CollectConfig:
        http = {**http_settings(tmp_path / where / "c.sqlite"), "cache_path": None}
        return parse_config({"http": http, "sources": {"recruitee": entry}, "batch_size": 50})

    data = fixture_json("recruitee/offers_nmbrs.json.gz")
    bad = str(data["offers"][0]["id"])
    data["offers"][0]["min_hours_per_week"] = float("nan")
    data["offers"][0]["max_hours_per_week"] = float("inf")
    server.static("/nmbrs/api/offers/", _body(data))
    with Store(tmp_path / "hostile.duckdb") as store:
        result = collect(store, config("hostile"), "recruitee")
        assert result.error is None and result.counts.new == len(data["offers"]), result
        row = _stored(store, "recruitee")[bad]
        json.loads(row["attributes"], parse_constant=_refuse)


# -- shapes: a record that is not an object is quarantined, the rest stored (regression guard) ----------
def test_greenhouse_job_that_is_not_an_object_is_quarantined(server, tmp_path):
    case = Case(server, tmp_path, "greenhouse")
    fixture = "greenhouse/board_luno_content_true.json.gz"

    def mutate(data):
        data["jobs"].append("not a job")

    with case.run("/v1/boards/luno/jobs", fixture, mutate) as store:
        stored = _stored(store, "greenhouse")
        assert set(stored) == set(case.clean)
        assert len(_quarantined(store, "greenhouse")) == 1
