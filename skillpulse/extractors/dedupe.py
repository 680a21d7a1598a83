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

``find_duplicates`` reads its postings once, as a stream, and keeps no text: per posting only its key, a
content digest, a MinHash signature (a 256-byte row of one ``uint32`` matrix), small integer ids for the
normalised company, title, location and roles, and the first posting of each item id; about 350 bytes a
posting, so a million postings fit in a few hundred MB whatever their texts. Texts are normalised once
(for the digest and the shingles alike) on UTF-8 bytes, and signatures are computed with numpy for many
postings at a time; the candidate pairs of every link kind are then found with sorts over those arrays.
All of this is a faster route to the same answer: ``normalise``, ``signature`` and the rules above
define the result.

Copies are linked without comparing every pair of them. Postings with the same signature and the same
company, title and roles are interchangeable for ``near`` (each pair of them is similar and compatible,
and any third posting compares alike with all of them), and so are postings of one company + title +
location with the same signature for ``key``. Pairs are formed between one posting of each such class,
and the others are linked to it: the same groups and kinds, with links growing with the postings instead
of with the square of the copies of a job (a job re-posted 15 times is 105 pairs in each of 16 bands;
at a million postings those pairs took 10 GB).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

SHINGLE_WORDS = 5
NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
NEAR_JACCARD = 0.8
KEY_JACCARD = 0.5
MIN_EXACT_CHARS = 200  # shorter texts ("see our site") are too generic to call two postings one job
MAX_TEXT_CHARS = 6000
MAX_BUCKET = 500  # a 500-strong LSH bucket is boilerplate, not one job
_PRIME = np.uint64(4294967311)  # smallest prime above 2**32
_rng = np.random.default_rng(20260101)  # fixed: signatures (and so groups) are the same every run
_A = _rng.integers(1, 2**32 - 1, NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, 2**32 - 1, NUM_PERM, dtype=np.uint64)
KIND_RANK = {"same_item": 4, "exact": 3, "near": 2, "key": 1}
_KIND_OF_RANK: dict[int, str | None] = {0: None, **{rank: kind for kind, rank in KIND_RANK.items()}}
_URL = re.compile(r"https?://\S+|www\.\S+")
_NON_WORD = re.compile(r"[^\w]+")
_SR = re.compile(r"\bsr\b")
_JR = re.compile(r"\bjr\b")
_SPACES = re.compile(r"\s+")

# ASCII bytes that are not ``\w`` become spaces; bytes >= 0x80 (parts of multi-byte UTF-8 characters) are
# left alone here and judged per character in ``_words``.
_ASCII_WORD = {c for c in range(128) if re.fullmatch(r"\w", chr(c))}
_ASCII_TO_SPACE = bytes(c if c in _ASCII_WORD or c >= 128 else 32 for c in range(256))
_ASCII_BYTES = bytes(range(128))
_is_word_char: dict[str, bool] = {}  # non-ASCII character -> matches ``\w``; grows with the alphabet seen

# Signatures are computed once at least this many shingles are pending: numpy's per-call cost is spread
# over a block of postings while the (NUM_PERM x shingles) temporaries stay a few MB (4096 to 16384
# measured alike).
_HASH_BLOCK = 8192
# Candidate pairs are generated and compared at most this many at a time, so one huge bucket or key
# group costs time, not memory.
_PAIR_BLOCK = 1 << 18


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
    """Lower case, URLs dropped, every run of non-word characters one space (first MAX_TEXT_CHARS)."""
    if not text:
        return ""
    return _NON_WORD.sub(" ", _URL.sub(" ", text[:MAX_TEXT_CHARS].lower())).strip()


def normalise_title(title: str | None) -> str:
    """Case and punctuation only, plus spelled-out abbreviations: "Sr. Data Scientist" = "Senior ...", but
    "Senior Data Scientist" stays a different job from "Data Scientist"."""
    t = normalise(title)
    t = _SR.sub("senior", t)
    t = _JR.sub("junior", t)
    return _SPACES.sub(" ", t).strip()


