"""Workday career sites: the list (a POSTed search, paged by offset) has no text and only relative dates
("Posted 30+ Days Ago"), so each posting's detail GET supplies the HTML, places and ``startDate``."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from skillpulse.flows.http import Fetcher, FetchError
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.live import (
    Listing,
    LiveSource,
    SchemaError,
    Unit,
    clean_locations,
    parse_time,
    require,
    require_list,
)
from skillpulse.flows.sources.posting import Posting
from skillpulse.flows.sources.workday import settings

# "hitachi.wd1/hitachi", or the careers URL it comes from: https://hitachi.wd1.myworkdayjobs.com/en-US/hitachi
BOARD = re.compile(
    r"^(?:https?://)?(?P<tenant>[A-Za-z0-9-]+)\.(?P<wd>wd\d+)(?:\.myworkdayjobs\.com)?"
    r"/(?:[a-z]{2}-[A-Za-z]{2}/)?(?P<site>[A-Za-z0-9_-]+)/?$"
)
LOCATION_COUNT = re.compile(r"^\d+\s+Locations?$")  # a list row's "7 Locations": no place named


class Board(NamedTuple):
    tenant: str
    wd: str
    site: str

    @property
    def key(self) -> str:
        return f"{self.tenant}.{self.wd}/{self.site}"


def parse_board(text: str) -> Board:
    """``tenant.wdN/site`` (or the careers URL) as its parts; raises ValueError saying what to write."""
    match = BOARD.match(str(text).strip())
    if not match:
        raise ValueError(
            f"board {text!r} is not tenant.wdN/site (from https://tenant.wdN.myworkdayjobs.com/site)"
        )
    return Board(match["tenant"], match["wd"], match["site"])


def posting_id(tenant: str, external_path: Any) -> str | None:
    """``tenant/ref`` from the row's ``externalPath`` (``/job/Boston/Quantitative-Researcher_R1066-5``).

    Built from the list row alone so a posting keeps its id whether or not its detail arrives; the ref
    after the last ``_`` keeps the ``-5`` that tells reposts of one requisition apart (``bulletFields``
    holds only ``R1066``), and the tenant because requisition numbers repeat across employers.
    """
    if not isinstance(external_path, str) or not external_path.strip("/"):
        return None
    last = external_path.rstrip("/").rsplit("/", 1)[-1]
    ref = last.rsplit("_", 1)[-1] if "_" in last else last
    return f"{tenant}/{ref or last}"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


@register_live_source("workday")
class WorkdaySource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        # tenant.wdN/site, as in https://hitachi.wd1.myworkdayjobs.com/hitachi -> "hitachi.wd1/hitachi"
        # (the careers URL itself is accepted too); with base_url set, every board's host maps onto it
        boards: list[str] = field(default_factory=list)
        companies: dict[str, str] = field(default_factory=dict)  # tenant -> company name shown
        page_size: int = settings.PAGE_SIZE  # postings per list request (some tenants refuse more than 20)
        max_pages: int = settings.MAX_PAGES  # list requests per board; a board cut short closes nothing
        details: bool = True  # one GET per posting for its text, places and date; false: structured rows

    name = "workday"
    board_option = "boards"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        units = []
        for text in self.options.boards:
            try:
                board = parse_board(text)
            except ValueError as exc:  # reported as this unit's failure; the other boards carry on
                units.append(Unit(f"workday:{text}", params={"error": str(exc)}))
                continue
            units.append(Unit(f"workday:{board.key}", scope=board.key, params={"board": board}))
        return units

    def _url(self, board: Board, path: str) -> str:
        return self.base_url.format(tenant=board.tenant, wd=board.wd) + path

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        if "error" in unit.params:
            raise ValueError(unit.params["error"])
        board: Board = unit.params["board"]
        rows, complete = await self._list(fetcher, board)
        records: list[dict[str, Any]] = []
        seen: set[str] = set()
        for row in rows:
            key = posting_id(board.tenant, row.get("externalPath")) if isinstance(row, dict) else None
            if key is not None and key in seen:
                continue  # pages shifted while paging: one detail request per posting
            if key is not None:
                seen.add(key)
            records.append({"id": key, "row": row})
        if self.options.details:
            await asyncio.gather(*(self._detail(fetcher, board, r) for r in records if r["id"]))
        return Listing(records, complete=complete)

    async def _list(self, fetcher: Fetcher, board: Board) -> tuple[list[Any], bool]:
        """All rows, and whether they are the whole board: a page cap, or a short page before the first
        page's ``total`` (some tenants say 0 on later pages, so only the first counts), cuts it short."""
        url = self._url(board, settings.LIST_PATH.format(tenant=board.tenant, site=board.site))
        size = self.options.page_size
        rows: list[Any] = []
        total: int | None = None
        for page in range(self.options.max_pages):
            query = {**settings.LIST_QUERY, "limit": size, "offset": page * size}
            data = await self.post_json(fetcher, url, query)
            require_list(data, "jobPostings", url)
            if page == 0 and data.get("total") is not None:
                if isinstance(data["total"], bool) or not isinstance(data["total"], int):
                    raise SchemaError(f"{url}: 'total' is {data['total']!r}, not a number")
                total = data["total"]
            rows.extend(data["jobPostings"])
            if len(data["jobPostings"]) < size:
                return rows, total is None or len(rows) >= total
            if total is not None and len(rows) >= total:
                return rows, True
        return rows, False

    async def _detail(self, fetcher: Fetcher, board: Board, record: dict[str, Any]) -> None:
        """Add the posting's detail to ``record``; a failed detail leaves a structured row, not a gap."""
        path = record["row"]["externalPath"]
        url = self._url(board, settings.DETAIL_PATH.format(tenant=board.tenant, site=board.site, path=path))
        try:
            data, _ = await self.get_json(fetcher, url)
        except FetchError as exc:
            record["detail_error"] = str(exc)
            return
        if not isinstance(data, dict) or not isinstance(data.get("jobPostingInfo"), dict):
            record["detail_error"] = f"{url}: expected an object with 'jobPostingInfo'"
            return
        # ``similarJobs`` are other postings (their "Posted N Days Ago" changes daily): not kept in raw.
        record["detail"] = {k: v for k, v in data.items() if k in ("jobPostingInfo", "hiringOrganization")}

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        board: Board = unit.params["board"]
        return posting_from_record(record, board, self.options.companies.get(board.tenant))


