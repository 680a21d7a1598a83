"""Turn each claim of ``claims.yaml`` into evidence and a verdict, from the report's data frames only.

The rules are the ones written in ``claims.yaml`` before any data was read; each evaluator below
implements one ``kind`` of rule. A population smaller than ``min_n`` gives ``insufficient``, never a guess,
and missing data gives ``insufficient`` too, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from extractors.taxonomy import Taxonomy
from reports.dataset import ReportData
from reports.stats import (
    Estimate,
    bootstrap,
    bootstrap_difference,
    lift,
    linear_trend,
    share,
    share_difference,
)

CLAIMS_PATH = Path(__file__).resolve().parent.parent / "claims.yaml"
VERDICTS = ("supported", "contradicted", "mixed", "insufficient")
POOLED = "pooled"
RANKED_SHOWN = 12  # other skills of the category shown beside the named ones
SENIOR = ("senior", "staff_principal", "lead_manager")
JUNIOR_MID = ("intern", "junior", "mid")


@dataclass
class Evidence:
    source: str
    population: str
    metric: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    subject: str | None = None

    @classmethod
    def of(
        cls, source: str, population: str, metric: str, est: Estimate, subject: str | None = None
    ) -> Evidence:
        return cls(source, population, metric, est.value, est.ci_low, est.ci_high, est.n, subject)


@dataclass
class ClaimResult:
    id: str
    claim: str
    claim_zh: str
    verdict: str
    reason: str
    evidence: list[Evidence]
    per_source: dict[str, str]
    spec: dict[str, Any]
    series: pd.DataFrame | None = field(default=None, repr=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "claim": self.claim,
            "claim_zh": self.claim_zh,
            "verdict": self.verdict,
            "reason": self.reason,
            "per_source": self.per_source,
            "method": {k: self.spec.get(k) for k in ("population", "metric", "comparison", "rule")},
            "evidence": [asdict(e) for e in self.evidence],
        }


@dataclass
class ClaimsConfig:
    min_n: int
    focus_role: str
    wide_ml_roles: list[str]
    common_share: float
    claims: list[dict[str, Any]]


def load_claims(path: Path = CLAIMS_PATH) -> ClaimsConfig:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    ids = [c["id"] for c in data["claims"]]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: duplicate claim ids")
    unknown = {c["kind"] for c in data["claims"]} - set(EVALUATORS)
    if unknown:
        raise ValueError(f"{path}: unknown claim kind(s) {sorted(unknown)}; known: {sorted(EVALUATORS)}")
    return ClaimsConfig(
        min_n=int(data["min_n"]),
        focus_role=data["focus_role"],
        wide_ml_roles=list(data["wide_ml_roles"]),
        common_share=float(data["common_share"]),
        claims=data["claims"],
    )


# -- combining verdicts ------------------------------------------------------------------------------------
def combine(per_source: dict[str, str]) -> str:
    """The pooled verdict, unless a source with enough data says the opposite: then ``mixed``."""
    pooled = per_source.get(POOLED, "insufficient")
    if pooled == "insufficient":
        return "insufficient"
    others = {v for k, v in per_source.items() if k != POOLED}
    opposite = {"supported": "contradicted", "contradicted": "supported"}.get(pooled)
    return "mixed" if opposite in others else pooled


def role_mask(frame: pd.DataFrame, include: list[str] | str, exclude: tuple[str, ...] = ()) -> np.ndarray:
    """Rows whose roles include any of ``include`` and none of ``exclude``, as a boolean array.

    An array, not a Series: indexing an empty frame with an empty object Series selects columns instead.
    """
    wanted = {include} if isinstance(include, str) else set(include)
    unwanted = set(exclude)
    return np.fromiter(
        (bool(wanted & set(rs)) and not unwanted & set(rs) for rs in frame.roles),
        dtype=bool,
        count=len(frame),
    )


def _by_source(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Each source on its own, then all together."""
    groups = [(str(s), g) for s, g in frame.groupby("source", sort=True)] if not frame.empty else []
    return [*groups, (POOLED, frame)]


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f} %"


def _usd(x: float | None) -> str:
    return "n/a" if x is None else f"${x:,.0f}"


def _usd_ci(e: Evidence | None) -> str:
    """'$123,000 [$110,000–$130,000]' for a dollar estimate, 'n/a' without one."""
    if e is None or e.value is None:
        return "n/a"
    return f"{_usd(e.value)} [{_usd(e.ci_low)}–{_usd(e.ci_high)}]"


