"""The polite fetcher against a real loopback server: retries, caps, redirects, robots, conditional GETs."""

from __future__ import annotations

import gzip
import socket
from collections.abc import Iterator
from concurrent.futures import wait
from pathlib import Path

import pytest
from loopback_server import LoopbackServer, Reply, Request, fixture_bytes

from skillpulse.flows.http import FetchError, FetchSettings, HostPolicy, Runtime, retry_after_seconds

GREENHOUSE = "greenhouse/board_luno_content_true.json.gz"


@pytest.fixture
def bare_server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        yield s


def settings(tmp_path: Path, **overrides) -> FetchSettings:
    values = {
        "contact": "tests@skillpulse.invalid",
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "retries": 2,
        "backoff_base": 0.01,
        "backoff_max": 0.02,
        "default_policy": HostPolicy(concurrency=8, min_interval=0.0),
        "cache_path": tmp_path / "cache.sqlite",
        **overrides,
    }
    return FetchSettings(**values)


def sequence(*replies: Reply):
    """A route answering with each reply in turn, then repeating the last."""
    calls = {"n": 0}

    def handle(request: Request) -> Reply:
        reply = replies[min(calls["n"], len(replies) - 1)]
        calls["n"] += 1
        return reply

    return handle


def get(runtime: Runtime, url: str, **kwargs):
    return runtime.run(runtime.fetcher.get(url, **kwargs))


def test_429_waits_for_retry_after_then_succeeds(bare_server, tmp_path):
    body = fixture_bytes(GREENHOUSE)
    bare_server.route(
        "/jobs", sequence(Reply(429, b"slow down", headers={"Retry-After": "1"}), Reply(body=body))
    )
    with Runtime(settings(tmp_path)) as runtime:
        response = get(runtime, bare_server.url("/jobs"))
    assert response.status == 200 and len(response.json()["jobs"]) == 10
    first, second = bare_server.hits("/jobs")
    assert first.status == 429 and second.status == 200
    assert second.at - first.at >= 0.9  # the server's Retry-After was honoured


def test_retry_after_longer_than_we_accept_fails_at_once(bare_server, tmp_path):
    bare_server.route("/jobs", sequence(Reply(503, b"", headers={"Retry-After": "7200"})))
    with Runtime(settings(tmp_path)) as runtime, pytest.raises(FetchError) as info:
        get(runtime, bare_server.url("/jobs"))
    assert info.value.kind == "rate_limited" and len(bare_server.hits("/jobs")) == 1


def test_500_then_200_is_retried_and_the_retry_is_logged_and_counted(bare_server, tmp_path, caplog):
    bare_server.route("/jobs", sequence(Reply(500, b"oops"), Reply(body=fixture_bytes(GREENHOUSE))))
    with caplog.at_level("INFO", logger="skillpulse.flows.http"), Runtime(settings(tmp_path)) as runtime:
        assert get(runtime, bare_server.url("/jobs")).json()["meta"]["total"] == 10
        assert runtime.fetcher.retries == {"HTTP 500": 1}
    assert [h.status for h in bare_server.hits("/jobs")] == [500, 200]
    assert any("retry 1" in r.message and "HTTP 500" in r.message for r in caplog.records)


def test_5xx_after_all_retries_is_a_status_error(bare_server, tmp_path):
    bare_server.route("/jobs", sequence(Reply(502, b"bad gateway")))
    with Runtime(settings(tmp_path, retries=2)) as runtime, pytest.raises(FetchError) as info:
        get(runtime, bare_server.url("/jobs"))
    assert info.value.kind == "status" and info.value.status == 502
    assert len(bare_server.hits("/jobs")) == 3


def test_stalled_response_times_out(bare_server, tmp_path):
    bare_server.route("/jobs", sequence(Reply(body=b"[]", stall=10)))
    with (
        Runtime(settings(tmp_path, read_timeout=0.2, retries=1)) as runtime,
        pytest.raises(FetchError) as info,
    ):
        get(runtime, bare_server.url("/jobs"))
    assert info.value.kind == "timeout"
    assert len(bare_server.hits("/jobs")) == 2  # retried once, then gave up


