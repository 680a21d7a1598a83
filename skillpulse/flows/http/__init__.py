"""The polite fetcher every live source uses: one ``httpx.AsyncClient`` per run, shared by all sources.

Why each rule is here: the job-board APIs are public by their owners' choice, so we stay welcome by being
predictable. Per-host concurrency and a minimum interval between requests keep us under each site's
stated limits; retries back off exponentially with jitter and honour ``Retry-After``; bodies are capped
before and after decompression (a gzip bomb must not eat the machine); redirects are limited; the
User-Agent names us and a contact; HTML pages are fetched only where robots.txt allows; and ETag /
Last-Modified are replayed from an on-disk cache so a re-run downloads only what changed.

Sources are plain synchronous iterators, so :class:`Runtime` runs the client's event loop in a
background thread and hands coroutines to it.

One module per concern: ``errors``, ``settings``, ``response``, ``cache``, ``limits``, ``fetcher``,
``runtime``; everything a source needs is re-exported here.
"""

from __future__ import annotations

from skillpulse.flows.http.cache import HttpCache
from skillpulse.flows.http.errors import FetchError
from skillpulse.flows.http.fetcher import Fetcher
from skillpulse.flows.http.limits import retry_after_seconds
from skillpulse.flows.http.response import Response
from skillpulse.flows.http.runtime import Runtime
from skillpulse.flows.http.settings import (
    DEFAULT_CONTACT,
    RETRY_STATUSES,
    USER_AGENT_TOKEN,
    FetchSettings,
    HostPolicy,
)

__all__ = [
    "DEFAULT_CONTACT",
    "FetchError",
    "FetchSettings",
    "Fetcher",
    "HostPolicy",
    "HttpCache",
    "RETRY_STATUSES",
    "Response",
    "Runtime",
    "USER_AGENT_TOKEN",
    "retry_after_seconds",
]
