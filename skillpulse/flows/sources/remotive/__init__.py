"""Remotive: one call returns current jobs; runs are counted so we never exceed 4 a day."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from skillpulse.flows.http import Fetcher
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.base import Posting, Quarantined
from skillpulse.flows.sources.live import (
    Listing,
    LiveSource,
    SchemaError,
    Unit,
    clean_locations,
    parse_time,
    require,
)
from skillpulse.flows.sources.remotive import settings


class RunLimitReached(RuntimeError):
    """Remotive asks for at most 4 runs a day; a 5th is refused before any request."""


@register_live_source("remotive")
class RemotiveSource(LiveSource):
    options = frozenset({"category", "max_runs_per_day"})  # its keys in sources.yaml
    name = "remotive"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        return [Unit("remotive:all", scope="all")]

    def fetch(self) -> Iterator[Posting | Quarantined]:
        cache = self.runtime.fetcher.cache
        limit = int(self.config.get("max_runs_per_day", settings.MAX_RUNS_PER_DAY))
        if cache is not None:
            if cache.runs_since(self.name, time.time() - 86_400) >= limit:
                raise RunLimitReached(f"Remotive allows {limit} runs a day; already {limit} in the last 24 h")
            cache.log_run(self.name)
        yield from super().fetch()

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        params = {k: v for k, v in (("category", self.config.get("category")),) if v}
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
            pay={"salary": salary} if salary else None,
            attributes={
                "category": record.get("category"),
                "job_type": record.get("job_type"),
                "tags": record.get("tags") or [],
                "attribution": settings.ATTRIBUTION,
                "legal_notice": listing.context.get("legal"),
            },
        )