# -- skill shares --------------------------------------------------------------------------------------------
def _text_postings(data: ReportData) -> pd.DataFrame:
    p = data.postings
    return p[(p.text_kind == "full") & p.get("extracted", pd.Series(True, index=p.index)).astype(bool)]


def _skill_sets(data: ReportData) -> dict[str, set[str]]:
    return data.skills.groupby("skill_id").posting_key.agg(set).to_dict() if not data.skills.empty else {}


def _share_verdict(estimates: list[Estimate], threshold: float, min_n: int) -> str:
    if not estimates or estimates[0].n < min_n:
        return "insufficient"
    asked = [e.value is not None and e.value >= threshold for e in estimates]
    below = [e.ci_high is not None and e.ci_high < threshold for e in estimates]
    if all(asked):
        return "supported"
    if all(below):
        return "contradicted"
    return "mixed"


def eval_skill_shares(spec: dict, data: ReportData, cfg: ClaimsConfig, taxonomy: Taxonomy) -> ClaimResult:
    focus = _text_postings(data)
    focus = focus[role_mask(focus, cfg.focus_role)]
    sets = _skill_sets(data)
    population = f"{cfg.focus_role} postings with full text"
    evidence, per_source = [], {}
    for source, group in _by_source(focus):
        keys = set(group.posting_key)
        ests = [share(len(keys & sets.get(s, set())), len(keys)) for s in spec["skills"]]
        evidence += [
            Evidence.of(source, population, "share", e, s) for s, e in zip(spec["skills"], ests, strict=True)
        ]
        per_source[source] = _share_verdict(ests, cfg.common_share, cfg.min_n)
    pooled = {e.subject: e for e in evidence if e.source == POOLED}
    reason_bits = [f"{s} {_pct(pooled[s].value)}" for s in spec["skills"]]
    extra = ""
    if category := spec.get("rank_against_category"):
        keys = set(focus.posting_key)
        ranked = sorted(
            ((len(keys & sets.get(s.id, set())), s.id) for s in taxonomy.skills if s.category == category),
            key=lambda pair: (-pair[0], pair[1]),  # most named first; ties alphabetical
        )
        ranks = {sid: i + 1 for i, (_, sid) in enumerate(ranked)}
        named = set(spec["skills"])
        for k, sid in ranked[:RANKED_SHOWN]:
            if sid not in named:  # the field the named skills are ranked against
                evidence.append(Evidence.of(POOLED, population, "share", share(k, len(keys)), sid))
        for s in spec["skills"]:
            evidence.append(
                Evidence(
                    POOLED,
                    f"{category} skills in {population}",
                    "rank",
                    ranks.get(s),
                    None,
                    None,
                    len(keys),
                    s,
                )
            )
        extra = f"; ranks among {len(ranked)} {category}s: " + ", ".join(
            f"{s} #{ranks.get(s)}" for s in spec["skills"]
        )
    series = None
    if spec.get("trend"):
        series, trend_evidence = _yearly_skill_trend(data, spec["trend_skills"], sets)
        evidence += trend_evidence
    verdict = combine(per_source)
    reason = (
        f"Among {pooled[spec['skills'][0]].n} ML-engineer postings: "
        + ", ".join(reason_bits)
        + f" (threshold {_pct(cfg.common_share)}){extra}."
    )
    return ClaimResult(
        spec["id"], spec["claim"], spec["claim_zh"], verdict, reason, evidence, per_source, spec, series
    )


def _yearly_skill_trend(
    data: ReportData, skills: list[str], sets: dict[str, set[str]]
) -> tuple[pd.DataFrame, list[Evidence]]:
    """Yearly share of all HN postings naming each skill, and a weighted slope per skill."""
    hn = _text_postings(data)
    hn = hn[hn.source.eq("hn") & hn.month.notna()]
    rows = []
    for year, group in hn.groupby(hn.month.str[:4]):
        keys = set(group.posting_key)
        for s in skills:
            rows.append(
                {"year": int(year), "skill_id": s, "n": len(keys), "k": len(keys & sets.get(s, set()))}
            )
    series = pd.DataFrame(rows, columns=["year", "skill_id", "n", "k"])
    evidence = []
    for s in skills:
        part = series[(series.skill_id == s) & (series.n >= 30)]
        est = (
            linear_trend(part.year, part.k / part.n, part.n)
            if not part.empty
            else Estimate(None, None, None, 0)
        )
        evidence.append(Evidence.of("hn", "all HN postings, by year", "trend_slope", est, s))
    if not series.empty:
        series["share"] = series.k / series.n
    return series, evidence


