"""One module per CLI command beyond run/serve; each defines ``register(app: typer.Typer)``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from skillpulse.flows.sources.config import CollectConfig


def load_sources_or_exit(console: Console, path: Path | str | None, hint: str) -> CollectConfig:
    """The sources file, or one line per problem (file:line), the hint, and exit 2: what every command
    that reads ``sources.yaml`` does with a bad one. Lines are printed as written (no Rich markup, no
    wrapping at the terminal's width), so each problem stays one line a user can search for."""
    from skillpulse.flows.sources.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        for problem in exc.problems:
            console.print(problem, markup=False, highlight=False, soft_wrap=True)
        console.print(hint, markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from exc
