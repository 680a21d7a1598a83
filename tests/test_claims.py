"""Claims: the file says what the issue asks, and each rule gives the verdict its data call for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skillpulse.extractors.taxonomy import Skill, Taxonomy
from skillpulse.reports.claims import COMBINED, POOLED, SILENT, evaluate_all, load_claims
from skillpulse.reports.claims.base import inverse_variance, mantel_haenszel_difference
from skillpulse.reports.claims.base import load_claims as load_claims_file
from skillpulse.reports.claims.pay import band_verdict
from skillpulse.reports.dataset import ReportData, deduplicate, empty_data
from skillpulse.reports.stats import Estimate

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
        source="ashby",
        month="2025-03",
        pay=None,
        industry="unknown",
        seniority="unknown",
        countries=("US",),
        text_kind="full",
    ) -> Builder:
        for _ in range(n):
            key = f"{source}:{len(self.postings)}"
            self.postings.append(
                {
                    "posting_key": key,
                    "source": source,
                    "month": month,
                    "text_kind": text_kind,
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

    def data(self, survey: pd.DataFrame | None = None) -> ReportData:
        base = empty_data()
        postings = pd.DataFrame(self.postings) if self.postings else base.postings.assign(extracted=True)
        return ReportData(
            postings=postings,
            skills=pd.DataFrame(self.skills, columns=["posting_key", "skill_id"]),
            salaries=pd.DataFrame(self.salaries, columns=["posting_key", "annual_usd", "provenance"]),
            survey=base.survey if survey is None else survey,
            coverage=base.coverage,
            monthly=postings,
        )


def survey_rows(title: str, pays, year: int = 2025, level: str = "SE", size: str = "M") -> list[dict]:
    return [
        {
            "work_year": year,
            "experience_level": level,
            "job_title": title,
            "salary_in_usd": float(p),
            "company_location": "US",
            "company_size": size,
            "row": i,  # distinct rows: the survey's exact duplicates are removed
        }
        for i, p in enumerate(pays)
    ]


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
        assert r.plain, r.id


def test_periods_must_not_overlap(tmp_path):
    text = (Path(__file__).resolve().parents[1] / "skillpulse" / "claims.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "claims.yaml"
    bad.write_text(
        text.replace('{label: "2024–2026", from: 2024', '{label: "2023–2026", from: 2023'), encoding="utf-8"
    )
    with pytest.raises(ValueError, match="overlap"):
        load_claims_file(bad)


# -- skill shares: job descriptions of the recent period decide; short ads never contradict ------------------
def test_skill_shares_supported_mixed_and_contradicted(cfg):
    common = Builder().add(60, skills=("python", "r", "java")).add(40).data()
    assert by_id(evaluate_all(common, cfg, TAXONOMY))["languages"].verdict == "supported"
    mixed = Builder().add(60, skills=("python",)).add(40).data()
    result = by_id(evaluate_all(mixed, cfg, TAXONOMY))["languages"]
    assert result.verdict == "mixed"
    assert "python: most postings" in result.plain.lower() and "r: rarely" in result.plain.lower()
    rare = Builder().add(2, skills=("python", "r", "java")).add(298).data()
    assert by_id(evaluate_all(rare, cfg, TAXONOMY))["languages"].verdict == "contradicted"


def test_a_share_whose_interval_straddles_the_threshold_is_not_supported(cfg):
    # 24 of 100 name each language: the point is above 20 %, the interval [16.7 %, 33.2 %] is not.
    data = Builder().add(24, skills=("python", "r", "java")).add(76).data()
    result = by_id(evaluate_all(data, cfg, TAXONOMY))["languages"]
    assert result.verdict == "mixed"
    settings = {s["setting"]: s["verdict"] for s in result.sensitivity}
    assert settings["threshold 10.0 %"] == "supported" and settings["threshold 30.0 %"] == "mixed"
    assert result.flips


def test_omission_in_short_ads_never_yields_contradicted(cfg):
    # 300 HN comments for ML engineers, none naming R or Java: silence, not evidence against the skills.
    data = Builder().add(300, source="hn", month="2025-03").data()
    result = by_id(evaluate_all(data, cfg, TAXONOMY))["languages"]
    assert result.verdict == "insufficient"  # no job descriptions of the recent period
    assert result.per_source["hn 2024–2026"] == SILENT
    assert "contradicted" not in result.per_source.values()
    production = by_id(evaluate_all(data, cfg, TAXONOMY))["production"]
    assert production.verdict != "contradicted" and production.per_source["hn 2024–2026"] == SILENT


def test_short_ads_can_still_support_a_skill(cfg):
    data = Builder().add(100, source="hn", month="2025-03", skills=("python", "r", "java")).data()
    assert by_id(evaluate_all(data, cfg, TAXONOMY))["languages"].per_source["hn 2024–2026"] == "supported"


def test_old_job_descriptions_do_not_decide_a_present_tense_claim(cfg):
    data = Builder().add(200, source="glassdoor", month=None, skills=("python", "r", "java")).data()
    result = by_id(evaluate_all(data, cfg, TAXONOMY))["languages"]
    assert result.verdict == "insufficient"
    assert result.per_source["glassdoor 2020–2023"] == "supported"  # shown by period, beside the headline


def test_a_small_population_is_insufficient(cfg):
    few = Builder().add(10, skills=("python", "r", "java")).data()
    result = by_id(evaluate_all(few, cfg, TAXONOMY))["languages"]
    assert result.verdict == "insufficient"
    assert result.per_source["ashby 2024–2026"] == "insufficient"


def test_languages_are_ranked_against_the_other_languages(cfg):
    data = Builder().add(50, skills=("python", "go")).add(10, skills=("go",)).add(40, skills=("java",)).data()
    result = by_id(evaluate_all(data, cfg, TAXONOMY))["languages"]
    ranks = {e.subject: e.value for e in result.evidence if e.metric == "rank"}
    assert ranks["python"] == 2 and ranks["java"] == 3  # go is named by 60, python 50, java 40


def test_multi_role_comments_are_left_out_and_the_choice_is_shown(cfg):
    b = Builder().add(100, source="hn", month="2025-03", roles=("ml_engineer",), skills=("python",))
    b.add(100, source="hn", month="2025-03", roles=("ml_engineer", "frontend_engineer"), skills=("react",))
    result = by_id(evaluate_all(b.data(), cfg, TAXONOMY))["languages"]
    hn = {e.subject: e for e in result.evidence if e.source == "hn" and e.metric == "share"}
    assert hn["python"].n == 100 and hn["python"].value == 1.0
    assert any("multi-role" in s["setting"] for s in result.sensitivity)


def test_evidence_rows_have_the_published_fields(cfg):
    data = Builder().add(60, skills=("python",)).add(40).data()
    for r in evaluate_all(data, cfg, TAXONOMY):
        for row in r.as_json()["evidence"]:
            assert {
                "source",
                "genre",
                "period",
                "population",
                "metric",
                "value",
                "ci_low",
                "ci_high",
                "n",
            } <= set(row)
            assert row["metric"] in {
                "share",
                "rank",
                "trend_slope",
                "count_slope",
                "median_annual_usd",
                "median_difference_usd",
                "lift",
                "share_difference",
                "index_first",
                "index_peak",
                "index_last",
            }


# -- demand: the recent window decides, history is piecewise ----------------
def months(start_year: int, count: int) -> list[str]:
    return [f"{start_year + i // 12}-{i % 12 + 1:02d}" for i in range(count)]


@pytest.mark.parametrize(("direction", "verdict"), [(1, "supported"), (-1, "contradicted")])
def test_demand_trend_follows_the_recent_slope(cfg, direction, verdict):
    b = Builder()
    for i, month in enumerate(months(2024, 24)):
        ml = 10 + direction * i // 2 + (12 if direction < 0 else 0)
        b.add(ml, source="hn", month=month).add(
            100 - ml, source="hn", roles=("software_engineer",), month=month
        )
    result = by_id(evaluate_all(b.data(), cfg, TAXONOMY))["demand-growth"]
    assert result.verdict == verdict
    assert result.per_source["hn 2024–2026"] == verdict


def test_an_old_rise_does_not_decide_todays_demand(cfg):
    b = Builder()
    for i, month in enumerate(months(2016, 24)):  # strong growth in 2016–2017
        b.add(5 + i, source="hn", month=month).add(
            95 - i, source="hn", roles=("software_engineer",), month=month
        )
    for month in months(2024, 24):  # flat today
        b.add(20, source="hn", month=month).add(80, source="hn", roles=("software_engineer",), month=month)
    result = by_id(evaluate_all(b.data(), cfg, TAXONOMY))["demand-growth"]
    assert result.verdict == "mixed"
    old = next(
        e
        for e in result.evidence
        if e.period == "2016–2019" and e.subject == "ml_engineer" and e.metric == "trend_slope"
    )
    assert old.ci_low > 0  # the history is shown, piecewise


def test_partial_months_are_shown_but_not_fitted(cfg):
    b = Builder()
    for month in months(2024, 24):
        b.add(20, source="hn", month=month).add(80, source="hn", roles=("software_engineer",), month=month)
    b.add(90, source="hn", month="2026-01").add(
        10, source="hn", roles=("software_engineer",), month="2026-01"
    )
    data = b.data()
    flat = by_id(evaluate_all(data, cfg, TAXONOMY))["demand-growth"]
    data.coverage = pd.DataFrame({"month": ["2026-01"], "coverage": [0.3], "partial": [True]})
    fitted = by_id(evaluate_all(data, cfg, TAXONOMY))["demand-growth"]
    slope = {
        r: next(e for e in x.evidence if e.source == COMBINED and e.metric == "trend_slope").value
        for r, x in (("with", flat), ("without", fitted))
    }
    assert slope["with"] > 0.01 and abs(slope["without"]) < 1e-9
    assert bool(fitted.series.query("month == '2026-01'").partial.iloc[0])


# -- pay: an equivalence rule for the level, strata before pooling for differences ---------------------------
@pytest.mark.parametrize(
    ("centre", "spread", "verdict", "word"),
    [
        (120_000, 8_000, "supported", "inside"),  # interval inside the band
        (137_000, 8_000, "mixed", "inside"),  # interval straddles the upper edge
        (190_000, 8_000, "contradicted", "above"),  # interval wholly above
    ],
)
def test_salary_level_is_an_equivalence_rule(cfg, centre, spread, verdict, word):
    rng = np.random.default_rng(0)
    b = Builder()
    for pay in rng.normal(centre, spread, 120):
        b.add(1, pay=pay)
    result = by_id(evaluate_all(b.data(), cfg, TAXONOMY))["salary-120k"]
    assert result.verdict == verdict, result.reason
    assert word in result.plain


def test_band_verdict_edges():
    assert band_verdict(Estimate(120, 110, 130, 50), 102, 138, 30) == "supported"
    assert band_verdict(Estimate(135, 130, 140, 50), 102, 138, 30) == "mixed"
    assert band_verdict(Estimate(150, 140, 160, 50), 102, 138, 30) == "contradicted"
    assert band_verdict(Estimate(90, 80, 100, 50), 102, 138, 30) == "contradicted"
    assert band_verdict(Estimate(120, 110, 130, 10), 102, 138, 30) == "insufficient"


def test_the_survey_is_one_stratum_of_the_salary_verdict(cfg):
    rng = np.random.default_rng(5)
    survey = pd.DataFrame(survey_rows("Machine Learning Engineer", rng.normal(120_000, 5_000, 200)))
    data = Builder().data(survey=pd.concat([survey, survey]))  # every row twice: duplicates are removed
    result = by_id(evaluate_all(data, cfg, TAXONOMY))["salary-120k"]
    assert result.verdict == "supported"
    row = next(e for e in result.evidence if e.source == "aijobs" and e.period == "2024–2026")
    assert row.n == 200


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


def test_a_simpson_reversal_across_two_strata_is_reported(cfg):
    """Inside each source ML engineers earn more; pooled, they earn less, because the high-paying source
    has mostly software engineers. The verdict follows the strata and the report names the reversal."""
    rng = np.random.default_rng(7)
    b = Builder()
    for source, centre, n_mle, n_swe in (("ashby", 220_000, 10, 90), ("linkedin_aiml", 120_000, 90, 10)):
        for pay in rng.normal(centre + 10_000, 3_000, n_mle):
            b.add(1, source=source, roles=("ml_engineer",), pay=pay)
        for pay in rng.normal(centre, 3_000, n_swe):
            b.add(1, source=source, roles=("software_engineer",), pay=pay)
        for pay in rng.normal(centre - 60_000, 3_000, 40):
            b.add(1, source=source, roles=("data_analyst",), pay=pay)
    result = by_id(evaluate_all(b.data(), cfg, TAXONOMY))["salary-premium"]
    pooled = next(e for e in result.evidence if e.source == POOLED and e.subject == "software_engineer")
    combined = next(e for e in result.evidence if e.source == COMBINED and e.subject == "software_engineer")
    assert pooled.value < 0 < combined.ci_low
    assert result.verdict == "supported"
    assert any("Simpson reversal" in n and "-$" in n for n in result.notes)  # said in dollars


# -- industries, role contrast, pay factors ---------------------------------------------------------------
def test_industry_growth_within_each_industry(cfg):
    b = Builder()
    for industry in ("healthcare", "finance", "e-commerce"):
        b.add(10, source="hn", month="2022-05", industry=industry)
        b.add(90, source="hn", month="2022-05", roles=("software_engineer",), industry=industry)
        b.add(40, source="hn", month="2025-05", industry=industry)
        b.add(60, source="hn", month="2025-05", roles=("software_engineer",), industry=industry)
    b.add(100, source="hn", month="2025-05", industry="ai_ml")  # circular: left out
    result = by_id(evaluate_all(b.data(), cfg, TAXONOMY))["industries"]
    assert result.verdict == "supported"
    assert all(result.per_source[i] == "grew" for i in ("healthcare", "finance", "e-commerce"))


def test_mle_vs_ds_contrast(cfg):
    b = (
        Builder()
        .add(50, skills=("docker", "mlops"))
        .add(20)
        .add(50, roles=("data_scientist",), skills=("statistics", "tableau"))
        .add(20, roles=("data_scientist",))
    )
    assert by_id(evaluate_all(b.data(), cfg, TAXONOMY))["mle-vs-ds"].verdict == "supported"


def test_pay_factors_need_experience_size_and_a_technology(cfg):
    rng = np.random.default_rng(3)
    b = Builder()
    for pay in rng.normal(190_000, 10_000, 50):
        b.add(1, seniority="senior", pay=pay, skills=("pytorch",))
    for pay in rng.normal(120_000, 10_000, 50):
        b.add(1, seniority="junior", pay=pay)
    rows = survey_rows("Machine Learning Engineer", rng.normal(200_000, 10_000, 60), level="SE", size="L")
    rows += survey_rows("Machine Learning Engineer", rng.normal(130_000, 10_000, 60), level="EN", size="S")
    result = by_id(evaluate_all(b.data(survey=pd.DataFrame(rows)), cfg, TAXONOMY))["pay-factors"]
    assert result.verdict == "supported", result.reason
    no_survey = by_id(evaluate_all(b.data(), cfg, TAXONOMY))["pay-factors"]
    assert no_survey.verdict == "insufficient"


# -- combining strata --------------------------------------------------------------------------------------
def test_inverse_variance_weights_the_precise_stratum_more():
    est = inverse_variance([Estimate(10.0, 9.0, 11.0, 100), Estimate(0.0, -10.0, 10.0, 10)])
    assert 9.8 < est.value < 10.0
    assert est.ci_high - est.ci_low < 2.0


def test_mantel_haenszel_difference_of_identical_strata_is_their_difference():
    est = mantel_haenszel_difference([(30, 100, 10, 100), (30, 100, 10, 100)])
    assert abs(est.value - 0.2) < 1e-12 and est.ci_low > 0.1


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


def test_block_assigned_glassdoor_pay_is_not_read_as_a_postings_pay(cfg):
    from skillpulse.reports.claims import pay_frame

    b = Builder().add(2, source="glassdoor", month=None, pay=150_000)
    data = b.data()
    data.postings.loc[0, "posting_key"] = "glassdoor:uncleaned-1"
    data.salaries.loc[0, "posting_key"] = "glassdoor:uncleaned-1"
    assert list(pay_frame(data, cfg).posting_key) == ["glassdoor:1"]


def test_a_boards_snapshot_is_not_read_as_a_time_series(cfg):
    # Ashby dates are first publication of postings still open at one capture: no demand trend from them.
    b = Builder()
    for i, month in enumerate(months(2024, 24)):
        b.add(1 + i, month=month).add(50, roles=("software_engineer",), month=month)
    result = by_id(evaluate_all(b.data(), cfg, TAXONOMY))["demand-growth"]
    assert result.verdict == "insufficient"
    assert result.series.empty


def test_what_the_guide_leaves_out_lists_distinctive_unnamed_skills(cfg):
    from skillpulse.reports.claims import guide_leaves_out, prepared

    b = Builder().add(60, skills=("pytorch", "python")).add(40, skills=("python",))
    b.add(100, roles=("software_engineer",), skills=("python",))
    table = guide_leaves_out(
        prepared(b.data(), cfg),
        cfg,
        Taxonomy(
            Path("t.yaml"),
            (
                Skill(id="pytorch", name="PyTorch", category="framework"),
                Skill(id="python", name="Python", category="language"),
            ),
            "test",
        ),
    )
    assert list(table.skill_id) == ["pytorch"]  # python is named by the guide and not distinctive
    assert table.ratio_low.iloc[0] > 1