def eval_skill_any(spec: dict, data: ReportData, cfg: ClaimsConfig, taxonomy: Taxonomy) -> ClaimResult:
    text = _text_postings(data)
    sets = _skill_sets(data)
    any_keys = set().union(*(sets.get(s, set()) for s in spec["skills"]))
    evidence, per_source = [], {}
    for source, group in _by_source(text):
        is_focus = role_mask(group, cfg.focus_role)
        focus_keys, other_keys = set(group.posting_key[is_focus]), set(group.posting_key[~is_focus])
        f = share(len(focus_keys & any_keys), len(focus_keys))
        o = share(len(other_keys & any_keys), len(other_keys))
        d = share_difference(
            len(focus_keys & any_keys), len(focus_keys), len(other_keys & any_keys), len(other_keys)
        )
        evidence += [
            Evidence.of(
                source, f"{cfg.focus_role} postings with full text", "share", f, "any deployment skill"
            ),
            Evidence.of(source, "all other postings with full text", "share", o, "any deployment skill"),
            Evidence.of(
                source, f"{cfg.focus_role} minus all other", "share_difference", d, "any deployment skill"
            ),
        ]
        if f.n < cfg.min_n:
            per_source[source] = "insufficient"
        elif f.value >= cfg.common_share and d.ci_low is not None and d.ci_low > 0:
            per_source[source] = "supported"
        elif f.ci_high < cfg.common_share and (d.ci_high is None or d.ci_high <= 0):
            per_source[source] = "contradicted"
        else:
            per_source[source] = "mixed"
    pf = next(e for e in evidence if e.source == POOLED and e.metric == "share")
    po = [e for e in evidence if e.source == POOLED and e.metric == "share"][1]
    reason = (
        f"{_pct(pf.value)} of {pf.n} ML-engineer postings name a deployment/MLOps skill "
        f"({', '.join(spec['skills'])}), against {_pct(po.value)} of other postings."
    )
    return ClaimResult(
        spec["id"], spec["claim"], spec["claim_zh"], combine(per_source), reason, evidence, per_source, spec
    )


# -- demand over time ----------------------------------------------------------------------------------------
def monthly_role_series(data: ReportData, roles: dict[str, list[str]]) -> pd.DataFrame:
    """Per source and month: postings, and postings of each role group; coverage flags for HN months.

    Counts jobs once per month (a re-post in a later month counts again there), so steady advertisers do
    not vanish from later months as they would under whole-store de-duplication.
    """
    base = data.monthly if data.monthly is not None else data.postings
    p = base[base.month.notna()]
    rows = []
    for (source, month), group in p.groupby(["source", "month"]):
        row = {"source": source, "month": month, "n": len(group)}
        for name, wanted in roles.items():
            row[name] = int(role_mask(group, wanted).sum())
        rows.append(row)
    series = pd.DataFrame(rows, columns=["source", "month", "n", *roles])
    cov = (
        data.coverage.set_index("month")
        if not data.coverage.empty
        else pd.DataFrame(columns=["coverage", "partial"])
    )
    series["coverage"] = series.month.map(cov["coverage"]) if "coverage" in cov else None
    series["partial"] = series.month.map(cov["partial"]).eq(True) if "partial" in cov else False
    series.loc[series.source != "hn", "partial"] = False
    series["year"] = series.month.str[:4].astype(int) + (series.month.str[5:7].astype(int) - 1) / 12
    return series


