"""Pay claims: the level ("about $120,000"), the premium over other roles, and what pay depends on.

Pay is compared in one year's dollars (CPI-U, ``pay_base_year`` in claims.yaml) after each currency was
converted at its own year's rate by the enricher. The level is an equivalence question, so "supported"
needs the whole interval inside the band. Differences are estimated inside each source × period and
combined by inverse variance; the survey (ai-jobs.net, exact duplicate rows removed) is one more stratum,
never pooled row by row with postings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from skillpulse.reports import external
from skillpulse.reports.claims.base import (
    COMBINED,
    JUNIOR_MID,
    POOLED,
    SENIOR,
    ClaimResult,
    ClaimsConfig,
    Evidence,
    all_of,
    annotate,
    direction,
    heterogeneity_note,
    inverse_variance,
    result,
    role_mask,
    role_name,
    sign_verdict,
    skill_sets,
    strata,
    text_postings,
    usd,
    usd_ci,
)
from skillpulse.reports.dataset import ReportData
from skillpulse.reports.stats import Estimate, bootstrap, bootstrap_difference

SURVEY = "aijobs"
SURVEY_TITLES = {
    "ml_engineer": "Machine Learning Engineer",
    "software_engineer": "Software Engineer",
    "data_analyst": "Data Analyst",
    "data_scientist": "Data Scientist",
}
# Pay that is not per posting: in the "Uncleaned_DS_jobs" Glassdoor file, 30 salary ranges fill 672 rows in
# contiguous blocks (see data/snapshot/glassdoor/PROVENANCE.md), so a range belongs to a search page, not
# to the posting it sits on. Those postings still count for skills and roles; their pay is not read.
NOT_PER_POSTING_PAY = ("glassdoor:uncleaned-",)
SURVEY_SENIOR = ("SE", "EX")
SURVEY_JUNIOR_MID = ("EN", "MI")


def pay_frame(data: ReportData, cfg: ClaimsConfig | None = None) -> pd.DataFrame:
    """Postings with an annual USD figure: roles, seniority, source, genre, period, US flag, real pay."""
    postings = data.postings
    if cfg is not None and "period" not in postings:
        postings = annotate(postings, cfg)
    columns = [
        c
        for c in ("posting_key", "source", "roles", "seniority", "countries", "genre", "year", "period")
        if c in postings
    ]
    salaries = data.salaries[~data.salaries.posting_key.astype(str).str.startswith(NOT_PER_POSTING_PAY)]
    merged = salaries[["posting_key", "annual_usd", "provenance"]].merge(postings[columns], on="posting_key")
    merged["annual_usd"] = merged.annual_usd.astype(float)
    merged["is_us"] = np.fromiter((("US" in cs) for cs in merged.countries), dtype=bool, count=len(merged))
    if cfg is not None and "year" in merged:
        merged["annual_real"] = external.real_dollars(
            merged.annual_usd, merged.year.astype(float), cfg.pay_base_year
        )
    else:
        merged["annual_real"] = merged.annual_usd
    return merged


def survey_frame(data: ReportData, cfg: ClaimsConfig) -> pd.DataFrame:
    """Survey rows with exact duplicate rows removed (53 % of the file repeats), in base-year dollars."""
    s = data.survey
    if s.empty:
        return s.assign(period=pd.Series(dtype=object), annual_real=pd.Series(dtype=float))
    s = s.drop(columns=[c for c in ("row_number",) if c in s]).drop_duplicates().reset_index(drop=True)
    years = s.work_year if "work_year" in s else pd.Series(np.nan, index=s.index)
    s = s.assign(
        period=[cfg.period_of(int(y)) if pd.notna(y) else None for y in years],
        annual_real=external.real_dollars(
            s.salary_in_usd.astype(float), years.astype(float), cfg.pay_base_year
        ),
    )
    return s


def _survey_us(survey: pd.DataFrame, title: str) -> pd.DataFrame:
    return survey[survey.job_title.eq(title) & survey.company_location.eq("US")]


def _strata_pay(pay: pd.DataFrame, cfg: ClaimsConfig) -> list[tuple[str, str, str, pd.DataFrame]]:
    return [(st.source, st.period, st.genre, st.frame) for st in strata(pay, cfg)]


# -- the level -----------------------------------------------------------------------------------------------
def _level_strata(
    focus: pd.DataFrame, mle: pd.DataFrame, cfg: ClaimsConfig, population: str
) -> list[tuple[str, str, str, str, pd.Series]]:
    """(source, period, genre, population, pay) per posting stratum, then per survey year group."""
    out = [(s, p, g, population, part.annual_real) for s, p, g, part in _strata_pay(focus, cfg)]
    survey_population = (
        f"US survey respondents titled Machine Learning Engineer, {cfg.pay_base_year} dollars, "
        "duplicates removed"
    )
    for period, part in mle.groupby("period") if not mle.empty else []:
        out.append((SURVEY, str(period), "survey", survey_population, part.annual_real))
    return out


def band_verdict(est: Estimate, low: float, high: float, min_n: int) -> str:
    """Equivalence: supported only if the interval lies inside the band, contradicted if wholly outside."""
    if est.n < min_n or est.value is None:
        return "insufficient"
    if est.ci_low >= low and est.ci_high <= high:
        return "supported"
    if est.ci_high < low or est.ci_low > high:
        return "contradicted"
    return "mixed"


def eval_salary_level(spec: dict, data: ReportData, cfg: ClaimsConfig, taxonomy) -> ClaimResult:
    target, tol = float(spec["target"]), float(spec["tolerance"])
    low, high = target * (1 - tol), target * (1 + tol)
    pay = pay_frame(data, cfg)
    focus = pay[role_mask(pay, cfg.focus_role) & pay.is_us.to_numpy(dtype=bool)]
    survey = survey_frame(data, cfg)
    recent = cfg.recent.label if cfg.recent else None
    base = cfg.pay_base_year
    evidence: list[Evidence] = []
    per: dict[str, str] = {}
    headline: list[tuple[str, Estimate]] = []
    population = f"US {cfg.focus_role} postings with pay, {base} dollars"
    mle = _survey_us(survey, SURVEY_TITLES["ml_engineer"])
    for source, period, genre, label, values in _level_strata(focus, mle, cfg, population):
        med = bootstrap(values, np.median)
        evidence.append(Evidence.of(source, label, "median_annual_usd", med, "ml_engineer", period, genre))
        per[f"{source} {period}"] = band_verdict(med, low, high, cfg.min_stratum_n)
        if period == recent and med.n >= cfg.min_stratum_n:
            headline.append((f"{source} {period}", med))
    # The independent figure: the survey's US ML-engineer median over all years, nominal, duplicates removed.
    evidence.append(
        Evidence.of(
            SURVEY,
            "US Machine Learning Engineer, all years, nominal USD, duplicates removed",
            "median_annual_usd",
            bootstrap(mle.salary_in_usd, np.median) if not mle.empty else Estimate(None, None, None, 0),
            "ml_engineer",
            "all",
            "survey",
        )
    )
    combined = inverse_variance([e for _, e in headline])
    evidence.append(
        Evidence.of(
            COMBINED,
            f"{population}, recent strata combined by inverse variance",
            "median_annual_usd",
            combined,
            "ml_engineer",
            recent,
        )
    )
    total = sum(e.n for _, e in headline)
    verdict = band_verdict(
        Estimate(combined.value, combined.ci_low, combined.ci_high, total), low, high, cfg.min_n
    )
    notes = []
    inside = [label for label, e in headline if band_verdict(e, low, high, 1) == "supported"]
    outside = [label for label, e in headline if band_verdict(e, low, high, 1) == "contradicted"]
    if inside and outside:
        notes.append(
            f"Strata disagree: inside the band in {', '.join(inside)}; outside it in {', '.join(outside)}."
        )
    where = (
        "above"
        if combined.value is not None and combined.value > high
        else "below"
        if combined.value is not None and combined.value < low
        else "inside"
    )
    out = result(
        spec,
        verdict,
        f"Median US ML-engineer pay in {recent}, {len(headline)} strata combined "
        f"({total} postings/respondents): "
        f"{usd_ci(combined)} in {base} dollars; band ${low:,.0f}–${high:,.0f}.",
        evidence,
        per,
    )
    out.notes = notes
    out.deciding = f"combined median {usd_ci(combined)}"
    out.plain = (
        f"US ML engineers are offered or report a median of about {usd(round(combined.value, -3))} a year "
        f"({recent}, in {base} dollars), {where} the guide's $120,000 ± {tol:.0%}."
        if combined.value is not None
        else f"Too few US ML-engineer pay figures in {recent} to tell."
    )
    out.sensitivity = [
        {
            "setting": f"band ±{t:.0%}",
            "verdict": band_verdict(
                Estimate(combined.value, combined.ci_low, combined.ci_high, total),
                target * (1 - t),
                target * (1 + t),
                cfg.min_n,
            ),
        }
        for t in (0.10, 0.15, 0.20, 0.25)
    ]
    postings_only = inverse_variance([e for label, e in headline if not label.startswith(SURVEY)])
    out.sensitivity.append(
        {
            "setting": "postings only (no survey)",
            "verdict": band_verdict(
                Estimate(postings_only.value, postings_only.ci_low, postings_only.ci_high, postings_only.n),
                low,
                high,
                cfg.min_n,
            ),
        }
    )
    return out


# -- the premium ---------------------------------------------------------------------------------------------
def eval_salary_premium(spec: dict, data: ReportData, cfg: ClaimsConfig, taxonomy) -> ClaimResult:
    pay = pay_frame(data, cfg)
    pay = pay[pay.is_us.to_numpy(dtype=bool)]
    survey = survey_frame(data, cfg)
    recent = cfg.recent.label if cfg.recent else None
    evidence: list[Evidence] = []
    per: dict[str, str] = {}
    notes: list[str] = []
    verdicts, deciding, sens_postings, sens_all = [], [], [], []
    for other in spec["comparison"]:
        strata_est: list[tuple[str, Estimate]] = []
        all_periods: list[Estimate] = []
        for row in _premium_strata(pay, survey, other, cfg):
            est = bootstrap_difference(row.a, row.b, np.median)
            evidence.append(
                Evidence.of(
                    row.source, row.population, "median_difference_usd", est, other, row.period, row.genre
                )
            )
            all_periods.append(est)
            if row.period == recent:
                strata_est.append((f"{row.source} {row.period}", est))
        recent_pay = pay[pay.period.eq(recent)]
        naive = bootstrap_difference(
            recent_pay[role_mask(recent_pay, cfg.focus_role)].annual_real,
            recent_pay[role_mask(recent_pay, other, (cfg.focus_role,))].annual_real,
            np.median,
        )
        evidence.append(
            Evidence.of(
                POOLED,
                f"US postings of {recent} pooled across sources (not used)",
                "median_difference_usd",
                naive,
                other,
                recent,
            )
        )
        combined = inverse_variance([e for _, e in strata_est])
        evidence.append(
            Evidence.of(
                COMBINED,
                f"US, {recent}: strata combined by inverse variance",
                "median_difference_usd",
                combined,
                other,
                recent,
            )
        )
        notes += heterogeneity_note(
            f"ML engineer minus {role_name(other)}", strata_est, naive, combined, lambda v: usd(v)
        )
        v = sign_verdict(combined) if sum(e.n for _, e in strata_est) >= cfg.min_n else "insufficient"
        per[f"{COMBINED}: vs {role_name(other)}"] = v
        verdicts.append(v)
        deciding.append(f"vs {role_name(other)} {usd_ci(combined)}")
        sens_postings.append(
            sign_verdict(inverse_variance([e for label, e in strata_est if not label.startswith(SURVEY)]))
        )
        sens_all.append(sign_verdict(inverse_variance(all_periods)))
    verdict = all_of(verdicts)
    combined_rows = {e.subject: e for e in evidence if e.source == COMBINED}
    out = result(
        spec,
        verdict,
        "; ".join(
            f"ML engineer minus {role_name(o)}: {usd_ci(combined_rows.get(o))}" for o in spec["comparison"]
        )
        + f" (US, {recent}, difference of medians within each source and the survey, combined).",
        evidence,
        per,
    )
    out.notes = notes
    out.deciding = "; ".join(deciding)
    out.plain = (
        "In the US today, "
        + "; ".join(_premium_words(o, combined_rows.get(o)) for o in spec["comparison"])
        + "."
    )
    out.sensitivity = [
        {"setting": "postings only (no survey)", "verdict": all_of(sens_postings)},
        {"setting": "all periods combined", "verdict": all_of(sens_all)},
    ]
    return out


@dataclass(frozen=True)
class _PayStratum:
    source: str
    period: str
    genre: str
    population: str
    a: pd.Series  # ML engineers' pay
    b: pd.Series  # the other role's pay


def _premium_strata(
    pay: pd.DataFrame, survey: pd.DataFrame, other: str, cfg: ClaimsConfig
) -> list[_PayStratum]:
    """Every source × period (postings first, then the survey's years) with enough pay in both groups."""
    out = []
    for source, period, genre, part in _strata_pay(pay, cfg):
        a = part[role_mask(part, cfg.focus_role)].annual_real
        b = part[role_mask(part, other, (cfg.focus_role,))].annual_real
        out.append(
            _PayStratum(source, period, genre, f"US postings: ML engineer minus {role_name(other)}", a, b)
        )
    title = SURVEY_TITLES.get(other)
    if title and not survey.empty:
        s_a = _survey_us(survey, SURVEY_TITLES["ml_engineer"])
        s_b = _survey_us(survey, title)
        population = f"US survey: Machine Learning Engineer minus {title}, duplicates removed"
        for period in sorted(set(s_a.period.dropna()) & set(s_b.period.dropna())):
            a, b = s_a[s_a.period == period].annual_real, s_b[s_b.period == period].annual_real
            out.append(_PayStratum(SURVEY, str(period), "survey", population, a, b))
    return [row for row in out if min(len(row.a), len(row.b)) >= cfg.min_stratum_n]


def _premium_words(other: str, e: Evidence | None) -> str:
    name = role_name(other) + "s"
    if e is None or e.value is None:
        return f"there is too little pay data to compare ML engineers with {name}"
    d = direction(e)
    if d > 0:
        return f"ML engineers are paid more than {name} (about {usd(round(e.value, -3))} more at the median)"
    if d < 0:
        return f"ML engineers are paid less than {name} (about {usd(round(-e.value, -3))} less)"
    return f"ML engineers and {name} cannot be told apart on pay ({usd_ci(e)})"


def _factors_verdict(factors: dict[str, bool], enough: bool) -> str:
    """Supported if every factor shows a difference, contradicted if none does, mixed otherwise."""
    if not enough:
        return "insufficient"
    if all(factors.values()):
        return "supported"
    if not any(factors.values()):
        return "contradicted"
    return "mixed"


# -- what pay depends on -------------------------------------------------------------------------------------
def _survey_difference(
    frame: pd.DataFrame, column: str, high: tuple[str, ...], low: tuple[str, ...]
) -> Estimate:
    """Median pay of rows whose ``column`` is in ``high`` minus those in ``low`` (no rows: no estimate)."""
    if frame.empty or column not in frame:
        return Estimate(None, None, None, 0)
    return bootstrap_difference(
        frame[frame[column].isin(high)].annual_real, frame[frame[column].isin(low)].annual_real, np.median
    )


def _experience(mle: pd.DataFrame, period: str | None) -> tuple[Estimate, list[Evidence]]:
    """The survey states experience; its ML engineers' medians per level and senior minus entry/mid."""
    population = "US survey, Machine Learning Engineer, duplicates removed"
    evidence = [
        Evidence.of(
            SURVEY,
            population,
            "median_annual_usd",
            bootstrap(part.annual_real, np.median),
            str(level),
            period,
            "survey",
        )
        for level, part in (mle.groupby("experience_level") if not mle.empty else [])
    ]
    est = _survey_difference(mle, "experience_level", SURVEY_SENIOR, SURVEY_JUNIOR_MID)
    evidence.append(
        Evidence.of(
            SURVEY,
            "US survey MLE: senior/executive minus entry/mid",
            "median_difference_usd",
            est,
            "experience",
            period,
            "survey",
        )
    )
    return est, evidence


def _title_seniority(pay: pd.DataFrame, cfg: ClaimsConfig) -> tuple[Estimate, list[Evidence]]:
    """Postings state seniority only through title words: senior+ minus junior/mid, within source."""
    evidence, strata_est = [], []
    for source, period, genre, part in _strata_pay(pay, cfg):
        s = part[part.seniority.isin(SENIOR)].annual_real
        j = part[part.seniority.isin(JUNIOR_MID)].annual_real
        if min(len(s), len(j)) >= cfg.min_stratum_n:
            est = bootstrap_difference(s, j, np.median)
            evidence.append(
                Evidence.of(
                    source,
                    "US ML/AI postings: senior+ minus junior/mid title",
                    "median_difference_usd",
                    est,
                    "seniority",
                    period,
                    genre,
                )
            )
            strata_est.append(est)
    combined = inverse_variance(strata_est)
    evidence.append(
        Evidence.of(COMBINED, "postings, all strata combined", "median_difference_usd", combined, "seniority")
    )
    return combined, evidence


def _technologies(
    pay: pd.DataFrame, skills: list[str], sets: dict[str, set[str]], cfg: ClaimsConfig
) -> tuple[list[str], list[Evidence], list[str]]:
    """With minus without each technology inside each source × period, combined; the ones that matter."""
    significant, evidence, notes = [], [], []
    for skill in skills:
        has_set = sets.get(skill, set())
        strata_est = []
        for source, period, genre, part in _strata_pay(pay, cfg):
            has = part.posting_key.isin(has_set)
            if has.sum() >= cfg.min_stratum_n and (~has).sum() >= cfg.min_stratum_n:
                est = bootstrap_difference(part.annual_real[has], part.annual_real[~has], np.median)
                evidence.append(
                    Evidence.of(
                        source,
                        "US ML/AI postings with pay: with minus without",
                        "median_difference_usd",
                        est,
                        skill,
                        period,
                        genre,
                    )
                )
                strata_est.append((f"{source} {period}", est))
        combined = inverse_variance([e for _, e in strata_est])
        evidence.append(
            Evidence.of(
                COMBINED, "with minus without, strata combined", "median_difference_usd", combined, skill
            )
        )
        notes += heterogeneity_note(skill, strata_est, None, combined)  # no pooled figure: no Simpson note
        if direction(combined) != 0 and combined.n >= cfg.min_n:
            significant.append(f"{skill} {usd_ci(combined)}")
    return significant, evidence, notes


def eval_pay_factors(spec: dict, data: ReportData, cfg: ClaimsConfig, taxonomy) -> ClaimResult:
    """Experience and organisation size from the survey, technologies from postings within source."""
    pay = pay_frame(data, cfg)
    pay = pay[role_mask(pay, cfg.wide_ml_roles) & pay.is_us.to_numpy(dtype=bool)]
    survey = survey_frame(data, cfg)
    recent = cfg.recent.label if cfg.recent else None
    mle = _survey_us(survey, SURVEY_TITLES["ml_engineer"]) if not survey.empty else survey
    mle = mle[mle.period.eq(recent)] if not mle.empty else mle
    experience, evidence = _experience(mle, recent)
    titles, title_evidence = _title_seniority(pay, cfg)
    # Organisation size: the survey's company_size (S < 50, M 50–250, L > 250 employees).
    size = _survey_difference(mle, "company_size", ("L",), ("S",))
    evidence += title_evidence + [
        Evidence.of(
            SURVEY,
            "US survey MLE: large (>250) minus small (<50) companies",
            "median_difference_usd",
            size,
            "organisation size",
            recent,
            "survey",
        )
    ]
    text_keys = set(text_postings(data).posting_key)
    significant, tech_evidence, notes = _technologies(
        pay[pay.posting_key.isin(text_keys)], spec["skills"], skill_sets(data), cfg
    )
    evidence += tech_evidence
    size_ok = size.n >= cfg.min_n and size.value is not None
    if not size_ok:
        notes.insert(
            0,
            "Organisation size cannot be measured reliably: too few small-company ML engineers in the "
            "survey's recent rows.",
        )
    notes.insert(
        1 if not size_ok else 0,
        "Organisation type (start-up, bank, public sector, …) is not measured: no source states it for "
        "enough paid postings.",
    )
    enough = experience.n >= cfg.min_n
    size_dir = direction(size) if size_ok else 0
    factors = {
        "experience": enough and direction(experience) > 0,
        "organisation size": size_dir != 0,
        "technologies": bool(significant),
    }
    per = {k: "difference" if v else "no clear difference" for k, v in factors.items()}
    out = result(
        spec,
        _factors_verdict(factors, enough),
        f"Survey ({recent}, US ML engineers): senior minus entry/mid {usd_ci(experience)}; large minus small "
        f"companies {usd_ci(size)}. Technologies whose within-source pay difference excludes 0: "
        f"{', '.join(significant) or 'none'}.",
        evidence,
        per,
    )
    out.notes = notes
    # Sensitivity: experience read from posting titles instead of the survey; size as large minus medium.
    medium = _survey_difference(mle, "company_size", ("L",), ("M",))
    out.sensitivity = [
        {
            "setting": "experience from posting titles (senior+ minus junior/mid, within source)",
            "verdict": _factors_verdict(
                {**factors, "experience": direction(titles) > 0}, titles.n >= cfg.min_n
            ),
        },
        {
            "setting": "organisation size as large minus medium companies",
            "verdict": _factors_verdict(
                {**factors, "organisation size": medium.n >= cfg.min_n and direction(medium) != 0}, enough
            ),
        },
    ]
    out.deciding = f"experience {usd_ci(experience)}; size {usd_ci(size)}; technologies: {len(significant)}"
    out.plain = _factors_sentence(factors, size_dir, significant)
    return out


def _factors_sentence(factors: dict[str, bool], size_dir: int, significant: list[str]) -> str:
    found = [k for k, v in factors.items() if v]
    missing = [k for k, v in factors.items() if not v]
    phrases = {
        "experience": "rises with experience",
        "organisation size": f"{'rises' if size_dir > 0 else 'falls'} with company size",
        "technologies": "differs with the technologies a posting names (" + "; ".join(significant) + ")",
    }
    return (
        ("Pay clearly " + " and ".join(phrases[k] for k in found) if found else "No factor clearly moves pay")
        + (f"; no clear difference by {' or '.join(missing)}" if missing else "")
        + "; organisation type is not measured."
    )


def chart(r: ClaimResult, cfg: ClaimsConfig) -> list[str]:
    """Medians or differences per stratum, the combined estimate last; the band or zero marked."""
    from skillpulse.reports import charts

    kind = r.spec["kind"]
    if kind == "salary_level":
        target, tol = float(r.spec["target"]), float(r.spec["tolerance"])
        rows = [
            e
            for e in r.evidence
            if e.metric == "median_annual_usd" and e.period != "all" and e.n >= charts.MIN_CHART_N
        ]
        return [
            charts.estimate_bars(
                rows,
                "median annual pay, US ML engineers (2025 dollars)",
                money=True,
                band=(target * (1 - tol), target * (1 + tol)),
            )
        ]
    if kind == "salary_premium":
        rows = [e for e in r.evidence if e.metric == "median_difference_usd" and e.source != POOLED]
        return [
            charts.estimate_bars(
                rows, "ML engineer minus the other role, median pay (2025 dollars)", reference=0.0, money=True
            )
        ]
    rows = [
        e
        for e in r.evidence
        if e.metric == "median_difference_usd" and (e.source == COMBINED or e.source == SURVEY)
    ]
    return [charts.estimate_bars(rows, "pay difference by factor (2025 dollars)", reference=0.0, money=True)]
