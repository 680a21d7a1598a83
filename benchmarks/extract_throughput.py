"""Throughput of the full extract step on the snapshot's real postings, against bare tokenisation.

Real postings only: repeating synthetic text makes spaCy's lexeme cache look ~7x faster than it is.
The extract step is what the pipeline does per posting: HTML -> text (selectolax), then the spaCy
pipeline (tokeniser + ``skillpulse_skills``). The baseline is ``spacy.blank("en")`` tokenising the same
texts; each measurement uses fresh pipeline objects, so both start with a cold cache. Runs are
interleaved and the best of each is kept (the machine may be busy with other work).

    .venv/bin/python benchmarks/extract_throughput.py [--postings 3000] [--rounds 3]

The last line reads ``extract/tokenizer throughput ratio: X.XX`` (one process).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import spacy

from skillpulse.extractors.html import to_text
from skillpulse.extractors.skills import SkillExtractor
from skillpulse.flows.sources.posting import Posting
from skillpulse.flows.sources.snapshot import SnapshotSource


def load_postings(n: int, per_file: int) -> list[tuple[str | None, str, bool]]:
    """(title, raw description, is_html) of the first ``n`` usable snapshot postings, across its files."""
    out = []
    for item in SnapshotSource(limit=per_file).fetch():
        if isinstance(item, Posting) and item.description:
            out.append((item.title, item.description, item.description_is_html))
    step = max(1, len(out) // n)
    return out[::step][:n]


def _text(title: str | None, description: str, is_html: bool) -> str:
    body = to_text(description, is_html=is_html)
    return f"{title}\n{body}" if title else body


def timed(fns: dict[str, Callable[[], int]], rounds: int) -> dict[str, float]:
    """Best seconds of ``rounds`` runs of each fn, interleaved so that load on the machine hits all alike.

    Each run builds its own fresh pipeline (cold caches, taxonomy compiled inside the measurement).
    """
    best = {name: float("inf") for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=3000)
    parser.add_argument("--per-file", type=int, default=1500, help="snapshot postings read per file")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    postings = load_postings(args.postings, args.per_file)
    n = len(postings)
    texts = [_text(*p) for p in postings]
    chars = sum(len(t) for t in texts)
    print(f"{n} real snapshot postings, {chars / n:,.0f} characters each on average")

    def tokenizer_only() -> int:
        nlp = spacy.blank("en")
        return sum(len(doc) for doc in nlp.pipe(texts, batch_size=64))

    def extract(n_process: int) -> Callable[[], int]:
        def run() -> int:
            extractor = SkillExtractor()
            batch = (_text(*p) for p in postings)
            return sum(len(m) for m in extractor.extract_many(batch, batch_size=64, n_process=n_process))

        return run

    def html_only() -> int:
        return sum(len(_text(*p)) for p in postings)

    t = timed({"html": html_only, "tok": tokenizer_only, "ext": extract(1), "ext2": extract(2)}, args.rounds)
    t_html, t_tok, t_ext, t_ext2 = t["html"], t["tok"], t["ext"], t["ext2"]
    mentions = extract(1)()
    print(f"  html -> text only          : {n / t_html:8,.0f} postings/s")
    print(f"  spacy.blank('en') tokenise : {n / t_tok:8,.0f} postings/s  (same texts)")
    print(f"  full extract, n_process=1  : {n / t_ext:8,.0f} postings/s  ({mentions} mentions)")
    print(f"  full extract, n_process=2  : {n / t_ext2:8,.0f} postings/s")
    print(f"extract/tokenizer throughput ratio: {t_tok / t_ext:.2f}")


if __name__ == "__main__":
    main()
