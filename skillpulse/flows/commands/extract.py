"""``skillpulse extract``: skills of each posting in a JSONL or CSV file, streamed to JSONL.

Streams: records are read, extracted and written a chunk at a time, so memory does not grow with the
input. A bad line is reported (with its line number) on stderr and skipped; the run goes on.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, TextIO

import typer

from skillpulse.flows.settings import TAXONOMY_PATH


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)


class InputError(Exception):
    """The input cannot be read at all (missing column, unknown format)."""


def _lines(fh: TextIO, progress) -> Iterator[str]:
    for line in fh:
        progress(len(line.encode("utf-8", "replace")))
        yield line


def read_jsonl(fh: TextIO, text_key: str, id_key: str, warn, progress) -> Iterator[tuple[str, str]]:
    import json

    for lineno, line in enumerate(_lines(fh, progress), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            warn(f"line {lineno}: not valid JSON ({exc.msg} at column {exc.colno}); skipped")
            continue
        if not isinstance(row, dict) or not isinstance(row.get(text_key), str):
            warn(f"line {lineno}: no string field '{text_key}'; skipped")
            continue
        yield str(row.get(id_key, lineno)), row[text_key]


def read_csv(fh: TextIO, text_col: str, id_col: str, warn, progress) -> Iterator[tuple[str, str]]:
    import csv

    csv.field_size_limit(sys.maxsize)
    reader = csv.DictReader(_lines(fh, progress))
    columns = reader.fieldnames or []
    if text_col not in columns:
        raise InputError(
            f"no column '{text_col}' (columns: {', '.join(columns) or 'none'}); use --text-column"
        )
    has_id = id_col in columns
    for n, row in enumerate(reader, 1):
        if row.get(text_col) is None:
            warn(f"row {n} (line {reader.line_num}): too few fields; skipped")
            continue
        yield (row[id_col] if has_id else str(n)), row[text_col]


def extract(
    input: Annotated[Path, typer.Option("--input", "-i", help="Postings: JSONL ({id, text}) or CSV.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output JSONL ('-' for stdout).")],
    text_column: Annotated[str, typer.Option(help="Field/column holding the text (HTML is fine).")] = "text",
    id_column: Annotated[
        str, typer.Option(help="Field/column holding the id (default: line/row number).")
    ] = "id",
    fmt: Annotated[
        str, typer.Option("--format", help="jsonl, csv or auto (by the file extension).")
    ] = "auto",
    taxonomy: Annotated[Path, typer.Option("--taxonomy", help="Skills taxonomy YAML.")] = TAXONOMY_PATH,
    batch_size: Annotated[int, typer.Option(help="Texts per spaCy batch.")] = 64,
    n_process: Annotated[int, typer.Option(help="Worker processes (worth it from ~10,000 postings).")] = 1,
) -> None:
    """Find skills in every posting; write {"id", "skills": [sorted ids], "mentions": [...]} per line."""
    import json

    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from skillpulse.extractors.html import to_text
    from skillpulse.extractors.skills import SkillExtractor
    from skillpulse.extractors.taxonomy import TaxonomyError

    err = Console(stderr=True, soft_wrap=True)
    if not input.exists():
        err.print(f"[red]No input file {input}[/red]")
        raise typer.Exit(2)
    kind = fmt if fmt != "auto" else ("csv" if input.suffix.lower() in (".csv", ".tsv") else "jsonl")
    if kind not in ("csv", "jsonl"):
        err.print(f"[red]Unknown --format {fmt!r}: use jsonl, csv or auto[/red]")
        raise typer.Exit(2)
    try:
        extractor = SkillExtractor(taxonomy)
    except TaxonomyError as exc:
        err.print(f"[red]The skills taxonomy cannot be used:[/red] {exc}")
        raise typer.Exit(2) from exc

    warnings = 0

    def warn(msg: str) -> None:
        nonlocal warnings
        warnings += 1
        err.print(f"[yellow]{input}: {msg}[/yellow]", highlight=False)

    written = 0
    progress = Progress(
        TextColumn("extracting"), BarColumn(), DownloadColumn(), TimeRemainingColumn(), console=err
    )
    out = sys.stdout if str(output) == "-" else output.open("w", encoding="utf-8")
    try:
        with progress, input.open(encoding="utf-8", newline="" if kind == "csv" else None) as fh:
            task = progress.add_task("extract", total=input.stat().st_size)
            advance = lambda n: progress.advance(task, n)  # noqa: E731
            reader = read_csv if kind == "csv" else read_jsonl
            records = reader(fh, text_column, id_column, warn, advance)
            pending: deque[str] = deque()

            def texts() -> Iterator[str]:
                for rid, text in records:
                    pending.append(rid)
                    yield to_text(text)

            for mentions in extractor.extract_many(texts(), batch_size=batch_size, n_process=n_process):
                rid = pending.popleft()
                row = {
                    "id": rid,
                    "skills": sorted({m.skill for m in mentions}),
                    "mentions": [
                        {"skill": m.skill, "start": m.start, "end": m.end, "text": m.text} for m in mentions
                    ],
                }
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                written += 1
    except InputError as exc:
        err.print(f"[red]{input}: {exc}[/red]")
        raise typer.Exit(2) from exc
    finally:
        if out is not sys.stdout:
            out.close()
    err.print(
        f"{written} postings written to {output}" + (f"; {warnings} line(s) skipped" if warnings else "")
    )
