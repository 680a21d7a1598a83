"""data/fx_rates.csv holds one Federal Reserve rate per year 2008-2025 for the currencies the Fed covers, so
extractors/currency.py converts each posting at its own year's rate; IRS 2024 rows remain for the rest."""

from __future__ import annotations

import csv
import gzip
from datetime import date
from pathlib import Path

import pytest

from skillpulse.extractors.currency import FX_PATH, load_rates, rate_for, to_usd
from skillpulse.extractors.salary import parse_text

FED_DIR = Path(__file__).resolve().parent.parent / "skillpulse" / "data" / "reference" / "cpi_fx"
FED_ISO = {
    "Australia": "AUD",
    "Brazil": "BRL",
    "Canada": "CAD",
    "China": "CNY",
    "Denmark": "DKK",
    "Euro": "EUR",
    "Hong Kong": "HKD",
    "India": "INR",
    "Japan": "JPY",
    "Malaysia": "MYR",
    "Mexico": "MXN",
    "New Zealand": "NZD",
    "Norway": "NOK",
    "Singapore": "SGD",
    "South Africa": "ZAR",
    "South Korea": "KRW",
    "Sweden": "SEK",
    "Switzerland": "CHF",
    "Taiwan": "TWD",
    "Thailand": "THB",
}
FED_CURRENCIES = set(FED_ISO.values()) | {"GBP"}
IRS_ONLY = {
    "USD", "ISK", "PLN", "CZK", "HUF", "RON", "BGN", "UAH", "TRY", "ILS", "AED",
    "SAR", "PKR", "IDR", "PHP", "VND", "ARS", "CLP", "COP", "NGN", "EGP", "KES",
}  # fmt: skip
YEARS = list(range(2008, 2026))


def _fed_annual() -> dict[tuple[str, int], float]:
    with open(FED_DIR / "fx_fed_annual.csv", encoding="utf-8") as fh:
        return {
            (FED_ISO[r["Country"]], int(r["Date"][:4])): float(r["Exchange rate"])
            for r in csv.DictReader(fh)
            if r["Country"] in FED_ISO
        }


def test_table_parses_with_year_rows() -> None:
    rates = load_rates(FX_PATH)
    assert set(rates) == FED_CURRENCIES | IRS_ONLY
    for cur in FED_CURRENCIES:
        assert [d for d, _ in rates[cur]] == [date(y, 7, 1) for y in YEARS], cur
    for cur in IRS_ONLY:
        assert [d for d, _ in rates[cur]] == [date(2024, 7, 1)], cur
    assert rates["USD"] == [(date(2024, 7, 1), 1.0)]


def test_year_rows_equal_the_fed_annual_file() -> None:
    fed = _fed_annual()
    rates = load_rates(FX_PATH)
    for cur in FED_CURRENCIES - {"GBP"}:
        for d, value in rates[cur]:
            assert value == fed[cur, d.year], (cur, d.year)


def test_gbp_is_the_calendar_year_mean_of_monthly_rates() -> None:
    with gzip.open(FED_DIR / "fx_fed_monthly.csv.gz", "rt", encoding="utf-8") as fh:
        monthly = [r for r in csv.DictReader(fh) if r["Country"] == "United Kingdom"]
    table = dict(load_rates(FX_PATH)["GBP"])
    for year in (2008, 2012, 2024):
        values = [float(r["Exchange rate"]) for r in monthly if r["Date"].startswith(f"{year}-")]
        assert len(values) == 12
        assert table[date(year, 7, 1)] == pytest.approx(sum(values) / 12, abs=5e-5)


@pytest.mark.parametrize(
    ("cur", "irs_2024"),
    [("EUR", 0.924), ("GBP", 0.783), ("JPY", 151.4), ("INR", 83.68), ("CHF", 0.881), ("CAD", 1.370)],
)
def test_fed_2024_agrees_with_the_irs_rows_it_replaced(cur: str, irs_2024: float) -> None:
    """Same direction (units per USD) and the right country→code mapping: both would show as a big gap."""
    assert rate_for(cur, date(2024, 7, 1)) == pytest.approx(irs_2024, rel=0.005)


def test_direction_is_units_per_usd() -> None:
    assert 1.2 < to_usd(1, "EUR", date(2012, 6, 1)) < 1.35  # a euro bought about $1.29 in 2012
    assert 1.5 < to_usd(1, "GBP", date(2012, 6, 1)) < 1.65  # a pound about $1.59
    assert 70 < rate_for("JPY", date(2012, 6, 1)) < 90  # about 80 yen per dollar


@pytest.mark.parametrize("day", [date(2012, 1, 2), date(2012, 7, 1), date(2012, 12, 30)])
def test_2012_euro_converts_at_2012_rate(day: date) -> None:
    assert rate_for("EUR", day) == 0.7777
    assert to_usd(50_000, "EUR", day) == pytest.approx(50_000 / 0.7777)


@pytest.mark.parametrize("day", [date(2024, 1, 2), date(2024, 11, 15)])
def test_2024_euro_converts_at_2024_rate(day: date) -> None:
    assert rate_for("EUR", day) == 0.9242
    assert to_usd(50_000, "EUR", day) == pytest.approx(50_000 / 0.9242)


def test_same_amount_differs_by_year() -> None:
    assert to_usd(50_000, "EUR", date(2012, 5, 1)) > to_usd(50_000, "EUR", date(2024, 5, 1)) * 1.15


def test_years_outside_the_table_use_the_nearest_year() -> None:
    assert rate_for("EUR", date(2003, 3, 1)) == 0.6791  # before the table: 2008's
    assert rate_for("EUR", date(2026, 3, 1)) == 0.8845  # after it: 2025's
    assert rate_for("EUR") == 0.8845  # no date: the latest row
    assert rate_for("PLN", date(2012, 5, 1)) == rate_for("PLN", date(2024, 7, 1)) == 3.979  # IRS only


def test_salary_text_uses_the_posting_year() -> None:
    (s12,) = [s for s in parse_text("€60,000 - €70,000", on=date(2012, 4, 1)) if s.rejected is None]
    (s24,) = [s for s in parse_text("€60,000 - €70,000", on=date(2024, 4, 1)) if s.rejected is None]
    assert s12.annual_usd_min == pytest.approx(60_000 / 0.7777, rel=1e-3)
    assert s24.annual_usd_min == pytest.approx(60_000 / 0.9242, rel=1e-3)
