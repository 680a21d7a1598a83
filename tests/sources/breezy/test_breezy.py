"""Breezy HR: the one recorded ``/json`` body replayed through the loopback server.

That body is Breezy's own trial board ("MS Breezy Trial": "Employee #12" in "Chaos, FL"): a real capture in
the real format, but its content is placeholder text written by Breezy staff (fixtures/breezy/PROVENANCE.md).
These tests check format handling only (keys, nesting, nulls, ``locations: []``, free-text salary), never
content. The list has no description and no detail body was recorded, so every posting is a structured
row and no other request is made. With ``base_url`` set the company is a path segment:
``/breezy/{company}/json``. Faults are the recorded body cut, given another status, or with a key dropped.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from collect_helpers import collect, rows
from loopback_server import Reply, fixture_bytes, fixture_json, http_settings, json_bytes

from skillpulse.flows.sources.config import check_config, parse_config
from skillpulse.flows.sources.live import company_url

DEMO = "breezy/json_breezy_demo_board.json.gz"
PATH = "/breezy/breezy/json"


def _config(server, tmp_path: Path, companies: list[str] | None = None):
    entry = {"base_url": server.url("/breezy"), "companies": companies or ["breezy"], "min_interval": 0}
    return parse_config(
        {"http": http_settings(tmp_path / "c.sqlite"), "sources": {"breezy": entry}, "batch_size": 50}
    )


def test_breezy_board_format_into_the_store(store, server, tmp_path):
    server.static(PATH, fixture_bytes(DEMO))
    result = collect(store, _config(server, tmp_path), "breezy")
    assert result.fetched == 2 and result.counts.new == 2
    assert result.failed == [] and result.counts.quarantined == 0
    assert [h.path for h in server.hits()] == [PATH]  # one request, no detail requests
    jobs = rows(store, "breezy")
    assert sorted(jobs) == ["088ac6d52139", "98323abf2296"]

    first = jobs["98323abf2296"]
    assert first["title"] == "Employee #12"
    assert first["company"] == "MS Breezy Trial"  # ``company.name``, not the subdomain
    assert first["url"] == "https://breezy.breezy.hr/p/98323abf2296-employee-12"
    assert first["posted_at"] == datetime(2024, 2, 15, 14, 37, 22, 684000, tzinfo=UTC)
    assert json.loads(first["locations"]) == ["Chaos, FL"]  # from ``locations[]``
    assert first["remote"] is False  # ``is_remote: false``
    assert first["text_kind"] == "structured" and first["description"] is None
    assert json.loads(first["pay"]) == [
        {
            "min": None,
            "max": None,
            "currency": None,
            "period": "unknown",
            "provenance": "text",
            "text": "$0.05 – $0.06 / hour",  # free text with an en dash, for the salary text parser
        }
    ]
    attributes = json.loads(first["attributes"])
    assert attributes["department"] == "Does Not Matter"
    assert attributes["employment_type"] == "Other" and attributes["employment_type_id"] == "other"
    assert attributes["friendly_id"] == "98323abf2296-employee-12" and attributes["board"] == "breezy"

    second = jobs["088ac6d52139"]
    assert second["title"] == "Open Position"
    assert json.loads(second["locations"]) == ["New York, NY"]  # ``locations: []``: from ``location``
    assert second["remote"] is None  # no ``is_remote`` key: not stated
    assert second["posted_at"] == datetime(2023, 4, 6, 1, 32, 13, 932000, tzinfo=UTC)
    assert [p["text"] for p in json.loads(second["pay"])] == ["$1 – $5 / year"]
    assert json.loads(second["attributes"])["employment_type_id"] == "contract"


def test_breezy_503_then_the_body(store, server, tmp_path):
    body, calls = fixture_bytes(DEMO), {"n": 0}

    def flaky(request):
        calls["n"] += 1
        return Reply(503, body) if calls["n"] == 1 else Reply(body=body)  # the real body, 503 first

    server.route(PATH, flaky)
    result = collect(store, _config(server, tmp_path), "breezy")
    assert result.counts.new == 2 and not result.failed
    assert [h.status for h in server.hits(PATH)] == [503, 200]


def test_breezy_500_on_every_try_fails_one_company_only(store, server, tmp_path):
    server.static(PATH, fixture_bytes(DEMO))
    server.route("/breezy/down/json", lambda r: Reply(500, fixture_bytes(DEMO)))
    result = collect(store, _config(server, tmp_path, ["down", "breezy"]), "breezy")
    assert len(result.failed) == 1 and result.failed[0].startswith("breezy:down: ")
    assert "HTTP 500 after 4 tries" in result.failed[0]
    assert len(server.hits("/breezy/down/json")) == 4
    assert result.counts.new == 2 and len(rows(store, "breezy")) == 2


def test_breezy_truncated_body_fails_the_unit_and_stores_nothing(store, server, tmp_path):
    body = fixture_bytes(DEMO)
    server.route(PATH, lambda r: Reply(body=body, truncate_to=len(body) // 2))
    result = collect(store, _config(server, tmp_path), "breezy")  # no exception escapes
    assert len(result.failed) == 1 and result.failed[0].startswith("breezy:breezy: ")
    assert result.error is None and result.fetched == 0 and rows(store, "breezy") == {}


def test_breezy_position_without_id_is_quarantined(store, server, tmp_path):
    data = fixture_json(DEMO)
    del data[1]["id"]  # the real "Open Position" without its id
    server.static(PATH, json_bytes(data))
    result = collect(store, _config(server, tmp_path), "breezy")
    assert result.counts.quarantined == 1 and result.counts.new == 1 and not result.failed
    [(reason,)] = store.con.execute("SELECT reason FROM quarantine WHERE source = 'breezy'").fetchall()
    assert "missing id" in reason
    assert list(rows(store, "breezy")) == ["98323abf2296"]


def test_breezy_object_instead_of_array_is_a_schema_error(store, server, tmp_path):
    server.static(PATH, json_bytes(fixture_json(DEMO)[0]))  # one recorded position, not the array
    result = collect(store, _config(server, tmp_path), "breezy")
    assert len(result.failed) == 1 and "SchemaError" in result.failed[0]
    assert result.failure_kinds == ["schema"] and rows(store, "breezy") == {}


def test_breezy_company_that_is_not_a_subdomain_fails_alone(store, server, tmp_path):
    server.static(PATH, fixture_bytes(DEMO))
    result = collect(store, _config(server, tmp_path, ["https://breezy.breezy.hr", "breezy"]), "breezy")
    assert len(result.failed) == 1 and "is not a company subdomain" in result.failed[0]
    assert len(rows(store, "breezy")) == 2


def test_breezy_company_root_mapping():
    assert company_url("https://{company}.breezy.hr", "breezy") == "https://breezy.breezy.hr"
    assert company_url("http://127.0.0.1:8000/breezy", "acme") == "http://127.0.0.1:8000/breezy/acme"


def test_breezy_options_are_checked_with_their_line(tmp_path):
    path = tmp_path / "sources.yaml"
    text = "sources:\n  breezy:\n    companies: {breezy: 1}\n    boards: [breezy]\n"
    problems = check_config(path, text)
    assert len(problems) == 2
    assert problems[0].startswith(
        f"{path}:3: sources.breezy.companies: expected text or a list of them, got {{'breezy': 1}}"
    )
    assert problems[1].startswith(f"{path}:4: sources.breezy: unknown key 'boards'")
    assert check_config(path, "sources:\n  breezy:\n    enabled: false\n    companies: [breezy]\n") == []
