"""Build a run's report from the store: a verdict for every claim of the guide, with its evidence.

Outputs under ``<out>/<run-date>/``: ``report.html`` (self-contained), ``report.md`` with ``charts/*.svg``,
``claims.json``, and every table behind the numbers as CSV and Parquet, so any figure can be recomputed.
``<out>/latest`` points at the newest run.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from dataclasses import asdict, dataclass
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from extractors.taxonomy import Taxonomy
from reports import charts
from reports.claims import POOLED, ClaimResult, ClaimsConfig, evaluate_all, load_claims, pay_frame, role_mask
from reports.dataset import ReportData, load
from reports.fingerprint import fingerprint
from reports.precision import PRECISION_BAR, audit_rows, load_audit, withheld
from reports.stats import wilson_interval

TEMPLATES = Path(__file__).resolve().parent / "templates"
EVAL_SCORES = Path(__file__).resolve().parent.parent / "data" / "extractor_eval.json"
FOCUS_ROLE = "ml_engineer"
COOCCURRENCE_TOP = 15
CAVEATS = [
    'Hacker News "Who is hiring?" skews to start-ups and to software roles; it is not the whole market.',
    "Glassdoor pay figures are Glassdoor's estimates, not employer-posted pay; in one of the two files each "
    "salary range covers a block of rows, so it may belong to a search page rather than to a posting.",
    "The ai-jobs.net survey is self-reported by respondents and dominated by US 2024 rows; it is shown "
    "beside the postings and never pooled with them.",
    "HN months with less than 60 % of the reference comment count are shown but not used to fit trends; "
    "2020–2021 have no bundled text, and gaps are left as gaps, never interpolated.",
    "Roles come from titles or HN header lines by rules; skills from a rule-based extractor whose measured "
    "precision and recall are given in this section. Each job counts once: duplicates are removed first.",
    "One HN comment often advertises several roles; its skills then count for each role it names, so "
    "ML-engineer shares from HN include skills meant for the other roles in the same comment (e.g. React).",
    'A title such as "Machine Learning Engineer" is itself a mention of machine learning, so that skill\'s '
    "share among ML-engineer postings is close to 100 % by construction.",
]


@dataclass
class ReportPaths:
    directory: Path
    markdown: Path
    html: Path
    claims_json: Path
    shares_csv: Path
    latest: Path
    verdict_table: str = ""


def skill_shares_by_role(data: ReportData, taxonomy: Taxonomy) -> pd.DataFrame:
    """Share of full-text postings naming each skill: ML engineers, all others, and each role family."""
    text = data.postings[(data.postings.text_kind == "full") & data.postings.extracted.astype(bool)]
    sets = data.skills.groupby("skill_id").posting_key.agg(set).to_dict() if not data.skills.empty else {}
    groups: dict[str, set[str]] = {
        FOCUS_ROLE: set(text.posting_key[role_mask(text, FOCUS_ROLE)]),
        "all_other": set(text.posting_key[~role_mask(text, FOCUS_ROLE)]),
    }
    families = sorted({r for rs in text.roles for r in rs} - {FOCUS_ROLE})
    groups.update({f: set(text.posting_key[role_mask(text, f)]) for f in families})
    rows = []
    for group, keys in groups.items():
        for skill in taxonomy.skills:
            k = len(keys & sets.get(skill.id, set()))
            low, high = wilson_interval(k, len(keys))
            rows.append(
                {
                    "role_group": group,
                    "skill_id": skill.id,
                    "skill_name": skill.name,
                    "category": skill.category,
                    "n_postings": len(keys),
                    "n_mentioning": k,
                    "share": k / len(keys) if keys else 0.0,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values(["role_group", "share", "skill_id"], ascending=[True, False, True]).reset_index(
        drop=True
    )


def cooccurrence(data: ReportData, shares: pd.DataFrame) -> pd.DataFrame:
    """Share of ML-engineer postings naming both skills, for the most-named skills."""
    focus = shares[(shares.role_group == FOCUS_ROLE) & (shares.n_mentioning > 0)].head(COOCCURRENCE_TOP)
    if focus.empty:
        return pd.DataFrame()
    text = data.postings[(data.postings.text_kind == "full") & data.postings.extracted.astype(bool)]
    keys = set(text.posting_key[role_mask(text, FOCUS_ROLE)])
    sets = {s: keys & set(data.skills.posting_key[data.skills.skill_id == s]) for s in focus.skill_id}
    names = list(focus.skill_id)
    matrix = pd.DataFrame(0.0, index=names, columns=names)
    for a in names:
        matrix.loc[a, a] = len(sets[a]) / len(keys)
    for a, b in combinations(names, 2):
        matrix.loc[a, b] = matrix.loc[b, a] = len(sets[a] & sets[b]) / len(keys)
    return matrix


def evidence_table(results: list[ClaimResult]) -> pd.DataFrame:
    rows = [{"claim_id": r.id, **asdict(e)} for r in results for e in r.evidence]
    columns = ["claim_id", "source", "population", "metric", "subject", "value", "ci_low", "ci_high", "n"]
    return pd.DataFrame(rows, columns=columns)


def coverage_summary(con: duckdb.DuckDBPyConnection, data: ReportData) -> list[dict[str, Any]]:
    """Per source: postings stored, kept after de-duplication, and the date range."""
    stored = con.execute(
        "SELECT source, count(*) AS n, min(strftime(posted_at, '%Y-%m')) AS first, "
        "max(strftime(posted_at, '%Y-%m')) AS last FROM postings GROUP BY source ORDER BY source"
    ).fetchall()
    after = data.counts.get("after_dedup", {})
    return [
        {
            "source": s,
            "stored": n,
            "kept": after.get(s, 0),
            "first": f or "undated",
            "last": last or "undated",
        }
        for s, n, f, last in stored
    ]


def example_postings(
    con: duckdb.DuckDBPyConnection, data: ReportData, limit: int = 6
) -> list[dict[str, str]]:
    """A few ML-engineer postings as a reader meets them: source and title or header line."""
    postings = data.postings
    mask = role_mask(postings, FOCUS_ROLE) & postings.text_kind.eq("full").to_numpy(dtype=bool)
    keys = postings.posting_key[mask]
    if keys.empty:
        return []
    con.register("example_keys", pd.DataFrame({"posting_key": keys}))
    rows = con.execute(
        "SELECT source, coalesce(title, split_part(text, chr(10), 1)) AS headline FROM postings "
        "JOIN example_keys USING (posting_key) ORDER BY hash(posting_key) LIMIT ?",
        [limit],
    ).fetchall()
    con.unregister("example_keys")
    return [{"source": s, "headline": (h or "")[:160]} for s, h in rows]


def verdict_markdown(results: list[ClaimResult]) -> str:
    """The verdict table alone: the report's first section and the Prefect artifact."""
    lines = ["| claim | verdict | per source | why |", "|---|---|---|---|"]
    for r in results:
        per = ", ".join(f"{k}: {v}" for k, v in r.per_source.items() if k != POOLED) or "–"
        lines.append(f"| `{r.id}` | **{r.verdict}** | {per} | {r.reason.replace('|', '/')} |")
    return "\n".join(lines)


