"""Load ``skills_taxonomy.yaml`` into skill definitions; refuse a broken file with file, line and entry.

The taxonomy is the user's interface, so every problem is reported at once (``check_taxonomy``) with the
line of the offending entry, and ``load_taxonomy`` refuses a file with any problem before a run starts
instead of crashing halfway through it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "skills_taxonomy.schema.json"
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class TaxonomyError(ValueError):
    """A problem in the taxonomy file, worded for its author: ``file:line: entry 'id': what is wrong``."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a taxonomy file, located for its author."""

    file: str
    line: int
    entry: str | None
    message: str

    def __str__(self) -> str:
        where = f"entry '{self.entry}': " if self.entry else ""
        return f"{self.file}:{self.line}: {where}{self.message}"


@dataclass(frozen=True)
class Rule:
    """A document-level exclusion: ``forms`` of the skill do not count when ``document`` matches the text."""

    forms: tuple[str, ...]
    document: str


@dataclass(frozen=True)
class Skill:
    id: str
    name: str
    category: str
    aliases: tuple[str, ...] = ()
    case_sensitive: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    context_before: tuple[str, ...] = ()
    context_after: tuple[str, ...] = ()
    context_list: bool = True
    exclude: tuple[str, ...] = ()
    exclude_in_document: tuple[Rule, ...] = ()
    also: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
    parents: tuple[str, ...] = ()
    # every accepted mention of this skill is also a mention of these (a tool names its field: Tableau ->
    # data_visualization); unlike ``parents`` these count as literal mentions, because the guidelines say so
    implies: tuple[str, ...] = ()
    translations: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
    crosswalk: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    patterns: tuple[str, ...] = ()
    examples_match: tuple[str, ...] = ()
    examples_no_match: tuple[str, ...] = ()
    line: int = 0
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def forms_insensitive(self) -> tuple[str, ...]:
        """Every case-insensitive form: aliases plus all translations (CJK has no case)."""
        return self.aliases + tuple(a for forms in self.translations.values() for a in forms)


@dataclass(frozen=True)
class Group:
    """A roll-up (e.g. deep-learning frameworks): never mentioned literally, reached through ``parents``."""

    id: str
    name: str
    parents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    path: Path
    skills: tuple[Skill, ...]
    version: str
    groups: tuple[Group, ...] = ()
    # regexes that drop any mention they cover, whatever the skill: a tool's name standing for the company
    # ("backed by the founders of Looker", "ex-Snowflake"), which no skill's own list should have to repeat
    exclude: tuple[str, ...] = ()

    def ids(self) -> list[str]:
        return [s.id for s in self.skills]

    @cached_property
    def by_id(self) -> dict[str, Skill]:
        return {s.id: s for s in self.skills}

    def categories(self) -> dict[str, str]:
        """Skill id -> category, for grouping report rows."""
        return {s.id: s.category for s in self.skills}

    def ancestors(self, skill_id: str) -> tuple[str, ...]:
        """Every roll-up (skill or group) above ``skill_id``, nearest first; never the id itself."""
        parents = {s.id: s.parents for s in self.skills} | {g.id: g.parents for g in self.groups}
        out: list[str] = []
        todo = list(parents.get(skill_id, ()))
        while todo:
            p = todo.pop(0)
            if p not in out and p != skill_id:
                out.append(p)
                todo.extend(parents.get(p, ()))
        return tuple(out)

    def rollup(self, skill_ids: set[str] | list[str]) -> set[str]:
        """The roll-up ids a posting reaches through its literal skills (kept apart from the skills)."""
        return {a for s in skill_ids for a in self.ancestors(s)}


# --------------------------------------------------------------------------- reading with line numbers


