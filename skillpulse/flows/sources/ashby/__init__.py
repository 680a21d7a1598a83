"""Ashby boards: ``descriptionHtml``; pay is the Salary component of ``compensation``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skillpulse.extractors.stated_pay import StatedPay, period_word
from skillpulse.flows.http import Fetcher
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.ashby import settings
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


def _remote(record: dict[str, Any]) -> bool | None:
    if record.get("isRemote") is not None:
        return bool(record["isRemote"])
    workplace = (record.get("workplaceType") or "").lower()
    return {"remote": True, "onsite": False, "hybrid": False}.get(workplace)


@register_live_source("ashby")
class AshbySource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        boards: list[str] = field(default_factory=list)  # jobs.ashbyhq.com/<board>
        companies: dict[str, str] = field(default_factory=dict)  # board -> company name shown

    name = "ashby"
    board_option = "boards"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        return [Unit(f"ashby:{org}", scope=str(org)) for org in self.options.boards]

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        url = f"{self.base_url}/{unit.scope}"
        data, not_modified = await self.get_json(fetcher, url, params=settings.QUERY)
        require_list(data, "jobs", url)
        return Listing(data["jobs"], not_modified=not_modified)

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        return posting_from_record(record, self.options.companies.get(unit.scope) or unit.scope)


def stated_pay(compensation: Any) -> list[StatedPay]:
    """Only the Salary summary component counts (not equity, bonus, commission). It spans the tiers that
    share its currency and interval (checked on the Oct 2025 boards); tiers in another currency (a
    Poland tier in PLN on a GBP posting) are left out."""
    if not isinstance(compensation, dict):
        return []
    return [
        StatedPay.from_fields(
            c.get("minValue"), c.get("maxValue"), c.get("currencyCode"), period_word(c.get("interval")), c
        )
        for c in compensation.get("summaryComponents") or []
        if isinstance(c, dict) and c.get("compensationType") == "Salary"
    ]


def posting_from_record(record: dict[str, Any], company: str | None) -> Posting:
    """One Ashby job object as a posting; the bundled 2025 boards are read through this too, so live and
    snapshot rows are built by the same code."""
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
        pay=stated_pay(record.get("compensation")),
        attributes={
            "department": record.get("department"),
            "team": record.get("team"),
            "employment_type": record.get("employmentType"),
            "is_listed": record.get("isListed"),
        },
    )
