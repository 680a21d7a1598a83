"""A real HTTP server on 127.0.0.1 that replays the recorded API bodies in ``fixtures/``, with faults.

Routes are plain functions ``(Request) -> Reply``; every reply to a GET carries an ETag and a
Last-Modified and honours ``If-None-Match`` / ``If-Modified-Since`` with a 304, like the real APIs' CDNs.
Every request is logged (path, query, headers, status), so tests can assert what the client sent.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"
LAST_MODIFIED = "Mon, 23 Nov 2026 06:00:00 GMT"


def fixture_bytes(relative: str) -> bytes:
    path = FIXTURES / relative
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def fixture_json(relative: str) -> Any:
    return json.loads(fixture_bytes(relative))


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    status: int = 0
    method: str = "GET"
    body: bytes = b""  # what a POST sent (a search API's JSON query)
    at: float = field(default_factory=time.monotonic)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"
    stall: float = 0.0  # seconds to wait before answering
    truncate_to: int | None = None  # send only this many body bytes, then close (Content-Length lies)
    conditional: bool = True
    omit_length: bool = False  # no Content-Length: the body ends when the connection closes
    trickle: float = 0.0  # seconds between 100-byte pieces of the body


Handler = Callable[[Request], Reply]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog of 5 drops SYNs under 8 parallel connects (1 s stalls)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up (timeouts, caps) are part of the tests


class LoopbackServer:
    """``ThreadingHTTPServer`` in a daemon thread; ``with LoopbackServer() as s: s.route(...)``."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.log: list[Request] = []
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self.in_flight = 0
        self.max_in_flight = 0
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                server._serve(self)

            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                server._serve(self)

        self.httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    # -- lifecycle ----------------------------------------------------------------------------------
    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str = "") -> str:
        return f"{self.base}{path}"

    # -- routes -------------------------------------------------------------------------------------
    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def static(self, path: str, body: bytes, content_type: str = "application/json; charset=utf-8") -> None:
        self.routes[path] = lambda request: Reply(body=body, content_type=content_type)

    def hits(self, path: str | None = None) -> list[Request]:
        with self._lock:
            return [r for r in self.log if path is None or r.path == path]

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()

    # -- serving ------------------------------------------------------------------------------------
    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        length = h.headers.get("Content-Length")
        request = Request(
            path=parts.path,
            query={k: v[-1] for k, v in parse_qs(parts.query).items()},
            headers={k.lower(): v for k, v in h.headers.items()},
            method=h.command,
            body=h.rfile.read(int(length)) if length and length.isdigit() else b"",
        )
        handler = self.routes.get(parts.path)
        with self._lock:
            self.log.append(request)  # logged on arrival; ``status`` is filled in when answered
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            reply = handler(request) if handler else Reply(404, b'{"error":"not found"}')
            if reply.stall:
                self.stopping.wait(reply.stall)
            self._send(h, request, reply)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _send(self, h: BaseHTTPRequestHandler, request: Request, reply: Reply) -> None:
        etag = '"' + hashlib.sha256(reply.body).hexdigest()[:20] + '"'
        status, body = reply.status, reply.body
        headers = {"Content-Type": reply.content_type, **reply.headers}
        if status == 200 and reply.conditional:
            headers.update({"ETag": etag, "Last-Modified": LAST_MODIFIED})
            if request.headers.get("if-none-match") == etag or (
                "if-none-match" not in request.headers
                and request.headers.get("if-modified-since") == LAST_MODIFIED
            ):
                status, body = 304, b""
        request.status = status
        try:
            h.send_response(status)
            for key, value in headers.items():
                h.send_header(key, value)
            if status != 304 and not reply.omit_length:
                h.send_header("Content-Length", str(len(body)))
            if reply.omit_length:
                h.send_header("Connection", "close")
            h.end_headers()
            if status != 304:
                payload = body if reply.truncate_to is None else body[: reply.truncate_to]
                step = 100 if reply.trickle else max(1, len(payload))
                for start in range(0, len(payload), step):
                    if reply.trickle and self.stopping.wait(reply.trickle):
                        return
                    h.wfile.write(payload[start : start + step])
                    h.wfile.flush()
            if reply.truncate_to is not None or reply.omit_length:
                h.close_connection = True
            h.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass


