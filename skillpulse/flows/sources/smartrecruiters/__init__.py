"""SmartRecruiters companies: list with limit/offset, then each posting's detail for ``jobAd`` text."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from skillpulse.extractors.stated_pay import StatedPay, period_word
from skillpulse.flows.http import Fetcher, FetchError
from skillpulse.flows.sources import register_live_source
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
from skillpulse.flows.sources.smartrecruiters import settings


def _location(loc: dict[str, Any]) -> str | None:
    if loc.get("fullLocation"):
        return loc["fullLocation"]
    parts = [loc.get("city"), loc.get("region"), (loc.get("country") or "").upper() or None]
    return ", ".join(p for p in parts if p) or None


def stated_pay(compensation: Any) -> list[StatedPay]:
    """A detail's ``compensation``: ``{min, max, currency, period}`` with periods such as ``HOURLY``."""
    if not isinstance(compensation, dict):
        return []
    c = compensation
    return [
        StatedPay.from_fields(c.get("min"), c.get("max"), c.get("currency"), period_word(c.get("period")), c)
    ]


@register_live_source("smartrecruiters")
class SmartRecruitersSource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        companies: list[str] = field(
            default_factory=list
        )  # company identifiers: careers.smartrecruiters.com/<id>
        page_size: int = settings.PAGE_SIZE  # postings per list request (the API allows 100 at most)

    name = "smartrecruiters"
    board_option = "companies"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        return [Unit(f"smartrecruiters:{c}", scope=str(c)) for c in self.options.companies]

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        size = min(100, self.options.page_size)
        url = f"{self.base_url}/{unit.scope}/postings"
        summaries: list[dict[str, Any]] = []
        all_cached, complete = True, False
        for page in range(settings.MAX_PAGES):
            data, not_modified = await self.get_json(
                fetcher, url, params={"limit": size, "offset": page * size}
            )
            require_list(data, "content", url)
            summaries.extend(data["content"])
            all_cached &= not_modified
            if not data["content"] or len(summaries) >= int(data.get("totalFound") or 0):
                complete = True
                break
        details = await asyncio.gather(*(self._detail(fetcher, unit, s) for s in summaries))
        all_cached &= all(cached for _, cached in details)
        return Listing([d for d, _ in details], complete=complete, not_modified=all_cached)

    async def _detail(self, fetcher: Fetcher, unit: Unit, summary: dict[str, Any]) -> tuple[dict, bool]:
        # ``ref`` points at the public host; build the same path on our base URL so mirrors work.
        url = f"{self.base_url}/{unit.scope}/postings/{summary.get('id')}"
        try:
            detail, cached = await self.get_json(fetcher, url)
        except FetchError as exc:
            return {**summary, "_detail_error": str(exc)}, False
        return detail, cached

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        # Without its detail a posting still has title, place and date: keep it as a structured row.
        require(record, "id", "name")
        sections = (record.get("jobAd") or {}).get("sections") or {}
        body = "\n".join(
            f"<h3>{s.get('title') or ''}</h3>{s.get('text') or ''}"
            for key in settings.SECTIONS
            if (s := sections.get(key)) and s.get("text")
        )
        location = record.get("location") or {}
        return Posting(
            source=self.name,
            source_id=str(record["id"]),
            title=record["name"],
            company=(record.get("company") or {}).get("name") or unit.scope,
            description=body or None,
            raw=record,
            url=record.get("postingUrl"),
            locations=clean_locations(_location(location)),
            remote=location.get("remote"),
            posted_at=parse_time(record.get("releasedDate")),
            pay=stated_pay(record.get("compensation")),
            text_kind="full" if body else "structured",
            attributes={
                "function": (record.get("function") or {}).get("label"),
                "experience_level": (record.get("experienceLevel") or {}).get("label"),
                "employment_type": (record.get("typeOfEmployment") or {}).get("label"),
                "hybrid": location.get("hybrid"),
                "detail_error": record.get("_detail_error"),
            },
        )
