"""``skillpulse extract``: skills of each posting in a JSONL or CSV file, streamed to JSONL.

Streams: records are read, extracted and written a chunk at a time, so memory does not grow with the
input. A bad line is reported (with its line number) on stderr and skipped; the run goes on. A file that
cannot be read as text at all (see :mod:`skillpulse.flows.io_files`) is refused before the output is
opened, so a refusal never truncates anything.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Annotated

import typer

from skillpulse.errors import InputFileError
from skillpulse.flows.io_files import (
    TextInput,
    check_input,
    check_output,
    count_records,
    describe_json,
    json_line,
    numbered_lines,
    open_output,
    reports_refusals,
    without_lone_surrogates,
    write_failed,
)
from skillpulse.flows.settings import TAXONOMY_PATH

Lines = Iterable[tuple[int, str]]  # (line number, text) from io_files.numbered_lines


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)


InputError = InputFileError  # the name this module used before the shared refusals


def read_jsonl(
    lines: Lines, text_key: str, id_key: str, warn: Callable[[str], None]
) -> Iterator[tuple[str, str]]:
    import json

    for lineno, line in lines:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            warn(f"line {lineno}: not valid JSON ({exc.msg} at column {exc.colno}); skipped")
            continue
        if not isinstance(row, dict):
            warn(f"line {lineno}: not a JSON object ({describe_json(row)}); skipped")
            continue
        if not isinstance(row.get(text_key), str):
            warn(f"line {lineno}: no string field '{text_key}'; skipped")
            continue
        yield str(row.get(id_key, lineno)), row[text_key]


def read_csv(
    lines: Lines, text_col: str, id_col: str, warn: Callable[[str], None], source: Path
) -> Iterator[tuple[str, str]]:
    import csv

    csv.field_size_limit(sys.maxsize)
    reader = csv.DictReader(line for _, line in lines)
    columns = reader.fieldnames or []
    _require_column(source, columns, text_col)
    has_id = id_col in columns
    for n, row in enumerate(reader, 1):
        if row.get(text_col) is None:
            warn(f"row {n} (line {reader.line_num}): too few fields; skipped")
            continue
        yield (row[id_col] if has_id else str(n)), row[text_col]


def _require_column(source: Path, columns: list[str], text_col: str) -> None:
    if text_col not in columns:
        raise InputFileError(
            f"{source}: no column '{text_col}' (columns: {', '.join(columns) or 'none'}); use --text-column",
            hint="Name the column that holds the posting text with --text-column.",
        )


def csv_header(source: TextInput) -> list[str]:
    """The CSV's column names (its first record), read before the output is opened."""
    import csv

    csv.field_size_limit(sys.maxsize)
    return next(csv.reader(line for _, line in numbered_lines(source)), [])


@reports_refusals
def extract(
    input: Annotated[Path, typer.Option("--input", "-i", help="Postings: JSONL ({id, text}) or CSV.")],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Output JSONL ('-' for stdout). Its folder is created if missing; the input is never "
            "overwritten.",
        ),
    ],
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
    """Find skills in every posting; write {"id", "skills": [sorted ids], "mentions": [...]} per line.

    Input: UTF-8 (a byte-order mark is fine) or UTF-16/32 with a byte-order mark; other bytes are refused
    with their line number before anything is written."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from skillpulse.extractors.html import to_text
    from skillpulse.extractors.skills import SkillExtractor
    from skillpulse.extractors.taxonomy import TaxonomyError

    err = Console(stderr=True, soft_wrap=True)
    kind = fmt if fmt != "auto" else ("csv" if input.suffix.lower() in (".csv", ".tsv") else "jsonl")
    if kind not in ("csv", "jsonl"):
        raise InputFileError(f"--format {fmt!r}: unknown", hint="Use --format jsonl, csv or auto.")
    source = check_input(input)
    count_records(source)  # refuses an empty or undecodable input before the output exists
    if kind == "csv":
        _require_column(input, csv_header(source), text_column)
    check_output(output, input)
    try:
        extractor = SkillExtractor(taxonomy)
    except TaxonomyError as exc:
        err.print(f"[red]The skills taxonomy cannot be used:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc

    warnings = 0

    def warn(msg: str) -> None:
        nonlocal warnings
        warnings += 1
        err.print(f"{input}: {msg}", style="yellow", markup=False, highlight=False)

    written = 0
    progress = Progress(
        TextColumn("extracting"), BarColumn(), DownloadColumn(), TimeRemainingColumn(), console=err
    )
    out = sys.stdout if str(output) == "-" else open_output(output)
    encoding = getattr(out, "encoding", None)
    try:
        with progress:
            task = progress.add_task("extract", total=source.size)
            lines = numbered_lines(source, lambda n: progress.advance(task, n))
            if kind == "csv":
                records = read_csv(lines, text_column, id_column, warn, input)
            else:
                records = read_jsonl(lines, text_column, id_column, warn)
            pending: deque[str] = deque()

            def texts() -> Iterator[str]:
                for rid, text in records:
                    pending.append(rid)
                    yield without_lone_surrogates(to_text(text))

            for mentions in extractor.extract_many(texts(), batch_size=batch_size, n_process=n_process):
                rid = pending.popleft()
                row = {
                    "id": rid,
                    "skills": sorted({m.skill for m in mentions}),
                    "mentions": [
                        {"skill": m.skill, "start": m.start, "end": m.end, "text": m.text} for m in mentions
                    ],
                }
                out.write(json_line(row, encoding))
                written += 1
        out.flush()
        if out is not sys.stdout:
            out.close()
    except OSError as exc:
        raise write_failed(output, exc) from exc
    finally:
        if out is not sys.stdout and not out.closed:
            with suppress(OSError):  # an error above is the one to report
                out.close()
    err.print(
        f"{written} postings written to {output}" + (f"; {warnings} line(s) skipped" if warnings else ""),
        markup=False,
        highlight=False,
    )
