"""The one error a fetch raises once it gives up; ``kind`` says why, for one-line reports."""

from __future__ import annotations

import re

MAX_SHOWN = 300  # a reason is read in a terminal line; a 5 KB header value must not flood it

# Control characters (a header or URL could smuggle a newline) and the opening bracket of anything a Rich
# console reads as markup ("[/]", "[bold]", "[link=...]"): what a server sends must print as plain text,
# whatever prints it. ``[`` becomes ``%5B``, its percent-encoding, so a URL still reads as one.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_MARKUP = re.compile(r"\[(?=[a-zA-Z#/@])")


def one_line(text: object, limit: int = MAX_SHOWN) -> str:
    """``text`` as one plain line of at most ``limit`` characters, safe for any console."""
    shown = _MARKUP.sub("%5B", _CONTROL.sub(" ", str(text)).strip())
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


class FetchError(Exception):
    """A request that failed for good; ``kind`` says why (network, timeout, status, too_large, refused...).

    The message is always one line: what the server or a page sent (a header value, a Location, a URL
    from a sitemap) is shown through :func:`one_line`, so it cannot break a report or a console.
    """

    def __init__(self, url: str, kind: str, message: str, status: int | None = None) -> None:
        self.message = one_line(message)
        super().__init__(f"{kind}: {self.message} ({one_line(url, 200)})")
        self.url = url
        self.kind = kind
        self.status = status
