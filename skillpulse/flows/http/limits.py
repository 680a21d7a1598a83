"""Per-host concurrency, minimum intervals and the waits a server asks for, each one capped.

A server may ask us to wait (``Retry-After``, The Muse's ``X-RateLimit-Reset``). We honour a wait up to
``FetchSettings.max_retry_after``; a longer one (99999 s, "inf", a date in 9999) closes the host for the
rest of the run instead, so its requests fail at once with one ``rate_limited`` line rather than
sleeping for an hour. A negative or unreadable value is ignored, as if the header were absent.
"""

from __future__ import annotations

import asyncio
import email.utils
import math
import time

from skillpulse.flows.http.settings import HostPolicy

# An X-RateLimit-Reset above this is a Unix time (GitHub style), not a number of seconds (The Muse).
_EPOCH_FLOOR = 1_000_000_000


class _HostLimiter:
    """A semaphore for concurrency, a start-time gate for the minimum interval, and a closed sign."""

    def __init__(self, policy: HostPolicy) -> None:
        self.policy = policy
        self.semaphore = asyncio.Semaphore(max(1, policy.concurrency))
        self._gate = asyncio.Lock()
        self._next_start = 0.0
        self._closed_until = 0.0
        self._closed_reason = ""

    def with_policy(self, policy: HostPolicy) -> _HostLimiter:
        """A limiter with a stricter policy that keeps this one's pause and closed sign."""
        stricter = _HostLimiter(policy)
        stricter._next_start, stricter._closed_until = self._next_start, self._closed_until
        stricter._closed_reason = self._closed_reason
        return stricter

    def pause_until(self, monotonic_at: float) -> None:
        self._next_start = max(self._next_start, monotonic_at)

    def close_until(self, monotonic_at: float, reason: str) -> None:
        """The server asked for a longer wait than we accept: refuse its requests until then."""
        if monotonic_at > self._closed_until:
            self._closed_until, self._closed_reason = monotonic_at, reason

    def closed(self) -> str | None:
        """Why this host takes no request now, or None."""
        return self._closed_reason if time.monotonic() < self._closed_until else None

    async def wait_turn(self) -> None:
        async with self._gate:
            delay = self._next_start - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self._next_start = time.monotonic() + self.policy.min_interval


def _seconds(value: str) -> float | None:
    """A plain non-negative number of seconds ("120", "1.5"); anything else is None."""
    value = value.strip()
    if not value.isascii() or not value.replace(".", "", 1).isdigit():
        return None  # "-5", "soon", "nan", "²": ignored
    return float(value)


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date; None when unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)  # a 400-digit value is inf: longer than any cap
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return max(0.0, when.timestamp() - time.time())


def rate_reset_seconds(value: str | None) -> float | None:
    """``X-RateLimit-Reset`` as seconds from now: seconds (The Muse) or, when huge, a Unix time."""
    seconds = _seconds(value or "")
    if seconds is None:
        return None
    if math.isfinite(seconds) and seconds > _EPOCH_FLOOR:
        return max(0.0, seconds - time.time())
    return seconds
