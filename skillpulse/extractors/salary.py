"""Salaries from structured pay fields and from posting text, annualised and converted to USD.

Structured fields come first (they are what the employer or source stated as data); text is parsed only
when no structured salary exists. Every salary keeps its provenance, stated currency and period and the
raw string, so a reader can check it; a value that is implausible once annualised is returned with a
``rejected`` reason instead of being silently kept or dropped.

Conventions (issue 5): ``min``/``max`` are the amounts as stated, in the stated currency and period; a
single figure gives min = max; "up to X" gives min None; "X+" gives max None; a range repeated in one
posting is listed once; a figure in thousands with no period is yearly.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from skillpulse.extractors.currency import CODES, SYMBOLS, currency_code_in, to_usd
from skillpulse.extractors.regex_literals import LeadScanner
from skillpulse.extractors.stated_pay import compact, read_pay

# Annualisation constants: a full-time year is 52 weeks of 5 days of 8 hours.
HOURS_PER_YEAR = 2080
DAYS_PER_YEAR = 260
WEEKS_PER_YEAR = 52
MONTHS_PER_YEAR = 12
PER_YEAR = {"year": 1, "month": MONTHS_PER_YEAR, "week": WEEKS_PER_YEAR, "day": DAYS_PER_YEAR}
PER_YEAR["hour"] = HOURS_PER_YEAR
# Plausible full-time pay in USD a year; outside this a parse is far more likely wrong than the job.
MIN_ANNUAL_USD = 5_000
MAX_ANNUAL_USD = 2_000_000
MAX_RANGE_RATIO = 6.0

OUTPUT_KEYS = ("min", "max", "currency", "period", "annual_usd_min", "annual_usd_max", "provenance", "raw")


@dataclass
class Salary:
    min: float | None
    max: float | None
    currency: str | None
    period: str
    provenance: str
    raw: str
    annual_usd_min: float | None = None
    annual_usd_max: float | None = None
    rejected: str | None = None

    def as_output(self) -> dict[str, Any]:
        """The issue's output object (no ``rejected``: callers only output accepted salaries)."""
        d = asdict(self)
        return {k: d[k] for k in OUTPUT_KEYS}


def _round(x: float | None) -> float | None:
    if x is None:
        return None
    return round(x, 2) if x < 1000 else float(round(x))


def finish(salary: Salary, on: date | None = None) -> Salary:
    """Order, annualise and convert ``salary``; set ``rejected`` when it cannot be a full-time wage."""
    s = salary
    if s.min is not None and s.max is not None and s.min > s.max:
        s.rejected = f"min {s.min:g} greater than max {s.max:g}"
        return s
    if s.min is None and s.max is None:
        s.rejected = "no amount"
        return s
    if any(v is not None and not math.isfinite(v * PER_YEAR.get(s.period, 1)) for v in (s.min, s.max)):
        s.rejected = "amount too large to be pay"  # a 400-digit figure, or 1e308 an hour
        return s
    if any(v is not None and v <= 0 for v in (s.min, s.max)):
        s.rejected = "zero or negative amount (source's 'unknown')"
        return s
    factor = PER_YEAR.get(s.period)
    if factor is None:
        s.rejected = f"unknown period {s.period!r}"
        return s
    if s.currency is None:
        s.rejected = "no currency"
        return s
    usd = [to_usd(v * factor, s.currency, on) if v is not None else None for v in (s.min, s.max)]
    if s.currency and all(u is None for u, v in zip(usd, (s.min, s.max), strict=True) if v is not None):
        s.rejected = f"no USD rate for {s.currency}"
        return s
    s.annual_usd_min, s.annual_usd_max = _round(usd[0]), _round(usd[1])
    for u in usd:
        if u is not None and not (MIN_ANNUAL_USD <= u <= MAX_ANNUAL_USD):
            s.rejected = f"annualised {u:,.0f} USD outside plausible {MIN_ANNUAL_USD:,}-{MAX_ANNUAL_USD:,}"
            return s
    if s.min and s.max and s.max / s.min > MAX_RANGE_RATIO:
        s.rejected = f"range {s.min:g}-{s.max:g} wider than {MAX_RANGE_RATIO:g}x"
    return s