# -- the job APIs, in their real formats -----------------------------------------------------------------
def json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def lever_handler(body: bytes) -> Handler:
    """Lever pages with ``skip``/``limit``; the first full page is the recorded bytes unchanged."""
    postings = json.loads(body)

    def handle(request: Request) -> Reply:
        skip, limit = int(request.query.get("skip", 0)), int(request.query.get("limit", 10**6))
        if skip == 0 and limit >= len(postings):
            return Reply(body=body)
        return Reply(body=json_bytes(postings[skip : skip + limit]))

    return handle


def paged_handler(pages: list[bytes]) -> Handler:
    def handle(request: Request) -> Reply:
        page = int(request.query.get("page", 0))
        return Reply(body=pages[page]) if 0 <= page < len(pages) else Reply(404, b"{}")

    return handle


def arbeitnow_handler(server: LoopbackServer, pages: list[list[dict]]) -> Handler:
    """Arbeitnow's envelope (``data``, ``links``, ``meta``) around the recorded ``data`` arrays."""

    def handle(request: Request) -> Reply:
        page = int(request.query.get("page", 1))
        if not 1 <= page <= len(pages):
            return Reply(body=json_bytes({"data": [], "links": {"next": None}, "meta": {}}))
        link = server.url("/api/job-board-api?page={}")
        envelope = {
            "data": pages[page - 1],
            "links": {
                "first": link.format(1),
                "last": None,
                "prev": link.format(page - 1) if page > 1 else None,
                "next": link.format(page + 1) if page < len(pages) else None,
            },
            "meta": {"current_page": page, "path": server.url("/api/job-board-api"), "per_page": 100},
        }
        return Reply(body=json_bytes(envelope))

    return handle


def themuse_handler(results: list[dict], per_page: int = 20) -> Handler:
    """The Muse's page envelope around the recorded ``results`` objects, with its rate headers."""
    pages = [results[i : i + per_page] for i in range(0, len(results), per_page)]
    calls = {"n": 0}

    def handle(request: Request) -> Reply:
        page = int(request.query.get("page", 0))
        calls["n"] += 1
        envelope = {
            "page": page,
            "page_count": len(pages),
            "items_per_page": per_page,
            "took": 3,
            "timed_out": False,
            "total": len(results),
            "results": pages[page] if 0 <= page < len(pages) else [],
        }
        rate = {"X-RateLimit-Limit": "500", "X-RateLimit-Remaining": str(max(0, 500 - calls["n"]))}
        return Reply(body=json_bytes(envelope), headers={**rate, "X-RateLimit-Reset": "3600"})

    return handle


def smartrecruiters_list_handler(server: LoopbackServer) -> Handler:
    """The recorded list (3 postings, details not recorded) plus a summary of the recorded detail.

    The summary keeps only the detail's keys that list items carry, so the list has one posting whose
    detail the server can serve; pages follow ``limit``/``offset`` like the real API.
    """
    listing = fixture_json("smartrecruiters/postings_WesternDigital.json.gz")
    detail = fixture_json("smartrecruiters/posting_WesternDigital_744000140949875.json.gz")
    summary_keys = set(listing["content"][0])
    summary = {k: v for k, v in detail.items() if k in summary_keys}
    summary["ref"] = "https://api.smartrecruiters.com/v1/companies/WesternDigital/postings/744000140949875"
    items = [*listing["content"], summary]

    def handle(request: Request) -> Reply:
        offset, limit = int(request.query.get("offset", 0)), int(request.query.get("limit", 10))
        page = {
            "offset": offset,
            "limit": limit,
            "totalFound": len(items),
            "content": items[offset : offset + limit],
        }
        return Reply(body=json_bytes(page))

    return handle


JSONLD_PAGES = {
    "lambda": "jsonld/ashby_lambda_job_detail.html.gz",
    "paylocity": "jsonld/paylocity_sendcutsend_4272751.html.gz",
    "paloalto": "jsonld/paloaltonetworks_job_detail.html.gz",
    "diode": "jsonld/workatastartup_diode_senior_trimmed.html.gz",
    "icims": "jsonld/icims_sig_trimmed.html.gz",
    "coupang": "jsonld/coupang_job_7486748.html.gz",
    "github": "jsonld/github_careers_job_4648.html.gz",
}
HN_ITEM = 2396027


