"""Duplicate grouping streams its postings: one pass, no text kept, and the same groups, signatures and
text hashes as the list-based version it replaced.

The texts are real HN "Who is hiring" comments from a collected store (two re-posts a few months apart,
one whitespace-only re-post, one comment with its structured row); the expected groups are what the
list-based ``find_duplicates`` returned for them.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import re
import weakref
import zlib
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillpulse.extractors import dedupe
from skillpulse.extractors.dedupe import DedupeItem, find_duplicates, signature, similarity, text_hash
from skillpulse.flows.settings import SNAPSHOT_DIR
from skillpulse.flows.sources.snapshot import GLASSDOOR_FILES

PIKIMAL = (
    "Pittsburgh, PA (no remote)\nhttp://pikimal.com/jobs\nWe're looking for Semantic Web and Ruby "
    "Developers but if you're a strong developer who doesn't know Ruby yet that's no obstacle. We have "
    "extremely flexible hours, collaborative coder DNA, and we provide good tools, lunches, and great "
    "health care.\n\nPikimal is working to change how people use the web to make decisions. Once users "
    "tell us what's important to them, we can tell them what's best for them. Since all of our "
    "recommendations are based solely on facts, users receive results separate from "
    "marketing.\n\nPlease include a link to public code you've written or your Github repo when you "
    "apply. Feel free to reach out directly to my first name @pikimal.com"
)
PIKIMAL_REPOST = (
    "Pittsburgh, PA (no remote) http://pikimal.com/jobs\nWe're looking for Semantic Web and Ruby "
    "Developers but if you're a strong developer who doesn't know Ruby yet that's no obstacle. We have "
    "extremely flexible hours, collaborative coder DNA, good tools, a strong team to work with, and "
    "great health care.\nPikimal is working to change how people use the web to make decisions. Once "
    "users tell us what's important to them, we can tell them what's best for them. Since all of our "
    "recommendations are based solely on facts, users receive results separate from "
    "marketing.\n\nPlease include a link to public code you've written or your Github repo when you "
    "apply. Feel free to reach out directly to my first name @pikimal.com"
)
FLIPBOARD = (
    "Palo Alto, CA - Flipboard\nSeeking iOS, service, and web developers with a passion for design and "
    "craftsmanship. (No remote is possible.)\nhttp://www.flipboard.com/jobs\n\n[NSString "
    'stringWithFormat:@"%@+HN@%@.com", @"charles", @"flipboard"]\n\n"%s+HN@%s.com" % ("charles", '
    '"flipboard")'
)
FLIPBOARD_REPOST = (
    "Palo Alto, CA - Flipboard Seeking iOS, service, and web developers with a passion for design and "
    "craftsmanship. (No remote is possible.)\nhttp://www.flipboard.com/jobs\n[NSString "
    'stringWithFormat:@"%@+HN@%@.com", @"charles", @"flipboard"]\n"%s+HN@%s.com" % ("charles", '
    '"flipboard")'
)
WRIT = (
    "Writ | Founding Engineers | Full-time | SF | Hybrid | https://writ.so\nWe’re building a new "
    "collaborative tool for data-driven teams.\nIf building tools that incorporate real-time "
    "collaboration, search, and machine learning excite you, we’d love to chat.\nPlease reach out at "
    "jobs@writ.so if interested."
)
SE = ("software_engineer",)

# -- the list-based implementation's normalise / signature / text hash, copied as the reference ---------
_OLD_URL = re.compile(r"https?://\S+|www\.\S+")
_OLD_NON_WORD = re.compile(r"[^\w]+")
_old_rng = np.random.default_rng(20260101)
_OLD_A = _old_rng.integers(1, 2**32 - 1, 64, dtype=np.uint64)
_OLD_B = _old_rng.integers(0, 2**32 - 1, 64, dtype=np.uint64)
_OLD_PRIME = np.uint64(4294967311)


def _old_normalise(text: str | None) -> str:
    if not text:
        return ""
    return _OLD_NON_WORD.sub(" ", _OLD_URL.sub(" ", text[:6000].lower())).strip()


def _old_signature(text: str | None) -> np.ndarray | None:
    words = _old_normalise(text).split()
    if len(words) < 5 * 2:
        return None
    grams = {" ".join(words[i : i + 5]) for i in range(len(words) - 5 + 1)}
    h = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64, count=len(grams))
    return ((np.outer(h, _OLD_A) + _OLD_B) % _OLD_PRIME).min(axis=0)


def _old_text_hash(text: str | None) -> str | None:
    n = _old_normalise(text)
    return hashlib.sha1(n.encode("utf-8")).hexdigest() if len(n) >= 200 else None


def _assert_same_signature(text: str | None) -> None:
    want, got = _old_signature(text), signature(text)
    if want is None:
        assert got is None
    else:
        assert got is not None and got.dtype == np.uint64 and got.shape == (64,)
        assert np.array_equal(got, want)


# -- streaming ----------------------------------------------------------------------------------------
class _Text(str):
    """A str that can be watched with a weak reference (plain str cannot)."""


class _OnePass:
    """An iterable that refuses a second pass."""

    def __init__(self, items: Iterator[DedupeItem]) -> None:
        self.items, self.passes = items, 0

    def __iter__(self) -> Iterator[DedupeItem]:
        self.passes += 1
        assert self.passes == 1, "find_duplicates iterated its postings twice"
        return self.items


def test_streams_once_and_keeps_no_text() -> None:
    texts = [PIKIMAL, PIKIMAL_REPOST, FLIPBOARD, FLIPBOARD_REPOST, WRIT]
    watched: list[weakref.ref] = []

    def items() -> Iterator[DedupeItem]:
        for i in range(200):
            # every text but the current posting's and the previous one's (still bound in the caller's
            # loop while it asks for the next) must be gone by now
            assert all(ref() is None for ref in watched[:-2]), "find_duplicates keeps posting texts"
            text = _Text(texts[i % len(texts)] + f" posting {i}")
            watched.append(weakref.ref(text))
            yield DedupeItem(f"k{i:03d}", text, "Acme", "Ruby Developer", "Pittsburgh, PA", roles=SE)

    stream = _OnePass(items())
    groups = find_duplicates(stream)
    assert stream.passes == 1 and len(groups) == 200
    assert all(ref() is None for ref in watched)
    # as the list-based version found: the two Pikimal texts are one job, so are the two Flipboard ones
    # (exact but for the " posting i" suffix), and the Writ text a third
    want = {
        f"k{i:03d}": ({0: "k000", 1: "k000", 2: "k002", 3: "k002", 4: "k004"}[i % 5], "near")
        for i in range(200)
    }
    assert groups == want


def test_generator_and_list_give_the_same_groups() -> None:
    items = [
        DedupeItem("hn:1958879", PIKIMAL, "pittsburgh pa no remote", roles=SE),
        DedupeItem("hn:2162242", PIKIMAL_REPOST, "pittsburgh pa no remote", roles=SE),
        DedupeItem("hn:2396485", FLIPBOARD, "palo alto ca", roles=SE),
    ]
    assert find_duplicates(i for i in items) == find_duplicates(items) != {}


# -- one real case per link kind: the groups the list-based version found ------------------------------
def test_each_link_kind_as_before() -> None:
    items = [
        DedupeItem("hn:34219574", WRIT, "writ", None, None, "hn:34219574", SE),
        DedupeItem(
            "hn_structured:34219574", "", "Writ", "Founding Engineer", "San Francisco, US", "hn:34219574", SE
        ),
        DedupeItem("hn:2396485", FLIPBOARD, "palo alto ca", None, None, "hn:2396485", SE),
        DedupeItem("hn:2607132", FLIPBOARD_REPOST, "palo alto ca", None, None, "hn:2607132", SE),
        DedupeItem("hn:1958879", PIKIMAL, "pittsburgh pa no remote", None, None, "hn:1958879", SE),
        DedupeItem("hn:2162242", PIKIMAL_REPOST, "pittsburgh pa no remote", None, None, "hn:2162242", SE),
        DedupeItem(
            "hn_structured:33862293",
            "",
            "Geomotion Australia",
            "Senior Software Developer",
            "Australia",
            "hn:33862293",
            SE,
        ),
        DedupeItem(
            "hn_structured:36994636",
            "",
            "Geomotion Australia",
            "Senior Software Developer",
            "Australia",
            "hn:36994636",
            SE,
        ),
    ]
    assert find_duplicates(iter(items)) == {
        "hn:34219574": ("hn:34219574", "same_item"),
        "hn_structured:34219574": ("hn:34219574", "same_item"),
        "hn:2396485": ("hn:2396485", "exact"),
        "hn:2607132": ("hn:2396485", "exact"),
        "hn:1958879": ("hn:1958879", "near"),
        "hn:2162242": ("hn:1958879", "near"),
        "hn_structured:33862293": ("hn_structured:33862293", "key"),
        "hn_structured:36994636": ("hn_structured:33862293", "key"),
    }
    assert similarity(signature(PIKIMAL), signature(PIKIMAL_REPOST)) == 54 / 64  # near, not exact


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # another role family: not one job by text, but the same company + title + location and texts
        # at least half alike make it one by key
        (
            ("Pikimal", "Ruby Developer", "Pittsburgh, PA", SE),
            ("Pikimal", "Ruby Developer", "Pittsburgh, PA", ("data_scientist",)),
            {"a": ("a", "key"), "b": ("a", "key")},
        ),
        # ... and without a location to match, two jobs
        (
            ("Pikimal", "Ruby Developer", None, SE),
            ("Pikimal", "Ruby Developer", None, ("data_scientist", "other")),
            {"a": ("a", None), "b": ("b", None)},
        ),
        # another level is another job; "Sr." and "Senior" are one level, "other" is no role family
        (
            ("Pikimal", "Ruby Developer", None, SE),
            ("Pikimal", "Sr. Ruby Developer", None, SE),
            {"a": ("a", None), "b": ("b", None)},
        ),
        (
            ("Pikimal", "Senior Ruby Developer", None, SE),
            ("Pikimal", "Sr. Ruby Developer", None, (*SE, "other")),
            {"a": ("a", "near"), "b": ("a", "near")},
        ),
    ],
)
def test_near_needs_compatible_fields_as_before(a: tuple, b: tuple, expected: dict) -> None:
    items = [DedupeItem("a", PIKIMAL, a[0], a[1], a[2], None, a[3])]
    items.append(DedupeItem("b", PIKIMAL_REPOST, b[0], b[1], b[2], None, b[3]))
    assert find_duplicates(iter(items)) == expected


def test_same_key_fields_with_unlike_texts_stay_apart() -> None:
    items = [
        DedupeItem("a", PIKIMAL, "Pikimal", "Ruby Developer", "Pittsburgh, PA", roles=SE),
        DedupeItem("b", FLIPBOARD, "Pikimal", "Ruby Developer", "Pittsburgh, PA", roles=SE),
        DedupeItem("c", None, "Pikimal", "Ruby Developer", "Pittsburgh, PA", roles=SE),  # no text: joins
    ]
    assert find_duplicates(iter(items)) == {"a": ("a", "key"), "b": ("a", "key"), "c": ("a", "key")}
    assert find_duplicates(iter(items[:2])) == {"a": ("a", None), "b": ("b", None)}


def test_a_key_given_twice_as_before() -> None:
    # the key keeps the last signature a copy had ...
    items = [DedupeItem("a", PIKIMAL), DedupeItem("a", None), DedupeItem("b", PIKIMAL_REPOST)]
    assert find_duplicates(iter(items)) == {"a": ("a", "near"), "b": ("a", "near")}
    # ... and the last copy's company; its copies' identical texts still mark it "exact"
    items = [
        DedupeItem("a", PIKIMAL, "Pikimal"),
        DedupeItem("a", PIKIMAL, "Other"),
        DedupeItem("b", PIKIMAL_REPOST, "Pikimal"),
    ]
    assert find_duplicates(iter(items)) == {"a": ("a", "exact"), "b": ("b", None)}


# -- signature and text hash: the values the list-based version computed --------------------------------
def _glassdoor_descriptions(n: int) -> list[str]:
    out: list[str] = []
    for filename in GLASSDOOR_FILES.values():
        with gzip.open(SNAPSHOT_DIR / "glassdoor" / filename, "rt", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                out.append(row["Job Description"])
                if len(out) % n == 0:
                    break
    return out


def test_signature_and_text_hash_as_before_on_real_texts() -> None:
    texts = [PIKIMAL, PIKIMAL_REPOST, FLIPBOARD, FLIPBOARD_REPOST, WRIT, *_glassdoor_descriptions(150)]
    long_texts = [t for t in texts if len(t) > dedupe.MAX_TEXT_CHARS]
    assert long_texts and any(not t.isascii() for t in texts)  # cut at MAX_TEXT_CHARS; non-ASCII
    for text in texts:
        _assert_same_signature(text)
        assert text_hash(text) == _old_text_hash(text)
        assert dedupe.normalise(text) == _old_normalise(text)


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "see our site",
        "one two three four five six seven eight nine",  # nine words: too short to compare
        "one two three four five six seven eight nine ten",
        "İstanbul Straße ǅemal ½ ٣ snake_case a\x1cb c\u2028d e\u00a0f ’quoted’ \ud800 lone surrogate",
        "HTTPS://Example.com/JOBS www.acme.io/x\x1cnext http:// word " * 3,
        ("x" * 5990) + " tail words after the cut at six thousand characters one two three four five",
        "ü" * 150 + " over 200 bytes, under 200 characters",
    ],
)
def test_signature_as_before_on_edge_cases(text: str | None) -> None:
    _assert_same_signature(text)
    assert text_hash(text) == _old_text_hash(text)


_ALPHABET = st.sampled_from(
    [" ", "  ", "\n", "\t", ".", "-", "_", "’", "•", "\u00a0", "\x1c", "\u2028", "a", "B", "7", "é", "İ",
     "ß", "٣", "½", "中文", "\ud83d\ude00", "\ud800", "http://x.io/a", "HTTP", "www.", "WWW.y.z", "sr", "jr"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_normalised_words_signature_and_hash_as_before(text: str) -> None:
    assert b" ".join(dedupe._words(text)) == _old_normalise(text).encode("utf-8")
    _assert_same_signature(text)
    assert text_hash(text) == _old_text_hash(text)


def test_a_signature_value_above_32_bits_is_kept_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    sigs = dedupe._Signatures()
    first = sigs.add(iter([1, 2, 3, 4, 5, 6]))
    sigs.flush()
    assert sigs.matrix().dtype == np.uint32
    wide = np.full((1, dedupe.NUM_PERM), 2**32 + 3, dtype=np.uint64)
    monkeypatch.setattr(dedupe, "_min_hashes", lambda hashes, starts: wide)
    second = sigs.add(iter([7]))
    matrix = sigs.matrix()
    assert matrix.dtype == np.uint64 and (first, second) == (0, 1)
    assert np.array_equal(matrix[0], _old_signature_of_hashes([1, 2, 3, 4, 5, 6]))
    assert int(matrix[1, 0]) == 2**32 + 3


def _old_signature_of_hashes(hashes: list[int]) -> np.ndarray:
    h = np.array(hashes, dtype=np.uint64)
    return ((np.outer(h, _OLD_A) + _OLD_B) % _OLD_PRIME).min(axis=0)