# -- text ---------------------------------------------------------------------------------------------
_SYM = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_CODE = "|".join(CODES)
_CUR_PRE = rf"(?:(?:{_CODE})\s?\$?\s?|{_SYM})"
_NUM = r"\d{1,3}(?:(?:,|\.|\u202f|\u00a0| )\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MULT = r"\s?(?:k|K|thousand)\b"
_BIG = r"\s?(?:m|mm|M|MM|million|b|bn|B|billion)\b"
# "and" separates a range only after "between" (conditional group), else "$150k and $10k budget" is one.
_SEP = r"(?:\s*(?:-|–|—|to|~)\s*|(?(between)\s+and\s+|(?!)))"
_CUR_POST = rf"(?:\s?\(?(?:(?i:{_CODE})|{_SYM}|CHF)(?![a-z])\)?)"
_CUR_CHARS = "$£€¥₹ "
_LAKH = r"\s?(?:LPA|lpa|L|lakhs?|lacs?)\b"
_AMOUNT = re.compile(
    rf"(?P<between>(?i:between)\s+)?(?P<c1>{_CUR_PRE})?(?P<n1>{_NUM})(?P<k1>{_MULT})?(?P<big1>{_BIG})?(?P<post1>{_CUR_POST})?"
    rf"(?:{_SEP}(?P<c2>{_CUR_PRE})?(?P<n2>{_NUM})(?P<k2>{_MULT})?(?P<big2>{_BIG})?)?"
    rf"(?P<lakh>{_LAKH})?(?P<plus>\+(?!\s*\d)(?!\s*(?i:equity|bonus|benefits|stock|options|rsu)))?(?P<c3>{_CUR_POST})?",
)
# Where an amount can start (see ``LeadScanner``): the optional "between " and currency in front of its
# first digit cannot be skipped over by the regex engine, which otherwise tries the pattern everywhere.
_AMOUNT_SCANNER = LeadScanner.of(_AMOUNT)
_PERIOD_AFTER = re.compile(
    r"^\s*(?:(?:base|gross|salary|usd|eur|gbp|cad|\(usd\)|brutto)\s*)?(?:/|per|an?|each|p\.?\s?)\s*"
    r"(?P<p>hour|hr|h\b|day|week|wk|month|mo\b|mth|year|yr|y\b|annum|a\.?\b|annual)"
    r"|^\s*(?P<w>hourly|daily|weekly|monthly|annually|yearly|annual|p\.?a\.?\b|pa\b|ph\b)",
    re.IGNORECASE,
)
_PERIOD_BEFORE = re.compile(
    r"(?P<w>hourly|daily|day|weekly|monthly|annual|yearly)\s*(?:rate|salary|pay|wage|compensation)?"
    r"\s*(?:of|is|:|at)?\s*(?:between\s*|from\s*)?$",
    re.IGNORECASE,
)
_PERIOD_WORD = {
    "hour": "hour", "hr": "hour", "h": "hour", "hourly": "hour", "ph": "hour",
    "day": "day", "daily": "day",
    "week": "week", "wk": "week", "weekly": "week",
    "month": "month", "mo": "month", "mth": "month", "monthly": "month",
}  # fmt: skip
_NOT_SALARY_BEFORE = re.compile(
    r"(?:sign[- ]?on|signing|bonus(?:es)?|relocation|stipend|allowance|budget|raised?|funding|funded|"
    r"revenue|valuation|\barr\b|series [a-e]|invest\w*|grant|credits?|equity (?:of|worth|grant)|401\(?k|"
    r"reimburse\w*|worth|costs?|prize|award|spend|saved?|savings|fee|price|\bover\b|\bmore than\b)"
    r"[ \t:~]{0,3}"
    r"(?:(?:up to|of|about|around|roughly|approx\.?|~|in|at least|over)\s*)?$",
    re.IGNORECASE,
)
_NOT_SALARY_AFTER = re.compile(
    rf"^[ \t]*(?:(?:{_CODE})[ \t]*)?(?:in\s+|of\s+|annual\s+|yearly\s+|cash\s+|one[- ]time\s+)?"
    r"(?:sign[- ]?on|signing|bonus|equity|stock|rsus?|options|relocation|stipend|budget|credits?|"
    r"allowance|funding|revenue|arr\b|valuation|seed|series|in funding|raised|users|customers|"
    r"gift|grant|prize|per (?:user|seat|customer|employee)|learning|education|home office|orders?\b|"
    r"deals?\b|contracts? (?:value|worth)|investment|loan|purchase|spend|tons?\b|stars\b|downloads|"
    r"signups|subscribers|members|followers|visitors|installs|developers|employees|companies|businesses)",
    re.IGNORECASE,
)
# A figure with no currency ("120-150k") counts only before words that can follow a pay figure.
_BARE_NEXT_WORDS = {
    "base", "salary", "plus", "and", "to", "with", "equity", "per", "a", "an", "annually", "yearly", "annual",
    "depending", "doe", "ote", "total", "tc", "gross", "net", "or", "for", "based", "range", "pa", "p",
    "usd", "eur", "gbp", "cad", "chf", "aud", "dollars", "euros", "pounds", "year", "yr", "y", "brutto",
    "bonus", "options", "stock", "benefits", "+", "negotiable", "dependent", "commensurate", "cash",
}  # fmt: skip
_NEXT_WORD = re.compile(r"^\+?[ \t]*([A-Za-z]+)")
_UP_TO = re.compile(
    r"(?:up[\s-]*to|upto|max(?:imum)?(?: of)?|as much as|(?:salary|pay|compensation)\s*:?\s*to)\s*$",
    re.IGNORECASE,
)
_FROM = re.compile(r"(?:from|starting (?:at|from)|min(?:imum)?(?: of)?|at least)\s*$", re.IGNORECASE)
_MIN_AFTER = re.compile(
    r"^(?:\s*(?:minimum|min\b|or more|and up)|"
    r"\+(?!\s*[$£€\d])(?!\s*(?:equity|bonus|benefits|stock|options|rsu)))",
    re.IGNORECASE,
)
_PERK_AFTER = re.compile(
    r"^(?:(?!\+|\bplus\b|\bwith\b|,|[$£€\d])[^.;|\n]){0,35}?"
    r"\b(?:stipends?|budgets?|allowances?|reimburse\w*|credits?|gift|bonus(?:es)?|grants?)\b",
    re.IGNORECASE,
)
_CONTEXT = re.compile(
    r"salar|\bpay\b|paid|comp\b|compensation|\bbase\b|\bote\b|\brange\b|per annum|\bannual|"
    r"\brate\b|\bwage|package|\btc\b|\+ ?equity|\bbenefits\b|\bdoe\b|/yr|per year|a year|annually",
    re.IGNORECASE,
)
_PERCENT_AFTER = re.compile(r"^\s*%")


