"""Serve the pipeline on a cron schedule against a Prefect server on loopback.

``flow.serve`` schedules nothing on Prefect's temporary per-process server, so this starts a real one
(``prefect server start``) unless ``PREFECT_API_URL`` already names one, waits until it answers, and
stops it again on Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import httpx
from rich.console import Console

from skillpulse.flows.settings import configure_prefect_env

HEALTH_TIMEOUT_S = 120.0


def wait_healthy(
    api_url: str, timeout: float = HEALTH_TIMEOUT_S, proc: subprocess.Popen | None = None
) -> None:
    """Poll ``<api>/health`` until it answers 200; fail early if the server process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the Prefect server exited with code {proc.returncode} before it was healthy")
        try:
            if httpx.get(f"{api_url}/health", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"no healthy Prefect server at {api_url} after {timeout:.0f} s")


@contextmanager
def prefect_server(port: int, console: Console) -> Iterator[str]:
    """Reuse ``PREFECT_API_URL`` if set; else start a server on 127.0.0.1:port for the block's lifetime."""
    configure_prefect_env()
    existing = os.environ.get("PREFECT_API_URL")
    if existing:
        wait_healthy(existing, timeout=15)
        console.print(f"Using the Prefect server at {existing}")
        yield existing
        return
    api_url = f"http://127.0.0.1:{port}/api"
    console.print(f"Starting a Prefect server on 127.0.0.1:{port} …")
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # our Ctrl-C is handled here; the server is stopped explicitly below
    )
    try:
        wait_healthy(api_url, proc=proc)
        os.environ["PREFECT_API_URL"] = api_url
        console.print(f"Prefect UI: http://127.0.0.1:{port}")
        yield api_url
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve_pipeline(
    *,
    cron: str,
    db_path: str,
    out_dir: str,
    offline: bool,
    limit: int | None,
    port: int,
    name: str,
    console: Console,
) -> None:
    with prefect_server(port, console):
        from skillpulse.flows.pipeline import pipeline

        console.print(
            f"Serving deployment [bold]skillpulse-pipeline/{name}[/bold] on cron '{cron}'. Ctrl-C stops."
        )
        # Ctrl-C raises KeyboardInterrupt here, whatever the served loop is doing. Left to asyncio, the first
        # SIGINT only cancels the loop's main task, which Prefect's runner can outlive (it kept serving).
        signal.signal(signal.SIGINT, _interrupt)
        with suppress(KeyboardInterrupt):
            pipeline.serve(
                name=name,
                cron=cron,
                parameters={"db_path": db_path, "out_dir": out_dir, "offline": offline, "limit": limit},
                print_starting_message=False,
            )
        console.print("Stopped.")
