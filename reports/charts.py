"""Charts for the report, as SVG text: inline in the HTML, files beside the Markdown. No network, no JS."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from reports.claims import POOLED, ClaimResult, Evidence, role_mask  # noqa: E402

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "skillpulse",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)
BLUE, GREY, ORANGE = "#3b6ea5", "#a8a8a8", "#d9822b"
TARGET_PAY = 120_000
MIN_CHART_N = 30  # smaller groups stay in the tables but would only add unreadable whiskers to a chart


def to_svg(fig: plt.Figure) -> str:
    buf = io.StringIO()
    fig.tight_layout()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.find("<svg") :]


def _empty(message: str) -> str:
    fig, ax = plt.subplots(figsize=(6, 1.2))
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", color="#666")
    return to_svg(fig)


def share_bars(
    rows: list[Evidence], title: str, threshold: float | None = None, highlight: set[str] = frozenset()
) -> str:
    """Horizontal bars of shares with Wilson whiskers, one bar per subject."""
    rows = [r for r in rows if r.value is not None]
    if not rows:
        return _empty("no data")
    rows = sorted(rows, key=lambda r: r.value)
    fig, ax = plt.subplots(figsize=(6.5, 0.3 * len(rows) + 1.1))
    values = np.array([r.value for r in rows])
    err = np.array(
        [[max(0.0, r.value - r.ci_low) for r in rows], [max(0.0, r.ci_high - r.value) for r in rows]]
    )
    colors = [ORANGE if r.subject in highlight else BLUE for r in rows]
    ax.barh(range(len(rows)), values, xerr=err, color=colors, error_kw={"lw": 0.8})
    ax.set_yticks(range(len(rows)), [str(r.subject) for r in rows])
    if threshold is not None:
        ax.axvline(threshold, color="#444", ls="--", lw=0.8)
    ax.set_xlabel(f"{title} (95 % interval)")
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    return to_svg(fig)


def _with_gaps(part: pd.DataFrame) -> pd.DataFrame:
    """Insert empty rows where months are missing, so lines break at gaps instead of bridging them."""
    if part.empty:
        return part
    steps = np.round((part.year.to_numpy() - part.year.min()) * 12).astype(int)
    full = pd.DataFrame({"step": np.arange(steps.max() + 1)})
    merged = full.merge(part.assign(step=steps), on="step", how="left")
    merged["year"] = part.year.min() + merged.step / 12
    return merged


def demand_chart(series: pd.DataFrame | None) -> str:
    if series is None or series.empty:
        return _empty("no dated postings")
    fig, ax = plt.subplots(figsize=(7, 3))
    for source, color in (("hn", BLUE), ("hn_structured", ORANGE)):
        part = series[(series.source == source) & (series.n >= 30)].sort_values("year")
        if part.empty:
            continue
        full, partial = _with_gaps(part[~part.partial]), part[part.partial]
        ax.plot(
            full.year,
            full.ml_ai_wide / full.n,
            "o-",
            ms=3,
            lw=0.8,
            color=color,
            alpha=0.45,
            label=f"{source}: wider ML/AI roles",
        )
        ax.plot(
            full.year,
            full.ml_engineer / full.n,
            "o-",
            ms=3,
            lw=1.2,
            color=color,
            label=f"{source}: ML engineer",
        )
        if not partial.empty:
            ax.plot(
                partial.year,
                partial.ml_engineer / partial.n,
                "o",
                ms=4,
                mfc="white",
                color=color,
                label=f"{source}: partial months (not fitted)",
            )
    ax.set_ylabel("share of postings")
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, fontsize=7)
    return to_svg(fig)


def pay_boxes(groups: dict[str, pd.Series], title: str) -> str:
    groups = {k: v.dropna() for k, v in groups.items() if len(v.dropna())}
    if not groups:
        return _empty("no postings with pay")
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(groups) + 1.2))
    labels = [f"{k} (n={len(v)})" for k, v in groups.items()]
    ax.boxplot(
        list(groups.values()),
        orientation="horizontal",
        tick_labels=labels,
        showfliers=False,
        medianprops={"color": ORANGE},
    )
    ax.axvline(TARGET_PAY, color="#c0392b", ls="--", lw=1, label="$120,000 (the guide)")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"${x / 1000:.0f}k"))
    ax.set_xlabel(title)
    ax.legend(frameon=False, loc="lower right")
    return to_svg(fig)


def estimate_bars(
    rows: list[Evidence], title: str, reference: float | None = None, money: bool = False
) -> str:
    rows = [r for r in rows if r.value is not None]
    if not rows:
        return _empty("not enough data")
    fig, ax = plt.subplots(figsize=(6.5, 0.32 * len(rows) + 1.1))
    values = np.array([r.value for r in rows])
    err = np.array(
        [[max(0.0, r.value - r.ci_low) for r in rows], [max(0.0, r.ci_high - r.value) for r in rows]]
    )
    ax.barh(range(len(rows)), values, xerr=err, color=BLUE, error_kw={"lw": 0.8})
    ax.set_yticks(
        range(len(rows)),
        [f"{r.subject} · {r.source}" if r.source != POOLED else str(r.subject) for r in rows],
    )
    if reference is not None:
        ax.axvline(reference, color="#444", ls="--", lw=0.8)
    if money:
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"${x / 1000:.0f}k"))
    ax.set_xlabel(title)
    return to_svg(fig)


def skill_trend_chart(series: pd.DataFrame | None) -> str:
    if series is None or series.empty:
        return _empty("no dated postings")
    fig, ax = plt.subplots(figsize=(7, 2.8))
    for skill, part in series[series.n >= 30].groupby("skill_id"):
        ax.plot(part.year, part.share, "o-", ms=3, label=skill)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_ylabel("share of HN postings")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False)
    return to_svg(fig)


def cooccurrence_chart(matrix: pd.DataFrame) -> str:
    """Share of ML-engineer postings naming both skills; the diagonal is each skill's own share."""
    if matrix.empty:
        return _empty("no ML-engineer postings")
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    image = ax.imshow(matrix.to_numpy(), cmap="Blues", vmin=0)
    ax.set_xticks(range(len(matrix)), matrix.columns, rotation=60, ha="right")
    ax.set_yticks(range(len(matrix)), matrix.index)
    fig.colorbar(image, ax=ax, shrink=0.7, format=matplotlib.ticker.PercentFormatter(1.0))
    return to_svg(fig)


