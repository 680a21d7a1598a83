"""``skillpulse enrich``: enrich a JSONL file of postings, one output line per good input line.

Streams (constant memory, any file size); a bad line is reported with its line number and skipped, so
one broken record never costs the rest of the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

MAX_REPORTED = 20


def register(app: typer.Typer) -> None:
    @app.command("enrich")
    def enrich_command(
        input: Annotated[
            Path,
            typer.Option(
                "--input",
                help='JSONL postings, one per line: {"id", "text", "title"?, "company"?, "location"?, '
                '"source"?, "pay"?}; text may be HTML. "pay" is free text ("$120k-150k") or '
                '{"min", "max", "currency", "period": year|month|week|day|hour} (or a list of them).',
                exists=True,
                dir_okay=False,
                readable=True,
            ),
        ],
        output: Annotated[
            Path,
            typer.Option(
                "--output",
                help='JSONL out, one line per good input line: {"id", "roles", "seniority", "salaries", '
                '"countries", "remote", "industry"}.',
            ),
        ],
    ) -> None:
        """Find role families, seniority, salaries (in USD too), countries, remote mode and industry for
        each posting in a JSONL file."""
        import json

        from rich.console import Console

        from skillpulse.extractors.enrich import enrich_record
        from skillpulse.flows.progress import progress_bar

        err = Console(stderr=True, soft_wrap=True)
        good = bad = 0
        size = input.stat().st_size
        output.parent.mkdir(parents=True, exist_ok=True)
        with (
            open(input, "rb") as fin,
            open(output, "w", encoding="utf-8") as fout,
            progress_bar("Enriching", total=size) as advance,
        ):
            for lineno, raw in enumerate(fin, 1):
                advance(len(raw))
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw)
                    if not isinstance(record, dict):
                        raise ValueError("not a JSON object")
                    if "id" not in record:
                        raise ValueError('no "id"')
                    if not isinstance(record.get("text", ""), str | type(None)):
                        raise ValueError('"text" is not a string')
                    result = enrich_record(record)
                except (ValueError, TypeError) as exc:  # JSONDecodeError is a ValueError
                    bad += 1
                    if bad <= MAX_REPORTED:
                        err.print(f"[yellow]{input}:{lineno}: skipped: {exc}[/yellow]")
                    continue
                fout.write(json.dumps(result, ensure_ascii=False) + "\n")
                good += 1
        if bad > MAX_REPORTED:
            err.print(f"[yellow]… and {bad - MAX_REPORTED} more bad lines[/yellow]")
        err.print(f"enriched {good} postings into {output}; {bad} bad lines skipped")
