"""Workable accounts: the widget repeats a job once per location, so rows merge by shortcode."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skillpulse.flows.http import Fetcher
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
from skillpulse.flows.sources.workable import settings


def _place(row: dict[str, Any]) -> str | None:
    return ", ".join(p for p in (row.get("city"), row.get("state"), row.get("country")) if p) or None


def merge_rows(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per shortcode, the places of every repeated row gathered in ``_places``."""
    merged: dict[str, dict[str, Any]] = {}
    for row in jobs:
        key = row.get("shortcode") or row.get("url") or str(len(merged))
        if key not in merged:
            merged[key] = {**row, "_places": []}
        place = _place(row)
        if place and place not in merged[key]["_places"]:
            merged[key]["_places"].append(place)
    return list(merged.values())


@register_live_source("workable")
class WorkableSource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        accounts: list[str] = field(default_factory=list)  # apply.workable.com/<account>

    name = "workable"
    board_option = "accounts"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        return [Unit(f"workable:{a}", scope=str(a)) for a in self.options.accounts]

    def record_id(self, record: Any) -> str | None:
        return record.get("shortcode") if isinstance(record, dict) else None

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        url = f"{self.base_url}/{unit.scope}"
        data, not_modified = await self.get_json(fetcher, url, params=settings.QUERY)
        require_list(data, "jobs", url)
        return Listing(
            merge_rows(data["jobs"]), not_modified=not_modified, context={"company": data.get("name")}
        )

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        require(record, "shortcode", "title")
        description = record.get("description")
        return Posting(
            source=self.name,
            source_id=record["shortcode"],
            title=record["title"],
            company=listing.context.get("company") or unit.scope,
            description=description or None,
            raw=record,
            url=record.get("url") or record.get("shortlink"),
            locations=clean_locations(record.get("_places")),
            remote=bool(record["telecommuting"]) if record.get("telecommuting") is not None else None,
            posted_at=parse_time(record.get("published_on") or record.get("created_at")),
            text_kind="full" if description else "structured",
            attributes={
                k: record.get(k)
                for k in ("department", "employment_type", "function", "experience", "industry")
            },
        )
