"""Which postings a taxonomy change can affect, so a re-run re-extracts those and copies the rest.

Why this is sound. ``SkillMatcher`` only ever looks at a skill's definition where one of that skill's
forms (or free-form ``patterns``) matches the text: its exclusions, contexts, list evidence, ``also`` and
``implies`` all start from such a candidate, and a form can shadow or be shadowed by another skill's
form only at a place where it matches. So when the skills in a set C changed (added, removed, or any
field but the line they sit on), a text in which no old or new form or pattern of C matches, and no
form of a skill whose ``also``/``implies`` names a skill in C, gets exactly the mentions it got before,
minus nothing. Presence is tested with the matcher's own regexes (the same trie, the same flags) without
its word fences, so the test can only say "maybe" more often than the matcher matches, never less.

What cannot be decided is refused (``plan`` returns None) and everything is re-extracted: a change to the
taxonomy-wide exclusions, which may drop any mention anywhere, or to the extractor's code version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from skillpulse.extractors.skill_matcher import _scoped, _trie_regex, normalise
from skillpulse.extractors.taxonomy import Skill, Taxonomy

GLOBAL = "*"  # the pseudo-skill holding the taxonomy-wide exclusions


def _fingerprint(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=list).encode()).hexdigest()[:16]


def _skill_spec(skill: Skill) -> dict:
    """What the matcher can do with ``skill``: a fingerprint of its definition (its line excluded, so
    an entry added above moves nothing), its forms as the matcher keys them, its patterns, and the skills
    its mentions also count as."""
    definition = {k: v for k, v in dataclasses.asdict(skill).items() if k != "line"}
    named = set(skill.implies) | {other for forms in skill.also.values() for other in forms}
    return {
        "fingerprint": _fingerprint(definition),
        "folded": sorted({normalise(f, True) for f in skill.forms_insensitive}),
        "exact": sorted({normalise(f, False) for f in skill.case_sensitive}),
        "patterns": list(skill.patterns),
        "names": sorted(named),
    }


def skill_specs(taxonomy: Taxonomy) -> dict[str, dict]:
    """skill id -> spec (``GLOBAL``: the taxonomy-wide exclusions), as kept in the store per version."""
    specs = {s.id: _skill_spec(s) for s in taxonomy.skills}
    specs[GLOBAL] = {"fingerprint": _fingerprint(list(taxonomy.exclude))}
    return specs


@dataclass(frozen=True)
class Plan:
    """The skills a change touches and one test per text: could the change alter its mentions?"""

    changed: frozenset[str]
    _scans: tuple[re.Pattern[str], ...]

    def may_affect(self, text: str) -> bool:
        return any(scan.search(text) for scan in self._scans)


def plan(old: dict[str, dict], new: dict[str, dict]) -> Plan | None:
    """What changed between two versions' specs, or None when that cannot be decided per text."""
    if old.get(GLOBAL) != new.get(GLOBAL):
        return None
    ids = (set(old) | set(new)) - {GLOBAL}
    changed = {
        i for i in ids if (old.get(i) or {}).get("fingerprint") != (new.get(i) or {}).get("fingerprint")
    }
    # a skill whose mentions also count as a changed one writes that one's rows: it is touched too
    for specs in (old, new):
        changed |= {i for i, s in specs.items() if i != GLOBAL and changed & set(s.get("names", ()))}
    folded: set[str] = set()
    exact: set[str] = set()
    patterns: list[str] = []
    for specs in (old, new):
        for i in changed & set(specs):
            folded |= set(specs[i]["folded"])
            exact |= set(specs[i]["exact"])
            patterns += specs[i]["patterns"]
    scans = [
        re.compile(_trie_regex(sorted(keys)), flags) for keys, flags in ((folded, re.I), (exact, 0)) if keys
    ]
    scans += [re.compile(_scoped(p)) for p in dict.fromkeys(patterns)]
    return Plan(frozenset(changed), tuple(scans))


def unaffected(plan_: Plan, texts: Iterable[tuple[str, str]]) -> list[str]:
    """Keys of the ``(key, text)`` pairs the change cannot affect."""
    return [key for key, text in texts if not plan_.may_affect(text)]
