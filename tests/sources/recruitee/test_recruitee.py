"""Recruitee: the recorded Nmbrs and Channable offers collected through the loopback server into a store.

The real host is ``{company}.recruitee.com``; with a ``base_url`` without ``{company}`` (the loopback server)
each company is served under ``/<company>/api/offers/``. Channable's ``description``/``requirements``
strings were cut mid-word by the upstream author (fixtures/recruitee/PROVENANCE.md): that is the recorded
body, not a parser bug, and the checks below expect the cut text.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from collect_helpers import collect, rows
from loopback_server import Reply, fixture_bytes, http_settings, json_bytes

from skillpulse.flows.http import Runtime
from skillpulse.flows.sources.config import ConfigError, SourceConfig, load_config, parse_config
from skillpulse.flows.sources.live import company_url
from skillpulse.flows.sources.recruitee import RecruiteeSource, settings

NMBRS = "recruitee/offers_nmbrs.json.gz"
CHANNABLE = "recruitee/offers_channable_first2_trimmed.json.gz"
NMBRS_PATH = "/nmbrs/api/offers/"
CHANNABLE_PATH = "/channable/api/offers/"


@pytest.fixture
def boards(server):
    server.static(NMBRS_PATH, fixture_bytes(NMBRS))
    server.static(CHANNABLE_PATH, fixture_bytes(CHANNABLE))
    return server


def config_for(server, tmp_path: Path, companies=("nmbrs", "channable")):
    return parse_config(
        {
            "http": http_settings(tmp_path / "c.sqlite"),
            "sources": {
                "recruitee": {"base_url": server.url(), "companies": list(companies), "min_interval": 0}
            },
            "batch_size": 50,
        }
    )


def test_recruitee_collects_both_boards(store, boards, tmp_path):
    result = collect(store, config_for(boards, tmp_path), "recruitee")
    assert result.counts.new == 4 and result.failed == [] and result.counts.quarantined == 0
    assert len(boards.hits(NMBRS_PATH)) == 1 and len(boards.hits(CHANNABLE_PATH)) == 1  # no paging
    jobs = rows(store, "recruitee")
    assert set(jobs) == {"2727516", "2727162", "2751915", "2743511"}

    csm = jobs["2751915"]
    assert csm["title"] == "Customer Success Manager Benelux - Dutch speaking"
    assert csm["company"] == "Channable"
    # careers_url is on Channable's own domain, not channable.recruitee.com
    assert csm["url"] == "https://jobs.channable.com/o/customer-success-manager-benelux-dutch-speaking-3"
    assert json.loads(csm["locations"]) == ["Utrecht, Utrecht, Netherlands"]
    assert csm["remote"] is False  # remote false, hybrid true
    assert csm["posted_at"] == datetime(2026, 9, 18, 13, 27, 28, tzinfo=UTC)  # "… 13:27:28 UTC"
    [pay] = json.loads(csm["pay"])
    assert (pay["min"], pay["max"], pay["currency"], pay["period"]) == (3750, 5250, "EUR", "month")
    assert pay["provenance"] == "structured"
    # description, then requirements; both cut mid-word upstream ("working cl", "Realizing success pl")
    assert csm["description"].startswith('<p><span style="color:#000000">Channable is a fast-growing B2B')
    assert "working cl\n<p style" in csm["description"]
    assert csm["description"].endswith("Realizing success pl")
    assert csm["text_kind"] == "full" and "Your role" in csm["text"] and "&amp;" not in csm["text"]
    attributes = json.loads(csm["attributes"])
    assert attributes["department"] == "Customer Success"
    assert attributes["employment_type"] == "fulltime_permanent"
    assert attributes["experience"] == "mid_level"
    assert (attributes["min_hours_per_week"], attributes["max_hours_per_week"]) == ("32", "40")
    assert attributes["board"] == "channable" and attributes["guid"] == "tcvwa"

    head = json.loads(jobs["2743511"]["pay"])[0]
    assert (head["min"], head["max"], head["period"]) == (115000, 130000, "year")

    designer = jobs["2727516"]
    assert designer["title"] == "Product Designer" and designer["company"] == "Nmbrs BV"
    assert designer["url"] == "https://nmbrs.recruitee.com/o/product-designer-3"
    assert designer["pay"] is None  # salary {min: null, max: null, ...}: pay only inside the HTML
    assert designer["remote"] is False  # hybrid
    assert designer["posted_at"] == datetime(2026, 8, 31, 12, 4, 10, tzinfo=UTC)
    assert "<h2>Jouw profiel</h2>" in designer["description"]
    care = jobs["2727162"]
    assert care["remote"] is False  # on_site
    # the top-level location, not locations[] whose country is localized ("Nederland") on this offer
    assert json.loads(care["locations"]) == ["Eersel, Noord-Brabant, Netherlands"]
    assert json.loads(care["attributes"])["employment_type"] == "fulltime_fixed_term"


def test_recruitee_retries_a_429_then_stores(store, boards, tmp_path):
    body, calls = fixture_bytes(NMBRS), []

    def first_429(request):
        calls.append(request)
        return Reply(429, b"", headers={"Retry-After": "0"}) if len(calls) == 1 else Reply(body=body)

    boards.route(NMBRS_PATH, first_429)
    result = collect(store, config_for(boards, tmp_path, ["nmbrs"]), "recruitee")
    assert result.counts.new == 2 and not result.failed
    assert [h.status for h in boards.hits(NMBRS_PATH)] == [429, 200]


def test_recruitee_a_board_failing_every_try_does_not_stop_the_other(store, boards, tmp_path):
    boards.route(NMBRS_PATH, lambda request: Reply(500, b"down"))
    result = collect(store, config_for(boards, tmp_path), "recruitee")
    assert len(result.failed) == 1 and result.failed[0].startswith("recruitee:nmbrs:")
    assert "HTTP 500" in result.failed[0] and result.error is None
    assert len(boards.hits(NMBRS_PATH)) == 4  # the first try and 3 retries
    assert set(rows(store, "recruitee")) == {"2751915", "2743511"}


def test_recruitee_truncated_body_fails_only_that_board(store, boards, tmp_path):
    body = fixture_bytes(NMBRS)
    boards.route(NMBRS_PATH, lambda request: Reply(body=body, truncate_to=len(body) // 2))
    result = collect(store, config_for(boards, tmp_path), "recruitee")
    assert len(result.failed) == 1 and result.failed[0].startswith("recruitee:nmbrs:")
    assert result.error is None
    assert {r["company"] for r in rows(store, "recruitee").values()} == {"Channable"}


def test_recruitee_offer_without_id_is_quarantined(store, boards, tmp_path):
    # The recorded Nmbrs body with the "id" key removed from its second offer.
    data = json.loads(fixture_bytes(NMBRS))
    del data["offers"][1]["id"]
    boards.static(NMBRS_PATH, json_bytes(data))
    result = collect(store, config_for(boards, tmp_path, ["nmbrs"]), "recruitee")
    assert result.counts.quarantined == 1 and result.counts.new == 1 and not result.failed
    assert set(rows(store, "recruitee")) == {"2727516"}
    [(reason,)] = store.con.execute("SELECT reason FROM quarantine WHERE source = 'recruitee'").fetchall()
    assert "missing id" in reason


def test_recruitee_wrong_shape_is_a_schema_failure(store, boards, tmp_path):
    # The recorded offers as a bare list, without the {"offers": [...]} envelope.
    boards.static(NMBRS_PATH, json_bytes(json.loads(fixture_bytes(NMBRS))["offers"]))
    result = collect(store, config_for(boards, tmp_path, ["nmbrs"]), "recruitee")
    assert result.failure_kinds == ["schema"] and "'offers' list" in result.failed[0]
    assert rows(store, "recruitee") == {}


def test_recruitee_complete_board_closes_a_dropped_offer(store, boards, tmp_path):
    config = config_for(boards, tmp_path, ["nmbrs"])
    assert collect(store, config, "recruitee").counts.new == 2
    # The recorded Nmbrs body without its second offer: the whole board, so that offer is closed.
    data = json.loads(fixture_bytes(NMBRS))
    data["offers"] = data["offers"][:1]
    boards.static(NMBRS_PATH, json_bytes(data))
    result = collect(store, config, "recruitee", run_id="run-2")
    assert result.closed == 1
    jobs = rows(store, "recruitee")
    assert jobs["2727162"]["closed_at"] is not None and jobs["2727516"]["closed_at"] is None


def test_recruitee_host_per_company():
    assert settings.BASE_URL == "https://{company}.recruitee.com"
    assert company_url(settings.BASE_URL, "nmbrs") == "https://nmbrs.recruitee.com"
    assert company_url("http://127.0.0.1:8000", "nmbrs") == "http://127.0.0.1:8000/nmbrs"
    with Runtime() as runtime:
        source = RecruiteeSource(SourceConfig("recruitee", options={"companies": "nmbrs"}), runtime)
    assert source.base_url == "https://{company}.recruitee.com"
    assert [u.scope for u in source.units()] == ["nmbrs"]  # a lone company is a one-item list


@pytest.mark.parametrize(
    ("entry", "line", "needle"),
    [
        ("    companies: [nmbrs]\n    compnies: [channable]\n", 5, "unknown key 'compnies'"),
        ("    companies: {nmbrs: 1}\n", 4, "sources.recruitee.companies: expected text"),
    ],
)
def test_recruitee_options_are_checked_with_their_line(tmp_path, entry, line, needle):
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  recruitee:\n    enabled: false\n" + entry, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    (problem,) = info.value.problems
    assert problem.startswith(f"{path}:{line}: ") and needle in problem, problem
