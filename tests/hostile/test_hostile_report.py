"""Reports quote posting text literally in every format: no link, image, HTML or table break from a posting.

Before this, report.md printed a title as-is: ``![x](http://evil/a.png)`` became a remote image and
``[win](http://evil)`` a link in any Markdown viewer. Rendered here with markdown-it (CommonMark).
"""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from skillpulse.reports.build import SHOWN_CHARS, markdown_literal, shown

RENDER = MarkdownIt("commonmark").enable("table")

HOSTILE_TITLES = [
    "ML Engineer ![pixel](http://evil.example/p.png)",
    "ML Engineer [apply here](http://evil.example/phish)",
    "ML Engineer [apply](javascript:alert(1))",
    "ML Engineer <img src=x onerror=alert(1)>",
    "ML Engineer <a href='http://evil.example'>x</a>",
    "ML Engineer <http://evil.example/autolink>",
    "ML Engineer | injected | cells |",
    "ML Engineer **bold** _emphasis_ `code`",
    "# A heading\n\n- a list item\n> a quote",
    "ML Engineer [ref][1]\n\n[1]: http://evil.example/ref",
    "ML Engineer &lt;img src=x&gt; &#60;b&#62;",
    "ML Engineer ![a](data:image/png;base64,AAAA)",
]


def _cell(text: str) -> str:
    return RENDER.render(f"| source | title |\n|---|---|\n| x | {markdown_literal(text)} |\n")


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_a_posting_title_renders_as_plain_text_in_one_cell(title):
    html = _cell(title)
    for needle in ("<a ", "<img", "<script", "<strong", "<em", "<code", "<h1", "<li", "<blockquote"):
        assert needle not in html, (title, html)
    assert html.count("<td>") == 2  # no cell break came from the title


def test_what_a_reader_sees_of_a_posting_is_one_bounded_line():
    long = "word " * 10_000
    assert len(shown(long)) == SHOWN_CHARS and shown(long).endswith("…")
    assert (
        "\n" not in markdown_literal("line one\nline two") and len(markdown_literal(long)) < 4 * SHOWN_CHARS
    )


def test_the_words_stay_readable():
    assert RENDER.render(markdown_literal("Senior ML Engineer (Remote) - C++/CUDA")).strip() == (
        "<p>Senior ML Engineer (Remote) - C++/CUDA</p>"
    )