def _number(text: str, has_k: bool) -> float:
    t = text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", t) and not has_k:
        t = t.replace(".", "")  # European thousands: "70.000"
    t = t.replace(",", "")
    if t.count(".") > 1:
        t = t.replace(".", "")
    return float(t)


def _currency(*symbols: str | None) -> str | None:
    for s in symbols:
        if not s:
            continue
        s = s.strip()
        s = s.strip("() ")
        if s in SYMBOLS or s.lower() in SYMBOLS:
            return SYMBOLS.get(s) or SYMBOLS[s.lower()]
        s = s.rstrip("$").strip().upper()
        if s in CODES or s == "CHF":
            return s
    return None


def _period_is_wage(after: str) -> bool:
    """ "$40/hour ... bonus" is still a wage; only salary-like periods rescue a perk-looking figure."""
    m = _PERIOD_AFTER.match(after)
    return bool(m) and (m.group("p") or m.group("w") or "").lower() in ("hour", "hr", "h", "hourly", "ph")


def _period(after: str, before: str) -> str | None:
    m = _PERIOD_AFTER.match(after)
    if m:
        word = (m.group("p") or m.group("w") or "").lower().rstrip(".")
        return _PERIOD_WORD.get(word, "year")
    m = _PERIOD_BEFORE.search(before)
    if m:
        return _PERIOD_WORD.get(m.group("w").lower(), "year")
    return None


