"""Build a run's report from the store: skill shares per role family, as Markdown, HTML and CSV.

Everything a reader sees is computed from ``skill_shares.csv``, which is written beside the report, so
any number can be recomputed from the published table.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from jinja2 import Environment, FileSystemLoader, select_autoescape  # noqa: E402

from extractors.taxonomy import Taxonomy  # noqa: E402
from reports.stats import wilson_interval  # noqa: E402

TEMPLATES = Path(__file__).resolve().parent / "templates"
FOCUS_ROLE = "ml_engineer"
TOP_N_CHART = 20


@dataclass
class ReportPaths:
    directory: Path
    markdown: Path
    html: Path
    shares_csv: Path
    latest: Path


def skill_shares(
    con: duckdb.DuckDBPyConnection, extractor_version: str, enricher_version: str
) -> pd.DataFrame:
    """Share of full-text postings mentioning each skill, ML engineers against all other postings."""
    frame = con.execute(
        """
        WITH base AS (
            SELECT p.posting_key,
                   bool_or(r.role = ?) AS is_focus
            FROM postings p
            JOIN extractions e ON e.posting_key = p.posting_key AND e.extractor_version = ?
                              AND e.content_hash = p.content_hash
            JOIN posting_roles r ON r.posting_key = p.posting_key AND r.enricher_version = ?
            WHERE p.text_kind = 'full'
            GROUP BY p.posting_key
        ),
        groups AS (
            SELECT posting_key, CASE WHEN is_focus THEN 'ml_engineer' ELSE 'all_other' END AS role_group
            FROM base
        ),
        sizes AS (SELECT role_group, count(*) AS n_postings FROM groups GROUP BY role_group),
        hits AS (
            SELECT g.role_group, s.skill_id, count(DISTINCT s.posting_key) AS n_mentioning
            FROM groups g JOIN posting_skills s
              ON s.posting_key = g.posting_key AND s.extractor_version = ?
            GROUP BY g.role_group, s.skill_id
        )
        SELECT sz.role_group, h.skill_id, sz.n_postings, coalesce(h.n_mentioning, 0) AS n_mentioning
        FROM sizes sz LEFT JOIN hits h USING (role_group)
        """,
        [FOCUS_ROLE, extractor_version, enricher_version, extractor_version],
    ).df()
    return frame


def _complete(frame: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    """Every (group, skill) pair, zeros included, with shares and Wilson intervals."""
    sizes = frame.groupby("role_group")["n_postings"].first()
    rows = []
    hits = {(r.role_group, r.skill_id): int(r.n_mentioning) for r in frame.itertuples() if r.skill_id}
    for group, n in sizes.items():
        for skill in taxonomy.skills:
            k = hits.get((group, skill.id), 0)
            low, high = wilson_interval(k, int(n))
            rows.append(
                {
                    "role_group": group,
                    "skill_id": skill.id,
                    "skill_name": skill.name,
                    "category": skill.category,
                    "n_postings": int(n),
                    "n_mentioning": k,
                    "share": k / n if n else 0.0,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    return out.sort_values(["role_group", "share", "skill_id"], ascending=[True, False, True]).reset_index(
        drop=True
    )


def _chart_svg(shares: pd.DataFrame) -> str:
    """Horizontal bars with 95 % interval whiskers, ML engineers against all others; inline SVG text."""
    focus = shares[shares.role_group == FOCUS_ROLE].head(TOP_N_CHART)
    if focus.empty:
        return ""
    other = shares[shares.role_group == "all_other"].set_index("skill_id")
    labels = list(focus.skill_name)[::-1]
    ys = range(len(labels))
    fig, ax = plt.subplots(figsize=(7, 0.32 * len(labels) + 1.2))
    f = focus.iloc[::-1]
    ax.barh(
        [y + 0.2 for y in ys],
        f.share,
        height=0.4,
        label="ML engineer",
        color="#3b6ea5",
        xerr=[(f.share - f.ci_low).clip(lower=0), (f.ci_high - f.share).clip(lower=0)],
        error_kw={"lw": 0.8},
    )
    o = other.reindex(f.skill_id)
    ax.barh([y - 0.2 for y in ys], o.share.fillna(0), height=0.4, label="all other postings", color="#c9c9c9")
    ax.set_yticks(list(ys), labels)
    ax.set_xlabel("share of postings mentioning the skill (95 % Wilson interval)")
    ax.legend(loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.find("<svg") :]


def _point_latest(out_dir: Path, run_dir: Path) -> Path:
    latest = out_dir / "latest"
    if latest.is_symlink() or latest.is_file():
        latest.unlink()
    elif latest.is_dir():
        shutil.rmtree(latest)
    try:
        os.symlink(run_dir.name, latest, target_is_directory=True)
    except OSError:  # filesystems without symlinks get a copy
        shutil.copytree(run_dir, latest)
    return latest


def build_report(
    con: duckdb.DuckDBPyConnection,
    taxonomy: Taxonomy,
    extractor_version: str,
    enricher_version: str,
    out_dir: Path,
    run_date: date | None = None,
    summary: dict | None = None,
) -> ReportPaths:
    run_date = run_date or date.today()
    run_dir = out_dir / run_date.isoformat()
    run_dir.mkdir(parents=True, exist_ok=True)
    shares = _complete(skill_shares(con, extractor_version, enricher_version), taxonomy)
    shares.to_csv(run_dir / "skill_shares.csv", index=False, float_format="%.6f")
    sizes = shares.groupby("role_group")["n_postings"].first().to_dict() if not shares.empty else {}
    context = {
        "run_date": run_date.isoformat(),
        "sizes": sizes,
        "focus": shares[shares.role_group == FOCUS_ROLE].to_dict("records") if not shares.empty else [],
        "other": {r["skill_id"]: r for r in shares[shares.role_group == "all_other"].to_dict("records")}
        if not shares.empty
        else {},
        "summary": summary or {},
        "extractor_version": extractor_version,
    }
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    markdown = run_dir / "report.md"
    markdown.write_text(env.get_template("report.md.j2").render(**context), encoding="utf-8")
    svg = _chart_svg(shares) if not shares.empty else ""
    html = run_dir / "report.html"
    html.write_text(
        env.get_template("report.html.j2").render(
            **context,
            chart_data_uri="data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
            if svg
            else "",
        ),
        encoding="utf-8",
    )
    if svg:
        (run_dir / "skill_shares.svg").write_text(svg, encoding="utf-8")
    latest = _point_latest(out_dir, run_dir)
    return ReportPaths(run_dir, markdown, html, run_dir / "skill_shares.csv", latest)
