"""Each live source collects the recorded bodies through the loopback server into a store, normalised."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from collect_helpers import collect, rows, stated
from loopback_server import HN_ITEM, Reply, fixture_bytes, fixture_json

from skillpulse.flows.http import Runtime
from skillpulse.flows.sources import LIVE_SOURCES
from skillpulse.flows.sources.config import SourceConfig
from skillpulse.flows.sources.live import Listing, Unit


def test_every_source_module_is_registered():
    assert set(LIVE_SOURCES) >= {
        "greenhouse", "lever", "ashby", "smartrecruiters", "workable", "remoteok",
        "remotive", "arbeitnow", "themuse", "hn", "jsonld", "file",
    }  # fmt: skip


def test_greenhouse(store, make_config, server):
    result = collect(store, make_config(), "greenhouse")
    assert result.as_dict()["new"] == 27 and result.failed == [] and result.counts.quarantined == 0
    job = rows(store, "greenhouse")["7941789"]
    assert job["title"] == "AML, CTF, CPF & Sanctions Analyst"
    assert job["company"] == "Luno"
    assert job["url"] == "https://job-boards.greenhouse.io/luno/jobs/7941789"
    assert json.loads(job["locations"]) == ["Jakarta"]
    assert job["posted_at"] == datetime(2026, 5, 19, 9, 34, 15, tzinfo=UTC)
    # ``content`` is entity-escaped HTML: unescaped exactly once, so real tags and no "&lt;".
    assert job["description"].startswith("<p><strong>About us:</strong></p>")
    assert "&lt;" not in job["description"] and job["text"].startswith("About us:")
    assert json.loads(job["attributes"])["board"] == "luno"
    hits = server.hits("/v1/boards/luno/jobs")
    assert hits[0].query == {"content": "true"}
    assert not server.hits("/v1/boards/luno/jobs/7941789")  # pay details are opt-in


def test_greenhouse_pay_details_from_job_detail(store, make_config, server):
    # No recorded body carries ``pay_input_ranges`` (see fixtures/PROVENANCE.md), so the detail served
    # for one job is the recorded job plus one range in Greenhouse's documented shape (cents).
    job = json.loads(fixture_bytes("greenhouse/board_luno_content_true.json.gz"))["jobs"][0]
    ranges = [
        {"min_cents": 9000000, "max_cents": 12000000, "currency_type": "USD", "title": "Base", "blurb": ""}
    ]
    server.static(
        f"/v1/boards/luno/jobs/{job['id']}", json.dumps({**job, "pay_input_ranges": ranges}).encode()
    )
    config = make_config()
    config.sources["greenhouse"].options["pay_details"] = True
    result = collect(store, config, "greenhouse")
    assert result.counts.new == 27 and not result.failed  # 26 details are 404s: postings kept, no pay
    jobs = rows(store, "greenhouse")
    assert stated(jobs[str(job["id"])]) == [(90000.0, 120000.0, "USD", "year", "structured")]  # cents
    assert sum(1 for r in jobs.values() if r["pay"]) == 1
    assert server.hits(f"/v1/boards/luno/jobs/{job['id']}")[0].query == {"pay_transparency": "true"}


def test_greenhouse_currency_range_metadata_is_kept_as_pay(tmp_path):
    from skillpulse.flows.sources.greenhouse import GreenhouseSource

    record = fixture_json("greenhouse/job_mongodb_7335945.json.gz")
    with Runtime() as runtime:
        source = GreenhouseSource(SourceConfig("greenhouse"), runtime)
        posting = source.normalise(Unit("greenhouse:mongodb", "mongodb"), record, Listing([record]))
    # Two ranges state amounts (Baseline Budgeted, Job Post Range US); the null and all-zero fields do not.
    assert [(p.min, p.max, p.currency, p.period) for p in posting.pay] == [
        (70720.0, 74880.0, "USD", "year"),
        (56576.0, 82368.0, "USD", "year"),
    ]
    assert "Job Post Range (United States)" in posting.pay[1].text  # the fields it came from


def test_lever_with_paging(store, make_config, server):
    config = make_config()
    config.sources["lever"].options["page_size"] = 5
    result = collect(store, config, "lever")
    assert result.counts.new == 33 and not result.failed
    assert [h.query["skip"] for h in server.hits("/v0/postings/moo")] == ["0", "5", "10"]
    job = rows(store, "lever")["d6389903-e642-4189-804c-02d271714bdb"]
    assert job["title"] == "Account Executive - Fintech" and job["company"] == "plaid"
    assert stated(job) == [(240000.0, 240000.0, "USD", "year", "structured")]  # interval per-year-salary
    assert job["posted_at"] == datetime(2026, 1, 8, 23, 26, 43, 825000, tzinfo=UTC)  # createdAt in ms
    assert job["remote"] is False  # workplaceType hybrid
    assert json.loads(job["locations"]) == ["New York", "San Francisco"]
    assert "<li>" in job["description"]  # the lists are part of the description
    assert sum(1 for r in rows(store, "lever").values() if r["pay"]) == 19


def test_ashby(store, make_config):
    result = collect(store, make_config(), "ashby")
    assert result.counts.new == 27 + 18
    jobs = rows(store, "ashby")
    anyscale = jobs["83ff056f-a817-4262-9c7f-d318c18e74c8"]
    assert stated(anyscale) == [(180583.0, 230000.0, "USD", "year", "structured")]  # its Salary component
    assert anyscale["posted_at"].date() == date(2025, 8, 19)
    aspora = jobs["2315ceee-2b8a-4c94-8866-39a4ec49d5f0"]
    assert json.loads(aspora["locations"]) == ["Bangalore"]  # trailing space trimmed
    assert aspora["pay"] is None and aspora["remote"] is None


def test_smartrecruiters_detail_and_fallback(store, make_config, server):
    result = collect(store, make_config(), "smartrecruiters")
    assert result.counts.new == 4 and not result.failed
    jobs = rows(store, "smartrecruiters")
    intern = jobs["744000140949875"]
    assert intern["title"] == "Summer 2027 Intern - Hardware Engineering"
    assert intern["company"] == "Western Digital" and intern["text_kind"] == "full"
    assert "Company Description" in intern["description"] and "<p>" in intern["description"]
    assert stated(intern) == [(34.0, 47.0, "USD", "hour", "structured")]  # period HOURLY
    assert json.loads(intern["locations"]) == ["San Jose, CA, United States"]  # its fullLocation
    # The three list items whose details the server lacks stay as structured rows, not lost.
    others = [r for k, r in jobs.items() if k != "744000140949875"]
    assert {r["text_kind"] for r in others} == {"structured"}
    assert all(json.loads(r["attributes"])["detail_error"] for r in others)
    assert server.hits("/v1/companies/WesternDigital/postings")[0].query == {"limit": "100", "offset": "0"}


def test_workable_merges_repeated_rows(store, make_config):
    result = collect(store, make_config(), "workable")
    assert result.fetched == 96 and result.counts.new == 96
    job = rows(store, "workable")["31D229F90E"]
    assert len(json.loads(job["locations"])) == 6 and job["company"] == "Apna"


def test_remoteok_skips_the_legal_notice_and_keeps_attribution(store, make_config):
    result = collect(store, make_config(), "remoteok")
    assert result.fetched == 98 and result.counts.new == 97 and result.counts.quarantined == 1
    jobs = rows(store, "remoteok")
    assert all(r["title"] for r in jobs.values())
    job = jobs["1059249"]
    assert stated(job) == [(70000.0, 110000.0, "USD", "year", "structured")]  # salary_min / salary_max
    assert job["remote"] is True
    assert "link back" in json.loads(job["attributes"])["legal_notice"]
    assert jobs["1058875"]["pay"] is None  # salary 0 means "not given"
    [(reason,)] = store.con.execute("SELECT reason FROM quarantine WHERE source = 'remoteok'").fetchall()
    assert "missing position" in reason


def test_remotive_and_its_daily_run_limit(store, make_config):
    config = make_config()
    result = collect(store, config, "remotive")
    assert result.counts.new == 42
    job = rows(store, "remotive")["2091069"]
    assert job["company"] == "STATLINX" and json.loads(job["pay"])[0]["text"] == "$36k"  # free text
    assert "Remotive" in json.loads(job["attributes"])["attribution"]
    for _ in range(3):
        assert collect(store, config, "remotive").error is None
    refused = collect(store, config, "remotive")
    assert refused.error and "4 runs a day" in refused.error


def test_arbeitnow_follows_links_next(store, make_config, server):
    result = collect(store, make_config(), "arbeitnow")
    assert [h.query["page"] for h in server.hits("/api/job-board-api")] == ["1", "2"]
    assert result.fetched == 200 and result.counts.new == 193  # the two pages overlap
    job = rows(store, "arbeitnow")["remote-technical-account-manager-dach-munich-256258"]
    assert job["company"] == "SolarEdge" and job["remote"] is True
    assert job["posted_at"] == datetime.fromtimestamp(1770835328, tz=UTC)


def test_themuse_pages(store, make_config, server):
    result = collect(store, make_config(), "themuse")
    assert result.counts.new == 50
    assert [h.query["page"] for h in server.hits("/api/public/jobs")] == ["0", "1", "2"]
    job = rows(store, "themuse")["20838284"]
    assert job["company"] == "SpaceX" and json.loads(job["locations"]) == ["Lockhart, TX"]


def test_hn_thread_from_algolia(store, make_config, server):
    result = collect(store, make_config(), "hn")
    assert result.counts.new == 219 and not result.failed
    job = rows(store, "hn")["2396109"]
    assert job["url"] == "https://news.ycombinator.com/item?id=2396109"
    assert job["description"].startswith("<p>Montreal - PHP/MySQL Developer</p>")
    assert job["posted_at"] == datetime(2011, 4, 1, 13, 35, 50, tzinfo=UTC)
    assert json.loads(job["attributes"])["thread_month"] == "2011-04"
    # keys match the snapshot's HN rows ("hn:<comment id>"), so the two dedupe
    assert (
        store.con.execute("SELECT count(*) FROM postings WHERE posting_key = 'hn:2396109'").fetchone()[0] == 1
    )
    assert server.hits(f"/api/v1/items/{HN_ITEM}")


def _firebase_routes(server):
    """Serve the recorded April 2011 thread in the Firebase API's item format (story, then each kid)."""
    tree = fixture_json(f"hn/algolia_items_{HN_ITEM}.json.gz")

    def as_firebase(node, parent=None):
        item = {
            "by": node.get("author"),
            "id": node["id"],
            "time": node["created_at_i"],
            "type": node["type"],
        }
        item.update({"text": node.get("text"), "parent": parent, "kids": [c["id"] for c in node["children"]]})
        if node.get("text") is None and node["type"] == "comment":
            item["deleted"] = True
        return {k: v for k, v in item.items() if v is not None}

    server.static(f"/v0/item/{HN_ITEM}.json", json.dumps(as_firebase(tree)).encode())
    for child in tree["children"]:
        server.static(f"/v0/item/{child['id']}.json", json.dumps(as_firebase(child, HN_ITEM)).encode())
    return tree


