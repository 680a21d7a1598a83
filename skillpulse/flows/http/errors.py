"""The one error a fetch raises once it gives up; ``kind`` says why, for one-line reports."""

from __future__ import annotations


class FetchError(Exception):
    """A request that failed for good; ``kind`` says why (network, timeout, status, too_large, ...)."""

    def __init__(self, url: str, kind: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{kind}: {message} ({url})")
        self.url = url
        self.kind = kind
        self.status = status
