"""Rippling ATS boards: keyless list APIs that repeat a job once per location, so rows merge by job id.

v2 is the primary API because its pages state ``totalItems``/``totalPages`` (v1, a bare array, is kept
as ``api: v1``). Neither list carries a description, date or pay, and no real detail body has been
recorded to build a parser on, so no detail is fetched: every posting is a structured row (title, place,
department). Both APIs key a job by the UUID in its page URL (v2 ``id``, v1 ``uuid``), so switching
APIs keeps the posting keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from skillpulse.flows.http import Fetcher, Runtime
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.config import SourceConfig
from skillpulse.flows.sources.live import (
    Listing,
    LiveSource,
    SchemaError,
    Unit,
    clean_locations,
    require,
    require_list,
)
from skillpulse.flows.sources.posting import Posting
from skillpulse.flows.sources.rippling import settings


def row_id(row: Any) -> str | None:
    value = (row.get("id") or row.get("uuid")) if isinstance(row, dict) else None
    return None if value in (None, "") else str(value)


def merge_rows(rows: list[Any], v1: bool = False) -> list[Any]:
    """One record per job id, in first-seen order: v2 rows' ``locations`` are gathered into the first
    row's list, v1 rows' singular ``workLocation`` into ``_workLocations``. A row without an id stays
    alone (and is quarantined)."""
    gather = "_workLocations" if v1 else "locations"
    merged: dict[str, Any] = {}
    for index, row in enumerate(rows):
        key = row_id(row)
        if key is None:
            merged[f"#{index}"] = row
            continue
        if key not in merged:
            merged[key] = {**row, gather: []}
        places = [row.get("workLocation")] if v1 else row.get("locations") or []
        gathered = merged[key][gather]
        for place in places if isinstance(places, list) else [places]:
            if place and place not in gathered:
                gathered.append(place)
    return list(merged.values())


def _v2_place(location: dict[str, Any]) -> str | None:
    parts = [
        location.get("city"),
        location.get("stateCode") or location.get("state"),
        location.get("country"),
    ]
    return location.get("name") or ", ".join(p for p in parts if p) or None


def _v2_remote(locations: list[dict[str, Any]]) -> bool | None:
    """True if any place is remote, False if every place is stated and none is, else None."""
    stated = [settings.REMOTE.get(str(loc.get("workplaceType") or "").upper()) for loc in locations]
    if True in stated:
        return True
    return False if stated and all(s is False for s in stated) else None


@register_live_source("rippling")
class RipplingSource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        boards: list[str] = field(default_factory=list)  # ats.rippling.com/<slug>/jobs
        companies: dict[str, str] = field(default_factory=dict)  # slug -> company name shown
        api: Literal["v2", "v1"] = "v2"  # v2: paged, the board page's own; v1: the platform API, one array
        page_size: int = settings.PAGE_SIZE  # v2 rows per request (a job repeats once per location)
        max_pages: int = settings.MAX_PAGES  # v2 requests per board, at most (then the listing is partial)

    name = "rippling"
    board_option = "boards"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def __init__(self, config: SourceConfig, runtime: Runtime, since: date | datetime | None = None) -> None:
        super().__init__(config, runtime, since)
        if not self.config.base_url and self.options.api == "v1":
            self.base_url = settings.V1_BASE_URL

    def units(self) -> list[Unit]:
        return [Unit(f"rippling:{slug}", scope=str(slug)) for slug in self.options.boards]

    def record_id(self, record: Any) -> str | None:
        return row_id(record)

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        url = f"{self.base_url}/{settings.JOBS_PATH.format(slug=unit.scope)}"
        if self.options.api == "v1":
            data, not_modified = await self.get_json(fetcher, url)
            if not isinstance(data, list):
                raise SchemaError(f"{url}: expected a JSON array of jobs")
            return Listing(merge_rows(data, v1=True), not_modified=not_modified)
        size = self.options.page_size
        rows: list[Any] = []
        all_cached = True
        for page in range(self.options.max_pages):
            data, not_modified = await self.get_json(fetcher, url, params={"page": page, "pageSize": size})
            require_list(data, "items", url)
            if _whole(data.get("page")) not in (None, page):
                raise SchemaError(f"{url}: asked for page {page}, got page {data['page']}")
            rows.extend(data["items"])
            all_cached &= not_modified
            if _last_page(data, page, size, len(rows)):
                return Listing(merge_rows(rows), complete=True, not_modified=all_cached)
        return Listing(merge_rows(rows), complete=False, not_modified=all_cached)

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        v1 = self.options.api == "v1"
        require(record, "uuid" if v1 else "id", "name")
        department = record.get("department") or {}
        if v1:
            places = record.get("_workLocations") or [record.get("workLocation")]
            labels = [w.get("label") for w in places if isinstance(w, dict)]
            locations = clean_locations(labels)
            remote = True if any("remote" in place.lower() for place in locations) else None
            workplace_types: list[Any] = []
        else:
            places = [loc for loc in record.get("locations") or [] if isinstance(loc, dict)]
            locations = clean_locations([_v2_place(loc) for loc in places])
            remote = _v2_remote(places)
            workplace_types = list(dict.fromkeys(loc.get("workplaceType") for loc in places))
        return Posting(
            source=self.name,
            source_id=str(record["uuid"] if v1 else record["id"]),
            title=record["name"],
            company=self.options.companies.get(unit.scope) or unit.scope,
            description=None,
            raw=record,
            url=record.get("url"),
            locations=locations,
            remote=remote,
            text_kind="structured",
            attributes={
                "department": department.get("label" if v1 else "name"),
                "workplace_types": workplace_types,
                "language": record.get("language"),
                "api": "v1" if v1 else "v2",
            },
        )


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _last_page(data: dict[str, Any], page: int, size: int, seen: int) -> bool:
    """The stated totals end the walk; without them (or if they lie) a short or empty page does. The page
    size is the one the body echoes, since a server may serve fewer rows than were asked for."""
    total_pages, total_items = _whole(data.get("totalPages")), _whole(data.get("totalItems"))
    if (total_pages is not None and page + 1 >= total_pages) or (
        total_items is not None and seen >= total_items
    ):
        return True
    served = _whole(data.get("pageSize")) or size
    return len(data["items"]) < served
