"""Any careers page or sitemap with schema.org JobPosting JSON-LD; pages robots.txt disallows are skipped."""

from __future__ import annotations

import hashlib
import html
from typing import Any

from skillpulse.flows.http import Fetcher, FetchError
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.base import Posting
from skillpulse.flows.sources.jsonld import settings
from skillpulse.flows.sources.jsonld.parse import job_postings, sitemap_urls
from skillpulse.flows.sources.live import Listing, LiveSource, Unit, clean_locations, parse_time, require


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("name") or value.get("value") or value.get("@id")
    if isinstance(value, list):
        return _text(value[0]) if value else None
    return str(value) if value not in (None, "") else None


def _places(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            address = item.get("address", item)
            if isinstance(address, dict):
                parts = [
                    _text(address.get(k)) for k in ("addressLocality", "addressRegion", "addressCountry")
                ]
                out.append(", ".join(p for p in parts if p))
            else:
                out.append(_text(address) or "")
        elif item:
            out.append(str(item))
    return clean_locations(out)


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def salary(base: Any) -> dict[str, Any] | None:
    """``baseSalary`` as given, unless it says nothing (empty currency and no non-zero amount)."""
    if not isinstance(base, dict):
        return None
    value = base.get("value")
    amounts = (
        [value] if not isinstance(value, dict) else [value.get(k) for k in ("value", "minValue", "maxValue")]
    )
    if not any(_number(a) for a in amounts):
        return None
    return base


def description_html(value: Any) -> str | None:
    """Some sites entity-escape the HTML inside JSON-LD: unescape once when no real tag is present."""
    if not value:
        return None
    text = str(value)
    return html.unescape(text) if "<" not in text and "&lt;" in text else text


@register_live_source("jsonld")
class JsonLdSource(LiveSource):
    options = frozenset({"max_sitemap_urls", "sitemaps", "urls"})  # its keys in sources.yaml
    name = "jsonld"
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        urls = [str(u) for u in self.config.as_list("urls")]
        for sitemap in self.config.as_list("sitemaps"):
            try:
                urls += self.runtime.run(self._sitemap(self.runtime.fetcher, str(sitemap)))
            except FetchError as exc:
                self.fail(f"jsonld:{sitemap}", exc)
        return [Unit(f"jsonld:{u}", params={"url": u}) for u in dict.fromkeys(urls)]

    async def _sitemap(self, fetcher: Fetcher, url: str) -> list[str]:
        if not await fetcher.allowed_by_robots(url, self.host_policy):
            raise FetchError(url, "robots", "robots.txt disallows this sitemap")
        response = await fetcher.get(url, policy=self.host_policy, accept="application/xml,text/xml")
        limit = int(self.config.get("max_sitemap_urls", settings.MAX_SITEMAP_URLS))
        return sitemap_urls(response.text())[:limit]

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        url = unit.params["url"]
        if not await fetcher.allowed_by_robots(url, self.host_policy):
            raise FetchError(url, "robots", "robots.txt disallows this page")
        response = await fetcher.get(url, policy=self.host_policy, accept=settings.ACCEPT)
        found = job_postings(response.text())
        records = [{**job, "_page_url": url, "_index": n} for n, job in enumerate(found)]
        return Listing(records, not_modified=response.not_modified)

    def record_id(self, record: Any) -> str | None:
        page = record["_page_url"]
        return page if not record["_index"] else f"{page}#{record['_index']}"

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        require(record, "title")
        raw = {k: v for k, v in record.items() if not k.startswith("_")}
        location_type = str(record.get("jobLocationType") or "").upper()
        return Posting(
            source=self.name,
            source_id=self.record_id(record) or hashlib.sha256(str(raw).encode()).hexdigest()[:16],
            title=html.unescape(str(record["title"])),
            company=_text(record.get("hiringOrganization")),
            description=description_html(record.get("description")),
            raw=raw,
            url=_text(record.get("url")) or record["_page_url"],
            locations=_places(record.get("jobLocation")),
            remote=True if "TELECOMMUTE" in location_type else None,
            posted_at=parse_time(record.get("datePosted")),
            pay=salary(record.get("baseSalary")),
            attributes={
                "employment_type": record.get("employmentType"),
                "identifier": _text(record.get("identifier")),
                "valid_through": record.get("validThrough"),
            },
        )
