"""The one record every source delivers, and the contract a source module fulfils."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from skillpulse.extractors.stated_pay import StatedPay, as_json_ready


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

    One HN scrape writes "ISO epoch" ("2025-01-02T16:06:56 1735834016"): the ISO part is used.
    """
    if value in (None, ""):
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
    """A record a source could not turn into a Posting, kept with the reason so nothing is lost."""

    source: str
    source_id: str | None
    reason: str
    payload: Any


class Source(Protocol):
    """A source yields Postings (and Quarantined records for input it could not read)."""

    name: str

    def fetch(self) -> Iterator[Posting | Quarantined]: ...
