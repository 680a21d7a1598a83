"""Role families from a posting's title, or from an HN comment's header line and role lines.

The rules live in ``roles.yaml`` (top level) so users can edit them like the skills taxonomy; each rule
carries match/no-match examples that run as tests. One posting may name several roles (HN comments
often list three), so every function here returns a list of families.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from skillpulse.config_files import (
    ConfigFileValueError,
    Document,
    Problem,
    UserRegex,
    as_dict,
    load_schema,
    read_yaml,
    refuse,
    regex_problems,
    schema_problems,
)
from skillpulse.extractors.regex_literals import _has_any, fold_for_literals, required_literals

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
ROLES_PATH = Path(__file__).resolve().parent.parent / "roles.yaml"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "roles.schema.json"
HINT = "Fix the rules named above in the roles file, then re-run."
_MACRO = re.compile(r"\{(\w+)\}")


class RolesError(ConfigFileValueError):
    """roles.yaml cannot be used; one ``file:line: rule N (family): what to write`` per problem."""


@dataclass(frozen=True)
class RoleRule:
    family: str
    patterns: tuple[re.Pattern[str], ...]
    match: tuple[str, ...]
    no_match: tuple[str, ...]
    fallback: bool = False
    # families a match also names ("AI/ML Engineer" is an AI engineer and an ML engineer)
    also: tuple[str, ...] = ()


_FIND_MEMO_SIZE = 100_000  # texts whose families RoleRules.find remembers (cleared when full)


@dataclass(frozen=True)
class RoleRules:
    rules: tuple[RoleRule, ...]
    digest: str

    @cached_property
    def _gates(
        self,
    ) -> tuple[tuple[RoleRule, tuple[tuple[re.Pattern[str], tuple[str, ...] | None], ...]], ...]:
        """Each rule with, per pattern, the literals one of which its every match contains (looked up in
        the text's :func:`fold_for_literals` form: rule patterns ignore case)."""
        return tuple(
            (rule, tuple((p, required_literals(p, folded=True)) for p in rule.patterns))
            for rule in self.rules
        )

    @cached_property
    def _memo(self) -> dict[str, tuple[str, ...]]:
        return {}

    def find(self, text: str) -> list[str]:
        """Families named in ``text`` (a title or header segment); empty when none.

        Pure in ``text`` for these (immutable) rules, so answers are remembered: an HN comment's header
        segments are looked up again for seniority, and titles and segments recur across postings.
        """
        if not text:
            return []
        known = self._memo.get(text)
        if known is None:
            known = tuple(self._find(text))
            if len(self._memo) >= _FIND_MEMO_SIZE:
                self._memo.clear()
            self._memo[text] = known
        return list(known)

    def _find(self, text: str) -> list[str]:
        """:meth:`find` without the memo; a pattern whose required literals are all absent from the text
        cannot match it and is not run."""
        folded = fold_for_literals(text)
        taken: list[tuple[int, int]] = []
        found: list[str] = []
        for rule, gated in self._gates:
            if rule.fallback:
                continue
            for pattern, literals in gated:
                if not _has_any(folded, literals):
                    continue
                for m in pattern.finditer(text):
                    span = (m.start(), m.end())
                    if span[0] == span[1] or any(span[0] < e and s < span[1] for s, e in taken):
                        continue
                    taken.append(span)
                    for family in (rule.family, *rule.also):
                        if family not in found:
                            found.append(family)
        if not found:
            for rule, gated in self._gates:
                if rule.fallback and any(
                    _has_any(folded, literals) and p.search(text) for p, literals in gated
                ):
                    found.append(rule.family)
                    break
        return found


def _expand(pattern: str, macros: dict[str, str]) -> str:
    return _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), pattern)


def _schema() -> dict:
    """The shipped schema, its family list taken from :data:`ROLE_FAMILIES` so the two cannot drift."""
    schema = load_schema(SCHEMA_PATH)
    schema["$defs"]["family"] = {"enum": list(ROLE_FAMILIES)}
    return schema


def _rule_entry(data: Any) -> Any:
    """Names the rule a path falls in: ``rule 3 (ml_engineer)``."""

    def entry(path: tuple) -> tuple[str, str, int] | None:
        if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
            rules = as_dict(data).get("rules")
            item = rules[path[1]] if isinstance(rules, list) and path[1] < len(rules) else None
            family = item.get("family") if isinstance(item, dict) else None
            return "rule", f"{path[1] + 1}" + (f" ({family})" if isinstance(family, str) else ""), 2
        return None

    return entry


