"""Skill claims: how often ML-engineer job descriptions name a skill, per named skill, today and before.

The headline rests on full job descriptions of the recent period. Short ads (HN comments) are shown per
source × period beside it, but a short ad that does not name a skill is silent, never a contradiction.
Every threshold of the sensitivity list is tried; a verdict that flips within that range says so.
"""

from __future__ import annotations

import pandas as pd

from skillpulse.reports.claims.base import (
    COMBINED,
    JOB_DESCRIPTION,
    ClaimResult,
    ClaimsConfig,
    Evidence,
    direction,
    mantel_haenszel_difference,
    pct,
    pp,
    recent_job_descriptions,
    result,
    role_mask,
    short_ad_guard,
    skill_sets,
    strata,
    text_postings,
)
from skillpulse.reports.dataset import ReportData
from skillpulse.reports.stats import Estimate, linear_trend, share, share_difference

RANKED_SHOWN = 12  # other skills of the category shown beside the named ones


def frequency_word(value: float | None, cfg: ClaimsConfig) -> str:
    """Plain words for a share: most / often (the common share) / sometimes (the rare share) / rarely."""
    if value is None:
        return "unknown"
    if value >= 0.5:
        return "most postings"
    if value >= cfg.common_share:
        return "often"
    if value >= cfg.rare_share:
        return "sometimes"
    return "rarely"


def share_verdict(estimates: list[Estimate], threshold: float, min_n: int) -> str:
    """Supported if every named skill's interval lies at or above the threshold, contradicted if every one
    lies below it, mixed otherwise (a split answer such as "Python yes, R no" is mixed, not supported)."""
    if not estimates or estimates[0].n < min_n or any(e.value is None for e in estimates):
        return "insufficient"
    if all(e.ci_low >= threshold for e in estimates):
        return "supported"
    if all(e.ci_high < threshold for e in estimates):
        return "contradicted"
    return "mixed"


