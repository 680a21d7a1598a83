"""Teamtailor career sites: the keyless ``jobs.rss`` feed (the JSON:API needs a key), every job at once.

``<description>`` is entity-escaped HTML: the XML parser's entity decoding is the one unescape (a second
``html.unescape`` would turn an escaped ``&lt;`` in the text into a tag). The numeric job id is only in
``<link>`` (``/jobs/8344301-slug``); ``<guid>`` is a UUID, kept as an attribute. No DTD is ever parsed.
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

from skillpulse.flows.http import Fetcher
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.live import (
    Listing,
    LiveSource,
    SchemaError,
    Unit,
    clean_locations,
    parse_xml,
    require,
)
from skillpulse.flows.sources.posting import Posting, PostingError
from skillpulse.flows.sources.teamtailor import settings

# ``https://ferd.teamtailor.com/jobs/8344301-ferd-digital-internship`` -> 8344301; the slug after the
# number follows the title, the number does not.
JOB_ID = re.compile(r"/jobs/(\d+)(?:[-/?#]|$)")


def job_id(link: Any) -> str | None:
    match = JOB_ID.search(str(link or ""))
    return match.group(1) if match else None


def parse_feed(body: bytes, url: str) -> tuple[str | None, list[dict[str, Any]]]:
    """The channel title (the company's name) and each ``<item>`` as a plain dict keyed by local names."""
    root = parse_xml(body, url)
    channel = root.find("channel") if _local(root.tag) == "rss" else None
    if channel is None:
        raise SchemaError(f"{url}: expected an RSS document <rss><channel>, got <{_local(root.tag)}>")
    return _text(channel.find("title")), [_item(item) for item in channel.findall("item")]


def _item(item: ElementTree.Element) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for child in item:
        key = _local(child.tag)
        if key == "locations":  # tt:locations holds tt:location elements, each of leaf fields
            value: Any = [{_local(f.tag): _text(f) for f in loc} for loc in child]
        elif len(child):
            value = {_local(f.tag): _text(f) for f in child}
        else:
            value = _text(child) if _text(child) is not None or not child.attrib else dict(child.attrib)
        if key in record:  # a repeated element (several <category>) becomes a list
            previous = record[key]
            record[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            record[key] = value
    return record


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: ElementTree.Element | None) -> str | None:
    text = element.text if element is not None else None
    return (text.strip() or None) if text else None


def _place(location: dict[str, Any]) -> str | None:
    """``Oslo, Norway``: the city (else the site's own name for the place) and the country."""
    parts = [location.get("city") or location.get("name"), location.get("country")]
    return ", ".join(dict.fromkeys(p for p in parts if p)) or None


def published(value: Any) -> datetime | None:
    """``pubDate`` is RFC 822 (``Tue, 08 Sep 2026 19:07:00 +0200``); an unreadable one raises ValueError."""
    if not value:
        return None
    when = email.utils.parsedate_to_datetime(str(value))
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)


@register_live_source("teamtailor")
class TeamtailorSource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        companies: list[str] = field(default_factory=list)  # <company>.teamtailor.com

    name = "teamtailor"
    board_option = "companies"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        return [Unit(f"teamtailor:{c}", scope=str(c)) for c in self.options.companies]

    def record_id(self, record: Any) -> str | None:
        return job_id(record.get("link")) if isinstance(record, dict) else None

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        url = settings.feed_url(self.base_url, str(unit.scope))
        response = await fetcher.get(
            url, policy=self.host_policy, accept=settings.ACCEPT, rate_headers=self.rate_headers
        )
        company, items = parse_feed(response.body, url)
        return Listing(items, not_modified=response.not_modified, context={"company": company})

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        require(record, "link", "title")
        source_id = job_id(record["link"])
        if source_id is None:
            raise PostingError(f"no numeric job id in link {record['link']!r}")
        description = record.get("description")
        locations = [loc for loc in record.get("locations") or [] if isinstance(loc, dict)]
        status = str(record.get("remoteStatus") or "").strip().lower()
        return Posting(
            source=self.name,
            source_id=source_id,
            title=record["title"],
            company=listing.context.get("company") or unit.scope,
            description=description or None,
            raw=record,
            url=record["link"],
            locations=clean_locations([_place(loc) for loc in locations]),
            remote=settings.REMOTE.get(status),
            posted_at=published(record.get("pubDate")),
            text_kind="full" if description else "structured",
            attributes={
                "department": record.get("department"),
                "role": record.get("role"),
                "remote_status": record.get("remoteStatus"),
                "guid": record.get("guid"),
            },
        )
