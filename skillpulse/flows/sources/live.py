"""What every live source shares: units of work (a board, a month), a report, and the collect loop.

A live source splits its work into units (one board, one HN month), downloads each through the shared
:class:`~flows.http.Runtime`, and normalises records one by one. A unit that fails is reported and the
others carry on; a record that fails validation becomes a :class:`Quarantined`. Only a unit whose whole
listing was freshly downloaded (not a 304, not cut short) may close the postings it no longer lists.

Every posting a normaliser builds passes :func:`~flows.sources.posting.check` (the one input boundary) before
it is yielded; anything a normaliser or the check raises on one record, whatever its type, quarantines that
record with the reason, and the listing goes on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from skillpulse.flows.http import Fetcher, FetchError, HostPolicy, Runtime
from skillpulse.flows.sources.config import SourceConfig
from skillpulse.flows.sources.discovery import read_boards
from skillpulse.flows.sources.options import NoOptions
from skillpulse.flows.sources.options import build as build_options
from skillpulse.flows.sources.posting import (  # noqa: F401 - sources import these from here
    MAX_ID,
    Posting,
    PostingError,
    Quarantined,
    check,
    parse_time,
)


@dataclass(frozen=True)
class Unit:
    """One independently fetched piece of a source; ``scope`` names the listing it completes (or None)."""

    key: str
    scope: str | None = None
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass
class Listing:
    """What a unit's download produced: the records, and whether they are the whole listing."""

    records: list[Any]
    complete: bool = True
    not_modified: bool = False
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class SourceReport:
    fetched: int = 0
    failures: list[str] = field(default_factory=list)
    failure_kinds: list[str] = field(default_factory=list)
    complete: dict[str, set[str]] = field(default_factory=dict)
    not_modified: int = 0
    gone: dict[str, int] = field(default_factory=dict)  # board -> 404 or 410: the board no longer exists
    skipped: list[str] = field(default_factory=list)  # boards marked gone recently: not asked again yet


class SchemaError(ValueError):
    """A listing whose shape is not what the API documents: the unit fails, earlier data stays."""


def error_kind(error: BaseException) -> str:
    if isinstance(error, FetchError):
        return error.kind
    return "schema" if isinstance(error, SchemaError) else "error"


def describe(error: BaseException) -> str:
    return str(error) if isinstance(error, FetchError) else f"{type(error).__name__}: {error}"


