"""Currency detection and conversion to US dollars with the dated table shipped in ``data/fx_rates.csv``.

No network: a rate table in the repo makes every conversion reproducible, and its date says how stale it
is. Where several dated rows exist for a currency, the row nearest the posting date is used.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

FX_PATH = Path(__file__).resolve().parents[1] / "data" / "fx_rates.csv"

# Longest first: "US$" before "$". "$" alone means USD unless the posting says otherwise.
SYMBOLS: dict[str, str] = {
    "US$": "USD",
    "USD$": "USD",
    "CA$": "CAD",
    "CAD$": "CAD",
    "C$": "CAD",
    "AU$": "AUD",
    "AUD$": "AUD",
    "A$": "AUD",
    "NZ$": "NZD",
    "S$": "SGD",
    "SG$": "SGD",
    "HK$": "HKD",
    "R$": "BRL",
    "MX$": "MXN",
    "$": "USD",
    "£": "GBP",
    "€": "EUR",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₪": "ILS",
    "zł": "PLN",
    "Rs": "INR",
    "Rs.": "INR",
    "RM": "MYR",
    "NT$": "TWD",
    "NTD": "TWD",
    "euro": "EUR",
    "euros": "EUR",
    "dollars": "USD",
    "pounds": "GBP",
    "kr": "SEK",
}
CODES = [
    "USD",
    "EUR",
    "GBP",
    "CAD",
    "AUD",
    "NZD",
    "CHF",
    "SEK",
    "NOK",
    "DKK",
    "ISK",
    "PLN",
    "CZK",
    "HUF",
    "RON",
    "BGN",
    "UAH",
    "TRY",
    "ILS",
    "AED",
    "SAR",
    "INR",
    "PKR",
    "JPY",
    "CNY",
    "HKD",
    "TWD",
    "KRW",
    "SGD",
    "MYR",
    "THB",
    "IDR",
    "PHP",
    "VND",
    "BRL",
    "MXN",
    "ARS",
    "CLP",
    "COP",
    "ZAR",
    "NGN",
    "EGP",
    "KES",
]
_CODE_IN_TEXT = re.compile(r"\b(" + "|".join(CODES) + r")\b")


@lru_cache(maxsize=2)
def load_rates(path: Path = FX_PATH) -> dict[str, list[tuple[date, float]]]:
    """currency → [(date, units per USD)], sorted by date; comment lines (#) are the table's notes."""
    rates: dict[str, list[tuple[date, float]]] = {}
    with open(path, encoding="utf-8") as fh:
        lines = (line for line in fh if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(lines):
            rates.setdefault(row["currency"].strip().upper(), []).append(
                (date.fromisoformat(row["date"].strip()), float(row["units_per_usd"]))
            )
    for rows in rates.values():
        rows.sort()
    return rates


def rate_for(currency: str, on: date | None = None) -> float | None:
    """Units of ``currency`` per USD nearest ``on`` (latest row when no date); None if not in the table."""
    rows = load_rates().get((currency or "").upper())
    if not rows:
        return None
    if on is None:
        return rows[-1][1]
    return min(rows, key=lambda r: abs((r[0] - on).days))[1]


def to_usd(amount: float | None, currency: str | None, on: date | None = None) -> float | None:
    if amount is None or not currency:
        return None
    rate = rate_for(currency, on)
    return None if rate is None else amount / rate


def currency_code_in(text: str) -> str | None:
    """The first ISO code named in ``text`` ("... (GBP)"), for strings whose figures carry no symbol."""
    m = _CODE_IN_TEXT.search(text or "")
    return m.group(1) if m else None