def eval_demand_trend(spec: dict, data: ReportData, cfg: ClaimsConfig, taxonomy: Taxonomy) -> ClaimResult:
    groups = {"ml_engineer": [cfg.focus_role], "ml_ai_wide": cfg.wide_ml_roles}
    series = monthly_role_series(data, groups)
    evidence, per_source = [], {}
    sources = sorted(series.source.unique()) if not series.empty else []
    for source in [*sources, POOLED]:
        if source == POOLED:
            part = series.groupby("month", as_index=False).agg(
                n=("n", "sum"),
                ml_engineer=("ml_engineer", "sum"),
                ml_ai_wide=("ml_ai_wide", "sum"),
                partial=("partial", "any"),
                year=("year", "first"),
            )
        else:
            part = series[series.source == source]
        fit = part[(~part.partial) & (part.n >= cfg.min_n)]
        verdict = "insufficient"
        for group in groups:
            est = (
                linear_trend(fit.year, fit[group] / fit.n, fit.n)
                if len(fit) >= 3
                else Estimate(None, None, None, len(fit))
            )
            evidence.append(
                Evidence.of(
                    source, f"months with ≥{cfg.min_n} postings, coverage ≥60 %", "trend_slope", est, group
                )
            )
            if group == "ml_engineer" and est.value is not None and len(fit) >= 6:
                first_year, last_year = fit.year.min(), fit.year.max()
                span = last_year - first_year
                early = fit[fit.year <= first_year + span / 4]
                late = fit[fit.year >= last_year - span / 4]
                e_share = share(int(early.ml_engineer.sum()), int(early.n.sum()))
                l_share = share(int(late.ml_engineer.sum()), int(late.n.sum()))
                evidence.append(
                    Evidence.of(
                        source, f"first quarter of the span ({fit.month.min()}…)", "share", e_share, group
                    )
                )
                evidence.append(
                    Evidence.of(
                        source, f"last quarter of the span (…{fit.month.max()})", "share", l_share, group
                    )
                )
                if est.ci_low > 0 and l_share.value > e_share.value:
                    verdict = "supported"
                elif est.ci_high < 0:
                    verdict = "contradicted"
                else:
                    verdict = "mixed"
        per_source[source] = verdict
    slopes = {(e.source, e.subject): e for e in evidence if e.metric == "trend_slope"}
    hn = slopes.get(("hn", "ml_engineer"))
    pooled = slopes.get((POOLED, "ml_engineer"))
    main = hn if hn and hn.value is not None else pooled
    reason = (
        "No month series long enough to fit a trend."
        if main is None or main.value is None
        else f"ML-engineer share of postings changes by {100 * main.value:+.2f} points a year "
        f"[{100 * main.ci_low:+.2f}, {100 * main.ci_high:+.2f}] over {main.n} well-covered months "
        f"({main.source})."
    )
    return ClaimResult(
        spec["id"],
        spec["claim"],
        spec["claim_zh"],
        combine(per_source),
        reason,
        evidence,
        per_source,
        spec,
        series,
    )


# -- pay -----------------------------------------------------------------------------------------------------
def pay_frame(data: ReportData) -> pd.DataFrame:
    """Postings with an annual USD figure, with their roles, seniority, source and US flag."""
    merged = data.salaries[["posting_key", "annual_usd", "provenance"]].merge(
        data.postings[["posting_key", "source", "roles", "seniority", "countries"]], on="posting_key"
    )
    merged["annual_usd"] = merged.annual_usd.astype(float)
    merged["is_us"] = np.fromiter((("US" in cs) for cs in merged.countries), dtype=bool, count=len(merged))
    return merged


def _band_verdict(est: Estimate, low: float, high: float, min_n: int) -> str:
    if est.n < min_n or est.value is None:
        return "insufficient"
    if est.ci_high < low or est.ci_low > high:
        return "contradicted"
    return "supported"