class LiveSource:
    """Base class: subclasses set ``name``, ``default_base_url``, ``policy`` and the three hooks."""

    name = "live"
    default_base_url = ""
    policy = HostPolicy()
    rate_headers = False
    # The source's own keys in sources.yaml (besides enabled, base_url, concurrency, min_interval), as a
    # typed dataclass: an unknown key or a wrong type is refused with file:line when the file is read.
    Options: type = NoOptions
    # The Options field that lists this source's boards (boards, sites, companies, accounts), so the
    # boards `skillpulse boards discover` found can join it (``discovered:`` in sources.yaml).
    board_option: str | None = None

    def __init__(self, config: SourceConfig, runtime: Runtime, since: date | datetime | None = None) -> None:
        self.config = config
        self.runtime = runtime
        self.options = with_discovered(build_options(self.Options, config.options), self, config)
        # Boards the store marked gone (404/410) within ``http.gone_recheck_days``: set by the runner.
        self.skip_scopes: set[str] = set()
        self.base_url = (config.base_url or self.default_base_url).rstrip("/")
        self.since = _as_datetime(since)
        self.report = SourceReport()
        self.host_policy = HostPolicy(
            concurrency=config.concurrency or self.policy.concurrency,
            min_interval=self.policy.min_interval if config.min_interval is None else config.min_interval,
        ).allowing(self.base_url)  # links a page hands us may lead back to the configured host, no other

    # -- hooks ---------------------------------------------------------------------------------------
    def units(self) -> list[Unit]:
        raise NotImplementedError

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        raise NotImplementedError

    def normalise(self, unit: Unit, record: Any, listing: Listing) -> Posting | None:
        raise NotImplementedError

    def record_id(self, record: Any) -> str | None:
        value = record.get("id") if isinstance(record, dict) else None
        return None if value is None else str(value)

    # -- shared --------------------------------------------------------------------------------------
    async def get_json(self, fetcher: Fetcher, url: str, **kwargs: Any) -> tuple[Any, bool]:
        """GET and decode JSON through this source's host policy; returns ``(data, not_modified)``."""
        response = await fetcher.get(url, policy=self.host_policy, rate_headers=self.rate_headers, **kwargs)
        return response.json(), response.not_modified

    async def post_json(self, fetcher: Fetcher, url: str, payload: Any) -> Any:
        """POST a JSON query (search APIs such as Workday's) through this source's host policy."""
        response = await fetcher.post_json(
            url, payload, policy=self.host_policy, rate_headers=self.rate_headers
        )
        return response.json()

    def fail(self, key: str, error: BaseException) -> None:
        self.report.failures.append(f"{key}: {describe(error)}")
        self.report.failure_kinds.append(error_kind(error))

    def fetch(self) -> Iterator[Posting | Quarantined]:
        self.report = SourceReport()
        units = []
        for unit in self.units():
            if unit.scope is not None and unit.scope in self.skip_scopes:
                self.report.skipped.append(unit.scope)  # gone recently (404/410): asked again later
            else:
                units.append(unit)
        jobs = [(unit, _bind(self.download, unit)) for unit in units]
        for unit, listing, error in self.runtime.as_completed(jobs):
            if error is not None or listing is None:
                self.fail(unit.key, error or RuntimeError("no result"))
                if isinstance(error, FetchError) and error.status in (404, 410) and unit.scope is not None:
                    self.report.gone[unit.scope] = error.status
                continue
            yield from self._normalise_all(unit, listing)

    def _normalise_all(self, unit: Unit, listing: Listing) -> Iterator[Posting | Quarantined]:
        """Each record normalised and checked; one record's failure, of any kind, quarantines that record
        (with its reason) and never the rest of the listing."""
        self.report.fetched += len(listing.records)
        self.report.not_modified += int(listing.not_modified)
        seen: set[str] = set()
        for record in listing.records:
            given_id: Any = None
            try:
                given_id = self.record_id(record)
                posting = self.normalise(unit, record, listing)
                if posting is None:
                    continue  # not a posting (a deleted comment): nothing to keep
                posting = check(posting)
                posting.attributes.setdefault("raw_sha256", raw_hash(posting.raw))
                if unit.scope is not None:
                    posting.attributes.setdefault("board", unit.scope)
            except Exception as exc:  # noqa: BLE001 - a hostile record must never stop its listing
                record_id = _as_id(given_id)
                if record_id:
                    seen.add(record_id)  # a known posting that now fails is not closed for it
                quarantined_id = None if given_id is None or given_id == "" else given_id
                yield Quarantined(self.name, quarantined_id, f"{type(exc).__name__}: {exc}", record)
                continue
            if posting.source_id in seen:
                continue  # a listing that repeats a posting (pages shifted while paging): first copy wins
            seen.add(posting.source_id)
            if self.since and posting.posted_at and posting.posted_at < self.since:
                continue
            yield posting
        # An empty "complete" listing is more often an API hiccup than an emptied board: close nothing.
        if unit.scope is not None and listing.complete and not listing.not_modified and seen:
            self.report.complete[unit.scope] = seen


def _as_id(value: Any) -> str | None:
    """A record's id as the text a stored posting's id would be, or None when it cannot be one (a list, a
    lone surrogate): such an id matches no stored posting, so it only names the quarantined record."""
    if value is None or isinstance(value, bool) or not isinstance(value, str | int):
        return None
    try:
        text = value if isinstance(value, str) else str(value)
    except ValueError:  # an integer of more than 4,300 digits
        return None
    return text if text.strip() and len(text) <= MAX_ID and text.isprintable() else None


def raw_hash(raw: Any) -> str:
    """SHA-256 of the raw payload (canonical JSON): tells a re-fetch of the same bytes from a new one."""
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "backslashreplace")).hexdigest()


