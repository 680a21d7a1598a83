"""Demand: is the ML-engineer share of postings growing today, and how did it move before?

"Demand is expected to increase" is a present-tense claim, so the verdict rests on the recent window only:
the slope of the monthly ML-engineer share within each dated source, combined across sources by inverse
variance. Each earlier period gets its own slope (a piecewise trend), absolute counts stand beside shares,
and two external series the report does not control sit on the same chart: the Indeed Hiring Lab postings
index (software development, mathematics) and the hiringtrends keyword share for "Machine Learning".
"""

from __future__ import annotations

import pandas as pd

from skillpulse.flows.sources.catalog import source_info
from skillpulse.reports import external
from skillpulse.reports.claims.base import (
    COMBINED,
    ClaimResult,
    ClaimsConfig,
    Evidence,
    annotate,
    direction,
    heterogeneity_note,
    inverse_variance,
    result,
    role_mask,
    sign_verdict,
)
from skillpulse.reports.dataset import ReportData
from skillpulse.reports.stats import Estimate, linear_trend, share

MIN_MONTHS = 6  # fewer well-covered months than this cannot carry a slope
HIRING_LAB_SECTORS = ["Software Development", "Mathematics"]
HIRINGTRENDS_TERMS = ["Machine Learning", "AI"]


def monthly_role_series(data: ReportData, roles: dict[str, list[str]], cfg: ClaimsConfig) -> pd.DataFrame:
    """Per time-series source and month: postings, each role group's postings, period, HN coverage flags.

    Counts jobs once per month (a re-post in a later month counts again there), so steady advertisers do
    not vanish from later months as they would under whole-store de-duplication.
    """
    base = data.monthly if data.monthly is not None else data.postings
    if "period" not in base:
        base = annotate(base, cfg)
    # Only sources gathered month by month form a series; a snapshot's posting dates do not.
    p = base[base.month.notna() & base.source.map(lambda s: source_info(s).time_series)]
    rows = []
    for (source, month), group in p.groupby(["source", "month"]):
        row = {"source": source, "month": month, "n": len(group), "period": cfg.period_of(int(month[:4]))}
        for name, wanted in roles.items():
            row[name] = int(role_mask(group, wanted).sum())
        rows.append(row)
    series = pd.DataFrame(rows, columns=["source", "month", "period", "n", *roles])
    cov = (
        data.coverage.set_index("month")
        if not data.coverage.empty
        else pd.DataFrame(columns=["coverage", "partial"])
    )
    series["coverage"] = series.month.map(cov["coverage"]) if "coverage" in cov else None
    series["partial"] = series.month.map(cov["partial"]).eq(True) if "partial" in cov else False
    series.loc[series.source != "hn", "partial"] = False
    series["date"] = pd.to_datetime(series.month + "-01")
    series["year"] = series.month.str[:4].astype(int) + (series.month.str[5:7].astype(int) - 1) / 12
    return series


def _fit(part: pd.DataFrame, column: str, min_n: int, counts: bool = False) -> Estimate:
    """Slope over the well-covered months with at least ``min_n`` postings: of the column's monthly share
    (weighted by postings), or with ``counts`` of its absolute monthly count."""
    fit = part[(~part.partial) & (part.n >= min_n)]
    if len(fit) < MIN_MONTHS:
        return Estimate(None, None, None, len(fit))
    if counts:
        return linear_trend(fit.year, fit[column].astype(float))
    return linear_trend(fit.year, fit[column] / fit.n, fit.n)