def _pattern_problems(doc: Document, macros: dict[str, str]) -> list[Problem]:
    """Each pattern, macros expanded: a name that is no macro, a regex that does not compile or that can
    backtrack catastrophically (:func:`skillpulse.config_files.regex_problem`)."""
    entry = _rule_entry(doc.data)
    problems: list[Problem] = []
    trials: list[tuple[Problem, str, str]] = []
    for n, rule in enumerate(doc.data["rules"]):
        for j, pattern in enumerate(rule["patterns"]):
            path = ("rules", n, "patterns", j)
            label, name, _depth = entry(path)
            at = Problem(str(doc.path), doc.line(path), name, "", label)
            unknown = [m for m in _MACRO.findall(pattern) if m not in macros and not m.isdigit()]
            expanded = _expand(pattern, macros)
            if unknown:
                why = f"names {{{unknown[0]}}}, which is not a macro: define it under 'macros:'"
            else:
                try:
                    re.compile(expanded, re.IGNORECASE)
                    trials.append((at, pattern, expanded))
                    continue
                except re.error as exc:
                    why = f"does not compile ({exc}): fix the regex"
            problems.append(replace(at, message=f"bad pattern {pattern!r}: {why}"))
    found = regex_problems([UserRegex(expanded, re.IGNORECASE) for _, _, expanded in trials])
    for (at, pattern, expanded), why in zip(trials, found, strict=True):
        if why:
            shown = f"pattern {pattern!r}" + (f" (as {expanded!r})" if expanded != pattern else "")
            problems.append(replace(at, message=f"{shown} {why}"))
    return problems


def load_roles(path: Path = ROLES_PATH) -> RoleRules:
    """Read and compile roles.yaml through the safe loader; every problem (a broken or unknown key, an
    unknown family, a bad or catastrophic regex) raises :class:`RolesError` with its file and line."""
    doc, problems = read_yaml(Path(path), empty="list rules under 'rules:' (see the shipped roles.yaml)")
    if doc is None:
        refuse(problems, HINT, RolesError)
    problems = schema_problems(doc, _schema(), _rule_entry(doc.data))
    if problems:
        refuse(problems, HINT, RolesError)
    macros = dict(doc.data.get("macros") or {})
    problems = _pattern_problems(doc, macros)
    if problems:
        refuse(problems, HINT, RolesError)
    rules = []
    for entry in doc.data["rules"]:
        rules.append(
            RoleRule(
                family=entry["family"],
                patterns=tuple(re.compile(_expand(p, macros), re.IGNORECASE) for p in entry["patterns"]),
                match=tuple(entry.get("match") or ()),
                no_match=tuple(entry.get("no_match") or ()),
                fallback=bool(entry.get("fallback", False)),
                also=tuple(entry.get("also") or ()),
            )
        )
    return RoleRules(tuple(rules), hashlib.sha256(doc.raw).hexdigest()[:12])


@lru_cache(maxsize=4)
def default_rules(path: Path = ROLES_PATH) -> RoleRules:
    return load_roles(path)


def _ordered(families: list[str]) -> list[str]:
    return [f for f in ROLE_FAMILIES if f in families]


def classify_title(title: str | None, rules: RoleRules | None = None) -> list[str]:
    """Role families named in ``title`` (one title may name several, e.g. "Data Scientist / ML Engineer")."""
    found = (rules or default_rules()).find(title or "")
    return _ordered(found) or ["other"]


