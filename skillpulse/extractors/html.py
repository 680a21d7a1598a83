"""HTML to plain text for extraction, with selectolax's lexbor parser (~37x faster than BeautifulSoup).

Block tags become line breaks so that a skill at the end of one paragraph never runs into the first word
of the next ("...in Python</p><p>Rust..." must not read "PythonRust"), and entities are decoded
("C&#x2F;C++" reads "C/C++"). Offsets reported by the extractor refer to the text this returns.

Input is bounded (``MAX_INPUT_CHARS``): a hostile page or record of many megabytes is read up to the bound,
so no caller's time or memory depends on what a server chose to send.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

_BLOCK_TAG = re.compile(
    r"<(?:p|br|li|div|tr|h[1-6]|ul|ol|table|section|article|blockquote|pre|hr|dt|dd)\b[^>]*>|"
    r"</(?:p|li|div|tr|h[1-6]|ul|ol|table|section|article|blockquote|pre|dt|dd)>",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_LOOKS_LIKE_HTML = re.compile(r"<[a-zA-Z/!][^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


# Twice a checked posting's longest description (``posting.MAX_DESCRIPTION``): never cuts a stored one.
MAX_INPUT_CHARS = 1_000_000

_REAL_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_ESCAPED_TAG = re.compile(r"&lt;/?(?:p|div|br|li|ul|ol|span|strong|em|b|i|a|h[1-6])\b", re.IGNORECASE)


def _html_text(content: str) -> str:
    marked = _BLOCK_TAG.sub("\n", content)
    tree = LexborHTMLParser(marked)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    root = tree.body or tree.root
    return root.text(deep=True, separator="", strip=False) if root is not None else ""


def to_text(content: str | None, is_html: bool = True) -> str:
    """Plain text of ``content``; plain-text input only has its whitespace tidied.

    Greenhouse sends HTML escaped once more ("&lt;p&gt;"): decoding it yields HTML, which is parsed again.
    Only the first ``MAX_INPUT_CHARS`` characters of ``content`` are read.
    """
    if not content:
        return ""
    content = content[:MAX_INPUT_CHARS]
    if is_html and _LOOKS_LIKE_HTML.search(content):
        escaped = _ESCAPED_TAG.search(content) is not None and _REAL_TAG.search(content) is None
        content = _html_text(content)
        if escaped and _LOOKS_LIKE_HTML.search(content):
            content = _html_text(content)
    content = _SPACES.sub(" ", content)
    content = _BLANK_LINES.sub("\n\n", content)
    return "\n".join(line.strip() for line in content.split("\n")).strip()
