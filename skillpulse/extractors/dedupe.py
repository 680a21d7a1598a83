"""Duplicate postings: the same job scraped twice, re-posted next month, or delivered by two sources.

Reports count each job once (one ``dup_group``), while the store keeps every copy. Four kinds of link,
strongest first:

* ``same_item``: two sources carry the same HN comment (``hn:123`` and ``hn_structured:123``);
* ``exact``: identical description after normalising case, whitespace and URLs (content hash);
* ``near``: shingled MinHash (word 5-grams, 64 permutations, LSH 16 bands x 4 rows) finds candidate
  pairs, kept when the estimated Jaccard similarity is at least ``NEAR_JACCARD`` and the companies,
  titles and role families do not contradict each other (a template reused for two roles is two jobs);
* ``key``: same normalised company + title + location, when one copy has no text to compare
  (structured rows) or the texts are at least ``KEY_JACCARD`` similar.

A group's id is its smallest posting key, so it is stable across runs.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

SHINGLE_WORDS = 5
NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
NEAR_JACCARD = 0.8
KEY_JACCARD = 0.5
MIN_EXACT_CHARS = 200  # shorter texts ("see our site") are too generic to call two postings one job
MAX_TEXT_CHARS = 6000
_PRIME = np.uint64(4294967311)  # smallest prime above 2**32
_rng = np.random.default_rng(20260101)  # fixed: signatures (and so groups) are the same every run
_A = _rng.integers(1, 2**32 - 1, NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, 2**32 - 1, NUM_PERM, dtype=np.uint64)
KIND_RANK = {"same_item": 4, "exact": 3, "near": 2, "key": 1}
_URL = re.compile(r"https?://\S+|www\.\S+")
_NON_WORD = re.compile(r"[^\w]+")


@dataclass
class DedupeItem:
    key: str
    text: str | None = None
    company: str | None = None
    title: str | None = None
    location: str | None = None
    item_id: str | None = None  # an id two sources share (an HN comment id)
    roles: tuple[str, ...] = ()  # role families: a template reused for another role is another job


def normalise(text: str | None) -> str:
    if not text:
        return ""
    return _NON_WORD.sub(" ", _URL.sub(" ", text[:MAX_TEXT_CHARS].lower())).strip()


def normalise_title(title: str | None) -> str:
    """Case and punctuation only, plus spelled-out abbreviations: "Sr. Data Scientist" = "Senior ...", but
    "Senior Data Scientist" stays a different job from "Data Scientist"."""
    t = normalise(title)
    t = re.sub(r"\bsr\b", "senior", t)
    t = re.sub(r"\bjr\b", "junior", t)
    return re.sub(r"\s+", " ", t).strip()


def text_hash(text: str | None) -> str | None:
    n = normalise(text)
    return hashlib.sha1(n.encode("utf-8")).hexdigest() if len(n) >= MIN_EXACT_CHARS else None


def signature(text: str | None) -> np.ndarray | None:
    """MinHash signature of the word 5-gram shingles of ``text``; None when it is too short to compare."""
    words = normalise(text).split()
    if len(words) < SHINGLE_WORDS * 2:
        return None
    grams = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    h = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64, count=len(grams))
    return ((np.outer(h, _A) + _B) % _PRIME).min(axis=0)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller key becomes the root, so a group's id is its smallest member
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def _compatible(a: str, b: str) -> bool:
    return not a or not b or a == b


def find_duplicates(items: Iterable[DedupeItem]) -> dict[str, tuple[str, str | None]]:
    """posting key → (dup_group, dup_kind); kind is the strongest link that joined it (None: alone)."""
    items = list(items)
    uf = _UnionFind()
    kind: dict[str, str] = {}

    def link(a: str, b: str, how: str) -> None:
        uf.union(a, b)
        for k in (a, b):
            if KIND_RANK[how] > KIND_RANK.get(kind.get(k, ""), 0):
                kind[k] = how

    for item in items:
        uf.find(item.key)

    by_id: dict[str, list[str]] = defaultdict(list)
    by_hash: dict[str, list[str]] = defaultdict(list)
    for item in items:
        if item.item_id:
            by_id[item.item_id].append(item.key)
        h = text_hash(item.text)
        if h:
            by_hash[h].append(item.key)
    for keys in by_id.values():
        for other in keys[1:]:
            link(keys[0], other, "same_item")
    for keys in by_hash.values():
        for other in keys[1:]:
            link(keys[0], other, "exact")

    companies = {i.key: normalise(i.company) for i in items}
    titles = {i.key: normalise_title(i.title) for i in items}
    roles = {i.key: ",".join(sorted(set(i.roles) - {"other"})) for i in items}
    sigs: dict[str, np.ndarray] = {}
    for item in items:
        sig = signature(item.text)
        if sig is not None:
            sigs[item.key] = sig
    buckets: dict[tuple[int, bytes], list[str]] = defaultdict(list)
    for key, sig in sigs.items():
        for band in range(BANDS):
            buckets[(band, sig[band * ROWS : (band + 1) * ROWS].tobytes())].append(key)
    checked: set[tuple[str, str]] = set()
    for keys in buckets.values():
        if len(keys) < 2 or len(keys) > 500:  # a 500-strong bucket is boilerplate, not one job
            continue
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                pair = (a, b) if a < b else (b, a)
                if pair in checked:
                    continue
                checked.add(pair)
                if not (_compatible(companies[a], companies[b]) and _compatible(titles[a], titles[b])):
                    continue
                if not _compatible(roles[a], roles[b]):
                    continue
                if similarity(sigs[a], sigs[b]) >= NEAR_JACCARD:
                    link(a, b, "near")

    by_key: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for item in items:
        loc = normalise(item.location)
        if companies[item.key] and titles[item.key] and loc:
            by_key[(companies[item.key], titles[item.key], loc)].append(item.key)
    for keys in by_key.values():
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                if a not in sigs or b not in sigs or similarity(sigs[a], sigs[b]) >= KEY_JACCARD:
                    link(a, b, "key")

    return {item.key: (uf.find(item.key), kind.get(item.key)) for item in items}


def duplicate_rate(groups: dict[str, tuple[str, str | None]]) -> float:
    """Share of postings that are extra copies of a job already counted."""
    if not groups:
        return 0.0
    return 1 - len({g for g, _ in groups.values()}) / len(groups)
