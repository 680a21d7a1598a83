"""Any careers page or sitemap with schema.org JobPosting JSON-LD; pages robots.txt disallows are skipped.

The pages a sitemap lists are chosen by whoever serves the sitemap, so they are fetched as URLs *from a
page* (``from_page=True``): public hosts, or an origin this source's configuration names (its ``urls``,
``sitemaps`` and ``base_url``, put on its host policy), never another private or loopback address.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field
from typing import Any

from skillpulse.extractors.stated_pay import StatedPay, period_word
from skillpulse.flows.http import Fetcher, FetchError
from skillpulse.flows.http.errors import one_line
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.jsonld import settings
from skillpulse.flows.sources.jsonld.parse import read_page, sitemap_urls
from skillpulse.flows.sources.live import Listing, LiveSource, Unit, clean_locations, parse_time, require
from skillpulse.flows.sources.posting import Posting, PostingError


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


# UN/CEFACT codes schema.org's ``unitCode`` takes for a salary's period.
_UNIT_CODES = {"ANN": "year", "MON": "month", "WEE": "week", "DAY": "day", "HUR": "hour"}


def _period(*holders: dict[str, Any]) -> str:
    """The period the first holder states, by ``unitText`` ("YEAR") or ``unitCode`` ("ANN")."""
    for holder in holders:
        word = period_word(holder.get("unitText"))
        if word == "unknown":
            word = _UNIT_CODES.get(str(holder.get("unitCode") or "").strip().upper(), "unknown")
        if word != "unknown":
            return word
    return "unknown"


def _first(holder: dict[str, Any], *keys: str) -> Any:
    """The first of ``keys`` that holds an amount; 0 counts as absent (templates fill 0s for "none")."""
    for key in keys:
        value = holder.get(key)
        if isinstance(value, int | float | str) and not isinstance(value, bool) and value not in ("", 0, "0"):
            return value
    return None


def _one_amount(base: Any, currency: Any) -> StatedPay | None:
    """One ``baseSalary`` value: a ``MonetaryAmount`` (its ``value`` a ``QuantitativeValue``, a number,
    or absent with ``minValue``/``maxValue`` on the amount itself), a ``PriceSpecification``, or a bare
    number; the period from ``unitText``/``unitCode`` on the quantity, else on the amount."""
    if isinstance(base, int | float | str) and not isinstance(base, bool):
        return StatedPay.from_fields(base, base, currency, "unknown", base)
    if not isinstance(base, dict):
        return None
    value = base.get("value")
    quantity = value if isinstance(value, dict) else {"value": value}
    holders = (quantity, base)
    low = next((v for h in holders if (v := _first(h, "minValue", "minPrice", "value", "price"))), None)
    high = next((v for h in holders if (v := _first(h, "maxValue", "maxPrice", "value", "price"))), None)
    codes = (base.get("currency"), base.get("priceCurrency"), currency)
    code = next((c for c in codes if isinstance(c, str) and c.strip()), None)
    return StatedPay.from_fields(low, high, code, _period(*holders), base)


def stated_pay(base: Any, currency: Any = None) -> list[StatedPay]:
    """schema.org ``baseSalary`` as StatedPay: one value or a list of them (see :func:`_one_amount`).

    ``currency`` is the posting's ``salaryCurrency``, used when an amount names none. Every valid shape
    is read; a block that states no positive amount (templates fill 0s) states nothing.
    """
    items = base if isinstance(base, list) else [base]
    currency = currency if isinstance(currency, str) else None
    pays = [_one_amount(item, currency) for item in items[:20]]
    return [p for p in pays if p is not None and (p.max or 0) > 0]


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The origins the configuration names; a page a sitemap lists may be on one of them (a mirror on
        # an intranet or loopback), or on a public host.
        named = [str(u) for u in [*self.options.urls, *self.options.sitemaps]]
        self.host_policy = self.host_policy.allowing(self.base_url, *named)

    def units(self) -> list[Unit]:
        listed: list[str] = []
        for sitemap in self.options.sitemaps:
            try:
                listed += self.runtime.run(self._sitemap(self.runtime.fetcher, str(sitemap)))
            except FetchError as exc:
                self.fail(f"jsonld:{one_line(sitemap)}", exc)
        configured = {str(u): False for u in self.options.urls}
        pages = {**{u: True for u in listed}, **configured}  # a configured URL is vouched for
        order = dict.fromkeys([*configured, *listed])
        # The key names the unit in failure lines: a URL a sitemap chose is shown as one plain line.
        return [Unit(f"jsonld:{one_line(u)}", params={"url": u, "from_page": pages[u]}) for u in order]

    async def _sitemap(self, fetcher: Fetcher, url: str) -> list[str]:
        if not await fetcher.allowed_by_robots(url, self.host_policy):
            raise FetchError(url, "robots", "robots.txt disallows this sitemap")
        response = await fetcher.get(url, policy=self.host_policy, accept="application/xml,text/xml")
        limit = self.options.max_sitemap_urls
        return sitemap_urls(response.text())[:limit]

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        url, from_page = unit.params["url"], bool(unit.params.get("from_page"))
        if not await fetcher.allowed_by_robots(url, self.host_policy, from_page=from_page):
            raise FetchError(url, "robots", "robots.txt disallows this page")
        response = await fetcher.get(
            url, policy=self.host_policy, accept=settings.ACCEPT, from_page=from_page
        )
        found, broken = read_page(response.text())
        records = [{**job, "_page_url": url, "_index": n} for n, job in enumerate(found)]
        # A JobPosting block that is not valid JSON becomes a quarantined record (its reason and text
        # kept), not a silent 0: the page's other postings still arrive, and a re-run retries it.
        records += [
            {"_page_url": url, "_broken": block.index, "_error": block.error, "ld_json": block.text}
            for block in broken
        ]
        return Listing(records, not_modified=response.not_modified)

    def record_id(self, record: Any) -> str | None:
        page = record["_page_url"]
        if "_broken" in record:
            return f"{page}#ld+json-{record['_broken']}"
        return page if not record["_index"] else f"{page}#{record['_index']}"

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        if "_broken" in record:
            raise PostingError(
                f"ld+json block {record['_broken']} names a JobPosting but cannot be read as JSON "
                f"({record['_error']}); fix the page or report it to its owner"
            )
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
            pay=stated_pay(record.get("baseSalary"), record.get("salaryCurrency")),
            attributes={
                "employment_type": record.get("employmentType"),
                "identifier": _text(record.get("identifier")),
                "valid_through": record.get("validThrough"),
            },
        )