def parse_text(
    text: str | None,
    provenance: str = "text",
    default_currency: str | None = None,
    salary_field: bool = False,
    on: date | None = None,
) -> list[Salary]:
    """Salaries stated in free text (a posting, or a source's free-text salary field).

    ``salary_field`` says the whole string is about pay ("150-250k+ + equity (USD)"), so bare figures
    with k count; in a posting body a figure needs a currency, or k and a pay word nearby.
    """
    if not text:
        return []
    text = str(text)[:200_000]
    if salary_field and default_currency is None:
        default_currency = currency_code_in(text)
    out: list[Salary] = []
    seen: set[tuple] = set()
    for m in _AMOUNT_SCANNER.finditer(text) if _AMOUNT_SCANNER else _AMOUNT.finditer(text):
        found = _salary_at(text, m, provenance, default_currency, salary_field, on)
        if found is None:
            continue
        salary, bare = found
        key = (salary.min, salary.max, salary.currency, salary.period)
        if not bare:  # a range repeated in one posting is listed once; doubtful bare figures each time
            if key in seen:
                continue
            seen.add(key)
        out.append(salary)
    return out


@dataclass
class _Match:
    """One amount the pattern found, with the text around it that decides what it is."""

    m: re.Match[str]
    text: str
    start: int
    end: int

    @property
    def after(self) -> str:
        return self.text[self.end : self.end + 40]

    @property
    def before(self) -> str:
        return self.text[max(0, self.start - 40) : self.start]


def _salary_at(
    text: str,
    m: re.Match[str],
    provenance: str,
    default_currency: str | None,
    salary_field: bool,
    on: date | None,
) -> tuple[Salary, bool] | None:
    """The salary one pattern match states (and whether it is a doubtful bare figure), or None when the
    figure is something else (funding, an id, a phone number, a perk, equity)."""
    found = _Match(m, text, m.start("c1") if m.group("c1") else m.start("n1"), m.end())
    if _not_an_amount(found):
        return None
    currency = _currency_of(found, default_currency, salary_field)
    if currency is None or _not_pay(found, salary_field):
        return None
    lakh = bool(m.group("lakh"))
    lo, hi = _figures(m, lakh)
    has_k = bool(m.group("k1") or m.group("k2")) or lakh
    period = _period(found.after, found.before)
    if period is None:
        if not (has_k or lo >= 10_000) and not salary_field:
            return None  # "$50 gift card", "$5000 budget": no period, too small to be a yearly wage
        period = "year"
        if not (has_k or lo >= 10_000) and lo < 1000:
            return _bare_figure(found, lo, hi, currency, provenance, on), True
    m_after = _PERIOD_AFTER.match(found.after)
    raw = text[found.start : found.end + (m_after.end() if m_after else 0)].strip()
    lo, hi = _bounds(found, lo, hi)
    return finish(Salary(lo, hi, currency, period, provenance, raw), on), False


def _not_an_amount(found: _Match) -> bool:
    """Millions (funding, revenue, users), part of a longer token (ids, versions, times, URLs), an equity
    percentage, a phone number or a date."""
    m, text, start = found.m, found.text, found.start
    if m.group("big1") or m.group("big2"):
        return True
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "#%.:/"):
        return True
    return bool(_PERCENT_AFTER.match(found.after) or re.match(r"^\s*[-–]\s*\d", found.after))


def _currency_of(found: _Match, default_currency: str | None, salary_field: bool) -> str | None:
    """The stated currency; for a bare figure the default, if the context makes it pay; else None."""
    m = found.m
    c1, c2, c3, post1 = m.group("c1"), m.group("c2"), m.group("c3"), m.group("post1")
    post = _currency(post1, c3)
    currency = post if post and (c1 or "").strip() in ("$", "") else _currency(c1, c2, post1, c3)
    if m.group("lakh"):
        return "INR"  # "30-50 LPA": lakhs (100,000 rupees) per annum
    if currency is not None:
        return currency
    has_k = bool(m.group("k1") or m.group("k2"))
    big_enough = has_k or _number(m.group("n1"), bool(m.group("k1"))) >= 1000
    if salary_field:
        if not (big_enough or _period(found.after, found.before)):
            return None
    elif not (has_k and _CONTEXT.search(found.text[max(0, found.start - 80) : found.end + 40])):
        return None
    else:
        nxt = _NEXT_WORD.match(found.after)
        if nxt and nxt.group(1).lower() not in _BARE_NEXT_WORDS:
            return None  # "10k GitHub stars", "300k+ signups"
    return default_currency or "USD"


