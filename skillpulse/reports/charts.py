"""Charts for the report, as SVG text: inline in the HTML, files beside the Markdown. No network, no JS."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from skillpulse.reports.claims.base import COMBINED, POOLED, Evidence  # noqa: E402

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
    months = pd.period_range(part.date.min(), part.date.max(), freq="M").to_timestamp()
    return pd.DataFrame({"date": months}).merge(part, on="date", how="left")


def demand_chart(series: pd.DataFrame | None, external: dict[str, pd.DataFrame] | None = None) -> str:
    """Monthly ML-engineer share per source on a real date axis, gaps left open; external indices below."""
    if series is None or series.empty:
        return _empty("no dated postings")
    external = external or {}
    index = external.get("hiring_lab")
    panels = 2 if index is not None and not index.empty else 1
    fig, axes = plt.subplots(panels, 1, figsize=(6.5, 2.6 * panels), sharex=True, squeeze=False)
    ax = axes[0][0]
    for source, color in (("hn", BLUE), ("hn_structured", ORANGE)):
        part = series[(series.source == source) & (series.n >= 30)].sort_values("date")
        if part.empty:
            continue
        full, partial = _with_gaps(part[~part.partial]), part[part.partial]
        ax.plot(
            full.date,
            full.ml_ai_wide / full.n,
            "-",
            lw=0.8,
            color=color,
            alpha=0.4,
            label=f"{source}: wider ML/AI",
        )
        ax.plot(
            full.date,
            full.ml_engineer / full.n,
            "o-",
            ms=2.5,
            lw=1.2,
            color=color,
            label=f"{source}: ML engineer",
        )
        if not partial.empty:
            ax.plot(
                partial.date,
                partial.ml_engineer / partial.n,
                "o",
                ms=3.5,
                mfc="white",
                color=color,
                label=f"{source}: thin months (not fitted)",
            )
    terms = external.get("hiringtrends")
    if terms is not None and not terms.empty:
        ml = terms[terms.term == "Machine Learning"].sort_values("month")
        ax.plot(
            pd.to_datetime(ml.month + "-01"),
            ml.percentage / 100,
            "-",
            lw=0.8,
            color=GREY,
            label='hiringtrends: "Machine Learning" mentions',
        )
    ax.set_ylabel("share of postings")
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, fontsize=6.5, ncol=2)
    if panels == 2:
        ax2 = axes[1][0]
        for (name, part), color in zip(index.groupby("series"), (BLUE, ORANGE, GREY), strict=False):
            part = part.sort_values("month")
            ax2.plot(pd.to_datetime(part.month + "-01"), part["index"], "-", lw=1.2, color=color, label=name)
        ax2.axhline(100, color="#444", ls=":", lw=0.8)
        ax2.set_ylabel("Indeed index\n(Feb 2020 = 100)")
        ax2.legend(frameon=False, fontsize=6.5)
        ax2.set_xlabel("Indeed Hiring Lab, US job postings index (CC BY 4.0)")
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


def _row_label(r: Evidence) -> str:
    where = "combined" if r.source == COMBINED else "pooled" if r.source == POOLED else r.source
    when = f" {r.period}" if r.period else ""
    return f"{str(r.subject).replace('_', ' ')} · {where}{when}"


def estimate_bars(
    rows: list[Evidence],
    title: str,
    reference: float | None = None,
    money: bool = False,
    band: tuple[float, float] | None = None,
    percent: bool = False,
) -> str:
    rows = [r for r in rows if r.value is not None]
    if not rows:
        return _empty("not enough data")
    fig, ax = plt.subplots(figsize=(6.5, 0.32 * len(rows) + 1.1))
    values = np.array([r.value for r in rows])
    err = np.array(
        [[max(0.0, r.value - r.ci_low) for r in rows], [max(0.0, r.ci_high - r.value) for r in rows]]
    )
    colors = [ORANGE if r.source == COMBINED else BLUE for r in rows]  # the estimate the verdict uses
    ax.barh(range(len(rows)), values, xerr=err, color=colors, error_kw={"lw": 0.8})
    ax.set_yticks(range(len(rows)), [_row_label(r) for r in rows])
    if reference is not None:
        ax.axvline(reference, color="#444", ls="--", lw=0.8)
    if band is not None:
        ax.axvspan(*band, color="#c0392b", alpha=0.12, lw=0)
    if money:
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: f"${x / 1000:.0f}k"))
    if percent:
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
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
