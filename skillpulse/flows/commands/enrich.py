"""``skillpulse enrich``: enrich a JSONL file of postings, one output line per good input line.

Streams (constant memory, any file size); a bad line is reported with its line number and skipped, so
one broken record never costs the rest of the file. A file that cannot be read as text at all (see
:mod:`skillpulse.flows.io_files`) is refused before the output is opened, so a refusal never truncates
anything.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import Annotated

import typer

from skillpulse.flows.io_files import (
    check_input,
    check_output,
    count_records,
    json_line,
    numbered_lines,
    open_output,
    reports_refusals,
    write_failed,
)

MAX_REPORTED = 20


def register(app: typer.Typer) -> None:
    @app.command("enrich")
    @reports_refusals
    def enrich_command(
        input: Annotated[
            Path,
            typer.Option(
                "--input",
                help='JSONL postings, one per line: {"id", "text", "title"?, "company"?, "location"?, '
                '"source"?, "pay"?}; text may be HTML. "pay" is free text ("$120k-150k") or '
                '{"min", "max", "currency", "period": year|month|week|day|hour} (or a list of them). '
                "UTF-8 (or UTF-16/32 with a byte-order mark).",
            ),
        ],
        output: Annotated[
            Path,
            typer.Option(
                "--output",
                help='JSONL out, one line per good input line: {"id", "roles", "seniority", "salaries", '
                '"countries", "remote", "industry"}. Its folder is created if missing; the input is never '
                "overwritten.",
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
        source = check_input(input)
        count_records(source)  # refuses an empty or undecodable input before the output exists
        check_output(output, input)
        good = bad = 0
        fout = open_output(output)
        try:
            with progress_bar("Enriching", total=source.size) as advance:
                for lineno, line in numbered_lines(source, advance):
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
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
                            err.print(
                                f"{input}:{lineno}: skipped: {exc}",
                                style="yellow",
                                markup=False,
                                highlight=False,
                            )
                        continue
                    fout.write(json_line(result))
                    good += 1
            fout.close()
        except OSError as exc:
            raise write_failed(output, exc) from exc
        finally:
            if not fout.closed:
                with suppress(OSError):  # an error above is the one to report
                    fout.close()
        if bad > MAX_REPORTED:
            err.print(f"… and {bad - MAX_REPORTED} more bad lines", style="yellow")
        err.print(
            f"enriched {good} postings into {output}; {bad} bad lines skipped", markup=False, highlight=False
        )
