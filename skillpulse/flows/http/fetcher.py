"""The async GET with every rule applied: retries (logged and counted), caps, redirects, robots, cache.

Redirects are followed here, one hop at a time, so that every hop's target passes the :class:`HostGuard`
(no private, loopback, link-local or non-http(s) target unless the configuration named its origin; see
:mod:`flows.http.guard`) and the ``max_redirects`` cap holds.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
import zlib
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import httpx
from protego import Protego

from skillpulse.flows.http.cache import HttpCache
from skillpulse.flows.http.errors import FetchError, one_line
from skillpulse.flows.http.guard import HostGuard, origin_of
from skillpulse.flows.http.limits import _HostLimiter, rate_reset_seconds, retry_after_seconds
from skillpulse.flows.http.response import Response, _decoder
from skillpulse.flows.http.settings import RETRY_STATUSES, USER_AGENT_TOKEN, FetchSettings, HostPolicy

log = logging.getLogger(__name__)


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
            follow_redirects=False,  # followed hop by hop in _send_once, each target checked
            transport=transport,
        )
        self.guard = HostGuard(resolve_timeout=settings.connect_timeout)
        self.cache = HttpCache(settings.cache_path) if settings.cache_path else None
        self._limiters: dict[str, _HostLimiter] = {}
        self._robots: dict[str, Protego | bool] = {}
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
            current = self._limiters[host] = current.with_policy(strict)
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
        from_page: bool = False,
    ) -> Response:
        """GET ``url`` with retries; raises :class:`FetchError` once retries are spent.

        The caller vouches that ``url`` comes from the configuration (base URL + path), so its origin may
        be private (a mirror, the tests' loopback server). Pass ``from_page=True`` for a URL read from a
        body (a sitemap entry, a "next" link): then only public hosts and ``policy.origins`` are allowed.
        """
        return await self._request(
            "GET",
            url,
            params=params,
            policy=policy,
            conditional=conditional,
            accept=accept,
            rate_headers=rate_headers,
            from_page=from_page,
        )

    async def post_json(
        self,
        url: str,
        payload: Any,
        *,
        policy: HostPolicy | None = None,
        accept: str = "application/json",
        rate_headers: bool = False,
    ) -> Response:
        """POST a JSON ``payload`` (a search API such as Workday's ``cxs`` jobs list) with the same
        retries, limits and caps as a GET; never cached, since the answer depends on the body."""
        body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
        return await self._request(
            "POST",
            url,
            policy=policy,
            conditional=False,
            accept=accept,
            rate_headers=rate_headers,
            body=body,
        )

    async def _request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        policy: HostPolicy | None = None,
        conditional: bool = True,
        accept: str = "application/json",
        rate_headers: bool = False,
        body: bytes | None = None,
        from_page: bool = False,
    ) -> Response:
        policy = policy or self.settings.default_policy
        try:
            full_url = str(httpx.URL(url, params=params)) if params else url
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise FetchError(str(url), "refused", f"not a valid URL ({exc})") from None
        allowed = self._allowed(full_url, policy, from_page)
        await self.guard.check(full_url, allowed, "page link to" if from_page else "request to")
        limiter = self.limiter(urlsplit(full_url).netloc, policy)
        cached = self.cache.get(full_url) if (conditional and self.cache) else None
        headers = {"Accept": accept}
        if body is not None:
            headers["Content-Type"] = "application/json"
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
                    closed = limiter.closed()
                    if closed:
                        raise FetchError(full_url, "rate_limited", closed)
                    response = await self._send_with_deadline(method, full_url, headers, body, allowed)
            except FetchError as exc:
                if exc.kind not in ("network", "timeout") or attempt >= self._retries_for(exc):
                    raise
                delay = self._backoff(attempt)
                self._note_retry(exc.kind, full_url, attempt, delay)
                await asyncio.sleep(delay)
                attempt += 1
                continue
            if rate_headers:
                self._read_rate_headers(limiter, response.headers, full_url)
            if response.status == 304 and cached:
                return Response(full_url, 304, response.headers, cached[2], not_modified=True)
            if response.status in RETRY_STATUSES:
                wait = retry_after_seconds(response.headers.get("retry-after"))
                if wait is not None and wait > self.settings.max_retry_after:
                    reason = self._too_long("Retry-After", wait)
                    limiter.close_until(time.monotonic() + wait, reason)
                    raise FetchError(full_url, "rate_limited", reason, response.status)
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

    @staticmethod
    def _allowed(url: str, policy: HostPolicy, from_page: bool) -> frozenset[str]:
        """The origins ``url``'s hops may reach though private: the policy's named ones, plus the URL's
        own origin when the caller vouches for it (built from the configuration, not read from a page)."""
        vouched = None if from_page else origin_of(url)
        return policy.origins | {vouched} if vouched else policy.origins

    def _note_retry(self, cause: str, url: str, attempt: int, delay: float) -> None:
        self.retries[cause] += 1
        log.info("retry %d for %s after %s, waiting %.1f s", attempt + 1, url, cause, delay)

    def _retries_for(self, exc: FetchError) -> int:
        # A refused connection rarely heals within seconds; one more try, then report "no network".
        return 1 if exc.kind == "network" else self.settings.retries

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.settings.backoff_max, self.settings.backoff_base * 2**attempt)
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def _too_long(self, header: str, wait: float) -> str:
        return (
            f"the server asks for a {wait:.0f}s wait ({header}), more than max_retry_after "
            f"{self.settings.max_retry_after:.0f}s; this host is left alone for the rest of the run"
        )

    def _read_rate_headers(self, limiter: _HostLimiter, headers: httpx.Headers, url: str) -> None:
        """The Muse-style ``X-RateLimit-Remaining`` / ``-Reset``: stop until the window resets, or, when
        that is further away than ``max_retry_after``, close the host (its requests then fail at once)."""
        remaining = (headers.get("x-ratelimit-remaining") or "").strip()
        if not (remaining.isascii() and remaining.isdigit()) or int(remaining) > 0:
            return
        wait = rate_reset_seconds(headers.get("x-ratelimit-reset"))
        if wait is None:
            return
        if wait > self.settings.max_retry_after:
            limiter.close_until(time.monotonic() + wait, self._too_long("X-RateLimit-Reset", wait))
            log.info("%s: X-RateLimit-Reset %.0fs is over the cap; host closed for the run", url, wait)
        else:
            limiter.pause_until(time.monotonic() + wait)

    async def _send_with_deadline(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes | None,
        allowed: set[str] | frozenset[str],
    ) -> Response:
        try:
            return await asyncio.wait_for(
                self._send_once(method, url, headers, body, allowed), self.settings.total_timeout
            )
        except TimeoutError as exc:
            raise FetchError(
                url, "timeout", f"no complete answer in {self.settings.total_timeout:.0f}s"
            ) from exc

    async def _send_once(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes | None,
        allowed: set[str] | frozenset[str],
    ) -> Response:
        """One request and its redirects, each hop's target checked before it is contacted."""
        target, hops = url, 0
        while True:
            self.requests += 1
            try:
                async with self.client.stream(method, target, headers=headers, content=body) as response:
                    location = response.headers.get("location") if response.has_redirect_location else None
                    if location is None:
                        data = b""
                        if response.status_code not in (304,) and response.status_code < 400:
                            data = await self._read_capped(target, response)
                        return Response(str(response.url), response.status_code, response.headers, data)
                    status, current = response.status_code, response.url
            except httpx.TimeoutException as exc:
                raise FetchError(target, "timeout", type(exc).__name__) from exc
            except httpx.ConnectError as exc:
                raise FetchError(target, "network", f"cannot connect ({exc})") from exc
            except (httpx.InvalidURL, httpx.RemoteProtocolError) as exc:
                # httpx reads a redirect's Location even when it does not follow it: unreadable is refused
                if isinstance(exc, httpx.InvalidURL) or "location header" in str(exc).lower():
                    where = urlsplit(target).hostname
                    raise FetchError(
                        target, "refused", f"redirect from {where} to an unreadable Location ({exc})"
                    ) from None
                raise FetchError(target, "network", f"{type(exc).__name__}: {exc}") from exc
            except (httpx.TransportError, httpx.DecodingError) as exc:
                raise FetchError(target, "network", f"{type(exc).__name__}: {exc}") from exc
            if hops >= self.settings.max_redirects:
                raise FetchError(url, "redirects", f"more than {self.settings.max_redirects} redirects")
            hops += 1
            try:
                next_url = current.join(location)
            except (httpx.InvalidURL, TypeError, ValueError) as exc:
                raise FetchError(
                    url, "refused", f"redirect to {one_line(location, 120)!r}: not a valid URL ({exc})"
                ) from None
            target = str(await self.guard.check(next_url, allowed, f"redirect from {current.host} to"))
            if status == 303 or (status in (301, 302) and method == "POST"):
                method, body = "GET", None  # what browsers (and httpx) do
                headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}

    async def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        cap, decoded_cap = self.settings.max_body_bytes, self.settings.max_decompressed_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isascii() and declared.isdigit() and int(declared) > cap:
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

    async def allowed_by_robots(
        self, url: str, policy: HostPolicy | None = None, from_page: bool = False
    ) -> bool:
        """Whether robots.txt lets our User-Agent fetch ``url``; an absent robots.txt allows all.

        ``from_page`` as for :meth:`get`: robots.txt of a URL a page handed us is checked like that URL."""
        policy = policy or self.settings.default_policy
        hop = "page link to" if from_page else "request to"
        await self.guard.check(url, self._allowed(url, policy, from_page), hop)  # the page, named as such
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            # Protego, not urllib.robotparser: the standard library ignores wildcards and reads
            # ``Disallow: /*?gh_jid=`` as allowing the page; Protego follows Google's rules (wildcards,
            # ``$``, the longest match wins, Allow over Disallow on a tie).
            rules: Protego | bool
            try:
                response = await self.get(
                    f"{origin}/robots.txt", policy=policy, accept="text/plain", from_page=from_page
                )
                rules = Protego.parse(response.text())
            except FetchError as exc:
                if exc.status in (401, 403):
                    rules = False  # a robots.txt we may not read: ask for nothing
                elif exc.status is not None and 400 <= exc.status < 500:
                    rules = True  # no robots.txt: everything is allowed
                else:
                    raise
            self._robots[origin] = rules
        rules = self._robots[origin]
        return rules if isinstance(rules, bool) else rules.can_fetch(url, USER_AGENT_TOKEN)