def eval_skill_shares(spec: dict, data: ReportData, cfg: ClaimsConfig, taxonomy) -> ClaimResult:
    text = text_postings(data)
    focus = text[role_mask(text, cfg.focus_role)]
    sets = skill_sets(data)
    skills = list(spec["skills"])
    population = f"{cfg.focus_role} postings with full text"
    evidence: list[Evidence] = []
    per: dict[str, str] = {}
    period = cfg.recent.label if cfg.recent else None
    recent_jd_strata = []  # the strata whose opposite verdict would make the headline mixed
    for st in strata(focus, cfg):
        keys = set(st.frame.posting_key)
        ests = [share(len(keys & sets.get(s, set())), len(keys)) for s in skills]
        evidence += [
            Evidence.of(st.source, population, "share", e, s, st.period, st.genre)
            for s, e in zip(skills, ests, strict=True)
        ]
        per[st.label] = short_ad_guard(share_verdict(ests, cfg.common_share, cfg.min_n), st.genre)
        if st.genre == JOB_DESCRIPTION and st.period == period:
            recent_jd_strata.append(st.label)
    recent = recent_job_descriptions(focus, cfg)
    keys = set(recent.posting_key)
    headline = {s: share(len(keys & sets.get(s, set())), len(keys)) for s in skills}
    evidence += [
        Evidence.of(COMBINED, f"{population}, job descriptions", "share", e, s, period, JOB_DESCRIPTION)
        for s, e in headline.items()
    ]
    ests = list(headline.values())
    verdict = share_verdict(ests, cfg.common_share, cfg.min_n)
    notes = []
    opposite = {"supported": "contradicted", "contradicted": "supported"}.get(verdict)
    jd_recent = [label for label in recent_jd_strata if per[label] == opposite]
    if jd_recent:
        notes.append(f"Job-description sources disagree: {', '.join(jd_recent)} reach the opposite verdict.")
        verdict = "mixed"
    sensitivity = [
        {"setting": f"threshold {pct(t)}", "verdict": share_verdict(ests, t, cfg.min_n)}
        for t in cfg.share_thresholds
    ]
    summary = "; ".join(
        f"{_name(taxonomy, s)}: {frequency_word(e.value, cfg)} ({pct(e.value)})" for s, e in headline.items()
    )
    n = len(keys)
    extra = ""
    if category := spec.get("rank_against_category"):
        ranked = sorted(
            ((len(keys & sets.get(s.id, set())), s.id) for s in taxonomy.skills if s.category == category),
            key=lambda pair: (-pair[0], pair[1]),
        )
        ranks = {sid: i + 1 for i, (_, sid) in enumerate(ranked)}
        for k, sid in ranked[:RANKED_SHOWN]:
            if sid not in skills:
                evidence.append(
                    Evidence.of(
                        COMBINED, f"{population}, job descriptions", "share", share(k, n), sid, period
                    )
                )
        for s in skills:
            evidence.append(
                Evidence(
                    COMBINED, f"{category}s in {population}", "rank", ranks.get(s), None, None, n, s, period
                )
            )
        extra = (
            f" Ranks among {len(ranked)} {category}s: "
            + ", ".join(f"{_name(taxonomy, s)} #{ranks.get(s)}" for s in skills)
            + "."
        )
    out = result(
        spec,
        verdict,
        f"Among {n} ML-engineer job descriptions of {period}: "
        + ", ".join(f"{s} {pct(e.value)} [{pct(e.ci_low)}, {pct(e.ci_high)}]" for s, e in headline.items())
        + f" (threshold {pct(cfg.common_share)}).{extra}",
        evidence,
        per,
    )
    out.plain = (
        f"In {n} ML-engineer job descriptions of {period}, {summary}."
        if n
        else f"No ML-engineer job descriptions of {period} to judge by."
    )
    lowest = min(headline.items(), key=lambda kv: kv[1].value if kv[1].value is not None else 2.0)
    low = lowest[1]
    name = _name(taxonomy, lowest[0])
    out.deciding = f"lowest share: {name} {pct(low.value)} [{pct(low.ci_low)}, {pct(low.ci_high)}]"
    out.sensitivity = sensitivity
    out.notes = notes
    if spec.get("trend"):
        out.series, trend_evidence = yearly_skill_trend(data, spec["trend_skills"], sets)
        out.evidence += trend_evidence
    return out


def _name(taxonomy, skill_id: str) -> str:
    try:
        return next(s.name for s in taxonomy.skills if s.id == skill_id)
    except (StopIteration, AttributeError):
        return skill_id


def yearly_skill_trend(
    data: ReportData, skills: list[str], sets: dict[str, set[str]]
) -> tuple[pd.DataFrame, list[Evidence]]:
    """Yearly share of all HN postings naming each skill, and a weighted slope per skill.

    A relative measure over short ads: the same genre every year, so a fall in the share is a fall in how
    often the skill is named, not a claim that it is not needed.
    """
    hn = text_postings(data)
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