# -- HN comments ------------------------------------------------------------------------------------
_SEGMENT_SPLIT = re.compile(r"\s*\|\s*|\s+[-–—]\s+|\s*•\s*|\s*;\s*")
_BULLET = re.compile(r"^\s*(?:[-*•·+>]|\d{1,2}[.)]|\(\w\))\s*")
_PROSE = re.compile(
    r"\b(?:you|your|we|we're|our|us|will|would|is|are|was|were|have|has|with|who|that|this|help|"
    r"experience|work(?:ing)?|build(?:ing)?|looking|join|team|years?|apply|email|e-mail|contact|send|visit)\b",
    re.IGNORECASE,
)
_HIRING = re.compile(
    r"(?:hiring|looking for|looking to (?:add|hire)|seeking|searching for|open (?:positions?|roles?)|"
    r"positions?:|roles?:|openings?:|we need|\bas an? |join (?:us|our team) as)[^.\n]{0,120}",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://\S+|www\.\S+")


_COUNTER_LINE = re.compile(r"[\d/ ().#-]{0,8}")  # "1/2" above a comment split in two parts


def hn_header(text: str) -> str:
    """The header of an HN comment: by convention "Company | Role | Location | ..." on the first line.

    A leading "1/2" line is skipped, and a next line that continues the header ("| ONSITE | Raleigh, NC")
    is joined to it.
    """
    lines = [line.strip() for line in (text or "").strip().split("\n") if line.strip()]
    i = 0
    while i < len(lines) - 1 and _COUNTER_LINE.fullmatch(lines[i]):
        i += 1
    header = lines[i] if lines else ""
    if i + 1 < len(lines) and lines[i + 1].startswith("|"):
        header = f"{header} {lines[i + 1]}"
    return header[:300]


def header_segments(header: str) -> list[str]:
    """The parts of an HN header line, split on | (or " - " in older threads)."""
    header = _URL.sub(" ", header)
    return [s.strip() for s in _SEGMENT_SPLIT.split(header) if s and s.strip()]


def _role_lines(text: str, max_lines: int = 60) -> list[str]:
    """Short title-like lines after the header ("* Senior Data Engineer"), not prose about the job."""
    out = []
    for line in text.split("\n")[1:max_lines]:
        line = _URL.sub(" ", line).strip()
        if not line or len(line) > 80:
            continue
        body = _BULLET.sub("", line).strip(" :*-")
        if not body or len(body.split()) > 9 or _PROSE.search(body):
            continue
        out.append(body)
    return out


_PIECES = re.compile(r"\s*(?:,|/|&|\+|\band\b|\bor\b)\s*", re.IGNORECASE)
_JOB_NOUN = re.compile(
    r"\b(?:manager|designer|engineer|executive|recruiter|writer|chief|head|director|specialist|"
    r"representative|marketer|counsel|accountant|coordinator|associate|partner|lead)s?\b",
    re.IGNORECASE,
)
# non-software roles named in a sentence ("hiring engineers and designers")
_OTHER_NOUN = re.compile(
    r"\b(?:designers?|managers?|marketers?|recruiters?|writers?|editors?|sales\w*|account executives?|"
    r"accountants?|animators?|artists?|lawyers?|counsel|qa|testers?|support)\b",
    re.IGNORECASE,
)
_TEAM = re.compile(r"\b(?:team|roles|engineers?)\b", re.IGNORECASE)
_SLOT = re.compile(
    r"(?:^|[(,/&]|\band\b)\s*(AI|ML|LLM|Machine Learning)\s*(?=$|[),/&]|\band\b)", re.IGNORECASE
)
_SPECIALTY = {
    "ai": "ai_engineer",
    "llm": "ai_engineer",
    "ml": "ml_engineer",
    "machine learning": "ml_engineer",
}
_ENGINEERS = re.compile(
    r"\b(?:engineers?|engineering|developers?|programmers?|programming|hackers?|devs|coders?)\b",
    re.IGNORECASE,
)


def _names_other(text: str, rules: RoleRules) -> bool:
    """Whether a list of roles ("SWE, SRE, TPM, PM") has an item that is only a non-software role.

    The whole list names software roles, so the fallback ``other`` rule never fires on it; a multi-role
    comment must still keep its product managers and designers (GUIDELINES_ROLES rule 2).
    """
    return any(rules.find(piece) == ["other"] for piece in _PIECES.split(text) if piece and piece.strip())


def hn_roles(text: str, rules: RoleRules | None = None) -> list[str]:
    """Roles an HN comment names: header segments first, then role lines, then "hiring ..." phrases.

    Every role a comment names counts, "other" (non-software) roles included; a comment that names no role
    but asks for engineers or developers is software engineering (GUIDELINES_ROLES rule 4).
    """
    rules = rules or default_rules()
    text = text or ""
    found: list[str] = []
    for segment in header_segments(hn_header(text)):
        for piece in re.split(r"hiring:?|positions?:|roles?:", segment, flags=re.IGNORECASE):
            named = rules.find(piece)
            found.extend(named)
            if _names_other(piece, rules):
                found.append("other")
            if named or _TEAM.search(piece):  # "Engineer (Full-Stack / AI)": a bare AI or ML slot is a role
                found.extend(_SPECIALTY[m.group(1).lower()] for m in _SLOT.finditer(piece))
    for line in _role_lines(text):
        # a heading ("Support", "Operations") is not a role; a title-like line with a job noun is
        found.extend(f for f in rules.find(line) if f != "other" or _JOB_NOUN.search(line))
    for m in _HIRING.finditer(text[:3000]):
        phrase = m.group(0)
        found.extend(f for f in rules.find(phrase) if f != "other")
        pieces = [p for p in _PIECES.split(phrase) if p.strip()]
        if found and any(_OTHER_NOUN.search(p) and "other" in rules.find(p) for p in pieces):
            found.append("other")
    if not found and _ENGINEERS.search(text[:3000]):
        found.append("software_engineer")
    return _ordered(list(dict.fromkeys(found))) or ["other"]


def classify_posting(title: str | None, text: str | None) -> list[str]:
    """Roles from the title when there is one, else from an HN comment's header and role lines."""
    if title:
        return classify_title(title)
    return hn_roles(text or "")
