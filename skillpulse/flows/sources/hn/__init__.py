"""HN "Who is hiring?": one posting per top-level comment, keyed like the snapshot's HN rows.

Threads are found with Algolia's ``search_by_date`` (author whoishiring), each month is read with one
``items/{id}`` call; if Algolia fails for a month, the official Firebase API (story, then each kid) is
the fallback. ``months_back`` (or ``from_month``/``to_month``) says how far back, 2011 onwards.

We never contact a host the configuration did not name: with ``base_url`` set to a mirror and no
``firebase_url``, the fallback is skipped (the month fails with its own reason and says so) rather than
calling the real Firebase host behind the user's back.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from skillpulse.flows.http import Fetcher, FetchError, HostPolicy
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.hn import settings
from skillpulse.flows.sources.live import Listing, LiveSource, SchemaError, Unit, parse_time
from skillpulse.flows.sources.posting import Posting

_MONTH_IN_TITLE = re.compile(r"\(([A-Za-z]+)\s+(\d{4})\)")


def thread_month(title: str, created_at: Any) -> str | None:
    """``"Ask HN: Who is hiring? (April 2011)"`` → ``"2011-04"``; else the month it was posted."""
    match = _MONTH_IN_TITLE.search(title or "")
    if match:
        try:
            return datetime.strptime(f"{match[1]} {match[2]}", "%B %Y").strftime("%Y-%m")
        except ValueError:
            pass
    posted = parse_time(created_at)
    return posted.strftime("%Y-%m") if posted else None


_NO_FALLBACK = (
    "Firebase fallback skipped: base_url is a mirror and firebase_url is not set "
    "(set firebase_url to a Firebase mirror, or firebase: false)"
)


def _with_note(error: FetchError | SchemaError, note: str) -> FetchError | SchemaError:
    """The same failure, its one line extended with ``note``."""
    if isinstance(error, FetchError):
        return FetchError(error.url, error.kind, f"{error.message}; {note}", error.status)
    return SchemaError(f"{error}; {note}")


def _shift(month: str, back: int) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    index = year * 12 + mon - 1 - back
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@register_live_source("hn")
class HackerNewsSource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        months_back: int = settings.MONTHS_BACK  # monthly threads to read, newest first
        from_month: str | None = None  # YYYY-MM, instead of months_back
        to_month: str | None = None  # YYYY-MM (default: this month)
        firebase: bool = True  # fall back to the official Firebase API when Algolia fails
        # A Firebase mirror. With base_url set to a mirror, the fallback uses only this: left unset, the
        # fallback is skipped, so a mirror setup never calls the real hacker-news.firebaseio.com.
        firebase_url: str | None = None

    name = "hn"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The origins this configuration names: a redirect between the Algolia and Firebase mirrors (both
        # possibly on an intranet or loopback) is allowed, any other private target is not.
        self.host_policy = self.host_policy.allowing(self.base_url, self.options.firebase_url)

    def firebase_base(self) -> str | None:
        """The Firebase API to fall back on: the configured mirror, the real host when ``base_url`` is
        the real Algolia too, or None when ``base_url`` is a mirror and no ``firebase_url`` is set."""
        if self.options.firebase_url:
            return self.options.firebase_url.rstrip("/")
        return settings.FIREBASE_URL if self.base_url == settings.BASE_URL.rstrip("/") else None

    def month_range(self) -> tuple[str, str]:
        last = self.options.to_month or datetime.now(UTC).strftime("%Y-%m")
        months_back = self.options.months_back
        first = self.options.from_month or _shift(last, max(0, months_back - 1))
        if self.since:
            first = max(first, self.since.strftime("%Y-%m"))
        return first, last

    def units(self) -> list[Unit]:
        first, last = self.month_range()
        threads = self.runtime.run(self.discover(self.runtime.fetcher, first))
        return [
            Unit(f"hn:{month}", params={"id": story_id, "month": month})
            for month, story_id in sorted(threads.items(), reverse=True)
            if first <= month <= last
        ]

    async def discover(self, fetcher: Fetcher, first: str) -> dict[str, int]:
        """Month → story id of every whoishiring thread back to ``first``.

        Page 0 says how many pages there are; later pages are read a few at a time (the host's
        concurrency), newest first, until one reaches back past ``first``.
        """
        threads: dict[str, int] = {}
        data = await self._search_page(fetcher, 0)
        done = self._read_hits(data, threads, first)
        pages = min(int(data.get("nbPages") or 0), settings.MAX_SEARCH_PAGES)
        window = max(1, self.host_policy.concurrency)
        page = 1
        while not done and page < pages:
            batch = range(page, min(page + window, pages))
            results = await asyncio.gather(*(self._search_page(fetcher, n) for n in batch))
            for result in results:
                done = self._read_hits(result, threads, first) or done
            page += window
        return threads

    async def _search_page(self, fetcher: Fetcher, page: int) -> dict[str, Any]:
        url = f"{self.base_url}/{settings.SEARCH_PATH}"
        data, _ = await self.get_json(fetcher, url, params={**settings.SEARCH_QUERY, "page": page})
        if not isinstance(data, dict) or not isinstance(data.get("hits"), list):
            raise SchemaError("hn search: expected an object with a 'hits' list")
        return data

    @staticmethod
    def _read_hits(data: dict[str, Any], threads: dict[str, int], first: str) -> bool:
        """Record the monthly threads on one page; True once the page reaches back past ``first``."""
        oldest = None
        for hit in data["hits"]:
            title = hit.get("title") or ""
            month = thread_month(title, hit.get("created_at_i") or hit.get("created_at"))
            oldest = month if oldest is None or (month and month < oldest) else oldest
            if title.lower().startswith(settings.THREAD_TITLE) and month and month not in threads:
                threads[month] = int(hit.get("objectID") or hit.get("story_id"))
        return not data["hits"] or bool(oldest and oldest < first)

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        story_id = unit.params["id"]
        try:
            data, cached = await self.get_json(
                fetcher, f"{self.base_url}/{settings.ITEM_PATH.format(id=story_id)}"
            )
            if not isinstance(data, dict) or not isinstance(data.get("children"), list):
                raise SchemaError(f"hn item {story_id}: expected an object with 'children'")
            return Listing(data["children"], not_modified=cached, context={"api": "algolia", **unit.params})
        except (FetchError, SchemaError) as exc:
            if not self.options.firebase:
                raise
            base = self.firebase_base()
            if base is None:
                raise _with_note(exc, _NO_FALLBACK) from None
            return await self._firebase(fetcher, unit, exc, base)

    async def _firebase(self, fetcher: Fetcher, unit: Unit, cause: Exception, base: str) -> Listing:
        policy = settings.FIREBASE_POLICY.allowing(*self.host_policy.origins)
        if self.config.min_interval is not None:  # a configured pace applies to both APIs
            policy = HostPolicy(
                policy.concurrency, min(policy.min_interval, self.config.min_interval), policy.origins
            )

        async def item(item_id: int) -> Any:
            response = await fetcher.get(f"{base}/item/{item_id}.json", policy=policy)
            return response.json()

        story = await item(unit.params["id"])
        if not isinstance(story, dict):
            raise SchemaError(f"hn story {unit.params['id']} unreadable on both APIs ({cause})")
        kids = await asyncio.gather(*(item(k) for k in story.get("kids") or []))
        return Listing(
            [k for k in kids if isinstance(k, dict)],
            complete=True,
            context={"api": "firebase", "fallback_reason": str(cause), **unit.params},
        )

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting | None:
        if record.get("deleted") or record.get("dead") or not record.get("text"):
            return None  # deleted, dead or empty comments: nothing to read
        raw = {k: v for k, v in record.items() if k not in ("children", "kids")}
        posted = parse_time(record.get("created_at_i") or record.get("time") or record.get("created_at"))
        return Posting(
            source=self.name,
            source_id=str(record["id"]),
            title=None,
            company=None,
            description=record["text"],
            raw=raw,
            url=settings.ITEM_URL.format(id=record["id"]),
            posted_at=posted,
            attributes={"thread_month": listing.context.get("month"), "thread_id": listing.context.get("id")},
        )
