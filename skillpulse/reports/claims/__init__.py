"""Turn each claim of ``claims.yaml`` into evidence, a verdict and one plain sentence.

One module per kind of rule (``shares``, ``demand``, ``pay``, ``industries``, ``contrast``); ``base`` holds
what they share (strata, combination, the short-ad guard). The rules are written in ``claims.yaml`` before
the data is read. A population smaller than ``min_n`` gives ``insufficient``, never a guess, and missing data
gives ``insufficient`` too, never an exception.
"""

from __future__ import annotations

import logging

from skillpulse.reports.claims import contrast, demand, industries, pay, shares
from skillpulse.reports.claims.base import (
    COMBINED,
    POOLED,
    SILENT,
    VERDICTS,
    ClaimResult,
    ClaimsConfig,
    Evaluator,
    Evidence,
    all_of,
    prepared,
    role_mask,
    role_name,
)
from skillpulse.reports.claims.base import load_claims as _load
from skillpulse.reports.claims.contrast import eval_role_contrast
from skillpulse.reports.claims.demand import eval_demand_trend, monthly_role_series
from skillpulse.reports.claims.industries import eval_industry_growth
from skillpulse.reports.claims.leaves_out import guide_leaves_out
from skillpulse.reports.claims.pay import (
    eval_pay_factors,
    eval_salary_level,
    eval_salary_premium,
    pay_frame,
    survey_frame,
)
from skillpulse.reports.claims.shares import eval_skill_any, eval_skill_shares
from skillpulse.reports.dataset import ReportData

log = logging.getLogger(__name__)

EVALUATORS: dict[str, Evaluator] = {
    "demand_trend": eval_demand_trend,
    "salary_level": eval_salary_level,
    "salary_premium": eval_salary_premium,
    "skill_shares": eval_skill_shares,
    "skill_any": eval_skill_any,
    "industry_growth": eval_industry_growth,
    "role_contrast": eval_role_contrast,
    "pay_factors": eval_pay_factors,
}
# Each kind's chart lives beside its evaluation.
CHARTS = {
    "demand_trend": demand.chart,
    "salary_level": pay.chart,
    "salary_premium": pay.chart,
    "pay_factors": pay.chart,
    "skill_shares": shares.chart,
    "skill_any": shares.chart,
    "industry_growth": industries.chart,
    "role_contrast": contrast.chart,
}
# Kinds whose populations are role-specific: they are re-run with multi-role HN comments kept, to show
# whether leaving those comments out moves the answer.
ROLE_SPECIFIC = {
    "salary_level",
    "salary_premium",
    "skill_shares",
    "skill_any",
    "role_contrast",
    "pay_factors",
}


def load_claims(path=None) -> ClaimsConfig:  # noqa: ANN001 - a Path, defaulting to the repo's claims.yaml
    """``claims.yaml`` read and checked against the kinds this package can evaluate."""
    from skillpulse.reports.claims.base import CLAIMS_PATH

    return _load(path or CLAIMS_PATH, set(EVALUATORS))


def _failed(spec: dict, exc: Exception) -> ClaimResult:
    return ClaimResult(
        spec["id"],
        spec["claim"],
        spec.get("claim_zh", ""),
        "insufficient",
        f"Could not be evaluated: {type(exc).__name__}: {exc}",
        [],
        {},
        spec,
        plain="This claim could not be evaluated; see the reason.",
    )


def claim_charts(result: ClaimResult, cfg: ClaimsConfig) -> list[str]:
    """The evidence charts for one claim (SVG documents); a claim without evidence gets none."""
    return CHARTS[result.spec["kind"]](result, cfg) if result.spec.get("kind") in CHARTS else []


def prepared_views(data: ReportData, cfg: ClaimsConfig) -> tuple[ReportData, ReportData]:
    """The data as claims read it (multi-role short ads left out) and with every posting kept."""
    return prepared(data, cfg), prepared(data, cfg, keep_multi_role=True)


def evaluate_all(
    data: ReportData,
    cfg: ClaimsConfig,
    taxonomy,  # noqa: ANN001
    views: tuple[ReportData, ReportData] | None = None,
) -> list[ClaimResult]:
    """Every claim in the file's order; a claim whose evaluation fails says so and the others go on.

    ``views`` are :func:`prepared_views` of ``data`` when the caller already has them (the report does).
    """
    single, every = views or prepared_views(data, cfg)
    multi = int(every.postings.multi_role.sum()) if "multi_role" in every.postings else 0
    results = []
    for spec in cfg.claims:
        evaluator = EVALUATORS[spec["kind"]]
        try:
            r = evaluator(spec, single, cfg, taxonomy)
        except Exception as exc:  # noqa: BLE001 - one claim's bug must not hide the other twelve
            log.exception("claim %s could not be evaluated", spec["id"])
            results.append(_failed(spec, exc))
            continue
        if spec["kind"] in ROLE_SPECIFIC and multi:
            try:
                alt = evaluator(spec, every, cfg, taxonomy)
                r.sensitivity.append(
                    {"setting": f"with the {multi} multi-role HN comments kept", "verdict": alt.verdict}
                )
            except Exception as exc:  # noqa: BLE001
                r.notes.append(f"The multi-role check failed: {type(exc).__name__}: {exc}")
        results.append(r)
    return results


__all__ = [
    "COMBINED",
    "EVALUATORS",
    "POOLED",
    "SILENT",
    "VERDICTS",
    "ClaimResult",
    "ClaimsConfig",
    "Evidence",
    "CHARTS",
    "all_of",
    "claim_charts",
    "evaluate_all",
    "guide_leaves_out",
    "load_claims",
    "monthly_role_series",
    "pay_frame",
    "prepared_views",
    "role_mask",
    "role_name",
    "survey_frame",
]