def test_hn_falls_back_to_firebase(store, make_config, server):
    tree = _firebase_routes(server)
    server.route(f"/api/v1/items/{HN_ITEM}", lambda r: Reply(500, b"down"))
    config = make_config()
    config.sources["hn"].options["firebase_url"] = server.url("/v0")
    result = collect(store, config, "hn")
    assert not result.failed and result.counts.new == sum(1 for c in tree["children"] if c.get("text"))
    assert rows(store, "hn")["2396109"]["description"].startswith("<p>Montreal")
    assert len(server.hits(f"/api/v1/items/{HN_ITEM}")) == 4  # Algolia tried with retries first


def test_hn_months_back_selects_threads(tmp_path, make_config):
    from skillpulse.flows.sources.hn import HackerNewsSource

    config = make_config()
    options = config.sources["hn"].options
    options.update({"from_month": None, "to_month": "2023-09", "months_back": 24})
    with Runtime(config.http) as runtime:
        units = HackerNewsSource(config.source("hn"), runtime).units()
    months = [u.params["month"] for u in units]
    assert len(months) == 24 and months[0] == "2023-09" and months[-1] == "2021-10"
    assert units[0].params["id"] == 37351667


def test_jsonld_pages_and_robots(store, make_config, server):
    result = collect(store, make_config(), "jsonld")
    assert result.counts.new == 7
    assert len(result.failed) == 1 and "robots.txt disallows" in result.failed[0]
    assert not server.hits("/private/secret.html")  # never fetched
    jobs = {json.loads(r["attributes"]).get("identifier"): r for r in rows(store, "jsonld").values()}
    by_title = {r["title"]: r for r in rows(store, "jsonld").values()}
    lam = by_title["Technical Sourcing Manager"]
    assert lam["company"] == "Lambda" and lam["remote"] is True
    assert stated(lam) == [(188000.0, 282000.0, "USD", "year", "structured")]
    assert stated(by_title["Production Technician - Swing Shift"])[0][3] == "hour"  # unitText HOUR
    assert by_title["Senior Service Delivery Engineer"]["pay"] is None  # all-zero baseSalary
    assert all(r["description"] for r in by_title.values()) and jobs


