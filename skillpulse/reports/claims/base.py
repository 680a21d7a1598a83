"""What every claim evaluation shares: the config, evidence rows, strata and the ways strata are combined.

Three principles run through every claim kind, so they live here once:

* **Genre and period are part of every estimate.** Each evidence row names its source, the source's genre
  (job description, short ad, survey) and the period. The headline answers "today" (the last period in
  ``claims.yaml``); earlier periods are shown beside it, never pooled into it.
* **Strata are compared before they are pooled.** Differences are estimated inside each source × period and
  combined with stated weights (inverse variance, or Mantel–Haenszel for shares); when the naive pooled
  difference has the opposite sign to the combined one, the report says it is a Simpson reversal.
* **Omission from a short ad is not evidence of absence**: a short-ad stratum can show that a skill is
  asked for, never that it is not.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from skillpulse.flows.sources.catalog import JOB_DESCRIPTION, SHORT_AD, genre_of, source_info
from skillpulse.reports.dataset import ReportData
from skillpulse.reports.stats import Z95, Estimate

CLAIMS_PATH = Path(__file__).resolve().parents[2] / "claims.yaml"
VERDICTS = ("supported", "contradicted", "mixed", "insufficient")
POOLED = "pooled"
COMBINED = "combined"
SILENT = "silent"  # a short-ad stratum that does not name the skill: no evidence either way
SENIOR = ("senior", "staff_principal", "lead_manager")
JUNIOR_MID = ("intern", "junior", "mid")
ROLE_NAMES = {
    "ml_engineer": "ML engineer",
    "data_scientist": "data scientist",
    "data_analyst": "data analyst",
    "software_engineer": "software engineer",
    "data_engineer": "data engineer",
    "research_scientist": "research scientist",
    "ai_engineer": "AI engineer",
    "mlops_engineer": "MLOps engineer",
    "deep_learning_engineer": "deep-learning engineer",
}


def role_name(role: str) -> str:
    """The reader-facing name of a role id ("software engineer", not ``software_engineer``)."""
    return ROLE_NAMES.get(role, role.replace("_", " "))


@dataclass
class Evidence:
    """One number the verdict rests on, with the stratum (source, genre, period) it was measured in."""

    source: str
    population: str
    metric: str
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    subject: str | None = None
    period: str | None = None
    genre: str | None = None

    @classmethod
    def of(
        cls,
        source: str,
        population: str,
        metric: str,
        est: Estimate,
        subject: str | None = None,
        period: str | None = None,
        genre: str | None = None,
    ) -> Evidence:
        if genre is None and source not in (POOLED, COMBINED):
            genre = genre_of(source)
        return cls(
            source, population, metric, est.value, est.ci_low, est.ci_high, est.n, subject, period, genre
        )

    @property
    def estimate(self) -> Estimate:
        return Estimate(self.value, self.ci_low, self.ci_high, self.n)


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
    plain: str = ""  # one sentence a non-statistician understands
    deciding: str = ""  # the one number that decided the verdict
    sensitivity: list[dict[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extra_series: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def flips(self) -> bool:
        """True when the verdict changes within the sensitivity range shown (settings that cannot be
        decided, "insufficient", do not count as a flip)."""
        if self.verdict == "insufficient":
            return False
        return any(s["verdict"] not in (self.verdict, "insufficient") for s in self.sensitivity)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "claim": self.claim,
            "claim_zh": self.claim_zh,
            "verdict": self.verdict,
            "plain": self.plain,
            "deciding": self.deciding,
            "reason": self.reason,
            "per_stratum": self.per_source,
            "sensitivity": self.sensitivity,
            "notes": self.notes,
            "method": {k: self.spec.get(k) for k in ("population", "metric", "comparison", "rule")},
            "evidence": [asdict(e) for e in self.evidence],
        }


@dataclass
class Period:
    label: str
    start: int
    end: int

    def holds(self, year: int) -> bool:
        return self.start <= year <= self.end


@dataclass
class ClaimsConfig:
    min_n: int
    focus_role: str
    wide_ml_roles: list[str]
    common_share: float
    claims: list[dict[str, Any]]
    periods: list[Period] = field(default_factory=list)
    rare_share: float = 0.05
    share_thresholds: list[float] = field(default_factory=lambda: [0.05, 0.10, 0.20, 0.30])
    min_stratum_n: int = 5
    pay_base_year: int = 2025
    guide_named_skills: list[str] = field(default_factory=list)

    @property
    def recent(self) -> Period | None:
        """The window every headline answers: the last period declared."""
        return self.periods[-1] if self.periods else None

    def period_of(self, year: int | None) -> str | None:
        if year is None:
            return None
        return next((p.label for p in self.periods if p.holds(year)), None)


def load_claims(path: Path = CLAIMS_PATH, kinds: set[str] | None = None) -> ClaimsConfig:
    """Read ``claims.yaml`` through the safe loader (:mod:`skillpulse.config_files`): its JSON Schema
    (``claims.schema.json``), unknown kinds, duplicate ids and overlapping periods are refused with
    ``file:line`` each, as a ``ConfigFileError`` (also a ``ValueError``)."""
    from skillpulse.config_files import Problem, as_dict, load_schema, read_yaml, refuse, schema_problems

    hint = "Fix the claims file at the lines above, then re-run."
    doc, problems = read_yaml(
        Path(path), empty="list the claims under 'claims:' (see the shipped claims.yaml)"
    )
    if doc is None:
        refuse(problems, hint)
    f, data = str(doc.path), doc.data

    def entry(at: tuple) -> tuple[str, str, int] | None:
        if len(at) >= 2 and at[0] == "claims" and isinstance(at[1], int):
            items = as_dict(data).get("claims")
            spec = items[at[1]] if isinstance(items, list) and at[1] < len(items) else None
            cid = spec.get("id") if isinstance(spec, dict) else None
            return "claim", f"'{cid}'" if isinstance(cid, str) else f"#{at[1] + 1}", 2
        return None

    problems = schema_problems(
        doc, load_schema(Path(__file__).resolve().parents[2] / "claims.schema.json"), entry
    )
    if problems:
        refuse(problems, hint)
    first: dict[str, int] = {}
    for i, spec in enumerate(data["claims"]):
        line, name = doc.line(("claims", i, "id")), f"'{spec['id']}'"
        if spec["id"] in first:
            message = f"duplicate claim id (first at line {first[spec['id']]}): give each claim its own id"
            problems.append(Problem(f, line, name, message, "claim"))
        first.setdefault(spec["id"], line)
        if kinds is not None and spec["kind"] not in kinds:
            message = f"unknown claim kind '{spec['kind']}': use one of {', '.join(sorted(kinds))}"
            problems.append(Problem(f, doc.line(("claims", i, "kind")), name, message, "claim"))
    periods = [Period(str(p["label"]), int(p["from"]), int(p["to"])) for p in data.get("periods") or []]
    for j, p in enumerate(periods):
        if p.start > p.end:
            message = f"period {p.label} runs from {p.start} to {p.end}: write the earlier year in 'from'"
            problems.append(Problem(f, doc.line(("periods", j)), None, message))
    for j, (a, b) in enumerate(zip(periods, periods[1:], strict=False)):
        if b.start <= a.end:
            message = (
                f"periods {a.label} and {b.label} overlap: list periods oldest first, each after the last"
            )
            problems.append(Problem(f, doc.line(("periods", j + 1)), None, message))
    if problems:
        refuse(problems, hint)
    return ClaimsConfig(
        min_n=int(data["min_n"]),
        focus_role=data["focus_role"],
        wide_ml_roles=list(data["wide_ml_roles"]),
        common_share=float(data["common_share"]),
        claims=data["claims"],
        periods=periods,
        rare_share=float(data.get("rare_share", 0.05)),
        share_thresholds=[float(t) for t in data.get("share_thresholds") or [0.05, 0.10, 0.20, 0.30]],
        min_stratum_n=int(data.get("min_stratum_n", 5)),
        pay_base_year=int(data.get("pay_base_year", 2025)),
        guide_named_skills=list(data.get("guide_named_skills") or []),
    )


# -- preparing the data: genre, period, role-true populations ------------------------------------------------
def _year_of(month: Any, source: str) -> int | None:
    if isinstance(month, str) and len(month) >= 4 and month[:4].isdigit():
        return int(month[:4])
    return source_info(source).capture_year


def annotate(postings: pd.DataFrame, cfg: ClaimsConfig) -> pd.DataFrame:
    """Add ``genre``, ``year``, ``period`` and ``multi_role`` (a short ad advertising several roles)."""
    frame = postings.copy()
    if frame.empty:
        for column in ("genre", "year", "period", "multi_role"):
            frame[column] = pd.Series(dtype=object)
        return frame
    frame["genre"] = frame.source.map(genre_of)
    years = [_year_of(m, s) for m, s in zip(frame.month, frame.source, strict=True)]
    frame["year"] = pd.array(years, dtype="Int64")
    frame["period"] = [cfg.period_of(y) if y is not None else None for y in years]
    named = frame.roles.map(lambda rs: len(set(rs) - {"other"}))
    frame["multi_role"] = frame.genre.eq(SHORT_AD).to_numpy() & (named > 1).to_numpy()
    return frame


def prepared(data: ReportData, cfg: ClaimsConfig, keep_multi_role: bool = False) -> ReportData:
    """The data with genre and period on every posting; multi-role short ads left out unless asked.

    A Hacker News comment that advertises an ML engineer and a front-end developer names React for the
    latter; counting its skills and its pay line for the ML engineer leaks one role into another. Role-
    specific measures therefore use single-role comments; ``keep_multi_role`` runs the same rule with them,
    to show whether the choice moves the answer. Trends count every comment (a multi-role comment is still
    a posting for each role it names), so ``monthly`` keeps them.
    """
    postings = annotate(data.postings, cfg)
    monthly = annotate(data.monthly, cfg) if data.monthly is not None else None
    if not keep_multi_role and not postings.empty:
        postings = postings[~postings.multi_role.astype(bool)].reset_index(drop=True)
    return ReportData(
        postings,
        data.skills,
        data.salaries,
        data.survey,
        data.coverage,
        data.counts,
        monthly,
    )


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


def text_postings(data: ReportData) -> pd.DataFrame:
    """Postings whose text was read by the current extractor (structured rows have no text)."""
    p = data.postings
    extracted = p["extracted"] if "extracted" in p else pd.Series(True, index=p.index)
    return p[(p.text_kind == "full") & extracted.astype(bool)]


def recent_job_descriptions(frame: pd.DataFrame, cfg: ClaimsConfig) -> pd.DataFrame:
    """The population skill verdicts rest on: full job descriptions of the recent period."""
    recent = cfg.recent.label if cfg.recent else None
    return frame[frame.genre.eq(JOB_DESCRIPTION) & frame.period.eq(recent)]


def skill_sets(data: ReportData) -> dict[str, set[str]]:
    return data.skills.groupby("skill_id").posting_key.agg(set).to_dict() if not data.skills.empty else {}


@dataclass(frozen=True)
class Stratum:
    source: str
    genre: str
    period: str
    frame: pd.DataFrame

    @property
    def label(self) -> str:
        return f"{self.source} {self.period}"


def strata(frame: pd.DataFrame, cfg: ClaimsConfig) -> Iterator[Stratum]:
    """Source × period groups, periods in order; postings without a period are left out (and counted)."""
    if frame.empty:
        return
    order = {p.label: i for i, p in enumerate(cfg.periods)}
    dated = frame[frame.period.notna()]
    keys = sorted(
        {(str(s), str(p)) for s, p in zip(dated.source, dated.period, strict=True)},
        key=lambda k: (order.get(k[1], 99), k[0]),
    )
    for source, period in keys:
        part = dated[(dated.source == source) & (dated.period == period)]
        yield Stratum(source, genre_of(source), period, part)


# -- combining strata ---------------------------------------------------------------------------------------
def _se(e: Estimate) -> float | None:
    if e.value is None or e.ci_low is None or e.ci_high is None:
        return None
    return (e.ci_high - e.ci_low) / (2 * Z95)


def inverse_variance(estimates: list[Estimate]) -> Estimate:
    """Fixed-effect combination: each stratum weighted by 1/SE², SE read off its 95 % interval.

    Strata with no estimate are skipped; a stratum whose interval has zero width (every value equal) gets
    the smallest SE among the others, so it counts strongly but cannot take all the weight.
    """
    usable = [(e, _se(e)) for e in estimates if _se(e) is not None]
    if not usable:
        return Estimate(None, None, None, sum(e.n for e in estimates))
    positive = [s for _, s in usable if s and s > 0]
    floor = min(positive) if positive else 1.0
    weights = np.array([1 / max(s, floor) ** 2 if s else 1 / floor**2 for _, s in usable])
    values = np.array([e.value for e, _ in usable])
    value = float(np.sum(weights * values) / np.sum(weights))
    se = math.sqrt(1 / np.sum(weights))
    return Estimate(value, value - Z95 * se, value + Z95 * se, int(sum(e.n for e, _ in usable)))


def mantel_haenszel_difference(tables: list[tuple[int, int, int, int]]) -> Estimate:
    """Risk difference p1 − p2 combined over strata with Mantel–Haenszel weights n1·n2/(n1+n2).

    ``tables`` holds (k1, n1, k2, n2) per stratum. The variance is the Greenland–Robins estimator for the
    weighted sum (each stratum's binomial variances); fine for the strata sizes here, and the report shows
    every stratum beside it.
    """
    rows = [(k1, n1, k2, n2) for k1, n1, k2, n2 in tables if n1 > 0 and n2 > 0]
    if not rows:
        return Estimate(None, None, None, sum(t[1] + t[3] for t in tables))
    w = np.array([n1 * n2 / (n1 + n2) for _, n1, _, n2 in rows])
    p1 = np.array([k1 / n1 for k1, n1, _, _ in rows])
    p2 = np.array([k2 / n2 for _, _, k2, n2 in rows])
    n1s = np.array([n1 for _, n1, _, _ in rows])
    n2s = np.array([n2 for _, _, _, n2 in rows])
    d = float(np.sum(w * (p1 - p2)) / np.sum(w))
    var = float(np.sum(w**2 * (p1 * (1 - p1) / n1s + p2 * (1 - p2) / n2s)) / np.sum(w) ** 2)
    # With every share at 0 or 1 the binomial variance is 0: fall back to a 1/(4n) bound so the interval
    # does not collapse to a point.
    if var == 0:
        var = float(np.sum(w**2 * (0.25 / n1s + 0.25 / n2s)) / np.sum(w) ** 2)
    se = math.sqrt(var)
    return Estimate(d, d - Z95 * se, d + Z95 * se, int(n1s.sum() + n2s.sum()))


def direction(e: Estimate | Evidence | None, zero: float = 0.0) -> int:
    """+1 if the interval lies above ``zero``, −1 if below, 0 if it straddles or there is none."""
    if e is None or e.value is None or e.ci_low is None or e.ci_high is None:
        return 0
    if e.ci_low > zero:
        return 1
    if e.ci_high < zero:
        return -1
    return 0


def heterogeneity_note(
    subject: str,
    strata_estimates: list[tuple[str, Estimate]],
    pooled: Estimate | None,
    combined: Estimate,
    fmt: Callable[[float], str] = lambda v: f"{v:+,.3g}",
) -> list[str]:
    """Say when strata disagree, and when pooling reverses the within-strata answer (Simpson)."""
    notes = []
    ups = [label for label, e in strata_estimates if direction(e) > 0]
    downs = [label for label, e in strata_estimates if direction(e) < 0]
    if ups and downs:
        notes.append(
            f"{subject}: strata disagree — above zero in {', '.join(ups)}; below zero in {', '.join(downs)}."
        )
    if (
        pooled is not None
        and pooled.value is not None
        and combined.value is not None
        and pooled.value * combined.value < 0
    ):
        signs = [e.value for _, e in strata_estimates if e.value is not None]
        same = sum(1 for v in signs if v * combined.value > 0)
        notes.append(
            f"{subject}: Simpson reversal — pooling all postings gives {fmt(pooled.value)}, but within "
            f"strata the difference is {fmt(combined.value)} (same sign in {same} of {len(signs)} strata); "
            "the pooled figure mixes sources and periods with different role mixes and is not used."
        )
    return notes


def sign_verdict(est: Estimate | Evidence) -> str:
    """A difference or slope against zero: supported above, contradicted below, mixed if it straddles."""
    if est.value is None:
        return "insufficient"
    return {1: "supported", -1: "contradicted", 0: "mixed"}[direction(est)]


def all_of(verdicts: list[str]) -> str:
    """Comparisons that must all hold: any insufficient → insufficient; any contradicted → contradicted."""
    if not verdicts or "insufficient" in verdicts:
        return "insufficient"
    if "contradicted" in verdicts:
        return "contradicted"
    return "supported" if all(v == "supported" for v in verdicts) else "mixed"


def short_ad_guard(verdict: str, genre: str) -> str:
    """A short ad can support a skill claim; if it does not, it is silent, never a contradiction."""
    if genre == SHORT_AD and verdict in ("contradicted", "mixed"):
        return SILENT
    return verdict


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f} %"


def usd(x: float | None) -> str:
    if x is None:
        return "n/a"
    return f"-${-x:,.0f}" if x < 0 else f"${x:,.0f}"


def usd_ci(e: Estimate | Evidence | None) -> str:
    """'$123,000 [$110,000–$130,000]' for a dollar estimate, 'n/a' without one."""
    if e is None or e.value is None:
        return "n/a"
    return f"{usd(e.value)} [{usd(e.ci_low)}–{usd(e.ci_high)}]"


def pp(e: Estimate | Evidence | None) -> str:
    """A share difference in percentage points with its interval."""
    if e is None or e.value is None:
        return "n/a"
    return f"{100 * e.value:+.1f} points [{100 * e.ci_low:+.1f}, {100 * e.ci_high:+.1f}]"


def result(
    spec: dict, verdict: str, reason: str, evidence: list[Evidence], per: dict[str, str]
) -> ClaimResult:
    return ClaimResult(
        spec["id"], spec["claim"], spec.get("claim_zh", ""), verdict, reason, evidence, per, spec
    )


Evaluator = Callable[[dict, ReportData, ClaimsConfig, Any], ClaimResult]
__all__ = [
    "COMBINED",
    "JOB_DESCRIPTION",
    "POOLED",
    "SHORT_AD",
    "ClaimResult",
    "ClaimsConfig",
    "Evidence",
    "Evaluator",
]