def claim_charts(
    result: ClaimResult, pay: pd.DataFrame, survey: pd.DataFrame, common_share: float
) -> list[str]:
    """The evidence charts people expect for each kind of claim (one SVG document each)."""
    first = _claim_chart(result, pay, survey, common_share)
    if result.spec["kind"] == "skill_shares" and result.spec.get("trend"):
        return [first, skill_trend_chart(result.series)]
    return [first]


def _claim_chart(result: ClaimResult, pay: pd.DataFrame, survey: pd.DataFrame, common_share: float) -> str:
    kind = result.spec["kind"]
    ev = result.evidence
    if kind == "demand_trend":
        return demand_chart(result.series)
    if kind == "skill_shares":
        rows = [e for e in ev if e.source == POOLED and e.metric == "share"]
        return share_bars(rows, "share of ML-engineer postings", common_share, set(result.spec["skills"]))
    if kind == "skill_any":
        rows = [
            Evidence(e.source, e.population, e.metric, e.value, e.ci_low, e.ci_high, e.n, e.population)
            for e in ev
            if e.source == POOLED and e.metric == "share"
        ]
        return share_bars(rows, "share naming a deployment/MLOps skill", common_share)
    if kind == "salary_level":
        us = pay[pay.is_us.to_numpy(dtype=bool) & role_mask(pay, "ml_engineer")]
        groups = {f"postings · {s}": g.annual_usd for s, g in us.groupby("source")}
        if not survey.empty:
            mle = survey[survey.job_title.eq("Machine Learning Engineer") & survey.company_location.eq("US")]
            groups["survey (aijobs)"] = mle.salary_in_usd
        return pay_boxes(groups, "annual pay, US, ML-engineer (USD)")
    if kind == "salary_premium":
        us = pay[pay.is_us.to_numpy(dtype=bool)]
        roles = ["ml_engineer", *result.spec["comparison"], "data_scientist"]
        groups = {r: us[role_mask(us, r)].annual_usd for r in roles}
        return pay_boxes(groups, "annual pay in US postings by role (USD)")
    if kind == "industry_lift":
        # Pooled first, then sources with enough ML/AI postings to read; the table keeps every row.
        rows = sorted(
            (e for e in ev if e.metric == "lift" and e.n >= MIN_CHART_N), key=lambda e: e.source != POOLED
        )
        return estimate_bars(rows, "lift: industry share among ML/AI postings ÷ among all", reference=1.0)
    if kind == "role_contrast":
        rows = [e for e in ev if e.source == POOLED and e.metric == "share_difference"]
        return estimate_bars(rows, "ML engineer minus data scientist, share of postings", reference=0.0)
    if kind == "pay_factors":
        rows = [e for e in ev if e.source == POOLED and e.metric == "median_annual_usd"]
        return estimate_bars(
            rows, "median annual pay by seniority, ML/AI postings (USD)", TARGET_PAY, money=True
        )
    return _empty("no chart for this kind of claim")
