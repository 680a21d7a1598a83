"""``skillpulse eval``: score skills (guideline parts 1 and 2) and roles on the labelled development sets.

Every verdict rests on a skill or a role family, so every one of them is measured: part 1 (37 skill ids,
``../shared/eval/dev_gold.jsonl``), part 2 (the nine claim skills, labels in ``benchmarks/gold/claim_skills``
on the same postings) and role families (``benchmarks/gold/roles``: 150 modern postings plus the gold set's
HN comments). Each part prints per-id precision/recall, the bars it must reach, and every error explained.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from skillpulse.errors import InputFileError
from skillpulse.flows.io_files import check_input, count_records, numbered_lines, reports_refusals
from skillpulse.flows.settings import TAXONOMY_PATH

# The labelled sets live in a checkout's benchmarks/gold (not in the installed package).
REPO = Path(__file__).resolve().parents[3]
DEFAULT_GOLD = REPO.parent / "shared" / "eval" / "dev_gold.jsonl"
GOLD_DIR = REPO / "benchmarks" / "gold"
CLAIM_LABELS = GOLD_DIR / "claim_skills" / "dev_claim_skills.jsonl"
ROLE_LABELS = GOLD_DIR / "roles" / "dev_roles.jsonl"
ROLE_SAMPLE = GOLD_DIR / "roles" / "modern_sample.jsonl"
PARTS = ("skills", "claims", "roles")
EXTRA_PARTS = ("audit",)


def register(app: typer.Typer) -> None:
    app.command("eval")(evaluate)


@reports_refusals
def evaluate(
    gold: Annotated[
        Path,
        typer.Option(
            "--gold", help="Part-1 gold JSONL (id, text, skills, notes); its texts also carry part 2."
        ),
    ] = DEFAULT_GOLD,
    part: Annotated[
        list[str] | None,
        typer.Option(
            "--part",
            help="skills (guideline part 1), claims (part 2: the nine claim skills), roles, audit (the "
            "hand-judged precision of every skill the report prints). Repeatable; default the first three.",
        ),
    ] = None,
    taxonomy: Annotated[
        Path, typer.Option("--taxonomy", help="Skills taxonomy YAML to evaluate.")
    ] = TAXONOMY_PATH,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")] = False,
    errors: Annotated[
        bool, typer.Option("--errors/--no-errors", help="List false positives/negatives.")
    ] = True,
    skill: Annotated[
        list[str] | None,
        typer.Option(
            "--skill", help="Part 1: score only these ids (repeatable). Default: the guideline ids."
        ),
    ] = None,
) -> None:
    """Precision, recall, F1 and support per skill id (parts 1 and 2) and per role family; micro and macro;
    the bars each part must reach; then each false positive with its context and each false negative with a
    hint why it was missed. Without the shared gold file only the modern-postings role set is scored."""
    import json

    from rich.console import Console
    from rich.markup import escape

    from skillpulse.extractors.skills import SkillExtractor
    from skillpulse.extractors.taxonomy import TaxonomyError

    console = Console()
    parts = list(dict.fromkeys(part or PARTS))
    unknown = [p for p in parts if p not in PARTS + EXTRA_PARTS]
    if unknown:
        console.print(
            f"[red]Unknown --part {escape(', '.join(unknown))}[/red]: use {', '.join(PARTS + EXTRA_PARTS)}"
        )
        raise typer.Exit(2)
    missing = [f for f in (CLAIM_LABELS, ROLE_LABELS, ROLE_SAMPLE) if not f.is_file()]
    if missing and set(parts) & {"claims", "roles"}:
        console.print(
            f"[red]No development labels at {escape(str(missing[0]))}[/red]: they live in a checkout's "
            "benchmarks/gold/; run skillpulse eval from the repository (an installed wheel does not carry "
            "them)."
        )
        raise typer.Exit(2)
    if parts == ["audit"]:
        _print_audit(console, as_json)
        return
    postings = None
    if gold.exists() or gold.is_symlink():
        postings = read_gold(gold)
    elif gold != DEFAULT_GOLD or parts != ["roles"]:
        Console(stderr=True, soft_wrap=True).print(  # stderr: --json output on stdout stays parseable
            f"[yellow]No gold file at {escape(str(gold))}[/yellow]: parts 1 and 2 and the HN role postings "
            "need it (--gold PATH); scoring what is left."
        )
    out: dict[str, Any] = {}
    try:
        extractor = SkillExtractor(taxonomy) if {"skills", "claims"} & set(parts) and postings else None
    except TaxonomyError as exc:
        console.print(f"[red]The skills taxonomy cannot be used:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    if extractor is not None and postings is not None:
        # parts 1 and 2 label the same postings: extract them once
        predicted = _predict(extractor, postings)
        if "skills" in parts:
            out["skills"] = _skills_part1(extractor, postings, predicted, skill)
        if "claims" in parts:
            out["claim_skills"] = _skills_part2(extractor, postings, predicted)
    if "roles" in parts:
        out["roles"] = _roles(postings)
    if not out:
        console.print("[red]Nothing to score[/red]: give --gold with the part-1 gold set.")
        raise typer.Exit(2)
    if as_json:
        flat: dict[str, Any] = {}
        for name, (report, extra) in out.items():
            d = report.as_dict() | extra
            if not errors:
                d.pop("errors")
            flat[name] = d
        if "skills" in flat:  # the part-1 numbers stay at the top level for older readers
            flat = flat["skills"] | flat
        typer.echo(json.dumps(flat, ensure_ascii=False, indent=2))
        return
    for name, (report, extra) in out.items():
        _print(console, name, report, extra, errors)


GOLD_HINT = 'Each line of the gold file is {"id", "text", "skills": [ids], "notes"?}; fix that line.'


def _gold_problem(row: Any) -> str | None:
    if not isinstance(row, dict):
        return "not a JSON object"
    if "id" not in row:
        return 'no "id"'
    if not isinstance(row.get("text"), str):
        return 'no "text" string'
    skills = row.get("skills")
    if not isinstance(skills, list) or not all(isinstance(s, str) for s in skills):
        return 'no "skills" list (of skill ids)'
    if not isinstance(row.get("notes", ""), str):
        return '"notes" is not a string'
    return None


def read_gold(path: Path) -> list:
    """The part-1 gold file, every line checked: a bad one is refused as file:line, because scores over a
    silently shortened gold set would mislead. Encodings as for every input (:mod:`flows.io_files`)."""
    import json

    from skillpulse.extractors.evaluate import GoldPosting

    source = check_input(path, what="--gold")
    count_records(source)
    out = []
    for number, line in numbered_lines(source):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(
                f"{path}:{number}: not valid JSON ({exc.msg} at column {exc.colno})", hint=GOLD_HINT
            ) from exc
        if problem := _gold_problem(row):
            raise InputFileError(f"{path}:{number}: {problem}", hint=GOLD_HINT)
        out.append(GoldPosting(str(row["id"]), row["text"], frozenset(row["skills"]), row.get("notes", "")))
    return out


def _predict(extractor: Any, postings: list) -> tuple[list, dict]:
    from skillpulse.extractors.evaluate import Prediction
    from skillpulse.extractors.html import to_text

    texts = [to_text(g.text) for g in postings]
    predictions, hints = [], {}
    matcher = extractor.component.matcher
    for g, text, mentions in zip(postings, texts, extractor.extract_many(texts), strict=True):
        found: dict[str, list[tuple[int, int]]] = {}
        for m in mentions:
            found.setdefault(m.skill, []).append((m.start, m.end))
        predictions.append(Prediction(g.id, text, found))
        rejected: list = []
        matcher.find(text, rejected)
        for c in rejected:
            hints.setdefault(f"{g.id}\t{c.skill}", []).append((c.start, c.end))
    return predictions, hints


def _skills_part1(
    extractor: Any, postings: list, predicted: tuple[list, dict], skill: list[str] | None
) -> tuple[Any, dict]:
    from skillpulse.extractors.evaluate import BAR_IDS, GUIDELINE_IDS, score

    predictions, hints = predicted
    ids = set(skill) if skill else set(GUIDELINE_IDS) | {s for g in postings for s in g.skills}
    report = score(postings, predictions, ids, hints)
    extra = {
        "taxonomy_version": extractor.taxonomy.version,
        "title": "Skills, guideline part 1 (GUIDELINES.md)",
        "bars": {"ambiguous_ids": list(BAR_IDS), "precision_recall": 0.95},
    }
    return report, extra


def _skills_part2(extractor: Any, postings: list, predicted: tuple[list, dict]) -> tuple[Any, dict]:
    from skillpulse.extractors.evaluate import CLAIM_BAR, CLAIM_SKILL_IDS, load_labels, relabel, score

    labels = load_labels(str(CLAIM_LABELS), "skills")
    gold = relabel(postings, labels)
    predictions, hints = predicted  # matched to the relabelled postings by id
    report = score(gold, predictions, CLAIM_SKILL_IDS, hints)
    extra = {
        "taxonomy_version": extractor.taxonomy.version,
        "title": "Claim skills, guideline part 2 (GUIDELINES_CLAIM_SKILLS.md)",
        "labels": _shown(CLAIM_LABELS),
        "bars": {"micro_f1": 0.90, "precision_recall_each": CLAIM_BAR},
    }
    return report, extra


def _shown(path: Path) -> str:
    """A path relative to the checkout when it is in one, else as it is (an installed package)."""
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


def role_postings(postings: list | None) -> list:
    """The role development set: modern postings (in the repo) and, when the gold file is there, HN ones."""
    import json

    from skillpulse.extractors.evaluate import RolePosting, load_labels
    from skillpulse.extractors.html import to_text

    labels = load_labels(str(ROLE_LABELS), "roles")
    sample = {}
    with ROLE_SAMPLE.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                sample[row["id"]] = row
    texts = {g.id: g.text for g in postings or []}
    out = []
    for pid, row in labels.items():
        if pid in sample:
            s = sample[pid]
            out.append(RolePosting(pid, s["source"], row["roles"], s["title"], s.get("text", "")))
        elif pid in texts:
            out.append(RolePosting(pid, "hn", row["roles"], None, to_text(texts[pid])))
    return out


def _roles(postings: list | None) -> tuple[Any, dict]:
    from skillpulse.extractors.evaluate import score_roles
    from skillpulse.extractors.roles import classify_posting

    items = role_postings(postings)
    predicted = {p.id: classify_posting(p.title, p.text) for p in items}
    report = score_roles(items, predicted)
    by_source: dict[str, Any] = {}
    for src in sorted({p.source for p in items}):
        sub = [p for p in items if p.source == src]
        m = score_roles(sub, predicted).micro
        by_source[src] = {"postings": len(sub), "f1": round(m.f1, 4)}
    extra = {
        "title": "Role families (GUIDELINES_ROLES.md)",
        "labels": _shown(ROLE_LABELS),
        "by_source": by_source,
        "multi_role": multi_role_agreement([p for p in items if p.source == "hn"], predicted),
        "bars": {"micro_f1": 0.90},
    }
    return report, extra


def multi_role_agreement(items: list, predicted: dict[str, list[str]]) -> dict[str, Any]:
    """How well the report's single-role/multi-role split of HN comments matches the labels.

    The report leaves HN comments that name several roles out of role-specific measures, so what matters
    is (a) whether a comment flagged multi-role really is one and (b) how pure the single-role
    comments it keeps are.
    """

    def named(roles: Any) -> set[str]:
        return set(roles) - {"other"}

    gold = {p.id: len(named(p.roles)) > 1 for p in items}
    pred = {p.id: len(named(predicted.get(p.id, ()))) > 1 for p in items}
    tp = sum(gold[i] and pred[i] for i in gold)
    fp = sum(pred[i] and not gold[i] for i in gold)
    fn = sum(gold[i] and not pred[i] for i in gold)
    kept = [p for p in items if len(named(predicted.get(p.id, ()))) == 1]
    pure = sum(named(p.roles) == named(predicted.get(p.id, ())) for p in kept)
    return {
        "comments": len(items),
        "multi_gold": sum(gold.values()),
        "multi_precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "multi_recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "single_role_kept": len(kept),
        "single_role_pure": round(pure / len(kept), 4) if kept else None,
    }


def _print_audit(console: Any, as_json: bool) -> None:
    """Audited precision per skill, lowest first: what the report prints and what it withholds."""
    import json

    from rich.table import Table

    from skillpulse.reports.precision import AUDIT_PATH, PRECISION_BAR, load_audit

    audit = load_audit()
    rows = sorted(audit.values(), key=lambda a: (a.precision, a.skill))
    if as_json:
        out = [
            {
                "skill": a.skill,
                "correct": a.correct,
                "judged": a.judged,
                "precision": round(a.precision, 4),
                "round": a.round,
                "reported": a.reportable,
            }
            for a in rows
        ]
        typer.echo(json.dumps(out, indent=2))
        return
    table = Table(title=f"hand-judged precision per skill ({_shown(AUDIT_PATH)})")
    for col in ("skill", "right", "judged", "precision", "round", "in the report"):
        table.add_column(col, justify="left" if col == "skill" else "right")
    for a in rows:
        table.add_row(
            a.skill,
            str(a.correct),
            str(a.judged),
            f"{a.precision:.2f}",
            str(a.round),
            "yes" if a.reportable else f"[red]no (< {PRECISION_BAR})[/red]",
        )
    console.print(table)


def _print(console: Any, name: str, report: Any, extra: dict, errors: bool) -> None:
    from rich.markup import escape
    from rich.table import Table

    from skillpulse.extractors.evaluate import BAR_IDS, CLAIM_BAR, MACRO_MIN_SUPPORT

    label = "family" if name == "roles" else "skill"
    table = Table(title=f"{extra['title']}: {report.postings} postings")
    for col in (label, "precision", "recall", "F1", "support", "FP", "FN"):
        table.add_column(col, justify="left" if col == label else "right")
    for s in sorted(report.per_skill.values(), key=lambda s: (-s.support, s.skill)):
        mark = "[bold]" if name == "skills" and s.skill in BAR_IDS else ""
        low = name == "claim_skills" and min(s.precision, s.recall) < CLAIM_BAR
        table.add_row(
            f"{mark}{s.skill}" + (" [red]< bar[/red]" if low else ""),
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
            str(s.support),
            str(s.fp or ""),
            str(s.fn or ""),
        )
    console.print(table)
    micro = report.micro
    console.print(
        f"micro: P {micro.precision:.4f}  R {micro.recall:.4f}  F1 [bold]{micro.f1:.4f}[/bold]  "
        f"(tp {micro.tp}, fp {micro.fp}, fn {micro.fn});  "
        f"macro F1 over {len(report.macro_skills())} ids with >= {MACRO_MIN_SUPPORT} gold postings: "
        f"{report.macro_f1():.4f}"
    )
    if "by_source" in extra:
        console.print(
            "micro F1 by source: "
            + ", ".join(f"{k} {v['f1']:.3f} ({v['postings']})" for k, v in extra["by_source"].items())
        )
    if extra.get("multi_role"):
        m = extra["multi_role"]
        console.print(
            f"multi-role HN comments: {m['multi_gold']} of {m['comments']} labelled; flag precision "
            f"{m['multi_precision']}, recall {m['multi_recall']}; single-role comments kept: "
            f"{m['single_role_kept']}, of which labelled with exactly that role: {m['single_role_pure']}",
            markup=False,
            highlight=False,
        )
    console.print(f"bars: {extra['bars']}", markup=False, highlight=False)
    if errors:
        for kind, title in (("fp", "False positives"), ("fn", "False negatives")):
            errs = [e for e in report.errors if e.kind == kind]
            console.print(f"\n[bold]{title} ({len(errs)})[/bold]")
            for e in errs:
                console.print(f"  {e.posting}  [cyan]{e.skill}[/cyan]  {escape(e.context)}", highlight=False)
                if e.notes:
                    console.print(f"      gold note: {e.notes}", markup=False, highlight=False, style="dim")
    console.print()
