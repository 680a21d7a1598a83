"""``skillpulse boards discover``: the ATS boards stored postings (and your files) link to, as a CSV."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

boards_app = typer.Typer(help="Find the job boards the market links to.", no_args_is_help=True)
console = Console()


def register(app: typer.Typer) -> None:
    app.add_typer(boards_app, name="boards")


@boards_app.command("discover")
def discover_command(
    db: Annotated[
        Path | None,
        typer.Option("--db", help="DuckDB store to read (default: $SKILLPULSE_DB or the data dir)."),
    ] = None,
    input: Annotated[
        list[Path] | None,
        typer.Option(
            "--input",
            help="Also scan this file (any text: HTML, CSV, JSONL, a list of links); repeatable. "
            "Its boards count as seen on the file's modification date.",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="CSV to write (default: boards.csv in the data dir).")
    ] = None,
) -> None:
    """Find ATS board identifiers (Greenhouse, Lever, Ashby, Workday, Recruitee, ...) in every stored
    posting's text and links, with first/last seen dates and the postings that named them.

    The CSV is yours to review and edit; a source can then collect the boards seen since a date.
    Example: skillpulse boards discover --out boards.csv
    """
    from skillpulse.errors import InputFileError
    from skillpulse.flows.settings import data_dir, default_db_path
    from skillpulse.flows.sources import LIVE_SOURCES
    from skillpulse.flows.sources.discovery import discover, stored_texts, write_boards
    from skillpulse.flows.store import Store

    db_path = db or default_db_path()
    items = []
    if db_path.exists():
        with Store(db_path) as store:
            items = list(stored_texts(store.con))
    for path in input or []:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise InputFileError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
        items.append((f"file:{path.name}", datetime.fromtimestamp(path.stat().st_mtime, tz=UTC), text))
    if not items:
        raise InputFileError(
            f"nothing to scan: no store at {db_path} and no --input file.",
            hint="Run `skillpulse run --offline` first (it loads the bundled snapshot) or give --input FILE.",
        )
    boards = discover(items)
    target = out or data_dir() / "boards.csv"
    write_boards(boards, target, set(LIVE_SOURCES))
    console.print(_summary(boards, set(LIVE_SOURCES)))
    console.print(
        f"{len(boards)} boards from {len(items)} postings and files written to {target}", markup=False
    )


def _summary(boards: dict, collectable: set[str]) -> Table:
    table = Table(title="boards found per ATS")
    for column in ("ats", "boards", "postings naming them", "collectable"):
        table.add_column(column, justify="left" if column in ("ats", "collectable") else "right")
    per_ats: dict[str, list] = {}
    for (ats, _), board in boards.items():
        per_ats.setdefault(ats, []).append(board)
    for ats, found in sorted(per_ats.items(), key=lambda kv: -len(kv[1])):
        naming = len(set().union(*(b.postings for b in found)))
        table.add_row(ats, str(len(found)), str(naming), "yes" if ats in collectable else "no source yet")
    return table
