"""Remote OK: skip the legal notice but keep it as each posting's attribution; salary 0 means unknown."""

from __future__ import annotations

from typing import Any

from skillpulse.extractors.stated_pay import StatedPay
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
from skillpulse.flows.sources.remoteok import settings


def stated_pay(record: dict[str, Any]) -> list[StatedPay]:
    """``salary_min``/``salary_max`` in USD a year; Remote OK writes 0 for "not given"."""
    low, high = record.get("salary_min"), record.get("salary_max")
    if not low and not high:
        return []
    fields = {"salary_min": low, "salary_max": high}
    return [StatedPay.from_fields(low or None, high or None, "USD", "year", fields)]


@register_live_source("remoteok")
class RemoteOkSource(LiveSource):
    name = "remoteok"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        return [Unit("remoteok:api")]  # the feed lists only recent jobs, so it never closes postings

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        data, not_modified = await self.get_json(fetcher, self.base_url)
        if not isinstance(data, list):
            raise SchemaError("remoteok: expected a JSON array")
        notice = [x for x in data if isinstance(x, dict) and "legal" in x and "position" not in x]
        jobs = [x for x in data if not (isinstance(x, dict) and "legal" in x and "position" not in x)]
        legal = notice[0].get("legal") if notice else None
        return Listing(jobs, not_modified=not_modified, context={"legal": legal})

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        require(record, "id", "position")
        return Posting(
            source=self.name,
            source_id=str(record["id"]),
            title=record["position"],
            company=record.get("company") or None,
            description=record.get("description") or None,
            raw=record,
            url=record.get("url"),
            locations=clean_locations(record.get("location")),
            remote=True,
            posted_at=parse_time(record.get("date") or record.get("epoch")),
            pay=stated_pay(record),
            attributes={
                "tags": record.get("tags") or [],
                "attribution": settings.ATTRIBUTION,
                "legal_notice": listing.context.get("legal"),
            },
        )
