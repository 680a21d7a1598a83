"""Role contrast: do ML engineers build and deploy while data scientists analyse?

Measured as differences in the share of postings naming any build/deploy skill and any analysis skill,
within each source × period of the recent window (postings that name both roles left out), combined with
Mantel–Haenszel weights. The pooled difference is shown but not used: pooling sources with different
mixes of the two roles inflated the gap about threefold before.
"""

from __future__ import annotations

from skillpulse.reports.claims.base import (
    COMBINED,
    JOB_DESCRIPTION,
    POOLED,
    ClaimResult,
    ClaimsConfig,
    Evidence,
    direction,
    heterogeneity_note,
    mantel_haenszel_difference,
    pp,
    result,
    role_mask,
    skill_sets,
    strata,
    text_postings,
)
from skillpulse.reports.dataset import ReportData
from skillpulse.reports.stats import share, share_difference

GROUPS = ("build/deploy skills", "analysis skills")


def _verdict(b, a, n_ok: bool) -> str:
    if not n_ok or b.value is None or a.value is None:
        return "insufficient"
    if direction(b) > 0 and direction(a) < 0:
        return "supported"
    if direction(b) < 0 or direction(a) > 0:
        return "contradicted"
    return "mixed"


def eval_role_contrast(spec: dict, data: ReportData, cfg: ClaimsConfig, taxonomy) -> ClaimResult:
    text = text_postings(data)
    sets = skill_sets(data)
    keysets = {
        GROUPS[0]: set().union(*(sets.get(s, set()) for s in spec["build_skills"])),
        GROUPS[1]: set().union(*(sets.get(s, set()) for s in spec["analysis_skills"])),
    }
    recent = cfg.recent.label if cfg.recent else None
    evidence: list[Evidence] = []
    per: dict[str, str] = {}
    tables = {g: [] for g in GROUPS}
    tables_all = {g: [] for g in GROUPS}
    tables_jd = {g: [] for g in GROUPS}
    labelled = {g: [] for g in GROUPS}
    for st in strata(text, cfg):
        mle = set(st.frame.posting_key[role_mask(st.frame, cfg.focus_role, ("data_scientist",))])
        ds = set(st.frame.posting_key[role_mask(st.frame, "data_scientist", (cfg.focus_role,))])
        if min(len(mle), len(ds)) < cfg.min_stratum_n:
            continue
        diffs = {}
        for g in GROUPS:
            keys = keysets[g]
            row = (len(mle & keys), len(mle), len(ds & keys), len(ds))
            diffs[g] = share_difference(*row)
            evidence += [
                Evidence.of(
                    st.source, "ML-engineer postings", "share", share(row[0], row[1]), g, st.period, st.genre
                ),
                Evidence.of(
                    st.source,
                    "data-scientist postings",
                    "share",
                    share(row[2], row[3]),
                    g,
                    st.period,
                    st.genre,
                ),
                Evidence.of(
                    st.source,
                    "ML engineer minus data scientist",
                    "share_difference",
                    diffs[g],
                    g,
                    st.period,
                    st.genre,
                ),
            ]
            tables_all[g].append(row)
            if st.period == recent:
                tables[g].append(row)
                labelled[g].append((st.label, diffs[g]))
                if st.genre == JOB_DESCRIPTION:
                    tables_jd[g].append(row)
        per[st.label] = _verdict(diffs[GROUPS[0]], diffs[GROUPS[1]], min(len(mle), len(ds)) >= cfg.min_n)
    combined = {g: mantel_haenszel_difference(tables[g]) for g in GROUPS}
    notes = []
    for g in GROUPS:
        k1, n1, k2, n2 = (sum(t[i] for t in tables[g]) for i in range(4))
        naive = share_difference(k1, n1, k2, n2)
        evidence.append(
            Evidence.of(POOLED, f"{recent} strata pooled (not used)", "share_difference", naive, g, recent)
        )
        evidence.append(
            Evidence.of(
                COMBINED,
                f"{recent}, within strata (Mantel–Haenszel)",
                "share_difference",
                combined[g],
                g,
                recent,
            )
        )
        notes += heterogeneity_note(g, labelled[g], naive, combined[g], lambda v: f"{100 * v:+.1f} points")
    n_mle = sum(t[1] for t in tables[GROUPS[0]])
    n_ds = sum(t[3] for t in tables[GROUPS[0]])
    ok = min(n_mle, n_ds) >= cfg.min_n
    b, a = combined[GROUPS[0]], combined[GROUPS[1]]
    verdict = _verdict(b, a, ok)
    out = result(
        spec,
        verdict,
        f"ML engineers minus data scientists, {recent}, within source ({n_mle} ML-engineer and {n_ds} "
        f"data-scientist postings): build/deploy skills {pp(b)}, analysis skills {pp(a)}.",
        evidence,
        per,
    )
    out.notes = notes
    out.deciding = f"build/deploy {pp(b)}; analysis {pp(a)}"
    build_word = {1: "more often", -1: "less often", 0: "about as often"}[direction(b)]
    ana_word = {1: "more often", -1: "less often", 0: "about as often"}[direction(a)]
    out.plain = (
        f"Today ML-engineer postings ask for building and deploying models {build_word} than data-scientist "
        f"postings, and for analysis skills {ana_word}."
        if ok
        else f"Too few ML-engineer and data-scientist postings in {recent} to compare."
    )
    all_b, all_a = (mantel_haenszel_difference(tables_all[g]) for g in GROUPS)
    jd_b, jd_a = (mantel_haenszel_difference(tables_jd[g]) for g in GROUPS)
    out.sensitivity = [
        {"setting": "all periods, within strata", "verdict": _verdict(all_b, all_a, True)},
        {"setting": f"job descriptions of {recent} only", "verdict": _verdict(jd_b, jd_a, True)},
    ]
    return out


def chart(r: ClaimResult, cfg: ClaimsConfig) -> list[str]:
    from skillpulse.reports import charts

    rows = [e for e in r.evidence if e.metric == "share_difference" and e.source != POOLED]
    return [
        charts.estimate_bars(
            rows, "ML engineer minus data scientist, share of postings", reference=0.0, percent=True
        )
    ]
