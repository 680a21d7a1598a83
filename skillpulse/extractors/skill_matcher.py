"""Find taxonomy skills in plain text at the character level, with the taxonomy's disambiguation rules.

Why characters and not tokens: tokenisers disagree on "C#" (two tokens), "R." at a sentence end (one
token), "C/C++" and Chinese (no spaces), while a mention is a span of characters in every language.
All forms of all skills compile into two trie-shaped regexes (case-insensitive and case-sensitive), so the
text is scanned twice whatever the size of the taxonomy. Every word start yields its longest form, so
overlapping mentions of different skills both survive ("Spark SQL", "C/C++"); a form may also name other
skills outright (PySpark -> python).

Ambiguous forms (R, Go, Spark, CV, ...) need evidence: a context pattern next to them, or a neighbouring
skill in a list ("Python, R and SQL"). Exclusions (the traps: "R&D", "Series C", "go to market") remove
any mention their match covers, and mentions inside URLs or e-mail addresses never count.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from skillpulse.extractors.regex_literals import _has_any, fold_for_literals, required_literals
from skillpulse.extractors.taxonomy import Skill, Taxonomy

WINDOW = 80
_WORD = "A-Za-z0-9_"
_SEP_CHARS = r"\s,/|&;+()\[\]、，；:·•*\-"
# a short aside in brackets may stand between list items: "Python (preferred) or R"
_ASIDE = r"(?:\([^()\n]{1,20}\))?"
_SEP = (
    rf"[{_SEP_CHARS}]*{_ASIDE}[{_SEP_CHARS}]*"
    rf"(?:(?:and|or|and/or|as well as|plus|和|或|及|与|以及|或者)[{_SEP_CHARS}]*)?"
)
LIST_GAP = re.compile(rf"^{_SEP}$", re.IGNORECASE)
# a gap may hold a few names the taxonomy does not know ("Hive/Impala and Spark"): one capitalised or
# digit-bearing word each, separated like a list
LIST_GAP_WITH_ITEMS = re.compile(
    rf"^(?=[{_SEP_CHARS}])(?:{_SEP}(?:[A-Z][\w.+#]*|[a-z]+\d[\w.]*)){{1,3}}{_SEP}$"
)
URL_OR_EMAIL = re.compile(r"://|^www\.|@|\.(?:com|io|org|net|ai|co|dev|app|gov|edu)(?:/|$)", re.IGNORECASE)
_SPACE = re.compile(r"[\s\-]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def normalise(form: str, fold: bool) -> str:
    """The lookup key of a form or a matched text: runs of spaces/hyphens become one space."""
    key = _SPACE.sub(" ", form.strip())
    return key.lower() if fold else key


@dataclass(slots=True)
class Candidate:
    skill: str
    start: int
    end: int
    form: str
    ambiguous: bool
    accepted: bool = True


@dataclass(frozen=True, slots=True)
class FormInfo:
    skill: Skill
    form: str
    ambiguous: bool


_GLOBAL_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")


def _scoped(pattern: str) -> str:
    """``(?i)rest`` -> ``(?i:rest)``, so patterns with their own flags can share one alternation."""
    m = _GLOBAL_FLAGS.match(pattern)
    return f"(?{m.group(1)}:{pattern[m.end() :]})" if m else pattern


def _starts_at_word(pattern: str) -> bool:
    """Whether a pattern (after its inline flags) must start at a word boundary."""
    m = _GLOBAL_FLAGS.match(pattern)
    return pattern[m.end() if m else 0 :].startswith(r"\b")


def _joined(specs: list[tuple[str, str]], fence: str) -> tuple[re.Pattern[str], list[tuple[str, int]]]:
    """One regex for many (skill, pattern) pairs, and the group number that says which one matched."""
    joined = fence + "(?:" + "|".join(f"({_scoped(p)})" for _, p in specs) + ")"
    groups, n = [], 1
    for skill, p in specs:
        groups.append((skill, n))
        n += re.compile(p).groups + 1
    return re.compile(joined), groups


def _trie_regex(keys: list[str]) -> str:
    """A regex matching exactly ``keys``, longest first at every branch, as a character trie."""
    trie: dict = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict) -> str:
        end = "" in node
        branches = []
        for ch in sorted((c for c in node if c), key=lambda c: (c == " ", c)):
            atom = r"[\s\-]+" if ch == " " else re.escape(ch)
            branches.append(atom + emit(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return ("(?:" + body + ")?") if len(branches) > 1 or len(body) > 1 else body + "?"
        return body

    return emit(trie)


def _literals(pattern: str) -> tuple[str, ...] | None:
    """Strings one of which every match of ``pattern`` contains, looked up in ``fold_for_literals`` of the
    text (None: none can be named, the pattern always runs)."""
    try:
        return required_literals(re.compile(pattern), folded=True)
    except (re.error, RecursionError, ValueError):
        return None


class _GatedJoin:
    """Patterns that run as one alternation, built per text from only those that can match it.

    A pattern none of whose required literals occurs in a text matches nowhere in it, and dropping an
    alternative that matches nowhere changes no match of an alternation (at each position the engine
    tries the alternatives in order and takes the first that matches). The taxonomy-wide exclusions and the
    free-form patterns were a third of the matcher's time; most of them cannot match most postings.
    """

    def __init__(self, specs: list[tuple[str, str]], build: Callable[[list[tuple[str, str]]], Any]) -> None:
        self.specs, self.build = specs, build
        self.literals = [_literals(p) for _, p in specs]
        self.built: dict[tuple[int, ...], Any] = {}

    def for_text(self, folded: str) -> Any | None:
        """The alternation of the patterns that may match the text whose folded form is ``folded``."""
        kept = tuple(i for i, literals in enumerate(self.literals) if _has_any(folded, literals))
        if not kept:
            return None
        if kept not in self.built:
            if len(self.built) > 256:
                self.built.clear()
            self.built[kept] = self.build([self.specs[i] for i in kept])
        return self.built[kept]


def _exclusion_alternation(kept: list[tuple[str, str]]) -> re.Pattern[str]:
    """Taxonomy-wide exclusions as one scan, fenced at word starts like the patterns."""
    return re.compile(r"\b(?=\w)(?:" + "|".join(f"(?:{_scoped(p)})" for _, p in kept) + ")")


class SkillMatcher:
    """Compiled taxonomy: ``find(text)`` returns accepted candidates, sorted by position."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.folded: dict[str, FormInfo] = {}
        self.exact: dict[str, FormInfo] = {}
        for skill in taxonomy.skills:
            ambiguous = set(skill.ambiguous)
            for form in skill.forms_insensitive:
                self.folded[normalise(form, True)] = FormInfo(skill, form, form in ambiguous)
            for form in skill.case_sensitive:
                self.exact[normalise(form, False)] = FormInfo(skill, form, form in ambiguous)
        self._scans = []
        for table, flags in ((self.exact, 0), (self.folded, re.IGNORECASE)):
            if table:
                trie = _trie_regex(sorted(table))
                pattern = rf"(?<![{_WORD}])(?=({trie})(s?)(?![{_WORD}]))"
                self._scans.append((re.compile(pattern, flags), table, bool(flags)))
        self._exclude = {
            s.id: [(re.compile(p), _literals(p)) for p in s.exclude] for s in taxonomy.skills if s.exclude
        }
        # taxonomy-wide exclusions run once over a text (not per mention) and are fenced like the patterns
        self._exclude_all = (
            _GatedJoin([("", p) for p in taxonomy.exclude], _exclusion_alternation)
            if taxonomy.exclude
            else None
        )
        # free-form patterns (phrasings no list of forms can hold) share one scan; group n -> skill. An
        # alternation is tried at every character; the ones that start at a word boundary are fenced by a
        # word-start check, so that most positions fail at once (3x faster on real postings).
        specs = [(s.id, p) for s in taxonomy.skills for p in s.patterns]
        at_word = [sp for sp in specs if _starts_at_word(sp[1])]
        anywhere = [sp for sp in specs if not _starts_at_word(sp[1])]
        self._pattern_scans = [
            _GatedJoin(group, lambda kept, fence=fence: _joined(kept, fence))
            for group, fence in ((at_word, r"\b(?=\w)"), (anywhere, ""))
            if group
        ]
        self._doc_rules = {
            s.id: [
                (set(r.forms), re.compile(r.document), _literals(r.document)) for r in s.exclude_in_document
            ]
            for s in taxonomy.skills
            if s.exclude_in_document
        }
        self._before = {s.id: [re.compile(p) for p in s.context_before] for s in taxonomy.skills}
        self._after = {s.id: [re.compile(p) for p in s.context_after] for s in taxonomy.skills}
        self._evidence_ok = {s.id: s.category != "soft skill" for s in taxonomy.skills}
        self._use_list = {s.id: s.context_list for s in taxonomy.skills}

    # ------------------------------------------------------------------ stages

    def _raw(self, text: str, folded: str) -> list[Candidate]:
        best: dict[int, Candidate] = {}
        for pattern, table, fold in self._scans:
            for m in pattern.finditer(text):
                matched, plural = m.group(1), m.group(2)
                info = table.get(matched.lower() if fold else matched)
                if info is None and (" " in matched or "-" in matched or "\n" in matched):
                    info = table.get(normalise(matched, fold))
                if info is None:
                    continue
                if plural and len(info.form) < 3:
                    continue  # "Cs" and "Rs" are grades and letters, not languages
                start, end = m.start(1), m.end(2)
                prev = best.get(start)
                if prev is None or end > prev.end:
                    best[start] = Candidate(info.skill.id, start, end, info.form, info.ambiguous)
        for scan in self._pattern_scans:
            joined = scan.for_text(folded)
            if joined is None:
                continue
            pattern, skills_groups = joined
            for m in pattern.finditer(text):
                for skill, group in skills_groups:
                    if m.start(group) >= 0:
                        prev = best.get(m.start())
                        if prev is None or m.end() > prev.end:
                            best[m.start()] = Candidate(skill, m.start(), m.end(), "", False)
                        break
        return [best[k] for k in sorted(best)]

    def _excluded(
        self,
        text: str,
        c: Candidate,
        spans: list[tuple[int, int]],
        possible: dict[str, list[re.Pattern[str]]],
    ) -> bool:
        own = possible.get(c.skill)
        if own and _covered(text, c, own, WINDOW):
            return True
        return any(a <= c.start and b >= c.end for a, b in spans)

    def _has_context(self, text: str, c: Candidate) -> bool:
        before = self._before[c.skill]
        if before:
            window = text[max(0, c.start - WINDOW) : c.start]
            if any(p.search(window) for p in before):
                return True
        after = self._after[c.skill]
        if after:
            window = text[c.end : c.end + WINDOW]
            if any(p.match(window) for p in after):
                return True
        return False

    def find(self, text: str, rejected: list[Candidate] | None = None) -> list[Candidate]:
        """Accepted mentions; pass ``rejected`` to collect the forms that were found but dropped (eval)."""
        folded = fold_for_literals(text)
        cands = self._raw(text, folded)
        if not cands:
            return []
        kept: list[Candidate] = []
        doc_hits: dict[int, bool] = {}
        exclude_all = self._exclude_all.for_text(folded) if self._exclude_all else None
        spans = [m.span() for m in exclude_all.finditer(text)] if exclude_all else []
        # per skill, the own exclusions that may match here: one whose literals occur nowhere in the text
        # cannot match in the window around a mention
        possible = {
            skill: [p for p, literals in self._exclude[skill] if _has_any(folded, literals)]
            for skill in {c.skill for c in cands if c.skill in self._exclude}
        }
        for c in cands:
            if _in_url(text, c):
                _reject(rejected, c)
                continue
            if (c.skill in self._exclude or spans) and self._excluded(text, c, spans, possible):
                _reject(rejected, c)
                continue
            rules = self._doc_rules.get(c.skill)
            if rules and any(
                (not forms or c.form in forms) and _doc_hit(doc_hits, rx, literals, text, folded)
                for forms, rx, literals in rules
            ):
                _reject(rejected, c)
                continue
            kept.append(c)
        pending = []
        for c in kept:
            if c.ambiguous and not self._has_context(text, c):
                c.accepted = False
                pending.append(c)
        if pending:
            self._resolve_lists(text, kept, pending)
        out: list[Candidate] = []
        for c in kept:
            if not c.accepted:
                _reject(rejected, c)
                continue
            out.append(c)
            skill = self.taxonomy.by_id[c.skill]
            for other in (*skill.also.get(c.form, ()), *skill.implies):
                out.append(Candidate(other, c.start, c.end, c.form, False))
        return _dedupe(out)

    def _resolve_lists(self, text: str, kept: list[Candidate], pending: list[Candidate]) -> None:
        """Accept an ambiguous form whose list neighbour is an accepted, non-soft skill, until stable."""
        index = {id(c): i for i, c in enumerate(kept)}
        changed = True
        while changed and pending:
            changed = False
            for c in list(pending):
                if not self._use_list[c.skill]:
                    pending.remove(c)
                    continue
                i = index[id(c)]
                if self._neighbour(text, kept, i, -1) or self._neighbour(text, kept, i, +1):
                    c.accepted = True
                    pending.remove(c)
                    changed = True

    def _neighbour(self, text: str, kept: list[Candidate], i: int, step: int) -> bool:
        c = kept[i]
        j = i + step
        while 0 <= j < len(kept):
            n = kept[j]
            if step < 0 and n.end > c.start or step > 0 and n.start < c.end:
                j += step  # overlapping candidate: look past it
                continue
            gap = text[n.end : c.start] if step < 0 else text[c.end : n.start]
            if not (len(gap) <= 24 and LIST_GAP.match(gap)) and not (
                len(gap) <= 40 and LIST_GAP_WITH_ITEMS.match(gap) and gap.count(",") + gap.count("/") >= 1
            ):
                return False
            return n.accepted and n.skill != c.skill and self._evidence_ok[n.skill]
        return False


