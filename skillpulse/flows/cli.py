"""The ``skillpulse`` command. Heavy imports (Prefect, spaCy) happen inside commands, so ``--help`` is fast.

Commands beyond ``run`` and ``serve`` live one per module in ``flows/commands/``; each exposes
``register(app)`` and is picked up here, so adding a command is one file.
"""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from skillpulse.errors import UserError
from skillpulse.flows import commands
from skillpulse.flows.settings import (
    TAXONOMY_PATH,
    configure_prefect_env,
    default_db_path,
    default_reports_dir,
)

app = typer.Typer(
    help=(
        "skillpulse: test a career guide's claims about machine-learning engineers against real job "
        "postings.\n\nStart with `skillpulse run --offline`: it loads the bundled snapshot of real postings "
        "into a DuckDB file, finds skills, and writes a report under ./reports."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console()

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="DuckDB file to use (created if missing). Default: $SKILLPULSE_DB, else skillpulse.duckdb "
        "in the user's data dir ($SKILLPULSE_HOME overrides that dir).",
        show_default=False,
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="Directory for reports; each run writes <out>/<date>/ and points <out>/latest at it "
        "[default: reports/ in the data dir]",
        show_default=False,
    ),
]
OfflineOption = Annotated[
    bool,
    typer.Option(
        "--offline/--live",
        help="--offline uses only the bundled snapshot and stored data; --live also reads the live "
        "sources, skipping (and reporting) any that cannot be reached.",
    ),
]
LimitOption = Annotated[
    int | None,
    typer.Option(help="Read at most this many postings from each snapshot file: a quick trial run."),
]
TaxonomyOption = Annotated[Path, typer.Option("--taxonomy", help="Skills taxonomy YAML to extract with.")]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        help="Processes that extract and enrich in parallel [default: every core this process may use; "
        "1 runs everything in this process].",
        show_default=False,
    ),
]
ServeWorkersOption = Annotated[
    int,
    typer.Option(
        "--workers",
        min=1,
        help="Processes that extract and enrich in parallel in each scheduled run (default 1: a process "
        "pool in served runs can keep Ctrl-C waiting).",
    ),
]
DaskOption = Annotated[
    str | None,
    typer.Option(
        "--dask",
        envvar="SKILLPULSE_DASK_ADDRESS",
        help="Run extraction and enrichment batches on the Dask scheduler at this address "
        "(tcp://host:8786; needs `pip install 'skillpulse[dask]'` and skillpulse on every worker). "
        "The store stays on this machine.",
        show_default=False,
    ),
]


