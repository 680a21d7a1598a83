"""The one record every source delivers, and the contract a source module fulfils."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


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
    pay: dict[str, Any] | None = None
    # "full" postings have a description; "structured" rows (no text) count for roles and pay only.
    text_kind: str = "full"
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.source}:{self.source_id}"

    def content_hash(self) -> str:
        """Hash of what a reader of the posting sees; a change here makes a new version."""
        payload = json.dumps(
            [self.title, self.company, self.description, self.locations, self.remote, self.pay],
            sort_keys=True,
            default=str,
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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
