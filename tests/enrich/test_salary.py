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
    parse_pay,
    parse_text,
)
from skillpulse.extractors.stated_pay import StatedPay, period_word


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


def test_stated_pay_is_checked_and_annualised() -> None:
    (s,) = parse_pay([StatedPay(17, 24, "USD", "hour", "estimate", "$17-$24 Per Hour(Glassdoor est.)")])
    assert (s.annual_usd_min, s.annual_usd_max) == (17 * HOURS_PER_YEAR, 24 * HOURS_PER_YEAR)
    assert s.provenance == "estimate" and s.raw == "$17-$24 Per Hour(Glassdoor est.)" and s.rejected is None


def test_provenance_is_kept() -> None:
    assert parse_pay(StatedPay(155000, 155000, "USD", "year", "survey"))[0].provenance == "survey"
    assert parse_pay([StatedPay(70000, 110000, "USD", "year")])[0].provenance == "structured"
    assert parse_pay("$150K - 180K (USD)")[0].provenance == "text"  # free text is read as text


def test_stored_and_user_pay_shapes_are_read() -> None:
    stored = [
        {
            "min": 70000.0,
            "max": 110000.0,
            "currency": "USD",
            "period": "year",
            "provenance": "structured",
            "text": "",
        }
    ]
    assert _accepted(parse_pay(stored)) == [(70000.0, 110000.0, "USD", "year")]
    assert _accepted(parse_pay({"min": "80000", "max": 90000, "currency": "eur", "period": "year"})) == [
        (80000.0, 90000.0, "EUR", "year")
    ]
    assert parse_pay(None) == [] and parse_pay([]) == []


@pytest.mark.parametrize(
    ("pay", "reason"),
    [
        ({"salary_min": 1}, "unknown pay field"),
        ({"min": "lots"}, "could not convert"),
        ({"min": float("inf")}, "not finite"),
        ({"min": 1, "period": "fortnight"}, "pay period"),
        (42, "pay must be text"),
    ],
)
def test_unreadable_pay_is_one_rejected_salary_with_its_reason(pay, reason) -> None:
    (s,) = parse_pay(pay)
    assert s.rejected.startswith("unreadable pay") and reason in s.rejected


def test_a_stated_pay_without_amounts_is_rejected_not_dropped() -> None:
    (s,) = parse_pay([StatedPay(currency="USD", period="year", provenance="estimate", text="n/a")])
    assert s.rejected == "no amount" and s.raw == "n/a"


def test_structured_pay_wins_over_text() -> None:
    got = extract_salaries([StatedPay(70000, 110000, "USD", "year")], "We pay $200k-$250k")
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
    for s in parse_pay(StatedPay.from_fields(lo, hi, currency, period_word(interval), {})):
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