def _lines(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    """Map each value's path (keys and list indexes) to its 1-based line in the file."""
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value if isinstance(key, yaml.ScalarNode) else str(key)
            out[(*path, ("key", k))] = key.start_mark.line + 1
            _lines(value, (*path, k), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _lines(item, (*path, i), out)
    return out


def _read(path: Path, raw: bytes) -> tuple[Any, dict[tuple, int], list[Problem]]:
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(raw)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        return None, {}, [Problem(str(path), line, None, f"not valid YAML: {problem}")]
    return data, (_lines(node) if node is not None else {}), []


# --------------------------------------------------------------------------- checks


def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _line_for(lines: dict[tuple, int], path: tuple) -> int:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


def _entry_name(data: Any, path: tuple) -> str | None:
    if len(path) >= 2 and path[0] in ("skills", "groups") and isinstance(path[1], int):
        try:
            item = data[path[0]][path[1]]
        except (KeyError, IndexError, TypeError):
            return f"#{path[1] + 1}"
        return str(item.get("id", f"#{path[1] + 1}")) if isinstance(item, dict) else f"#{path[1] + 1}"
    return None


def _schema_problems(path: Path, data: Any, lines: dict[tuple, int]) -> list[Problem]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    problems = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        p = tuple(err.absolute_path)
        msg = err.message
        if err.validator == "additionalProperties":
            extra = re.findall(r"'([^']+)' was unexpected", msg)
            for key in extra or [None]:
                kp = (*p, ("key", key)) if key else p
                allowed = sorted(err.schema.get("properties", {}))
                problems.append(
                    Problem(
                        str(path),
                        _line_for(lines, kp),
                        _entry_name(data, p),
                        f"unknown key '{key}' (allowed: {', '.join(allowed)})",
                    )
                )
            continue
        field_name = ".".join(str(x) for x in p[2:]) if len(p) > 2 else ""
        where = f"'{field_name}': " if field_name else ""
        problems.append(Problem(str(path), _line_for(lines, p), _entry_name(data, p), f"{where}{msg}"))
    return problems


def _compile(pattern: str) -> tuple[re.Pattern | None, str | None]:
    try:
        return re.compile(pattern), None
    except re.error as exc:
        return None, f"broken regex {pattern!r}: {exc}"


def _semantic_problems(path: Path, data: dict, lines: dict[tuple, int]) -> list[Problem]:
    """What a schema cannot say: duplicates, clashing aliases, dead rules, broken regexes."""
    f = str(path)
    problems: list[Problem] = []
    groups = [g for g in data.get("groups") or [] if isinstance(g, dict)]
    seen: dict[str, int] = {}
    for kind, items in (("skills", data.get("skills") or []), ("groups", data.get("groups") or [])):
        for i, entry in enumerate(items):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                continue
            sid = entry["id"]
            line = _line_for(lines, (kind, i, "id"))
            if sid in seen:
                problems.append(Problem(f, line, sid, f"duplicate id (first defined at line {seen[sid]})"))
            else:
                seen[sid] = line
    known = set(seen)
    group_ids = {g["id"] for g in groups if isinstance(g.get("id"), str)}
    claimed: dict[str, tuple[str, int]] = {}
    for i, entry in enumerate(data.get("skills") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        sid = entry["id"]

        def at(*sub: Any, _i: int = i) -> int:
            return _line_for(lines, ("skills", _i, *sub))

        aliases = [a for a in entry.get("aliases") or [] if isinstance(a, str)]
        exact = [a for a in entry.get("case_sensitive") or [] if isinstance(a, str)]
        trans = entry.get("translations") or {}
        trans_forms = [
            (lang, j, a)
            for lang, forms in (trans.items() if isinstance(trans, dict) else [])
            for j, a in enumerate(forms or [])
            if isinstance(a, str)
        ]
        forms = set(aliases) | set(exact) | {a for _, _, a in trans_forms}
        lowered = {a.lower() for a in aliases} | {a.lower() for _, _, a in trans_forms}
        located = (
            [(a, at("aliases", j), a.lower()) for j, a in enumerate(aliases)]
            + [(a, at("case_sensitive", j), a.lower()) for j, a in enumerate(exact)]
            + [(a, at("translations", lang, j), a.lower()) for lang, j, a in trans_forms]
        )
        local: set[str] = set()
        ambiguous = {a for a in entry.get("ambiguous") or [] if isinstance(a, str)}

        def ambiguity_differs(form: str, _amb: set[str] = ambiguous, _al: list[str] = aliases) -> bool:
            twins = [a for a in _al if a.lower() == form.lower()]
            return any((t in _amb) != (form in _amb) for t in twins)

        for form, line, key in located:
            if not form.strip() or form != form.strip():
                problems.append(
                    Problem(f, line, sid, f"form {form!r} is empty or has edge spaces: never matches")
                )
                continue
            if not re.search(r"\w", form):
                problems.append(Problem(f, line, sid, f"form {form!r} has no letter or digit: never matches"))
            if key in claimed and claimed[key][0] != sid:
                other, oline = claimed[key]
                problems.append(
                    Problem(f, line, sid, f"alias {form!r} is also claimed by '{other}' (line {oline})")
                )
            elif key in local and form in exact and key in lowered and not ambiguity_differs(form):
                problems.append(
                    Problem(
                        f, line, sid, f"case-sensitive form {form!r} is already an alias: it adds nothing"
                    )
                )
            local.add(key)
            claimed.setdefault(key, (sid, line))
        for j, form in enumerate(entry.get("ambiguous") or []):
            if form not in forms:
                problems.append(
                    Problem(
                        f,
                        at("ambiguous", j),
                        sid,
                        f"ambiguous form {form!r} is not one of this skill's forms",
                    )
                )
        also = entry.get("also") or {}
        if isinstance(also, dict):
            for form, ids in also.items():
                if form not in forms:
                    problems.append(
                        Problem(
                            f, at("also", form), sid, f"'also' form {form!r} is not one of this skill's forms"
                        )
                    )
                for other in ids or []:
                    if other not in known:
                        problems.append(
                            Problem(f, at("also", form), sid, f"'also' names unknown id '{other}'")
                        )
        for j, other in enumerate(entry.get("implies") or []):
            if other not in known or other in group_ids:
                problems.append(
                    Problem(f, at("implies", j), sid, f"'implies' names '{other}', which is not a skill id")
                )
            elif other == sid:
                problems.append(Problem(f, at("implies", j), sid, "a skill cannot imply itself"))
        for j, parent in enumerate(entry.get("parents") or []):
            if parent not in known:
                problems.append(
                    Problem(f, at("parents", j), sid, f"parent '{parent}' is not a skill or group id")
                )
            elif parent == sid:
                problems.append(Problem(f, at("parents", j), sid, "a skill cannot be its own parent"))
        regexes: list[tuple[str, int]] = [
            (p, at("patterns", j)) for j, p in enumerate(entry.get("patterns") or [])
        ]
        ctx = entry.get("context") or {}
        if isinstance(ctx, dict):
            for side in ("before", "after"):
                regexes += [(p, at("context", side, j)) for j, p in enumerate(ctx.get(side) or [])]
        for j, rule in enumerate(entry.get("exclude") or []):
            if isinstance(rule, str):
                regexes.append((rule, at("exclude", j)))
                literal = not re.search(r"[\\()\[\]|.*+?{}^$]", rule)
                if (
                    literal
                    and forms
                    and not any(x in rule or (x in aliases and x.lower() in rule.lower()) for x in forms)
                ):
                    problems.append(
                        Problem(
                            f,
                            at("exclude", j),
                            sid,
                            f"exclusion {rule!r} contains none of this skill's forms: it can never match",
                        )
                    )
            elif isinstance(rule, dict):
                if isinstance(rule.get("document"), str):
                    regexes.append((rule["document"], at("exclude", j, "document")))
                for k, form in enumerate(rule.get("forms") or []):
                    if form not in forms:
                        problems.append(
                            Problem(
                                f, at("exclude", j, "forms", k), sid, f"excluded form {form!r} is not a form"
                            )
                        )
        for pattern, line in regexes:
            if not isinstance(pattern, str):
                continue
            pat, err = _compile(pattern)
            if err:
                problems.append(Problem(f, line, sid, err))
            elif pat.fullmatch(""):
                problems.append(
                    Problem(f, line, sid, f"regex {pattern!r} matches the empty string: it can never decide")
                )
        if not forms and not entry.get("patterns") and not any(g.get("id") == sid for g in groups):
            problems.append(
                Problem(f, at(), sid, "no aliases, case_sensitive forms or translations: never matches")
            )
    for j, pattern in enumerate(data.get("exclude") or []):
        _pat, err = _compile(pattern) if isinstance(pattern, str) else (None, "not a string")
        if err:
            problems.append(Problem(f, _line_for(lines, ("exclude", j)), None, f"exclude #{j + 1}: {err}"))
    for i, group in enumerate(groups):
        for j, parent in enumerate(group.get("parents") or []):
            if parent not in known:
                problems.append(
                    Problem(
                        f,
                        _line_for(lines, ("groups", i, "parents", j)),
                        group.get("id"),
                        f"unknown parent '{parent}'",
                    )
                )
    return problems


def _check(path: Path) -> tuple[list[Problem], Any, dict[tuple, int], bytes]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return [Problem(str(path), 0, None, f"cannot read: {exc.strerror or exc}")], None, {}, b""
    data, lines, problems = _read(path, raw)
    if problems:
        return problems, data, lines, raw
    problems = _schema_problems(path, data, lines)
    if isinstance(data, dict):
        problems += _semantic_problems(path, data, lines)
    return sorted(set(problems), key=lambda p: (p.line, p.message)), data, lines, raw


def check_taxonomy(path: Path | str) -> list[Problem]:
    """Every problem in the file (empty when it is fine), in line order."""
    return _check(Path(path))[0]


def _skill(entry: dict, line: int) -> Skill:
    ctx = entry.get("context") or {}
    rules = tuple(
        Rule(tuple(r.get("forms") or ()), r["document"])
        for r in entry.get("exclude") or []
        if isinstance(r, dict)
    )
    ex = entry.get("examples") or {}
    cross = {k: str(v) for k, v in (entry.get("crosswalk") or {}).items()}
    return Skill(
        id=entry["id"],
        name=str(entry.get("name", entry["id"])),
        category=str(entry.get("category", "other")),
        aliases=tuple(entry.get("aliases") or ()),
        case_sensitive=tuple(entry.get("case_sensitive") or ()),
        ambiguous=tuple(entry.get("ambiguous") or ()),
        context_before=tuple(ctx.get("before") or ()),
        context_after=tuple(ctx.get("after") or ()),
        context_list=bool(ctx.get("list", True)),
        patterns=tuple(entry.get("patterns") or ()),
        exclude=tuple(r for r in entry.get("exclude") or () if isinstance(r, str)),
        exclude_in_document=rules,
        also={k: tuple(v) for k, v in (entry.get("also") or {}).items()},
        parents=tuple(entry.get("parents") or ()),
        implies=tuple(entry.get("implies") or ()),
        translations={k: tuple(v) for k, v in (entry.get("translations") or {}).items()},
        crosswalk=cross,
        examples_match=tuple(ex.get("match") or ()),
        examples_no_match=tuple(ex.get("no_match") or ()),
        line=line,
    )


def load_taxonomy(path: Path | str) -> Taxonomy:
    """The taxonomy in ``path``; raises ``TaxonomyError`` listing every problem if there is any."""
    path = Path(path)
    problems, data, lines, raw = _check(path)
    if problems:
        shown = "\n".join(f"  {p}" for p in problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise TaxonomyError(f"{path}: {len(problems)} problem(s):\n{shown}{more}", problems)
    skills = tuple(_skill(e, _line_for(lines, ("skills", i))) for i, e in enumerate(data["skills"]))
    groups = tuple(
        Group(g["id"], str(g.get("name", g["id"])), tuple(g.get("parents") or ()))
        for g in data.get("groups") or []
    )
    return Taxonomy(
        path=path,
        skills=skills,
        version=hashlib.sha256(raw).hexdigest()[:12],
        groups=groups,
        exclude=tuple(data.get("exclude") or ()),
    )
