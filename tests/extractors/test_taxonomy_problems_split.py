"""One broken taxonomy per semantic check: each problem keeps its exact message, line and entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillpulse.extractors.taxonomy import check_taxonomy

BASE = """\
version: 2
groups:
  - {id: langs, name: Languages}
skills:
  - id: python
    name: Python
    category: language
    parents: [langs]
    aliases: [python]
  - id: go
    name: Go
    category: language
    case_sensitive: [Go]
    ambiguous: [Go]
    exclude: ['Go-to']
"""
PY_ALIASES = "    aliases: [python]\n"
GO_EXCLUDE = "    exclude: ['Go-to']\n"

CASES = {
    "duplicate group id": (
        BASE.replace(
            "  - {id: langs, name: Languages}\n", "  - {id: langs, name: A}\n  - {id: langs, name: B}\n"
        ),
        [(4, "langs", "duplicate id (first defined at line 3)")],
    ),
    "form with edge spaces": (
        BASE.replace("[python]", "[python, ' py']"),
        [(9, "python", "form ' py' is empty or has edge spaces: never matches")],
    ),
    "form without letter or digit": (
        BASE.replace("[python]", "[python, '++']"),
        [(9, "python", "form '++' has no letter or digit: never matches")],
    ),
    "case-sensitive twin of an alias": (
        BASE.replace(PY_ALIASES, PY_ALIASES + "    case_sensitive: [Python]\n"),
        [(10, "python", "case-sensitive form 'Python' is already an alias: it adds nothing")],
    ),
    "'also' on a non-form naming an unknown id": (
        BASE.replace(PY_ALIASES, PY_ALIASES + "    also: {pythonx: [ghost]}\n"),
        [
            (10, "python", "'also' form 'pythonx' is not one of this skill's forms"),
            (10, "python", "'also' names unknown id 'ghost'"),
        ],
    ),
    "'implies' a group and itself": (
        BASE.replace(PY_ALIASES, PY_ALIASES + "    implies: [langs, python]\n"),
        [
            (10, "python", "'implies' names 'langs', which is not a skill id"),
            (10, "python", "a skill cannot imply itself"),
        ],
    ),
    "unknown parent and own parent": (
        BASE.replace("parents: [langs]", "parents: [ghost, python]"),
        [
            (8, "python", "a skill cannot be its own parent"),
            (8, "python", "parent 'ghost' is not a skill or group id"),
        ],
    ),
    "document rule on a non-form": (
        BASE.replace(GO_EXCLUDE, "    exclude: [{forms: [Golang], document: 'clinical'}]\n"),
        [(15, "go", "excluded form 'Golang' is not a form")],
    ),
    "context regex matching the empty string": (
        BASE.replace(GO_EXCLUDE, GO_EXCLUDE + "    context: {after: ['x*']}\n"),
        [(16, "go", "regex 'x*' matches the empty string: it can never decide")],
    ),
    "skill without forms": (
        BASE.replace("    case_sensitive: [Go]\n    ambiguous: [Go]\n", "").replace(GO_EXCLUDE, ""),
        [(10, "go", "no aliases, case_sensitive forms or translations: never matches")],
    ),
    "top-level exclusion that is not a string": (
        BASE.replace("version: 2\n", "version: 2\nexclude: [5]\n"),
        [(2, None, "exclude #1: not a string")],
    ),
    "group with an unknown parent": (
        BASE.replace("{id: langs, name: Languages}", "{id: langs, name: Languages, parents: [ghost]}"),
        [(3, "langs", "unknown parent 'ghost'")],
    ),
}


@pytest.mark.parametrize(("text", "expected"), list(CASES.values()), ids=list(CASES))
def test_each_check_reports_its_problem(tmp_path: Path, text: str, expected: list) -> None:
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text, encoding="utf-8")
    found = [(p.line, p.entry, p.message) for p in check_taxonomy(path)]  # in (line, message) order
    assert [f for f in found if f in expected] == expected, found


@pytest.mark.parametrize(
    "text",
    [
        BASE,
        # a case-sensitive twin that differs from its alias in ambiguity is meaningful
        BASE.replace(PY_ALIASES, PY_ALIASES + "    case_sensitive: [Python]\n    ambiguous: [Python]\n"),
        # a plain-text exclusion holding an alias in another case can still match
        BASE.replace("[python]", "[python]\n    exclude: ['Monty PYTHON']"),
    ],
    ids=["base", "ambiguous twin", "alias in exclusion"],
)
def test_clean_variants_have_no_problems(tmp_path: Path, text: str) -> None:
    path = tmp_path / "taxonomy.yaml"
    path.write_text(text, encoding="utf-8")
    assert check_taxonomy(path) == []
