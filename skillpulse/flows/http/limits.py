"""Per-host concurrency, minimum intervals and Retry-After: how we stay under each site's stated limits."""

from __future__ import annotations

import asyncio
import email.utils
import time

from skillpulse.flows.http.settings import HostPolicy


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
