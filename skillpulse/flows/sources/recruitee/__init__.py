"""Recruitee careers sites: one host per company; the ad is split into ``description`` and ``requirements``
HTML, dates read "2026-08-31 12:04:10 UTC", and ``salary`` amounts are strings (all null when unstated)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skillpulse.extractors.stated_pay import StatedPay, period_word
from skillpulse.flows.http import Fetcher
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.live import (
    Listing,
    LiveSource,
    Unit,
    clean_locations,
    company_url,
    parse_time,
    require,
    require_list,
)
from skillpulse.flows.sources.posting import Posting
from skillpulse.flows.sources.recruitee import settings


def recruitee_time(value: Any) -> Any:
    """``"2026-08-31 12:04:10 UTC"`` as ISO: ``parse_time`` alone keeps only what precedes the space."""
    if isinstance(value, str) and value.endswith(" UTC"):
        return value[: -len(" UTC")].replace(" ", "T") + "+00:00"
    return value


def description_html(record: dict[str, Any]) -> str | None:
    """The ad is two HTML fields; ``highlight`` repeats a sentence of the description, so it is left out."""
    parts = [record.get("description"), record.get("requirements")]
    return "\n".join(p for p in parts if isinstance(p, str) and p.strip()) or None


def stated_pay(salary: Any) -> list[StatedPay]:
    """``salary``: ``{min, max, currency, period}`` with string amounts and period "month"/"year"; a block
    whose amounts are all null states nothing."""
    if not isinstance(salary, dict) or all(salary.get(k) in (None, "") for k in ("min", "max")):
        return []
    s = salary
    return [
        StatedPay.from_fields(s.get("min"), s.get("max"), s.get("currency"), period_word(s.get("period")), s)
    ]


def _remote(record: dict[str, Any]) -> bool | None:
    """Three separate flags; hybrid counts as not remote (as for Lever and Ashby), no flag set as unknown."""
    if record.get("remote") is True:
        return True
    if record.get("hybrid") is True or record.get("on_site") is True:
        return False
    return None


def _locations(record: dict[str, Any]) -> list[str]:
    """The top-level ``location`` (in the board's language: ``locations[].country`` may be localized, e.g.
    "Nederland"), plus any other office of ``locations[]`` in another city."""
    places: list[Any] = [record.get("location")]
    for loc in record.get("locations") or []:
        if isinstance(loc, dict) and loc.get("city") and loc.get("city") != record.get("city"):
            places.append(", ".join(str(loc[k]) for k in ("city", "state", "country") if loc.get(k)))
    return clean_locations(places)


@register_live_source("recruitee")
class RecruiteeSource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        companies: list[str] = field(default_factory=list)  # subdomains: <company>.recruitee.com

    name = "recruitee"
    board_option = "companies"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        return [Unit(f"recruitee:{c}", scope=str(c)) for c in self.options.companies]

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        url = f"{company_url(self.base_url, str(unit.scope))}/{settings.OFFERS_PATH}"
        data, not_modified = await self.get_json(fetcher, url)
        require_list(data, "offers", url)
        return Listing(data["offers"], not_modified=not_modified)

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        require(record, "id", "title")
        description = description_html(record)
        return Posting(
            source=self.name,
            source_id=str(record["id"]),
            title=record["title"],
            company=record.get("company_name") or unit.scope,
            description=description,
            raw=record,
            url=record.get("careers_url"),  # may be the company's own domain (jobs.channable.com)
            locations=_locations(record),
            remote=_remote(record),
            posted_at=parse_time(recruitee_time(record.get("published_at") or record.get("created_at"))),
            pay=stated_pay(record.get("salary")),
            text_kind="full" if description else "structured",
            attributes={
                "department": record.get("department"),
                "employment_type": record.get("employment_type_code"),
                "experience": record.get("experience_code"),
                "education": record.get("education_code"),
                "category": record.get("category_code"),
                "min_hours_per_week": record.get("min_hours_per_week"),
                "max_hours_per_week": record.get("max_hours_per_week"),
                "hybrid": record.get("hybrid"),
                "on_site": record.get("on_site"),
                "country_code": record.get("country_code"),
                "tags": record.get("tags") or [],
                "guid": record.get("guid"),
                "updated_at": record.get("updated_at"),
                "close_at": record.get("close_at"),
            },
        )
