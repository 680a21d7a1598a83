"""Hostile postings, property-based: arbitrary JSON thrown at every live source's normaliser.

For each registered live source a real listing is built from its recorded bodies
(``tests/sources/fixtures/<api>/``), shaped as that source's ``download`` delivers it (unit scope or
params, listing context). Hypothesis then hands ``_normalise_all`` - the path every fetched record takes
- either arbitrary JSON as a record, or a real record with some of its fields (top level or one level
down) replaced by arbitrary JSON: nested lists and objects, huge integers, inf and NaN (as ``json.loads``
gives them for ``Infinity``/``NaN``), lone surrogates, out-of-range dates. Whatever comes back must be a
posting the store can keep as it is, or a quarantined record with its reason; never an exception.

The oracle below is this file's own (types, bounds, UTF-8, strict JSON) plus the real store: every item
is written to an in-memory DuckDB store, which refuses what it cannot keep.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parents[1] / "sources"))

from loopback_server import fixture_bytes, fixture_json  # noqa: E402

from skillpulse.extractors.stated_pay import StatedPay  # noqa: E402
from skillpulse.flows.http import Runtime  # noqa: E402
from skillpulse.flows.sources import LIVE_SOURCES  # noqa: E402
from skillpulse.flows.sources.config import SourceConfig  # noqa: E402
from skillpulse.flows.sources.file import settings as file_settings  # noqa: E402
from skillpulse.flows.sources.jsonld.parse import job_postings  # noqa: E402
from skillpulse.flows.sources.live import Listing, Unit  # noqa: E402
from skillpulse.flows.sources.personio import parse_feed as personio_feed  # noqa: E402
from skillpulse.flows.sources.posting import Posting, Quarantined  # noqa: E402
from skillpulse.flows.sources.rippling import merge_rows as rippling_merge  # noqa: E402
from skillpulse.flows.sources.teamtailor import parse_feed as teamtailor_feed  # noqa: E402
from skillpulse.flows.sources.workable import merge_rows as workable_merge  # noqa: E402
from skillpulse.flows.sources.workday import parse_board, posting_id  # noqa: E402
from skillpulse.flows.store import Store  # noqa: E402

# -- the oracle: what a posting must be for every later step ------------------------------------------
BOUNDS = {"title": 1_000, "company": 500, "url": 2_000, "description": 500_000}
MAX_LOCATION, MAX_LOCATIONS = 500, 200
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


def _utf8(text: str) -> None:
    text.encode("utf-8")  # a lone surrogate raises here, as it does in the store


def _strict_json(value: Any) -> str:
    """JSON as DuckDB and any other reader take it: no NaN/Infinity, encodable as UTF-8."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    _utf8(text)
    return text


def _printable_id(value: Any) -> None:
    assert isinstance(value, str) and value.strip() and value.isprintable(), repr(value)[:200]


def assert_storable(item: Any) -> None:
    """The check this file expects of every item a source yields (independent of the code under test)."""
    if isinstance(item, Quarantined):
        assert isinstance(item.reason, str) and item.reason
        _utf8(item.reason)
        if item.source_id is not None:
            assert isinstance(item.source_id, str)
            _utf8(item.source_id)
        _utf8(json.dumps(item.payload, default=str))
        return
    assert isinstance(item, Posting), type(item)
    _printable_id(item.source)
    _printable_id(item.source_id)
    for name, bound in BOUNDS.items():
        value = getattr(item, name)
        assert value is None or isinstance(value, str), (name, type(value))
        if value is not None:
            assert len(value) <= bound, (name, len(value))
            _utf8(value)
    assert isinstance(item.locations, list) and len(item.locations) <= MAX_LOCATIONS
    for place in item.locations:
        assert isinstance(place, str) and len(place) <= MAX_LOCATION, repr(place)[:100]
        _utf8(place)
    assert item.remote is None or isinstance(item.remote, bool), repr(item.remote)
    if item.posted_at is not None:
        assert isinstance(item.posted_at, datetime) and item.posted_at.tzinfo is not None
        assert EARLIEST <= item.posted_at <= datetime.now(UTC) + timedelta(days=367), item.posted_at
    assert isinstance(item.pay, list)
    for pay in item.pay:
        assert isinstance(pay, StatedPay)
        assert all(v is None or math.isfinite(v) for v in (pay.min, pay.max))
        _strict_json(pay.as_dict())
    assert item.text_kind in ("full", "structured")
    assert isinstance(item.description_is_html, bool)
    assert isinstance(item.attributes, dict)
    _strict_json(item.attributes)
    _utf8(json.dumps(item.raw, ensure_ascii=False, default=str))
    item.content_hash()


# -- every live source with a real listing, shaped as its download delivers it -----------------------
def _source(name: str, **options: Any):
    return LIVE_SOURCES[name](SourceConfig(name, options=options), Runtime())