def _write_table(frame: pd.DataFrame, directory: Path, name: str) -> None:
    frame.to_csv(directory / f"{name}.csv", index=False, float_format="%.6g")
    parquet = frame.copy()
    for column in parquet.columns:
        if parquet[column].map(lambda v: isinstance(v, (tuple, list, set))).any():
            parquet[column] = parquet[column].map(lambda v: list(v) if v is not None else None)
    parquet.to_parquet(directory / f"{name}.parquet", index=False)


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


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def build_report(
    con: duckdb.DuckDBPyConnection,
    taxonomy: Taxonomy,
    extractor_version: str,
    enricher_version: str,
    out_dir: Path,
    run_date: date | None = None,
    summary: dict | None = None,
    claims_config: ClaimsConfig | None = None,
) -> ReportPaths:
    run_date = run_date or date.today()
    run_dir = out_dir / run_date.isoformat()
    chart_dir = run_dir / "charts"
    chart_dir.mkdir(parents=True, exist_ok=True)
    data = load(con, extractor_version, enricher_version)
    cfg = claims_config or load_claims()
    results = evaluate_all(data, cfg, taxonomy)
    audit = load_audit()
    held = withheld(audit, taxonomy.ids()) if audit else []
    shares = skill_shares_by_role(data, taxonomy)
    if audit:  # only skills whose audited precision reaches the bar are printed
        shares = shares[~shares.skill_id.isin({h.skill for h in held})].reset_index(drop=True)
        shares["audited_precision"] = [round(audit[sid].precision, 3) for sid in shares.skill_id]
    _flag_low_precision(results, held)
    pay = pay_frame(data)
    matrix = cooccurrence(data, shares)

    chart_files: dict[str, list[str]] = {
        r.id: charts.claim_charts(r, pay, data.survey, cfg.common_share) for r in results
    }
    focus_rows = shares[shares.role_group == FOCUS_ROLE].head(20) if not shares.empty else shares
    chart_files["skill-shares"] = [
        charts.share_bars(
            [
                charts.Evidence(
                    "pooled", "", "share", row.share, row.ci_low, row.ci_high, row.n_postings, row.skill_name
                )
                for row in focus_rows.itertuples()
            ],
            "share of ML-engineer postings",
        )
    ]
    chart_files["cooccurrence"] = [charts.cooccurrence_chart(matrix)]
    chart_names: dict[str, list[str]] = {}
    for name, svgs in chart_files.items():
        chart_names[name] = [name if i == 0 else f"{name}-{i + 1}" for i in range(len(svgs))]
        for file_name, svg in zip(chart_names[name], svgs, strict=True):
            (chart_dir / f"{file_name}.svg").write_text(svg, encoding="utf-8")

    claims_json = run_dir / "claims.json"
    claims_json.write_text(
        json.dumps([r.as_json() for r in results], indent=2, ensure_ascii=False, default=float),
        encoding="utf-8",
    )
    _write_table(shares, run_dir, "skill_shares")
    _write_table(evidence_table(results), run_dir, "evidence")
    _write_table(pay.drop(columns=["countries"], errors="ignore"), run_dir, "pay_postings")
    demand = next((r.series for r in results if r.spec["kind"] == "demand_trend"), None)
    if demand is not None:
        _write_table(demand, run_dir, "demand_monthly")
    trend = next((r.series for r in results if r.spec.get("trend")), None)
    if trend is not None:
        _write_table(trend, run_dir, "skill_trend_yearly")
    if not matrix.empty:
        _write_table(matrix.reset_index(names="skill_id"), run_dir, "cooccurrence_ml_engineer")

    eval_scores = json.loads(EVAL_SCORES.read_text()) if EVAL_SCORES.is_file() else None
    context = {
        "run_date": run_date.isoformat(),
        "results": results,
        "verdict_table": verdict_markdown(results),
        "coverage": coverage_summary(con, data),
        "examples": example_postings(con, data),
        "caveats": CAVEATS,
        "cfg": cfg,
        "summary": summary or {},
        "extractor_version": extractor_version,
        "enricher_version": enricher_version,
        "eval_scores": eval_scores,
        "audit": _audit_summary(audit, held),
        "focus_shares": focus_rows.to_dict("records") if not shares.empty else [],
        "n_focus": int(focus_rows.n_postings.iloc[0]) if len(focus_rows) else 0,
        "fingerprint": fingerprint(),
        "chart_names": chart_names,
    }
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    env.filters["pct"] = lambda x: "n/a" if x is None else f"{100 * x:.1f} %"
    env.filters["num"] = _format_number
    env.filters["plain"] = lambda v: ", ".join(map(str, v)) if isinstance(v, list | tuple) else v
    markdown = run_dir / "report.md"
    md_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False)
    md_env.filters.update(env.filters)
    markdown.write_text(md_env.get_template("report.md.j2").render(**context), encoding="utf-8")
    html = run_dir / "report.html"
    html.write_text(
        env.get_template("report.html.j2").render(
            **context, charts={k: [_data_uri(svg) for svg in v] for k, v in chart_files.items()}
        ),
        encoding="utf-8",
    )
    (run_dir / "fingerprint.json").write_text(
        json.dumps(context["fingerprint"], indent=2) + "\n", encoding="utf-8"
    )
    latest = _point_latest(out_dir, run_dir)
    return ReportPaths(
        run_dir, markdown, html, claims_json, run_dir / "skill_shares.csv", latest, context["verdict_table"]
    )


