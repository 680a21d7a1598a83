"""Role family from a posting's title, or from an HN comment's header line ("Company | Role | Place").

v1 rules: enough to separate machine-learning engineers from everyone else; richer rules, a YAML file
and seniority come with enrichment.
"""

from __future__ import annotations

import re

ROLE_FAMILIES = (
    "ml_engineer",
    "data_scientist",
    "data_engineer",
    "data_analyst",
    "research_scientist",
    "ai_engineer",
    "deep_learning_engineer",
    "mlops_engineer",
    "software_engineer",
    "other",
)

_ML = r"(?:machine[- ]learning|\bml\b)"
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(pattern, re.IGNORECASE))
    for role, pattern in (
        ("mlops_engineer", r"\bmlops\b|\bml ?(?:platform|infra(?:structure)?) engineer"),
        ("deep_learning_engineer", r"deep[- ]learning (?:engineer|developer)"),
        ("research_scientist", rf"(?:research|ai|{_ML}) (?:research )?scientist|research engineer"),
        ("ml_engineer", rf"{_ML}[\w /-]{{0,30}}(?:engineer|developer)|\bmle\b"),
        ("ai_engineer", r"\b(?:ai|llm|genai|generative ai|agent) (?:\w+ )?engineer"),
        ("data_scientist", r"data scien(?:tist|ce)|(?:applied|decision) scientist"),
        ("data_engineer", r"(?:data|analytics|etl|big data) engineer"),
        ("data_analyst", r"(?:data|business|bi|business intelligence|analytics) analyst"),
        (
            "software_engineer",
            r"engineer|developer|programmer|\bswe\b|devops|\bsre\b|architect|full[- ]?stack|"
            r"back[- ]?end|front[- ]?end|hacker|coder",
        ),
    )
)


def classify_title(title: str | None) -> list[str]:
    """Role families named in ``title`` (one title may name several, e.g. "ML or Data Engineer")."""
    if not title:
        return ["other"]
    found = [role for role, pattern in _RULES if pattern.search(title)]
    # A title that names a specific data/ML role is not also a generic software engineer.
    if len(found) > 1 and "software_engineer" in found:
        found.remove("software_engineer")
    return found or ["other"]


def hn_header(text: str) -> str:
    """First line of an HN comment: by convention "Company | Role | Location | ..."."""
    return text.strip().split("\n", 1)[0][:300]


def classify_posting(title: str | None, text: str | None) -> list[str]:
    """Roles from the title when there is one, else from the header line of the text."""
    if title:
        return classify_title(title)
    return classify_title(hn_header(text or ""))