def _bind(download: Callable[[Fetcher, Unit], Any], unit: Unit) -> Callable[[Fetcher], Any]:
    return lambda fetcher: download(fetcher, unit)


def _as_datetime(value: date | datetime | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def with_discovered(options: Any, source: LiveSource, config: SourceConfig) -> Any:
    """``options`` with the discovered boards of this source's ATS added to its board list (once each).

    ``discovered: {file: boards.csv, since: 2025-01-01}``: the CSV ``skillpulse boards discover`` wrote
    (reviewed and edited by the user), boards last seen on or after ``since``. A source without a board
    list, or a missing file, is refused with a plain reason when the source is built.
    """
    wanted = config.discovered
    if not wanted:
        return options
    if source.board_option is None:
        raise ValueError(f"{source.name}: has no board list for discovered boards to join")
    unknown = set(wanted) - {"file", "since"}
    if unknown or "file" not in wanted:
        raise ValueError(f"{source.name}.discovered: write {{file: boards.csv, since: YYYY-MM-DD}}")
    path = Path(wanted["file"]).expanduser()
    if not path.is_file():
        raise ValueError(f"{source.name}.discovered: no file {path}; run `skillpulse boards discover` first")
    since = date.fromisoformat(str(wanted["since"])) if wanted.get("since") else None
    named = list(getattr(options, source.board_option))
    found = [b for b in read_boards(path, source.name, since) if b not in named]
    return dataclasses.replace(options, **{source.board_option: named + found})


# -- helpers for ATSs that give each company its own host, and for XML feeds ---------------------------
_HOST_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
# The stdlib XML parser expands internal entities (a "billion laughs" feed); a job feed never needs a DTD.
_XML_REFUSED = (b"<!DOCTYPE", b"<!ENTITY")


def company_url(base_url: str, company: str) -> str:
    """The root URL of one company on an ATS that gives each its own host (``acme.recruitee.com``).

    ``base_url`` is a template with ``{company}``; a base URL without it (a mirror, the tests' loopback
    server) gets the company as its first path segment. A company that is not one host label ("acme",
    not "acme.recruitee.com" or a URL) is refused, so a configuration slip fails that unit plainly.
    """
    if not _HOST_LABEL.fullmatch(company):
        raise SchemaError(f"{company!r} is not a company subdomain: write only the <company> of its host")
    if "{company}" in base_url:
        return base_url.replace("{company}", company)
    return f"{base_url}/{company}"


def parse_xml(body: bytes, url: str) -> ElementTree.Element:
    """An XML feed's root; a body that declares a DTD or an entity is refused before it is parsed."""
    upper = body.upper()
    if any(marker in upper for marker in _XML_REFUSED):
        raise SchemaError(f"{url}: the feed declares a DOCTYPE or an entity; refused unparsed")
    try:
        return ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise SchemaError(f"{url}: not well-formed XML ({exc})") from None


# -- normalisation helpers ------------------------------------------------------------------------------
def require_list(data: Any, key: str, url: str) -> list[Any]:
    """The list under ``key`` of an API's JSON object; any other shape fails the unit (SchemaError)."""
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        article = "an" if key[0] in "aeiou" else "a"
        raise SchemaError(f"{url}: expected an object with {article} '{key}' list")
    return data[key]


def require(record: dict[str, Any], *keys: str) -> None:
    """Refuse a record that lacks what makes it a posting (id, title): it goes to quarantine."""
    missing = [k for k in keys if record.get(k) in (None, "")]
    if missing:
        raise PostingError(f"missing {', '.join(missing)}")


def clean_locations(*values: Any) -> list[str]:
    """The places among ``values`` (each a place or a list of places), stripped, each once.

    Only text and numbers are places: an object or a nested list where a place belongs is the API's
    structure, not a place (its text would read "{'city': ...}"), so it is left in the raw payload only.
    """
    out: list[str] = []
    for value in values:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                continue
            text = str(item).strip() if item != "" else ""
            if text and text not in out:
                out.append(text)
    return out