def install_job_apis(server: LoopbackServer) -> None:
    """Every API's routes at the paths the real hosts use, so only ``base_url`` differs."""
    for token in ("luno", "takealotgroup"):
        server.static(
            f"/v1/boards/{token}/jobs", fixture_bytes(f"greenhouse/board_{token}_content_true.json.gz")
        )
    server.route("/v0/postings/moo", lever_handler(fixture_bytes("lever/postings_moo.json.gz")))
    server.route("/v0/postings/plaid", lever_handler(fixture_bytes("lever/postings_plaid_first20.json.gz")))
    server.static("/posting-api/job-board/anyscale", fixture_bytes("ashby/job-board_anyscale.json.gz"))
    server.static("/posting-api/job-board/Aspora", fixture_bytes("ashby/job-board_Aspora.json.gz"))
    server.route("/v1/companies/WesternDigital/postings", smartrecruiters_list_handler(server))
    server.static(
        "/v1/companies/WesternDigital/postings/744000140949875",
        fixture_bytes("smartrecruiters/posting_WesternDigital_744000140949875.json.gz"),
    )
    server.static("/api/v1/widget/accounts/apna", fixture_bytes("workable/widget_accounts_apna.json.gz"))
    server.static("/api", fixture_bytes("remoteok/api_2024-12-04.json.gz"))
    server.static("/api/remote-jobs", fixture_bytes("remotive/remotive_data.json.a8558acc4b3d.gz"))
    server.route(
        "/api/job-board-api",
        arbeitnow_handler(
            server,
            [
                fixture_json("arbeitnow/bronze_jobs.json.4b1df1e00adb.gz")["data"],
                fixture_json("arbeitnow/bronze_jobs.json.66c101765795.gz")["data"],
            ],
        ),
    )
    server.route("/api/public/jobs", themuse_handler(fixture_json("themuse/results_first50.json.gz")))
    server.route(
        "/api/v1/search_by_date",
        paged_handler(
            [fixture_bytes(f"hn/algolia_search_by_date_whoishiring_page{n}.json.gz") for n in range(9)]
        ),
    )
    server.static(f"/api/v1/items/{HN_ITEM}", fixture_bytes(f"hn/algolia_items_{HN_ITEM}.json.gz"))
    for name, path in JSONLD_PAGES.items():
        server.static(f"/careers/{name}.html", fixture_bytes(path), content_type="text/html; charset=utf-8")
    server.static(
        "/robots.txt",
        b"User-agent: *\nDisallow: /private/\n",
        content_type="text/plain",
    )
    server.static("/private/secret.html", fixture_bytes(JSONLD_PAGES["diode"]), content_type="text/html")
    locs = "".join(f"<url><loc>{server.url(f'/careers/{n}.html')}</loc></url>" for n in JSONLD_PAGES)
    server.static(
        "/sitemap.xml",
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'.encode(),
        content_type="application/xml",
    )


def source_settings(server: LoopbackServer) -> dict[str, dict[str, Any]]:
    """A ``sources:`` section pointing every source at the loopback server, with no pauses."""
    fast = {"min_interval": 0, "concurrency": 8}
    return {
        "greenhouse": {"base_url": server.url("/v1/boards"), "boards": ["luno", "takealotgroup"], **fast},
        "lever": {"base_url": server.url("/v0/postings"), "sites": ["moo", "plaid"], **fast},
        "ashby": {"base_url": server.url("/posting-api/job-board"), "boards": ["anyscale", "Aspora"], **fast},
        "smartrecruiters": {"base_url": server.url("/v1/companies"), "companies": ["WesternDigital"], **fast},
        "workable": {"base_url": server.url("/api/v1/widget/accounts"), "accounts": ["apna"], **fast},
        "remoteok": {"base_url": server.url("/api"), **fast},
        "remotive": {"base_url": server.url("/api/remote-jobs"), **fast},
        "arbeitnow": {"base_url": server.url("/api/job-board-api"), **fast},
        "themuse": {"base_url": server.url("/api/public/jobs"), **fast},
        "hn": {"base_url": server.url("/api/v1"), "from_month": "2011-04", "to_month": "2011-04", **fast},
        "jsonld": {
            "urls": [server.url(f"/careers/{n}.html") for n in JSONLD_PAGES]
            + [server.url("/private/secret.html")],
            **fast,
        },
    }


def http_settings(cache_path: Path, **overrides: Any) -> dict[str, Any]:
    """Fast timings for tests: small timeouts and back-off, so fault tests take milliseconds."""
    return {
        "contact": "tests@skillpulse.invalid",
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "retries": 3,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        "min_interval": 0,
        "concurrency": 8,
        "cache_path": str(cache_path),
        **overrides,
    }
