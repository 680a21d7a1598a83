"""Find schema.org JobPosting objects in a page's ``<script type="application/ld+json">`` blocks."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
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


def job_postings(page: str) -> list[dict[str, Any]]:
    """Every JobPosting on the page: top level, in lists, or in ``@graph``; unreadable blocks skipped."""
    found: list[dict[str, Any]] = []
    for script in LexborHTMLParser(page).css('script[type="application/ld+json"]'):
        text = (script.text(deep=True) or "").strip()
        if not text:
            continue
        try:
            data = json.loads(text, strict=False)
        except json.JSONDecodeError:
            try:  # some sites HTML-escape the whole block
                data = json.loads(html.unescape(text), strict=False)
            except json.JSONDecodeError:
                continue
        found.extend(_walk(data))
    return found


def sitemap_urls(xml: str) -> list[str]:
    return [html.unescape(u) for u in _LOC.findall(xml)]
