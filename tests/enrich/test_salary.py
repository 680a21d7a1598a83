"""Salary parsing: real strings from the snapshot and real API bodies, plus property tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillpulse.extractors.currency import load_rates, rate_for, to_usd
from skillpulse.extractors.salary import (
    HOURS_PER_YEAR,
    MAX_ANNUAL_USD,
    MIN_ANNUAL_USD,
    extract_salaries,
    parse_glassdoor,
    parse_pay,
    parse_text,
)


def _accepted(salaries):
    return [(s.min, s.max, s.currency, s.period) for s in salaries if s.rejected is None]


# Posting text (HN comments in the snapshot, and the examples).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$150K–$200K + equity", [(150000, 200000, "USD", "year")]),
        ("£90,034 - £109,763", [(90034, 109763, "GBP", "year")]),
        ("€70-90k", [(70000, 90000, "EUR", "year")]),
        ("120-150k USD", [(120000, 150000, "USD", "year")]),
        ("up to $180k", [(None, 180000, "USD", "year")]),
        (
            "Shortwave | Sr. Software Engineer | Onsite in San Francisco | $150k-$225k base + equity",
            [(150000, 225000, "USD", "year")],
        ),
        (
            "Thinknum | New York | Multiple Positions | On-site - Full-time | $90k-$140k + equity",
            [(90000, 140000, "USD", "year")],
        ),
        (
            "Full-time | ONSITE (Santa Clara, CA) | $180-220K / yr + 0.5-3% equity | https://x",
            [(180000, 220000, "USD", "year")],
        ),
        (
            "Full-time | ONSITE | Immediate | $100-175K | 0-2% Equity | Benefits",
            [(100000, 175000, "USD", "year")],
        ),
        ("We offer competitive salary (£60-£85k depending on experience)", [(60000, 85000, "GBP", "year")]),
        ("Salary: Between £35k and £50k, depending on experience", [(35000, 50000, "GBP", "year")]),
        ("Compensation: $60,000-$80,000 (depending on experience)", [(60000, 80000, "USD", "year")]),
        ("A salary range of $110,000-$150,000(AUD) + super", [(110000, 150000, "AUD", "year")]),
        (
            "Munich, Germany | Full-Time | onsite | €70k-100k salary + generous equity",
            [(70000, 100000, "EUR", "year")],
        ),
        ("Founding CTO | Remote | Full-time ($230k+ equity)", [(230000, 230000, "USD", "year")]),
        ("Contract | $45-65/hr | Remote", [(45, 65, "USD", "hour")]),
        ("Day rate €500/day, 6 months", [(500, 500, "EUR", "day")]),
        ("Salary: 70.000 - 90.000 € brutto", [(70000, 90000, "EUR", "year")]),
        ("$150k+ base", [(150000, None, "USD", "year")]),
        # repeated range listed once
        ("$130–160k | Remote ... we pay $130–160k", [(130000, 160000, "USD", "year")]),
        # not salaries: funding, revenue, equity, perks, sign-on bonuses, retirement plans
        ("We have just closed our seed round $1.85 million lead by Khosla.", []),
        ("already producing $100M+ in revenue with a small engineering team", []),
        ("medical, dental, vision, 401k matching", []),
        ("$200 monthly health and wellness stipends, and a $700 annual gadget budget", []),
        ("$150k + $20k signing bonus", [(150000, 150000, "USD", "year")]),
        ("0.5% - 1.5% equity", []),
        ("Graduate/Junior | Equity | £30k + Quarterly Bonus", [(30000, 30000, "GBP", "year")]),
        ("Base Salary: $90,000 - $120,000\nEquity: 0.2% - 0.75%", [(90000, 120000, "USD", "year")]),
        ("SmarterDx | 150 - 230K + equity + benefits | Remote first", [(150000, 230000, "USD", "year")]),
        ("Mid and Sr Engineers (50-100k gbp).", [(50000, 100000, "GBP", "year")]),
        (
            "AI Research firm | Zug/Zurich area | On site | 100-200k chf/annum",
            [(100000, 200000, "CHF", "year")],
        ),
        ("we have 100k users and great benefits", []),
        ("Our open source repo has reached 10k GitHub stars and we have raised $15m in capital", []),
        ("Among fastest growing GH projects w. 15k stars in a year", []),
        ("benefits, HSA, 401K, unlimited time-off", []),
        ("When Walmart gives La Croix a $100k order for seltzer", []),
        ("ElectricSQL | Senior Frontend Engineer (up-to €100k) & Developer", [(None, 100000, "EUR", "year")]),
        ("- Salary: to £100,000 + equity", [(None, 100000, "GBP", "year")]),
        (
            "Welbi | Ottawa, Ontario, CANADA | REMOTE in Canada | 80k - 120k CA$",
            [(80000, 120000, "CAD", "year")],
        ),
        ("5K equipment budget. Buy what you need", []),
        ("remotely administering 5k robots on cell modems", []),
    ],
)
def test_text_salaries(text: str, expected: list[tuple]) -> None:
    assert _accepted(parse_text(text)) == [
        tuple(float(x) if x is not None else None for x in e[:2]) + e[2:] for e in expected
    ]


# HN structured rows' free-text salary field (snapshot hn_structured).
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("$150K - 180K (USD)", [(150000, 180000, "USD", "year")]),
        ("150-250k+ + equity + benefits (USD)", [(150000, 250000, "USD", "year")]),
        ("£60K – £110K + options (GBP)", [(60000, 110000, "GBP", "year")]),
        ("$4000-$8000/month (USD)", [(4000, 8000, "USD", "month")]),
        ("$110 - $140k (GS-13) (USD)", [(110000, 140000, "USD", "year")]),
        ("$100K–$110K + 2%–4% equity (USD)", [(100000, 110000, "USD", "year")]),
        ("CHF 100-130k + equity and benefits (CHF)", [(100000, 130000, "CHF", "year")]),
        ("~100k GBP/y + 30% optional bonus + MSFT stock (GBP)", [(100000, 100000, "GBP", "year")]),
        ("€50000 - €100000+ (EUR)", [(50000, 100000, "EUR", "year")]),
        ("Competitive, commensurate with experience ($150K minimum)", [(150000, None, "USD", "year")]),
        ("Up to 200k + 1% equity (USD)", [(None, 200000, "USD", "year")]),
        ("$120K - $170K / 0.30% - 0.70% (USD)", [(120000, 170000, "USD", "year")]),
        ("120,000-150,000 (USD)", [(120000, 150000, "USD", "year")]),
        ("10,000 euros per month (EUR)", [(10000, 10000, "EUR", "month")]),
        ("RM6,000 - RM18,000/mo", [(6000, 18000, "MYR", "month")]),
        ("30-50 LPA", [(3000000, 5000000, "INR", "year")]),
        ("€10k Signing Bonus (EUR)", []),
        ("$10M in funding (USD)", []),
        ("1% equity & competitive pay", []),
    ],
)
def test_structured_salary_strings(value: str, expected: list[tuple]) -> None:
    got = _accepted(parse_text(value, salary_field=True))
    assert got == [tuple(float(x) if x is not None else None for x in e[:2]) + e[2:] for e in expected]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("80-110 GBP (GBP)", "neither k nor a period"),
        ("$0 (USD)", "zero"),
        ("140k-120k (USD)", "greater than max"),
        ("$30k-$200k (USD)", "wider than"),
        ("2-3k take home per month", "outside plausible"),
    ],
)
def test_implausible_values_are_rejected_with_a_reason(value: str, reason: str) -> None:
    salaries = parse_text(value, salary_field=True)
    assert salaries and all(s.rejected for s in salaries)
    assert reason in salaries[0].rejected


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
def test_glassdoor_strings(value: str, expected: tuple) -> None:
    (s,) = parse_glassdoor(value)
    assert (s.min, s.max, s.period, s.provenance) == expected
    assert s.raw == value and s.currency == "USD" and s.rejected is None


def test_glassdoor_hourly_is_annualised_with_the_documented_constant() -> None:
    (s,) = parse_glassdoor("$17-$24 Per Hour(Glassdoor est.)")
    assert (s.annual_usd_min, s.annual_usd_max) == (17 * HOURS_PER_YEAR, 24 * HOURS_PER_YEAR)


# Structured pay from real API bodies (/work/shared/data/job_api_fixtures), copied verbatim.
@pytest.mark.parametrize(
    ("pay", "expected"),
    [
        (  # Lever theodo: salaryRange, EUR per year
            {"salaryRange": {"min": 44000, "currency": "EUR", "max": 80000, "interval": "per-year-salary"}},
            [(44000, 80000, "EUR", "year")],
        ),
        (  # Lever theodo internship, EUR per month
            {"salaryRange": {"min": 1500, "max": 1500, "currency": "EUR", "interval": "per-month-salary"}},
            [(1500, 1500, "EUR", "month")],
        ),
        (  # Ashby Nango: salary component plus an equity percentage that is not salary
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
        ({"salary_min": 70000, "salary_max": 110000}, [(70000, 110000, "USD", "year")]),  # RemoteOK
        ({"salary_min": 0, "salary_max": 0}, []),  # RemoteOK: 0 = unknown
        (  # schema.org baseSalary (paylocity page), hourly
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
            {
                "pay_input_ranges": [
                    {"min_cents": 15000000, "max_cents": 20000000, "currency_type": "USD", "title": "US"}
                ]
            },
            [(150000, 200000, "USD", "year")],
        ),
        ({"salary_in_usd": 155000}, [(155000, 155000, "USD", "year")]),  # ai-jobs.net survey
    ],
)
def test_structured_pay(pay: dict, expected: list[tuple]) -> None:
    assert _accepted(parse_pay(pay)) == [tuple(float(x) for x in e[:2]) + e[2:] for e in expected]


def test_provenance_per_source() -> None:
    assert parse_pay({"salary_in_usd": 155000})[0].provenance == "survey"
    assert parse_pay({"salary_min": 70000, "salary_max": 110000})[0].provenance == "structured"
    assert parse_pay({"salary": "$150K - 180K (USD)"})[0].provenance == "text"


def test_structured_pay_wins_over_text() -> None:
    got = extract_salaries({"salary_min": 70000, "salary_max": 110000}, "We pay $200k-$250k")
    assert _accepted(got) == [(70000.0, 110000.0, "USD", "year")]
    got = extract_salaries(None, "We pay $200k-$250k")
    assert _accepted(got) == [(200000.0, 250000.0, "USD", "year")]


def test_fx_table_is_dated_and_converts() -> None:
    rates = load_rates()
    assert {"USD", "EUR", "GBP", "CAD", "INR", "CHF"} <= set(rates)
    assert all(rows for rows in rates.values())
    assert rate_for("USD") == 1.0
    assert to_usd(100_000, "GBP") == pytest.approx(100_000 / rate_for("GBP"))
    assert 1.1 < to_usd(1, "GBP") < 1.4  # sanity: a pound is worth more than a dollar
    assert to_usd(1, "XXX") is None


# -- properties -------------------------------------------------------------------------------------
_pieces = st.sampled_from(
    [
        "$",
        "£",
        "€",
        "USD",
        "k",
        "K",
        "-",
        "–",
        " to ",
        "+",
        "/hr",
        "/month",
        " per year",
        "up to ",
        "%",
        "equity",
        "bonus",
        "(USD)",
        ",",
        ".",
        " ",
        "M",
        "LPA",
        "between ",
        " and ",
        "\n",
        "salary",
        "CHF",
    ]
)
_texty = st.lists(st.one_of(_pieces, st.integers(0, 10**7).map(str), st.text(max_size=5)), max_size=14).map(
    "".join
)


@settings(max_examples=400, deadline=None)
@given(_texty, st.booleans())
def test_parser_never_raises_and_accepted_values_are_sane(text: str, salary_field: bool) -> None:
    for s in parse_text(text, salary_field=salary_field):
        if s.rejected:
            continue
        if s.min is not None and s.max is not None:
            assert s.min <= s.max
        for v in (s.annual_usd_min, s.annual_usd_max):
            if v is not None:
                assert MIN_ANNUAL_USD <= v <= MAX_ANNUAL_USD
        assert s.period in ("year", "month", "week", "day", "hour")
        assert s.provenance == "text" and s.raw


@settings(max_examples=300, deadline=None)
@given(
    st.floats(1, 10**6, allow_nan=False),
    st.floats(1, 10**6, allow_nan=False),
    st.sampled_from(["per-year-salary", "per-month-salary", "per-hour-wage", "per-day-wage"]),
    st.sampled_from(["USD", "EUR", "GBP", "INR", "JPY"]),
)
def test_structured_pay_orders_and_bounds(lo: float, hi: float, interval: str, currency: str) -> None:
    for s in parse_pay({"salaryRange": {"min": lo, "max": hi, "currency": currency, "interval": interval}}):
        if s.rejected is None:
            assert s.min <= s.max
            assert MIN_ANNUAL_USD <= s.annual_usd_min <= s.annual_usd_max <= MAX_ANNUAL_USD
        else:
            assert s.rejected  # a reason, never silence


@settings(max_examples=200, deadline=None)
@given(st.integers(20, 400), st.integers(0, 300))
def test_k_ranges_round_trip(lo: int, extra: int) -> None:
    hi = lo + extra
    (s,) = parse_text(f"Salary: ${lo}k-${hi}k")
    assert (s.min, s.max, s.period) == (lo * 1000, hi * 1000, "year")
    assert (s.rejected is None) == (hi / lo <= 6)