def eval_skill_any(spec: dict, data: ReportData, cfg: ClaimsConfig, taxonomy) -> ClaimResult:
    text = text_postings(data)
    sets = skill_sets(data)
    any_keys = set().union(*(sets.get(s, set()) for s in spec["skills"]))
    evidence: list[Evidence] = []
    per: dict[str, str] = {}
    tables = []
    period = cfg.recent.label if cfg.recent else None
    for st in strata(text, cfg):
        is_focus = role_mask(st.frame, cfg.focus_role)
        fk, ok = set(st.frame.posting_key[is_focus]), set(st.frame.posting_key[~is_focus])
        f = share(len(fk & any_keys), len(fk))
        d = share_difference(len(fk & any_keys), len(fk), len(ok & any_keys), len(ok))
        evidence += [
            Evidence.of(
                st.source, f"{cfg.focus_role} postings", "share", f, "any deployment skill", st.period
            ),
            Evidence.of(
                st.source,
                f"{cfg.focus_role} minus other postings",
                "share_difference",
                d,
                "any deployment skill",
                st.period,
            ),
        ]
        per[st.label] = short_ad_guard(_any_verdict(f, d, cfg.common_share, cfg.min_n), st.genre)
        if st.genre == JOB_DESCRIPTION and st.period == period and min(len(fk), len(ok)) >= cfg.min_stratum_n:
            tables.append((len(fk & any_keys), len(fk), len(ok & any_keys), len(ok)))
    recent = recent_job_descriptions(text, cfg)
    is_focus = role_mask(recent, cfg.focus_role)
    fk = set(recent.posting_key[is_focus])
    f = share(len(fk & any_keys), len(fk))
    d = mantel_haenszel_difference(tables)
    evidence += [
        Evidence.of(
            COMBINED,
            f"{cfg.focus_role} job descriptions",
            "share",
            f,
            "any deployment skill",
            period,
            JOB_DESCRIPTION,
        ),
        Evidence.of(
            COMBINED,
            f"{cfg.focus_role} minus other job descriptions (within source, Mantel–Haenszel)",
            "share_difference",
            d,
            "any deployment skill",
            period,
            JOB_DESCRIPTION,
        ),
    ]
    verdict = _any_verdict(f, d, cfg.common_share, cfg.min_n)
    out = result(
        spec,
        verdict,
        f"{pct(f.value)} [{pct(f.ci_low)}, {pct(f.ci_high)}] of {f.n} ML-engineer job descriptions of "
        f"{period} "
        f"name a deployment/MLOps skill ({', '.join(spec['skills'])}); against other job descriptions in the "
        f"same sources: {pp(d)}.",
        evidence,
        per,
    )
    more = {1: "more often than", -1: "less often than", 0: "about as often as"}[direction(d)]
    out.plain = (
        f"{pct(f.value)} of ML-engineer job descriptions of {period} ask for deploying or operating models, "
        f"{more} other job descriptions in the same sources ({pp(d)})."
        if f.value is not None
        else f"No ML-engineer job descriptions of {period} to judge by."
    )
    out.deciding = f"share {pct(f.value)} [{pct(f.ci_low)}, {pct(f.ci_high)}]; difference {pp(d)}"
    out.sensitivity = [
        {"setting": f"threshold {pct(t)}", "verdict": _any_verdict(f, d, t, cfg.min_n)}
        for t in cfg.share_thresholds
    ]
    return out


def _any_verdict(f: Estimate, d: Estimate, threshold: float, min_n: int) -> str:
    if f.n < min_n or f.value is None:
        return "insufficient"
    if f.ci_low >= threshold and d.ci_low is not None and d.ci_low > 0:
        return "supported"
    if f.ci_high < threshold and (d.ci_high is None or d.ci_high <= 0):
        return "contradicted"
    return "mixed"


def chart(r: ClaimResult, cfg: ClaimsConfig) -> list[str]:
    """Headline shares with the threshold line; for skill_any, the share per source × period."""
    from skillpulse.reports import charts

    if r.spec["kind"] == "skill_any":
        rows = [
            Evidence(
                e.source, e.population, e.metric, e.value, e.ci_low, e.ci_high, e.n, f"{e.source} {e.period}"
            )
            for e in r.evidence
            if e.metric == "share" and e.n >= charts.MIN_CHART_N
        ]
        return [
            charts.share_bars(
                rows, "share of ML-engineer postings naming a deployment/MLOps skill", cfg.common_share
            )
        ]
    rows = [e for e in r.evidence if e.source == COMBINED and e.metric == "share"]
    out = [
        charts.share_bars(
            rows, "share of recent ML-engineer job descriptions", cfg.common_share, set(r.spec["skills"])
        )
    ]
    if r.spec.get("trend"):
        out.append(charts.skill_trend_chart(r.series))
    return out
