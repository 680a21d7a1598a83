"""``skillpulse taxonomy check``: every problem in a skills taxonomy, with file, line and entry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from skillpulse.flows.settings import TAXONOMY_PATH

taxonomy_app = typer.Typer(help="Work with the skills taxonomy (skills_taxonomy.yaml).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(taxonomy_app, name="taxonomy")


@taxonomy_app.command("check")
def check(
    path: Annotated[Path, typer.Argument(help="Taxonomy YAML to check.")] = TAXONOMY_PATH,
) -> None:
    """Report every problem (unknown keys, duplicate ids, an alias claimed by two ids, a pattern that can
    never match, a broken regex) as ``file:line: entry 'id': problem``; exit 1 if there is any."""
    from skillpulse.extractors.taxonomy import check_taxonomy, load_taxonomy

    problems = check_taxonomy(path)
    for p in problems:
        typer.echo(str(p), err=False)
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {path}", err=True)
        raise typer.Exit(1)
    tax = load_taxonomy(path)
    langs = sorted({lang for s in tax.skills for lang in s.translations})
    n_examples = sum(len(s.examples_match) + len(s.examples_no_match) for s in tax.skills)
    typer.echo(
        f"{path}: OK - {len(tax.skills)} skills in {len({s.category for s in tax.skills})} categories, "
        f"{len(tax.groups)} roll-up groups, {n_examples} examples, translations: {', '.join(langs) or 'none'}"
    )
