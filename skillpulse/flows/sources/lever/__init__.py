"""Lever sites: description HTML plus its lists; ``salaryRange`` as given; ``createdAt`` in ms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skillpulse.extractors.stated_pay import StatedPay, period_word
from skillpulse.flows.http import Fetcher
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.lever import settings
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

REMOTE = {"remote": True, "hybrid": False, "on-site": False, "onsite": False}


def description_html(record: dict[str, Any]) -> str:
    """Lever splits a posting into the description, titled lists and a closing section: join them."""
    parts = [record.get("description") or ""]
    for section in record.get("lists") or []:
        parts.append(f"<h3>{section.get('text') or ''}</h3><ul>{section.get('content') or ''}</ul>")
    parts.append(record.get("additional") or "")
    return "\n".join(p for p in parts if p)


def stated_pay(salary_range: Any) -> list[StatedPay]:
    """``salaryRange``: ``{min, max, currency, interval}`` with Lever's interval words (per-year-salary)."""
    if not isinstance(salary_range, dict):
        return []
    r = salary_range
    return [
        StatedPay.from_fields(
            r.get("min"), r.get("max"), r.get("currency"), period_word(r.get("interval")), r
        )
    ]


@register_live_source("lever")
class LeverSource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        sites: list[str] = field(default_factory=list)  # jobs.lever.co/<site>
        companies: dict[str, str] = field(default_factory=dict)  # site -> company name shown
        page_size: int = settings.PAGE_SIZE  # postings per request
        max_pages: int = settings.MAX_PAGES  # requests per site, at most

    name = "lever"
    board_option = "sites"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        return [Unit(f"lever:{site}", scope=str(site)) for site in self.options.sites]

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        size = self.options.page_size
        records: list[Any] = []
        all_cached = True
        for page in range(self.options.max_pages):
            params = {"mode": "json", "skip": page * size, "limit": size}
            data, not_modified = await self.get_json(fetcher, f"{self.base_url}/{unit.scope}", params=params)
            if not isinstance(data, list):
                raise SchemaError(f"lever {unit.scope}: expected a JSON array of postings")
            records.extend(data)
            all_cached &= not_modified
            if len(data) < size:
                return Listing(records, complete=True, not_modified=all_cached)
        return Listing(records, complete=False, not_modified=all_cached)

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        require(record, "id", "text")
        categories = record.get("categories") or {}
        workplace = (record.get("workplaceType") or "").lower()
        return Posting(
            source=self.name,
            source_id=str(record["id"]),
            title=record["text"],
            company=self.options.companies.get(unit.scope) or unit.scope,
            description=description_html(record),
            raw=record,
            url=record.get("hostedUrl"),
            locations=clean_locations(categories.get("allLocations") or categories.get("location")),
            remote=REMOTE.get(workplace),
            posted_at=parse_time(record.get("createdAt")),
            pay=stated_pay(record.get("salaryRange")),
            attributes={
                "team": categories.get("team"),
                "department": categories.get("department"),
                "commitment": categories.get("commitment"),
                "country": record.get("country"),
                "workplace_type": record.get("workplaceType"),
            },
        )
