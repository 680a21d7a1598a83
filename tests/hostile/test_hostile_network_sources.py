"""The sources that choose URLs (hn, jsonld) and a hostile server: no host the configuration did not name,
no private address a page hands us, no silent loss of a JSON-LD posting or its pay, no endless wait.

Bodies are the recorded real ones in ``tests/sources/fixtures`` (mutated where a case needs it), served by
the loopback server; each source runs as ``collect`` runs it (its units through one shared runtime).
"""

from __future__ import annotations

import json
import re
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "sources"))

from loopback_server import (  # noqa: E402
    HN_ITEM,
    JSONLD_PAGES,
    LoopbackServer,
    Reply,
    Request,
    fixture_bytes,
    fixture_json,
    http_settings,
    json_bytes,
    paged_handler,
)

from skillpulse.flows.http import FetchSettings, HostPolicy, Runtime  # noqa: E402
from skillpulse.flows.sources.config import SourceConfig  # noqa: E402
from skillpulse.flows.sources.hn import HackerNewsSource  # noqa: E402
from skillpulse.flows.sources.jsonld import JsonLdSource  # noqa: E402
from skillpulse.flows.sources.posting import Posting, Quarantined  # noqa: E402
from skillpulse.flows.sources.themuse import TheMuseSource  # noqa: E402

pytestmark = pytest.mark.timeout(60)
FAST = {"concurrency": 8, "min_interval": 0.0}
HN_MAY_2011 = 2503204  # the May 2011 thread, next to the recorded April one (HN_ITEM)


def settings(tmp_path: Path, **overrides: Any) -> FetchSettings:
    values = {
        "contact": "tests@skillpulse.invalid",
        "connect_timeout": 0.3,
        "read_timeout": 1.0,
        "total_timeout": 5.0,
        "retries": 1,
        "backoff_base": 0.01,
        "backoff_max": 0.02,
        "max_retry_after": 2.0,
        "default_policy": HostPolicy(concurrency=8, min_interval=0.0),
        "cache_path": tmp_path / "cache.sqlite",
        **overrides,
    }
    return FetchSettings(**values)


def run_source(
    tmp_path: Path, factory: Callable[[Runtime], Any], seconds: float = 8.0
) -> tuple[list[Posting], list[Quarantined], list[str]]:
    """Fetch every unit of a source, as collect does; a run that does not end in time fails the test."""
    out: dict[str, Any] = {}

    def work() -> None:
        try:
            source = factory(runtime)
            items = list(source.fetch())
            out["result"] = (
                [i for i in items if isinstance(i, Posting)],
                [i for i in items if isinstance(i, Quarantined)],
                list(source.report.failures),
            )
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            out["error"] = exc

    runtime = Runtime(settings(tmp_path))
    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(seconds)
    runtime.close()
    if thread.is_alive():
        pytest.fail(f"the source did not finish within {seconds}s")
    if "error" in out:
        raise out["error"]
    return out["result"]


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


@pytest.fixture
def other() -> Iterator[LoopbackServer]:
    """A private service on another loopback port that no configuration names."""
    with LoopbackServer() as s:
        s.static("/admin", b"<html>admin</html>", content_type="text/html")
        yield s


# -- hn: never a host the configuration did not name ------------------------------------------------
def hn_routes(server: LoopbackServer) -> None:
    pages = [fixture_bytes(f"hn/algolia_search_by_date_whoishiring_page{n}.json.gz") for n in range(9)]
    server.route("/api/v1/search_by_date", paged_handler(pages))


def hn(server: LoopbackServer, **options: Any) -> Callable[[Runtime], HackerNewsSource]:
    config = SourceConfig("hn", base_url=server.url("/api/v1"), options=options, **FAST)
    return lambda runtime: HackerNewsSource(config, runtime)


def test_hn_mirror_without_firebase_url_never_calls_the_real_firebase(server, tmp_path, monkeypatch):
    hn_routes(server)
    server.route(f"/api/v1/items/{HN_ITEM}", lambda r: Reply(503, b"mirror down", conditional=False))
    looked_up: list[str] = []
    real = socket.getaddrinfo

    def recording(host, *args, **kwargs):
        looked_up.append(host.decode() if isinstance(host, bytes) else str(host))  # anyio passes bytes
        if "firebaseio" in looked_up[-1]:  # never let the test itself reach the real host
            raise socket.gaierror("blocked by the test")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recording)
    postings, _, failures = run_source(tmp_path, hn(server, from_month="2011-04", to_month="2011-04"))
    assert not any("firebaseio" in host for host in looked_up), looked_up
    assert postings == [] and len(failures) == 1
    assert "firebase_url" in failures[0] and "\n" not in failures[0]


