"""Build a run's report from the store: a verdict for every claim of the guide, with its evidence.

Outputs under ``<out>/<run-date>/``: ``report.html`` (self-contained), ``report.md`` with ``charts/*.svg``,
``claims.json``, and every table behind the numbers as CSV and Parquet, so any figure can be recomputed.
``<out>/latest`` points at the newest run.
"""

from __future__ import annotations

import base64
import json
import os
import re
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


SUMMARY_COLUMNS = ("new", "changed", "closed", "quarantined", "failed")


def run_summary_markdown(collected: list[dict[str, Any]]) -> str:
    """Per source what this run collected: the report's "This run" table and a Prefect artifact."""
    lines = ["| source | " + " | ".join(SUMMARY_COLUMNS) + " | why it failed |", "|---" * 7 + "|"]
    for c in collected:
        counts = " | ".join(str(c.get(k, 0) or 0) for k in SUMMARY_COLUMNS)
        lines.append(
            f"| {markdown_literal(c.get('source'))} | {counts} | {markdown_literal(c.get('error') or '')} |"
        )
    return "\n".join(lines)


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


def existing_report(out_dir: Path, run_date: date, verdict_table: str) -> ReportPaths | None:
    """The report already written under ``out_dir/<date>/``, pointed at as ``latest`` again; None when
    any of its files is missing. The caller decides it is still right (``flows.pipeline.report``)."""
    run_dir = out_dir / run_date.isoformat()
    files = [run_dir / name for name in ("report.md", "report.html", "claims.json", "skill_shares.csv")]
    if not all(f.is_file() for f in files):
        return None
    return ReportPaths(run_dir, *files, _point_latest(out_dir, run_dir), verdict_table)


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


@dataclass
class _Findings:
    """Everything the report computes once, before anything is written."""

    results: list[ClaimResult]
    shares: pd.DataFrame
    focus_rows: pd.DataFrame
    pay: pd.DataFrame
    matrix: pd.DataFrame
    leaves_out: pd.DataFrame
    audit: dict
    held: list
    every: Any


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
    """Compute the verdicts and tables, write charts, tables, report.md and report.html under
    ``out_dir/<date>/`` and point ``out_dir/latest`` at it."""
    run_date = run_date or date.today()
    run_dir = out_dir / run_date.isoformat()
    (run_dir / "charts").mkdir(parents=True, exist_ok=True)
    data = load(con, extractor_version, enricher_version)
    cfg = claims_config or load_claims()
    found = _findings(data, cfg, taxonomy)
    chart_files = _charts(found, cfg)
    chart_names = _write_charts(chart_files, run_dir / "charts")
    claims_json = _write_tables(found, run_dir)
    context = _context(con, data, cfg, found, chart_names, run_date, summary or {})
    context["extractor_version"], context["enricher_version"] = extractor_version, enricher_version
    markdown, html = _render(context, chart_files, run_dir)
    (run_dir / "fingerprint.json").write_text(
        json.dumps(context["fingerprint"], indent=2) + "\n", encoding="utf-8"
    )
    latest = _point_latest(out_dir, run_dir)
    return ReportPaths(
        run_dir, markdown, html, claims_json, run_dir / "skill_shares.csv", latest, context["verdict_table"]
    )


def _findings(data: ReportData, cfg: ClaimsConfig, taxonomy: Taxonomy) -> _Findings:
    single, every = prepared_views(data, cfg)  # computed once, for the claims and the tables
    results = evaluate_all(data, cfg, taxonomy, views=(single, every))
    audit = load_audit()
    held = withheld(audit, taxonomy.ids()) if audit else []
    shares = skill_shares_by_role(single, taxonomy, cfg)
    if audit:  # only skills whose audited precision reaches the bar are printed
        shares = shares[~shares.skill_id.isin({h.skill for h in held})].reset_index(drop=True)
        shares["audited_precision"] = [round(audit[sid].precision, 3) for sid in shares.skill_id]
    _flag_low_precision(results, held)
    return _Findings(
        results=results,
        shares=shares,
        focus_rows=shares[shares.role_group == FOCUS_ROLE].head(20) if not shares.empty else shares,
        pay=pay_frame(single, cfg),
        matrix=cooccurrence(single, shares, cfg),
        leaves_out=guide_leaves_out(single, cfg, taxonomy, {h.skill for h in held}, hn_data=every),
        audit=audit,
        held=held,
        every=every,
    )


def _charts(found: _Findings, cfg: ClaimsConfig) -> dict[str, list[str]]:
    """Chart name → SVGs: each claim's, the top skill shares and the co-occurrence matrix."""
    chart_files: dict[str, list[str]] = {r.id: claim_charts(r, cfg) for r in found.results}
    bars = [
        charts.Evidence(
            "pooled", "", "share", row.share, row.ci_low, row.ci_high, row.n_postings, row.skill_name
        )
        for row in found.focus_rows.itertuples()
    ]
    chart_files["skill-shares"] = [charts.share_bars(bars, "share of ML-engineer postings")]
    chart_files["cooccurrence"] = [charts.cooccurrence_chart(found.matrix)]
    return chart_files


def _write_charts(chart_files: dict[str, list[str]], chart_dir: Path) -> dict[str, list[str]]:
    chart_names: dict[str, list[str]] = {}
    for name, svgs in chart_files.items():
        chart_names[name] = [name if i == 0 else f"{name}-{i + 1}" for i in range(len(svgs))]
        for file_name, svg in zip(chart_names[name], svgs, strict=True):
            (chart_dir / f"{file_name}.svg").write_text(svg, encoding="utf-8")
    return chart_names