def eval_demand_trend(spec: dict, data: ReportData, cfg: ClaimsConfig, taxonomy) -> ClaimResult:
    groups = {"ml_engineer": [cfg.focus_role], "ml_ai_wide": cfg.wide_ml_roles}
    series = monthly_role_series(data, groups, cfg)
    evidence: list[Evidence] = []
    per: dict[str, str] = {}
    recent = cfg.recent.label if cfg.recent else None
    recent_slopes: list[tuple[str, Estimate]] = []
    for source in sorted(series.source.unique()) if not series.empty else []:
        src = series[series.source == source]
        for period in [p.label for p in cfg.periods]:
            part = src[src.period == period]
            if part.empty:
                continue
            rows = _period_evidence(source, period, part, list(groups), cfg.min_n)
            evidence += rows
            if period == recent:
                slope = rows[0].estimate  # the ML-engineer share slope comes first
                per[f"{source} {period}"] = sign_verdict(slope)
                if slope.value is not None:
                    recent_slopes.append((source, slope))
    combined = inverse_variance([e for _, e in recent_slopes])
    wide = inverse_variance(
        [
            e.estimate
            for e in evidence
            if e.period == recent
            and e.subject == "ml_ai_wide"
            and e.metric == "trend_slope"
            and e.value is not None
        ]
    )
    evidence.append(
        Evidence.of(
            COMBINED,
            "recent window, sources combined by inverse variance",
            "trend_slope",
            wide,
            "ml_ai_wide",
            recent,
        )
    )
    evidence.append(
        Evidence.of(
            COMBINED,
            "recent window, sources combined by inverse variance",
            "trend_slope",
            combined,
            "ml_engineer",
            recent,
        )
    )
    verdict = sign_verdict(combined)
    notes = heterogeneity_note("ML-engineer share slope", recent_slopes, None, combined)
    if {"hn", "hn_structured"} <= {s for s, _ in recent_slopes}:
        notes.append(
            "hn and hn_structured read the same HN threads two ways (our rules on the comment text; an "
            "LLM's extracted job titles), so they are not independent; each alone is in the sensitivity line."
        )
    out = result(spec, verdict, _reason(combined, recent_slopes, recent), evidence, per)
    out.series = series
    out.notes = notes
    out.extra_series, ext_evidence = _external(cfg)
    out.evidence += ext_evidence
    out.deciding = (
        f"combined slope {100 * combined.value:+.2f} pts/yr "
        f"[{100 * combined.ci_low:+.2f}, {100 * combined.ci_high:+.2f}]"
        if combined.value is not None
        else "no recent slope"
    )
    out.plain = _plain(combined, wide, recent, ext_evidence)
    # Sensitivity: the verdict from each source alone, and with a longer window (the last two periods).
    out.sensitivity = [{"setting": f"{s} alone", "verdict": sign_verdict(e)} for s, e in recent_slopes]
    if len(cfg.periods) >= 2:
        out.sensitivity.append(_longer_window(series, cfg))
    return out


def _period_evidence(
    source: str, period: str, part: pd.DataFrame, groups: list[str], min_n: int
) -> list[Evidence]:
    """One source's period: the share slope of each role group (ML engineer first), the period's share,
    and the slope of absolute monthly counts, so shares never stand without the counts behind them."""
    rows = [
        Evidence.of(
            source,
            f"months with ≥{min_n} postings, coverage ≥60 %",
            "trend_slope",
            _fit(part, g, min_n),
            g,
            period,
        )
        for g in groups
    ]
    k, n = int(part.ml_engineer.sum()), int(part.n.sum())
    rows.append(
        Evidence.of(source, "all postings of the period", "share", share(k, n), "ml_engineer", period)
    )
    rows.append(
        Evidence.of(
            source,
            "ML-engineer postings per month",
            "count_slope",
            _fit(part, "ml_engineer", min_n, counts=True),
            "ml_engineer",
            period,
        )
    )
    return rows


def _longer_window(series: pd.DataFrame, cfg: ClaimsConfig) -> dict[str, str]:
    """The verdict if "today" were the last two periods instead of the last one."""
    longer = [p.label for p in cfg.periods[-2:]]
    slopes = []
    for source in sorted(series.source.unique()):
        est = _fit(series[(series.source == source) & series.period.isin(longer)], "ml_engineer", cfg.min_n)
        if est.value is not None:
            slopes.append(est)
    return {
        "setting": f"window {longer[0]} to {longer[-1]}",
        "verdict": sign_verdict(inverse_variance(slopes)),
    }


