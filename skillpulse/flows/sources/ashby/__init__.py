"""Ashby boards: ``descriptionHtml``, ``compensation`` kept as given (tiers, interval, currency)."""

from __future__ import annotations

from typing import Any

from skillpulse.flows.http import Fetcher
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.ashby import settings
from skillpulse.flows.sources.base import Posting
from skillpulse.flows.sources.live import (
    Listing,
    LiveSource,
    SchemaError,
    Unit,
    clean_locations,
    parse_time,
    require,
)


def _remote(record: dict[str, Any]) -> bool | None:
    if record.get("isRemote") is not None:
        return bool(record["isRemote"])
    workplace = (record.get("workplaceType") or "").lower()
    return {"remote": True, "onsite": False, "hybrid": False}.get(workplace)


@register_live_source("ashby")
class AshbySource(LiveSource):
    options = frozenset({"boards", "companies"})  # its keys in sources.yaml
    name = "ashby"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        return [Unit(f"ashby:{org}", scope=str(org)) for org in self.config.as_list("boards")]

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        url = f"{self.base_url}/{unit.scope}"
        data, not_modified = await self.get_json(fetcher, url, params=settings.QUERY)
        if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
            raise SchemaError(f"{url}: expected an object with a 'jobs' list")
        return Listing(data["jobs"], not_modified=not_modified)

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        return posting_from_record(record, self.config.get("companies", {}).get(unit.scope) or unit.scope)


def posting_from_record(record: dict[str, Any], company: str | None) -> Posting:
    """One Ashby job object as a posting; the bundled 2025 boards are read through this too, so live and
    snapshot rows are built by the same code. ``compensation`` is kept whole as pay."""
    require(record, "id", "title")
    secondary = [s.get("location") for s in record.get("secondaryLocations") or []]
    return Posting(
        source=AshbySource.name,
        source_id=str(record["id"]),
        title=record["title"],
        company=company,
        description=record.get("descriptionHtml") or record.get("descriptionPlain"),
        description_is_html=bool(record.get("descriptionHtml")),
        raw=record,
        url=record.get("jobUrl"),
        locations=clean_locations(record.get("location"), secondary),
        remote=_remote(record),
        posted_at=parse_time(record.get("publishedAt")),
        pay=record.get("compensation"),
        attributes={
            "department": record.get("department"),
            "team": record.get("team"),
            "employment_type": record.get("employmentType"),
            "is_listed": record.get("isListed"),
        },
    )