def test_hn_html_error_page_fails_its_month_and_the_others_go_on(server, tmp_path):
    """Regression guard: a 200 with an HTML error page is one not_json line; April still arrives."""
    hn_routes(server)
    server.static(f"/api/v1/items/{HN_ITEM}", fixture_bytes(f"hn/algolia_items_{HN_ITEM}.json.gz"))
    page = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"
    server.static(f"/api/v1/items/{HN_MAY_2011}", page, content_type="text/html")
    postings, _, failures = run_source(
        tmp_path, hn(server, from_month="2011-04", to_month="2011-05", firebase=False)
    )
    assert len(postings) > 100 and len(failures) == 1
    assert "hn:2011-05: not_json" in failures[0] and "\n" not in failures[0]


def test_hn_body_that_is_not_json_fails_its_month_and_the_others_go_on(server, tmp_path):
    """Regression guard: a truncated body where JSON belongs is one bad_json line."""
    hn_routes(server)
    body = fixture_bytes(f"hn/algolia_items_{HN_ITEM}.json.gz")
    server.static(f"/api/v1/items/{HN_ITEM}", body)
    server.static(f"/api/v1/items/{HN_MAY_2011}", body[:5000])
    postings, _, failures = run_source(
        tmp_path, hn(server, from_month="2011-04", to_month="2011-05", firebase=False)
    )
    assert len(postings) > 100 and len(failures) == 1 and "bad_json" in failures[0]


# -- themuse: a reset an hour away does not stall the run ----------------------------------------------
def test_themuse_reset_an_hour_away_fails_the_unit_instead_of_sleeping(server, tmp_path):
    results = fixture_json("themuse/results_first50.json.gz")

    def handle(request: Request) -> Reply:
        page = int(request.query.get("page", 0))
        envelope = {"page": page, "page_count": 3, "results": results[page * 20 : page * 20 + 20]}
        rate = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "99999"}
        return Reply(body=json_bytes(envelope), headers=rate, conditional=False)

    server.route("/api/public/jobs", handle)
    config = SourceConfig("themuse", base_url=server.url("/api/public/jobs"), **FAST)
    postings, _, failures = run_source(tmp_path, lambda runtime: TheMuseSource(config, runtime), seconds=6)
    assert postings == [] and len(failures) == 1
    assert "rate_limited" in failures[0] and "X-RateLimit-Reset" in failures[0]
    assert len(server.hits("/api/public/jobs")) == 1


# -- jsonld: every URL a sitemap hands us is checked -------------------------------------------------
def jsonld(**options: Any) -> Callable[[Runtime], JsonLdSource]:
    config = SourceConfig("jsonld", options=options, **FAST)
    return lambda runtime: JsonLdSource(config, runtime)


def serve_page(server: LoopbackServer, path: str, body: bytes) -> str:
    server.static(path, body, content_type="text/html; charset=utf-8")
    return server.url(path)


def sitemap(server: LoopbackServer, urls: list[str]) -> str:
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    body = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
    server.static("/sitemap.xml", body.encode(), content_type="application/xml")
    return server.url("/sitemap.xml")


def test_jsonld_sitemap_entries_pointing_at_private_hosts_are_refused(server, other, tmp_path):
    good = serve_page(server, "/careers/lambda.html", fixture_bytes(JSONLD_PAGES["lambda"]))
    port = other.httpd.server_address[1]
    hostile = [
        other.url("/admin"),
        f"http://localhost:{port}/admin",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
    ]
    postings, _, failures = run_source(tmp_path, jsonld(sitemaps=[sitemap(server, [good, *hostile])]))
    assert [p.title for p in postings] == ["Technical Sourcing Manager"]
    assert len(failures) == 4 and all("refused" in f and "\n" not in f for f in failures), failures
    assert other.hits() == []


def test_jsonld_configured_loopback_pages_and_sitemap_still_work(server, tmp_path):
    """Regression guard: the configured origin (a 127.0.0.1 mirror) is allowed, pages listed there too."""
    pages = [serve_page(server, f"/careers/{n}.html", fixture_bytes(p)) for n, p in JSONLD_PAGES.items()]
    postings, _, failures = run_source(
        tmp_path, jsonld(sitemaps=[sitemap(server, pages[1:])], urls=pages[:1])
    )
    assert len(postings) == 7 and failures == []