def eval_salary_level(spec: dict, data: ReportData, cfg: ClaimsConfig, taxonomy: Taxonomy) -> ClaimResult:
    target, tol = float(spec["target"]), float(spec["tolerance"])
    low, high = target * (1 - tol), target * (1 + tol)
    pay = pay_frame(data)
    focus = pay[role_mask(pay, cfg.focus_role)]
    evidence, per_source = [], {}
    for region, part in (("US", focus[focus.is_us]), ("outside US", focus[~focus.is_us])):
        for source, group in _by_source(part):
            med = bootstrap(group.annual_usd, np.median)
            mean = bootstrap(group.annual_usd, np.mean)
            population = f"{cfg.focus_role} postings with pay, {region}"
            evidence += [
                Evidence.of(source, population, "median_annual_usd", med),
                Evidence.of(source, population, "mean_annual_usd", mean),
            ]
            if region == "US":
                per_source[source] = _band_verdict(med, low, high, cfg.min_n)
    survey = data.survey
    if not survey.empty:
        mle = survey[survey.job_title.eq("Machine Learning Engineer")]
        for region, part in (
            ("US", mle[mle.company_location.eq("US")]),
            ("outside US", mle[~mle.company_location.eq("US")]),
        ):
            population = f"survey respondents titled Machine Learning Engineer, {region}"
            evidence += [
                Evidence.of(
                    "aijobs", population, "median_annual_usd", bootstrap(part.salary_in_usd, np.median)
                ),
                Evidence.of("aijobs", population, "mean_annual_usd", bootstrap(part.salary_in_usd, np.mean)),
            ]
    pooled = next((e for e in evidence if e.source == POOLED and e.metric == "median_annual_usd"), None)
    verdict = combine(per_source)
    if verdict == "contradicted" and pooled is not None and pooled.value is not None:
        direction = "above" if pooled.ci_low > high else "below"
    else:
        direction = None
    survey_med = next((e for e in evidence if e.source == "aijobs" and e.metric == "median_annual_usd"), None)
    reason = (
        f"Median US pay of {pooled.n if pooled else 0} ML-engineer postings is {_usd_ci(pooled)}"
        + (
            f", {direction} the ${low:,.0f}–${high:,.0f} band"
            if direction
            else f"; band ${low:,.0f}–${high:,.0f}"
        )
        + (f"; the survey's US median is {_usd(survey_med.value)}" if survey_med and survey_med.value else "")
        + "."
    )
    return ClaimResult(
        spec["id"], spec["claim"], spec["claim_zh"], verdict, reason, evidence, per_source, spec
    )


def eval_salary_premium(spec: dict, data: ReportData, cfg: ClaimsConfig, taxonomy: Taxonomy) -> ClaimResult:
    pay = pay_frame(data)
    pay = pay[pay.is_us]
    evidence, per_source = [], {}
    for source, group in _by_source(pay):
        focus = group[role_mask(group, cfg.focus_role)].annual_usd
        verdicts = []
        for other in spec["comparison"]:
            others = group[role_mask(group, other, (cfg.focus_role,))].annual_usd
            est = bootstrap_difference(focus, others, np.median)
            evidence.append(
                Evidence.of(
                    source,
                    f"US postings: {cfg.focus_role} minus {other}",
                    "median_difference_usd",
                    est,
                    other,
                )
            )
            if len(focus) < cfg.min_n or len(others) < cfg.min_n:
                verdicts.append("insufficient")
            elif est.ci_low > 0:
                verdicts.append("supported")
            elif est.ci_high < 0:
                verdicts.append("contradicted")
            else:
                verdicts.append("mixed")
        per_source[source] = _all_of(verdicts)
    survey = data.survey
    if not survey.empty:
        us = survey[survey.company_location.eq("US")]
        mle = us[us.job_title.eq("Machine Learning Engineer")].salary_in_usd
        for other, title in (("software_engineer", "Software Engineer"), ("data_analyst", "Data Analyst")):
            est = bootstrap_difference(mle, us[us.job_title.eq(title)].salary_in_usd, np.median)
            evidence.append(
                Evidence.of(
                    "aijobs",
                    f"US survey: Machine Learning Engineer minus {title}",
                    "median_difference_usd",
                    est,
                    other,
                )
            )
    pooled = {e.subject: e for e in evidence if e.source == POOLED}
    reason = (
        "; ".join(f"ML engineer minus {o}: {_usd_ci(pooled[o])}" for o in spec["comparison"] if o in pooled)
        + " (US postings, difference of medians)."
    )
    return ClaimResult(
        spec["id"], spec["claim"], spec["claim_zh"], combine(per_source), reason, evidence, per_source, spec
    )


def _all_of(verdicts: list[str]) -> str:
    """Comparisons that must all hold: any insufficient → insufficient; any contradicted → contradicted."""
    if not verdicts or "insufficient" in verdicts:
        return "insufficient"
    if "contradicted" in verdicts:
        return "contradicted"
    return "supported" if all(v == "supported" for v in verdicts) else "mixed"


