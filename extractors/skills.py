"""The ``skillpulse_skills`` spaCy component: finds taxonomy skills, results in ``doc.spans["skills"]``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extractors.taxonomy import Taxonomy, load_taxonomy

EXTRACTOR_CODE_VERSION = "1"
SPANS_KEY = "skills"
DEFAULT_TAXONOMY = Path(__file__).resolve().parent.parent / "skills_taxonomy.yaml"


@dataclass(frozen=True, slots=True)
class Mention:
    skill: str
    start: int
    end: int
    text: str


class SkillComponent:
    def __init__(self, nlp: Language, name: str, taxonomy: Taxonomy) -> None:
        self.name = name
        self.taxonomy = taxonomy
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        for skill in taxonomy.skills:
            if skill.aliases:
                self.lower.add(skill.id, [nlp.make_doc(a) for a in skill.aliases])
            if skill.case_sensitive:
                self.exact.add(skill.id, [nlp.make_doc(a) for a in skill.case_sensitive])

    def __call__(self, doc: Doc) -> Doc:
        spans = [
            Span(doc, start, end, label="SKILL", span_id=match_id)
            for match_id, start, end in [*self.lower(doc), *self.exact(doc)]
        ]
        doc.spans[SPANS_KEY] = sorted(spans, key=lambda s: (s.start, -len(s)))
        return doc


@Language.factory("skillpulse_skills", default_config={"taxonomy_path": None})
def make_skill_component(nlp: Language, name: str, taxonomy_path: str | None) -> SkillComponent:
    return SkillComponent(nlp, name, load_taxonomy(taxonomy_path or DEFAULT_TAXONOMY))


class SkillExtractor:
    """Text in, mentions out: the library entry point the pipeline, CLI and eval share."""

    def __init__(self, taxonomy_path: Path | str | None = None) -> None:
        self.nlp = spacy.blank("en")
        self.component = self.nlp.add_pipe(
            "skillpulse_skills", config={"taxonomy_path": str(taxonomy_path or DEFAULT_TAXONOMY)}
        )
        self.version = f"{EXTRACTOR_CODE_VERSION}-{self.component.taxonomy.version}"

    @staticmethod
    def _mentions(doc: Doc) -> list[Mention]:
        return [Mention(s.id_, s.start_char, s.end_char, s.text) for s in filter_spans(doc.spans[SPANS_KEY])]

    def extract(self, text: str) -> list[Mention]:
        return self._mentions(self.nlp(text))

    def extract_many(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[list[Mention]]:
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            yield self._mentions(doc)
