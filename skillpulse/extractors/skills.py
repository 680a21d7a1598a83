"""The ``skillpulse_skills`` spaCy component: finds taxonomy skills, results in ``doc.spans["skills"]``.

Usable in anyone's pipeline: ``nlp.add_pipe("skillpulse_skills", config={"taxonomy_path": ...})``; each
span's ``id_`` is the skill id. Matching is done on characters by ``SkillMatcher`` (see there for why),
then aligned to tokens; the exact character offsets are also kept in ``doc.user_data[MENTIONS_KEY]``,
because a token may be wider than the mention ("R." at a sentence end).

``SkillExtractor`` is the library entry point the pipeline, CLI and eval share: text in, mentions out,
Chinese text routed to a jieba-segmented ``zh`` pipeline.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from skillpulse.extractors.skill_matcher import SkillMatcher, has_cjk
from skillpulse.extractors.taxonomy import Taxonomy, load_taxonomy

EXTRACTOR_CODE_VERSION = "2"
SPANS_KEY = "skills"
MENTIONS_KEY = "skillpulse_mentions"
TEXT_KEY = "skillpulse_text"
DEFAULT_TAXONOMY = Path(__file__).resolve().parent.parent / "skills_taxonomy.yaml"
TAXONOMY_FILE = "taxonomy.yaml"  # the component's file inside a pipeline saved with nlp.to_disk


@dataclass(frozen=True, slots=True)
class Mention:
    skill: str
    start: int
    end: int
    text: str


class SkillComponent:
    """Stateless after construction: the taxonomy compiles once, at construction or ``initialize``."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        taxonomy: Taxonomy | None,
        spans_key: str = SPANS_KEY,
        overwrite: bool = True,
        pending_path: Path | None = None,
    ) -> None:
        self.name = name
        self.spans_key = spans_key
        self.overwrite = overwrite
        self._pending = pending_path
        if taxonomy is not None:
            self._set_taxonomy(taxonomy)

    def _set_taxonomy(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.matcher = SkillMatcher(taxonomy)
        self._pending = None

    def __getattr__(self, attr: str) -> Any:
        # A pipeline loaded from disk may name a taxonomy file that no longer exists; from_disk then
        # supplies the saved copy. Only if it does not is the named file read, at first use.
        if attr in ("taxonomy", "matcher") and self.__dict__.get("_pending") is not None:
            self._set_taxonomy(load_taxonomy(self.__dict__["_pending"]))
            return self.__dict__[attr]
        raise AttributeError(attr)

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        taxonomy_path: str | None = None,
    ) -> None:
        """Reload the taxonomy (``[initialize.components.<name>] taxonomy_path`` in a config)."""
        if taxonomy_path:
            self._set_taxonomy(load_taxonomy(taxonomy_path))

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Save the taxonomy with the pipeline (``nlp.to_disk``), so a saved pipeline finds the same
        skills after the YAML it was built from is edited or gone."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / TAXONOMY_FILE).write_bytes(Path(self.taxonomy.path).read_bytes())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> SkillComponent:
        """Load the taxonomy saved by :meth:`to_disk` (``spacy.load`` calls this)."""
        saved = Path(path) / TAXONOMY_FILE
        if saved.is_file():
            self._set_taxonomy(load_taxonomy(saved))
        return self

    def mentions(self, text: str) -> list[Mention]:
        return [Mention(c.skill, c.start, c.end, text[c.start : c.end]) for c in self.matcher.find(text)]

    def __call__(self, doc: Doc) -> Doc:
        text = doc.user_data.pop(TEXT_KEY, None)
        mentions = self.mentions(doc.text if text is None else text)
        spans = []
        for m in mentions:
            span = doc.char_span(m.start, m.end, label="SKILL", alignment_mode="expand")
            if span is not None:
                spans.append(Span(doc, span.start, span.end, label="SKILL", span_id=m.skill))
        if self.overwrite or self.spans_key not in doc.spans:
            doc.spans[self.spans_key] = spans
        else:
            doc.spans[self.spans_key] = [*doc.spans[self.spans_key], *spans]
        doc.user_data[MENTIONS_KEY] = [(m.skill, m.start, m.end, m.text) for m in mentions]
        return doc


@Language.factory(
    "skillpulse_skills",
    default_config={"taxonomy_path": None, "spans_key": SPANS_KEY, "overwrite": True},
)
def make_skill_component(
    nlp: Language, name: str, taxonomy_path: str | None, spans_key: str = SPANS_KEY, overwrite: bool = True
) -> SkillComponent:
    path = Path(taxonomy_path or DEFAULT_TAXONOMY)
    if path.exists():  # read now, so a broken taxonomy is reported at add_pipe with file:line
        return SkillComponent(nlp, name, load_taxonomy(path), spans_key, overwrite)
    # Missing: a saved pipeline's from_disk will supply its copy; otherwise first use reports it.
    return SkillComponent(nlp, name, None, spans_key, overwrite, pending_path=path)


