"""The fetcher against a hostile loopback server: SSRF on every hop, waits a server asks for, odd bodies.

Each case is a real request to a real HTTP server on 127.0.0.1 (``tests/sources/loopback_server.py``).
The server's own origin is the "configured" one (a caller vouches for the first URL it passes); a second
server on another port stands for a private service the configuration never named, so a test can check
it was never contacted. Timings are shrunk so every case ends within a few seconds even when it fails.
"""

from __future__ import annotations

import gzip
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "sources"))

from loopback_server import LoopbackServer, Reply, Request, fixture_bytes  # noqa: E402

from skillpulse.flows.http import FetchError, FetchSettings, HostPolicy, Runtime  # noqa: E402

GREENHOUSE = "greenhouse/board_luno_content_true.json.gz"
pytestmark = pytest.mark.timeout(30)


def fast(tmp_path: Path, **overrides) -> FetchSettings:
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


def bounded(runtime: Runtime, coro, seconds: float = 4.0):
    """Run a fetch, failing the test (not hanging it) if it takes longer than ``seconds``."""
    future = runtime.submit(coro)
    try:
        return future.result(timeout=seconds)
    except TimeoutError:
        future.cancel()
        pytest.fail(f"the fetch did not end within {seconds}s")


def redirect_to(location: str):
    return lambda request: Reply(302, b"", headers={"Location": location}, conditional=False)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


@pytest.fixture
def other() -> Iterator[LoopbackServer]:
    """A private service on another loopback port that nothing configured."""
    with LoopbackServer() as s:
        s.static("/admin", b'{"secret": true}')
        yield s


def refused(runtime: Runtime, url: str, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as info:
        bounded(runtime, runtime.fetcher.get(url, **kwargs))
    error = info.value
    assert error.kind == "refused", str(error)
    assert "\n" not in str(error) and len(str(error)) < 400
    return error


# -- SSRF: every hop is checked ------------------------------------------------------------------------
PRIVATE_TARGETS = [
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://[fc00::1]/",
    "http://[fe80::1]/",
    "http://[::1]/",
    "http://0.0.0.0/",
    "http://224.0.0.1/",  # multicast
    "http://240.0.0.1/",  # reserved
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
]


@pytest.mark.parametrize("target", PRIVATE_TARGETS)
def test_a_redirect_to_a_private_address_is_refused(server, tmp_path, target):
    server.route("/jobs", redirect_to(target))
    with Runtime(fast(tmp_path)) as runtime:
        error = refused(runtime, server.url("/jobs"))
    assert "redirect" in str(error)


@pytest.mark.parametrize(
    "scheme_url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://example.com/", "data:text/plain,hi"]
)
def test_a_redirect_to_a_non_http_scheme_is_refused(server, tmp_path, scheme_url):
    server.route("/jobs", redirect_to(scheme_url))
    with Runtime(fast(tmp_path)) as runtime:
        error = refused(runtime, server.url("/jobs"))
    assert "http" in str(error)


def test_a_redirect_to_another_loopback_port_is_refused(server, other, tmp_path):
    server.route("/jobs", redirect_to(other.url("/admin")))
    with Runtime(fast(tmp_path)) as runtime:
        refused(runtime, server.url("/jobs"))
    assert other.hits() == []


def test_a_redirect_to_localhost_on_another_port_is_refused(server, other, tmp_path):
    port = other.httpd.server_address[1]
    server.route("/jobs", redirect_to(f"http://localhost:{port}/admin"))
    with Runtime(fast(tmp_path)) as runtime:
        refused(runtime, server.url("/jobs"))
    assert other.hits() == []


def test_a_redirect_with_userinfo_pointing_at_loopback_is_refused(server, other, tmp_path):
    port = other.httpd.server_address[1]
    server.route("/jobs", redirect_to(f"http://jobs.example.com@127.0.0.1:{port}/admin"))
    with Runtime(fast(tmp_path)) as runtime:
        refused(runtime, server.url("/jobs"))
    assert other.hits() == []


def test_a_second_redirect_hop_is_checked_too(server, other, tmp_path):
    server.route("/jobs", redirect_to("/moved"))  # same origin: followed
    server.route("/moved", redirect_to(other.url("/admin")))  # then off to a private port: refused
    with Runtime(fast(tmp_path)) as runtime:
        refused(runtime, server.url("/jobs"))
    assert [h.path for h in server.hits()] == ["/jobs", "/moved"] and other.hits() == []


def test_a_public_name_resolving_to_loopback_is_refused(server, other, tmp_path, monkeypatch):
    """DNS says a harmless-looking name is 127.0.0.1: the resolved address is what counts."""
    real = socket.getaddrinfo
    port = other.httpd.server_address[1]

    def fake(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)  # anyio passes IDNA bytes
        if name.endswith("rebind.example.com"):
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    server.route("/jobs", redirect_to(f"http://jobs.rebind.example.com:{port}/admin"))
    with Runtime(fast(tmp_path)) as runtime:
        error = refused(runtime, server.url("/jobs"))
    assert "127.0.0.1" in str(error) and other.hits() == []


