"""Personio career sites: an XML feed per company (German unless ``language`` is sent), no URL element, and
often an empty ``<jobDescriptions>`` (such positions are kept as structured rows). A body declaring a DOCTYPE
or an entity is refused before parsing: a hostile feed must never get its entities expanded."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
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
    company_url,
    parse_time,
    parse_xml,
    require,
)
from skillpulse.flows.sources.personio import settings
from skillpulse.flows.sources.posting import Posting


def _text(element: ElementTree.Element | None) -> str | None:
    if element is None:
        return None
    return (element.text or "").strip() or None


def position_record(position: ElementTree.Element) -> dict[str, Any]:
    """One ``<position>`` as a plain dict: leaves as text, ``additionalOffices`` as a list of offices,
    ``jobDescriptions`` as ``[{name, value}]`` (the value is the section's HTML, from CDATA)."""
    record: dict[str, Any] = {}
    for child in position:
        if child.tag == "jobDescriptions":
            record[child.tag] = [
                {"name": _text(d.find("name")), "value": _text(d.find("value"))}
                for d in child.findall("jobDescription")
            ]
        elif len(child):
            record[child.tag] = [t for t in (_text(c) for c in child) if t]
        else:
            record[child.tag] = _text(child)
    return record


def parse_feed(body: bytes, url: str) -> list[dict[str, Any]]:
    """The positions of a ``<workzag-jobs>`` feed; a positionless root is a real, empty board."""
    root = parse_xml(body, url)
    if root.tag != settings.ROOT:
        raise SchemaError(f"{url}: expected a <{settings.ROOT}> feed, got <{root.tag}>")
    return [position_record(p) for p in root.findall("position")]


def description_html(sections: Any) -> str | None:
    """Each filled ``<jobDescription>``: its name as a heading (escaped text), then its HTML value."""
    parts = []
    for section in sections if isinstance(sections, list) else []:
        if isinstance(section, dict) and section.get("value"):
            heading = f"<h3>{html.escape(section['name'])}</h3>" if section.get("name") else ""
            parts.append(heading + section["value"])
    return "\n".join(parts) or None


@register_live_source("personio")
class PersonioSource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        companies: list[str] = field(default_factory=list)  # tenants: <company>.jobs.personio.de
        language: str | None = None  # sent as ?language=<code> (en, de, ...); unset: the feed's German

    name = "personio"
    board_option = "companies"
    default_base_url = settings.BASE_URL
    policy = settings.POLICY

    def units(self) -> list[Unit]:
        return [Unit(f"personio:{c}", scope=str(c)) for c in self.options.companies]

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        url = f"{company_url(self.base_url, str(unit.scope))}/{settings.FEED_PATH}"
        language = self.options.language
        response = await fetcher.get(
            url,
            params={settings.LANGUAGE_PARAM: language} if language else None,
            policy=self.host_policy,
            accept=settings.ACCEPT,
            rate_headers=self.rate_headers,
        )
        return Listing(parse_feed(response.body, url), not_modified=response.not_modified)

    def job_url(self, company: str, job_id: str) -> str:
        """The public job page; a mirror base URL (no ``{company}``) still links to the real host."""
        template = self.base_url if "{company}" in self.base_url else settings.BASE_URL
        return f"{company_url(template, company)}/{settings.JOB_PATH.format(id=job_id)}"

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        require(record, "id", "name")
        job_id = str(record["id"])
        offices = clean_locations(record.get("office"), record.get("additionalOffices") or [])
        description = description_html(record.get("jobDescriptions"))
        keywords = record.get("keywords")
        return Posting(
            source=self.name,
            source_id=job_id,
            title=record["name"],
            company=record.get("subcompany") or unit.scope,  # the legal entity; may differ per position
            description=description,
            raw=record,
            url=self.job_url(str(unit.scope), job_id),
            locations=offices,
            remote=True if any("remote" in office.lower() for office in offices) else None,
            posted_at=parse_time(record.get("createdAt")),
            text_kind="full" if description else "structured",
            attributes={
                "subcompany": record.get("subcompany"),
                "department": record.get("department"),
                "recruiting_category": record.get("recruitingCategory"),
                "employment_type": record.get("employmentType"),
                "seniority": record.get("seniority"),
                "schedule": record.get("schedule"),
                "years_of_experience": record.get("yearsOfExperience"),
                "occupation": record.get("occupation"),
                "occupation_category": record.get("occupationCategory"),
                "keywords": [k.strip() for k in keywords.split(",") if k.strip()] if keywords else [],
            },
        )
