"""What the guide leaves out: the skills most distinctive of ML-engineer job descriptions today that the
guide never names — the section a career adviser reads first.

Distinctive = named in at least ``MIN_SHARE`` of recent ML-engineer job descriptions, and more often than in
the other job descriptions of the same sources (a ratio whose 95 % interval lies above 1). Growth is the
change in the share of HN postings for ML/AI roles naming the skill from the previous period to the recent
one: short ads against short ads, a relative measure that omission cannot bias between periods. ML/AI roles
rather than ML engineers alone, and multi-role comments included (``hn_data``), because single-role
ML-engineer comments are too few per period on HN for a growth figure; the column says so.
"""

from __future__ import annotations

import pandas as pd

from skillpulse.reports.claims.base import (
    ClaimsConfig,
    recent_job_descriptions,
    role_mask,
    skill_sets,
    text_postings,
)
from skillpulse.reports.dataset import ReportData
from skillpulse.reports.stats import lift, share, share_difference

MIN_SHARE = 0.10
SHOWN = 15


def _ratio(k1: int, n1: int, k2: int, n2: int):  # noqa: ANN202 - an Estimate
    """Ratio of two shares with a log-scale interval; a skill no other posting names gets the Haldane
    correction (0.5 added to each count) instead of an infinite ratio."""
    if k2 == 0 and k1 > 0 and n2 > 0:
        return lift(k1 + 0.5, n1 + 0.5, 0.5, n2 + 0.5)  # type: ignore[arg-type]
    return lift(k1, n1, k2, n2)


def guide_leaves_out(
    data: ReportData,
    cfg: ClaimsConfig,
    taxonomy,
    withheld: set[str] = frozenset(),
    hn_data: ReportData | None = None,
) -> pd.DataFrame:
    """One row per skill the guide does not name, most distinctive first; empty without recent JDs."""
    columns = [
        "skill_id",
        "skill_name",
        "category",
        "share",
        "ci_low",
        "ci_high",
        "n",
        "other_share",
        "ratio",
        "ratio_low",
        "ratio_high",
        "growth",
        "growth_low",
        "growth_high",
        "hn_before",
        "hn_now",
    ]
    if cfg.recent is None or len(cfg.periods) < 2:
        return pd.DataFrame(columns=columns)
    text = text_postings(data)
    recent, previous = cfg.recent.label, cfg.periods[-2].label
    jd = recent_job_descriptions(text, cfg)
    is_focus = role_mask(jd, cfg.focus_role)
    focus, other = set(jd.posting_key[is_focus]), set(jd.posting_key[~is_focus])
    hn_text = text_postings(hn_data) if hn_data is not None else text
    hn = hn_text[hn_text.source.eq("hn") & role_mask(hn_text, cfg.wide_ml_roles)]
    hn_now, hn_before = set(hn.posting_key[hn.period.eq(recent)]), set(hn.posting_key[hn.period.eq(previous)])
    sets = skill_sets(data)
    named = set(cfg.guide_named_skills)
    rows = []
    for skill in taxonomy.skills:
        if skill.id in named or skill.id in withheld or not focus:
            continue
        keys = sets.get(skill.id, set())
        f = share(len(focus & keys), len(focus))
        if f.value is None or f.value < MIN_SHARE:
            continue
        ratio = _ratio(len(focus & keys), len(focus), len(other & keys), len(other))
        if ratio.ci_low is None or ratio.ci_low <= 1:
            continue
        growth = share_difference(len(hn_now & keys), len(hn_now), len(hn_before & keys), len(hn_before))
        rows.append(
            {
                "skill_id": skill.id,
                "skill_name": skill.name,
                "category": skill.category,
                "share": f.value,
                "ci_low": f.ci_low,
                "ci_high": f.ci_high,
                "n": f.n,
                "other_share": len(other & keys) / len(other) if other else None,
                "ratio": ratio.value,
                "ratio_low": ratio.ci_low,
                "ratio_high": ratio.ci_high,
                "growth": growth.value,
                "growth_low": growth.ci_low,
                "growth_high": growth.ci_high,
                "hn_before": len(hn_before),
                "hn_now": len(hn_now),
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["ratio", "share"], ascending=False).head(SHOWN).reset_index(drop=True)