def _doc_hit(
    hits: dict[int, bool], rx: re.Pattern[str], literals: tuple[str, ...] | None, text: str, folded: str
) -> bool:
    """Whether a document-level exclusion matches ``text``; each is searched at most once per text."""
    if id(rx) not in hits:
        hits[id(rx)] = _has_any(folded, literals) and rx.search(text) is not None
    return hits[id(rx)]


def _covered(text: str, c: Candidate, patterns: list[re.Pattern[str]], width: int) -> bool:
    """Whether a match of any pattern, searched within ``width`` characters of ``c``, covers it."""
    lo = max(0, c.start - width)
    window = text[lo : c.end + width]
    s, e = c.start - lo, c.end - lo
    for pattern in patterns:
        for m in pattern.finditer(window):
            if m.start() <= s and m.end() >= e:
                return True
            if m.start() > s:
                break
    return False


_WS = re.compile(r"\s")


def _in_url(text: str, c: Candidate) -> bool:
    """Whether the whitespace-delimited chunk around ``c`` is a URL or e-mail address."""
    lo = c.start
    while lo > 0 and not text[lo - 1].isspace() and c.start - lo < 200:
        lo -= 1
    m = _WS.search(text, c.end)
    hi = m.start() if m else len(text)
    if lo == c.start and hi == c.end:
        return False
    return URL_OR_EMAIL.search(text[lo:hi].rstrip(".,;:)!?\"'")) is not None


def _reject(rejected: list[Candidate] | None, c: Candidate) -> None:
    if rejected is not None:
        rejected.append(c)


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    """One mention per skill per span; a mention inside a longer one of the same skill is dropped."""
    cands.sort(key=lambda c: (c.start, -(c.end - c.start), c.skill))
    out: list[Candidate] = []
    last_end: dict[str, int] = {}
    for c in cands:
        if last_end.get(c.skill, -1) >= c.end:
            continue
        out.append(c)
        last_end[c.skill] = max(last_end.get(c.skill, -1), c.end)
    return out


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds Chinese characters (routes it to the jieba-segmented pipeline)."""
    return _CJK.search(text) is not None