def test_an_odd_spelling_of_loopback_is_refused(server, other, tmp_path):
    port = other.httpd.server_address[1]
    server.route("/jobs", redirect_to(f"http://2130706433:{port}/admin"))  # 127.0.0.1 as one number
    with Runtime(fast(tmp_path)) as runtime:
        refused(runtime, server.url("/jobs"))
    assert other.hits() == []


def test_a_url_read_from_a_page_is_checked_before_the_first_request(server, tmp_path):
    """A URL a page handed us (a sitemap entry) is not vouched for: even the first hop is checked."""
    server.static("/admin", b"{}")
    with Runtime(fast(tmp_path)) as runtime:
        refused(runtime, server.url("/admin"), from_page=True)
    assert server.hits() == []


def test_a_url_read_from_a_page_may_use_an_origin_the_configuration_named(server, tmp_path):
    server.static("/jobs", b"{}")
    policy = HostPolicy(concurrency=8, min_interval=0.0).allowing(server.url("/sitemap.xml"))
    with Runtime(fast(tmp_path)) as runtime:
        assert (
            bounded(runtime, runtime.fetcher.get(server.url("/jobs"), from_page=True, policy=policy)).status
            == 200
        )


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1:70/", "http:///no-host"])
def test_a_non_http_first_request_is_refused(tmp_path, url):
    with Runtime(fast(tmp_path)) as runtime:
        refused(runtime, url)


def test_an_unparsable_location_is_one_refusal_line(server, tmp_path):
    server.route("/jobs", redirect_to("http://[::1"))
    with Runtime(fast(tmp_path)) as runtime:
        refused(runtime, server.url("/jobs"))


def test_a_same_origin_redirect_on_the_configured_loopback_is_followed(server, tmp_path):
    """Regression guard: the tests' own server (a configured 127.0.0.1 origin) keeps working."""
    server.route("/jobs", redirect_to("/v2/jobs"))
    server.static("/v2/jobs", fixture_bytes(GREENHOUSE))
    with Runtime(fast(tmp_path)) as runtime:
        response = bounded(runtime, runtime.fetcher.get(server.url("/jobs")))
    assert len(response.json()["jobs"]) == 10 and response.url == server.url("/v2/jobs")


def test_a_redirect_loop_is_one_error_line(server, tmp_path):
    """Regression guard for the hop-by-hop follower: the cap still holds."""
    server.route("/a", redirect_to("/b"))
    server.route("/b", redirect_to("/a"))
    with Runtime(fast(tmp_path, max_redirects=3)) as runtime, pytest.raises(FetchError) as info:
        bounded(runtime, runtime.fetcher.get(server.url("/a")))
    assert info.value.kind == "redirects" and len(server.hits()) == 4 and "\n" not in str(info.value)


# -- waits a server asks for are capped -----------------------------------------------------------------
def spent(reset: str, remaining: str = "0") -> Reply:
    headers = {"X-RateLimit-Remaining": remaining, "X-RateLimit-Reset": reset}
    return Reply(body=b"{}", headers=headers, conditional=False)


@pytest.mark.parametrize("reset", ["99999", "9" * 400, "4102444800"])  # the last: a Unix time in 2100
def test_an_hour_long_rate_limit_reset_fails_fast_instead_of_sleeping(server, tmp_path, reset):
    """A reset longer than max_retry_after closes the host for the run: one line, no hour-long sleep."""
    server.route("/muse", lambda r: spent(reset))
    with Runtime(fast(tmp_path)) as runtime:
        bounded(runtime, runtime.fetcher.get(server.url("/muse"), rate_headers=True))
        with pytest.raises(FetchError) as info:
            bounded(runtime, runtime.fetcher.get(server.url("/muse?page=1"), rate_headers=True))
    assert info.value.kind == "rate_limited" and "X-RateLimit-Reset" in str(info.value)
    assert len(server.hits("/muse")) == 1  # the host was left alone, as it asked


@pytest.mark.parametrize("reset", ["-5", "soon", "nan", "", "inf", "1e308", "\u00b2"])
def test_a_negative_or_garbage_rate_limit_reset_is_ignored(server, tmp_path, reset):
    server.route("/muse", lambda r: spent(reset))
    with Runtime(fast(tmp_path)) as runtime:
        bounded(runtime, runtime.fetcher.get(server.url("/muse"), rate_headers=True))
        bounded(runtime, runtime.fetcher.get(server.url("/muse?page=1"), rate_headers=True), seconds=2)
    assert len(server.hits("/muse")) == 2


def test_a_garbage_rate_limit_remaining_is_ignored(server, tmp_path):
    server.route("/muse", lambda r: spent("1", remaining="\u00b2"))
    with Runtime(fast(tmp_path)) as runtime:
        bounded(runtime, runtime.fetcher.get(server.url("/muse"), rate_headers=True))
    assert len(server.hits("/muse")) == 1