# -- jsonld: a broken block is reported, not skipped -----------------------------------------------------
_LD = re.compile(r'(<script type="application/ld\+json"[^>]*>)(.*?)(</script>)', re.S)


def mutate_ld(page: bytes, change: Callable[[str], str]) -> bytes:
    """The page with its (first) ld+json block's text changed."""
    text = page.decode("utf-8")
    match = _LD.search(text)
    assert match, "the recorded page has an ld+json block"
    return (text[: match.start(2)] + change(match[2]) + text[match.end(2) :]).encode("utf-8")


def with_json(change: Callable[[dict], None]) -> Callable[[str], str]:
    def edit(block: str) -> str:
        data = json.loads(block, strict=False)
        change(data)
        return json.dumps(data)

    return edit


def test_jsonld_broken_block_is_quarantined_with_its_reason(server, tmp_path):
    broken = mutate_ld(fixture_bytes(JSONLD_PAGES["diode"]), lambda block: block.rstrip().rstrip("}"))
    urls = [
        serve_page(server, "/careers/lambda.html", fixture_bytes(JSONLD_PAGES["lambda"])),
        serve_page(server, "/careers/diode.html", broken),
    ]
    postings, quarantined, failures = run_source(tmp_path, jsonld(urls=urls))
    assert [p.title for p in postings] == ["Technical Sourcing Manager"] and failures == []
    (bad,) = quarantined
    assert bad.source == "jsonld" and bad.source_id and bad.source_id.startswith(urls[1])
    assert "cannot be read as JSON" in bad.reason and "\n" not in bad.reason
    assert "JobPosting" in json.dumps(bad.payload)  # the block itself is kept for a reader


def test_jsonld_block_with_a_number_python_cannot_hold_is_quarantined(server, tmp_path):
    """A 5000-digit salary is valid JSON that json.loads refuses (ValueError): the page's unit used to fail
    whole with that error; now the block is quarantined and the other pages arrive."""

    def huge(block: str) -> str:
        return block.replace('"minValue":188000', '"minValue":' + "1" * 5000, 1)

    page = mutate_ld(fixture_bytes(JSONLD_PAGES["lambda"]), huge)
    assert b"1" * 5000 in page
    urls = [
        serve_page(server, "/careers/lambda.html", page),
        serve_page(server, "/careers/paylocity.html", fixture_bytes(JSONLD_PAGES["paylocity"])),
    ]
    postings, quarantined, failures = run_source(tmp_path, jsonld(urls=urls))
    assert [p.title for p in postings] == ["Production Technician - Swing Shift"] and failures == []
    (bad,) = quarantined
    assert "cannot be read as JSON" in bad.reason and len(bad.reason) < 400


def test_jsonld_broken_block_that_is_no_job_posting_is_not_reported(server, tmp_path):
    """Regression guard: a broken breadcrumb block on a job page costs nothing and says nothing."""
    page = fixture_bytes(JSONLD_PAGES["lambda"]).replace(
        b"</html>", b'<script type="application/ld+json">{"@type": "BreadcrumbList", </script></html>', 1
    )
    assert b"BreadcrumbList" in page
    postings, quarantined, failures = run_source(
        tmp_path, jsonld(urls=[serve_page(server, "/careers/lambda.html", page)])
    )
    assert len(postings) == 1 and quarantined == [] and failures == []


# -- jsonld: valid schema.org baseSalary shapes are read ---------------------------------------------------
def _amount(currency: str, value: Any, **extra: Any) -> dict:
    return {"@type": "MonetaryAmount", "currency": currency, "value": value, **extra}


def _quantity(**fields: Any) -> dict:
    return {"@type": "QuantitativeValue", **fields}


