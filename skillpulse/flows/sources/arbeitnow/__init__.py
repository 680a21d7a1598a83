"""Arbeitnow: follow ``links.next`` until it is null (then the listing is complete)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from skillpulse.flows.http import Fetcher
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.arbeitnow import settings
from skillpulse.flows.sources.live import (
    Listing,
    LiveSource,
    Unit,
    clean_locations,
    parse_time,
    require,
    require_list,
)
from skillpulse.flows.sources.posting import Posting


@register_live_source("arbeitnow")
class ArbeitnowSource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        max_pages: int = settings.MAX_PAGES  # pages of 100 postings, newest first

    name = "arbeitnow"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        return [Unit("arbeitnow:all", scope="all")]

    def record_id(self, record: Any) -> str | None:
        return record.get("slug") if isinstance(record, dict) else None

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        url: str | None = f"{self.base_url}?page=1"
        records: list[Any] = []
        all_cached = True
        for page in range(self.options.max_pages):
            if url is None:
                break
            # Page 2 on comes from the body's ``links.next``: a URL from a page, checked as such.
            data, not_modified = await self.get_json(fetcher, url, from_page=page > 0)
            require_list(data, "data", url)
            records.extend(data["data"])
            all_cached &= not_modified
            url = (data.get("links") or {}).get("next")
        return Listing(records, complete=url is None, not_modified=all_cached)

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        require(record, "slug", "title")
        return Posting(
            source=self.name,
            source_id=record["slug"],
            title=record["title"],
            company=record.get("company_name") or None,
            description=record.get("description") or None,
            raw=record,
            url=record.get("url"),
            locations=clean_locations(record.get("location")),
            remote=record.get("remote"),
            posted_at=parse_time(record.get("created_at")),
            attributes={"tags": record.get("tags") or [], "job_types": record.get("job_types") or []},
        )
