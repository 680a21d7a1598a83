"""The modern full-text corpora of the snapshot, read as sources: Ashby boards and Uber careers (2025),
LinkedIn AI/ML search results (2024) and three LinkedIn data-job scrapes (2023, 2025).

Every assertion is on the bundled files themselves (``data/snapshot/ashby_2025``, ``linkedin_aiml_2024``,
``linkedin_data``); the counts are the ones their PROVENANCE.md documents.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from skillpulse.extractors.currency import to_usd
from skillpulse.extractors.enrich import enrich
from skillpulse.extractors.industry import (
    GLASSDOOR_INDUSTRY,
    GLASSDOOR_SECTOR,
    INDUSTRIES,
    LINKEDIN_INDUSTRY,
    classify_industry,
    from_linkedin,
    from_source,
    linkedin_industries,
)
from skillpulse.extractors.salary import HOURS_PER_YEAR, parse_pay
from skillpulse.flows.settings import SNAPSHOT_DIR
from skillpulse.flows.sources.ashby import AshbySource
from skillpulse.flows.sources.config import SourceConfig
from skillpulse.flows.sources.live import Listing, Unit
from skillpulse.flows.sources.posting import Posting, Quarantined
from skillpulse.flows.sources.snapshot import (
    GLASSDOOR_FILES,
    LINKEDIN_DATA_FILES,
    SnapshotSource,
    _Seen,
    posted_from_relative,
    uber_locations,
)
from skillpulse.flows.sources.snapshot import ashby as snapshot_ashby
from skillpulse.flows.sources.snapshot import glassdoor as snapshot_glassdoor
from skillpulse.flows.sources.snapshot import linkedin as snapshot_linkedin

ASHBY = SNAPSHOT_DIR / "ashby_2025" / "ashby_jobs_2025-10.jsonl.gz"
UBER = SNAPSHOT_DIR / "ashby_2025" / "uber_careers_2025-12.jsonl.gz"
AIML = SNAPSHOT_DIR / "linkedin_aiml_2024" / "ai_ml_jobs_linkedin.csv.gz"
DOLLAR_RANGE = re.compile(r"\$\d{2,3},\d{3}(?:\.\d\d)?\s*(?:-|–|to)\s*\$\d{2,3},\d{3}")


def _postings(items: list[Posting | Quarantined]) -> list[Posting]:
    return [i for i in items if isinstance(i, Posting)]


def _jsonl(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _enrich(p: Posting):
    return enrich(
        {
            "id": p.key,
            "text": p.description,
            "text_is_html": p.description_is_html,
            "title": p.title,
            "company": p.company,
            "locations": p.locations,
            "remote": p.remote,
            "pay": p.pay,
            "attributes": p.attributes,
            "posted_at": p.posted_at,
        }
    )


@pytest.fixture(scope="module")
def ashby_rows() -> list[dict]:
    return _jsonl(ASHBY)


@pytest.fixture(scope="module")
def ashby() -> list[Posting | Quarantined]:
    return list(snapshot_ashby.ashby(SNAPSHOT_DIR))


@pytest.fixture(scope="module")
def uber() -> list[Posting | Quarantined]:
    return list(snapshot_ashby.uber(SNAPSHOT_DIR))


@pytest.fixture(scope="module")
def aiml() -> list[Posting | Quarantined]:
    return list(snapshot_linkedin.linkedin_aiml(SNAPSHOT_DIR))


@pytest.fixture(scope="module")
def linkedin_data() -> dict[str, list[Posting | Quarantined]]:
    seen = _Seen()
    return {
        scrape: list(snapshot_linkedin.linkedin_data(SNAPSHOT_DIR, scrape, seen))
        for scrape in LINKEDIN_DATA_FILES
    }


# -- the bundle --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("folder", "upstream_name", "files"),
    [
        (
            "ashby_2025",
            "ashby_ats_jobs_2025",
            ["ashby_jobs_2025-10.jsonl.gz", "uber_careers_2025-12.jsonl.gz", "LICENSE.upstream"],
        ),
        ("linkedin_aiml_2024", "linkedin_aiml_jobs_2024", ["ai_ml_jobs_linkedin.csv.gz"]),
        (
            "linkedin_data",
            "linkedin_data_jobs_muabdalaleam",
            [*LINKEDIN_DATA_FILES.values(), "LICENSE.upstream"],
        ),
    ],
)
def test_each_corpus_is_bundled_with_its_provenance(
    folder: str, upstream_name: str, files: list[str]
) -> None:
    for name in files:
        assert (SNAPSHOT_DIR / folder / name).is_file(), name
    text = (SNAPSHOT_DIR / folder / "PROVENANCE.md").read_text(encoding="utf-8")
    upstream, _, ours = text.partition("\n## How skillpulse reads it\n")
    assert upstream.startswith(f"# {upstream_name}: ") and ours, "the upstream text, then our section"
    assert "not a random sample" in ours.lower() or "not random samples" in ours.lower()
    assert "do not republish" in ours.lower()
    assert "dedupe.py" in ours  # the duplicate rule is documented


@pytest.mark.parametrize(
    ("path", "head", "tail"),
    [(ASHBY, "948c2012", "9a47003"), (UBER, "591f927e", "1709c22a"), (AIML, "c599e085", "8b3833b")],
)
def test_bundled_files_are_the_upstream_bytes(path: Path, head: str, tail: str) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()  # the sums in PROVENANCE.md
    assert digest.startswith(head) and digest.endswith(tail)


def test_limit_caps_every_new_file() -> None:
    items = list(SnapshotSource(limit=3).fetch())
    counts = Counter(i.source for i in _postings(items))
    assert counts["ashby"] == 3 and counts["uber_careers"] == 3 and counts["linkedin_aiml"] == 3
    assert counts["linkedin_data"] == 3 * len(LINKEDIN_DATA_FILES)  # three per scrape


# -- Ashby -------------------------------------------------------------------------------------------
def test_ashby_postings_are_what_the_live_source_makes_of_the_same_object(ashby_rows, ashby) -> None:
    live = AshbySource(SourceConfig("ashby"), runtime=None)
    for row, posting in zip(ashby_rows[:50], ashby[:50], strict=True):
        slug = row["_company_slug"]
        assert posting == live.normalise(Unit(f"ashby:{slug}", scope=slug), row, Listing([row]))


def test_ashby_fields(ashby) -> None:
    first = ashby[0]
    assert first.source == "ashby" and first.source_id == "8481df25-44f3-4a9b-b3ce-ec244276db31"
    assert first.company == "1password" and first.title == "Developer, Backend"
    assert first.description_is_html and first.description.startswith("<p")
    assert first.locations == ["Remote (United States | Canada)"]
    assert first.posted_at == datetime(2025, 10, 10, 21, 10, 27, 371000, tzinfo=UTC)
    assert first.raw["compensation"]["summaryComponents"] == [] and first.pay == []  # no pay stated


def test_ashby_repeated_ids_are_read_once_from_the_first_board(ashby_rows, ashby) -> None:
    postings = _postings(ashby)
    assert len(ashby_rows) == 9_396 and len(postings) == len(ashby) == 9_387
    assert len({p.source_id for p in postings}) == len(postings)
    repeated = [p for p in postings if p.source_id == "1cc5ca40-e0a1-4534-aa1e-1382763545d1"]
    assert [p.company for p in repeated] == ["double"]  # also on the "keeper" board


def _ashby_posting(ashby, source_id: str) -> Posting:
    return next(p for p in _postings(ashby) if p.source_id == source_id)


def test_ashby_hourly_salary_is_annualised(ashby) -> None:
    abridge = _ashby_posting(ashby, "5a73a97b-d2c4-4cf3-8fce-081b3cb92a3b")  # 40 USD, interval 1 HOUR
    (s,) = _enrich(abridge).salaries
    assert (s.currency, s.period, s.provenance) == ("USD", "hour", "structured")
    assert s.annual_usd_min == s.annual_usd_max == 40 * HOURS_PER_YEAR


def test_ashby_monthly_salary_in_euros_is_annualised_and_converted(ashby) -> None:
    levelpath = _ashby_posting(ashby, "582f21b8-75e2-4b05-ae73-19a630e116a2")  # 5,000-8,000 EUR, 1 MONTH
    (s,) = _enrich(levelpath).salaries
    assert (s.min, s.max, s.currency, s.period) == (5000, 8000, "EUR", "month")
    on = levelpath.posted_at.date()
    assert s.annual_usd_min == pytest.approx(to_usd(5000 * 12, "EUR", on), rel=1e-3)
    assert s.annual_usd_max == pytest.approx(to_usd(8000 * 12, "EUR", on), rel=1e-3)


def test_only_the_salary_component_counts(ashby) -> None:
    abound = _ashby_posting(ashby, "e8cbdd02-ac30-4678-8c15-62a531113e03")  # Salary, Equity, Bonus
    assert {c["compensationType"] for c in abound.raw["compensation"]["summaryComponents"]} == {
        "Salary",
        "EquityPercentage",
        "Bonus",
    }
    (s,) = parse_pay(abound.pay)
    assert (s.min, s.max, s.currency, s.period, s.rejected) == (32000, 35000, "GBP", "year", None)


def test_every_ashby_salary_component_becomes_one_structured_salary(ashby) -> None:
    known = {"1 YEAR", "1 MONTH", "1 WEEK", "1 HOUR"}
    checked = 0
    for p in _postings(ashby):
        components = [
            c
            for c in (p.raw.get("compensation") or {}).get("summaryComponents") or []
            if c["compensationType"] == "Salary"
        ]
        if components and components[0]["interval"] in known:
            found = parse_pay(p.pay, p.posted_at.date())
            assert len(found) == 1 and found[0].provenance == "structured", p.source_id
            checked += 1
    assert checked > 3_400  # 3,438 postings have a Salary component


# -- Uber ---------------------------------------------------------------------------------------------
def test_uber_rows(uber) -> None:
    postings = _postings(uber)
    assert len(postings) == len(uber) == 776
    first = postings[0]
    assert (first.source, first.source_id, first.company) == ("uber_careers", "150078", "Uber")
    assert first.locations == ["Mexico City, Mexico"] and not first.description_is_html
    assert first.posted_at == datetime(2025, 10, 20, 21, 34, tzinfo=UTC)  # creation_date
    several = next(p for p in postings if len(p.locations) == 6)
    assert several.locations[0] == several.raw["location"]


def test_uber_locations_string_is_parsed_as_a_literal_only(uber) -> None:
    real = next(p.raw["locations"] for p in _postings(uber) if len(p.raw["locations"]) > 2)
    assert uber_locations(repr(real)) == real  # the Python-repr form PROVENANCE describes
    assert uber_locations(real) == real
    with pytest.raises(ValueError):
        uber_locations("['Dallas, Texas, United States'")  # truncated
    with pytest.raises(ValueError):
        uber_locations("__import__('os').getcwd()")  # code is refused, not run
    with pytest.raises(ValueError):
        uber_locations("[1, 2]")


def test_an_unreadable_uber_locations_string_is_quarantined(tmp_path: Path) -> None:
    rows = _jsonl(UBER)[:3]
    rows[1]["locations"] = str(rows[1]["locations"])[:-3]  # a real row, its list string cut short
    root = tmp_path / "snapshot"
    (root / "ashby_2025").mkdir(parents=True)
    with gzip.open(root / "ashby_2025" / UBER.name, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    items = list(snapshot_ashby.uber(root))
    assert [type(i).__name__ for i in items] == ["Posting", "Quarantined", "Posting"]
    assert items[1].source_id == str(rows[1]["id"]) and "locations" in items[1].reason
    assert "\n" not in items[1].reason


def test_rows_without_an_id_are_each_quarantined(tmp_path: Path) -> None:
    rows = _jsonl(UBER)[:4]
    for row in rows[1:3]:
        del row["id"]  # two real rows that lost their id: neither is dropped as a "repeat" of the other
    root = tmp_path / "snapshot"
    (root / "ashby_2025").mkdir(parents=True)
    with gzip.open(root / "ashby_2025" / UBER.name, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    items = list(snapshot_ashby.uber(root))
    assert [type(i).__name__ for i in items] == ["Posting", "Quarantined", "Quarantined", "Posting"]
    assert all("missing id" in i.reason for i in items[1:3])


def test_uber_pay_ranges_in_the_text_are_found(uber) -> None:
    stated = [p for p in _postings(uber) if re.search(r"USD\$[\d,]+ per year", p.description)][:120]
    assert len(stated) == 120
    for p in stated:
        assert any(s.currency == "USD" and s.period == "year" for s in _enrich(p).salaries), p.source_id


# -- LinkedIn AI/ML 2024 ------------------------------------------------------------------------------
def test_linkedin_aiml_rows(aiml) -> None:
    postings = _postings(aiml)
    assert len(postings) == len(aiml) == 749  # 862 rows, 113 exact repeats
    assert all(re.fullmatch(r"sha1-[0-9a-f]{16}", p.source_id) for p in postings)
    first = postings[0]
    assert (first.title, first.company, first.locations) == ("AI/ML Engineer", "Wesper", ["New York, NY"])
    assert first.posted_at == datetime(2024, 5, 29, tzinfo=UTC) and not first.description_is_html
    assert first.attributes["industry"] == "Internet Publishing"
    assert first.attributes["experience_level"] == "Mid-Senior level"
    assert "date_is_capture" not in first.attributes


def test_linkedin_aiml_undated_rows_get_the_capture_date(aiml) -> None:
    undated = [p for p in _postings(aiml) if p.attributes.get("date_is_capture")]
    assert 0 < len(undated) <= 12  # 12 rows have no publishedAt
    assert {p.posted_at for p in undated} == {datetime(2024, 6, 1, tzinfo=UTC)}
    assert all(not p.raw["publishedAt"] for p in undated)


def _dollar_ranges_found(postings: list[Posting]) -> tuple[int, int]:
    """(postings stating a "$120,000 - $150,000" range, those where enrichment finds a USD salary)."""
    stated = [p for p in postings if DOLLAR_RANGE.search(p.description)]
    found = [p for p in stated if any(s.currency == "USD" for s in _enrich(p).salaries)]
    return len(stated), len(found)


def test_linkedin_aiml_pay_ranges_in_the_text_are_found(aiml) -> None:
    stated, found = _dollar_ranges_found(_postings(aiml))
    # 148 of 749 state one; the 4 not found are "$100,000 - $720,000", rejected as wider than 6x.
    assert stated >= 140 and found >= 0.95 * stated


# -- LinkedIn data jobs 2023 / 2025 -------------------------------------------------------------------
def test_linkedin_data_counts_and_quarantine(linkedin_data) -> None:
    counts = {k: Counter(type(i).__name__ for i in v) for k, v in linkedin_data.items()}
    assert counts == {
        "2023-07": {"Posting": 671, "Quarantined": 24},
        "2023-11": {"Posting": 346, "Quarantined": 37},
        "2025-09": {"Posting": 919},
    }
    for items in linkedin_data.values():
        for q in items:
            if isinstance(q, Quarantined):
                assert q.reason.endswith("row without a description") and "\n" not in q.reason
                assert q.payload and q.source_id.isdigit()


def test_linkedin_data_ids_are_read_once_across_scrapes(linkedin_data) -> None:
    postings = [p for items in linkedin_data.values() for p in _postings(items)]
    assert all(p.source == "linkedin_data" for p in postings)
    assert len({p.source_id for p in postings}) == len(postings)
    shared = [p for p in postings if p.source_id == "3584715876"]  # in both 2023 scrapes
    assert [p.attributes["scrape"] for p in shared] == ["2023-07"]


def test_linkedin_2023_descriptions_are_unescaped_html(linkedin_data) -> None:
    for scrape in ("2023-07", "2023-11"):
        postings = _postings(linkedin_data[scrape])
        assert all(p.description_is_html for p in postings)
        assert not any("&lt;p&gt;" in p.description or "&lt;br&gt;" in p.description for p in postings)
        assert sum("<p>" in p.description or "<br>" in p.description for p in postings) > len(postings) / 2


def test_linkedin_2023_07_rows(linkedin_data) -> None:
    postings = _postings(linkedin_data["2023-07"])
    first, second = postings[:2]
    assert first.source_id == "3672006784" and first.company == "Seekmate"
    assert first.posted_at == datetime(2023, 7, 22, tzinfo=UTC) and first.attributes["date_is_capture"]
    assert first.remote is True  # location_type TELECOMMUTE
    assert first.url == (
        "https://www.linkedin.com/jobs/view/data-entry-operator-junior-part-time-remote-at-seekmate-3672006784"
    )
    assert second.source_id == "3661000297" and second.posted_at == datetime(2023, 7, 14, tzinfo=UTC)
    assert "date_is_capture" not in second.attributes
    assert all(p.locations == [p.raw["jobs_locations"]] for p in postings)  # never the "EU" country
    assert not any("European Union" in loc for p in postings for loc in p.locations)
    assert "Information Technology & Services" in {p.attributes["industry"] for p in postings}


def test_linkedin_2023_11_rows_are_dated_by_the_scrape(linkedin_data) -> None:
    postings = _postings(linkedin_data["2023-11"])
    assert {p.posted_at for p in postings} == {datetime(2023, 11, 16, tzinfo=UTC)}
    assert all(p.attributes["date_is_capture"] and not p.locations for p in postings)
    lucid = postings[0]
    assert (lucid.source_id, lucid.company) == ("3749332687", "Lucid Motors")


@pytest.mark.parametrize(
    ("source_id", "posted"),
    [
        ("4296052500", date(2025, 9, 5)),  # 2 days ago
        ("4283048934", date(2025, 8, 17)),  # 3 weeks ago
        ("4266326673", date(2025, 8, 7)),  # 1 month ago
        ("4124877583", date(2025, 2, 7)),  # 7 months ago
        ("4297227203", date(2025, 9, 7)),  # 21 hours ago: the scrape day
    ],
)
def test_linkedin_2025_09_dates_count_back_from_the_scrape(linkedin_data, source_id, posted) -> None:
    p = next(p for p in _postings(linkedin_data["2025-09"]) if p.source_id == source_id)
    assert p.posted_at == datetime(posted.year, posted.month, posted.day, tzinfo=UTC)
    assert "date_is_capture" not in p.attributes


def test_linkedin_2025_09_attributes(linkedin_data) -> None:
    first = _postings(linkedin_data["2025-09"])[0]
    assert (first.source_id, first.company, first.locations) == (
        "4293108414",
        "Nielsen",
        ["Utrecht, Utrecht, Netherlands"],
    )
    assert first.attributes["industry"] == "Broadcast Media Production and Distribution"
    assert first.attributes["experience_level"] == "Not Applicable"
    assert not first.description_is_html


@pytest.mark.parametrize(
    ("text", "expected", "capture"),
    [
        ("5 days ago", date(2025, 9, 2), False),
        ("1 week ago", date(2025, 8, 31), False),
        ("3 months ago", date(2025, 6, 7), False),
        ("4 hours ago", date(2025, 9, 7), False),
        ("Reposted recently", date(2025, 9, 7), True),
        (None, date(2025, 9, 7), True),
    ],
)
def test_relative_dates(text: str | None, expected: date, capture: bool) -> None:
    posted, flags = posted_from_relative(text, date(2025, 9, 7))
    assert posted.date() == expected and posted.tzinfo is UTC
    assert flags.get("date_is_capture", False) is capture


def test_month_arithmetic_clamps_to_the_month_end() -> None:
    posted, _ = posted_from_relative("1 month ago", date(2025, 3, 31))
    assert posted.date() == date(2025, 2, 28)


def test_linkedin_data_pay_ranges_in_the_text_are_found(linkedin_data) -> None:
    stated, found = _dollar_ranges_found([p for items in linkedin_data.values() for p in _postings(items)])
    assert stated >= 250 and found >= 0.95 * stated  # 278 state one, 277 found


# -- industries ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "industry"),
    [
        ("Software Development", "software_internet"),
        ("IT Services and IT Consulting", "consulting"),
        ("Financial Services", "finance"),
        ("Hospitals and Health Care", "healthcare"),
        ("Banking", "finance"),
        ("Insurance", "finance"),
        ("Retail", "retail"),
        ("Staffing and Recruiting", "consulting"),
        ("Information Technology &amp; Services", "consulting"),  # 2023 export, HTML-escaped
        (
            "Software Development, Financial Services, and Technology, Information and Internet",
            "software_internet",
        ),
        ("Staffing and Recruiting and IT Services and IT Consulting", "consulting"),
        ("Transportation, Logistics, Supply Chain and Storage,Internet Publishing", "transportation"),
        ("Internet Publishing", None),  # too vague to map: the text rules decide
        ("Internet Publishing and Financial Services", "finance"),
        ("Data Scientist", None),  # not an industry
        ("", None),
    ],
)
def test_linkedin_industries_map_to_our_categories(value: str, industry: str | None) -> None:
    assert from_linkedin(value) == industry
    assert from_source({"industry": value}) == industry


def test_linkedin_names_map_only_to_existing_categories_and_never_to_ai_ml() -> None:
    assert {v for v in LINKEDIN_INDUSTRY.values() if v} <= set(INDUSTRIES) - {"ai_ml", "unknown"}


def test_every_bundled_linkedin_industry_is_read_whole(aiml, linkedin_data) -> None:
    values = {p.attributes.get("industry") for p in _postings(aiml)}
    values |= {p.attributes.get("industry") for items in linkedin_data.values() for p in _postings(items)}
    for value in sorted(v for v in values if v):
        rest = value
        for name in linkedin_industries(value):
            rest = rest.replace(name, "", 1)
        assert re.fullmatch(r"(?:[\s,]|and)*", rest), (value, rest)


def test_names_both_sites_use_map_alike() -> None:
    shared = set(GLASSDOOR_INDUSTRY) & set(LINKEDIN_INDUSTRY)
    assert shared  # "Real Estate", "Wholesale", "Utilities", ...
    assert {n: LINKEDIN_INDUSTRY[n] for n in shared} == {n: GLASSDOOR_INDUSTRY[n] for n in shared}


def test_glassdoor_rows_map_as_before() -> None:
    """Glassdoor's tables answer first; the LinkedIn table never changes a Glassdoor row's industry."""
    for tag, filename in GLASSDOOR_FILES.items():
        for p in _postings(list(snapshot_glassdoor.glassdoor(SNAPSHOT_DIR, tag, filename))):
            attrs = p.attributes
            expected = GLASSDOOR_INDUSTRY.get(attrs.get("industry")) or GLASSDOOR_SECTOR.get(
                attrs.get("sector")
            )
            assert from_source(attrs) == expected, attrs


def test_a_linkedin_posting_takes_its_industry_from_the_source(linkedin_data) -> None:
    p = next(p for p in _postings(linkedin_data["2025-09"]) if p.attributes["industry"] == "Banking")
    assert classify_industry(p.company, p.attributes, p.description) == "finance"
    assert _enrich(p).industry == "finance"
