"""Industries: is ML/AI hiring growing inside healthcare, finance and e-commerce?

The guide says demand is "driven by" these industries. The earlier test (the industry's share among ML/AI
postings over its share among all postings) was circular: an "ai_ml" industry assigned from ML keywords
pulled ML postings out of every other industry. Here that category is left out, and the question is asked
within each industry: did the ML/AI share of its postings grow from the previous period to the recent one,
inside each source? Sources are combined with Mantel–Haenszel weights; other industries are the reference.
"""

from __future__ import annotations

from skillpulse.reports.claims.base import (
    COMBINED,
    ClaimResult,
    ClaimsConfig,
    Evidence,
    direction,
    mantel_haenszel_difference,
    pp,
    result,
    role_mask,
)
from skillpulse.reports.dataset import ReportData
from skillpulse.reports.stats import Estimate, lift, share, share_difference

CIRCULAR = ("unknown", "ai_ml")
OTHERS = "all other industries"


def _growth(
    frame, cfg: ClaimsConfig, industry: str, baseline: str, recent: str, exclude: list[str] | None = None
):
    """Per source: (k_recent, n_recent, k_base, n_base) of ML/AI postings within the industry."""
    tables, evidence = [], []
    for source, part in frame.groupby("source"):
        inds = part[~part.industry.isin(exclude)] if exclude is not None else part[part.industry.eq(industry)]
        r, b = inds[inds.period.eq(recent)], inds[inds.period.eq(baseline)]
        if min(len(r), len(b)) < cfg.min_stratum_n:
            continue
        kr, kb = int(role_mask(r, cfg.wide_ml_roles).sum()), int(role_mask(b, cfg.wide_ml_roles).sum())
        tables.append((kr, len(r), kb, len(b)))
        label = industry if exclude is None else OTHERS
        evidence += [
            Evidence.of(
                str(source),
                "postings of the industry: ML/AI share",
                "share",
                share(kb, len(b)),
                label,
                baseline,
            ),
            Evidence.of(
                str(source),
                "postings of the industry: ML/AI share",
                "share",
                share(kr, len(r)),
                label,
                recent,
            ),
            Evidence.of(
                str(source),
                f"ML/AI share, {recent} minus {baseline}",
                "share_difference",
                share_difference(kr, len(r), kb, len(b)),
                label,
                recent,
            ),
        ]
    return tables, evidence


def _verdict(states: list[str]) -> str:
    if "insufficient" in states:
        return "insufficient"
    if all(s == "grew" for s in states):
        return "supported"
    if "grew" not in states and "fell" in states:
        return "contradicted"
    return "mixed"


def _state(tables: list[tuple[int, int, int, int]], est: Estimate, min_n: int) -> str:
    """One industry's answer from its combined change: grew / fell / no clear change / insufficient."""
    if sum(t[1] + t[3] for t in tables) < min_n or est.value is None:
        return "insufficient"
    return {1: "grew", -1: "fell", 0: "no clear change"}[direction(est)]


def _states(frame, cfg: ClaimsConfig, industries: list[str], baseline: str, recent: str) -> list[str]:
    """Each named industry's answer for one setting (the sensitivity lines)."""
    out = []
    for industry in industries:
        tables, _ = _growth(frame, cfg, industry, baseline, recent)
        out.append(_state(tables, mantel_haenszel_difference(tables), cfg.min_n))
    return out


def eval_industry_growth(spec: dict, data: ReportData, cfg: ClaimsConfig, taxonomy) -> ClaimResult:
    known = data.postings[~data.postings.industry.isin(CIRCULAR)]
    known = known[known.period.notna()] if "period" in known else known.iloc[0:0]
    if len(cfg.periods) < 2:
        return result(spec, "insufficient", "claims.yaml declares fewer than two periods.", [], {})
    recent, baseline = cfg.periods[-1].label, cfg.periods[-2].label
    evidence: list[Evidence] = []
    per: dict[str, str] = {}
    combined: dict[str, Estimate] = {}
    for industry in [*spec["industries"], OTHERS]:
        exclude = [*spec["industries"]] if industry == OTHERS else None
        tables, ev = _growth(known, cfg, industry, baseline, recent, exclude)
        evidence += ev
        est = mantel_haenszel_difference(tables)
        combined[industry] = est
        evidence.append(
            Evidence.of(
                COMBINED,
                f"ML/AI share, {recent} minus {baseline}, sources combined (Mantel–Haenszel)",
                "share_difference",
                est,
                industry,
                recent,
            )
        )
        if industry != OTHERS:
            per[industry] = _state(tables, est, cfg.min_n)
    # The recent period's lift, without the circular category, for readers used to the earlier measure.
    rec = known[known.period.eq(recent)]
    wide = rec[role_mask(rec, cfg.wide_ml_roles)]
    for industry in spec["industries"]:
        evidence.append(
            Evidence.of(
                COMBINED,
                f"ML/AI postings of {recent} vs all (ai_ml category left out)",
                "lift",
                lift(
                    int(wide.industry.eq(industry).sum()),
                    len(wide),
                    int(rec.industry.eq(industry).sum()),
                    len(rec),
                ),
                industry,
                recent,
            )
        )
    verdict = _verdict([per[i] for i in spec["industries"]])
    out = result(
        spec,
        verdict,
        f"Change in the ML/AI share of each industry's postings, {baseline} to {recent}, within source: "
        + ", ".join(f"{i} {pp(combined[i])}" for i in [*spec["industries"], OTHERS])
        + ".",
        evidence,
        per,
    )
    out.deciding = "; ".join(f"{i} {pp(combined[i])}" for i in spec["industries"])
    grew = [i for i in spec["industries"] if per[i] == "grew"]
    others = combined[OTHERS]
    stand_out = [i for i in grew if others.ci_high is not None and combined[i].ci_low > others.ci_high]
    out.plain = (
        f"From {baseline} to {recent}, ML/AI roles took a clearly larger share of postings in "
        f"{', '.join(grew) if grew else 'none of the named industries'}"
    )
    if others.value is not None:
        out.plain += f"; in all other industries together the change was {pp(others)}"
        if grew and not stand_out:
            out.plain += ", so the named industries do not stand out"
    out.plain += "."
    if verdict == "insufficient":
        out.plain = f"Too few postings with a known industry in both {baseline} and {recent} to tell."
    named = list(spec["industries"])
    out.sensitivity = [
        {
            "setting": f"HN only, {baseline} to {recent}",
            "verdict": _verdict(_states(known[known.source.eq("hn")], cfg, named, baseline, recent)),
        },
        {
            "setting": f"job-description sources only, {baseline} to {recent}",
            "verdict": _verdict(
                _states(known[known.genre.eq("job_description")], cfg, named, baseline, recent)
            ),
        },
    ]
    if len(cfg.periods) >= 3:
        earlier = cfg.periods[-3].label
        out.sensitivity.append(
            {
                "setting": f"baseline {earlier} instead",
                "verdict": _verdict(_states(known, cfg, named, earlier, recent)),
            }
        )
    out.notes = [
        "Industry comes from the source (Glassdoor, LinkedIn) or from the company's self-description; the "
        "circular 'ai_ml' category is left out of every denominator."
    ]
    return out


def chart(r: ClaimResult, cfg: ClaimsConfig) -> list[str]:
    from skillpulse.reports import charts

    rows = [e for e in r.evidence if e.source == COMBINED and e.metric == "share_difference"]
    return [
        charts.estimate_bars(
            rows, "change in ML/AI share of the industry's postings", reference=0.0, percent=True
        )
    ]
