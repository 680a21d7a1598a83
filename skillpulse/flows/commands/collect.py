"""``skillpulse collect``: read the live job APIs named in sources.yaml into the store, incrementally."""

from __future__ import annotations

import sys
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperCommand

from skillpulse.flows.commands import load_sources_or_exit

if TYPE_CHECKING:
    from skillpulse.flows.sources.runner import LiveResult

console = Console()


def _since(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise typer.BadParameter(f"--since wants a date like 2026-01-31, not {value!r}") from exc


def _offline_line(name: str, base_url: str) -> str:
    where = urlsplit(base_url).netloc or "its pages"
    return f"[yellow]{name}[/yellow]: no network (cannot reach {where}); earlier data kept"


def collect(
    source: Annotated[
        list[str] | None,
        typer.Option("--source", "-s", help="Collect only this source (repeatable). Default: all enabled."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Skip postings published before this date (YYYY-MM-DD); HN reads from here."),
    ] = None,
    db: Annotated[
        Path | None, typer.Option("--db", help="DuckDB file (default: $SKILLPULSE_DB or the data dir).")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Sources file (default: the shipped sources.yaml).")
    ] = None,
    batch_size: Annotated[int | None, typer.Option(help="Postings per committed batch.")] = None,
) -> None:
    """Collect postings from the public job APIs (Greenhouse, Lever, Ashby, HN, ...) into the store.

    Only what changed is downloaded (ETag / Last-Modified) and written.
    New postings are inserted, changed ones versioned; postings gone from a fully fetched board are closed.
    A source that fails is reported and the others carry on; its earlier data stays.
    """
    from skillpulse.flows.progress import console as progress_console
    from skillpulse.flows.settings import default_db_path
    from skillpulse.flows.sources.runner import (
        build_source,
        enabled_sources,
        prefetch_all,
        runtime_for_run,
        skip_gone_boards,
    )
    from skillpulse.flows.store import Store

    settings = load_sources_or_exit(
        console, config, "Fix the sources file (the keys each source reads are in the README), then re-run."
    )
    names = list(source or enabled_sources(settings))
    unknown = [n for n in names if n not in _known()]
    if unknown:
        console.print(f"[red]Unknown source(s):[/red] {', '.join(unknown)}. Known: {', '.join(_known())}")
        raise typer.Exit(2)
    if not names:
        console.print("No source is enabled in the sources file; name one with --source.")
        raise typer.Exit(2)
    run_id = f"collect-{uuid.uuid4()}"
    results: list[LiveResult] = []
    interactive = progress_console.is_terminal
    with Store(db or default_db_path()) as store:
        store.start_run(run_id)
        runtime = runtime_for_run(run_id, settings.http)
        sources = [build_source(name, settings, runtime, since=_since(since)) for name in names]
        # Every source downloads at once (each under its own host's limits); the store writes them in turn.
        skip_gone_boards(store, sources)
        for live, items in zip(sources, prefetch_all(sources), strict=True):
            name = live.name
            result = _collect_one(store, live, run_id, batch_size or settings.batch_size, interactive, items)
            results.append(result)
            if result.offline:
                console.print(_offline_line(name, live.base_url), highlight=False, soft_wrap=True)
            else:
                for line in result.failed[:5] + ([result.error] if result.error else []):
                    console.print(f"{name}: {line}", markup=False, highlight=False, soft_wrap=True)
        summary = {"collected": [r.as_dict() for r in results]}
        store.finish_run(run_id, "completed", summary)
    console.print(_table(results))


def _collect_one(store, live, run_id: str, batch_size: int, interactive: bool, items=None) -> LiveResult:  # noqa: ANN001
    from skillpulse.flows.progress import progress_bar
    from skillpulse.flows.sources.runner import collect_source

    if interactive:
        with progress_bar(f"collect {live.name}") as advance:
            return collect_source(store, live, run_id, advance, batch_size=batch_size, items=items)
    done = {"n": 0}

    def log(n: int) -> None:  # no terminal (cron, CI, a pipe): one plain line per committed batch
        done["n"] += n
        print(f"collect {live.name}: {done['n']} postings committed", file=sys.stderr, flush=True)

    return collect_source(store, live, run_id, log, batch_size=batch_size, items=items)


def _known() -> list[str]:
    from skillpulse.flows.sources import LIVE_SOURCES

    return sorted(LIVE_SOURCES)


def _table(results: list[LiveResult]) -> Table:
    table = Table(title="skillpulse collect")
    for column in ("source", "fetched", "new", "changed", "closed", "quarantined", "failed"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for r in results:
        d = r.as_dict()
        failed = str(d["failed"]) if not r.offline else "offline"
        table.add_row(
            r.source,
            str(d["fetched"]),
            str(d["new"]),
            str(d["changed"]),
            str(d["closed"]),
            str(d["quarantined"]),
            f"[red]{failed}[/red]" if d["failed"] else "0",
        )
    return table


def sources_help() -> str:
    """Every registered source with its own sources.yaml keys, for ``collect --help`` (from the sources'
    Options dataclasses, so a new source appears here without an edit)."""
    from skillpulse.flows.sources import LIVE_SOURCES
    from skillpulse.flows.sources.options import summary

    lines = [
        "Sources (enable them in sources.yaml; each also takes enabled, base_url, concurrency, min_interval):"
    ]
    for name in sorted(LIVE_SOURCES):
        lines.append(f"{name}: {summary(LIVE_SOURCES[name].Options)}.")
    lines.append("Example: skillpulse collect --source greenhouse --source recruitee --since 2026-01-01")
    return "\n\n".join(lines)


class _SourcesEpilog(TyperCommand):
    """``collect --help`` ends with every source's keys; built when help is shown, not at start-up (it
    imports every source package: ~0.4 s that ``skillpulse --help`` and other commands need not pay)."""

    @property
    def epilog(self) -> str:
        return sources_help()

    @epilog.setter
    def epilog(self, value: str | None) -> None:
        pass  # click sets it in __init__; the text is always the sources'


def register(app: typer.Typer) -> None:
    app.command("collect", cls=_SourcesEpilog)(collect)
