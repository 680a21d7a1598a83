"""The Muse: pages 0..page_count-1; its ``X-RateLimit-*`` headers pause the host when spent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skillpulse.flows.http import Fetcher
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.live import (
    Listing,
    LiveSource,
    SchemaError,
    Unit,
    clean_locations,
    parse_time,
    require,
)
from skillpulse.flows.sources.posting import Posting
from skillpulse.flows.sources.themuse import settings


@register_live_source("themuse")
class TheMuseSource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        category: list[str] = field(default_factory=list)  # e.g. "Data and Analytics"
        level: list[str] = field(default_factory=list)  # e.g. "Senior Level"
        location: list[str] = field(default_factory=list)  # e.g. "New York, NY"
        company: list[str] = field(default_factory=list)
        max_pages: int = settings.MAX_PAGES  # pages of 20 postings

    name = "themuse"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY
    rate_headers = True

    def units(self) -> list[Unit]:
        return [Unit("themuse:jobs")]  # a capped crawl of a huge feed: never closes postings

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        filters = {k: v for k in settings.FILTERS if (v := getattr(self.options, k))}
        records: list[Any] = []
        all_cached = True
        page, page_count = 0, 1
        while page < min(page_count, self.options.max_pages):
            data, not_modified = await self.get_json(fetcher, self.base_url, params={**filters, "page": page})
            if not isinstance(data, dict) or not isinstance(data.get("results"), list):
                raise SchemaError("themuse: expected an object with a 'results' list")
            records.extend(data["results"])
            all_cached &= not_modified
            page_count = int(data.get("page_count") or 0)
            page += 1
        return Listing(records, complete=page >= page_count, not_modified=all_cached)

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        require(record, "id", "name")
        locations = [loc.get("name") for loc in record.get("locations") or []]
        remote = any("remote" in (loc or "").lower() for loc in locations) or None
        return Posting(
            source=self.name,
            source_id=str(record["id"]),
            title=record["name"],
            company=(record.get("company") or {}).get("name"),
            description=record.get("contents") or None,
            raw=record,
            url=(record.get("refs") or {}).get("landing_page"),
            locations=clean_locations(locations),
            remote=remote,
            posted_at=parse_time(record.get("publication_date")),
            attributes={
                "levels": [lv.get("name") for lv in record.get("levels") or []],
                "categories": [c.get("name") for c in record.get("categories") or []],
            },
        )