def _check_taxonomy(path: Path) -> None:
    from skillpulse.extractors.taxonomy import TaxonomyError, load_taxonomy

    try:
        load_taxonomy(path)
    except (TaxonomyError, OSError) as exc:
        # Printed here (not left to main()) so the refusal is the same under typer's test runner.
        lines = exc.problems if isinstance(exc, TaxonomyError) else [f"{path}: cannot be read ({exc})."]
        for line in lines:
            console.print(line, markup=False, highlight=False, soft_wrap=True)
        console.print(
            "The skills taxonomy cannot be used: fix the entries named above "
            "(`skillpulse taxonomy check` lists every problem), then re-run.",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(2) from exc


@app.command()
def run(
    db: DbOption = None,
    out: OutOption = None,
    offline: OfflineOption = False,
    limit: LimitOption = None,
    taxonomy: TaxonomyOption = TAXONOMY_PATH,
    workers: WorkersOption = None,
    dask: DaskOption = None,
) -> None:
    """Run the whole pipeline once (collect → extract → enrich → report) and print where the report is.

    Runs locally: a temporary Prefect server starts for the run (or the one $PREFECT_API_URL names is
    used), nothing to set up. Extraction and enrichment use every core (--workers) or a Dask cluster
    (--dask). The first run on the full snapshot takes a few minutes; later runs only process what changed.
    """
    _check_taxonomy(taxonomy)
    if not offline:  # refuse a bad sources file before anything starts
        commands.load_sources_or_exit(
            console,
            os.environ.get("SKILLPULSE_SOURCES"),
            "Fix the sources file, then re-run (or use --offline for the bundled snapshot only).",
        )
    from skillpulse.flows.io_files import check_output_dir
    from skillpulse.flows.store import Store

    db_path = db or default_db_path()
    started = time.perf_counter()
    out = out or default_reports_dir()
    where = f"store [bold]{escape(str(db_path))}[/bold], reports under [bold]{escape(str(out))}[/bold]"
    console.print(f"skillpulse: {where}", soft_wrap=True)
    check_output_dir(out)  # a file named like the reports folder is refused now, not after the pipeline
    # The store is held open for the whole pipeline, so a second run or collect is refused ("locked by
    # another skillpulse run (pid N)") instead of slipping in between this run's tasks; a store that cannot
    # be opened (locked, read-only, full, not a store) is refused before Prefect starts.
    with Store(db_path):
        configure_prefect_env()
        from skillpulse.flows.pipeline import pipeline
        from skillpulse.flows.runners import default_workers, make_task_runner, shared_prefect_server

        runner = make_task_runner(workers or default_workers(), dask)
        with shared_prefect_server():
            summary = pipeline.with_options(task_runner=runner)(
                db_path=str(db_path),
                out_dir=str(out),
                offline=offline,
                limit=limit,
                taxonomy_path=str(taxonomy),
            )
    _print_summary(summary, time.perf_counter() - started)


def _print_summary(summary: dict, seconds: float) -> None:
    table = Table(title="skillpulse run", show_header=True)
    for column in ("source", "new", "changed", "unchanged", "quarantined", "status"):
        table.add_column(column, justify="left" if column in ("source", "status") else "right")
    for c in summary["collected"]:
        table.add_row(
            c["source"],
            str(c["new"]),
            str(c["changed"]),
            str(c["unchanged"]),
            str(c["quarantined"]),
            Text(f"skipped: {c['error']}", style="red") if c.get("error") else "ok",
        )
    console.print(table)
    ex = summary["extracted"]
    carried = (
        f" · {ex['carried_over']} kept as they were (the taxonomy change cannot affect them)"
        if ex.get("carried_over")
        else ""
    )
    console.print(
        f"Postings read: [bold]{summary['postings_read']}[/bold] · newly extracted: "
        f"[bold]{ex['extracted']}[/bold] ({ex['mentions']} skill mentions){carried} · took {seconds:.0f} s"
    )
    stages = summary.get("seconds") or {}
    if stages:  # where the time went; the rest is Prefect starting its temporary server and the flow
        startup = max(0.0, seconds - sum(stages.values()))
        parts = [f"{name} {value:.0f} s" for name, value in {"Prefect start-up": startup, **stages}.items()]
        console.print("Time per stage: " + " · ".join(parts), markup=False, highlight=False, soft_wrap=True)
    console.print(f"Report: [bold green]{summary['report']}[/bold green]")


@app.command()
def serve(
    cron: Annotated[
        str, typer.Option(help="When to run, as a cron expression (default: daily at 06:00).")
    ] = ("0 6 * * *"),
    db: DbOption = None,
    out: OutOption = None,
    offline: OfflineOption = False,
    limit: LimitOption = None,
    port: Annotated[
        int, typer.Option(help="Loopback port for the Prefect server this command starts.")
    ] = 4200,
    name: Annotated[str, typer.Option(help="Deployment name shown in the Prefect UI.")] = "scheduled",
    workers: ServeWorkersOption = 1,
    dask: DaskOption = None,
) -> None:
    """Run the pipeline on a schedule: start a Prefect server on loopback (or reuse $PREFECT_API_URL)
    and serve the pipeline as a deployment with a cron schedule. Ctrl-C stops both.

    Open the printed UI address to watch runs. Scheduling needs a real server: the temporary one that
    `skillpulse run` uses schedules nothing.
    """
    from skillpulse.flows.runners import require_dask
    from skillpulse.flows.serve import serve_pipeline

    _check_taxonomy(TAXONOMY_PATH)
    if dask:
        require_dask(dask)  # refused now, not at every scheduled run
    # Each scheduled run loads the flow in a new process: the environment carries the runner choice.
    os.environ["SKILLPULSE_WORKERS"] = str(workers)
    if dask:
        os.environ["SKILLPULSE_DASK_ADDRESS"] = dask
    serve_pipeline(
        cron=cron,
        db_path=str(db or default_db_path()),
        out_dir=str((out or default_reports_dir()).resolve()),
        offline=offline,
        limit=limit,
        port=port,
        name=name,
        console=console,
    )


def _register_commands() -> None:
    for module in pkgutil.iter_modules(commands.__path__):
        importlib.import_module(f"{commands.__name__}.{module.name}").register(app)


_register_commands()


def main() -> None:
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    # One logger per module (logging.getLogger(__name__)); $SKILLPULSE_LOG_LEVEL=INFO shows every retry,
    # each source's counts and failures on stderr. Default: warnings only, so progress lines stay readable.
    logging.basicConfig(
        level=os.environ.get("SKILLPULSE_LOG_LEVEL", "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        try:
            app()  # usage errors: click's own message and exit 2
        except Exception as exc:  # DuckDB failing under a command (a disk that fills up mid-write)
            from skillpulse.flows.store_errors import duckdb_failure

            mapped = duckdb_failure(exc)
            if mapped is None:
                raise
            raise mapped from exc
    except UserError as exc:  # raised by any command: one line per problem, what to do, non-zero exit
        for problem in exc.problems:  # soft_wrap: one line each, however narrow the terminal (or none)
            console.print(problem, markup=False, highlight=False, soft_wrap=True)
        if exc.hint:
            console.print(exc.hint, markup=False, highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