def eval_pay_factors(spec: dict, data: ReportData, cfg: ClaimsConfig, taxonomy: Taxonomy) -> ClaimResult:
    pay = pay_frame(data)
    pay = pay[role_mask(pay, cfg.wide_ml_roles)]
    sets = _skill_sets(data)
    evidence, per_source = [], {}
    for source, group in _by_source(pay):
        for level, part in group.groupby("seniority"):
            evidence.append(
                Evidence.of(
                    source,
                    "ML/AI postings with pay",
                    "median_annual_usd",
                    bootstrap(part.annual_usd, np.median),
                    str(level),
                )
            )
        senior = group[group.seniority.isin(SENIOR)].annual_usd
        junior = group[group.seniority.isin(JUNIOR_MID)].annual_usd
        s_est = bootstrap_difference(senior, junior, np.median)
        evidence.append(
            Evidence.of(
                source,
                "ML/AI postings: senior+ minus junior/mid",
                "median_difference_usd",
                s_est,
                "seniority",
            )
        )
        skill_effects = []
        with_text = group[group.posting_key.isin(set(_text_postings(data).posting_key))]
        for skill in spec["skills"]:
            has = with_text.posting_key.isin(sets.get(skill, set()))
            est = bootstrap_difference(with_text.annual_usd[has], with_text.annual_usd[~has], np.median)
            evidence.append(
                Evidence.of(
                    source,
                    "ML/AI postings with pay and text: with minus without",
                    "median_difference_usd",
                    est,
                    skill,
                )
            )
            if has.sum() >= cfg.min_n and (~has).sum() >= cfg.min_n and est.value is not None:
                skill_effects.append(est.ci_low > 0 or est.ci_high < 0)
        if len(senior) < cfg.min_n or len(junior) < cfg.min_n:
            per_source[source] = "insufficient"
        elif s_est.ci_low > 0 and any(skill_effects):
            per_source[source] = "supported"
        elif s_est.ci_low <= 0 <= s_est.ci_high and not any(skill_effects):
            per_source[source] = "contradicted"
        else:
            per_source[source] = "mixed"
    if not data.survey.empty:
        mle = data.survey[
            data.survey.job_title.eq("Machine Learning Engineer") & data.survey.company_location.eq("US")
        ]
        for level, part in mle.groupby("experience_level"):
            evidence.append(
                Evidence.of(
                    "aijobs",
                    "US survey, Machine Learning Engineer",
                    "median_annual_usd",
                    bootstrap(part.salary_in_usd, np.median),
                    str(level),
                )
            )
    pooled_gap = next((e for e in evidence if e.source == POOLED and e.subject == "seniority"), None)
    significant = [
        e.subject
        for e in evidence
        if e.source == POOLED
        and e.metric == "median_difference_usd"
        and e.subject != "seniority"
        and e.value is not None
        and (e.ci_low > 0 or e.ci_high < 0)
    ]
    reason = (
        f"Median pay of senior+ ML/AI postings minus junior/mid: {_usd_ci(pooled_gap)}; "
        f"skills with a pay difference whose interval excludes 0: {', '.join(significant) or 'none'}."
    )
    return ClaimResult(
        spec["id"], spec["claim"], spec["claim_zh"], combine(per_source), reason, evidence, per_source, spec
    )


# -- industries and role contrast ----------------------------------------------------------------------------
def eval_industry_lift(spec: dict, data: ReportData, cfg: ClaimsConfig, taxonomy: Taxonomy) -> ClaimResult:
    known = data.postings[data.postings.industry.ne("unknown")]
    evidence, per_source = [], {}
    for source, group in _by_source(known):
        wide = group[role_mask(group, cfg.wide_ml_roles)]
        verdicts = []
        for industry in spec["industries"]:
            est = lift(
                int(wide.industry.eq(industry).sum()),
                len(wide),
                int(group.industry.eq(industry).sum()),
                len(group),
            )
            evidence.append(
                Evidence.of(
                    source, "ML/AI postings with a known industry vs all such postings", "lift", est, industry
                )
            )
            share_est = share(int(wide.industry.eq(industry).sum()), len(wide))
            evidence.append(
                Evidence.of(source, "ML/AI postings with a known industry", "share", share_est, industry)
            )
            if len(wide) < cfg.min_n or est.value is None:
                verdicts.append("insufficient" if len(wide) < cfg.min_n else "below")
            elif est.ci_low > 1:
                verdicts.append("above")
            elif est.ci_high < 1:
                verdicts.append("below")
            else:
                verdicts.append("unclear")
        if "insufficient" in verdicts:
            per_source[source] = "insufficient"
        elif all(v == "above" for v in verdicts):
            per_source[source] = "supported"
        elif "above" not in verdicts and "below" in verdicts:
            per_source[source] = "contradicted"
        else:
            per_source[source] = "mixed"
    pooled = {e.subject: e for e in evidence if e.source == POOLED and e.metric == "lift"}
    reason = (
        "Lift among ML/AI postings: "
        + ", ".join(
            f"{i} {pooled[i].value:.2f}" if pooled.get(i) and pooled[i].value is not None else f"{i} n/a"
            for i in spec["industries"]
        )
        + " (1 = same share as all postings)."
    )
    return ClaimResult(
        spec["id"], spec["claim"], spec["claim_zh"], combine(per_source), reason, evidence, per_source, spec
    )


