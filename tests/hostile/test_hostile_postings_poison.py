"""Poison already in the store: ``extract`` and ``enrich`` finish, record the failure, and never fail again.

An older version of skillpulse (or a hand-edited store) may hold postings no current source would
deliver: 1.1M characters of text, pay amounts of 1e308 an hour, a 400-digit salary in the text, attributes
that are a list instead of an object. They are inserted here with plain SQL, next to ordinary postings.
Each step must then finish, record what it could not do for the poison posting (with the reason), do
everything else, and on a second run neither fail again nor write anything twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

import pytest

from skillpulse.extractors.skills import SkillExtractor
from skillpulse.flows.settings import TAXONOMY_PATH
from skillpulse.flows.steps import enrich as enrich_step
from skillpulse.flows.steps import extract as extract_step
from skillpulse.flows.store import Store, compress_payload

NOW = datetime(2025, 3, 1, tzinfo=UTC)
ORDINARY = {
    f"list:{n}": f"Machine learning engineer. We use Python, PyTorch and SQL on AWS. Salary $150k-$180k. {n}"
    for n in range(6)
}
HUGE_TEXT = "We use Python and Kubernetes. " + "Plain filler words here. " * 44_000  # 1.1M characters


def insert(store: Store, key: str, text: str | None, **columns: object) -> None:
    """One posting row as an older version might have written it (no checks on the way in)."""
    source, source_id = key.split(":", 1)
    row = {
        "posting_key": key, "source": source, "source_id": source_id, "version": 1,
        "content_hash": f"hash-{key}", "url": None, "company": "Acme", "title": "Machine Learning Engineer",
        "locations": "[]", "remote": None, "posted_at": NOW, "first_seen_at": NOW, "last_seen_at": NOW,
        "text_kind": "full", "description": text, "description_is_html": False, "text": text, "pay": None,
        "attributes": "{}", "raw_payload": compress_payload({"key": key}),
        **columns,
    }  # fmt: skip
    names = ", ".join(row)
    store.con.execute(
        f"INSERT INTO postings ({names}) VALUES ({', '.join('?' * len(row))})", list(row.values())
    )


@pytest.fixture(scope="module")
def extractor() -> SkillExtractor:
    return SkillExtractor(TAXONOMY_PATH)


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    with Store(tmp_path / "poison.duckdb") as s:
        for key, text in ORDINARY.items():
            insert(s, key, text)
        yield s


def counts(store: Store) -> dict[str, int]:
    tables = (
        "postings", "posting_versions", "quarantine", "extractions", "posting_skills", "enrichments",
        "posting_enrichment", "posting_roles", "posting_salaries",
    )  # fmt: skip
    return {t: store.count(t) for t in tables}


def recorded_failures(store: Store, keys: Iterable[str]) -> dict[str, str]:
    """The failure recorded for each poison posting: a quarantine row naming its source and id."""
    out = {}
    for key in keys:
        source, source_id = key.split(":", 1)
        rows = store.con.execute(
            "SELECT reason FROM quarantine WHERE source = ? AND source_id = ?", [source, source_id]
        ).fetchall()
        assert len(rows) == 1, (key, rows)
        out[key] = rows[0][0]
    return out


def skills_of(store: Store, key: str) -> set[str]:
    rows = store.con.execute("SELECT skill_id FROM posting_skills WHERE posting_key = ?", [key]).fetchall()
    return {r[0] for r in rows}


def enriched_keys(store: Store) -> set[str]:
    return {r[0] for r in store.con.execute("SELECT posting_key FROM enrichments").fetchall()}


# -- extract ---------------------------------------------------------------------------------------------
def test_extract_reads_a_bounded_part_of_1_1m_characters_and_goes_on(store, extractor):
    insert(store, "old:huge", HUGE_TEXT)
    result = extract_step.extract(store, extractor)
    assert result["extracted"] == len(ORDINARY) + 1
    assert {"python", "kubernetes"} <= {s.lower() for s in skills_of(store, "old:huge")}
    assert all(skills_of(store, key) for key in ORDINARY)
    before = counts(store)
    again = extract_step.extract(store, extractor)
    assert again["extracted"] == 0 and counts(store) == before


class Exploding:
    """The real extractor, except that one text makes it raise (as an unforeseen input might)."""

    def __init__(self, real: SkillExtractor, marker: str) -> None:
        self.real, self.marker, self.version, self.taxonomy = real, marker, real.version, real.taxonomy

    def extract_many(self, texts: Iterable[str]) -> Iterator[list]:
        for text in texts:
            if self.marker in text:
                raise RuntimeError("the extractor broke on this text")
            yield from self.real.extract_many([text])


def test_extract_records_a_posting_that_makes_the_extractor_raise_and_goes_on(store, extractor):
    insert(store, "old:poison", "POISON-MARKER Python")
    broken = Exploding(extractor, "POISON-MARKER")
    result = extract_step.extract(store, broken)
    assert result["extracted"] == len(ORDINARY) + 1
    assert all(skills_of(store, key) for key in ORDINARY)
    reason = recorded_failures(store, ["old:poison"])["old:poison"]
    assert "RuntimeError" in reason and "extract" in reason
    before = counts(store)
    again = extract_step.extract(store, broken)  # the poison is not read again: nothing raises
    assert again["extracted"] == 0 and counts(store) == before


# -- enrich ----------------------------------------------------------------------------------------------
POISON = {
    # A finite amount that overflows once annualised (1e308 an hour x 2080 hours).
    "old:pay-1e308-hour": {"pay": '[{"min":1e308,"max":1e308,"currency":"USD","period":"hour"}]'},
    # A 400-digit salary in the text overflows the salary text parser.
    "old:text-400-digits": {"text": "Data engineer, Python. Salary: $" + "9" * 400 + " per year"},
    # Attributes as a list, or with an object where a name belongs, break the industry classifier.
    "old:attributes-list": {"attributes": "[1, 2, 3]"},
    "old:attributes-object-industry": {"attributes": '{"industry": {"name": "Fintech"}, "sector": [1]}'},
}


@pytest.mark.parametrize("key", sorted(POISON))
def test_what_poisoned_enrichment_before_is_now_enriched_with_reasons(store, key):
    # These four raised inside enrichment before; the salary and industry code now answer them (a
    # rejected salary, an unknown industry), so nothing needs recording as a failure.
    columns = POISON[key]
    insert(
        store,
        key,
        columns.get("text", "Python engineer"),
        **{k: v for k, v in columns.items() if k != "text"},
    )
    result = enrich_step.enrich(store)
    assert result["enriched"] == len(ORDINARY) + 1 and result.get("failed", 0) == 0
    assert enriched_keys(store) == {*ORDINARY, key}
    assert store.con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0  # no failure to record
    if key.startswith(("old:pay", "old:text")):
        reasons = store.con.execute(
            "SELECT rejected_reason FROM posting_salaries WHERE posting_key = ?", [key]
        ).fetchall()
        assert ("amount too large to be pay",) in reasons


def test_enrich_records_a_posting_whose_enrichment_raises_and_enriches_the_rest(store, monkeypatch):
    key = "old:poison"
    insert(store, key, "Python engineer")
    real = enrich_step.enrich_mod.enrich

    def poisoned(record):
        if record["id"] == key:
            raise OverflowError("a value an older version stored that no code can read")
        return real(record)

    monkeypatch.setattr(enrich_step.enrich_mod, "enrich", poisoned)
    result = enrich_step.enrich(store)
    assert result["enriched"] == len(ORDINARY) + 1
    assert enriched_keys(store) == {*ORDINARY, key}  # nothing lost: the poison posting is marked done
    reason = recorded_failures(store, [key])[key]
    assert "enrich" in reason and "Error" in reason, reason
    roles = store.con.execute(
        "SELECT count(*) FROM posting_roles WHERE posting_key LIKE 'list:%'"
    ).fetchone()[0]
    assert roles >= len(ORDINARY)  # the ordinary postings got their roles
    before = counts(store)
    again = enrich_step.enrich(store)
    assert again["enriched"] == 0 and counts(store) == before


@pytest.mark.parametrize(
    "pay",
    [
        '[{"min":"Infinity","max":"Infinity","currency":"USD","period":"year"}]',
        '[{"min":"NaN","max":"NaN","currency":"USD","period":"year"}]',
        '[{"min":' + "9" * 400 + ',"max":' + "9" * 400 + ',"currency":"USD","period":"year"}]',
        '[{"min":"' + "9" * 400 + '","currency":"USD","period":"year"}]',
        '[{"min":1e999,"currency":"USD","period":"year"}]',
    ],
    ids=["infinity", "nan", "400-digits", "400-digit-text", "1e999"],
)
def test_enrich_rejects_pay_that_is_not_a_finite_number_with_its_reason(store, pay):
    """Regression guard: such amounts were already rejected salaries; they must stay so."""
    insert(store, "old:pay", "Python engineer", pay=pay)
    enrich_step.enrich(store)
    reasons = store.con.execute(
        "SELECT rejected_reason FROM posting_salaries WHERE posting_key = 'old:pay'"
    ).fetchall()
    assert reasons and all(r[0] for r in reasons), reasons
    assert enriched_keys(store) == {*ORDINARY, "old:pay"}
    before = counts(store)
    assert enrich_step.enrich(store)["enriched"] == 0 and counts(store) == before


def test_enrich_of_1_1m_characters_finishes(store):
    insert(store, "old:huge", HUGE_TEXT)
    enrich_step.enrich(store)
    assert enriched_keys(store) == {*ORDINARY, "old:huge"}
    before = counts(store)
    assert enrich_step.enrich(store)["enriched"] == 0 and counts(store) == before


def test_every_poison_at_once_then_both_steps_twice(store, extractor):
    """The whole pipeline over a store holding all of the poison: nothing raises, nothing is lost."""
    insert(store, "old:huge", HUGE_TEXT)
    for key, columns in POISON.items():
        insert(
            store,
            key,
            columns.get("text", "Python engineer"),
            **{k: v for k, v in columns.items() if k != "text"},
        )
    total = store.count("postings")
    extract_step.extract(store, extractor)
    enrich_step.enrich(store)
    assert store.count("extractions") == total and len(enriched_keys(store)) == total
    before = counts(store)
    extract_step.extract(store, extractor)
    enrich_step.enrich(store)
    assert counts(store) == before
    json.dumps(before)


@pytest.mark.parametrize("locations", ['{"city": "Berlin"}', "[7, null]", '"Berlin"', "[]"])
def test_enrich_groups_duplicates_whatever_shape_the_stored_places_have(store, locations):
    """Duplicate grouping reads every enriched posting on every run: places stored as an object (or
    numbers) used to raise there, after the batch, so no later run could finish. ``[]`` is the guard."""
    insert(store, "old:places", "Python engineer", locations=locations)
    insert(store, "old:places-twin", "Python engineer", locations=locations)
    result = enrich_step.enrich(store)
    assert result["enriched"] == len(ORDINARY) + 2
    groups = store.con.execute("SELECT count(*) FROM posting_enrichment WHERE dup_group IS NULL").fetchone()[
        0
    ]
    assert groups == 0
    before = counts(store)
    assert enrich_step.enrich(store)["enriched"] == 0 and counts(store) == before
