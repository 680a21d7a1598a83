"""Breezy HR boards: ``/json`` is a bare array of positions without descriptions, so every posting is a
structured row. The ad text is only on the HTML position page; no JSON detail endpoint is documented and
no real detail body was recorded, so none is fetched. ``salary`` is free text ("$1 – $5 / year")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skillpulse.extractors.stated_pay import StatedPay
from skillpulse.flows.http import Fetcher
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.breezy import settings
from skillpulse.flows.sources.live import (
    Listing,
    LiveSource,
    SchemaError,
    Unit,
    clean_locations,
    company_url,
    parse_time,
    require,
)
from skillpulse.flows.sources.posting import Posting


def _name(value: Any) -> str | None:
    """``state``/``country`` are ``{id, name}`` objects; ``city`` is text."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("id")
    return str(value).strip() if value not in (None, "") else None


def _place(loc: Any) -> str | None:
    if not isinstance(loc, dict):
        return None
    if loc.get("name"):
        return str(loc["name"])  # "Chaos, FL": Breezy's own display form
    parts = [_name(loc.get(key)) for key in ("city", "state", "country")]
    return ", ".join(p for p in parts if p) or None


def _places(record: dict[str, Any]) -> list[dict[str, Any]]:
    """``locations`` lists every place of a multi-location posting and is ``[]`` for a single one."""
    many = [loc for loc in record.get("locations") or [] if isinstance(loc, dict)]
    return many or [record.get("location") or {}]


def remote(places: list[dict[str, Any]]) -> bool | None:
    """``is_remote`` may be missing: True if any place says so, False only if every place says False."""
    flags = [loc.get("is_remote") for loc in places]
    if any(f is True for f in flags):
        return True
    return False if flags and all(f is False for f in flags) else None


def stated_pay(salary: Any) -> list[StatedPay]:
    """``salary`` is free text (or ""): the salary text parser reads its range and period."""
    if isinstance(salary, str) and salary.strip():
        return [StatedPay.free_text(salary.strip())]
    return []


@register_live_source("breezy")
class BreezySource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        companies: list[str] = field(default_factory=list)  # <company>.breezy.hr

    name = "breezy"
    board_option = "companies"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        return [Unit(f"breezy:{c}", scope=str(c)) for c in self.options.companies]

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        company = str(unit.scope)
        url = f"{company_url(self.base_url, company)}/{settings.LIST_PATH}"
        data, not_modified = await self.get_json(fetcher, url)
        if not isinstance(data, list):
            raise SchemaError(f"{url}: expected a JSON array of positions")
        return Listing(data, not_modified=not_modified)

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        require(record, "id", "name")
        places = _places(record)
        kind = record.get("type") if isinstance(record.get("type"), dict) else {}
        board = record.get("company") if isinstance(record.get("company"), dict) else {}
        return Posting(
            source=self.name,
            source_id=str(record["id"]),
            title=str(record["name"]).strip(),
            company=board.get("name") or unit.scope,
            description=None,
            raw=record,
            url=record.get("url"),
            locations=clean_locations([_place(loc) for loc in places]),
            remote=remote(places),
            posted_at=parse_time(record.get("published_date")),
            pay=stated_pay(record.get("salary")),
            text_kind="structured",
            attributes={
                "department": record.get("department") or None,
                "employment_type": kind.get("name"),
                "employment_type_id": kind.get("id"),
                "friendly_id": record.get("friendly_id"),
            },
        )