def eval_role_contrast(spec: dict, data: ReportData, cfg: ClaimsConfig, taxonomy: Taxonomy) -> ClaimResult:
    text = _text_postings(data)
    sets = _skill_sets(data)
    build = set().union(*(sets.get(s, set()) for s in spec["build_skills"]))
    analysis = set().union(*(sets.get(s, set()) for s in spec["analysis_skills"]))
    evidence, per_source = [], {}
    for source, group in _by_source(text):
        mle = set(group.posting_key[role_mask(group, cfg.focus_role, ("data_scientist",))])
        ds = set(group.posting_key[role_mask(group, "data_scientist", (cfg.focus_role,))])
        diffs = {}
        for name, keys in (("build/deploy skills", build), ("analysis skills", analysis)):
            evidence.append(
                Evidence.of(
                    source, f"{cfg.focus_role} postings", "share", share(len(mle & keys), len(mle)), name
                )
            )
            evidence.append(
                Evidence.of(source, "data_scientist postings", "share", share(len(ds & keys), len(ds)), name)
            )
            diffs[name] = share_difference(len(mle & keys), len(mle), len(ds & keys), len(ds))
            evidence.append(
                Evidence.of(
                    source, f"{cfg.focus_role} minus data_scientist", "share_difference", diffs[name], name
                )
            )
        b, a = diffs["build/deploy skills"], diffs["analysis skills"]
        if min(len(mle), len(ds)) < cfg.min_n:
            per_source[source] = "insufficient"
        elif b.ci_low > 0 and a.ci_high < 0:
            per_source[source] = "supported"
        elif b.ci_high < 0 or a.ci_low > 0:
            per_source[source] = "contradicted"
        else:
            per_source[source] = "mixed"
    pooled = {e.subject: e for e in evidence if e.source == POOLED and e.metric == "share_difference"}
    reason = (
        "ML engineers minus data scientists: build/deploy skills "
        f"{_pp(pooled.get('build/deploy skills'))}, analysis skills {_pp(pooled.get('analysis skills'))}."
    )
    return ClaimResult(
        spec["id"], spec["claim"], spec["claim_zh"], combine(per_source), reason, evidence, per_source, spec
    )


def _pp(e: Evidence | None) -> str:
    if e is None or e.value is None:
        return "n/a"
    return f"{100 * e.value:+.1f} points [{100 * e.ci_low:+.1f}, {100 * e.ci_high:+.1f}]"


EVALUATORS: dict[str, Callable[[dict, ReportData, ClaimsConfig, Taxonomy], ClaimResult]] = {
    "demand_trend": eval_demand_trend,
    "salary_level": eval_salary_level,
    "salary_premium": eval_salary_premium,
    "skill_shares": eval_skill_shares,
    "skill_any": eval_skill_any,
    "industry_lift": eval_industry_lift,
    "role_contrast": eval_role_contrast,
    "pay_factors": eval_pay_factors,
}


def evaluate_all(data: ReportData, cfg: ClaimsConfig, taxonomy: Taxonomy) -> list[ClaimResult]:
    """Every claim in the file's order; a claim whose evaluation fails says so and the others go on."""
    results = []
    for spec in cfg.claims:
        try:
            results.append(EVALUATORS[spec["kind"]](spec, data, cfg, taxonomy))
        except Exception as exc:  # noqa: BLE001 - one claim's bug must not hide the other twelve
            results.append(
                ClaimResult(
                    spec["id"],
                    spec["claim"],
                    spec.get("claim_zh", ""),
                    "insufficient",
                    f"Could not be evaluated: {type(exc).__name__}: {exc}",
                    [],
                    {},
                    spec,
                )
            )
    return results
