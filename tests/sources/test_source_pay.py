"""Each source package maps its API's own pay fields to ``StatedPay``; the salary step then annualises.

The pay blocks are copied verbatim from real API bodies (/work/shared/data/job_api_fixtures) and the
bundled Glassdoor files.
"""

from __future__ import annotations

import pytest
from loopback_server import fixture_json

from skillpulse.extractors.salary import HOURS_PER_YEAR, parse_pay
from skillpulse.flows.sources import ashby, greenhouse, jsonld, lever, remoteok, smartrecruiters
from skillpulse.flows.sources.snapshot import glassdoor


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("$53K-$91K (Glassdoor est.)", (53000, 91000, "year", "estimate")),
        ("$137K-$171K (Glassdoor est.)", (137000, 171000, "year", "estimate")),
        ("Employer Provided Salary:$80K-$90K", (80000, 90000, "year", "structured")),
        ("$145K-$225K(Employer est.)", (145000, 225000, "year", "structured")),
        ("$17-$24 Per Hour(Glassdoor est.)", (17, 24, "hour", "estimate")),
    ],
)
def test_glassdoor_salary_estimates(value: str, expected: tuple) -> None:
    (p,) = glassdoor.stated_pay(value)
    assert (p.min, p.max, p.period, p.provenance) == expected
    assert p.text == value and p.currency == "USD"
    (s,) = parse_pay([p])
    assert s.rejected is None


def test_glassdoor_hourly_is_annualised_with_the_documented_constant() -> None:
    (s,) = parse_pay(glassdoor.stated_pay("$17-$24 Per Hour(Glassdoor est.)"))
    assert (s.annual_usd_min, s.annual_usd_max) == (17 * HOURS_PER_YEAR, 24 * HOURS_PER_YEAR)


def test_an_unreadable_glassdoor_estimate_is_kept_and_rejected() -> None:
    (s,) = parse_pay(glassdoor.stated_pay("-1"))
    assert s.rejected == "no amount" and s.raw == "-1"


# Structured pay from real API bodies (/work/shared/data/job_api_fixtures), copied verbatim.
@pytest.mark.parametrize(
    ("stated_pay", "fields", "expected"),
    [
        (  # Lever theodo: salaryRange, EUR per year
            lever.stated_pay,
            {"salaryRange": {"min": 44000, "currency": "EUR", "max": 80000, "interval": "per-year-salary"}},
            [(44000, 80000, "EUR", "year")],
        ),
        (  # Lever theodo internship, EUR per month
            lever.stated_pay,
            {"salaryRange": {"min": 1500, "max": 1500, "currency": "EUR", "interval": "per-month-salary"}},
            [(1500, 1500, "EUR", "month")],
        ),
        (  # Ashby Nango: salary component plus an equity percentage that is not salary
            ashby.stated_pay,
            {
                "compensation": {
                    "summaryComponents": [
                        {
                            "compensationType": "Salary",
                            "interval": "1 YEAR",
                            "currencyCode": "USD",
                            "minValue": 120000,
                            "maxValue": 200000,
                        },
                        {
                            "compensationType": "EquityPercentage",
                            "interval": "NONE",
                            "currencyCode": None,
                            "minValue": 0.5,
                            "maxValue": 1,
                        },
                    ]
                }
            },
            [(120000, 200000, "USD", "year")],
        ),
        (remoteok.stated_pay, {"salary_min": 70000, "salary_max": 110000}, [(70000, 110000, "USD", "year")]),
        (remoteok.stated_pay, {"salary_min": 0, "salary_max": 0}, []),  # RemoteOK: 0 = unknown
        (  # schema.org baseSalary (paylocity page), hourly
            jsonld.stated_pay,
            {
                "baseSalary": {
                    "@type": "MonetaryAmount",
                    "currency": "USD",
                    "value": {
                        "@type": "QuantitativeValue",
                        "minValue": 22.00,
                        "maxValue": 40.00,
                        "unitText": "HOUR",
                    },
                }
            },
            [(22, 40, "USD", "hour")],
        ),
        (  # schema.org all-zero (github careers page) = unknown
            jsonld.stated_pay,
            {
                "baseSalary": {
                    "@type": "MonetaryAmount",
                    "currency": "USD",
                    "value": {
                        "@type": "QuantitativeValue",
                        "value": 0,
                        "minValue": 0,
                        "maxValue": 0,
                        "unitText": "YEAR",
                    },
                }
            },
            [],
        ),
        (  # Greenhouse custom field of type currency_range (mongodb); the all-zero Canada row is unknown
            greenhouse.stated_pay,
            {
                "metadata": [
                    {
                        "id": 13324394,
                        "name": "Job Post Range (United States)",
                        "value": {"unit": "USD", "max_value": "82368.0", "min_value": "56576.0"},
                        "value_type": "currency_range",
                    },
                    {
                        "id": 40497768,
                        "name": "Job Post Range (Canada)",
                        "value": {"unit": "USD", "max_value": "0.0", "min_value": "0.0"},
                        "value_type": "currency_range",
                    },
                ]
            },
            [(56576, 82368, "USD", "year")],
        ),
        (  # Greenhouse pay_input_ranges (cents)
            greenhouse.stated_pay,
            {
                "pay_input_ranges": [
                    {"min_cents": 15000000, "max_cents": 20000000, "currency_type": "USD", "title": "US"}
                ]
            },
            [(150000, 200000, "USD", "year")],
        ),
    ],
)
def test_each_source_maps_its_own_pay(stated_pay, fields: dict, expected: list[tuple]) -> None:
    # Lever, Ashby and schema.org pass the pay object itself; Greenhouse and RemoteOK the whole record.
    inner = fields.get("salaryRange") or fields.get("compensation") or fields.get("baseSalary") or fields
    got = [(s.min, s.max, s.currency, s.period) for s in parse_pay(stated_pay(inner)) if s.rejected is None]
    assert got == [tuple(float(x) for x in e[:2]) + e[2:] for e in expected]


def test_smartrecruiters_compensation_was_ignored_before_and_is_read_now() -> None:
    detail = fixture_json("smartrecruiters/posting_WesternDigital_744000140949875.json.gz")
    (s,) = parse_pay(smartrecruiters.stated_pay(detail["compensation"]))
    assert (s.min, s.max, s.currency, s.period, s.rejected) == (34.0, 47.0, "USD", "hour", None)


def test_a_source_amount_that_is_not_a_number_costs_the_figure_not_the_posting() -> None:
    (p,) = lever.stated_pay({"min": "DOE", "max": None, "currency": "USD", "interval": "per-year-salary"})
    assert p.min is None and "DOE" in p.text
    (s,) = parse_pay([p])
    assert s.rejected == "no amount"
