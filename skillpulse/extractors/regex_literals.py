"""Literal prefilters for regexes: skip a pattern on a text it provably cannot match.

Most rule patterns cannot match most texts, and a literal test (``"pharma" in text``) is far cheaper than
running a long alternation over the text. ``required_literals`` reads a compiled pattern's parse tree
(``re._parser``, CPython's own) and returns strings one of which every match contains, so a text
containing none of them cannot match and the regex need not run: a prefilter that can only skip work,
never change a result. ``LiteralGate`` drops the top-level alternatives that cannot match a text, and
``LeadScanner`` tries a pattern only where a match can start. Used by enrichment (roles, industry,
places, pay) and by the skill matcher.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from re import _constants as sre_constants
from re import _parser as sre_parser
from typing import Any

# -- literal prefilters -------------------------------------------------------------------------------
# Most rule patterns cannot match most texts, and a literal test (``"pharma" in text``) is far cheaper than
# running a long alternation over the text. ``required_literals`` reads a compiled pattern's parse tree
# and returns strings one of which every match contains, so a text containing none of them cannot match
# and the regex need not run: a prefilter that can only skip work, never change a result.

# Characters the regex engine treats as equal to an ASCII letter under IGNORECASE besides its own upper
# and lower case (Python's re documentation lists exactly these four; a test checks every code point).
_RE_ALIASES = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
_RE_ALIAS_TABLE = str.maketrans(_RE_ALIASES)
_MAX_EXACT = 16  # largest set of alternative strings tracked for one piece of a pattern
_USEFUL_LENGTH = 6  # literals longer than this are hardly more selective


def fold_for_literals(text: str) -> str:
    """``text`` in the form that folded literals are looked up in: every character the regex engine
    matches to an ASCII character under IGNORECASE becomes that character in lower case, one for one (so
    a matched stretch stays contiguous). ASCII text is simply lower-cased."""
    if text.isascii() or not any(alias in text for alias in _RE_ALIASES):
        return text.lower()
    return text.translate(_RE_ALIAS_TABLE).lower()


def _literal_char(code: int, ignore_case: bool, folded: bool) -> str | None:
    """The character a literal contributes to a required string, or None when it cannot be used:
    folded, only ASCII (it is then looked up lower-cased in :func:`fold_for_literals` text); exact, not
    a cased character under IGNORECASE."""
    char = chr(code)
    if folded:
        return char.lower() if char.isascii() else None
    if ignore_case and (char.lower() != char or char.upper() != char):
        return None
    return char


def _minimal(strings: set[str] | frozenset[str]) -> frozenset[str]:
    """``strings`` without those containing another member (containing the shorter one is implied)."""
    out: list[str] = []
    for s in sorted(strings, key=len):
        if not any(t in s for t in out):
            out.append(s)
    return frozenset(out)


def _factors_of(exact: frozenset[str] | None) -> frozenset[str] | None:
    return None if exact is None or "" in exact else _minimal(exact)


def _cost(literals: frozenset[str]) -> tuple[bool, int, int, int]:
    """How good a required-string set is as a prefilter, higher better: few strings, none too short."""
    shortest = min(map(len, literals))
    return len(literals) <= _MAX_EXACT // 2, min(_USEFUL_LENGTH, shortest), -len(literals), shortest


def _selective(candidates: list[frozenset[str] | None]) -> frozenset[str] | None:
    """The best of ``candidates`` by :func:`_cost` (the first of equals); None when there is none."""
    known = [c for c in candidates if c is not None]
    return max(known, key=_cost) if known else None


_Pair = tuple[frozenset[str] | None, frozenset[str] | None]


def _node_literals(op: Any, av: Any, flags: int, folded: bool) -> _Pair:
    """(exact, factors) of one parse-tree node: the full set of strings it can consume when small and
    known (else None), and a set of strings one of which everything it consumes contains (else None)."""
    ignore_case = bool(flags & re.IGNORECASE)
    c = sre_constants
    if op is c.LITERAL:
        char = _literal_char(av, ignore_case, folded)
        return (None, None) if char is None else (frozenset([char]), frozenset([char]))
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return frozenset([""]), None  # zero width: consumes nothing
    if op is c.IN:
        chars: set[str] = set()
        for item_op, item in av:
            if item_op is c.LITERAL:
                codes = [item]
            elif item_op is c.RANGE and item[1] - item[0] < _MAX_EXACT:
                codes = list(range(item[0], item[1] + 1))
            else:
                return None, None  # a negated set, a category (\d, \w) or a wide range
            for code in codes:
                char = _literal_char(code, ignore_case, folded)
                if char is None:
                    return None, None
                chars.add(char)
        exact = frozenset(chars) if 0 < len(chars) <= _MAX_EXACT else None
        return exact, _factors_of(exact)
    if op is c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        return _sequence_literals(sub, (flags | add_flags) & ~del_flags, folded)
    if op is c.ATOMIC_GROUP:
        return _sequence_literals(av, flags, folded)
    if op is c.BRANCH:
        exacts: set[str] | None = set()
        factors: set[str] | None = set()
        for alternative in av[1]:
            exact, found = _sequence_literals(alternative, flags, folded)
            exacts = None if exacts is None or exact is None else exacts | exact
            factors = None if factors is None or found is None else factors | found
        if exacts is not None and len(exacts) > _MAX_EXACT:
            exacts = None
        return (frozenset(exacts) if exacts is not None else None), (_minimal(factors) if factors else None)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, high, sub = av
        exact, found = _sequence_literals(sub, flags, folded)
        repeated: set[str] | None = None
        if exact is not None and high <= 4:
            repeated, power = set(), {""}
            for times in range(high + 1):
                if times >= low:
                    repeated |= power
                power = {a + b for a in power for b in exact}
                if len(power) > _MAX_EXACT or len(repeated) > _MAX_EXACT:
                    repeated = None
                    break
        return (frozenset(repeated) if repeated is not None else None), (found if low >= 1 else None)
    return None, None  # any character, a negated literal, a group reference, a conditional


def _sequence_literals(items: Any, flags: int, folded: bool) -> _Pair:
    """(exact, factors) of a sequence. Every stretch of consecutive nodes with known strings consumes one
    of their products, contiguously, in every match: each such stretch (and each node's own factors) is
    a candidate, and the most selective wins. A one-string stretch that grows by a one-string node is
    bettered by its longer self, so only the longer one is kept as a candidate."""
    candidates: list[frozenset[str] | None] = []
    whole: frozenset[str] | None = frozenset([""])
    stretches: list[frozenset[str]] = []  # the strings of the stretches that end at the current node
    for op, av in items:
        exact, found = _node_literals(op, av, flags, folded)
        candidates.append(found)
        if exact is None:
            candidates += map(_factors_of, stretches)
            whole, stretches = None, []
            continue
        if whole is not None:
            whole = _joined(whole, exact)
        longer = []
        for stretch in stretches:
            joined = _joined(stretch, exact)
            if joined is None or len(exact) > 1 or len(stretch) > 1:
                candidates.append(_factors_of(stretch))
            if joined is not None:
                longer.append(joined)
        # Of the one-string stretches ending here only the first (the longest) can win: it is longer than
        # the others and stays so as they grow.
        stretches, single = [], False
        for stretch in (*longer, exact):
            if len(stretch) == 1:
                if single:
                    continue
                single = True
            stretches.append(stretch)
    candidates += map(_factors_of, stretches)
    return whole, _selective(candidates)


def _joined(first: frozenset[str], then: frozenset[str]) -> frozenset[str] | None:
    joined = frozenset(a + b for a in first for b in then)
    return joined if len(joined) <= _MAX_EXACT else None


def required_literals(pattern: re.Pattern[str], folded: bool = False) -> tuple[str, ...] | None:
    """Strings one of which every match of ``pattern`` contains, or None when none can be named.

    ``folded=False``: look them up in the very text the pattern runs on (for case-sensitive patterns).
    ``folded=True``: look them up in :func:`fold_for_literals` of that text; sound under IGNORECASE too.
    Only literal characters count, so a pattern that needs "pharma" may be let through by "pharmacy"
    but is never skipped on a text it matches.
    """
    parsed = sre_parser.parse(pattern.pattern, pattern.flags)
    _exact, found = _sequence_literals(parsed.data, parsed.state.flags, folded)
    return tuple(sorted(found)) if found else None


def top_level_alternatives(pattern: re.Pattern[str]) -> list[str] | None:
    """The sources of ``pattern``'s top-level alternatives ("a|b(c|d)" -> ["a", "b(c|d)"]), or None when
    it has none or cannot be split safely (capturing groups, verbose mode, a piece that does not compile)."""
    source = pattern.pattern
    if pattern.groups or pattern.flags & re.VERBOSE:
        return None
    pieces, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += 1 + (source[i + 1 : i + 2] == "^")
            i += source[i : i + 1] == "]"  # "[]...]" and "[^]...]": a leading ] is a member
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            pieces.append(source[start:i])
            start = i + 1
        i += 1
    pieces.append(source[start:])
    if len(pieces) < 2:
        return None
    try:
        for piece in pieces:
            re.compile(piece, pattern.flags)
    except re.error:
        return None
    return pieces


@lru_cache(maxsize=1024)
def _alternation(pieces: tuple[str, ...], flags: int) -> re.Pattern[str]:
    return re.compile("|".join(pieces), flags)


@dataclass(frozen=True)
class LiteralGate:
    """A pattern with the literals its matches need, overall and per top-level alternative.

    :meth:`narrow` gives, for one text, a pattern that finds exactly the same matches there: None when
    no alternative can match, else the pattern without the alternatives that cannot. Dropping an
    alternative that matches nowhere in the text changes no match: at each position the engine tries the
    alternatives in order and takes the first that matches, and a dropped one never does.
    """

    pattern: re.Pattern[str]
    folded: bool
    literals: tuple[str, ...] | None
    alternatives: tuple[tuple[str, tuple[str, ...] | None], ...]

    @classmethod
    def of(cls, pattern: re.Pattern[str], folded: bool = False) -> LiteralGate:
        """``folded``: :meth:`narrow` is given :func:`fold_for_literals` of the text, not the text."""
        pieces = top_level_alternatives(pattern) or []
        alternatives = tuple(
            (piece, required_literals(re.compile(piece, pattern.flags), folded)) for piece in pieces
        )
        return cls(pattern, folded, required_literals(pattern, folded), alternatives)

    def narrow(self, gate_text: str) -> re.Pattern[str] | None:
        """The pattern to run on the text whose (folded, if so made) form is ``gate_text``; None when it
        cannot match there."""
        if not self.alternatives:
            return self.pattern if _has_any(gate_text, self.literals) else None
        kept = tuple(piece for piece, literals in self.alternatives if _has_any(gate_text, literals))
        if len(kept) == len(self.alternatives):
            return self.pattern
        return _alternation(kept, self.pattern.flags) if kept else None


def _has_any(text: str, literals: tuple[str, ...] | None) -> bool:
    """Whether ``text`` contains one of ``literals`` (None: no literal is required). A plain loop: this runs
    some 200 times per posting, and ``any()`` over a generator costs more than the tests themselves."""
    if literals is None:
        return True
    for literal in literals:  # noqa: SIM110
        if literal in text:
            return True
    return False


# -- where a match can start ----------------------------------------------------------------------------
# A pattern such as salary's amount, "(between )?(currency)?<digits>...", opens with optional pieces, so
# the regex engine cannot skip ahead and tries the whole pattern at every position. ``LeadScanner`` finds
# the only places a match can start (a run of characters the optional pieces can consume, ending in a
# character the first required piece starts with) and tries the pattern there alone.
_CATEGORIES = {sre_constants.CATEGORY_DIGIT: r"\d", sre_constants.CATEGORY_SPACE: r"\s"}
_DISJOINT_CATEGORIES = {(r"\d", r"\s"), (r"\s", r"\d")}  # no code point is both (a test checks all)


def _case_variants(code: int, ignore_case: bool) -> set[str] | None:
    """The characters a literal matches: itself, or under IGNORECASE its case forms and the aliases of
    :data:`_RE_ALIASES`; None for a non-ASCII letter under IGNORECASE (its forms are not listed here)."""
    char = chr(code)
    if not ignore_case or char.lower() == char.upper():
        return {char}
    if not char.isascii():
        return None
    low = char.lower()
    return {low, char.upper(), *(alias for alias, target in _RE_ALIASES.items() if target == low)}


def _char_set(op: Any, av: Any, flags: int, first_only: bool) -> tuple[set[str] | None, bool]:
    """(characters, nullable) of one node: the characters it can consume (``first_only``: can consume
    first), as single characters and the classes ``\\d``/``\\s``, or None when they cannot be listed;
    and whether it can match empty."""
    c = sre_constants
    ignore_case = bool(flags & re.IGNORECASE)
    if op is c.LITERAL:
        return _case_variants(av, ignore_case), False
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return set(), True
    if op is c.IN:
        chars: set[str] = set()
        for item_op, item in av:
            if item_op is c.LITERAL:
                variants = _case_variants(item, ignore_case)
            elif item_op is c.RANGE and item[1] - item[0] < 64:
                variants = set()
                for code in range(item[0], item[1] + 1):
                    more = _case_variants(code, ignore_case)
                    if more is None:
                        return None, False
                    variants |= more
            elif item_op is c.CATEGORY and item in _CATEGORIES:
                variants = {_CATEGORIES[item]}
            else:
                return None, False
            if variants is None:
                return None, False
            chars |= variants
        return chars, False
    if op is c.SUBPATTERN:
        return _sequence_chars(av[3], (flags | av[1]) & ~av[2], first_only)
    if op is c.ATOMIC_GROUP:
        return _sequence_chars(av, flags, first_only)
    if op is c.BRANCH:
        chars, nullable = set(), False
        for alternative in av[1]:
            more, empty = _sequence_chars(alternative, flags, first_only)
            if more is None:
                return None, False
            chars |= more
            nullable = nullable or empty
        return chars, nullable
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        chars, empty = _sequence_chars(av[2], flags, first_only)
        return chars, av[0] == 0 or empty
    return None, False


def _sequence_chars(items: Any, flags: int, first_only: bool) -> tuple[set[str] | None, bool]:
    """(characters, nullable) of a sequence; ``first_only`` stops at its first piece that cannot be empty."""
    chars: set[str] = set()
    nullable = True
    for op, av in items:
        more, empty = _char_set(op, av, flags, first_only)
        if more is None:
            return None, False
        chars |= more
        if not empty:
            nullable = False
            if first_only:
                break
    return chars, nullable


def _disjoint(a: set[str], b: set[str]) -> bool:
    """No character is in both sets (each a set of characters and the classes ``\\d``/``\\s``)."""
    for x in a:
        for y in b:
            if len(x) == 1 and len(y) == 1:
                same = x == y
            elif len(x) == 1 or len(y) == 1:
                char, category = (x, y) if len(x) == 1 else (y, x)
                same = re.fullmatch(category, char) is not None
            else:
                same = (x, y) not in _DISJOINT_CATEGORIES
            if same:
                return False
    return True


def _class(chars: set[str]) -> str:
    return "".join(sorted(c if len(c) > 1 else re.escape(c) for c in chars))


@dataclass(frozen=True)
class LeadScanner:
    """``pattern.finditer`` that tries the pattern only where a match can start.

    The pattern is read as optional leading pieces, which consume only characters of the set ``lead``,
    then a first required piece, which starts with a character of ``first`` (none of them in ``lead``).
    A match starting at i thus consumes lead characters up to a first character: i lies in a block of
    first characters or in the run of lead characters just before one (found by matching the reversed
    text, so each character is read once). Trying ``pattern.match`` at those positions in order,
    resuming after every match, is exactly what ``finditer`` does at every position, since elsewhere it
    finds nothing. Matches are never empty (the required piece consumes a character), so no empty-match
    rule applies.
    """

    pattern: re.Pattern[str]
    firsts: re.Pattern[str]  # a block of characters the required piece can start with
    lead: re.Pattern[str] | None  # a run of characters the optional pieces can consume

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> LeadScanner | None:
        """The scanner, or None when the pattern's start cannot be read that way."""
        parsed = sre_parser.parse(pattern.pattern, pattern.flags)
        flags, lead = parsed.state.flags, set()
        for op, av in parsed.data:
            chars, nullable = _char_set(op, av, flags, first_only=True)
            if chars is None:
                return None
            if nullable:
                every, _ = _char_set(op, av, flags, first_only=False)
                if every is None:
                    return None
                lead |= every
                continue
            if not chars or not _disjoint(chars, lead):
                return None
            firsts = re.compile(f"[{_class(chars)}]+", flags & re.ASCII)
            return cls(pattern, firsts, re.compile(f"[{_class(lead)}]*", flags & re.ASCII) if lead else None)
        return None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches ``self.pattern.finditer(text)`` yields, in order."""
        match, pos, size = self.pattern.match, 0, len(text)
        backwards = ""
        for block in self.firsts.finditer(text):
            start, end = block.span()
            if end <= pos:
                continue
            if self.lead is not None and start > pos:
                backwards = backwards or text[::-1]
                start -= self.lead.match(backwards, size - start).end() - (size - start)
            at = max(start, pos)
            while at < end:
                found = match(text, at)
                if found is None:
                    at += 1
                    continue
                yield found
                pos = at = found.end()
