"""Seniority from a title (or HN header) first, else from the years of experience the text asks for.

One value per posting. A title that names several levels ("Junior and Senior engineers") says nothing
about any one job, so it is ``unknown`` unless the years asked settle it.
"""

from __future__ import annotations

import re

SENIORITIES = ("intern", "junior", "mid", "senior", "staff_principal", "lead_manager", "unknown")

_TITLE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (level, re.compile(p, re.IGNORECASE))
    for level, p in (
        ("intern", r"\b(?:interns?|internships?|co-?op|trainee|werkstudent|stagiaire|apprentice)\b"),
        (
            "lead_manager",
            r"\b(?:lead|leads|manager|head of|director|vp|vice president|chief|cto|cio|cdo|"
            r"team lead|tech lead|supervisor)\b",
        ),
        ("staff_principal", r"\b(?:staff|principal|distinguished|fellow|architect)\b"),
        ("senior", r"\b(?:senior|sr\.?|snr|experienced|expert|iii|level 3|l5)\b"),
        ("junior", r"\b(?:junior|jr\.?|entry[- ]level|graduate|new grad|associate|level 1)\b(?![-/])"),
        ("mid", r"\b(?:mid[- ]?level|mid[- ]?senior|intermediate|ii|level 2|mid)\b"),
    )
)
_LEVEL_ONE = re.compile(r"\b(?:Engineer|Scientist|Developer|Analyst),? I\b(?!')")  # "Engineer I", not "I'm"
_YEARS = re.compile(
    r"\b(\d{1,2})\s*(?:\+|plus)?\s*(?:-|–|to)?\s*(?:\d{1,2}\s*)?\+?\s*(?:years?|yrs?)\b"
    r"(?:\s+(?:of\s+)?(?:\w+\s+){0,4}?(?:experience|exp\b))?",
    re.IGNORECASE,
)


def title_levels(title: str | None) -> list[str]:
    """Every level a title names, most senior rule first."""
    if not title:
        return []
    found = [level for level, pattern in _TITLE_RULES if pattern.search(title)]
    if _LEVEL_ONE.search(title) and "junior" not in found:
        found.append("junior")
    # "Senior Engineering Manager" is a manager, "Senior Staff Engineer" is staff; but "Mid/Sr./Principal"
    # lists levels, and a list says nothing about the one job.
    ladder = [lv for lv in ("junior", "mid", "senior", "staff_principal") if lv in found]
    if len(ladder) >= 2 and ladder != ["senior", "staff_principal"]:
        return ladder
    if "lead_manager" in found:
        return ["lead_manager"]
    if "staff_principal" in found:
        return ["staff_principal"]
    if "intern" in found:
        return ["intern"]
    return found


def years_required(text: str | None) -> int | None:
    """Smallest years of experience asked for ("5+ years of experience"), when the text asks at all."""
    if not text:
        return None
    years = []
    for m in _YEARS.finditer(text[:20_000]):
        if "experience" in m.group(0).lower() or "exp" in m.group(0).lower() or "+" in m.group(0):
            n = int(m.group(1))
            if 0 < n <= 25:
                years.append(n)
    return min(years) if years else None


def level_from_years(years: int | None) -> str:
    if years is None:
        return "unknown"
    if years <= 1:
        return "junior"
    if years <= 4:
        return "mid"
    return "senior"


def classify_seniority(title: str | None, text: str | None = None) -> str:
    """One seniority for a posting: the title's level if it names exactly one, else from years asked."""
    levels = title_levels(title)
    if len(levels) == 1:
        return levels[0]
    if len(levels) > 1:
        return "unknown"
    return level_from_years(years_required(text))
