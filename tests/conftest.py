"""Test-wide settings: every test runs against a temporary SKILLPULSE_HOME, never the user's data dir."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_SESSION_HOME = Path(tempfile.mkdtemp(prefix="skillpulse-test-home-"))
os.environ["SKILLPULSE_HOME"] = str(_SESSION_HOME)
os.environ.pop("SKILLPULSE_DB", None)
os.environ.pop("PREFECT_API_URL", None)

from skillpulse.flows.settings import configure_prefect_env  # noqa: E402

configure_prefect_env()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for the whole session (~17 s): only flow tests ask for it."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"
