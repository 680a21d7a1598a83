"""Claims: the file says what the issue asks, and each rule gives the verdict its data call for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from extractors.taxonomy import Skill, Taxonomy
from reports.claims import POOLED, combine, evaluate_all, load_claims
from reports.dataset import ReportData, deduplicate, empty_data

GUIDE = Path(__file__).resolve().parents[2] / "shared" / "guide" / "ml_engineer_guide.txt"
CLAIM_IDS = [
    "demand-growth",
    "salary-120k",
    "salary-premium",
    "languages",
    "big-data",
    "deep-learning",
    "pandas-numpy",
    "statistics-cs",
    "production",
    "communication",
    "industries",
    "mle-vs-ds",
    "pay-factors",
]
TAXONOMY = Taxonomy(
    Path("t.yaml"),
    tuple(Skill(id=s, name=s, category="language") for s in ("python", "r", "java", "go", "c")),
    "test",
)


@pytest.fixture(scope="module")
def cfg():
    return load_claims()


def by_id(results):
    return {r.id: r for r in results}


class Builder:
    """Hand-made report data: postings with roles, skills, pay and industries."""

    def __init__(self) -> None:
        self.postings: list[dict] = []
        self.skills: list[tuple[str, str]] = []
        self.salaries: list[dict] = []

    def add(
        self,
        n: int,
        roles=("ml_engineer",),
        skills=(),
        source="hn",
        month="2024-01",
        pay=None,
        industry="unknown",
        seniority="unknown",
        countries=("US",),
    ) -> Builder:
        for _ in range(n):
            key = f"{source}:{len(self.postings)}"
            self.postings.append(
                {
                    "posting_key": key,
                    "source": source,
                    "month": month,
                    "text_kind": "full",
                    "roles": tuple(roles),
                    "seniority": seniority,
                    "industry": industry,
                    "countries": tuple(countries),
                    "dup_group": None,
                    "extracted": True,
                }
            )
            self.skills += [(key, s) for s in skills]
            if pay is not None:
                self.salaries.append({"posting_key": key, "annual_usd": float(pay), "provenance": "text"})
        return self

    def data(self) -> ReportData:
        base = empty_data()
        return ReportData(
            postings=pd.DataFrame(self.postings),
            skills=pd.DataFrame(self.skills, columns=["posting_key", "skill_id"]),
            salaries=pd.DataFrame(self.salaries, columns=["posting_key", "annual_usd", "provenance"]),
            survey=base.survey,
            coverage=base.coverage,
        )


def test_claims_file_has_the_thirteen_claims_in_order_with_rules(cfg):
    assert [c["id"] for c in cfg.claims] == CLAIM_IDS
    for claim in cfg.claims:
        for key in ("claim", "claim_zh", "population", "metric", "comparison", "rule"):
            assert claim.get(key), f"{claim['id']} lacks {key}"


@pytest.mark.skipif(not GUIDE.is_file(), reason="the guide lives in ../shared, outside the repo")
def test_claims_quote_the_guide_in_both_languages(cfg):
    guide = GUIDE.read_text(encoding="utf-8")
    for claim in cfg.claims:
        assert claim["claim_zh"] in guide, claim["id"]
        if not claim["claim"].startswith("[translated"):
            for part in claim["claim"].split(" … "):
                assert part in guide, claim["id"]


def test_missing_data_gives_insufficient_not_an_exception(cfg):
    results = evaluate_all(empty_data(), cfg, TAXONOMY)
    assert [r.id for r in results] == CLAIM_IDS
    for r in results:
        assert r.verdict == "insufficient", r.id
        assert not r.reason.startswith("Could not be evaluated"), (r.id, r.reason)


def test_skill_shares_supported_mixed_and_contradicted(cfg):
    common = Builder().add(60, skills=("python", "r", "java")).add(40).data()
    assert by_id(evaluate_all(common, cfg, TAXONOMY))["languages"].verdict == "supported"
    mixed = Builder().add(60, skills=("python",)).add(40).data()
    assert by_id(evaluate_all(mixed, cfg, TAXONOMY))["languages"].verdict == "mixed"
    rare = Builder().add(2, skills=("python", "r", "java")).add(298).data()
    assert by_id(evaluate_all(rare, cfg, TAXONOMY))["languages"].verdict == "contradicted"


def test_a_small_population_is_insufficient(cfg):
    few = Builder().add(10, skills=("python", "r", "java")).data()
    result = by_id(evaluate_all(few, cfg, TAXONOMY))["languages"]
    assert result.verdict == "insufficient"
    assert result.per_source[POOLED] == "insufficient"


def test_languages_are_ranked_against_the_other_languages(cfg):
    data = Builder().add(50, skills=("python", "go")).add(10, skills=("go",)).add(40, skills=("java",)).data()
    result = by_id(evaluate_all(data, cfg, TAXONOMY))["languages"]
    ranks = {e.subject: e.value for e in result.evidence if e.metric == "rank"}
    assert ranks["python"] == 2 and ranks["java"] == 3  # go is named by 60, python 50, java 40


def test_evidence_rows_have_the_published_fields(cfg):
    data = Builder().add(60, skills=("python",)).add(40).data()
    for r in evaluate_all(data, cfg, TAXONOMY):
        for row in r.as_json()["evidence"]:
            assert {"source", "population", "metric", "value", "ci_low", "ci_high", "n"} <= set(row)
            assert row["metric"] in {
                "share",
                "rank",
                "trend_slope",
                "median_annual_usd",
                "mean_annual_usd",
                "median_difference_usd",
                "lift",
                "share_difference",
            }


def months(start_year: int, count: int) -> list[str]:
    return [f"{start_year + i // 12}-{i % 12 + 1:02d}" for i in range(count)]


@pytest.mark.parametrize(("direction", "verdict"), [(1, "supported"), (-1, "contradicted")])
def test_demand_trend_follows_the_slope(cfg, direction, verdict):
    b = Builder()
    for i, month in enumerate(months(2015, 36)):
        ml = 10 + direction * i // 2 + (18 if direction < 0 else 0)
        b.add(ml, month=month).add(100 - ml, roles=("software_engineer",), month=month)
    result = by_id(evaluate_all(b.data(), cfg, TAXONOMY))["demand-growth"]
    assert result.per_source["hn"] == verdict
    slope = next(e for e in result.evidence if e.source == "hn" and e.subject == "ml_engineer")
    assert (slope.ci_low > 0) if direction > 0 else (slope.ci_high < 0)


def test_partial_months_are_shown_but_not_fitted(cfg):
    b = Builder()
    for month in months(2015, 24):
        b.add(20, month=month).add(80, roles=("software_engineer",), month=month)
    b.add(90, month="2017-01").add(10, roles=("software_engineer",), month="2017-01")  # an outlier month
    data = b.data()
    flat = by_id(evaluate_all(data, cfg, TAXONOMY))["demand-growth"]
    data.coverage = pd.DataFrame({"month": ["2017-01"], "coverage": [0.3], "partial": [True]})
    fitted = by_id(evaluate_all(data, cfg, TAXONOMY))["demand-growth"]
    slope = {
        r: next(e for e in x.evidence if e.source == "hn" and e.subject == "ml_engineer").value
        for r, x in (("with", flat), ("without", fitted))
    }
    assert slope["with"] > 0.01 and abs(slope["without"]) < 1e-9
    assert bool(fitted.series.query("month == '2017-01'").partial.iloc[0])


@pytest.mark.parametrize(
    ("centre", "verdict", "word"), [(125_000, "supported", "band"), (190_000, "contradicted", "above")]
)
def test_salary_level_against_the_band(cfg, centre, verdict, word):
    rng = np.random.default_rng(0)
    b = Builder()
    for pay in rng.normal(centre, 15_000, 120):
        b.add(1, pay=pay)
    result = by_id(evaluate_all(b.data(), cfg, TAXONOMY))["salary-120k"]
    assert result.verdict == verdict
    assert word in result.reason


def test_salary_premium_needs_every_comparison(cfg):
    rng = np.random.default_rng(1)
    b = Builder()
    for role, centre in (("ml_engineer", 160_000), ("software_engineer", 130_000), ("data_analyst", 90_000)):
        for pay in rng.normal(centre, 10_000, 60):
            b.add(1, roles=(role,), pay=pay)
    assert by_id(evaluate_all(b.data(), cfg, TAXONOMY))["salary-premium"].verdict == "supported"
    for pay in rng.normal(200_000, 10_000, 200):
        b.add(1, roles=("software_engineer",), pay=pay)
    assert by_id(evaluate_all(b.data(), cfg, TAXONOMY))["salary-premium"].verdict == "contradicted"


def test_industry_lift(cfg):
    b = Builder()
    for industry in ("healthcare", "finance", "e-commerce"):
        b.add(30, industry=industry).add(30, roles=("software_engineer",), industry=industry)
    b.add(10, industry="government").add(300, roles=("software_engineer",), industry="government")
    result = by_id(evaluate_all(b.data(), cfg, TAXONOMY))["industries"]
    assert result.verdict == "supported"
    lifts = {e.subject: e.value for e in result.evidence if e.metric == "lift" and e.source == POOLED}
    assert all(v > 1 for v in lifts.values())


def test_mle_vs_ds_contrast(cfg):
    b = (
        Builder()
        .add(50, skills=("docker", "mlops"))
        .add(20)
        .add(50, roles=("data_scientist",), skills=("statistics", "tableau"))
        .add(20, roles=("data_scientist",))
    )
    assert by_id(evaluate_all(b.data(), cfg, TAXONOMY))["mle-vs-ds"].verdict == "supported"


def test_pay_factors_seniority_and_skill(cfg):
    rng = np.random.default_rng(3)
    b = Builder()
    for pay in rng.normal(190_000, 10_000, 50):
        b.add(1, seniority="senior", pay=pay, skills=("pytorch",))
    for pay in rng.normal(120_000, 10_000, 50):
        b.add(1, seniority="junior", pay=pay)
    assert by_id(evaluate_all(b.data(), cfg, TAXONOMY))["pay-factors"].verdict == "supported"


def test_an_opposite_source_makes_the_pooled_verdict_mixed():
    assert combine({"hn": "supported", "glassdoor": "contradicted", POOLED: "supported"}) == "mixed"
    assert combine({"hn": "supported", "glassdoor": "insufficient", POOLED: "supported"}) == "supported"
    assert combine({"hn": "supported", POOLED: "insufficient"}) == "insufficient"


def test_duplicates_count_once_preferring_full_text():
    postings = pd.DataFrame(
        {
            "posting_key": ["a", "b", "c", "d"],
            "text_kind": ["structured", "full", "full", "full"],
            "dup_group": ["g1", "g1", None, "g2"],
        }
    )
    assert list(deduplicate(postings).posting_key) == ["b", "c", "d"]


def test_reposts_count_once_per_month_for_trends():
    postings = pd.DataFrame(
        {
            "posting_key": ["a", "b", "c"],
            "text_kind": ["full"] * 3,
            "dup_group": ["g", "g", "g"],
            "month": ["2024-01", "2024-02", "2024-02"],
        }
    )
    assert list(deduplicate(postings).posting_key) == ["a"]
    assert list(deduplicate(postings, per_month=True).posting_key) == ["a", "b"]