SKILL_KEYS = ("skills", "trend_skills", "build_skills", "analysis_skills")


def _flag_low_precision(results: list[ClaimResult], held: list) -> None:
    """A verdict that counts a skill below the audited precision bar says so in its reason."""
    low = {
        h.skill: f"{h.skill} ({h.tally()} matches right)" if h.judged else f"{h.skill} (not audited)"
        for h in held
    }
    for r in results:
        used = [s for key in SKILL_KEYS for s in r.spec.get(key) or [] if s in low]
        if used:
            r.reason += (
                f" Caution: it counts skills below the {PRECISION_BAR} audited precision bar: "
                + ", ".join(low[s] for s in dict.fromkeys(used))
                + "."
            )


def _audit_summary(audit: dict, held: list) -> dict | None:
    """What the method section says about the precision audit: how many skills, how many withheld."""
    if not audit:
        return None
    judged = sum(a.judged for a in audit.values())
    correct = sum(a.correct for a in audit.values())
    return {
        "skills": len(audit),
        "judged": judged,
        "judged_all": audit_rows(),
        "precision": correct / judged if judged else 0.0,
        "bar": PRECISION_BAR,
        "withheld": [f"{h.skill} ({h.tally()})" for h in held],
    }


def _format_number(value: float | None, metric: str = "") -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "n/a"
    if "usd" in metric:
        return f"${value:,.0f}"
    if metric in ("share", "share_difference"):
        return f"{100 * value:.1f} %"
    if metric == "trend_slope":
        return f"{100 * value:+.2f} pts/yr"
    if metric == "rank":
        return f"#{int(value)}"
    return f"{value:.2f}"
