"""``skillpulse eval``: score the skill extractor against a labelled gold set and show every error."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.settings import TAXONOMY_PATH


def register(app: typer.Typer) -> None:
    app.command("eval")(evaluate)


def evaluate(
    gold: Annotated[
        Path, typer.Option("--gold", help="Gold JSONL: id, text (HTML or plain), skills, notes.")
    ],
    taxonomy: Annotated[
        Path, typer.Option("--taxonomy", help="Skills taxonomy YAML to evaluate.")
    ] = TAXONOMY_PATH,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")] = False,
    errors: Annotated[
        bool, typer.Option("--errors/--no-errors", help="List false positives/negatives.")
    ] = True,
    skill: Annotated[
        list[str] | None,
        typer.Option("--skill", help="Score only these ids (repeatable). Default: the guideline ids."),
    ] = None,
) -> None:
    """Per-skill precision, recall, F1 and support; micro and macro (ids with >= 3 gold postings); then each
    false positive with its context and each false negative with a hint why it was missed."""
    import json

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from extractors.evaluate import BAR_IDS, GUIDELINE_IDS, MACRO_MIN_SUPPORT, Prediction, load_gold, score
    from extractors.html import to_text
    from extractors.skills import SkillExtractor
    from extractors.taxonomy import TaxonomyError

    console = Console()
    if not gold.exists():
        console.print(f"[red]No gold file at {gold}[/red]")
        raise typer.Exit(2)
    try:
        extractor = SkillExtractor(taxonomy)
    except TaxonomyError as exc:
        console.print(f"[red]The skills taxonomy cannot be used:[/red] {exc}")
        raise typer.Exit(2) from exc
    postings = load_gold(str(gold))
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
    ids = set(skill) if skill else set(GUIDELINE_IDS) | {s for g in postings for s in g.skills}
    report = score(postings, predictions, ids, hints)

    if as_json:
        out = report.as_dict()
        out["taxonomy_version"] = extractor.taxonomy.version
        if not errors:
            out.pop("errors")
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return

    table = Table(title=f"skill extraction vs {gold.name} ({report.postings} postings)")
    for col in ("skill", "precision", "recall", "F1", "support", "FP", "FN"):
        table.add_column(col, justify="left" if col == "skill" else "right")
    for s in sorted(report.per_skill.values(), key=lambda s: (-s.support, s.skill)):
        mark = "[bold]" if s.skill in BAR_IDS else ""
        table.add_row(
            f"{mark}{s.skill}",
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
        f"(tp {micro.tp}, fp {micro.fp}, fn {micro.fn})"
    )
    console.print(
        f"macro F1 over {len(report.macro_skills())} ids with >= {MACRO_MIN_SUPPORT} gold postings: "
        f"[bold]{report.macro_f1():.4f}[/bold]"
    )
    if errors:
        for kind, title in (("fp", "False positives"), ("fn", "False negatives")):
            errs = [e for e in report.errors if e.kind == kind]
            console.print(f"\n[bold]{title} ({len(errs)})[/bold]")
            for e in errs:
                console.print(f"  {e.posting}  [cyan]{e.skill}[/cyan]  {escape(e.context)}", highlight=False)
                if e.notes:
                    console.print(f"      gold note: {e.notes}", markup=False, highlight=False, style="dim")
