"""enrich_record (the issue's output object), location/remote, seniority, industry, and the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skillpulse.extractors.enrich import enrich, enrich_record, hn_company
from skillpulse.extractors.industry import INDUSTRIES, classify_industry, company_map, from_text
from skillpulse.extractors.location import parse_place, remote_mode
from skillpulse.extractors.seniority import SENIORITIES, classify_seniority
from skillpulse.flows.cli import app

OUTPUT_KEYS = {"id", "roles", "seniority", "salaries", "countries", "remote", "industry"}
SALARY_KEYS = {"min", "max", "currency", "period", "annual_usd_min", "annual_usd_max", "provenance", "raw"}

# Real HN comment (hn_2026 snapshot, id 46467076), as HN serves it: HTML with entities.
HATCHET = (
    'Hatchet | Founding Engineer | NYC or REMOTE (US and EU) | <a href="https:&#x2F;&#x2F;hatchet.run">'
    "https:&#x2F;&#x2F;hatchet.run</a><p>Hey HN! I&#x27;m Alexander, one of the founders of Hatchet. "
    "Hatchet is an open-source platform for running background jobs at scale."
)


def test_output_object_has_exactly_the_issue_fields() -> None:
    out = enrich_record({"id": 46467076, "text": HATCHET})
    assert set(out) == OUTPUT_KEYS
    assert out["id"] == 46467076
    assert out["roles"] == ["software_engineer"]
    assert out["countries"] == ["US"]
    assert out["remote"] == "remote"
    assert out["seniority"] in SENIORITIES and out["industry"] in INDUSTRIES
    json.dumps(out)  # serialisable


def test_html_text_salary_and_several_roles() -> None:
    text = (
        "Shortwave | Sr. Software Engineer, ML Engineer | Onsite in San Francisco | $150k-$225k base + "
        "generous equity<p>I previously cofounded Firebase (YC S11) and sold it to Google."
    )
    out = enrich_record({"id": "x", "text": text, "source": "hn"})
    assert out["roles"] == ["ml_engineer", "software_engineer"]
    assert out["countries"] == ["US"] and out["remote"] == "onsite"
    (salary,) = out["salaries"]
    assert set(salary) == SALARY_KEYS
    assert (salary["min"], salary["max"], salary["currency"], salary["period"]) == (
        150000,
        225000,
        "USD",
        "year",
    )
    assert salary["provenance"] == "text" and salary["raw"] == "$150k-$225k"


def test_glassdoor_style_record_uses_source_fields() -> None:
    e = enrich(
        {
            "id": "glassdoor:kenjee-0",
            "title": "Data Scientist",
            "company": "Tecolote Research",
            "locations": ["Albuquerque, NM"],
            "text": "Data Scientist Location: Albuquerque, NM Education Required: Bachelor's degree required",
            # As the Glassdoor snapshot reader states it (the source package reads Glassdoor's format).
            "pay": {
                "min": 53000,
                "max": 91000,
                "currency": "USD",
                "period": "year",
                "provenance": "estimate",
            },
            "attributes": {"industry": "Aerospace & Defense", "sector": "Aerospace & Defense"},
        }
    )
    assert e.roles == ["data_scientist"]
    assert e.countries == ["US"] and e.city == "Albuquerque"
    assert e.industry == "security_defense"
    assert [(s.min, s.max, s.provenance) for s in e.salaries] == [(53000, 91000, "estimate")]


def test_rejected_salaries_are_kept_aside_not_output() -> None:
    e = enrich({"id": 1, "title": "Engineer", "pay": "80-110 GBP (GBP)", "text": ""})
    assert e.salaries == [] and e.rejected_salaries and e.rejected_salaries[0].rejected
    assert enrich_record({"id": 1, "title": "Engineer", "pay": "80-110 GBP (GBP)"})["salaries"] == []


def test_empty_record_does_not_fail() -> None:
    out = enrich_record({"id": 7})
    assert out == {
        "id": 7, "roles": ["other"], "seniority": "unknown", "salaries": [], "countries": [],
        "remote": "unknown", "industry": "unknown",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("header", "company"),
    [
        ("Hatchet | Founding Engineer | NYC", "Hatchet"),
        ("Checkr (YC S14) | San Francisco, CA | ONSITE | Senior Software Engineers", "Checkr"),
        ("Voodoo Manufacturing (YC W17) | Brooklyn, NY | Full-Time", "Voodoo Manufacturing"),
    ],
)
def test_hn_company(header: str, company: str) -> None:
    assert hn_company(header) == company


# -- location ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("place", "countries", "city"),
    [
        ("San Jose, CA", ["US"], "San Jose"),
        ("Toronto, ON, CA", ["CA"], "Toronto"),
        ("Toronto, ON", ["CA"], "Toronto"),
        ("London, UK", ["GB"], "London"),
        ("Berlin, DE", ["DE"], "Berlin"),
        ("NYC or REMOTE (US and EU)", ["US"], "NYC"),
        ("Remote (US only)", ["US"], None),
        ("Remote - MA", ["US"], None),
        ("Chicago, Illinois, United States; Detroit, MI; Indiana-Remote", ["US"], "Chicago"),
        ("Albuquerque, NM", ["US"], "Albuquerque"),
        ("Austin TX", ["US"], "Austin"),
        ("Pune, India", ["IN"], "Pune"),
        ("Helsinki, Finland", ["FI"], "Helsinki"),
        ("Bilbao, Spain", ["ES"], None),
        ("Palo Alto / San Francisco Bay Area", ["US"], "Palo Alto"),
        ("US time zones", [], None),
        ("Remote in US time zones", [], None),
        ("EU", [], None),
        ("Worldwide", [], None),
        ("Europe", [], None),
        ("REMOTE (North America preferred)", [], None),
    ],
)
def test_places(place: str, countries: list[str], city: str | None) -> None:
    got = parse_place(place)
    assert got.countries == countries
    assert got.city == city


@pytest.mark.parametrize(
    ("header", "body", "flag", "mode"),
    [
        ("Hatchet | Founding Engineer | NYC or REMOTE (US and EU)", "", None, "remote"),
        ("Konvu | Software Engineer | FULLTIME | ONSITE | Paris, France", "", None, "onsite"),
        (
            "Foundry Robotics | Founding Engineers | Contract or Full-time | Remote or onsite | London",
            "",
            None,
            "mixed",
        ),
        ("Ploid AI | Barcelona, Spain | HYBRID (preferably on-site) | Core Team", "", None, "hybrid"),
        ("TagCmd - London, UK - Full time. Sorry, no work permits, no remote.", "", None, "onsite"),
        ("Data Scientist", "This is a fully remote position.", None, "remote"),
        ("Data Scientist", "We use remote sensing imagery.", None, "unknown"),
        ("Data Scientist", "", True, "remote"),
        ("Data Scientist", "", False, "onsite"),
        ("Data Scientist", "", None, "unknown"),
        ("Microsoft AI | Platform Engineering | Seattle, WA | ONSITE (4 days/week)", "", None, "hybrid"),
    ],
)
def test_remote_mode(header: str, body: str, flag: bool | None, mode: str) -> None:
    assert remote_mode(header, body, flag) == mode


# -- seniority -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "text", "level"),
    [
        ("Sr Data Scientist", None, "senior"),
        ("Senior Engineering Manager", None, "lead_manager"),
        ("Head of Engineering", None, "lead_manager"),
        ("Staff Software Engineer - Applied ML", None, "staff_principal"),
        ("Principal Machine Learning Engineer", None, "staff_principal"),
        ("Data Science Intern", None, "intern"),
        ("Software Engineer II, Orders", None, "mid"),
        ("Engineer I", None, "junior"),
        ("Junior Data Analyst", None, "junior"),
        ("Software Engineer", "You have 5+ years of experience with Python", "senior"),
        ("Data Scientist", "3-5 years experience in analytics", "mid"),
        ("Founding Engineer", None, "unknown"),
        ("Hey HN! I'm hiring", None, "unknown"),
        ("Mid/Sr./Principal/Staff", None, "unknown"),
        ("Senior Staff Engineer", None, "staff_principal"),
    ],
)
def test_seniority(title: str, text: str | None, level: str) -> None:
    assert classify_seniority(title, text) == level


# -- industry ------------------------------------------------------------------------------------
def test_required_industries_exist() -> None:
    assert {"healthcare", "finance", "e-commerce", "unknown"} <= set(INDUSTRIES)
    assert set(company_map().values()) <= set(INDUSTRIES)


@pytest.mark.parametrize(
    ("company", "attributes", "text", "industry"),
    [
        ("Healthfirst", {"industry": "Insurance Carriers", "sector": "Insurance"}, "", "finance"),
        ("X", {"industry": "Health Care Services & Hospitals"}, "", "healthcare"),
        ("X", {"industry": "Biotech & Pharmaceuticals"}, "", "healthcare"),
        ("X", {"sector": "Retail"}, "", "retail"),
        ("Stripe", {}, "", "finance"),
        ("Shopify Inc.", {}, "", "e-commerce"),
        (
            "Medfusion",
            {},
            "Medfusion | Cary, NC | ONSITE\nWe are mid-sized, innovative healthcare SaaS company. We design "
            "patient engagement software used by hospitals and clinics.",
            "healthcare",
        ),
        (
            "Osper",
            {},
            "Osper (https://osper.com) is mobile banking for young people aged 8-18. We give children the "
            "power to manage their money, and parents the confidence to let them.",
            "finance",
        ),
        (
            "Yieldify",
            {},
            "Yieldify is a MarTech company that helps e-commerce marketers generate more sales by making it "
            "easy for them to optimise their online store.",
            "e-commerce",
        ),
        ("Acme", {}, "We offer medical, dental and vision insurance and a 401k.", "unknown"),
    ],
)
def test_industry(company: str, attributes: dict, text: str, industry: str) -> None:
    assert classify_industry(company, attributes, text) == industry


def test_benefits_do_not_make_a_healthcare_company() -> None:
    assert from_text("Great benefits: health insurance, dental, vision; 401(k).") is None


# -- the command ---------------------------------------------------------------------------------
def test_enrich_command(tmp_path: Path) -> None:
    src = tmp_path / "postings.jsonl"
    lines = [
        json.dumps({"id": 46467076, "text": HATCHET, "source": "hn"}),
        "{not json",
        json.dumps({"text": "no id here"}),
        "",
        json.dumps(
            {
                "id": "gd-1",
                "title": "Senior Data Engineer",
                "company": "Lancer Insurance",
                "location": "Long Beach, NY",
                "text": "Lancer Insurance Company is looking for a Data Engineer",
            }
        ),
        json.dumps(["an", "array"]),
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out" / "enriched.jsonl"
    result = CliRunner().invoke(app, ["enrich", "--input", str(src), "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [46467076, "gd-1"]
    assert all(set(r) == OUTPUT_KEYS for r in rows)
    assert rows[1]["roles"] == ["data_engineer"] and rows[1]["seniority"] == "senior"
    assert rows[1]["countries"] == ["US"]
    assert "3 bad lines" in result.output
    assert ":2:" in result.output and ":3:" in result.output
