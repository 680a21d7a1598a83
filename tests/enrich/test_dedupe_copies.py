"""Many copies of a job: ``find_duplicates`` links them through one posting per class of interchangeable
copies, and must still give what the rules give pair by pair.

The reference below applies the module's documented rules to every pair of postings, with nothing shared
with the fast path but ``signature``, ``text_hash`` and the normalisers: exact text, near (an LSH bucket
within ``MAX_BUCKET`` postings, compatible company / title / roles, estimated Jaccard at least
``NEAR_JACCARD``), same key (company + title + location, texts missing or ``KEY_JACCARD`` similar), same
item id. The texts are real HN comments (from ``test_dedupe_streaming``), drawn many times over.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skillpulse.extractors import dedupe
from skillpulse.extractors.dedupe import DedupeItem, find_duplicates, signature, similarity, text_hash

from .test_dedupe_streaming import FLIPBOARD, FLIPBOARD_REPOST, PIKIMAL, PIKIMAL_REPOST, WRIT

TEXTS = [PIKIMAL, PIKIMAL_REPOST, FLIPBOARD, FLIPBOARD_REPOST, WRIT, None, "short ad, see our site"]
COMPANIES = [None, "Pikimal", "Flipboard"]
TITLES = [None, "Ruby Developer", "Sr. Ruby Developer"]
PLACES = [None, "Pittsburgh, PA"]
ROLES = [(), ("software_engineer",), ("data_scientist",), ("other",)]


def _roles(r: tuple[str, ...]) -> str:
    return ",".join(sorted(set(r) - {"other"}))


def _by_the_rules(items: list[DedupeItem], max_bucket: int) -> dict[str, tuple[str, str | None]]:
    """Every pair judged on its own (keys are unique here, so each posting stands for itself)."""
    sigs = [signature(i.text) for i in items]
    hashes = [text_hash(i.text) for i in items]
    buckets: dict[tuple, int] = {}  # (band, band values) -> postings with a signature in it
    for s in sigs:
        if s is not None:
            for b in range(dedupe.BANDS):
                band = (b, tuple(s[b * dedupe.ROWS : (b + 1) * dedupe.ROWS].tolist()))
                buckets[band] = buckets.get(band, 0) + 1

    def fits_a_bucket(a, b) -> bool:
        for band in range(dedupe.BANDS):
            cut = slice(band * dedupe.ROWS, (band + 1) * dedupe.ROWS)
            values = tuple(a[cut].tolist())
            if values == tuple(b[cut].tolist()) and 2 <= buckets[(band, values)] <= max_bucket:
                return True
        return False

    def compatible(x: str, y: str) -> bool:
        return not x or not y or x == y

    rank = [0] * len(items)
    parent = list(range(len(items)))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for i, j in itertools.combinations(range(len(items)), 2):
        a, b = items[i], items[j]
        kinds = []
        if a.item_id and a.item_id == b.item_id:
            kinds.append("same_item")
        if hashes[i] and hashes[i] == hashes[j]:
            kinds.append("exact")
        sa, sb = sigs[i], sigs[j]
        if (
            sa is not None
            and sb is not None
            and compatible(dedupe.normalise(a.company), dedupe.normalise(b.company))
            and compatible(dedupe.normalise_title(a.title), dedupe.normalise_title(b.title))
            and compatible(_roles(a.roles), _roles(b.roles))
            and fits_a_bucket(sa, sb)
            and similarity(sa, sb) >= dedupe.NEAR_JACCARD
        ):
            kinds.append("near")
        key_a = (dedupe.normalise(a.company), dedupe.normalise_title(a.title), dedupe.normalise(a.location))
        key_b = (dedupe.normalise(b.company), dedupe.normalise_title(b.title), dedupe.normalise(b.location))
        if (
            all(key_a)
            and key_a == key_b
            and (sa is None or sb is None or similarity(sa, sb) >= dedupe.KEY_JACCARD)
        ):
            kinds.append("key")
        if kinds:
            best = max(dedupe.KIND_RANK[k] for k in kinds)
            rank[i], rank[j] = max(rank[i], best), max(rank[j], best)
            ri, rj = find(i), find(j)
            if ri != rj:
                lo, hi = sorted((ri, rj), key=lambda r: items[r].key)
                parent[hi] = lo
    kind_of = {r: k for k, r in dedupe.KIND_RANK.items()}
    return {item.key: (items[find(i)].key, kind_of.get(rank[i])) for i, item in enumerate(items)}


_posting = st.tuples(
    st.sampled_from(range(len(TEXTS))),
    st.sampled_from(COMPANIES),
    st.sampled_from(TITLES),
    st.sampled_from(PLACES),
    st.sampled_from(ROLES),
    st.sampled_from([None, "hn:1", "hn:2"]),
)


@settings(max_examples=60, deadline=None)
@given(postings=st.lists(_posting, min_size=1, max_size=40), max_bucket=st.sampled_from([2, 3, 5, 12, 500]))
def test_copies_group_as_the_rules_do_pair_by_pair(postings: list[tuple], max_bucket: int) -> None:
    items = [
        DedupeItem(f"k{n:02d}", TEXTS[t], company, title, place, item_id, roles)
        for n, (t, company, title, place, roles, item_id) in enumerate(postings)
    ]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dedupe, "MAX_BUCKET", max_bucket)
        assert find_duplicates(items) == _by_the_rules(items, max_bucket)


def test_a_hundred_copies_of_one_job_are_one_group_with_links_growing_linearly() -> None:
    """100 copies in one bucket: pairwise that is 4,950 pairs per band; through their class it is 99 links."""
    items = [
        DedupeItem(f"k{n:03d}", PIKIMAL, "Pikimal", "Ruby Developer", "Pittsburgh, PA") for n in range(100)
    ]
    seen: list[int] = []
    real_add = dedupe._Links.add

    def counting_add(self, kind, a, b):  # noqa: ANN001, ANN202
        seen.append(len(a))
        real_add(self, kind, a, b)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dedupe._Links, "add", counting_add)
        groups = find_duplicates(items)
    assert set(groups.values()) == {("k000", "exact")}
    assert sum(seen) <= 3 * 99  # exact, near and key: each one link per copy