def _reason(combined: Estimate, slopes: list[tuple[str, Estimate]], period: str | None) -> str:
    if combined.value is None:
        return f"No source has {MIN_MONTHS} well-covered months in {period} to fit a trend."
    parts = ", ".join(
        f"{s} {100 * e.value:+.2f} [{100 * e.ci_low:+.2f}, {100 * e.ci_high:+.2f}]" for s, e in slopes
    )
    return (
        f"In {period}, the ML-engineer share of postings changes by {100 * combined.value:+.2f} points/yr "
        f"[{100 * combined.ci_low:+.2f}, {100 * combined.ci_high:+.2f}] (sources combined; {parts})."
    )


def _plain(combined: Estimate, wide: Estimate, period: str | None, ext: list[Evidence]) -> str:
    if combined.value is None:
        return f"There are too few well-covered months in {period} to tell whether demand is growing."
    words = {1: "is growing", -1: "is shrinking", 0: "is not clearly changing"}
    text = (
        f"As a share of tech postings, demand for roles titled ML engineer {words[direction(combined)]} in "
        f"{period} ({100 * combined.value:+.1f} points a year)"
    )
    if wide.value is not None:
        text += (
            f", while ML/AI roles taken together (AI, MLOps, research) "
            f"{words[direction(wide)].replace('is ', 'are ')} "
            f"({100 * wide.value:+.1f} points a year)"
        )
    text += "."
    sw = next((e for e in ext if e.subject == "Software Development" and e.metric == "index_last"), None)
    if sw is not None and sw.value is not None:
        text += (
            f" The whole software-development job market shrank meanwhile: Indeed's index stood at "
            f"{sw.value:.0f} in {sw.period} (February 2020 = 100)."
        )
    return text


def _external(cfg: ClaimsConfig) -> tuple[dict[str, pd.DataFrame], list[Evidence]]:
    """External series the report does not control, for the chart and the evidence table."""
    sectors = external.hiring_lab_sectors(HIRING_LAB_SECTORS)
    terms = external.hiringtrends_terms(HIRINGTRENDS_TERMS)
    evidence: list[Evidence] = []
    for name, part in sectors.groupby("series") if not sectors.empty else []:
        part = part.sort_values("month")
        peak = part.loc[part["index"].idxmax()]
        last = part.iloc[-1]
        for metric, row in (("index_first", part.iloc[0]), ("index_peak", peak), ("index_last", last)):
            evidence.append(
                Evidence(
                    "indeed_hiring_lab",
                    "Indeed US postings index (100 = 2020-02-01)",
                    metric,
                    float(row["index"]),
                    None,
                    None,
                    0,
                    str(name),
                    str(row.month),
                    "index",
                )
            )
    for term, part in terms.groupby("term") if not terms.empty else []:
        part = part.sort_values("month")
        last3 = part[part.month >= f"{int(part.month.iloc[-1][:4]) - 3}{part.month.iloc[-1][4:]}"]
        est = linear_trend(
            last3.month.str[:4].astype(int) + (last3.month.str[5:7].astype(int) - 1) / 12,
            last3.percentage / 100,
            None,
        )
        evidence.append(
            Evidence(
                "hiringtrends",
                "HN comments mentioning the term (third-party count), last 3 years",
                "trend_slope",
                est.value,
                est.ci_low,
                est.ci_high,
                est.n,
                str(term),
                f"{last3.month.iloc[0]}…{last3.month.iloc[-1]}",
                "index",
            )
        )
    return {"hiring_lab": sectors, "hiringtrends": terms}, evidence


def chart(r: ClaimResult, cfg: ClaimsConfig) -> list[str]:
    from skillpulse.reports import charts

    return [charts.demand_chart(r.series, r.extra_series)]
