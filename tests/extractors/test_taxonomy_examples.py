"""Every ``examples`` sentence in the shipped taxonomy is a test: match must yield the skill, no_match not."""

from __future__ import annotations

import pytest

from skillpulse.extractors.skills import DEFAULT_TAXONOMY
from skillpulse.extractors.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy(DEFAULT_TAXONOMY)
MATCH = [
    pytest.param(s.id, text, id=f"{s.id}+{text[:40]}") for s in TAXONOMY.skills for text in s.examples_match
]
NO_MATCH = [
    pytest.param(s.id, text, id=f"{s.id}-{text[:40]}")
    for s in TAXONOMY.skills
    for text in s.examples_no_match
]


def test_the_taxonomy_carries_examples_for_every_ambiguous_skill():
    for skill in TAXONOMY.skills:
        if skill.ambiguous or skill.exclude:
            assert skill.examples_match, f"{skill.id} has rules but no match examples"


@pytest.mark.parametrize(("skill", "text"), MATCH)
def test_match_example(skills_of, skill: str, text: str):
    assert skill in skills_of(text)


@pytest.mark.parametrize(("skill", "text"), NO_MATCH)
def test_no_match_example(skills_of, skill: str, text: str):
    assert skill not in skills_of(text)
