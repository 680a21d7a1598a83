"""One posting in, its enrichment out: roles, seniority, salaries, countries, remote mode, industry.

Pure (no Prefect, no DuckDB), so the ``skillpulse enrich`` command and the pipeline step
(``flows/steps/enrich.py``) run exactly the same code on a record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from skillpulse.extractors.html import to_text
from skillpulse.extractors.industry import classify_industry
from skillpulse.extractors.location import countries_and_city, location_strings, remote_mode
from skillpulse.extractors.roles import classify_title, default_rules, header_segments, hn_header, hn_roles
from skillpulse.extractors.salary import Salary, extract_salaries
from skillpulse.extractors.seniority import classify_seniority

# Currency a bare "120-150k" means when the posting names only this country ("$" always means USD).
COUNTRY_CURRENCY = {
    "GB": "GBP", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "IN": "INR", "CH": "CHF", "SE": "SEK", "NO": "NOK",
    "DK": "DKK", "PL": "PLN", "CZ": "CZK", "JP": "JPY", "SG": "SGD", "IL": "ILS", "BR": "BRL", "MX": "MXN",
    **dict.fromkeys(["DE", "FR", "NL", "ES", "PT", "IT", "IE", "AT", "BE", "LU"], "EUR"),
    **dict.fromkeys(["FI", "EE", "LV", "LT", "SK", "SI", "GR", "CY", "MT", "HR"], "EUR"),
}  # fmt: skip
_YC = re.compile(r"\s*\((?:yc|ycombinator)[^)]*\)", re.IGNORECASE)
_URLISH = re.compile(r"https?://|www\.|\.(?:com|io|ai|co|org|net)\b", re.IGNORECASE)


@dataclass
class Enrichment:
    """Everything enrichment finds; ``as_output()`` is the issue's line format."""

    id: Any
    roles: list[str]
    seniority: str
    salaries: list[Salary]
    countries: list[str]
    city: str | None
    remote: str
    industry: str
    company: str | None
    title: str | None
    rejected_salaries: list[Salary] = field(default_factory=list)

    def as_output(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "roles": self.roles,
            "seniority": self.seniority,
            "salaries": [s.as_output() for s in self.salaries],
            "countries": self.countries,
            "remote": self.remote,
            "industry": self.industry,
        }


def hn_company(header: str) -> str | None:
    """The company an HN header names: its first segment, without "(YC S14)" or a URL."""
    segments = header_segments(_YC.sub("", header))
    if not segments:
        return None
    first = segments[0]
    if len(first) > 60 or _URLISH.search(first) and " " in first:
        return None
    return first.strip(" :[]") or None


def _posted_on(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 7:
        try:
            return date.fromisoformat(value[:10] if len(value) >= 10 else value + "-01")
        except ValueError:
            return None
    return None


def _str(value: Any) -> str | None:
    """A non-empty stripped string, or None (JSON null, NaN from a data frame, numbers by mistake)."""
    return value.strip() or None if isinstance(value, str) else None


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list | tuple):
        return []
    return [str(v) for v in value if isinstance(v, str) and v]


def enrich(record: dict[str, Any]) -> Enrichment:
    """Enrich one record: ``{"id", "text", "title"?, "company"?, "location"?, "source"?}`` plus, from the
    pipeline, optional ``pay``, ``attributes``, ``locations``, ``remote`` and ``posted_at``."""
    text = to_text(_str(record.get("text")) or "", is_html=record.get("text_is_html", True))
    title = _str(record.get("title"))
    header = hn_header(text) if not title else ""
    segments = header_segments(header) if header else []
    company = _str(record.get("company")) or (hn_company(header) if header else None)

    roles = classify_title(title) if title else hn_roles(text)
    # An HN header mixes company, place and prose ("cofounder/CTO of MongoDB"): only its role segments
    # say the job's level.
    role_segments = " | ".join(seg for seg in segments if default_rules().find(seg))
    seniority = classify_seniority(title or role_segments, text)

    places = _as_list(record.get("locations")) + _as_list(record.get("location"))
    # The first header segment is usually the company ("Paris Baguette"), not a place; old threads open
    # with the place instead ("Fremont, CA - Redwood Systems"), which a comma or slash gives away.
    first = segments[:1] if segments and re.search(r",|/", segments[0]) else []
    place = countries_and_city(location_strings(places, first + segments[1:], text))
    terms = " | ".join([*places, header, title or ""])
    remote = remote_mode(terms, text, record.get("remote"))

    default_currency = COUNTRY_CURRENCY.get(place.countries[0], "USD") if len(place.countries) == 1 else "USD"
    found = extract_salaries(record.get("pay"), text, default_currency, _posted_on(record.get("posted_at")))
    industry = classify_industry(company, record.get("attributes"), text)
    return Enrichment(
        id=record.get("id"),
        roles=roles,
        seniority=seniority,
        salaries=[s for s in found if s.rejected is None],
        countries=place.countries,
        city=place.city,
        remote=remote,
        industry=industry,
        company=company,
        title=title or (segments[1] if len(segments) > 1 else None),
        rejected_salaries=[s for s in found if s.rejected is not None],
    )


def enrich_record(record: dict[str, Any]) -> dict[str, Any]:
    """The issue's output object for one input record (see ``skillpulse enrich``)."""
    return enrich(record).as_output()
