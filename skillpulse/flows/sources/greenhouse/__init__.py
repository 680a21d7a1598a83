"""Greenhouse boards: ``content`` is entity-escaped HTML (unescaped once); pay is in cents."""

from __future__ import annotations

import asyncio
import html
from dataclasses import dataclass, field
from typing import Any

from skillpulse.extractors.stated_pay import StatedPay, amount
from skillpulse.flows.http import Fetcher, FetchError
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.greenhouse import settings
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


def stated_pay(record: dict[str, Any]) -> list[StatedPay]:
    """``pay_input_ranges`` (from the job detail, in cents, a year) when present; else the custom fields
    of type ``currency_range`` (in units, a year) that state a positive amount."""
    ranges = record.get("pay_input_ranges") or []
    if ranges:
        return [
            StatedPay.from_fields(
                _cents(r.get("min_cents")), _cents(r.get("max_cents")), r.get("currency_type"), "year", r
            )
            for r in ranges
        ]
    out = []
    for meta in record.get("metadata") or []:
        value = meta.get("value") if meta.get("value_type") == "currency_range" else None
        if isinstance(value, dict):
            low, high = value.get("min_value"), value.get("max_value")
            pay = StatedPay.from_fields(low, high, value.get("unit"), "year", meta)
            if (pay.max or 0) > 0:  # a template field left at 0 states nothing
                out.append(pay)
    return out


def _cents(value: Any) -> float | None:
    try:
        number = amount(value)
    except ValueError:
        return None  # not a number: the range is kept without amounts and rejected with its fields
    return None if number is None else number / 100


@register_live_source("greenhouse")
class GreenhouseSource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        boards: list[str] = field(default_factory=list)  # board tokens: boards.greenhouse.io/<token>
        pay_details: bool = False  # one more request per job for its pay ranges

    name = "greenhouse"
    board_option = "boards"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        return [Unit(f"greenhouse:{token}", scope=str(token)) for token in self.options.boards]

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        url = f"{self.base_url}/{settings.JOBS_PATH.format(token=unit.scope)}"
        data, not_modified = await self.get_json(fetcher, url, params=settings.QUERY)
        require_list(data, "jobs", url)
        jobs = data["jobs"]
        if self.options.pay_details:
            pays = await asyncio.gather(*(self._pay(fetcher, unit, job) for job in jobs))
            jobs = [
                {**job, "pay_input_ranges": pay} if pay else job for job, pay in zip(jobs, pays, strict=True)
            ]
        return Listing(jobs, not_modified=not_modified)

    async def _pay(self, fetcher: Fetcher, unit: Unit, job: dict[str, Any]) -> list[dict[str, Any]] | None:
        """A job's ``pay_input_ranges`` from its detail; a failed detail costs the pay, not the posting."""
        url = f"{self.base_url}/{settings.JOB_PATH.format(token=unit.scope, id=job.get('id'))}"
        try:
            detail, _ = await self.get_json(fetcher, url, params=settings.PAY_QUERY)
        except FetchError:
            return None
        return (detail.get("pay_input_ranges") or None) if isinstance(detail, dict) else None

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        require(record, "id", "title")
        location = (record.get("location") or {}).get("name")
        content = record.get("content")
        return Posting(
            source=self.name,
            source_id=str(record["id"]),
            title=record["title"],
            company=record.get("company_name") or unit.scope,
            description=html.unescape(content) if content else None,
            raw=record,
            url=record.get("absolute_url"),
            locations=clean_locations(location),
            remote=True if location and "remote" in location.lower() else None,
            posted_at=parse_time(record.get("first_published") or record.get("updated_at")),
            pay=stated_pay(record),
            text_kind="full" if content else "structured",
            attributes={
                "departments": [d.get("name") for d in record.get("departments") or []],
                "updated_at": record.get("updated_at"),
            },
        )