@pytest.mark.parametrize("value", ["99999", "9" * 400, "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_an_hour_long_retry_after_fails_at_once(server, tmp_path, value):
    server.route("/jobs", lambda r: Reply(429, b"", headers={"Retry-After": value}, conditional=False))
    with Runtime(fast(tmp_path)) as runtime, pytest.raises(FetchError) as info:
        bounded(runtime, runtime.fetcher.get(server.url("/jobs")))
    assert info.value.kind == "rate_limited" and len(server.hits("/jobs")) == 1


@pytest.mark.parametrize("value", ["-1", "soon", "1.5e3", "\u00b2"])
def test_a_negative_or_garbage_retry_after_is_ignored(server, tmp_path, value):
    calls = {"n": 0}

    def handle(request: Request) -> Reply:
        calls["n"] += 1
        if calls["n"] == 1:
            return Reply(429, b"", headers={"Retry-After": value}, conditional=False)
        return Reply(body=b"{}", conditional=False)

    server.route("/jobs", handle)
    with Runtime(fast(tmp_path)) as runtime:
        assert bounded(runtime, runtime.fetcher.get(server.url("/jobs"))).status == 200


# -- hostile responses: one FetchError line each ------------------------------------------------------
@pytest.mark.parametrize("encoding", ["[/]", "[bold red]x[/]", "br", "gzip, gzip", "x" * 5000])
def test_an_unknown_content_encoding_is_one_plain_error_line(server, tmp_path, encoding):
    server.route("/jobs", lambda r: Reply(body=b"{}", headers={"Content-Encoding": encoding}))
    with Runtime(fast(tmp_path)) as runtime, pytest.raises(FetchError) as info:
        bounded(runtime, runtime.fetcher.get(server.url("/jobs")))
    text = str(info.value)
    assert info.value.kind == "decode" and "\n" not in text and len(text) < 400
    assert "[/" not in text and "[bold" not in text  # nothing a Rich console would read as markup


def test_rich_markup_in_a_content_type_is_not_echoed_as_markup(server, tmp_path):
    page = b"<!DOCTYPE html><html><body>Just a moment...</body></html>"
    server.route("/jobs", lambda r: Reply(body=page, content_type="text/html; [/][link=file:///etc/passwd]x"))
    with Runtime(fast(tmp_path)) as runtime:
        response = bounded(runtime, runtime.fetcher.get(server.url("/jobs")))
        with pytest.raises(FetchError) as info:
            response.json()
    assert info.value.kind == "not_json" and "[/]" not in str(info.value) and "[link" not in str(info.value)


def test_a_body_that_is_not_json_is_one_error_line(server, tmp_path):
    """Regression guard."""
    server.static("/jobs", b"\x00\xffnot json at all")
    with Runtime(fast(tmp_path)) as runtime:
        response = bounded(runtime, runtime.fetcher.get(server.url("/jobs")))
    with pytest.raises(FetchError) as info:
        response.json()
    assert info.value.kind == "bad_json" and "\n" not in str(info.value)


@pytest.mark.parametrize(
    "body",
    [b"[" * 200_000 + b"]" * 200_000, b'{"id": ' + b"7" * 5000 + b"}"],
    ids=["nested-200k-deep", "5000-digit-number"],
)
def test_json_python_cannot_hold_is_one_bad_json_line(server, tmp_path, body):
    server.static("/jobs", body)
    with Runtime(fast(tmp_path)) as runtime:
        response = bounded(runtime, runtime.fetcher.get(server.url("/jobs")))
    with pytest.raises(FetchError) as info:
        response.json()
    assert info.value.kind == "bad_json" and "\n" not in str(info.value)


def test_a_gzip_bomb_is_capped(server, tmp_path):
    """Regression guard: 64 MB of zeros in ~64 KB stops at the decompressed cap."""
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), 9)
    server.route("/bomb", lambda r: Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    with (
        Runtime(fast(tmp_path, max_decompressed_bytes=1_000_000)) as runtime,
        pytest.raises(FetchError) as info,
    ):
        bounded(runtime, runtime.fetcher.get(server.url("/bomb")))
    assert info.value.kind == "too_large"


def test_a_never_ending_trickle_hits_the_deadline(server, tmp_path):
    """Regression guard: one byte-run every 50 ms never trips the read timeout; the total deadline does."""
    server.route("/jobs", lambda r: Reply(body=b"[" + b"0," * 50_000 + b"0]", trickle=0.05))
    with Runtime(fast(tmp_path, total_timeout=0.5, retries=0)) as runtime, pytest.raises(FetchError) as info:
        bounded(runtime, runtime.fetcher.get(server.url("/jobs")))
    assert info.value.kind == "timeout" and "\n" not in str(info.value)
