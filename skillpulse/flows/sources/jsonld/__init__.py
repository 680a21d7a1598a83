"""Any careers page or sitemap with schema.org JobPosting JSON-LD; pages robots.txt disallows are skipped."""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field
from typing import Any

from skillpulse.extractors.stated_pay import StatedPay, period_word
from skillpulse.flows.http import Fetcher, FetchError
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.jsonld import settings
from skillpulse.flows.sources.jsonld.parse import job_postings, sitemap_urls
from skillpulse.flows.sources.live import Listing, LiveSource, Unit, clean_locations, parse_time, require
from skillpulse.flows.sources.posting import Posting


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


def stated_pay(base: Any) -> list[StatedPay]:
    """schema.org ``baseSalary``: a ``MonetaryAmount`` whose ``value`` is a ``QuantitativeValue``
    (``minValue``/``maxValue`` or one ``value``, ``unitText`` HOUR…YEAR) or a bare number. A block that
    states no positive amount (templates fill 0s) states nothing."""
    if not isinstance(base, dict):
        return []
    value = base.get("value")
    quantity = value if isinstance(value, dict) else {"value": value}
    low = quantity.get("minValue") or quantity.get("value")
    high = quantity.get("maxValue") or quantity.get("value")
    pay = StatedPay.from_fields(low, high, base.get("currency"), period_word(quantity.get("unitText")), base)
    return [pay] if (pay.max or 0) > 0 else []


def description_html(value: Any) -> str | None:
    """Some sites entity-escape the HTML inside JSON-LD: unescape once when no real tag is present."""
    if not value:
        return None
    text = str(value)
    return html.unescape(text) if "<" not in text and "&lt;" in text else text


@register_live_source("jsonld")
class JsonLdSource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        urls: list[str] = field(default_factory=list)  # career pages with JobPosting JSON-LD
        sitemaps: list[str] = field(default_factory=list)  # sitemaps whose pages are read
        max_sitemap_urls: int = settings.MAX_SITEMAP_URLS  # pages read per sitemap, at most

    name = "jsonld"
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        urls = list(self.options.urls)
        for sitemap in self.options.sitemaps:
            try:
                urls += self.runtime.run(self._sitemap(self.runtime.fetcher, str(sitemap)))
            except FetchError as exc:
                self.fail(f"jsonld:{sitemap}", exc)
        return [Unit(f"jsonld:{u}", params={"url": u}) for u in dict.fromkeys(urls)]

    async def _sitemap(self, fetcher: Fetcher, url: str) -> list[str]:
        if not await fetcher.allowed_by_robots(url, self.host_policy):
            raise FetchError(url, "robots", "robots.txt disallows this sitemap")
        response = await fetcher.get(url, policy=self.host_policy, accept="application/xml,text/xml")
        limit = self.options.max_sitemap_urls
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
            pay=stated_pay(record.get("baseSalary")),
            attributes={
                "employment_type": record.get("employmentType"),
                "identifier": _text(record.get("identifier")),
                "valid_through": record.get("validThrough"),
            },
        )