def test_jsonld_sitemap(store, make_config, server):
    config = make_config()
    config.sources["jsonld"].options = {"sitemaps": [server.url("/sitemap.xml")]}
    result = collect(store, config, "jsonld")
    assert result.counts.new == 7 and not result.failed


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_file_source_with_column_mapping(store, make_config, tmp_path, fmt):
    jobs = fixture_json("remotive/remotive_data.json.a8558acc4b3d.gz")["jobs"]
    frame = pd.DataFrame(jobs)[["id", "title", "company_name", "description", "url", "publication_date"]]
    path = tmp_path / f"jobs.{fmt}"
    {"csv": lambda: frame.to_csv(path, index=False), "jsonl": lambda: frame.to_json(path, orient="records",
     lines=True), "parquet": lambda: frame.to_parquet(path)}[fmt]()  # fmt: skip
    config = make_config()
    config.sources["file"] = SourceConfig(
        "file",
        options={
            "path": str(path),
            "source_name": "myfile",
            "columns": {"company": "company_name", "posted_at": "publication_date"},
        },
    )
    result = collect(store, config, "file")
    assert result.counts.new == 42 and not result.failed
    job = rows(store, "myfile")["2091069"]
    assert job["title"] == "Patient Care Specialist" and job["company"] == "STATLINX"
    assert job["posted_at"] == datetime(2026, 7, 16, 13, 28, 2, tzinfo=UTC)


def test_since_skips_older_postings(store, make_config):
    from skillpulse.flows.sources.greenhouse import GreenhouseSource
    from skillpulse.flows.sources.runner import collect_source

    config = make_config()
    with Runtime(config.http) as runtime:
        source = GreenhouseSource(config.source("greenhouse"), runtime, since=date(2026, 7, 1))
        result = collect_source(store, source, "run-1")
    kept = rows(store, "greenhouse")
    assert 0 < len(kept) < 27 and result.fetched == 27
    assert all(r["posted_at"] >= datetime(2026, 7, 1, tzinfo=UTC) for r in kept.values())
