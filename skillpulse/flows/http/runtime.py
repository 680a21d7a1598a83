"""One event loop in a background thread per run, so synchronous sources can share one async client."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future
from concurrent.futures import wait as futures_wait
from typing import Any, TypeVar

from skillpulse.flows.http.fetcher import Fetcher
from skillpulse.flows.http.settings import FetchSettings

T = TypeVar("T")


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
