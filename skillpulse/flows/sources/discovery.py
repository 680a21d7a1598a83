"""Board discovery: the ATS boards that stored postings (and any file a user gives) link to.

Why: a live run reads only the boards ``sources.yaml`` names, but the bundled corpora already point at
the market — Hacker News comments link to about 1,300 company boards on public ATSs. Discovery finds the
board identifier in each such link (``boards.greenhouse.io/<token>``, ``<company>.recruitee.com``, ...)
per ATS, with when it was first and last seen and which postings named it, and writes a plain CSV a user
reviews and edits; ``sources.yaml`` can then collect the discovered boards seen since a date.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

# ATS -> patterns whose named groups give the board identifier (lower-cased hosts, case kept in paths).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PATH = r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}"
# Path segments that are part of an ATS's own site, never a board.
_NOT_BOARDS = {
    "embed", "job_board", "jobs", "v0", "v1", "api", "www", "careers", "job", "boards", "static", "assets",
    "app", "signin", "login", "search", "en", "en-us", "apply", "job-board", "posting-api", "help", "support",
    "j",  # apply.workable.com/j/<shortcode>: one job's short link, not an account
}  # fmt: skip
PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "greenhouse": (
        re.compile(rf"(?:job-)?boards(?:\.eu)?\.greenhouse\.io/(?!embed\b)(?P<board>{_PATH})", re.I),
        re.compile(rf"boards\.greenhouse\.io/embed/job_board\?for=(?P<board>{_PATH})", re.I),
        re.compile(rf"boards-api\.greenhouse\.io/v1/boards/(?P<board>{_PATH})", re.I),
    ),
    "lever": (
        re.compile(rf"jobs(?:\.eu)?\.lever\.co/(?P<board>{_PATH})", re.I),
        re.compile(rf"api(?:\.eu)?\.lever\.co/v0/postings/(?P<board>{_PATH})", re.I),
    ),
    "ashby": (
        re.compile(rf"jobs\.ashbyhq\.com/(?P<board>{_PATH})", re.I),
        re.compile(rf"api\.ashbyhq\.com/posting-api/job-board/(?P<board>{_PATH})", re.I),
    ),
    "workable": (
        re.compile(rf"apply\.workable\.com/(?P<board>{_PATH})", re.I),
        re.compile(rf"(?<![\w.-])(?P<board>{_LABEL})\.workable\.com", re.I),
    ),
    "smartrecruiters": (
        re.compile(rf"(?:jobs|careers)\.smartrecruiters\.com/(?P<board>{_PATH})", re.I),
        re.compile(rf"api\.smartrecruiters\.com/v1/companies/(?P<board>{_PATH})", re.I),
    ),
    "recruitee": (re.compile(rf"(?<![\w.-])(?P<board>{_LABEL})\.recruitee\.com", re.I),),
    "personio": (re.compile(rf"(?<![\w.-])(?P<board>{_LABEL})\.jobs\.personio\.(?:de|com)", re.I),),
    "bamboohr": (re.compile(rf"(?<![\w.-])(?P<board>{_LABEL})\.bamboohr\.com", re.I),),
    "breezy": (re.compile(rf"(?<![\w.-])(?P<board>{_LABEL})\.breezy\.hr", re.I),),
    "teamtailor": (re.compile(rf"(?<![\w.-])(?P<board>{_LABEL})\.teamtailor\.com", re.I),),
    "workday": (
        re.compile(
            rf"(?<![\w.-])(?P<tenant>{_LABEL})\.(?P<wd>wd\d+)\.myworkdayjobs\.com/"
            rf"(?:[a-z]{{2}}-[A-Za-z]{{2}}/)?(?P<site>{_PATH})",
            re.I,
        ),
    ),
    "rippling": (re.compile(rf"ats\.rippling\.com/(?:[a-z]{{2}}-[A-Z]{{2}}/)?(?P<board>{_PATH})", re.I),),
    # No JazzHR source yet (its keyless listing is an HTML page): listed so a reader sees the demand.
    "jazzhr": (re.compile(rf"(?<![\w.-])(?P<board>{_LABEL})\.applytojob\.com", re.I),),
}
# Hosts whose first label is the ATS itself or a shared service, not a company.
_SHARED_LABELS = {"www", "api", "app", "jobs", "careers", "apply", "help", "support", "status", "blog"}
COLUMNS = ["ats", "board", "first_seen", "last_seen", "postings", "examples", "collectable"]


_HOSTS = {
    "greenhouse": "greenhouse.io", "lever": "lever.co", "ashby": "ashbyhq.com", "workable": "workable.com",
    "smartrecruiters": "smartrecruiters.com", "recruitee": "recruitee.com", "personio": "personio.",
    "bamboohr": "bamboohr.com", "breezy": "breezy.hr", "teamtailor": "teamtailor.com",
    "workday": "myworkdayjobs.com", "rippling": "rippling.com", "jazzhr": "applytojob.com",
}  # fmt: skip


def boards_in(text: str) -> Iterator[tuple[str, str]]:
    """``(ats, board)`` for every ATS board link in ``text`` (HTML or plain; entities are decoded).

    A link whose visible text was shortened ("boards.greenhouse.io/majorleaguebaseballadvancedmedi...",
    as HN prints long links) names no board: its full form is in the href beside it.
    """
    lower = text.lower()
    present = [ats for ats, host in _HOSTS.items() if host in lower]
    if not present:
        return
    text = html.unescape(text)
    for ats in present:
        for pattern in PATTERNS[ats]:
            for m in pattern.finditer(text):
                if m.group(0).endswith("..") or text[m.end() : m.end() + 1] == "…":
                    continue
                board = _board(ats, m)
                if board:
                    yield ats, board


def _board(ats: str, m: re.Match[str]) -> str | None:
    if ats == "workday":
        site = m["site"]
        if site.lower() in _NOT_BOARDS or m["tenant"].lower() in _SHARED_LABELS:
            return None
        return f"{m['tenant'].lower()}.{m['wd'].lower()}/{site}"
    board = m["board"].rstrip(".-_")
    if not board or board.lower() in _NOT_BOARDS or board.lower() in _SHARED_LABELS:
        return None
    # Hosts are case-insensitive (a subdomain board); Greenhouse and Lever tokens are matched lower-case
    # by their APIs too. Ashby and SmartRecruiters paths keep their case ("Aspora", "WesternDigital").
    return board if ats in ("ashby", "smartrecruiters", "rippling") else board.lower()


@dataclass
class Board:
    ats: str
    board: str
    first_seen: date
    last_seen: date
    postings: set[str] = field(default_factory=set)

    def row(self, collectable: set[str]) -> dict[str, str]:
        return {
            "ats": self.ats,
            "board": self.board,
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "postings": str(len(self.postings)),
            "examples": " ".join(sorted(self.postings)[:3]),
            "collectable": "yes" if self.ats in collectable else "no",
        }


def discover(items: Iterable[tuple[str, date | datetime | None, str | None]]) -> dict[tuple[str, str], Board]:
    """``(posting_key, seen_on, text)`` items → every board they link to, keyed by ``(ats, board)``."""
    found: dict[tuple[str, str], Board] = {}
    for key, seen, text in items:
        if not text:
            continue
        day = seen.date() if isinstance(seen, datetime) else (seen or date.min)
        for ats, board in set(boards_in(text)):
            entry = found.get((ats, board))
            if entry is None:
                entry = found[(ats, board)] = Board(ats, board, day, day)
            entry.first_seen, entry.last_seen = min(entry.first_seen, day), max(entry.last_seen, day)
            entry.postings.add(key)
    return found


def stored_texts(con: Any) -> Iterator[tuple[str, datetime | None, str]]:
    """Each stored posting's key, date (posted, else first seen) and its description and URL: the raw
    description keeps the links that plain text loses (HN shortens a long link's visible text)."""
    cur = con.execute(
        "SELECT posting_key, coalesce(posted_at, first_seen_at), "
        "concat_ws(' ', url, description) FROM postings WHERE description IS NOT NULL OR url IS NOT NULL"
    )
    while rows := cur.fetchmany(5_000):
        yield from rows


def write_boards(boards: dict[tuple[str, str], Board], path: Path, collectable: set[str]) -> int:
    """The boards as a CSV a user can review and edit (most-linked first within each ATS)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ordered = sorted(boards.values(), key=lambda b: (b.ats, -len(b.postings), b.board.lower()))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(b.row(collectable) for b in ordered)
    return len(ordered)


def read_boards(path: Path, ats: str, since: date | None = None) -> list[str]:
    """The boards of one ATS in a discovered-boards CSV, seen on or after ``since`` (all without it)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [
        r["board"]
        for r in rows
        if r.get("ats") == ats and (since is None or date.fromisoformat(r["last_seen"]) >= since)
    ]
