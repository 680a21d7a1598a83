"""Where extraction and enrichment batches run: this machine's cores, or a Dask cluster.

The steps (``flows.steps``) read batches from the store and write results back in one process; the pure
work in between is a Prefect task per batch, so the flow's task runner decides where it happens:

* ``workers=1``: one thread, in this process (tests, small stores, machines with one core);
* ``workers=N``: Prefect's ``ProcessPoolTaskRunner``, one process per core (spaCy tokenisation and the
  enrichment regexes hold the GIL, so threads would not help);
* ``dask_address="tcp://host:8786"``: ``prefect-dask``'s ``DaskTaskRunner`` against that scheduler, for
  users who outgrow one machine. Workers need skillpulse installed at the same version; a worker with
  other code is refused by the batch itself (its extractor or enricher version differs from the run's).

Batches are submitted through a window of a few per worker and written in submission order, so memory
holds a handful of batches whatever the store's size, and the output is the same on every runner.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from skillpulse.errors import UserError

T = TypeVar("T")
BATCHES_PER_WORKER = 2  # in flight per worker: one running, one waiting, so no worker idles between them


def default_workers() -> int:
    """Every core this process may use (its CPU affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def require_dask(dask_address: str) -> None:
    """Refuse ``--dask`` in one line when the Dask runner is not installed. Nothing is imported: Prefect
    reads its settings once, when first imported, and ``serve`` names its server only afterwards."""
    import importlib.util

    missing = [name for name in ("prefect_dask", "distributed") if importlib.util.find_spec(name) is None]
    if missing:
        raise UserError(
            [f"--dask {dask_address}: the Dask task runner is not installed ({', '.join(missing)} missing)."],
            hint="Install it with `pip install 'skillpulse[dask]'` (prefect-dask and distributed).",
        )


def make_task_runner(workers: int = 1, dask_address: str | None = None) -> Any:
    """The task runner for ``workers`` local processes, or for the Dask scheduler at ``dask_address``."""
    if dask_address:
        require_dask(dask_address)
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=dask_address)
    if workers <= 1:
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=1)
    from prefect.task_runners import ProcessPoolTaskRunner

    return ProcessPoolTaskRunner(max_workers=workers)


def task_runner_from_env() -> Any:
    """The flow's default runner: ``$SKILLPULSE_WORKERS`` processes (default 1, one thread) or the Dask
    scheduler at ``$SKILLPULSE_DASK_ADDRESS``. ``serve`` sets them, because the runs it starts load the
    flow afresh in another process, where only the environment carries the choice over."""
    try:
        workers = max(1, int(os.environ.get("SKILLPULSE_WORKERS", "1")))
    except ValueError:
        workers = 1
    return make_task_runner(workers, os.environ.get("SKILLPULSE_DASK_ADDRESS") or None)


def runner_workers(runner: Any) -> int:
    """How many batches the runner can work on at once (a Dask cluster: its current worker threads)."""
    workers = getattr(runner, "_max_workers", None) or getattr(runner, "max_workers", None)
    if workers:
        return int(workers)
    client = getattr(runner, "_client", None)
    if client is not None:
        try:
            return max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
        except Exception:  # noqa: BLE001 - a window of 2 is still correct, only slower
            return 1
    return 1


def submit_in_window(submit: Callable[[T], Any], batches: Iterable[T], window: int) -> Iterator[Any]:
    """Submit ``batches`` lazily with at most ``window`` in flight; yield results in submission order.

    ``submit`` returns a Prefect future; a batch that fails after its retries raises here, and the
    batches already written stay written (a re-run resumes after them).
    """
    in_flight: deque[Any] = deque()
    for batch in batches:
        in_flight.append(submit(batch))
        if len(in_flight) >= window:
            yield in_flight.popleft().result()
    while in_flight:
        yield in_flight.popleft().result()


@contextmanager
def shared_prefect_server() -> Iterator[str | None]:
    """Make sure worker processes talk to the same Prefect server as this one.

    ``$PREFECT_API_URL`` (a running ``prefect server start``, Prefect Cloud) is used as it is. Otherwise
    this starts the temporary server Prefect would start on its own, and names it in the environment,
    because a worker process that finds no ``PREFECT_API_URL`` starts a temporary server of its own
    (several seconds each). The server stops when the block ends, after the log lines are sent.
    """
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"]
        return
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    server = SubprocessASGIServer()
    server.start(timeout=int(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")))
    os.environ["PREFECT_API_URL"] = server.api_url  # for the worker processes
    try:
        # and for this one: Prefect read its settings when first imported, before the server existed
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield server.api_url
    finally:
        try:
            from prefect.logging.handlers import APILogWorker

            APILogWorker.drain_all(timeout=5)  # send the run's log lines while the server still listens
        finally:
            os.environ.pop("PREFECT_API_URL", None)
            server.stop()
