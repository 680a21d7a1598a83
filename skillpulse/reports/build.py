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
import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape

from skillpulse.extractors.taxonomy import Taxonomy
from skillpulse.flows.sources.catalog import source_info
from skillpulse.reports import charts, external
from skillpulse.reports.claims import (
    ClaimResult,
    ClaimsConfig,
    claim_charts,
    evaluate_all,
    guide_leaves_out,
    load_claims,
    pay_frame,
    prepared_views,
    role_mask,
    role_name,
    survey_frame,
)
from skillpulse.reports.claims.base import recent_job_descriptions, skill_sets, text_postings
from skillpulse.reports.dataset import ReportData, load
from skillpulse.reports.fingerprint import fingerprint
from skillpulse.reports.precision import PRECISION_BAR, audit_rows, load_audit, withheld
from skillpulse.reports.stats import wilson_interval

TEMPLATES = Path(__file__).resolve().parent / "templates"
EVAL_SCORES = Path(__file__).resolve().parent.parent / "data" / "extractor_eval.json"
HELD_OUT = Path(__file__).resolve().parent.parent / "data" / "held_out_scores.yaml"
FOCUS_ROLE = "ml_engineer"
COOCCURRENCE_TOP = 15
CAVEATS = [
    "Skill verdicts rest on full job descriptions of the recent period (LinkedIn 2024–2025, Ashby boards and "
    "Uber 2025, YC job pages 2026). These are convenience samples: LinkedIn rows came from AI/ML and "
    "data-role searches, Ashby boards are mostly start-ups; none is a random sample of the labour market.",
    'Hacker News "Who is hiring?" comments are short ads (~1,100 characters) from start-ups and software '
    "firms. They serve trends and relative measures; a skill they do not name is never counted against it.",
    "Pay is compared in 2025 dollars (CPI-U) after converting each currency at its own year's rate. "
    "Glassdoor pay figures are Glassdoor's estimates, not employer-posted pay, and are undated "
    "(captured 2020); in one of the two files the ranges fill blocks of rows, so that file's pay is "
    "not used.",
    "The ai-jobs.net survey is self-reported and repeats 53 % of its rows exactly; duplicates are removed "
    "and it enters pay comparisons as one stratum beside the posting sources, never row by row.",
    "HN months with less than 60 % of the reference comment count are shown but not used to fit trends; "
    "2020–2021 have no bundled text, and gaps are left as gaps, never interpolated.",
    "One HN comment often advertises several roles. Role-specific measures use single-role comments; every "
    "such verdict is recomputed with the multi-role comments kept and the sensitivity line says whether "
    "that moves it. Demand trends count every comment.",
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


def skill_shares_by_role(data: ReportData, taxonomy: Taxonomy, cfg: ClaimsConfig) -> pd.DataFrame:
    """Share of recent job descriptions (the population the verdicts rest on) naming each skill: ML
    engineers, all others, each role family."""
    text = recent_job_descriptions(text_postings(data), cfg)
    sets = skill_sets(data)
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


def cooccurrence(data: ReportData, shares: pd.DataFrame, cfg: ClaimsConfig) -> pd.DataFrame:
    """Share of ML-engineer postings naming both skills, for the most-named skills."""
    focus = shares[(shares.role_group == FOCUS_ROLE) & (shares.n_mentioning > 0)].head(COOCCURRENCE_TOP)
    if focus.empty:
        return pd.DataFrame()
    text = recent_job_descriptions(text_postings(data), cfg)
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
    columns = [
        "claim_id",
        "source",
        "genre",
        "period",
        "population",
        "metric",
        "subject",
        "value",
        "ci_low",
        "ci_high",
        "n",
    ]
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
            "genre": source_info(s).genre.replace("_", " "),
            "label": source_info(s).label,
            "stored": n,
            "kept": after.get(s, 0),
            "first": f
            or (f"captured {source_info(s).capture_year}" if source_info(s).capture_year else "undated"),
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
    lines = ["| claim | verdict | in plain words | the number that decided it |", "|---|---|---|---|"]
    for r in results:
        flips = " (flips within the sensitivity range)" if r.flips else ""
        lines.append(
            f"| `{r.id}` | **{r.verdict}**{flips} | {r.plain.replace('|', '/')} | "
            f"{r.deciding.replace('|', '/')} |"
        )
    return "\n".join(lines)


def _write_table(frame: pd.DataFrame, directory: Path, name: str) -> None:
    frame.to_csv(directory / f"{name}.csv", index=False, float_format="%.6g")
    parquet = frame.copy()
    for column in parquet.columns:
        if (
            parquet[column].dtype == object
            and parquet[column].map(lambda v: isinstance(v, (tuple, list, set))).any()
        ):
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
    single, every = prepared_views(data, cfg)  # computed once, for the claims and the tables
    results = evaluate_all(data, cfg, taxonomy, views=(single, every))
    audit = load_audit()
    held = withheld(audit, taxonomy.ids()) if audit else []
    shares = skill_shares_by_role(single, taxonomy, cfg)
    if audit:  # only skills whose audited precision reaches the bar are printed
        shares = shares[~shares.skill_id.isin({h.skill for h in held})].reset_index(drop=True)
        shares["audited_precision"] = [round(audit[sid].precision, 3) for sid in shares.skill_id]
    _flag_low_precision(results, held)
    pay = pay_frame(single, cfg)
    matrix = cooccurrence(single, shares, cfg)
    leaves_out = guide_leaves_out(single, cfg, taxonomy, {h.skill for h in held}, hn_data=every)

    chart_files: dict[str, list[str]] = {r.id: claim_charts(r, cfg) for r in results}
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
    _write_table(leaves_out, run_dir, "guide_leaves_out")
    demand_result = next((r for r in results if r.spec["kind"] == "demand_trend"), None)
    if demand_result is not None and demand_result.series is not None:
        _write_table(demand_result.series, run_dir, "demand_monthly")
        for name, frame in demand_result.extra_series.items():
            _write_table(frame, run_dir, f"external_{name}")
    trend = next((r.series for r in results if r.spec.get("trend")), None)
    if trend is not None:
        _write_table(trend, run_dir, "skill_trend_yearly")
    if not matrix.empty:
        _write_table(matrix.reset_index(names="skill_id"), run_dir, "cooccurrence_ml_engineer")

    eval_scores = json.loads(EVAL_SCORES.read_text()) if EVAL_SCORES.is_file() else None
    held_out = yaml.safe_load(HELD_OUT.read_text(encoding="utf-8")) if HELD_OUT.is_file() else None
    survey = survey_frame(data, cfg)
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
        "held_out": held_out,
        "leaves_out": leaves_out.to_dict("records"),
        "recent": cfg.recent.label if cfg.recent else "",
        "periods": cfg.periods,
        "survey_rows": (len(data.survey), len(survey)),
        "multi_role": int(every.postings.multi_role.sum()) if len(data.postings) else 0,
        "attributions": [
            external.HIRING_LAB_ATTRIBUTION,
            external.HIRINGTRENDS_ATTRIBUTION,
            external.CPI_ATTRIBUTION,
            external.FX_ATTRIBUTION,
        ],
        "role_name": role_name,
    }
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    env.filters["pct"] = lambda x: "n/a" if x is None else f"{100 * x:.1f} %"
    env.filters["num"] = _format_number
    env.filters["plain"] = lambda v: ", ".join(map(str, v)) if isinstance(v, list | tuple) else v
    env.filters["role"] = role_name
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
        return f"-${-value:,.0f}" if value < 0 else f"${value:,.0f}"
    if metric in ("share", "share_difference"):
        return f"{100 * value:.1f} %"
    if metric == "trend_slope":
        return f"{100 * value:+.2f} pts/yr"
    if metric == "count_slope":
        return f"{value:+.1f} /month per yr"
    if metric.startswith("index"):
        return f"{value:.1f}"
    if metric == "rank":
        return f"#{int(value)}"
    return f"{value:.2f}"
