"""Pay as a source stated it: the one typed shape every source maps its own pay fields to.

Why: only a source knows its API's units and words (Greenhouse's cents, Lever's ``per-year-salary``,
Ashby's summary components, Glassdoor's "(Glassdoor est.)"). Each source package turns its fields into
``StatedPay`` values, so the salary extractor checks, annualises and converts every source's pay the same
way and knows no source by name. A new API's pay block touches only that source's package.

``StatedPay`` is also the documented ``pay`` of a record given to ``skillpulse enrich``: a string (free
text such as "$120k-150k"), one mapping, or a list of mappings with the fields below.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import Any

# structured: numbers the employer gave as data; estimate: the source's own estimate (Glassdoor);
# survey: a self-reported salary; text: free text to be read by the salary text parser.
PROVENANCES = ("structured", "estimate", "survey", "text")
PERIODS = ("year", "month", "week", "day", "hour", "unknown")
MAX_TEXT = 500  # what is kept of the source's words; a pay statement is short

_PERIOD_WORDS = {
    "year": "year", "yearly": "year", "annual": "year", "annually": "year", "annum": "year",
    "per-year-salary": "year", "1 year": "year",
    "month": "month", "monthly": "month", "per-month-salary": "month", "1 month": "month",
    "week": "week", "weekly": "week", "per-week-salary": "week", "1 week": "week",
    "day": "day", "daily": "day", "per-day-wage": "day", "1 day": "day",
    "hour": "hour", "hourly": "hour", "per-hour-wage": "hour", "1 hour": "hour",
}  # fmt: skip
_FIELDS = ("min", "max", "currency", "period", "provenance", "text")


@dataclass(frozen=True, slots=True)
class StatedPay:
    """One stated pay figure or range, in the stated currency and period (not yet annualised)."""

    min: float | None = None
    max: float | None = None
    currency: str | None = None
    period: str = "unknown"
    provenance: str = "structured"
    text: str = ""  # the source's own words, or a compact copy of the fields it came from

    def __post_init__(self) -> None:
        if self.provenance not in PROVENANCES:
            raise ValueError(f"pay provenance {self.provenance!r} is not one of {', '.join(PROVENANCES)}")
        if self.period not in PERIODS:
            raise ValueError(f"pay period {self.period!r} is not one of {', '.join(PERIODS)}")
        for name in ("min", "max"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
            ):
                raise ValueError(f"pay {name} {value!r} is not a finite number")
        if self.currency is not None and not isinstance(self.currency, str):
            raise ValueError(f"pay currency {self.currency!r} is not a string")
        if self.currency is not None:  # ISO codes are upper case; "eur" from a user's file is EUR
            object.__setattr__(self, "currency", self.currency.strip().upper() or None)
        if not isinstance(self.text, str):
            raise ValueError("pay text is not a string")

    @classmethod
    def free_text(cls, text: str, provenance: str = "text") -> StatedPay:
        """Pay a source gives only as words ("$120k-150k DOE"): the salary text parser reads it."""
        return cls(provenance=provenance, text=str(text)[:MAX_TEXT])

    @classmethod
    def from_fields(
        cls,
        low: Any,
        high: Any,
        currency: Any,
        period: str,
        source_fields: Any,
        provenance: str = "structured",
    ) -> StatedPay:
        """A range from an API's fields; amounts may be numeric strings, a lone bound is both bounds.

        An amount that is not a number ("DOE") leaves the figure without amounts but keeps the fields as
        its text: the salary step records it as rejected, and the posting itself is never lost over pay.
        """
        try:
            lo, hi = amount(low), amount(high)
        except ValueError:
            lo = hi = None
        if lo is not None and hi is None:
            hi = lo
        code = str(currency).strip().upper() if currency not in (None, "") else None
        return cls(lo, hi, code, period, provenance, compact(source_fields))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, value: dict[str, Any]) -> StatedPay:
        unknown = set(value) - set(_FIELDS)
        if unknown:
            raise ValueError(f"unknown pay field(s) {', '.join(sorted(map(str, unknown)))}; known: {_FIELDS}")
        return cls(
            min=amount(value.get("min")),
            max=amount(value.get("max")),
            currency=value.get("currency") or None,
            period=str(value.get("period") or "unknown"),
            provenance=str(value.get("provenance") or "structured"),
            text=str(value.get("text") or ""),
        )


def amount(value: Any) -> float | None:
    """A number or numeric string ("82368.0") as a float; empty means not given.

    Raises ValueError for anything else, so a source's odd value is quarantined rather than guessed.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"pay amount {value!r} is not a number")
    try:
        number = (
            float(value) if isinstance(value, int | float) else float(str(value).replace(",", "").strip())
        )
    except OverflowError:  # a 400-digit integer
        raise ValueError(f"pay amount {str(value)[:20]}... is too large") from None
    if not math.isfinite(number):
        raise ValueError(f"pay amount {value!r} is not finite")
    return number


def period_word(word: Any) -> str:
    """An API's interval word ("YEAR", "per-hour-wage", "1 MONTH", "HOURLY") as a period; else unknown."""
    return _PERIOD_WORDS.get(str(word or "").strip().lower(), "unknown")


def compact(fields: Any) -> str:
    """The fields a figure came from, as short JSON a reader can check against the source."""
    if isinstance(fields, str):
        return fields[:MAX_TEXT]
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
    return text[:MAX_TEXT]


def read_pay(value: Any) -> list[StatedPay]:
    """Stored or user-given pay (None, a string, a mapping or a list of them) as StatedPay values.

    Raises ValueError naming what is wrong, for the caller to record as the reason.
    """
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, StatedPay):
        return [value]
    if isinstance(value, str):
        return [StatedPay.free_text(value)]
    if isinstance(value, dict):
        return [StatedPay.from_dict(value)]
    if isinstance(value, list | tuple):
        return [p for item in value for p in read_pay(item)]
    raise ValueError(f"pay must be text, a mapping or a list of them, not {type(value).__name__}")


def as_json_ready(pays: list[StatedPay]) -> list[dict[str, Any]] | None:
    """What the store keeps: a list of plain mappings, or None when nothing was stated."""
    return [p.as_dict() for p in pays] or None
