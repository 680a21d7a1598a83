"""Find schema.org JobPosting objects in a page's ``<script type="application/ld+json">`` blocks."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from skillpulse.flows.sources.jsonld.settings import JOB_TYPES

_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>", re.IGNORECASE)


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
    elif isinstance(node, dict):
        types = node.get("@type")
        types = types if isinstance(types, list) else [types]
        if any(t in JOB_TYPES for t in types):
            yield node
        if "@graph" in node:
            yield from _walk(node["@graph"])


def _load(text: str) -> Any:
    try:
        return json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        try:  # some sites HTML-escape the whole block
            return json.loads(html.unescape(text), strict=False)
        except json.JSONDecodeError:
            raise exc from None


@dataclass(frozen=True)
class BrokenBlock:
    """An ld+json block that cannot be read as JSON even after unescaping, but names a JobPosting."""

    index: int  # its place among the page's ld+json blocks, from 0
    error: str  # the JSON error, with line and column
    text: str  # the block as the page has it (capped), so a reader can see what was lost


MAX_BROKEN_TEXT = 100_000


def read_page(page: str) -> tuple[list[dict[str, Any]], list[BrokenBlock]]:
    """Every JobPosting on the page (top level, in lists, or in ``@graph``), and every block that could
    not be read but mentions ``JobPosting``.

    Why the broken ones are returned: a page whose JobPosting block has a syntax error used to yield no
    posting and no word. A broken block that never mentions JobPosting (a breadcrumb, an organisation)
    could not have been a posting, so it stays unreported.
    """
    found: list[dict[str, Any]] = []
    broken: list[BrokenBlock] = []
    for index, script in enumerate(LexborHTMLParser(page).css('script[type="application/ld+json"]')):
        text = (script.text(deep=True) or "").strip()
        if not text:
            continue
        try:
            found.extend(list(_walk(_load(text))))  # all of a block, or none of it
        except (ValueError, RecursionError) as exc:  # also a 5000-digit number, or lists 100k deep
            if "JobPosting" in text:
                broken.append(BrokenBlock(index, str(exc)[:200], text[:MAX_BROKEN_TEXT]))
    return found, broken


def job_postings(page: str) -> list[dict[str, Any]]:
    """Every JobPosting on the page; unreadable blocks are skipped (see :func:`read_page`)."""
    return read_page(page)[0]


def sitemap_urls(xml: str) -> list[str]:
    return [html.unescape(u) for u in _LOC.findall(xml)]
