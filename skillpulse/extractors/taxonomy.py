"""Load ``skills_taxonomy.yaml`` into skill definitions; refuse a broken file with file, line and entry.

The taxonomy is the user's interface, so every problem is reported at once (``check_taxonomy``) with the
line of the offending entry, and ``load_taxonomy`` refuses a file with any problem before a run starts
instead of crashing halfway through it. The file is read by :mod:`skillpulse.config_files` (bounded size,
no Python tags, no YAML bombs, JSON Schema mapped to lines); the checks here run on whatever shape the file
has, so a value of the wrong type (``parents: 5``) is one more problem, never a ``TypeError``. Every regex
is compiled and tried against backtracking over the longest text it is applied to.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from skillpulse.config_files import (
    FULL_TEXT,
    ConfigFileValueError,
    Document,
    Problem,
    UserRegex,
    as_dict,
    as_list,
    load_schema,
    read_yaml,
    regex_problems,
    schema_problems,
)

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "skills_taxonomy.schema.json"
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
HINT = "Fix the entries named above (`skillpulse taxonomy check FILE` lists every problem), then re-run."
# How much text a rule sees (skill_matcher.WINDOW): a context rule 80 characters beside a mention, an
# exclusion the mention with 80 on each side; patterns and document rules see the whole posting.
_CONTEXT_TEXT = 80
_EXCLUDE_TEXT = 2 * 80 + 40

__all__ = ["Problem", "TaxonomyError", "check_taxonomy", "load_taxonomy"]


class TaxonomyError(ConfigFileValueError):
    """A taxonomy that cannot be used: one ``file:line: entry 'id': what is wrong`` per problem.

    ``problems`` are the lines (what the CLI prints), ``located`` the :class:`Problem` objects; ``str()``
    lists the first 20 under a header naming the file, as before.
    """

    def __init__(self, problems: list[Problem], hint: str = HINT) -> None:
        ordered = sorted(set(problems), key=lambda p: (p.line, p.message))
        super().__init__([str(p) for p in ordered], hint, ordered)

    def __str__(self) -> str:
        path = self.located[0].file if self.located else "taxonomy"
        shown = "\n".join(f"  {p}" for p in self.problems[:20])
        more = f"\n  … and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        return f"{path}: {len(self.problems)} problem(s):\n{shown}{more}"


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


# --------------------------------------------------------------------------- checks


def _line_for(lines: dict[tuple, int], path: tuple) -> int:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


def _entry_of(data: Any) -> Any:
    """The skill or group a schema error's path falls in, as ``("entry", id, 2)``."""

    def entry(path: tuple) -> tuple[str, str, int] | None:
        if len(path) >= 2 and path[0] in ("skills", "groups") and isinstance(path[1], int):
            item = as_list(as_dict(data).get(path[0]))[path[1] : path[1] + 1]
            sid = item[0].get("id") if item and isinstance(item[0], dict) else None
            return "entry", str(sid) if isinstance(sid, str) else f"#{path[1] + 1}", 2
        return None

    return entry


def _schema_problems(doc: Document) -> list[Problem]:
    return schema_problems(doc, load_schema(SCHEMA_PATH), _entry_of(doc.data))


def _compile(pattern: str) -> tuple[re.Pattern | None, str | None]:
    try:
        return re.compile(pattern), None
    except re.error as exc:
        return None, f"broken regex {pattern!r}: {exc}"


def _semantic_problems(path: Path, data: dict, lines: dict[tuple, int]) -> list[Problem]:
    """What a schema cannot say: duplicates, clashing aliases, dead rules, broken regexes."""
    f = str(path)
    groups = [g for g in as_list(data.get("groups")) if isinstance(g, dict)]
    problems = _duplicate_id_problems(f, data, lines)
    known = {sid for sid, _line in _defined_ids(data, lines)}
    group_ids = {g["id"] for g in groups if isinstance(g.get("id"), str)}
    claimed: dict[str, tuple[str, int]] = {}
    regexes: list[tuple[Problem, UserRegex]] = []
    for i, entry in enumerate(as_list(data.get("skills"))):
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            e = _skill_entry(f, lines, i, entry)
            problems += _skill_problems(e, claimed, known, group_ids)
            regexes += [(e.problem(line, ""), UserRegex(p, 0, size)) for p, line, size in _entry_regexes(e)]
    problems += _top_level_exclude_problems(f, data, lines)
    regexes += [
        (Problem(f, _line_for(lines, ("exclude", j)), None, f"exclude #{j + 1}: "), UserRegex(p))
        for j, p in enumerate(as_list(data.get("exclude")))
        if isinstance(p, str) and _compile(p)[1] is None
    ]
    problems += _backtracking_problems(regexes)
    problems += _group_parent_problems(f, groups, lines, known)
    return problems


