"""Fixtures for the live-source tests: a loopback server with every API, a config, a store."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from loopback_server import LoopbackServer, http_settings, install_job_apis, source_settings  # noqa: E402

from skillpulse.flows.sources.config import CollectConfig, parse_config  # noqa: E402
from skillpulse.flows.store import Store  # noqa: E402


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as s:
        install_job_apis(s)
        yield s


@pytest.fixture
def make_config(server: LoopbackServer, tmp_path: Path):
    def make(**http_overrides) -> CollectConfig:
        return parse_config(
            {
                "http": http_settings(tmp_path / "http_cache.sqlite", **http_overrides),
                "sources": source_settings(server),
                "batch_size": 50,
            }
        )

    return make


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "test.duckdb") as s:
        yield s


@pytest.fixture
def write_config(server: LoopbackServer, tmp_path: Path):
    """Write a sources.yaml pointing at the loopback server; returns its path."""
    import yaml

    def write(sources: dict | None = None, **http_overrides) -> Path:
        path = tmp_path / "sources.yaml"
        data = {
            "http": http_settings(tmp_path / "http_cache.sqlite", **http_overrides),
            "sources": sources if sources is not None else source_settings(server),
            "batch_size": 50,
        }
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        return path

    return write