SALARY_SHAPES = {
    "list of MonetaryAmount": (
        {
            "baseSalary": [
                _amount("USD", _quantity(minValue=100000, maxValue=120000, unitText="YEAR")),
                _amount("CAD", _quantity(minValue=130000, maxValue=150000, unitText="YEAR")),
            ]
        },
        [(100000.0, 120000.0, "USD", "year"), (130000.0, 150000.0, "CAD", "year")],
    ),
    "number value, unitText on the MonetaryAmount": (
        {"baseSalary": _amount("EUR", 65000, unitText="YEAR")},
        [(65000.0, 65000.0, "EUR", "year")],
    ),
    "minValue only": (
        {"baseSalary": _amount("USD", _quantity(minValue=90000, unitText="YEAR"))},
        [(90000.0, 90000.0, "USD", "year")],
    ),
    "amounts as strings with thousands separators": (
        {"baseSalary": _amount("USD", _quantity(minValue="50,000", maxValue="70,000", unitText="YEAR"))},
        [(50000.0, 70000.0, "USD", "year")],
    ),
    "minValue/maxValue on the MonetaryAmount itself": (
        {"baseSalary": {"@type": "MonetaryAmount", "currency": "GBP", "minValue": 50000, "maxValue": 60000}},
        [(50000.0, 60000.0, "GBP", "unknown")],
    ),
    "a bare number with salaryCurrency": (
        {"baseSalary": 85000, "salaryCurrency": "USD"},
        [(85000.0, 85000.0, "USD", "unknown")],
    ),
    "currency only as the posting's salaryCurrency": (
        {
            "baseSalary": {"@type": "MonetaryAmount", "value": _quantity(value=4200, unitText="MONTH")},
            "salaryCurrency": "EUR",
        },
        [(4200.0, 4200.0, "EUR", "month")],
    ),
    "unitCode instead of unitText": (
        {"baseSalary": _amount("USD", _quantity(minValue=40, maxValue=55, unitCode="HUR"))},
        [(40.0, 55.0, "USD", "hour")],
    ),
    "a PriceSpecification": (
        {
            "baseSalary": {
                "@type": "PriceSpecification",
                "priceCurrency": "USD",
                "minPrice": 100000,
                "maxPrice": 150000,
            }
        },
        [(100000.0, 150000.0, "USD", "unknown")],
    ),
}


@pytest.mark.parametrize("shape", list(SALARY_SHAPES))
def test_jsonld_valid_base_salary_shape_is_read(server, tmp_path, shape):
    fields, expected = SALARY_SHAPES[shape]

    def change(data: dict) -> None:
        data.pop("baseSalary", None)
        data.update(fields)

    page = mutate_ld(fixture_bytes(JSONLD_PAGES["lambda"]), with_json(change))
    (posting,), quarantined, failures = run_source(
        tmp_path, jsonld(urls=[serve_page(server, "/careers/lambda.html", page)])
    )
    assert quarantined == [] and failures == []
    assert [(p.min, p.max, p.currency, p.period) for p in posting.pay] == expected


# -- the CLI: a hostile header is one plain line, never a traceback ---------------------------------------
def test_collect_prints_a_markup_content_encoding_as_one_line_without_a_traceback(server, tmp_path):
    server.static("/v1/boards/luno/jobs", fixture_bytes("greenhouse/board_luno_content_true.json.gz"))
    body = fixture_bytes("greenhouse/board_takealotgroup_content_true.json.gz")
    server.route(
        "/v1/boards/takealotgroup/jobs", lambda r: Reply(body=body, headers={"Content-Encoding": "[/]"})
    )
    config = tmp_path / "sources.yaml"
    sources = {
        "greenhouse": {"base_url": server.url("/v1/boards"), "boards": ["luno", "takealotgroup"], **FAST}
    }
    config.write_text(
        yaml.safe_dump({"http": http_settings(tmp_path / "cache.sqlite"), "sources": sources}),
        encoding="utf-8",
    )
    from skillpulse.flows.cli import app

    result = CliRunner().invoke(app, ["collect", "--config", str(config), "--db", str(tmp_path / "x.duckdb")])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "takealotgroup" in line]
    assert len(lines) == 1 and "decode" in lines[0]


def test_collect_prints_a_sitemap_entry_with_markup_as_one_line_without_a_traceback(server, tmp_path):
    """The page URL a sitemap lists names its unit in the failure line: it must not be read as markup."""
    listed = server.url("/careers/[/][link=file:///etc/passwd]x.html")  # not served: a 404, one line
    config = tmp_path / "sources.yaml"
    sources = {"jsonld": {"sitemaps": [sitemap(server, [listed])], **FAST}}
    config.write_text(
        yaml.safe_dump({"http": http_settings(tmp_path / "cache.sqlite"), "sources": sources}),
        encoding="utf-8",
    )
    from skillpulse.flows.cli import app

    result = CliRunner().invoke(app, ["collect", "--config", str(config), "--db", str(tmp_path / "x.duckdb")])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "careers" in line]
    assert len(lines) == 1 and "404" in lines[0]
