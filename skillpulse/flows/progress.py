"""Progress of long steps, shared by the CLI and the pipeline: visible on a terminal and off it.

On a terminal, a Rich bar (transient, so the final summary stays readable). Anywhere else (CI, a
scheduled run, a pipe, a log file) a bar draws nothing useful, so one plain line is printed every few
seconds instead: done / total, percent, rate and time left, then one line when the step ends. The
interval is ``$SKILLPULSE_PROGRESS_SECONDS`` (default 5; 0 prints on every update).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

console = Console(stderr=True)
DEFAULT_INTERVAL_S = 5.0


def _interval() -> float:
    try:
        return max(0.0, float(os.environ.get("SKILLPULSE_PROGRESS_SECONDS", DEFAULT_INTERVAL_S)))
    except ValueError:
        return DEFAULT_INTERVAL_S


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def progress_line(description: str, done: int, total: int | None, elapsed: float) -> str:
    """``extract skills: 1,500/42,629 (3.5 %) · 520/s · about 1 min 19 s left`` (no total: no percent)."""
    rate = done / elapsed if elapsed > 0 else 0.0
    parts = [f"{description}: {done:,}" + (f"/{total:,} ({100 * done / total:.1f} %)" if total else "")]
    parts.append(f"{rate:,.0f}/s")
    if total and rate > 0 and done < total:
        parts.append(f"about {_duration((total - done) / rate)} left")
    return " · ".join(parts)


class LineProgress:
    """Plain progress lines at most every ``interval`` seconds, for output that is not a terminal."""

    def __init__(self, description: str, total: int | None, interval: float, out: Console) -> None:
        self.description, self.total, self.interval, self.out = description, total, interval, out
        self.done = 0
        self.started = self.last = time.monotonic()

    def advance(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            self._print(progress_line(self.description, self.done, self.total, now - self.started))

    def finish(self) -> None:
        elapsed = time.monotonic() - self.started
        if not self.done:  # a step without counts (the report) or with nothing to do
            self._print(f"{self.description}: done in {_duration(elapsed)}")
            return
        rate = f" ({self.done / elapsed:,.0f}/s)" if elapsed > 0 else ""
        self._print(f"{self.description}: done, {self.done:,} in {_duration(elapsed)}{rate}")

    def _print(self, line: str) -> None:
        self.out.print(line, markup=False, highlight=False, soft_wrap=True)


@contextmanager
def progress_bar(description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``: a bar on a terminal, plain lines every few seconds anywhere else."""
    if not console.is_terminal:
        lines = LineProgress(description, total, _interval(), console)
        yield lines.advance
        lines.finish()
        return
    columns = [
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)
