"""Remotive: one call returns current jobs; runs are counted so we never exceed 4 a day."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
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
from skillpulse.flows.sources.posting import Posting, Quarantined
from skillpulse.flows.sources.remotive import settings


class RunLimitReached(RuntimeError):
    """Remotive asks for at most 4 runs a day; a 5th is refused before any request."""


@register_live_source("remotive")
class RemotiveSource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        category: str | None = None  # one Remotive category slug, e.g. software-dev
        max_runs_per_day: int = settings.MAX_RUNS_PER_DAY  # Remotive asks for a few calls a day at most

    name = "remotive"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        return [Unit("remotive:all", scope="all")]

    def fetch(self) -> Iterator[Posting | Quarantined]:
        cache = self.runtime.fetcher.cache
        limit = self.options.max_runs_per_day
        if cache is not None:
            if cache.runs_since(self.name, time.time() - 86_400) >= limit:
                raise RunLimitReached(f"Remotive allows {limit} runs a day; already {limit} in the last 24 h")
            cache.log_run(self.name)
        yield from super().fetch()

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        params = {k: v for k, v in (("category", self.options.category),) if v}
        data, not_modified = await self.get_json(fetcher, self.base_url, params=params or None)
        if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
            raise SchemaError("remotive: expected an object with a 'jobs' list")
        complete = not params and data.get("job-count") == data.get("total-job-count", data.get("job-count"))
        return Listing(
            data["jobs"],
            complete=complete,
            not_modified=not_modified,
            context={"legal": data.get("0-legal-notice")},
        )

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        require(record, "id", "title")
        salary = record.get("salary")
        return Posting(
            source=self.name,
            source_id=str(record["id"]),
            title=record["title"],
            company=record.get("company_name") or None,
            description=record.get("description") or None,
            raw=record,
            url=record.get("url"),
            locations=clean_locations(record.get("candidate_required_location")),
            remote=True,
            posted_at=parse_time(record.get("publication_date")),
            pay=[StatedPay.free_text(salary)] if salary else [],  # free text: "$36k", "50-60k EUR"
            attributes={
                "category": record.get("category"),
                "job_type": record.get("job_type"),
                "tags": record.get("tags") or [],
                "attribution": settings.ATTRIBUTION,
                "legal_notice": listing.context.get("legal"),
            },
        )
