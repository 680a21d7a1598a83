"""The one record every source delivers, the check every posting passes on its way in, and the contract a
source module fulfils.

Why a check: a source's normaliser maps an API's fields, but an API (or a hostile server) may send a number
where text belongs, a lone surrogate, a date in the year 99999 or a megabyte of title. :func:`check` is the
one input boundary: it turns such a posting into one every later step can store and read (text as text,
bounded lengths, plausible dates, strict JSON) and notes in ``attributes["input_checks"]`` what it
changed; what cannot be a posting (no usable id, an object where text belongs) raises
:class:`PostingError`, so the record is quarantined with that reason and its batch goes on. ``raw`` keeps
everything that was sent (a lone surrogate is kept as its ``\\udc80`` escape).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from skillpulse.extractors.stated_pay import MAX_TEXT as MAX_PAY_TEXT
from skillpulse.extractors.stated_pay import StatedPay, as_json_ready

# Bounds of a checked posting. Real postings are far inside them (the bundled snapshot's longest title has
# 131 characters, its longest description 22,675); beyond them a field is a fault, not a job ad.
MAX_ID = 4_096  # a JSON-LD posting's id is its page URL
MAX_TITLE = 1_000
MAX_COMPANY = 500
MAX_URL = 2_000
MAX_LOCATION = 500
MAX_LOCATIONS = 200
MAX_DESCRIPTION = 500_000
MAX_PAY = 50
MAX_CURRENCY = 10
MAX_ATTRIBUTE_TEXT = 10_000
MAX_ATTRIBUTE_DEPTH = 16
MAX_REASON = 2_000
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # before the web's first job boards: a wrong date
LATEST_AHEAD = timedelta(days=366)  # a posting dated more than a year ahead: a wrong date
TEXT_KINDS = ("full", "structured")
NOTES = "input_checks"  # the attribute that says what the check changed, field by field
_SURROGATES = re.compile("[\ud800-\udfff]")  # lone surrogates: no UTF-8 store or file can hold them


@dataclass(slots=True)
class Posting:
    """A job posting as a source delivered it, normalised to the fields every report needs.

    ``description`` is kept as delivered (HTML or plain text, per ``description_is_html``); the store
    derives plain text from it so re-extraction never needs a re-fetch. ``raw`` is the source's payload.
    """

    source: str
    source_id: str
    title: str | None
    company: str | None
    description: str | None
    raw: dict[str, Any]
    description_is_html: bool = True
    url: str | None = None
    locations: list[str] = field(default_factory=list)
    remote: bool | None = None
    posted_at: datetime | None = None
    # Pay as the source stated it, mapped by the source's package from its API's own fields.
    pay: list[StatedPay] = field(default_factory=list)
    # "full" postings have a description; "structured" rows (no text) count for roles and pay only.
    text_kind: str = "full"
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.source}:{self.source_id}"

    def checked(self, now: datetime | None = None) -> Posting:
        """This posting as the store may keep it; see :func:`check`."""
        return check(self, now)

    def pay_json(self) -> list[dict[str, Any]] | None:
        """The stated pay as the store keeps it (None when the source stated none)."""
        return as_json_ready(self.pay)

    def content_hash(self) -> str:
        """Hash of what a reader of the posting sees; a change here makes a new version."""
        payload = json.dumps(
            [self.title, self.company, self.description, self.locations, self.remote, self.pay_json()],
            sort_keys=True,
            default=str,
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def parse_time(value: Any) -> datetime | None:
    """ISO strings, epoch seconds or milliseconds (as numbers or strings) to an aware datetime.

    One HN scrape writes "ISO epoch" ("2025-01-02T16:06:56 1735834016"): the ISO part is used. Blank text
    is no time. Anything that is not a time (``1e20``, the year 99999, an object) raises ValueError and
    nothing else, so the caller's record is quarantined with the reason instead of stopping its batch.
    """
    try:
        return _parse_time(value)
    except ValueError:
        raise
    except (ArithmeticError, OSError, LookupError, TypeError) as exc:  # 1e20: OverflowError or OSError
        raise ValueError(f"{_show(value)} is not a time ({type(exc).__name__}: {exc})") from None


def _parse_time(value: Any) -> datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 10**11 else value
        return datetime.fromtimestamp(seconds, tz=UTC)
    text = str(value).strip().split()[0].replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit() and text[-6] != ":":
        text = f"{text[:-2]}:{text[-2:]}"  # "+0000" -> "+00:00"
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class PostingError(ValueError):
    """A posting that cannot be normalised; it is quarantined with this message as its reason."""


@dataclass(slots=True)
class Quarantined:
    """A record a source could not turn into a Posting, kept with the reason so nothing is lost.

    Whatever the record held, the quarantine row can be written: the id and reason become text with any
    lone surrogate written as its escape (and bounded), and a payload JSON cannot hold becomes its repr.
    """

    source: str
    source_id: str | None
    reason: str
    payload: Any

    def __post_init__(self) -> None:
        self.source = _escaped(str(self.source))
        if self.source_id is not None:
            self.source_id = _escaped(_show(self.source_id, MAX_ID, quoted=False))
        self.reason = _escaped(_show(self.reason, MAX_REASON, quoted=False))
        try:
            json.dumps(self.payload, default=str).encode("utf-8")
        except (ValueError, TypeError, RecursionError):
            self.payload = _show(self.payload, 100_000, quoted=False)


class Source(Protocol):
    """A source yields Postings (and Quarantined records for input it could not read)."""

    name: str

    def fetch(self) -> Iterator[Posting | Quarantined]: ...


# -- the check: one input boundary for every source ------------------------------------------------------
def check(posting: Posting, now: datetime | None = None) -> Posting:
    """The posting as every later step can keep and read it, or PostingError saying why it cannot be one.

    Refused (the record is quarantined): an id or source that is not non-empty printable text of at most
    ``MAX_ID`` characters (a lone surrogate or a control character is not printable); an object or list
    where text belongs; an unknown ``text_kind``.

    Coerced, each change noted under ``attributes["input_checks"]``: a number where text belongs becomes
    its text; a lone surrogate in text becomes U+FFFD; a title, company, description or place longer than
    its bound is cut, a URL longer than its bound dropped (a cut URL leads elsewhere); places beyond
    ``MAX_LOCATIONS`` and non-text places are dropped; ``remote`` that is not true/false becomes unknown;
    ``posted_at`` outside 1990 .. now + 1 year becomes None; attributes become strict JSON (NaN and
    Infinity as text, long text cut). A posting inside every bound comes out equal to what went in.
    """
    notes: dict[str, str] = {}
    if posting.text_kind not in TEXT_KINDS:
        raise PostingError(f"text_kind {_show(posting.text_kind)} is not one of {', '.join(TEXT_KINDS)}")
    if not isinstance(posting.description_is_html, bool):
        raise PostingError(f"description_is_html is {_kind(posting.description_is_html)}, not true/false")
    url = _text("url", posting.url, None, notes)
    if url is not None and len(url) > MAX_URL:
        _note(notes, "url", f"{len(url):,} characters (at most {MAX_URL:,}): dropped")
        url = None
    checked = replace(
        posting,
        source=_identifier("source", posting.source),
        source_id=_identifier("source_id", posting.source_id),
        title=_text("title", posting.title, MAX_TITLE, notes),
        company=_text("company", posting.company, MAX_COMPANY, notes),
        description=_text("description", posting.description, MAX_DESCRIPTION, notes),
        url=url,
        locations=_locations(posting.locations, notes),
        remote=_remote(posting.remote, notes),
        posted_at=_posted_at(posting.posted_at, now or datetime.now(UTC), notes),
        pay=_pay(posting.pay, notes),
        raw=_raw(posting.raw, notes),
    )
    attributes = posting.attributes if isinstance(posting.attributes, dict) else {"value": posting.attributes}
    checked.attributes = _json_ready(attributes, 0, notes) or {}
    if notes:
        earlier = checked.attributes.get(NOTES)
        checked.attributes[NOTES] = {**(earlier if isinstance(earlier, dict) else {}), **notes}
    return checked


def _note(notes: dict[str, str], name: str, text: str) -> None:
    notes[name] = f"{notes[name]}; {text}" if name in notes else text


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", tuple: "a list", bool: "true/false"}.get(
        type(value), f"a {type(value).__name__}"
    )


def _show(value: Any, limit: int = 80, quoted: bool = True) -> str:
    """A bounded, always printable rendering of ``value`` for a reason or a note."""
    try:
        text = repr(value) if quoted else str(value)
    except (ValueError, RecursionError):  # an integer of more than 4,300 digits, a too deeply nested list
        text = f"<{type(value).__name__} too large to show>"
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def _has_surrogate(text: str) -> bool:
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _escaped(text: str) -> str:
    """``text`` with each lone surrogate written as its escape (``\\udc80``): storable, nothing hidden."""
    if not _has_surrogate(text):
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _replaced(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, as a reader should see it."""
    if not _has_surrogate(text):
        return text
    return _SURROGATES.sub("\ufffd", text)