def _scoped(name: str, scope: str, records: list[Any], **context: Any):
    return _source(name), Unit(f"{name}:{scope}", scope=scope), Listing(records, context=context)


def _bamboohr():
    rows = fixture_json("bamboohr/careers_list_collectivemeasures.json.gz")["result"]
    opening = fixture_json("bamboohr/careers_214_detail_collectivemeasures_trimmed.json.gz")["result"]
    records = [
        {**r, **(opening["jobOpening"] if r["id"] == "214" else {}), "id": r["id"], "_company": "cm"}
        for r in rows
    ]
    return _scoped("bamboohr", "cm", records)


def _file():
    jobs = fixture_json("remotive/remotive_data.json.a8558acc4b3d.gz")["jobs"][:5]
    frame = pd.DataFrame(jobs)[["id", "title", "company_name", "description", "url", "publication_date"]]
    columns = {**file_settings.DEFAULT_COLUMNS, "company": "company_name", "posted_at": "publication_date"}
    return (
        _source("file"),
        Unit("file:jobs.csv", params={"path": "jobs.csv"}),
        Listing(frame.to_dict(orient="records"), context={"columns": columns, "path": "jobs.csv"}),
    )


def _hn():
    item = fixture_json("hn/algolia_items_2396027.json.gz")
    params = {"id": 2396027, "month": "2011-04"}
    return (
        _source("hn"),
        Unit("hn:2011-04", params=params),
        Listing(item["children"][:10], context={"api": "algolia", **params}),
    )


def _jsonld():
    url = "http://127.0.0.1/careers/lambda.html"
    found = job_postings(fixture_bytes("jsonld/ashby_lambda_job_detail.html.gz").decode("utf-8"))
    records = [{**job, "_page_url": url, "_index": n} for n, job in enumerate(found)]
    return _source("jsonld"), Unit(f"jsonld:{url}", params={"url": url}), Listing(records)


def _remoteok():
    data = fixture_json("remoteok/api_2024-12-04.json.gz")
    legal = data[0]["legal"]
    return _scoped("remoteok", "api", data[1:6], legal=legal)


def _rippling(api: str):
    if api == "v1":
        rows = rippling_merge(
            fixture_json("rippling/platform_v1_board_11fs-group-ltd_jobs_first2.json.gz"), True
        )
        return _source("rippling", api="v1"), Unit("rippling:11fs", scope="11fs"), Listing(rows)
    rows = rippling_merge(fixture_json("rippling/api_v2_board_rippling_jobs_page0_size2.json.gz")["items"])
    return _source("rippling"), Unit("rippling:rippling", scope="rippling"), Listing(rows)


def _smartrecruiters():
    listing = fixture_json("smartrecruiters/postings_WesternDigital.json.gz")["content"]
    detail = fixture_json("smartrecruiters/posting_WesternDigital_744000140949875.json.gz")
    return _scoped("smartrecruiters", "WesternDigital", [detail, *listing])


def _teamtailor():
    company, items = teamtailor_feed(fixture_bytes("teamtailor/jobs_rss_ferd.xml.gz"), "ferd")
    return _scoped("teamtailor", "ferd", items, company=company)


def _workable():
    data = fixture_json("workable/widget_accounts_apna.json.gz")
    return _scoped("workable", "apna", workable_merge(data["jobs"])[:5], company=data["name"])


def _workday():
    board = parse_board("hitachi.wd1/hitachi")
    rows = fixture_json("workday/cxs_jobs_hitachi_search_turkey_page1.json.gz")["jobPostings"][:5]
    detail = fixture_json("workday/cxs_job_hitachi_Maintenance-Worker_R0119001.json.gz")
    records = [{"id": posting_id(board.tenant, r.get("externalPath")), "row": r} for r in rows]
    records[0]["detail"] = {k: v for k, v in detail.items() if k in ("jobPostingInfo", "hiringOrganization")}
    return (
        _source("workday"),
        Unit(f"workday:{board.key}", scope=board.key, params={"board": board}),
        Listing(records),
    )