def _backtracking_problems(regexes: list[tuple[Problem, UserRegex]]) -> list[Problem]:
    """Regexes that compile but can backtrack catastrophically, tried side by side (see config_files)."""
    usable = [(at, r) for at, r in regexes if isinstance(r.pattern, str) and _compile(r.pattern)[1] is None]
    found = regex_problems([r for _, r in usable])
    return [
        Problem(at.file, at.line, at.entry, f"{at.message}regex {r.pattern!r} {why}")
        for (at, r), why in zip(usable, found, strict=True)
        if why
    ]


def _defined_ids(data: dict, lines: dict[tuple, int]) -> Iterator[tuple[str, int]]:
    """Each skill's, then each group's id with its line, in file order: the ids other entries may name."""
    for kind, items in (("skills", as_list(data.get("skills"))), ("groups", as_list(data.get("groups")))):
        for i, entry in enumerate(items):
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                yield entry["id"], _line_for(lines, (kind, i, "id"))


def _duplicate_id_problems(f: str, data: dict, lines: dict[tuple, int]) -> list[Problem]:
    """Skills and groups share one id space; a second definition of an id would shadow the first."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for sid, line in _defined_ids(data, lines):
        if sid in seen:
            problems.append(Problem(f, line, sid, f"duplicate id (first defined at line {seen[sid]})"))
        else:
            seen[sid] = line
    return problems


@dataclass(frozen=True)
class _SkillEntry:
    """One skill entry under check: its id, where its parts are in the file, and its string forms."""

    file: str
    index: int
    sid: str
    data: dict
    lines: dict[tuple, int]
    aliases: list[str]
    exact: list[str]
    trans_forms: list[tuple[str, int, str]]
    ambiguous: set[str]

    @cached_property
    def forms(self) -> set[str]:
        """Every literal form as written: aliases, case-sensitive forms and translations."""
        return set(self.aliases) | set(self.exact) | {a for _, _, a in self.trans_forms}

    @cached_property
    def lowered(self) -> set[str]:
        """The case-insensitive forms (aliases and translations), lowercased."""
        return {a.lower() for a in self.aliases} | {a.lower() for _, _, a in self.trans_forms}

    def at(self, *sub: Any) -> int:
        """The line of ``sub`` (a path inside this entry), or of its nearest located ancestor."""
        return _line_for(self.lines, ("skills", self.index, *sub))

    def problem(self, line: int, message: str) -> Problem:
        """A problem reported against this entry."""
        return Problem(self.file, line, self.sid, message)


def _skill_entry(f: str, lines: dict[tuple, int], i: int, entry: dict) -> _SkillEntry:
    """Skill ``i`` with its string forms gathered once (a non-string form is the schema's to report)."""
    aliases = [a for a in as_list(entry.get("aliases")) if isinstance(a, str)]
    exact = [a for a in as_list(entry.get("case_sensitive")) if isinstance(a, str)]
    trans_forms = [
        (lang, j, a)
        for lang, forms in as_dict(entry.get("translations")).items()
        for j, a in enumerate(as_list(forms))
        if isinstance(a, str)
    ]
    ambiguous = {a for a in as_list(entry.get("ambiguous")) if isinstance(a, str)}
    return _SkillEntry(f, i, entry["id"], entry, lines, aliases, exact, trans_forms, ambiguous)


def _skill_problems(
    e: _SkillEntry, claimed: dict[str, tuple[str, int]], known: set[str], group_ids: set[str]
) -> list[Problem]:
    """Every check on one skill, in report order (``claimed`` carries forms across skills)."""
    problems = _form_problems(e, claimed)
    problems += _ambiguous_problems(e)
    problems += _also_problems(e, known)
    problems += _implies_problems(e, known, group_ids)
    problems += _parent_problems(e, known)
    regexes = _entry_regexes(e)
    problems += _exclusion_problems(e)
    problems += _regex_problems(e, regexes)
    problems += _formless_problems(e, group_ids)
    return problems


def _form_problems(e: _SkillEntry, claimed: dict[str, tuple[str, int]]) -> list[Problem]:
    """Walk a skill's forms in file order: unmatchable ones, then clashes with other skills or itself."""
    problems: list[Problem] = []
    local: set[str] = set()
    located = (
        [(a, e.at("aliases", j), a.lower()) for j, a in enumerate(e.aliases)]
        + [(a, e.at("case_sensitive", j), a.lower()) for j, a in enumerate(e.exact)]
        + [(a, e.at("translations", lang, j), a.lower()) for lang, j, a in e.trans_forms]
    )
    for form, line, key in located:
        if _blank_or_padded(form):
            problems.append(e.problem(line, f"form {form!r} is empty or has edge spaces: never matches"))
            continue
        if not re.search(r"\w", form):
            problems.append(e.problem(line, f"form {form!r} has no letter or digit: never matches"))
        clash = _form_clash(e, form, key, claimed, local)
        if clash:
            problems.append(e.problem(line, clash))
        local.add(key)
        claimed.setdefault(key, (e.sid, line))
    return problems


def _blank_or_padded(form: str) -> bool:
    """Forms are matched as whole words, so an empty form or one with edge spaces can never match."""
    return not form.strip() or form != form.strip()


def _form_clash(
    e: _SkillEntry, form: str, key: str, claimed: dict[str, tuple[str, int]], local: set[str]
) -> str | None:
    """A form claimed by another skill counts for both; a case-sensitive twin of an alias is redundant."""
    if key in claimed and claimed[key][0] != e.sid:
        other, oline = claimed[key]
        return f"alias {form!r} is also claimed by '{other}' (line {oline})"
    if key in local and form in e.exact and key in e.lowered and not _ambiguity_differs(e, form):
        return f"case-sensitive form {form!r} is already an alias: it adds nothing"
    return None


def _ambiguity_differs(e: _SkillEntry, form: str) -> bool:
    """A case-sensitive twin is meaningful when it is ambiguous and its alias is not (or the reverse)."""
    twins = [a for a in e.aliases if a.lower() == form.lower()]
    return any((t in e.ambiguous) != (form in e.ambiguous) for t in twins)


def _ambiguous_problems(e: _SkillEntry) -> list[Problem]:
    """An ambiguous form that is not one of the skill's forms is a typo leaving the real form unguarded."""
    forms = e.forms
    return [
        e.problem(e.at("ambiguous", j), f"ambiguous form {form!r} is not one of this skill's forms")
        for j, form in enumerate(as_list(e.data.get("ambiguous")))
        if isinstance(form, str) and form not in forms
    ]


def _also_problems(e: _SkillEntry, known: set[str]) -> list[Problem]:
    """An 'also' rule must hang off a real form and name real ids, or it silently does nothing."""
    problems: list[Problem] = []
    forms = e.forms
    for form, ids in as_dict(e.data.get("also")).items():
        if form not in forms:  # at the form's own line, not its list's
            line = e.lines.get(("skills", e.index, "also", ("key", form))) or e.at("also", form)
            problems.append(e.problem(line, f"'also' form {form!r} is not one of this skill's forms"))
        for k, other in enumerate(as_list(ids)):
            if isinstance(other, str) and other not in known:  # at the id's line
                problems.append(e.problem(e.at("also", form, k), f"'also' names unknown id '{other}'"))
    return problems


def _implies_problems(e: _SkillEntry, known: set[str], group_ids: set[str]) -> list[Problem]:
    """'implies' adds literal mentions, so it must name another skill: not a group, unknown id or itself."""
    problems: list[Problem] = []
    for j, other in enumerate(as_list(e.data.get("implies"))):
        if not isinstance(other, str):
            continue  # the schema reports it
        if other not in known or other in group_ids:
            problems.append(
                e.problem(e.at("implies", j), f"'implies' names '{other}', which is not a skill id")
            )
        elif other == e.sid:
            problems.append(e.problem(e.at("implies", j), "a skill cannot imply itself"))
    return problems


def _parent_problems(e: _SkillEntry, known: set[str]) -> list[Problem]:
    """A roll-up must reach an existing skill or group, and never loop back to the skill itself."""
    problems: list[Problem] = []
    for j, parent in enumerate(as_list(e.data.get("parents"))):
        if not isinstance(parent, str):
            continue  # the schema reports it
        if parent not in known:
            problems.append(e.problem(e.at("parents", j), f"parent '{parent}' is not a skill or group id"))
        elif parent == e.sid:
            problems.append(e.problem(e.at("parents", j), "a skill cannot be its own parent"))
    return problems


def _entry_regexes(e: _SkillEntry) -> list[tuple[Any, int, int]]:
    """Every regex of a skill with its line and the longest text it is applied to: patterns, context
    before/after, exclusions, their documents (a non-string is the schema's to report)."""
    regexes: list[tuple[Any, int, int]] = [
        (p, e.at("patterns", j), FULL_TEXT) for j, p in enumerate(as_list(e.data.get("patterns")))
    ]
    ctx = as_dict(e.data.get("context"))
    for side in ("before", "after"):
        regexes += [
            (p, e.at("context", side, j), _CONTEXT_TEXT) for j, p in enumerate(as_list(ctx.get(side)))
        ]
    for j, rule in enumerate(as_list(e.data.get("exclude"))):
        if isinstance(rule, str):
            regexes.append((rule, e.at("exclude", j), _EXCLUDE_TEXT))
        elif isinstance(rule, dict) and isinstance(rule.get("document"), str):
            regexes.append((rule["document"], e.at("exclude", j, "document"), FULL_TEXT))
    return [r for r in regexes if isinstance(r[0], str)]


def _exclusion_problems(e: _SkillEntry) -> list[Problem]:
    """An exclusion can only drop a mention of one of the skill's own forms; anything else never fires."""
    problems: list[Problem] = []
    forms = e.forms
    for j, rule in enumerate(as_list(e.data.get("exclude"))):
        if isinstance(rule, str):
            if _dead_literal_exclusion(e, rule, forms):
                problems.append(
                    e.problem(
                        e.at("exclude", j),
                        f"exclusion {rule!r} contains none of this skill's forms: it can never match",
                    )
                )
        elif isinstance(rule, dict):
            for k, form in enumerate(as_list(rule.get("forms"))):
                if isinstance(form, str) and form not in forms:
                    problems.append(
                        e.problem(e.at("exclude", j, "forms", k), f"excluded form {form!r} is not a form")
                    )
    return problems


def _dead_literal_exclusion(e: _SkillEntry, rule: str, forms: set[str]) -> bool:
    """A plain-text exclusion holding none of the skill's forms can never overlap one of its mentions."""
    literal = not re.search(r"[\\()\[\]|.*+?{}^$]", rule)
    return bool(
        literal
        and forms
        and not any(x in rule or (x in e.aliases and x.lower() in rule.lower()) for x in forms)
    )


def _regex_problems(e: _SkillEntry, regexes: list[tuple[Any, int, int]]) -> list[Problem]:
    """A regex that does not compile crashes a run; one that matches the empty string decides nothing."""
    problems: list[Problem] = []
    for pattern, line, _size in regexes:
        if not isinstance(pattern, str):
            continue
        pat, err = _compile(pattern)
        if err:
            problems.append(e.problem(line, err))
        elif pat.fullmatch(""):
            problems.append(
                e.problem(line, f"regex {pattern!r} matches the empty string: it can never decide")
            )
    return problems


def _formless_problems(e: _SkillEntry, group_ids: set[str]) -> list[Problem]:
    """A skill with no forms and no patterns can never be mentioned (unless it doubles as a roll-up group)."""
    if not e.forms and not as_list(e.data.get("patterns")) and e.sid not in group_ids:
        return [e.problem(e.at(), "no aliases, case_sensitive forms or translations: never matches")]
    return []


def _top_level_exclude_problems(f: str, data: dict, lines: dict[tuple, int]) -> list[Problem]:
    """The file-wide exclusions run on every posting, so each must be a string that compiles."""
    problems: list[Problem] = []
    for j, pattern in enumerate(as_list(data.get("exclude"))):
        _pat, err = _compile(pattern) if isinstance(pattern, str) else (None, "not a string")
        if err:
            problems.append(Problem(f, _line_for(lines, ("exclude", j)), None, f"exclude #{j + 1}: {err}"))
    return problems


def _group_parent_problems(
    f: str, groups: list[dict], lines: dict[tuple, int], known: set[str]
) -> list[Problem]:
    """A group's roll-up must reach an existing skill or group."""
    problems: list[Problem] = []
    for i, group in enumerate(groups):
        for j, parent in enumerate(as_list(group.get("parents"))):
            if isinstance(parent, str) and parent not in known:
                line = _line_for(lines, ("groups", i, "parents", j))
                problems.append(Problem(f, line, group.get("id"), f"unknown parent '{parent}'"))
    return problems


def _check(path: Path) -> tuple[list[Problem], Any, dict[tuple, int], bytes]:
    doc, problems = read_yaml(
        path, empty="list the skills under 'skills:' (see the shipped skills_taxonomy.yaml)"
    )
    if doc is None:
        return problems, None, {}, b""
    problems = _schema_problems(doc)
    if isinstance(doc.data, dict):
        problems += _semantic_problems(path, doc.data, doc.lines)
    return sorted(set(problems), key=lambda p: (p.line, p.message)), doc.data, doc.lines, doc.raw


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


_LOADED: dict[tuple[str, int, int], Taxonomy] = {}


def load_taxonomy(path: Path | str) -> Taxonomy:
    """The taxonomy in ``path``; raises ``TaxonomyError`` listing every problem if there is any.

    A file already loaded and not changed since (same size and modification time) is not parsed and
    checked again: a run reads the taxonomy in several places, and checking costs about half a second.
    """
    path = Path(path)
    try:
        stat = path.stat()
        key: tuple[str, int, int] | None = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None  # reported by _check below, as any unreadable file
    if key in _LOADED:
        return _LOADED[key]
    taxonomy = _load(path)
    if key is not None:
        if len(_LOADED) > 8:
            _LOADED.clear()
        _LOADED[key] = taxonomy
    return taxonomy


def _load(path: Path) -> Taxonomy:
    problems, data, lines, raw = _check(path)
    if problems:
        raise TaxonomyError(problems)
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