def _not_pay(found: _Match, salary_field: bool) -> bool:
    """Words around the figure that make it something other than pay: a budget, a retirement plan, a
    perk ("$500 learning budget") unless a wage period follows."""
    before, after = found.before, found.after
    if _NOT_SALARY_BEFORE.search(before) or _NOT_SALARY_AFTER.match(after):
        return True
    if re.match(r"401\s?\(?k", found.text[found.start : found.end].lstrip(_CUR_CHARS), re.IGNORECASE):
        return True  # a US retirement plan, not pay
    return not salary_field and bool(_PERK_AFTER.match(after)) and not _period_is_wage(after)


def _figures(m: re.Match[str], lakh: bool) -> tuple[float, float | None]:
    """The stated figures in units: "$168-252k" and "$110 - $140k" let one k cover both figures."""
    k1, k2 = bool(m.group("k1")), bool(m.group("k2"))
    n1 = _number(m.group("n1"), k1)
    n2 = _number(m.group("n2"), k2) if m.group("n2") else None
    if n2 is not None:
        if k2 and not k1 and n1 < 1000:
            k1 = True
        if k1 and not k2 and n2 < 1000:
            k2 = True
    unit = 100_000 if lakh else 1000
    lo = n1 * unit if (k1 or lakh) else n1
    hi = (n2 * unit if (k2 or lakh) else n2) if n2 is not None else None
    return lo, hi


def _bare_figure(
    found: _Match, lo: float, hi: float | None, currency: str, provenance: str, on: date | None
) -> Salary:
    """A salary field's figure under 1,000 with neither k nor a period: kept, but rejected with the doubt."""
    raw = found.text[found.start : found.end].strip()
    bare = finish(Salary(lo, hi if hi is not None else lo, currency, "year", provenance, raw), on)
    if bare.rejected is None or bare.rejected.startswith("annualised"):
        bare.rejected = "figure under 1,000 with neither k nor a period: hourly or thousands?"
    return bare


def _bounds(found: _Match, lo: float, hi: float | None) -> tuple[float | None, float | None]:
    """A single figure: "up to X" is a maximum, "X+" / "from X" / "X minimum" a minimum, else both."""
    if hi is not None:
        return lo, hi
    if _UP_TO.search(found.before):
        return None, lo
    if found.m.group("plus") or _FROM.search(found.before) or _MIN_AFTER.match(found.after):
        return lo, None
    return lo, lo


# -- structured fields --------------------------------------------------------------------------------
def parse_pay(pay: Any, on: date | None = None) -> list[Salary]:
    """Pay a source stated (see :mod:`skillpulse.extractors.stated_pay`), checked and annualised.

    The source's package already mapped its API's fields (units, interval words) to ``StatedPay``;
    free-text pay ("$120k-150k") is read by the text parser as a salary field. Pay in a shape that
    cannot be read comes back as one rejected salary with the reason, never as an exception.
    """
    try:
        stated = read_pay(pay)
    except ValueError as exc:
        return [
            Salary(None, None, None, "unknown", "structured", compact(pay), rejected=f"unreadable pay: {exc}")
        ]
    out: list[Salary] = []
    for p in stated:
        if p.provenance == "text":
            out += parse_text(p.text, "text", salary_field=True, on=on)
        else:
            out.append(finish(Salary(p.min, p.max, p.currency, p.period, p.provenance, p.text), on))
    return _unique(out)


def _unique(salaries: list[Salary]) -> list[Salary]:
    seen, out = set(), []
    for s in salaries:
        key = (s.min, s.max, s.currency, s.period, s.provenance)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def extract_salaries(
    pay: dict[str, Any] | None,
    text: str | None,
    default_currency: str | None = None,
    on: date | None = None,
) -> list[Salary]:
    """Structured pay first; the text only when structured fields gave no accepted salary."""
    found = parse_pay(pay, on)
    if any(s.rejected is None for s in found):
        return found
    return found + parse_text(text, "text", default_currency=default_currency or "USD", on=on)