LISTINGS = {
    "arbeitnow": lambda: _scoped(
        "arbeitnow", "all", fixture_json("arbeitnow/bronze_jobs.json.4b1df1e00adb.gz")["data"][:5]
    ),
    "ashby": lambda: _scoped(
        "ashby", "anyscale", fixture_json("ashby/job-board_anyscale.json.gz")["jobs"][:5]
    ),
    "bamboohr": _bamboohr,
    "breezy": lambda: _scoped("breezy", "demo", fixture_json("breezy/json_breezy_demo_board.json.gz")[:5]),
    "file": _file,
    "greenhouse": lambda: _scoped(
        "greenhouse", "luno", fixture_json("greenhouse/board_luno_content_true.json.gz")["jobs"][:5]
    ),
    "hn": _hn,
    "jsonld": _jsonld,
    "lever": lambda: _scoped("lever", "moo", fixture_json("lever/postings_moo.json.gz")[:5]),
    "personio": lambda: _scoped(
        "personio", "personio", personio_feed(fixture_bytes("personio/xml_personio.xml.gz"), "personio")[:5]
    ),
    "recruitee": lambda: _scoped(
        "recruitee", "nmbrs", fixture_json("recruitee/offers_nmbrs.json.gz")["offers"][:5]
    ),
    "remoteok": _remoteok,
    "remotive": lambda: _scoped(
        "remotive",
        "all",
        fixture_json("remotive/remotive_data.json.a8558acc4b3d.gz")["jobs"][:5],
        legal="notice",
    ),
    "rippling": lambda: _rippling("v2"),
    "rippling-v1": lambda: _rippling("v1"),
    "smartrecruiters": _smartrecruiters,
    "teamtailor": _teamtailor,
    "themuse": lambda: _scoped("themuse", "jobs", fixture_json("themuse/results_first50.json.gz")[:5]),
    "workable": _workable,
    "workday": _workday,
}


def test_every_registered_live_source_has_a_hostile_listing():
    """Regression guard: a new source must be added here, or it escapes the property below."""
    assert {name.split("-")[0] for name in LISTINGS} == set(LIVE_SOURCES)
    assert len(LIVE_SOURCES) == 19


# -- arbitrary JSON -------------------------------------------------------------------------------------
SPECIAL = [
    float("inf"), float("-inf"), float("nan"), 10**400, -(10**400), 10**20, 1e20, 1e308, -1, 0, True, False,
    "", " ", "   ", "Infinity", "NaN", "9" * 400, "1e20", "\udc80", "a\ud800b", "\x00", "\n",
    "99999-01-01T00:00:00Z", "0001-01-01", "9999-12-31T23:59:59Z", "1969-07-20",
    "2025-01-02T16:06:56 1735834016",
    "Tue, 08 Sep 99999 19:07:00 +0200", "2026-08-31 12:04:10 UTC", "<script>alert(1)</script>", "x" * 3_000,
    "/job/x_R1", "https://example.com/jobs/8344301-slug", "remote", "hybrid", "year", "USD",
]  # fmt: skip
_leaf = st.one_of(
    st.sampled_from(SPECIAL),
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(st.characters(exclude_categories=()), max_size=20),
)
_keys = st.one_of(
    st.text(max_size=8), st.sampled_from(["id", "name", "title", "text", "value", "min", "max"])
)
JSON = st.recursive(
    _leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=12,
)


def _paths(record: Any, depth: int = 0) -> list[tuple]:
    """Every key of a record, and every key one object (or first list item) down."""
    out: list[tuple] = []
    if isinstance(record, dict):
        for key, value in record.items():
            out.append((key,))
            if depth == 0:
                out += [(key, *sub) for sub in _paths(value, 1)]
    elif isinstance(record, list) and record and depth == 1:
        out += [(0, *sub) for sub in _paths(record[0], 1)]
    return out


def _set(record: Any, path: tuple, value: Any) -> None:
    for step in path[:-1]:
        record = record[step]
    record[path[-1]] = value


@st.composite
def hostile_records(draw, records: list[Any]) -> Any:
    """Arbitrary JSON, or a real record with one to four of its fields replaced by arbitrary JSON."""
    if draw(st.integers(0, 4)) == 0:
        return draw(JSON)
    record = copy.deepcopy(draw(st.sampled_from(records)))
    paths = _paths(record)
    for path in draw(st.lists(st.sampled_from(paths), min_size=1, max_size=4, unique=True)) if paths else []:
        value = draw(JSON)
        with contextlib.suppress(KeyError, IndexError, TypeError):  # an earlier replacement reshaped it
            _set(record, path, value)
    return record


_STORE: dict[str, Store] = {}


def _store() -> Store:
    if "s" not in _STORE:
        _STORE["s"] = Store(":memory:")
    return _STORE["s"]


@pytest.mark.parametrize("name", sorted(LISTINGS))
def test_real_listing_normalises_and_stores_cleanly(name):
    """The unmutated bodies pass the oracle, so the property below tests the mutations, not the setup."""
    source, unit, listing = LISTINGS[name]()
    items = list(source._normalise_all(unit, listing))
    assert any(isinstance(i, Posting) for i in items), name
    for item in items:
        assert_storable(item)


@pytest.mark.parametrize("name", sorted(LISTINGS))
def test_arbitrary_json_gives_a_posting_or_a_quarantine_never_an_exception(name):
    source, unit, listing = LISTINGS[name]()
    store = _store()

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(record=hostile_records(listing.records))
    def run(record: Any) -> None:
        hostile = Listing([record], complete=listing.complete, context=dict(listing.context))
        items = list(source._normalise_all(unit, hostile))
        assert len(items) <= 1
        for item in items:
            assert_storable(item)
        store.upsert_postings(items, run_id="hypothesis")

    run()
