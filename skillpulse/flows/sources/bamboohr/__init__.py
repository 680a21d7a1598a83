"""BambooHR careers sites: the list has no text, date or URL, so each opening's detail is fetched (a failed
detail leaves a structured row). Opening ids count per company ("214"), so source ids are ``company:id``."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from skillpulse.extractors.stated_pay import StatedPay
from skillpulse.flows.http import Fetcher, FetchError
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.bamboohr import settings
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
from skillpulse.flows.sources.posting import Posting, PostingError


def _place(loc: Any) -> str | None:
    """``location`` {city, state[, postalCode, addressCountry]} or ``atsLocation`` {country, state,
    province|countryId, city}; either may be all nulls."""
    if not isinstance(loc, dict):
        return None
    parts = [
        loc.get("city"),
        loc.get("state") or loc.get("province"),
        loc.get("country") or loc.get("addressCountry"),
    ]
    return ", ".join(str(p).strip() for p in parts if p not in (None, "") and str(p).strip()) or None


def locations(record: dict[str, Any]) -> list[str]:
    """``locationType`` (a string enum) names the filled object: "1" ``atsLocation``, "2" ``location``;
    the other is used only when the named one is empty."""
    if str(record.get("locationType")) == "1":
        first, second = record.get("atsLocation"), record.get("location")
    else:
        first, second = record.get("location"), record.get("atsLocation")
    return clean_locations(_place(first) or _place(second))


def stated_pay(compensation: Any) -> list[StatedPay]:
    """The detail's ``compensation`` is null in every recorded body, so its filled shape is unknown: text is
    given to the salary text parser; any other shape is kept in the attributes, not guessed at."""
    if isinstance(compensation, str) and compensation.strip():
        return [StatedPay.free_text(compensation.strip())]
    return []


@register_live_source("bamboohr")
class BambooHRSource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        companies: list[str] = field(default_factory=list)  # <company>.bamboohr.com/careers
        names: dict[str, str] = field(default_factory=dict)  # company -> name shown (the API has none)
        details: bool = True  # one request per opening for its text and date; false: structured rows

    name = "bamboohr"
    board_option = "companies"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        return [Unit(f"bamboohr:{c}", scope=str(c)) for c in self.options.companies]

    def record_id(self, record: Any) -> str | None:
        if not isinstance(record, dict) or record.get("id") in (None, ""):
            return None
        return f"{record.get('_company')}:{record['id']}"

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        company = str(unit.scope)
        root = company_url(self.base_url, company)
        url = f"{root}/{settings.LIST_PATH}"
        data, not_modified = await self.get_json(fetcher, url)
        rows = require_list(data, "result", url)
        meta = data.get("meta")
        total = meta.get("totalCount") if isinstance(meta, dict) else None
        # Fewer rows than the stated total: the list was cut, so it must not close what it lacks.
        complete = not (isinstance(total, int) and len(rows) < total)
        if self.options.details:
            fetched = await asyncio.gather(*(self._detail(fetcher, root, row) for row in rows))
        else:
            fetched = [(row, True) for row in rows]
        records = [{**r, "_company": company} if isinstance(r, dict) else r for r, _ in fetched]
        cached = not_modified and all(c for _, c in fetched)
        return Listing(records, complete=complete, not_modified=cached)

    async def _detail(self, fetcher: Fetcher, root: str, row: Any) -> tuple[Any, bool]:
        """The row merged with its ``result.jobOpening`` (the row's id kept); a failed or odd detail keeps
        the row, with the reason, so the opening is stored as a structured row."""
        if not isinstance(row, dict) or row.get("id") in (None, ""):
            return row, False  # normalise quarantines it; there is nothing to ask for
        url = f"{root}/{settings.DETAIL_PATH.format(id=quote(str(row['id']), safe=''))}"
        try:
            data, cached = await self.get_json(fetcher, url)
        except FetchError as exc:
            return {**row, "_detail_error": str(exc)}, False
        result = data.get("result") if isinstance(data, dict) else None
        opening = result.get("jobOpening") if isinstance(result, dict) else None
        if not isinstance(opening, dict):
            return {**row, "_detail_error": f"{url}: expected 'result.jobOpening' as an object"}, False
        return {**row, **opening, "id": row["id"]}, cached

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        require(record, "id")
        title = str(record.get("jobOpeningName") or "").strip()  # titles carry trailing spaces
        if not title:
            raise PostingError("missing jobOpeningName")
        company = str(unit.scope)
        description = record.get("description")
        description = description if isinstance(description, str) and description.strip() else None
        compensation = record.get("compensation")
        public = settings.PUBLIC_URL.format(company=company, id=record["id"])
        return Posting(
            source=self.name,
            source_id=f"{company}:{record['id']}",
            title=title,
            company=self.options.names.get(company) or company,
            description=description,
            description_is_html=True,
            raw={k: v for k, v in record.items() if not k.startswith("_")},
            url=record.get("jobOpeningShareUrl") or public,
            locations=locations(record),
            remote=record["isRemote"] if isinstance(record.get("isRemote"), bool) else None,
            posted_at=parse_time(record.get("datePosted")),
            pay=stated_pay(compensation),
            text_kind="full" if description else "structured",
            attributes={
                "department": record.get("departmentLabel") or None,  # null in the list, "" in a detail
                "department_id": record.get("departmentId"),
                "employment_status": record.get("employmentStatusLabel"),
                "employment_type": record.get("employmentType"),
                "location_type": record.get("locationType"),
                "minimum_experience": record.get("minimumExperience"),
                "status": record.get("jobOpeningStatus"),
                "compensation": None if isinstance(compensation, str) else compensation,
                "detail_error": record.get("_detail_error"),
            },
        )