def test_trickling_response_hits_the_total_deadline(bare_server, tmp_path):
    bare_server.route("/jobs", sequence(Reply(body=b"[" + b"0," * 5000 + b"0]", trickle=0.05)))
    slow = settings(tmp_path, read_timeout=1.0, total_timeout=0.5, retries=0)
    with Runtime(slow) as runtime, pytest.raises(FetchError) as info:
        get(runtime, bare_server.url("/jobs"))
    assert info.value.kind == "timeout" and "no complete answer" in str(info.value)


def test_truncated_json_is_refused_not_retried(bare_server, tmp_path):
    body = fixture_bytes(GREENHOUSE)
    bare_server.route("/jobs", sequence(Reply(body=body[: len(body) // 2])))
    with Runtime(settings(tmp_path)) as runtime:
        response = get(runtime, bare_server.url("/jobs"))
        with pytest.raises(FetchError) as info:
            response.json()
    assert info.value.kind == "bad_json" and len(bare_server.hits("/jobs")) == 1


def test_connection_cut_mid_body_is_retried(bare_server, tmp_path):
    body = fixture_bytes(GREENHOUSE)
    bare_server.route("/jobs", sequence(Reply(body=body, truncate_to=5000), Reply(body=body)))
    with Runtime(settings(tmp_path)) as runtime:
        assert len(get(runtime, bare_server.url("/jobs")).json()["jobs"]) == 10
    assert len(bare_server.hits("/jobs")) == 2


def test_html_where_json_was_expected(bare_server, tmp_path):
    page = b"<!DOCTYPE html><html><body><h1>Just a moment...</h1></body></html>"
    bare_server.route("/jobs", sequence(Reply(body=page, content_type="text/html")))
    with Runtime(settings(tmp_path)) as runtime, pytest.raises(FetchError) as info:
        get(runtime, bare_server.url("/jobs")).json()
    assert info.value.kind == "not_json" and "text/html" in str(info.value)


@pytest.mark.parametrize("omit_length", [False, True], ids=["content-length", "until-close"])
def test_oversized_body_is_cut_off(bare_server, tmp_path, omit_length):
    bare_server.route("/big", sequence(Reply(body=b"x" * 300_000, omit_length=omit_length)))
    with Runtime(settings(tmp_path, max_body_bytes=100_000)) as runtime, pytest.raises(FetchError) as info:
        get(runtime, bare_server.url("/big"))
    assert info.value.kind == "too_large"


def test_gzip_bomb_is_stopped_by_the_decompressed_cap(bare_server, tmp_path):
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), 9)  # ~64 KB on the wire, 64 MB unpacked
    assert len(bomb) < 100_000
    bare_server.route("/bomb", sequence(Reply(body=bomb, headers={"Content-Encoding": "gzip"})))
    with (
        Runtime(settings(tmp_path, max_decompressed_bytes=2_000_000)) as runtime,
        pytest.raises(FetchError) as info,
    ):
        get(runtime, bare_server.url("/bomb"))
    assert info.value.kind == "too_large" and "decompressed" in str(info.value)


def test_gzip_body_is_decoded(bare_server, tmp_path):
    body = fixture_bytes(GREENHOUSE)
    bare_server.route(
        "/jobs", sequence(Reply(body=gzip.compress(body), headers={"Content-Encoding": "gzip"}))
    )
    with Runtime(settings(tmp_path)) as runtime:
        assert get(runtime, bare_server.url("/jobs")).body == body
    assert "gzip" in bare_server.hits("/jobs")[0].headers["accept-encoding"]


def test_redirect_loop_is_limited(bare_server, tmp_path):
    bare_server.route("/a", lambda r: Reply(302, b"", headers={"Location": "/b"}, conditional=False))
    bare_server.route("/b", lambda r: Reply(302, b"", headers={"Location": "/a"}, conditional=False))
    with Runtime(settings(tmp_path, max_redirects=4)) as runtime, pytest.raises(FetchError) as info:
        get(runtime, bare_server.url("/a"))
    assert info.value.kind == "redirects"
    assert len(bare_server.hits()) == 5


def test_robots_txt_is_obeyed(bare_server, tmp_path):
    bare_server.static("/robots.txt", b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    with Runtime(settings(tmp_path)) as runtime:
        fetcher = runtime.fetcher
        assert runtime.run(fetcher.allowed_by_robots(bare_server.url("/careers/1.html")))
        assert not runtime.run(fetcher.allowed_by_robots(bare_server.url("/private/2.html")))
    assert len(bare_server.hits("/robots.txt")) == 1  # read once per host


ROBOTS = b"""User-agent: *
Disallow: /jobs/
Allow: /jobs/public
Disallow: /*?gh_jid=
Disallow: /*.pdf$

User-agent: skillpulse
Disallow: /jobs/
Allow: /jobs/public
Disallow: /*?gh_jid=
Disallow: /*.pdf$
Disallow: /internal
"""


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/careers?gh_jid=123", False),  # a wildcard rule: the standard library's parser allowed it
        ("/careers", True),
        ("/jobs/public/1", True),  # the longer Allow wins over Disallow: /jobs/ (stdlib: first match)
        ("/jobs/secret/2", False),
        ("/brochure.pdf", False),  # "$" anchors the end
        ("/brochure.pdf?page=2", True),
        ("/internal/x", False),  # our own User-agent group is the one that applies
    ],
)
def test_robots_wildcards_and_allow_precedence(bare_server, tmp_path, path, allowed):
    bare_server.static("/robots.txt", ROBOTS, content_type="text/plain")
    with Runtime(settings(tmp_path)) as runtime:
        assert runtime.run(runtime.fetcher.allowed_by_robots(bare_server.url(path))) is allowed


def test_missing_robots_txt_allows(bare_server, tmp_path):
    with Runtime(settings(tmp_path)) as runtime:
        assert runtime.run(runtime.fetcher.allowed_by_robots(bare_server.url("/careers/1.html")))


def test_conditional_request_replays_the_cached_body(bare_server, tmp_path):
    body = fixture_bytes(GREENHOUSE)
    bare_server.static("/jobs", body)
    with Runtime(settings(tmp_path)) as runtime:
        first = get(runtime, bare_server.url("/jobs"))
    with Runtime(settings(tmp_path)) as runtime:  # a new run: the cache is on disk
        second = get(runtime, bare_server.url("/jobs"))
    assert not first.not_modified and second.not_modified and second.body == body
    hit = bare_server.hits("/jobs")[1]
    assert hit.status == 304 and "if-none-match" in hit.headers and "if-modified-since" in hit.headers


def test_user_agent_names_us_and_a_contact(bare_server, tmp_path):
    bare_server.static("/jobs", b"{}")
    with Runtime(settings(tmp_path, contact="ops@example.org")) as runtime:
        get(runtime, bare_server.url("/jobs"))
    headers = bare_server.hits("/jobs")[0].headers
    assert headers["user-agent"].startswith("skillpulse/") and "ops@example.org" in headers["user-agent"]
    assert headers["from"] == "ops@example.org"


def test_no_server_is_a_network_error(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connections are refused
        with Runtime(settings(tmp_path)) as runtime, pytest.raises(FetchError) as info:
            get(runtime, f"http://127.0.0.1:{port}/jobs")
    assert info.value.kind == "network"


def test_per_host_concurrency_is_capped(bare_server, tmp_path):
    bare_server.route("/slow", lambda r: Reply(body=b"{}", stall=0.15, conditional=False))
    policy = HostPolicy(concurrency=2, min_interval=0.0)
    with Runtime(settings(tmp_path)) as runtime:
        futures = [
            runtime.submit(runtime.fetcher.get(bare_server.url(f"/slow?n={n}"), policy=policy))
            for n in range(6)
        ]
        wait(futures)
        assert all(f.result().status == 200 for f in futures)
    assert bare_server.max_in_flight == 2


def test_rate_headers_pause_the_host(bare_server, tmp_path):
    spent = Reply(
        body=b"{}", headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1"}, conditional=False
    )
    bare_server.route("/muse", sequence(spent, Reply(body=b"{}", conditional=False)))
    with Runtime(settings(tmp_path)) as runtime:
        get(runtime, bare_server.url("/muse"), rate_headers=True)
        get(runtime, bare_server.url("/muse?page=1"), rate_headers=True)
    first, second = bare_server.hits("/muse")
    assert second.at - first.at >= 0.9


def test_retry_after_parsing():
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past