def posting_from_record(record: dict[str, Any], board: Board, company: str | None = None) -> Posting:
    """One ``{"id", "row", "detail"?, "detail_error"?}`` record as a posting: the detail's fields where it
    came, else the list row's (title, one place unless "N Locations", no text, no date)."""
    row = record.get("row") or {}
    detail = record.get("detail") or {}
    info = detail.get("jobPostingInfo") or {}
    title = _text(info.get("title")) or _text(row.get("title"))
    require({"id": record.get("id"), "title": title}, "id", "title")
    description = _text(info.get("jobDescription"))  # HTML with ordinary entities: not escaped twice
    if info:
        extra = [p for p in info.get("additionalLocations") or [] if isinstance(p, str)]
        locations = clean_locations(info.get("location"), extra)
    else:
        text = _text(row.get("locationsText"))
        locations = clean_locations(text) if text and not LOCATION_COUNT.match(text.strip()) else []
    path = row.get("externalPath") or ""
    public = settings.PUBLIC_URL.format(tenant=board.tenant, wd=board.wd, site=board.site, path=path)
    requisition_country = ((info.get("jobRequisitionLocation") or {}).get("country")) or {}
    attributes = {
        "req_id": info.get("jobReqId"),
        "bullet_fields": row.get("bulletFields"),
        "locations_text": row.get("locationsText"),
        "posted_on_text": row.get("postedOn"),  # relative ("Posted 30+ Days Ago"): never turned into a date
        "time_type": info.get("timeType") or row.get("timeType"),
        "remote_type": info.get("remoteType") or row.get("remoteType"),
        "country": (info.get("country") or {}).get("descriptor"),
        "country_code": requisition_country.get("alpha2Code"),
        "end_date": info.get("endDate"),
        # A legal-entity label ("631 Booz Allen Hamilton_United States"), so never the company shown.
        "hiring_organization": (detail.get("hiringOrganization") or {}).get("name"),
        "detail_error": record.get("detail_error"),
    }
    return Posting(
        source=WorkdaySource.name,
        source_id=str(record["id"]),
        title=title,
        company=company or board.tenant,
        description=description,
        raw=record,
        url=info.get("externalUrl") or (public if path else None),
        locations=locations,
        remote=None,  # no body here states it; tenants' ``remoteType`` words are kept, not guessed at
        posted_at=parse_time(info.get("startDate") or row.get("startDate")),
        pay=[],  # no pay field in the API; a range in the text is left to the salary text parser
        text_kind="full" if description else "structured",
        attributes={k: v for k, v in attributes.items() if v not in (None, "", [])},
    )