def doc_mentions(doc: Doc, spans_key: str = SPANS_KEY) -> list[Mention]:
    """Mentions of a processed doc, with exact character offsets when the component recorded them."""
    exact = doc.user_data.get(MENTIONS_KEY)
    if exact is not None:
        return [Mention(*m) for m in exact]
    return [Mention(s.id_, s.start_char, s.end_char, s.text) for s in doc.spans.get(spans_key, [])]


class TextKeepingTokenizer:
    """Wraps a tokenizer and leaves the input text on the doc for the component to read.

    ``doc.text`` rebuilds the text token by token in Python: on a 1,500-character posting that costs more
    than the tokenisation itself, so the extractor's own pipelines hand the component the original.
    """

    def __init__(self, tokenizer: Callable[[str], Doc]) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        doc.user_data[TEXT_KEY] = text
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)


_WORKER: SkillExtractor | None = None


def _init_worker(taxonomy_path: str) -> None:
    global _WORKER
    if _WORKER is None or _WORKER.taxonomy_path != taxonomy_path:  # forked workers inherit the parent's
        _WORKER = SkillExtractor(taxonomy_path)


def _work(texts: list[str]) -> list[list[Mention]]:
    assert _WORKER is not None
    return list(_WORKER.extract_many(texts))


class SkillExtractor:
    """Text in, mentions out: the library entry point the pipeline, CLI and eval share."""

    def __init__(self, taxonomy_path: Path | str | None = None, zh_segmenter: str = "char") -> None:
        """``zh_segmenter``: "char" (default: matching is by character anyway, and it loads nothing) or
        "jieba" (word tokens in ``doc`` for downstream components; loads a 0.5 s dictionary)."""
        self.taxonomy_path = str(taxonomy_path or DEFAULT_TAXONOMY)
        self.zh_segmenter = zh_segmenter
        self.nlp = spacy.blank("en")
        self.component: SkillComponent = self.nlp.add_pipe(
            "skillpulse_skills", config={"taxonomy_path": self.taxonomy_path}
        )
        self.nlp.tokenizer = TextKeepingTokenizer(self.nlp.tokenizer)
        self.taxonomy = self.component.taxonomy
        self.version = f"{EXTRACTOR_CODE_VERSION}-{self.component.taxonomy.version}"
        self._zh: Language | None = None

    @property
    def nlp_zh(self) -> Language:
        """Chinese pipeline (``spacy.blank("zh")``), built on the first Chinese text."""
        if self._zh is None:
            if self.zh_segmenter == "jieba":
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
            nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": self.zh_segmenter}}})
            comp = nlp.add_pipe("skillpulse_skills", config={"taxonomy_path": self.taxonomy_path})
            comp.matcher = self.component.matcher  # share the compiled taxonomy
            nlp.tokenizer = TextKeepingTokenizer(nlp.tokenizer)
            self._zh = nlp
        return self._zh

    def extract(self, text: str) -> list[Mention]:
        return self.component.mentions(text)

    def docs(self, texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
        """spaCy docs with the mentions as spans (``doc.spans["skills"]``), Chinese routed to the ``zh``
        pipeline: for downstream components that need tokens. Extraction itself does not."""
        it = iter(texts)
        while chunk := list(itertools.islice(it, max(batch_size, 1) * 4)):
            zh = {i for i, t in enumerate(chunk) if has_cjk(t)}
            en_docs = self.nlp.pipe((t for i, t in enumerate(chunk) if i not in zh), batch_size=batch_size)
            zh_docs = self.nlp_zh.pipe((chunk[i] for i in sorted(zh)), batch_size=batch_size) if zh else None
            for i in range(len(chunk)):
                yield next(zh_docs) if i in zh else next(en_docs)  # type: ignore[arg-type]

    def extract_many(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[list[Mention]]:
        """Mentions per text, in input order; streams.

        The matcher works on characters, so mentions need no tokens: the spaCy pipeline (which the
        component's ``doc.spans`` serve) is skipped, and a text costs one scan of the compiled taxonomy,
        about what tokenising it would cost alone. The mentions are the ones the component records on a
        doc (``doc_mentions``), for every language. ``n_process > 1`` farms chunks out to worker processes
        that send back only the mentions.
        """
        if n_process > 1:
            yield from self._extract_parallel(texts, batch_size, n_process)
            return
        mentions = self.component.mentions
        for text in texts:
            yield mentions(text)

    def _extract_parallel(
        self, texts: Iterable[str], batch_size: int, n_process: int
    ) -> Iterator[list[Mention]]:
        import multiprocessing as mp

        global _WORKER
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        if method == "fork":
            _WORKER = self  # inherited by the forked workers: no second taxonomy compile
        it = iter(texts)
        with mp.get_context(method).Pool(n_process, _init_worker, (self.taxonomy_path,)) as pool:
            while window := list(itertools.islice(it, batch_size * n_process * 16)):
                chunks = [window[i : i + batch_size] for i in range(0, len(window), batch_size)]
                for result in pool.map(_work, chunks):
                    yield from result
