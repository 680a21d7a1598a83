"""The polite fetcher every live source uses: one ``httpx.AsyncClient`` per run, shared by all sources.

Why each rule is here: the job-board APIs are public by their owners' choice, so we stay welcome by being
predictable. Per-host concurrency and a minimum interval between requests keep us under each site's
stated limits; retries back off exponentially with jitter and honour ``Retry-After``; bodies are capped
before and after decompression (a gzip bomb must not eat the machine); redirects are limited; the
User-Agent names us and a contact; HTML pages are fetched only where robots.txt allows; and ETag /
Last-Modified are replayed from an on-disk cache so a re-run downloads only what changed.

Sources are plain synchronous iterators, so :class:`Runtime` runs the client's event loop in a
background thread and hands coroutines to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import itertools
import json
import logging
import random
import sqlite3
import threading
import time
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

T = TypeVar("T")

USER_AGENT_TOKEN = "skillpulse"
DEFAULT_CONTACT = "https://github.com/skillpulse/skillpulse"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

log = logging.getLogger(__name__)


class FetchError(Exception):
    """A request that failed for good; ``kind`` says why (network, timeout, status, too_large, ...)."""

    def __init__(self, url: str, kind: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{kind}: {message} ({url})")
        self.url = url
        self.kind = kind
        self.status = status


@dataclass(frozen=True)
class HostPolicy:
    """How hard we may press one host: parallel requests and the gap between request starts."""

    concurrency: int = 4
    min_interval: float = 0.25


@dataclass
class FetchSettings:
    """Every knob of the fetcher; tests shrink the timings, ``sources.yaml`` sets the contact."""

    contact: str = DEFAULT_CONTACT
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 300.0  # a server trickling bytes never trips the read timeout; this stops it
    retries: int = 4
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    max_retry_after: float = 300.0
    max_body_bytes: int = 50 * 1024 * 1024
    max_decompressed_bytes: int = 200 * 1024 * 1024
    max_redirects: int = 5
    default_policy: HostPolicy = field(default_factory=HostPolicy)
    cache_path: Path | None = None

    @property
    def user_agent(self) -> str:
        return f"{USER_AGENT_TOKEN}/0.1 (+{self.contact})"


@dataclass
class Response:
    """A finished response. ``not_modified`` means the server said 304 and ``body`` came from the cache."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").lower()

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """Decode JSON, refusing HTML error pages and truncated bodies with a clear reason."""
        head = self.body[:200].lstrip().lower()
        if "html" in self.content_type or head.startswith((b"<!doctype", b"<html")):
            raise FetchError(self.url, "not_json", f"expected JSON, got {self.content_type or 'HTML'}")
        try:
            return json.loads(self.body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise FetchError(self.url, "bad_json", f"invalid or truncated JSON ({exc})") from exc


class HttpCache:
    """Validators and bodies of earlier 200 responses, plus a log of rate-limited runs, in SQLite.

    The body is kept so a 304 can be replayed: if a run is killed after the body arrived but before its
    postings were committed, the next run still gets them.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.con = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS responses (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, "
            "body BLOB NOT NULL, stored_at REAL NOT NULL)"
        )
        self.con.execute("CREATE TABLE IF NOT EXISTS run_log (name TEXT NOT NULL, at REAL NOT NULL)")

    def get(self, url: str) -> tuple[str | None, str | None, bytes] | None:
        with self._lock:
            row = self.con.execute(
                "SELECT etag, last_modified, body FROM responses WHERE url = ?", [url]
            ).fetchone()
        return (row[0], row[1], zlib.decompress(row[2])) if row else None

    def put(self, url: str, etag: str | None, last_modified: str | None, body: bytes) -> None:
        with self._lock:
            self.con.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?)",
                [url, etag, last_modified, zlib.compress(body, 6), time.time()],
            )

    def runs_since(self, name: str, since: float) -> int:
        with self._lock:
            return self.con.execute(
                "SELECT count(*) FROM run_log WHERE name = ? AND at >= ?", [name, since]
            ).fetchone()[0]

    def log_run(self, name: str) -> None:
        with self._lock:
            self.con.execute("INSERT INTO run_log VALUES (?, ?)", [name, time.time()])

    def close(self) -> None:
        self.con.close()


class _HostLimiter:
    """A semaphore for concurrency plus a start-time gate for the minimum interval."""

    def __init__(self, policy: HostPolicy) -> None:
        self.policy = policy
        self.semaphore = asyncio.Semaphore(max(1, policy.concurrency))
        self._gate = asyncio.Lock()
        self._next_start = 0.0

    def pause_until(self, monotonic_at: float) -> None:
        self._next_start = max(self._next_start, monotonic_at)

    async def wait_turn(self) -> None:
        async with self._gate:
            delay = self._next_start - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self._next_start = time.monotonic() + self.policy.min_interval


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _decoder(encoding: str) -> Any:
    encoding = encoding.strip().lower()
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS | 32)
    if encoding in ("", "identity"):
        return None
    raise ValueError(f"unsupported content-encoding {encoding!r}")


class Fetcher:
    """Async GETs with the politeness rules above. Create inside a running loop (see :class:`Runtime`)."""

    def __init__(self, settings: FetchSettings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        headers = {"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"}
        if "@" in settings.contact:
            headers["From"] = settings.contact
        self.client = httpx.AsyncClient(
            headers=headers,
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            follow_redirects=True,
            max_redirects=settings.max_redirects,
            transport=transport,
        )
        self.cache = HttpCache(settings.cache_path) if settings.cache_path else None
        self._limiters: dict[str, _HostLimiter] = {}
        self._robots: dict[str, RobotFileParser | None] = {}
        self.requests = 0
        self.bytes_downloaded = 0
        # Every retry is logged and counted, by cause ("network", "timeout", "HTTP 429", ...).
        self.retries: Counter[str] = Counter()

    async def aclose(self) -> None:
        await self.client.aclose()
        if self.cache:
            self.cache.close()

    def limiter(self, host: str, policy: HostPolicy | None = None) -> _HostLimiter:
        """The limiter of ``host``; a stricter policy registered later wins."""
        policy = policy or self.settings.default_policy
        current = self._limiters.get(host)
        if current is None:
            current = self._limiters[host] = _HostLimiter(policy)
        elif (
            policy.min_interval > current.policy.min_interval
            or policy.concurrency < current.policy.concurrency
        ):
            strict = HostPolicy(
                min(policy.concurrency, current.policy.concurrency),
                max(policy.min_interval, current.policy.min_interval),
            )
            current = self._limiters[host] = _HostLimiter(strict)
        return current

    async def get(
        self,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        policy: HostPolicy | None = None,
        conditional: bool = True,
        accept: str = "application/json",
        rate_headers: bool = False,
    ) -> Response:
        """GET ``url`` with retries; raises :class:`FetchError` once retries are spent."""
        full_url = str(httpx.URL(url, params=params)) if params else url
        limiter = self.limiter(urlsplit(full_url).netloc, policy)
        cached = self.cache.get(full_url) if (conditional and self.cache) else None
        headers = {"Accept": accept}
        if cached:
            etag, last_modified, _ = cached
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            try:
                async with limiter.semaphore:
                    await limiter.wait_turn()
                    response = await self._get_with_deadline(full_url, headers)
            except FetchError as exc:
                if exc.kind not in ("network", "timeout") or attempt >= self._retries_for(exc):
                    raise
                delay = self._backoff(attempt)
                self._note_retry(exc.kind, full_url, attempt, delay)
                await asyncio.sleep(delay)
                attempt += 1
                continue
            if rate_headers:
                self._read_rate_headers(limiter, response.headers)
            if response.status == 304 and cached:
                return Response(full_url, 304, response.headers, cached[2], not_modified=True)
            if response.status in RETRY_STATUSES:
                wait = retry_after_seconds(response.headers.get("retry-after"))
                if wait is not None and wait > self.settings.max_retry_after:
                    raise FetchError(full_url, "rate_limited", f"asked to wait {wait:.0f}s", response.status)
                if attempt >= self.settings.retries:
                    raise FetchError(
                        full_url,
                        "status",
                        f"HTTP {response.status} after {attempt + 1} tries",
                        response.status,
                    )
                delay = self._backoff(attempt)
                if wait is not None and response.status in (429, 503):
                    delay = max(wait, delay / 4)
                    limiter.pause_until(time.monotonic() + wait)
                self._note_retry(f"HTTP {response.status}", full_url, attempt, delay)
                await asyncio.sleep(delay)
                attempt += 1
                continue
            if response.status >= 400:
                raise FetchError(full_url, "status", f"HTTP {response.status}", response.status)
            if self.cache and (response.headers.get("etag") or response.headers.get("last-modified")):
                self.cache.put(
                    full_url,
                    response.headers.get("etag"),
                    response.headers.get("last-modified"),
                    response.body,
                )
            return response

    def _note_retry(self, cause: str, url: str, attempt: int, delay: float) -> None:
        self.retries[cause] += 1
        log.info("retry %d for %s after %s, waiting %.1f s", attempt + 1, url, cause, delay)

    def _retries_for(self, exc: FetchError) -> int:
        # A refused connection rarely heals within seconds; one more try, then report "no network".
        return 1 if exc.kind == "network" else self.settings.retries

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.settings.backoff_max, self.settings.backoff_base * 2**attempt)
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    @staticmethod
    def _read_rate_headers(limiter: _HostLimiter, headers: httpx.Headers) -> None:
        """The Muse-style ``X-RateLimit-Remaining`` / ``-Reset``: stop until the window resets."""
        remaining = headers.get("x-ratelimit-remaining")
        reset = headers.get("x-ratelimit-reset")
        if remaining is not None and remaining.strip().isdigit() and int(remaining) <= 0 and reset:
            with contextlib.suppress(ValueError):
                limiter.pause_until(time.monotonic() + float(reset))

    async def _get_with_deadline(self, url: str, headers: dict[str, str]) -> Response:
        try:
            return await asyncio.wait_for(self._get_once(url, headers), self.settings.total_timeout)
        except TimeoutError as exc:
            raise FetchError(
                url, "timeout", f"no complete answer in {self.settings.total_timeout:.0f}s"
            ) from exc

    async def _get_once(self, url: str, headers: dict[str, str]) -> Response:
        self.requests += 1
        try:
            async with self.client.stream("GET", url, headers=headers) as response:
                body = b""
                if response.status_code not in (304,) and response.status_code < 400:
                    body = await self._read_capped(url, response)
                return Response(str(response.url), response.status_code, response.headers, body)
        except httpx.TooManyRedirects as exc:
            raise FetchError(url, "redirects", f"more than {self.settings.max_redirects} redirects") from exc
        except httpx.TimeoutException as exc:
            raise FetchError(url, "timeout", type(exc).__name__) from exc
        except httpx.ConnectError as exc:
            raise FetchError(url, "network", f"cannot connect ({exc})") from exc
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise FetchError(url, "network", f"{type(exc).__name__}: {exc}") from exc

    async def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        cap, decoded_cap = self.settings.max_body_bytes, self.settings.max_decompressed_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise FetchError(url, "too_large", f"Content-Length {declared} exceeds {cap} bytes")
        try:
            decoder = _decoder(response.headers.get("content-encoding", ""))
        except ValueError as exc:
            raise FetchError(url, "decode", str(exc)) from exc
        raw_size = 0
        out = bytearray()
        async for chunk in response.aiter_raw():
            raw_size += len(chunk)
            self.bytes_downloaded += len(chunk)
            if raw_size > cap:
                raise FetchError(url, "too_large", f"body exceeds {cap} bytes")
            if decoder is None:
                out += chunk
                continue
            data = chunk
            while data:
                try:
                    piece = decoder.decompress(data, decoded_cap - len(out) + 1)
                except zlib.error as exc:
                    raise FetchError(url, "decode", f"corrupt compressed body ({exc})") from exc
                out += piece
                if len(out) > decoded_cap:
                    raise FetchError(url, "too_large", f"decompressed body exceeds {decoded_cap} bytes")
                data = decoder.unconsumed_tail
        if decoder is not None:
            out += decoder.flush()
            if len(out) > decoded_cap:
                raise FetchError(url, "too_large", f"decompressed body exceeds {decoded_cap} bytes")
        return bytes(out)

    async def allowed_by_robots(self, url: str, policy: HostPolicy | None = None) -> bool:
        """Whether robots.txt lets our User-Agent fetch ``url``; an absent robots.txt allows all."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            parser: RobotFileParser | None = RobotFileParser()
            try:
                response = await self.get(f"{origin}/robots.txt", policy=policy, accept="text/plain")
                parser.parse(response.text().splitlines())
            except FetchError as exc:
                if exc.status in (401, 403):
                    parser.disallow_all = True
                elif exc.status is not None and 400 <= exc.status < 500:
                    parser.allow_all = True
                else:
                    raise
            self._robots[origin] = parser
        parser = self._robots[origin]
        return parser is None or parser.can_fetch(USER_AGENT_TOKEN, url)


class Runtime:
    """Runs one :class:`Fetcher` on an event loop in a background thread, for synchronous callers."""

    def __init__(self, settings: FetchSettings | None = None) -> None:
        self.settings = settings or FetchSettings()
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="skillpulse-http", daemon=True)
        self._thread.start()
        self.fetcher: Fetcher = self.run(self._make_fetcher())

    async def _make_fetcher(self) -> Fetcher:
        return Fetcher(self.settings)

    def submit(self, coro: Awaitable[T]) -> Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)  # type: ignore[arg-type]

    def run(self, coro: Awaitable[T]) -> T:
        return self.submit(coro).result()

    def as_completed(
        self, jobs: Iterable[tuple[Any, Callable[[Fetcher], Awaitable[T]]]], window: int = 16
    ) -> Iterator[tuple[Any, T | None, BaseException | None]]:
        """Run jobs, at most ``window`` in flight (host limiters pace them further), and yield
        ``(key, result, error)`` as each ends; the window bounds the bodies held in memory."""
        pending = iter(jobs)
        running: dict[Future[T], Any] = {}
        try:
            while True:
                for key, make in itertools.islice(pending, max(0, window - len(running))):
                    running[self.submit(make(self.fetcher))] = key
                if not running:
                    return
                done, _ = futures_wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    key = running.pop(future)
                    error = future.exception()
                    yield key, (None if error else future.result()), error
        finally:
            for future in running:
                future.cancel()

    def close(self) -> None:
        if not self.loop.is_running():
            return
        try:
            self.run(self.fetcher.aclose())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=5)

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
