"""Personio: the recorded XML feeds (CLARK, Personio SE, a real empty feed) collected into a store.

The real host is ``{company}.jobs.personio.de``; with a ``base_url`` without ``{company}`` (the loopback
server) each company's feed is served under ``/<company>/xml``. CLARK's bodies and keywords were cut by the
upstream author and Personio SE's feed really has an empty ``<jobDescriptions>`` (fixtures/personio/
PROVENANCE.md), so every posting here is a structured row without a description.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from collect_helpers import collect, rows
from loopback_server import Reply, fixture_bytes, http_settings

from skillpulse.flows.http import Runtime
from skillpulse.flows.sources.config import ConfigError, SourceConfig, load_config, parse_config
from skillpulse.flows.sources.live import SchemaError
from skillpulse.flows.sources.personio import PersonioSource, parse_feed, settings

CLARK = "personio/xml_clark_trimmed.xml.gz"
PERSONIO = "personio/xml_personio.xml.gz"
EMPTY = "personio/xml_empty_feed.xml.gz"
XML = "text/xml; charset=utf-8"
CLARK_IDS = {"2415353", "2377588", "342554", "2335782"}


@pytest.fixture
def feeds(server):
    server.static("/clark/xml", fixture_bytes(CLARK), content_type=XML)
    server.static("/personio/xml", fixture_bytes(PERSONIO), content_type=XML)
    server.static("/emptyco/xml", fixture_bytes(EMPTY), content_type=XML)
    return server


def config_for(server, tmp_path: Path, companies=("clark", "personio"), **options):
    entry = {"base_url": server.url(), "companies": list(companies), "min_interval": 0, **options}
    return parse_config(
        {"http": http_settings(tmp_path / "c.sqlite"), "sources": {"personio": entry}, "batch_size": 50}
    )


def test_personio_collects_the_feeds(store, feeds, tmp_path):
    result = collect(store, config_for(feeds, tmp_path), "personio")
    assert result.counts.new == 5 and result.failed == [] and result.counts.quarantined == 0
    [hit] = feeds.hits("/clark/xml")
    assert hit.query == {} and "application/xml" in hit.headers["accept"]
    jobs = rows(store, "personio")
    assert set(jobs) == CLARK_IDS | {"1834171"}

    crm = jobs["2415353"]
    assert crm["title"] == "(Senior) CRM Manager (m/w/d)"
    assert crm["company"] == "CLARK Holding SE"  # the position's subcompany
    assert crm["url"] == "https://clark.jobs.personio.de/job/2415353"  # the public host, not the mirror
    assert json.loads(crm["locations"]) == ["Berlin", "Frankfurt am Main"]  # office + additionalOffices
    assert crm["remote"] is None
    assert crm["posted_at"] == datetime(2025, 11, 4, 8, 40, 52, tzinfo=UTC)
    assert crm["pay"] is None and crm["description"] is None and crm["text_kind"] == "structured"
    attributes = json.loads(crm["attributes"])
    assert attributes["department"] == "Group - Marketing"
    assert attributes["recruiting_category"] == "CLARK Business Roles"
    assert (attributes["employment_type"], attributes["seniority"], attributes["schedule"]) == (
        "permanent",
        "experienced",
        "full-time",
    )
    assert attributes["years_of_experience"] == "2-5"
    assert attributes["occupation_category"] == "marketing_and_product"
    assert attributes["keywords"] == [] and attributes["board"] == "clark"

    outbound = jobs["2377588"]
    assert json.loads(outbound["locations"]) == ["Remote"] and outbound["remote"] is True
    assert json.loads(jobs["342554"]["attributes"])["department"] == "DE - Sales Life & Health"  # &amp;
    zurich = jobs["2335782"]
    assert zurich["company"] == "Clark Switzerland AG" and json.loads(zurich["locations"]) == ["Zürich"]
    assert json.loads(zurich["attributes"])["years_of_experience"] is None  # no element in this position

    staff = jobs["1834171"]
    assert staff["title"] == "Staff Software Engineer, Data Platform"
    assert staff["company"] == "Personio SE & Co. KG"
    assert staff["url"] == "https://personio.jobs.personio.de/job/1834171"
    assert json.loads(staff["locations"]) == ["Munich", "Berlin"]
    assert staff["posted_at"] == datetime(2024, 11, 13, 14, 10, 41, tzinfo=UTC)


def test_personio_sends_the_language(store, feeds, tmp_path):
    result = collect(store, config_for(feeds, tmp_path, ["personio"], language="en"), "personio")
    assert result.counts.new == 1
    assert feeds.hits("/personio/xml")[0].query == {"language": "en"}


def test_personio_empty_feed_stores_nothing_fails_nothing(store, feeds, tmp_path):
    result = collect(store, config_for(feeds, tmp_path, ["emptyco"]), "personio")
    assert result.fetched == 0 and result.counts.new == 0 and result.failed == [] and result.error is None
    assert rows(store, "personio") == {}


def test_personio_empty_feed_closes_nothing(store, feeds, tmp_path):
    config = config_for(feeds, tmp_path, ["clark"])
    assert collect(store, config, "personio").counts.new == 4
    # CLARK's board now answers the real empty feed: more often a hiccup than an emptied board.
    feeds.static("/clark/xml", fixture_bytes(EMPTY), content_type=XML)
    result = collect(store, config, "personio", run_id="run-2")
    assert result.closed == 0 and result.failed == []
    jobs = rows(store, "personio")
    assert set(jobs) == CLARK_IDS and all(r["closed_at"] is None for r in jobs.values())


def test_personio_complete_feed_closes_a_dropped_position(store, feeds, tmp_path):
    config = config_for(feeds, tmp_path, ["clark"])
    assert collect(store, config, "personio").counts.new == 4
    # The recorded CLARK feed without its last position: a complete feed, so that position is closed.
    body = fixture_bytes(CLARK)
    cut = body[: body.rindex(b"<position>")] + body[body.rindex(b"</workzag-jobs>") :]
    feeds.static("/clark/xml", cut, content_type=XML)
    result = collect(store, config, "personio", run_id="run-2")
    assert result.closed == 1 and rows(store, "personio")["2335782"]["closed_at"] is not None


def test_personio_retries_a_503_then_stores(store, feeds, tmp_path):
    body, calls = fixture_bytes(PERSONIO), []

    def first_503(request):
        calls.append(request)
        return Reply(503, b"", headers={"Retry-After": "0"}) if len(calls) == 1 else Reply(body=body)

    feeds.route("/personio/xml", first_503)
    result = collect(store, config_for(feeds, tmp_path, ["personio"]), "personio")
    assert result.counts.new == 1 and not result.failed
    assert [h.status for h in feeds.hits("/personio/xml")] == [503, 200]


def test_personio_a_feed_failing_every_try_does_not_stop_the_other(store, feeds, tmp_path):
    feeds.route("/clark/xml", lambda request: Reply(500, b"down", content_type="text/plain"))
    result = collect(store, config_for(feeds, tmp_path), "personio")
    assert len(result.failed) == 1 and result.failed[0].startswith("personio:clark:")
    assert "HTTP 500" in result.failed[0] and result.error is None
    assert len(feeds.hits("/clark/xml")) == 4  # the first try and 3 retries
    assert set(rows(store, "personio")) == {"1834171"}


def test_personio_truncated_feed_fails_only_that_board(store, feeds, tmp_path):
    body = fixture_bytes(CLARK)
    feeds.route("/clark/xml", lambda request: Reply(body=body, truncate_to=len(body) // 2, content_type=XML))
    result = collect(store, config_for(feeds, tmp_path), "personio")
    assert len(result.failed) == 1 and result.failed[0].startswith("personio:clark:")
    assert result.error is None and set(rows(store, "personio")) == {"1834171"}


def test_personio_truncated_feed_without_length_is_a_schema_failure(store, feeds, tmp_path):
    # No Content-Length: the cut body arrives "whole", so the XML parser is what refuses it.
    body = fixture_bytes(CLARK)
    feeds.route(
        "/clark/xml",
        lambda request: Reply(body=body, truncate_to=len(body) // 2, omit_length=True, content_type=XML),
    )
    result = collect(store, config_for(feeds, tmp_path, ["clark"]), "personio")
    assert result.failure_kinds == ["schema"] and "not well-formed XML" in result.failed[0]
    assert rows(store, "personio") == {}


def test_personio_position_without_id_is_quarantined(store, feeds, tmp_path):
    # The recorded CLARK feed with the <id> element of one position removed.
    body = fixture_bytes(CLARK).replace(b"    <id>342554</id>\n", b"")
    feeds.static("/clark/xml", body, content_type=XML)
    result = collect(store, config_for(feeds, tmp_path, ["clark"]), "personio")
    assert result.counts.quarantined == 1 and result.counts.new == 3 and not result.failed
    assert set(rows(store, "personio")) == CLARK_IDS - {"342554"}
    [(reason,)] = store.con.execute("SELECT reason FROM quarantine WHERE source = 'personio'").fetchall()
    assert "missing id" in reason


def test_personio_refuses_a_feed_declaring_entities(store, feeds, tmp_path, monkeypatch):
    # The recorded Personio SE feed with a DOCTYPE declaring an internal entity, used in <subcompany>.
    body = (
        fixture_bytes(PERSONIO)
        .replace(b"?>\n", b'?>\n<!DOCTYPE workzag-jobs [<!ENTITY who "expanded">]>\n', 1)
        .replace(b"<subcompany>Personio SE &amp; Co. KG", b"<subcompany>&who;")
    )
    assert b"<!DOCTYPE" in body and b"&who;" in body
    feeds.static("/personio/xml", body, content_type=XML)

    def never(*args, **kwargs):
        raise AssertionError("the parser must not see a body with a DTD")

    monkeypatch.setattr("skillpulse.flows.sources.personio.ElementTree.fromstring", never)
    result = collect(store, config_for(feeds, tmp_path, ["personio"]), "personio")
    assert result.failure_kinds == ["schema"] and "DOCTYPE or an entity" in result.failed[0]
    assert rows(store, "personio") == {}


def test_personio_an_answer_that_is_not_the_feed_fails_the_unit(store, feeds, tmp_path):
    # A real body of another API (Recruitee's JSON) where the feed should be.
    feeds.static("/clark/xml", fixture_bytes("recruitee/offers_nmbrs.json.gz"))
    result = collect(store, config_for(feeds, tmp_path, ["clark"]), "personio")
    assert result.failure_kinds == ["schema"] and "not well-formed XML" in result.failed[0]


def test_personio_root_must_be_workzag_jobs():
    # The recorded Personio SE feed with its root element renamed.
    body = fixture_bytes(PERSONIO).replace(b"workzag-jobs>", b"jobs>")
    with pytest.raises(SchemaError, match="expected a <workzag-jobs> feed, got <jobs>"):
        parse_feed(body, "u")
    assert [p["id"] for p in parse_feed(fixture_bytes(PERSONIO), "u")] == ["1834171"]
    assert parse_feed(fixture_bytes(EMPTY), "u") == []


def test_personio_job_links_follow_a_host_template():
    with Runtime() as runtime:
        default = PersonioSource(SourceConfig("personio"), runtime)
        dotcom = PersonioSource(
            SourceConfig("personio", base_url="https://{company}.jobs.personio.com"), runtime
        )
        mirror = PersonioSource(SourceConfig("personio", base_url="http://127.0.0.1:9"), runtime)
    assert default.base_url == settings.BASE_URL
    assert default.job_url("clark", "1") == "https://clark.jobs.personio.de/job/1"
    assert dotcom.job_url("clark", "1") == "https://clark.jobs.personio.com/job/1"
    assert mirror.job_url("clark", "1") == "https://clark.jobs.personio.de/job/1"


@pytest.mark.parametrize(
    ("entry", "line", "needle"),
    [
        ("    companies: [clark]\n    languge: en\n", 5, "unknown key 'languge' — did you mean 'language'?"),
        ("    companies: [clark]\n    language: [en, de]\n", 5, "sources.personio.language: expected text"),
    ],
)
def test_personio_options_are_checked_with_their_line(tmp_path, entry, line, needle):
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  personio:\n    enabled: false\n" + entry, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    (problem,) = info.value.problems
    assert problem.startswith(f"{path}:{line}: ") and needle in problem, problem