def _number_text(name: str, value: int | float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise PostingError(f"{name} is {value!r}, not text")
    try:
        return str(value)
    except ValueError:  # more than 4,300 digits
        raise PostingError(f"{name} is an integer of {value.bit_length():,} bits, not text") from None


def _identifier(name: str, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = _number_text(name, value)
    if not isinstance(value, str):
        raise PostingError(f"{name} is {_kind(value)}, not text")
    if not value.strip():
        raise PostingError(f"{name} is empty")
    if len(value) > MAX_ID:
        raise PostingError(f"{name} has {len(value):,} characters (at most {MAX_ID:,})")
    if not value.isprintable():
        raise PostingError(f"{name} {_show(value)} holds a control character or a lone surrogate")
    return value


def _text(name: str, value: Any, limit: int | None, notes: dict[str, str]) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PostingError(f"{name} is {_kind(value)}, not text")
    if not isinstance(value, str):
        value = _number_text(name, value)
        _note(notes, name, "a number, stored as text")
    if _has_surrogate(value):
        value = _replaced(value)
        _note(notes, name, "lone surrogates replaced by U+FFFD")
    if limit is not None and len(value) > limit:
        _note(notes, name, f"truncated from {len(value):,} to {limit:,} characters")
        value = value[:limit]
    return value


def _locations(value: Any, notes: dict[str, str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        _note(notes, "locations", f"{_kind(value)}, not a list of places: dropped")
        return []
    out: list[str] = []
    dropped = 0
    for item in value:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            dropped += 1
            continue
        try:
            text = _text("location", item, MAX_LOCATION, notes)
        except PostingError:
            dropped += 1
            continue
        out.append(text or "")
    if "location" in notes:
        _note(notes, "locations", notes.pop("location"))
    if dropped:
        _note(notes, "locations", f"{dropped:,} place(s) that are not text dropped")
    if len(out) > MAX_LOCATIONS:
        _note(notes, "locations", f"{len(out):,} places cut to the first {MAX_LOCATIONS:,}")
        out = out[:MAX_LOCATIONS]
    return out


def _remote(value: Any, notes: dict[str, str]) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    _note(notes, "remote", f"{_show(value)} is not true/false: stored as unknown")
    return None


def _posted_at(value: Any, now: datetime, notes: dict[str, str]) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        _note(notes, "posted_at", f"{_show(value)} is not a time: dropped")
        return None
    when = value if value.tzinfo else value.replace(tzinfo=UTC)
    latest = now + LATEST_AHEAD
    if not EARLIEST <= when <= latest:
        _note(
            notes,
            "posted_at",
            f"{_show(str(when))} is outside {EARLIEST:%Y-%m-%d} .. {latest:%Y-%m-%d}: dropped",
        )
        return None
    return when


def _pay(value: Any, notes: dict[str, str]) -> list[StatedPay]:
    if not isinstance(value, list | tuple):
        if value:
            _note(notes, "pay", f"{_kind(value)}, not a list of stated pay: dropped")
        return []
    out: list[StatedPay] = []
    for pay in value:
        if not isinstance(pay, StatedPay):
            _note(notes, "pay", f"{_kind(pay)} is not stated pay: dropped")
            continue
        text = _escaped(pay.text)[:MAX_PAY_TEXT]
        currency = pay.currency
        if currency is not None and (len(currency) > MAX_CURRENCY or not currency.isprintable()):
            _note(notes, "pay", f"currency {_show(currency, 20)} is not a currency code: dropped")
            currency = None
        out.append(
            pay
            if (text, currency) == (pay.text, pay.currency)
            else replace(pay, text=text, currency=currency)
        )
    if len(out) > MAX_PAY:
        _note(notes, "pay", f"{len(out):,} figures cut to the first {MAX_PAY:,}")
        out = out[:MAX_PAY]
    return out


def _raw(raw: Any, notes: dict[str, str]) -> Any:
    """The payload as sent; only a lone surrogate (which no store can write) is kept as its escape."""
    try:
        json.dumps(raw, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        _note(notes, "raw", "lone surrogates kept as their \\u escapes")
        return _escaped_json(raw)
    except (ValueError, TypeError, RecursionError) as exc:
        raise PostingError(
            f"the raw payload cannot be written as JSON ({type(exc).__name__}: {exc})"
        ) from None
    return raw


def _escaped_json(value: Any) -> Any:
    if isinstance(value, str):
        return _escaped(value)
    if isinstance(value, dict):
        return {_escaped(k) if isinstance(k, str) else k: _escaped_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_escaped_json(v) for v in value]
    return value


def _json_ready(value: Any, depth: int, notes: dict[str, str]) -> Any:
    """``value`` as strict JSON (what DuckDB and every reader accept); changes are noted."""
    if value is None or isinstance(value, bool | str | int | float) and _plain(value):
        return value
    if depth >= MAX_ATTRIBUTE_DEPTH:
        _note(notes, "attributes", f"nested deeper than {MAX_ATTRIBUTE_DEPTH} levels: cut")
        return None
    if isinstance(value, dict):
        return {_json_key(k, notes): _json_ready(v, depth + 1, notes) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_ready(v, depth + 1, notes) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        text = _replaced(value)
        if len(text) > MAX_ATTRIBUTE_TEXT:
            _note(notes, "attributes", f"a text of {len(text):,} characters cut to {MAX_ATTRIBUTE_TEXT:,}")
            text = text[:MAX_ATTRIBUTE_TEXT]
        return text
    if isinstance(value, float | int):  # NaN, Infinity or an integer too long for JSON: kept as text
        _note(notes, "attributes", f"{_show(value, 40)} is not a JSON number: kept as text")
        return _show(value, 40, quoted=False)
    return _show(value, MAX_ATTRIBUTE_TEXT, quoted=False)


def _plain(value: bool | str | int | float) -> bool:
    """Already strict JSON as it is: finite, short text without lone surrogates, a writable integer."""
    if isinstance(value, str):
        return len(value) <= MAX_ATTRIBUTE_TEXT and not _has_surrogate(value)
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, bool) or value.bit_length() < 14_000  # about 4,300 decimal digits


def _json_key(key: Any, notes: dict[str, str]) -> str:
    if isinstance(key, str):
        return _replaced(key)[:MAX_ATTRIBUTE_TEXT]
    return _show(key, 200, quoted=False)
