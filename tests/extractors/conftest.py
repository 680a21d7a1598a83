"""Shared fixtures: one extractor per session (compiling the taxonomy takes ~0.1 s)."""

from __future__ import annotations

import pytest

from skillpulse.extractors.skills import SkillExtractor


@pytest.fixture(scope="session")
def extractor() -> SkillExtractor:
    return SkillExtractor()


@pytest.fixture(scope="session")
def skills_of(extractor: SkillExtractor):
    def run(text: str) -> set[str]:
        return {m.skill for m in extractor.extract(text)}

    return run