def _write_tables(found: _Findings, run_dir: Path) -> Path:
    """claims.json and every table (CSV and Parquet) a reader can check the report against."""
    results = found.results
    claims_json = run_dir / "claims.json"
    claims_json.write_text(
        json.dumps([r.as_json() for r in results], indent=2, ensure_ascii=False, default=float),
        encoding="utf-8",
    )
    _write_table(found.shares, run_dir, "skill_shares")
    _write_table(evidence_table(results), run_dir, "evidence")
    _write_table(found.pay.drop(columns=["countries"], errors="ignore"), run_dir, "pay_postings")
    _write_table(found.leaves_out, run_dir, "guide_leaves_out")
    demand_result = next((r for r in results if r.spec["kind"] == "demand_trend"), None)
    if demand_result is not None and demand_result.series is not None:
        _write_table(demand_result.series, run_dir, "demand_monthly")
        for name, frame in demand_result.extra_series.items():
            _write_table(frame, run_dir, f"external_{name}")
    trend = next((r.series for r in results if r.spec.get("trend")), None)
    if trend is not None:
        _write_table(trend, run_dir, "skill_trend_yearly")
    if not found.matrix.empty:
        _write_table(found.matrix.reset_index(names="skill_id"), run_dir, "cooccurrence_ml_engineer")
    return claims_json


def _context(
    con: duckdb.DuckDBPyConnection,
    data: ReportData,
    cfg: ClaimsConfig,
    found: _Findings,
    chart_names: dict[str, list[str]],
    run_date: date,
    summary: dict,
) -> dict[str, Any]:
    """What both templates are rendered from."""
    eval_scores = json.loads(EVAL_SCORES.read_text()) if EVAL_SCORES.is_file() else None
    held_out = yaml.safe_load(HELD_OUT.read_text(encoding="utf-8")) if HELD_OUT.is_file() else None
    focus = found.focus_rows
    return {
        "run_date": run_date.isoformat(),
        "results": found.results,
        "verdict_table": verdict_markdown(found.results),
        "coverage": coverage_summary(con, data),
        "examples": example_postings(con, data),
        "caveats": CAVEATS,
        "cfg": cfg,
        "summary": summary,
        # Only a run that read live sources has news to report; an offline run reads the same snapshot.
        "live_run": any(c.get("source") != "snapshot" for c in summary.get("collected", [])),
        "run_summary": run_summary_markdown(summary.get("collected", [])),
        "eval_scores": eval_scores,
        "audit": _audit_summary(found.audit, found.held),
        "focus_shares": focus.to_dict("records") if not found.shares.empty else [],
        "n_focus": int(focus.n_postings.iloc[0]) if len(focus) else 0,
        "fingerprint": fingerprint(),
        "chart_names": chart_names,
        "held_out": held_out,
        "leaves_out": found.leaves_out.to_dict("records"),
        "recent": cfg.recent.label if cfg.recent else "",
        "periods": cfg.periods,
        "survey_rows": (len(data.survey), len(survey_frame(data, cfg))),
        "multi_role": int(found.every.postings.multi_role.sum()) if len(data.postings) else 0,
        "attributions": [
            external.HIRING_LAB_ATTRIBUTION,
            external.HIRINGTRENDS_ATTRIBUTION,
            external.CPI_ATTRIBUTION,
            external.FX_ATTRIBUTION,
        ],
        "role_name": role_name,
    }


def _render(context: dict[str, Any], chart_files: dict[str, list[str]], run_dir: Path) -> tuple[Path, Path]:
    """report.md (posting text as literal Markdown) and report.html (autoescaped, charts inline)."""
    filters = {
        "pct": lambda x: "n/a" if x is None else f"{100 * x:.1f} %",
        "num": _format_number,
        "plain": lambda v: ", ".join(map(str, v)) if isinstance(v, list | tuple) else v,
        "role": role_name,
    }
    html_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    html_env.filters.update(filters, literal=lambda v, limit=SHOWN_CHARS: shown(v, limit))
    md_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False)
    md_env.filters.update(filters, literal=markdown_literal)
    markdown = run_dir / "report.md"
    markdown.write_text(md_env.get_template("report.md.j2").render(**context), encoding="utf-8")
    html = run_dir / "report.html"
    charts_inline = {k: [_data_uri(svg) for svg in v] for k, v in chart_files.items()}
    html.write_text(
        html_env.get_template("report.html.j2").render(**context, charts=charts_inline), encoding="utf-8"
    )
    return markdown, html


# What a reader sees of any one posting's text in the report (titles, first lines).
SHOWN_CHARS = 160
_MD_SPECIAL = re.compile(r"([\\`*_\[\]!|~#>])")  # what can start a link, image, emphasis, code, cell


def shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    """One line of at most ``limit`` characters: a posting's text is quoted, never reproduced whole."""
    text = " ".join(str(value if value is not None else "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def markdown_literal(value: Any, limit: int = SHOWN_CHARS) -> str:
    """Text from a posting (or a source) as literal Markdown: no link, image, emphasis, HTML or table cell
    break can come from it. Markdown punctuation is backslash-escaped, ``<`` and ``&`` become entities,
    and URLs are defanged (``https[:]//``), since renderers turn a bare URL into a link."""
    text = shown(value, limit).replace("&", "&amp;").replace("<", "&lt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = re.sub(r"(?i)\b(https?|ftp|file|javascript|data)(:)", r"\1\\[\2\\]", text)
    return text.replace("www.", "www\\[.\\]")


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
