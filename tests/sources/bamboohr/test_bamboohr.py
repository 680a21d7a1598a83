"""BambooHR: the recorded IQGeo and Collective Measures lists and the one recorded detail (id 214, its
description cut by upstream, see fixtures/bamboohr/PROVENANCE.md) replayed through the loopback server.

Each company is its own host upstream; with ``base_url`` set the company becomes a path segment, so the
server answers ``/bamboohr/{company}/careers/list`` and ``/bamboohr/{company}/careers/{id}/detail``. Every
body served is a recorded one or derived from one (cut, given another status, one key dropped); the ten
details that were never recorded are the server's 404s, which the source keeps as structured rows.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from collect_helpers import collect, rows
from loopback_server import Reply, fixture_bytes, fixture_json, http_settings, json_bytes

from skillpulse.flows.sources.config import check_config, parse_config
from skillpulse.flows.sources.live import company_url

IQGEO = "bamboohr/careers_list_iqgeo.json.gz"
CM = "bamboohr/careers_list_collectivemeasures.json.gz"
CM_214 = "bamboohr/careers_214_detail_collectivemeasures_trimmed.json.gz"
IQGEO_IDS = ["389", "393", "396", "397", "398", "424", "425"]
CM_IDS = ["214", "312", "313", "314"]


def _list(company: str) -> str:
    return f"/bamboohr/{company}/careers/list"


def _detail(company: str, job_id: str) -> str:
    return f"/bamboohr/{company}/careers/{job_id}/detail"


def _install(server, iqgeo: bytes | None = None) -> None:
    server.static(_list("iqgeo"), fixture_bytes(IQGEO) if iqgeo is None else iqgeo)
    server.static(_list("collectivemeasures"), fixture_bytes(CM))
    server.static(_detail("collectivemeasures", "214"), fixture_bytes(CM_214))


def _config(server, tmp_path: Path, companies: list[str] | None = None, **options):
    entry = {
        "base_url": server.url("/bamboohr"),
        "companies": companies or ["iqgeo", "collectivemeasures"],
        "names": {"collectivemeasures": "Collective Measures"},
        "min_interval": 0,
        **options,
    }
    return parse_config(
        {"http": http_settings(tmp_path / "c.sqlite"), "sources": {"bamboohr": entry}, "batch_size": 50}
    )


def test_bamboohr_list_then_details_into_the_store(store, server, tmp_path):
    _install(server)
    result = collect(store, _config(server, tmp_path), "bamboohr")
    assert result.fetched == 11 and result.counts.new == 11
    assert result.failed == [] and result.counts.quarantined == 0
    assert [len(server.hits(_list(c))) for c in ("iqgeo", "collectivemeasures")] == [1, 1]
    for company, ids in (("iqgeo", IQGEO_IDS), ("collectivemeasures", CM_IDS)):
        assert all(len(server.hits(_detail(company, i))) == 1 for i in ids)  # one detail per opening
    jobs = rows(store, "bamboohr")
    # Ids count per company, so they are scoped: "214" at another company is another posting.
    assert sorted(jobs) == sorted(
        [f"iqgeo:{i}" for i in IQGEO_IDS] + [f"collectivemeasures:{i}" for i in CM_IDS]
    )

    future = jobs["collectivemeasures:214"]  # the one opening whose detail was recorded
    assert future["title"] == "Future Interest Application"
    assert future["company"] == "Collective Measures"  # from ``names``: no body carries a company name
    assert future["text_kind"] == "full"
    assert future["description"].startswith("<p><span>If you are interested in joining our team but don't")
    assert future["description"].endswith("We value curiosity and integrity. We hire p")  # cut upstream
    assert future["text"].startswith("If you are interested in joining our team")
    assert "<p>" not in future["text"]
    assert future["url"] == "https://collectivemeasures.bamboohr.com/careers/214"  # jobOpeningShareUrl
    assert json.loads(future["locations"]) == ["Minneapolis, Minnesota, United States"]
    assert future["posted_at"] == datetime(2023, 7, 25, tzinfo=UTC)
    assert future["remote"] is None and future["pay"] is None  # isRemote and compensation are null
    attributes = json.loads(future["attributes"])
    assert attributes["employment_status"] == "Full time" and attributes["status"] == "Open"
    assert attributes["department"] is None and attributes["department_id"] is None
    assert attributes["location_type"] == "2" and attributes["board"] == "collectivemeasures"
    assert attributes["detail_error"] is None
    [(is_html,)] = store.con.execute(
        "SELECT description_is_html FROM postings WHERE posting_key = 'bamboohr:collectivemeasures:214'"
    ).fetchall()
    assert is_html is True

    analyst = jobs["iqgeo:396"]  # detail 404: kept from its list row
    assert analyst["title"] == "Business Analyst (French Speaking)"  # trailing space trimmed
    assert analyst["company"] == "iqgeo" and analyst["text_kind"] == "structured"
    assert analyst["description"] is None and analyst["posted_at"] is None
    assert analyst["url"] == "https://iqgeo.bamboohr.com/careers/396"  # the public page, not the mirror
    assert json.loads(analyst["locations"]) == ["Paris, Île-de-France"]
    attributes = json.loads(analyst["attributes"])
    assert attributes["department"] == "Delivery" and attributes["department_id"] == "18666"
    assert attributes["employment_status"] == "Full-Time" and "HTTP 404" in attributes["detail_error"]
    # locationType "1": the place is in ``atsLocation``, here the country only.
    assert json.loads(jobs["iqgeo:424"]["locations"]) == ["Japan"]
    assert json.loads(jobs["iqgeo:425"]["locations"]) == ["Spain"]
    assert jobs["iqgeo:389"]["title"] == jobs["iqgeo:425"]["title"] == "Sales Engineer"  # one row per place
    assert {r["text_kind"] for k, r in jobs.items() if k != "collectivemeasures:214"} == {"structured"}


def test_bamboohr_details_off_asks_for_lists_only(store, server, tmp_path):
    _install(server)
    result = collect(store, _config(server, tmp_path, details=False), "bamboohr")
    assert result.counts.new == 11 and not result.failed
    assert not server.hits(_detail("collectivemeasures", "214"))
    assert len(server.hits()) == 2
    future = rows(store, "bamboohr")["collectivemeasures:214"]
    assert future["text_kind"] == "structured" and future["url"].endswith("/careers/214")
    assert json.loads(future["locations"]) == ["Minneapolis, Minnesota"]  # the list's place has no country


def test_bamboohr_detail_of_the_wrong_shape_keeps_the_row(store, server, tmp_path):
    # A real body of another shape (the Collective Measures list) answered for detail 214.
    _install(server)
    server.static(_detail("collectivemeasures", "214"), fixture_bytes(CM))
    result = collect(store, _config(server, tmp_path, ["collectivemeasures"]), "bamboohr")
    assert result.counts.new == 4 and not result.failed
    future = rows(store, "bamboohr")["collectivemeasures:214"]
    assert future["text_kind"] == "structured"
    assert "result.jobOpening" in json.loads(future["attributes"])["detail_error"]


def test_bamboohr_list_of_the_wrong_shape_fails_that_company(store, server, tmp_path):
    # The recorded detail (``result`` is an object, not a list) answered for IQGeo's list.
    _install(server, iqgeo=fixture_bytes(CM_214))
    result = collect(store, _config(server, tmp_path), "bamboohr")
    assert len(result.failed) == 1 and "bamboohr:iqgeo" in result.failed[0]
    assert "SchemaError" in result.failed[0] and result.failure_kinds == ["schema"]
    assert {k.split(":")[0] for k in rows(store, "bamboohr")} == {"collectivemeasures"}


def test_bamboohr_429_then_the_body(store, server, tmp_path):
    body, calls = fixture_bytes(IQGEO), {"n": 0}

    def flaky(request):
        calls["n"] += 1
        return Reply(429, body) if calls["n"] == 1 else Reply(body=body)  # the real body, 429 first

    _install(server)
    server.route(_list("iqgeo"), flaky)
    result = collect(store, _config(server, tmp_path, ["iqgeo"], details=False), "bamboohr")
    assert result.counts.new == 7 and not result.failed
    assert [h.status for h in server.hits(_list("iqgeo"))] == [429, 200]


def test_bamboohr_500_on_every_try_fails_one_company_only(store, server, tmp_path):
    _install(server)
    server.route(_list("collectivemeasures"), lambda r: Reply(500, fixture_bytes(CM)))
    result = collect(store, _config(server, tmp_path), "bamboohr")
    assert len(result.failed) == 1 and result.failed[0].startswith("bamboohr:collectivemeasures: ")
    assert "HTTP 500 after 4 tries" in result.failed[0]
    assert len(server.hits(_list("collectivemeasures"))) == 4  # the first try and 3 retries
    assert not server.hits(_detail("collectivemeasures", "214"))
    assert sorted(rows(store, "bamboohr")) == sorted(f"iqgeo:{i}" for i in IQGEO_IDS)


def test_bamboohr_truncated_list_fails_the_unit_and_stores_nothing_of_it(store, server, tmp_path):
    body = fixture_bytes(IQGEO)
    _install(server)
    server.route(_list("iqgeo"), lambda r: Reply(body=body, truncate_to=len(body) // 2))
    result = collect(store, _config(server, tmp_path), "bamboohr")  # no exception escapes
    assert len(result.failed) == 1 and result.failed[0].startswith("bamboohr:iqgeo: ")
    assert result.error is None
    assert not any(k.startswith("iqgeo:") for k in rows(store, "bamboohr"))
    assert len(rows(store, "bamboohr")) == 4 and not server.hits(_detail("iqgeo", "389"))


def test_bamboohr_row_without_id_is_quarantined(store, server, tmp_path):
    data = fixture_json(IQGEO)
    del data["result"][2]["id"]  # the real row 396 without its id
    _install(server, iqgeo=json_bytes(data))
    result = collect(store, _config(server, tmp_path, ["iqgeo"]), "bamboohr")
    assert result.counts.quarantined == 1 and result.counts.new == 6 and not result.failed
    [(reason,)] = store.con.execute("SELECT reason FROM quarantine WHERE source = 'bamboohr'").fetchall()
    assert "missing id" in reason
    assert not any("None" in h.path for h in server.hits())  # no detail asked for an id it lacks


def test_bamboohr_a_list_short_of_its_total_closes_nothing(store, server, tmp_path):
    _install(server)
    config = _config(server, tmp_path, ["iqgeo"], details=False)
    assert collect(store, config, "bamboohr").counts.new == 7
    data = fixture_json(IQGEO)
    del data["result"][-1]  # 425 gone, but ``totalCount`` still says 7: the list was cut
    server.static(_list("iqgeo"), json_bytes(data))
    assert collect(store, config, "bamboohr", run_id="run-2").closed == 0
    data["meta"]["totalCount"] = 6  # the same list, now whole: 425 was taken down
    server.static(_list("iqgeo"), json_bytes(data))
    assert collect(store, config, "bamboohr", run_id="run-3").closed == 1
    assert rows(store, "bamboohr")["iqgeo:425"]["closed_at"] is not None


def test_bamboohr_company_that_is_not_a_subdomain_fails_alone(store, server, tmp_path):
    _install(server)
    result = collect(store, _config(server, tmp_path, ["iqgeo.bamboohr.com", "iqgeo"]), "bamboohr")
    assert len(result.failed) == 1 and "is not a company subdomain" in result.failed[0]
    assert len(rows(store, "bamboohr")) == 7


def test_bamboohr_company_root_mapping():
    assert company_url("https://{company}.bamboohr.com", "iqgeo") == "https://iqgeo.bamboohr.com"
    assert company_url("http://127.0.0.1:8000/bamboohr", "iqgeo") == "http://127.0.0.1:8000/bamboohr/iqgeo"


def test_bamboohr_options_are_checked_with_their_line(tmp_path):
    path = tmp_path / "sources.yaml"
    text = "sources:\n  bamboohr:\n    companies: [iqgeo]\n    detail: true\n    names: [IQGeo]\n"
    problems = check_config(path, text)
    assert len(problems) == 2
    assert problems[0].startswith(
        f"{path}:4: sources.bamboohr: unknown key 'detail' — did you mean 'details'?"
    )
    assert problems[1].startswith(f"{path}:5: sources.bamboohr.names: expected a mapping of text to text")
    assert check_config(path, "sources:\n  bamboohr:\n    enabled: false\n    companies: [iqgeo]\n") == []