def _words(text: str | None) -> list[bytes]:
    """The words of ``normalise(text)``, UTF-8 encoded: ``b" ".join(_words(t)) == normalise(t).encode()``.

    The same rule as ``normalise`` without its two regex passes over every character (the slowest part of
    the old per-posting work): non-word ASCII becomes a space by ``bytes.translate``, and only the few
    distinct non-ASCII characters of a text are tested against ``\\w`` (cached). UTF-8 is
    self-synchronising, so replacing a character's encoding never touches another character's bytes.
    """
    if not text:
        return []
    s = text[:MAX_TEXT_CHARS].lower()
    s = _drop_urls(s)
    b = s.encode("utf-8", "surrogatepass")  # a lone surrogate is a non-word character like any other
    if not s.isascii():
        for ch in set(b.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")):
            word = _is_word_char.get(ch)
            if word is None:
                word = _is_word_char[ch] = _NON_WORD.fullmatch(ch) is None
            if not word:
                b = b.replace(ch.encode("utf-8", "surrogatepass"), b" ")
    return b.translate(_ASCII_TO_SPACE).split()


def _drop_urls(s: str) -> str:
    """``_URL.sub(" ", s)``, the regex run only from the first "http" or "www." (where every match starts):
    half the cost of scanning the whole text with it."""
    first = min((i for i in (s.find("http"), s.find("www.")) if i >= 0), default=-1)
    return s if first < 0 else s[:first] + _URL.sub(" ", s[first:])


def _digest(normalised: bytes) -> bytes | None:
    """SHA-1 of a normalised text, None below MIN_EXACT_CHARS characters (not bytes)."""
    if len(normalised) < MIN_EXACT_CHARS:  # bytes >= characters
        return None
    if not normalised.isascii() and len(normalised.decode("utf-8")) < MIN_EXACT_CHARS:
        return None
    return hashlib.sha1(normalised).digest()


def text_hash(text: str | None) -> str | None:
    """Hex SHA-1 of ``normalise(text)``; None when it is shorter than MIN_EXACT_CHARS."""
    d = _digest(b" ".join(_words(text)))
    return d.hex() if d else None


def _shingle_hashes(words: list[bytes]) -> Iterator[int]:
    """CRC-32 of each word 5-gram (words joined by one space), in text order, repeats included (they
    cannot change a minimum). ``zip`` over shifted lists builds each gram without a slice per gram; it
    stops at the shortest list, after the last full gram."""
    shifted = [words[i:] for i in range(SHINGLE_WORDS)]
    return map(zlib.crc32, map(b" ".join, zip(*shifted, strict=False)))


def _min_hashes(hashes: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """(len(starts), NUM_PERM) uint64: row k is the MinHash signature of ``hashes[starts[k]:starts[k+1]]``
    (the last run ends at the end), each permutation being ``(a * h + b) mod _PRIME``.

    One call covers a block of postings (numpy's per-call cost is paid per block, not per posting). The
    products stay below 2**64 (h, a, b < 2**32), and ``x - (x // p) * p`` is ``x % p`` computed twice as
    fast (numpy divides by a scalar with libdivide but has no such path for ``%``).
    """
    m = np.multiply.outer(_A, hashes)  # permutation-major: a posting's minimum is over a contiguous run
    m += _B[:, None]
    q = m // _PRIME
    q *= _PRIME
    m -= q
    return np.minimum.reduceat(m, starts, axis=1).T


def signature(text: str | None) -> np.ndarray | None:
    """MinHash signature of the word 5-gram shingles of ``text``; None when it is too short to compare."""
    words = _words(text)
    if len(words) < SHINGLE_WORDS * 2:
        return None
    h = np.fromiter(_shingle_hashes(words), dtype=np.uint64)
    return _min_hashes(h, np.zeros(1, dtype=np.intp))[0]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


class _Vocabulary:
    """Normalised strings as small ints (0 is the empty string), so a million postings' companies, titles
    and locations cost four bytes each and compare as arrays. Raw values are cached per field: the same
    company or title recurs across thousands of postings and is normalised once."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {"": 0}

    def field(self, norm: Callable[[Any], str]) -> Callable[[Any], int]:
        """A lookup raw value -> id of ``norm(raw)``, with its own cache of raw values."""
        cache: dict[Any, int] = {}
        ids = self.ids

        def lookup(raw: Any) -> int:
            got = cache.get(raw)
            if got is None:
                got = cache[raw] = ids.setdefault(norm(raw), len(ids))
            return got

        return lookup


class _Signatures:
    """A growable (rows, NUM_PERM) matrix of signatures, filled a block of postings at a time (no view of
    ``data`` is handed out before ``matrix()``, so resizing it in place is safe).

    Values are residues mod _PRIME, below 2**32 + 15; a minimum over a posting's shingles reaching 2**32
    is vanishingly rare, so rows are stored as uint32 (half the memory) and the matrix switches to uint64
    for good if one ever does, keeping comparisons exact.
    """

    def __init__(self) -> None:
        self.data = np.empty((1024, NUM_PERM), dtype=np.uint32)
        self.n = 0
        self.hashes = array("I")  # shingle hashes of the postings not yet signed
        self.starts = array("q")  # where each of those postings' hashes begin

    def add(self, hashes: Iterator[int]) -> int:
        """Queue one posting's shingle hashes; returns its row."""
        row = self.n + len(self.starts)
        self.starts.append(len(self.hashes))
        self.hashes.extend(hashes)
        if len(self.hashes) >= _HASH_BLOCK:
            self.flush()
        return row

    def flush(self) -> None:
        if not self.starts:
            return
        hashes = np.frombuffer(self.hashes, dtype=np.uint32).astype(np.uint64)
        rows = _min_hashes(hashes, np.frombuffer(self.starts, dtype=np.int64))
        self.hashes, self.starts = array("I"), array("q")
        end = self.n + len(rows)
        if self.data.dtype == np.uint32 and int(rows.max()) > 0xFFFFFFFF:
            self.data = self.data.astype(np.uint64)
        if end > len(self.data):
            # in place: realloc (mremap for a large array) grows it without a second copy alongside
            self.data.resize((max(end, len(self.data) * 3 // 2), NUM_PERM), refcheck=False)
        self.data[self.n : end] = rows
        self.n = end

    def matrix(self) -> np.ndarray:
        self.flush()
        return self.data[: self.n]


def _runs(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group rows equal in every column: (order, run starts, run sizes), runs being positions in ``order``."""
    n = len(columns[0])
    order = np.lexsort(columns)
    same = np.ones(n, dtype=bool)  # same[i]: sorted row i equals row i - 1
    same[:1] = False
    for col in columns:
        s = col[order]
        same[1:] &= s[1:] == s[:-1]
    starts = np.flatnonzero(~same)
    return order, starts, np.diff(np.append(starts, n))


def _run_pairs(order: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> Iterator[tuple[np.ndarray, ...]]:
    """Every pair of rows within each run, in blocks of at most about _PAIR_BLOCK pairs."""
    for size in np.unique(sizes):
        first, second = np.triu_indices(int(size), 1)
        per_block = max(1, _PAIR_BLOCK // len(first))
        run_starts = starts[sizes == size]
        for i in range(0, len(run_starts), per_block):
            base = run_starts[i : i + per_block, None]
            yield order[(base + first).ravel()], order[(base + second).ravel()]


def _equal_count(sigs: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Number of equal signature values of rows a[i] and b[i] (``similarity`` times NUM_PERM)."""
    out = np.empty(len(a), dtype=np.int64)
    step = max(1, _PAIR_BLOCK // NUM_PERM)
    for i in range(0, len(a), step):
        out[i : i + step] = (sigs[a[i : i + step]] == sigs[b[i : i + step]]).sum(axis=1)
    return out


def _signature_ids(sigs: np.ndarray) -> np.ndarray:
    """Per row of ``sigs``, an id shared by exactly the rows with the same values: a 64-bit mix of the
    row groups candidates, and a row that differs from its group's first row (a collision, vanishingly
    rare) gets an id of its own."""
    mix = np.zeros(len(sigs), dtype=np.uint64)
    for col in range(sigs.shape[1]):  # column by column: no (rows x NUM_PERM) uint64 temporary
        mix *= np.uint64(0x9E3779B97F4A7C15)
        mix ^= sigs[:, col].astype(np.uint64)
    _, (later, first), _ = _classes([mix])
    ids = np.arange(len(sigs))
    ids[later] = first
    differ = later[(sigs[later] != sigs[first]).any(axis=1)]
    ids[differ] = differ  # its own id: its row index, which no group's id equals
    return ids


def _classes(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows equal in every column form a class: (reps, members, weight). ``reps`` is the first row of
    each class; ``members`` is two parallel arrays, every other row and the rep of its class; ``weight``
    is each rep's class size."""
    order, starts, sizes = _runs(columns)
    reps = order[starts]
    rep_of = np.repeat(reps, sizes)
    later = np.ones(len(order), dtype=bool)
    later[starts] = False
    return reps, np.stack([order[later], rep_of[later]]), sizes


class _Links:
    """Links found so far, as (kind rank, index array, index array); merged once at the end."""

    def __init__(self) -> None:
        self.parts: list[tuple[int, np.ndarray, np.ndarray]] = []

    def add(self, kind: str, a: np.ndarray, b: np.ndarray) -> None:
        if len(a):
            self.parts.append((KIND_RANK[kind], np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)))


def find_duplicates(items: Iterable[DedupeItem]) -> dict[str, tuple[str, str | None]]:
    """posting key → (dup_group, dup_kind); kind is the strongest link that joined it (None: alone).

    ``items`` is iterated once and no text is kept (see the module docstring). A key given twice is one
    posting: its company, title and roles are the last copy's, its signature the last one a copy had,
    while each copy's item id, text hash and location still link it.
    """
    keys: list[str] = []
    vocab = _Vocabulary()
    company_id, title_id, place_id = (
        vocab.field(normalise),
        vocab.field(normalise_title),
        vocab.field(normalise),
    )
    roles_id = vocab.field(lambda r: ",".join(sorted(set(r) - {"other"})))
    company, title, place, roles = array("i"), array("i"), array("i"), array("i")
    sigs = _Signatures()
    sig_row = array("q")  # per posting: its row in ``sigs``, -1 when its text is too short to compare
    digests = bytearray()  # SHA-1 digests of the texts long enough to compare exactly ...
    digest_of = array("q")  # ... and whose they are
    first_with_id: dict[str, int] = {}
    links = _Links()
    same_item_a, same_item_b = array("q"), array("q")

    for i, item in enumerate(items):
        keys.append(item.key)
        if item.item_id:
            first = first_with_id.setdefault(item.item_id, i)
            if first != i:
                same_item_a.append(first)
                same_item_b.append(i)
        words = _words(item.text)
        d = _digest(b" ".join(words))
        if d:
            digests += d
            digest_of.append(i)
        sig_row.append(sigs.add(_shingle_hashes(words)) if len(words) >= SHINGLE_WORDS * 2 else -1)
        company.append(company_id(item.company))
        title.append(title_id(item.title))
        place.append(place_id(item.location))
        roles.append(roles_id(tuple(item.roles)))
    del first_with_id, vocab, company_id, title_id, place_id, roles_id

    n = len(keys)
    if not n:
        return {}
    matrix = sigs.matrix()
    comp_, title_, place_, roles_ = (np.frombuffer(x, dtype=np.int32) for x in (company, title, place, roles))
    rows = np.frombuffer(sig_row, dtype=np.int64).copy()
    canon = _canonical(keys, rows)
    links.add(
        "same_item",
        canon[np.frombuffer(same_item_a, dtype=np.int64)],
        canon[np.frombuffer(same_item_b, dtype=np.int64)],
    )

    if digest_of:
        _, (later, first), _ = _classes([np.frombuffer(digests, dtype="V20")])
        owner = np.frombuffer(digest_of, dtype=np.int64)  # each later copy links to the first of its text
        links.add("exact", canon[owner[first]], canon[owner[later]])
    del digests, digest_of

    sig_id = _signature_ids(matrix)  # per signature row
    own = np.flatnonzero(canon == np.arange(n))  # one posting per key
    _near_links(links, matrix, own, rows[own], sig_id, (comp_, title_, roles_))
    _key_links(links, matrix, rows, canon, sig_id, (comp_, title_, place_))
    return _groups(keys, canon, links)


def _near_links(
    links: _Links,
    matrix: np.ndarray,
    key_of: np.ndarray,
    key_rows: np.ndarray,
    sig_id: np.ndarray,
    fields: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """LSH candidates among the postings (one per key) that have a signature, one posting per class of
    interchangeable ones (same signature, company, title and roles).

    A bucket counts every posting of its classes against MAX_BUCKET, as if the copies were compared one
    by one; a class's own copies are linked (similarity 1, compatible fields) when one of its buckets is
    within that bound."""
    comp_, title_, roles_ = fields
    has_sig = key_rows >= 0
    near_of, near_rows = key_of[has_sig], key_rows[has_sig]
    reps, members, weight = _classes([roles_[near_of], title_[near_of], comp_[near_of], sig_id[near_rows]])
    rep_sigs = matrix[near_rows[reps]]
    linked_inside = np.zeros(len(near_of), dtype=bool)  # per rep: its class's copies are to be linked
    for band in range(BANDS):
        cols = np.ascontiguousarray(rep_sigs[:, band * ROWS : (band + 1) * ROWS])
        if cols.dtype == np.uint32:  # a band's 4 x 32 bits as 2 x 64: half the sort keys
            cols = cols.view(np.uint64)
        order, starts, sizes = _runs(list(cols.T))
        postings = np.add.reduceat(weight[order], starts) if len(order) else sizes
        fits = (postings >= 2) & (postings <= MAX_BUCKET)
        linked_inside[reps[order[np.repeat(fits, sizes)]]] = True
        keep = fits & (sizes >= 2)
        for a, b in _run_pairs(order, starts[keep], sizes[keep]):
            pa, pb = near_of[reps[a]], near_of[reps[b]]
            ok = _compatible(comp_, pa, pb) & _compatible(title_, pa, pb) & _compatible(roles_, pa, pb)
            a, b = a[ok], b[ok]
            same = _equal_count(rep_sigs, a, b) / NUM_PERM >= NEAR_JACCARD
            links.add("near", near_of[reps[a[same]]], near_of[reps[b[same]]])
    inside = linked_inside[members[1]]
    links.add("near", near_of[members[0][inside]], near_of[members[1][inside]])


def _key_links(
    links: _Links,
    matrix: np.ndarray,
    rows: np.ndarray,
    canon: np.ndarray,
    sig_id: np.ndarray,
    fields: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """Same company + title + location (company and title are the key's, location each copy's), linked
    when either has no text to compare or the texts are KEY_JACCARD similar; one posting per class of
    those with the same signature (or none), the others linked to it."""
    comp_, title_, place_ = fields
    c_comp, c_title = comp_[canon], title_[canon]
    has_key = np.flatnonzero((c_comp != 0) & (c_title != 0) & (place_ != 0))
    if not len(has_key):
        return
    c_rows = rows[canon[has_key]]
    c_sig = np.full(len(c_rows), -1, dtype=np.int64)  # -1: no text to compare
    c_sig[c_rows >= 0] = sig_id[c_rows[c_rows >= 0]]
    reps, members, _ = _classes([c_sig, place_[has_key], c_title[has_key], c_comp[has_key]])
    links.add("key", canon[has_key[members[0]]], canon[has_key[members[1]]])
    rep_of = has_key[reps]
    order, starts, sizes = _runs([place_[rep_of], c_title[rep_of], c_comp[rep_of]])
    keep = sizes >= 2
    for a, b in _run_pairs(rep_of[order], starts[keep], sizes[keep]):
        ra, rb = rows[canon[a]], rows[canon[b]]
        both = (ra >= 0) & (rb >= 0)
        ok = ~both
        ok[both] = _equal_count(matrix, ra[both], rb[both]) / NUM_PERM >= KEY_JACCARD
        links.add("key", canon[a[ok]], canon[b[ok]])


def _compatible(ids: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per pair: one side unknown (empty) or both the same."""
    x, y = ids[a], ids[b]
    return (x == 0) | (y == 0) | (x == y)


def _canonical(keys: list[str], rows: np.ndarray) -> np.ndarray:
    """Per posting, the index standing for its key: itself, unless the key comes again later (then the
    last copy, whose company/title/roles win), with ``rows`` of that index set to the key's last signature.
    Keys are unique in practice, and then this is the identity."""
    n = len(keys)
    if len(set(keys)) == n:
        return np.arange(n)
    last: dict[str, int] = {}
    last_row: dict[str, int] = {}
    for i, key in enumerate(keys):
        last[key] = i
        if rows[i] >= 0:
            last_row[key] = int(rows[i])
    for key, i in last.items():
        rows[i] = last_row.get(key, -1)
    return np.fromiter((last[k] for k in keys), dtype=np.int64, count=n)


def _groups(keys: list[str], canon: np.ndarray, links: _Links) -> dict[str, tuple[str, str | None]]:
    """Union the links; a group's id is its smallest key, a posting's kind its strongest link."""
    rank = np.zeros(len(keys), dtype=np.int8)
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while (up := parent.get(root, root)) != root:
            root = up
        while x != root:
            parent[x], x = root, parent[x]
        return root

    n = len(keys)
    for kind, a, b in links.parts:
        np.maximum.at(rank, a, kind)
        np.maximum.at(rank, b, kind)
    if links.parts:
        a = np.concatenate([a for _, a, _ in links.parts])
        b = np.concatenate([b for _, _, b in links.parts])
        # each pair once: a near pair is found in up to BANDS buckets, and a pair may link several ways
        pairs = np.unique(np.minimum(a, b) * n + np.maximum(a, b))
        lo, hi = divmod(pairs, n)
        for x, y in zip(lo.tolist(), hi.tolist(), strict=True):
            rx, ry = find(x), find(y)
            if rx != ry:
                if keys[ry] < keys[rx]:  # the smaller key becomes the root
                    rx, ry = ry, rx
                parent[ry] = rx
    kinds = [_KIND_OF_RANK[r] for r in rank.tolist()]
    return {
        key: (keys[find(c)] if c in parent else key, kinds[c])
        for key, c in zip(keys, canon.tolist(), strict=True)
    }


def duplicate_rate(groups: dict[str, tuple[str, str | None]]) -> float:
    """Share of postings that are extra copies of a job already counted."""
    if not groups:
        return 0.0
    return 1 - len({g for g, _ in groups.values()}) / len(groups)
