"""A fetched body, already size-capped and decompressed, with the helpers sources read it with."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any

import httpx

from skillpulse.flows.http.errors import FetchError


@dataclass
class Response:
    """A finished response. ``not_modified`` means the server said 304 and ``body`` came from the cache."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").lower()

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """Decode JSON, refusing HTML error pages and truncated bodies with a clear reason."""
        head = self.body[:200].lstrip().lower()
        if "html" in self.content_type or head.startswith((b"<!doctype", b"<html")):
            raise FetchError(self.url, "not_json", f"expected JSON, got {self.content_type or 'HTML'}")
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError) as exc:  # also a 5000-digit number, or arrays 200k deep
            raise FetchError(self.url, "bad_json", f"invalid or truncated JSON ({exc})") from None


def _decoder(encoding: str) -> Any:
    encoding = encoding.strip().lower()
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS | 32)
    if encoding in ("", "identity"):
        return None
    raise ValueError(f"unsupported content-encoding {encoding!r}")
