"""sources.yaml: a key nothing reads is refused with its file and line, before anything is fetched."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from skillpulse.flows.sources.config import DEFAULT_CONFIG_PATH, ConfigError, check_config, load_config

GOOD = """\
http:
  retries: 2
sources:
  greenhouse:
    boards: [anthropic]
    pay_details: false
  hn:
    months_back: 3
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_sources_file_has_no_unknown_key():
    assert check_config(DEFAULT_CONFIG_PATH, DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")) == []


def test_a_good_file_loads(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    assert config.source("greenhouse").as_list("boards") == ["anthropic"]


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        (
            GOOD.replace("    boards:", "    bords:"),
            5,
            "sources.greenhouse: unknown key 'bords' — did you mean 'boards'?",
        ),
        (GOOD.replace("  hn:", "  hackernews:"), 7, "sources: unknown key 'hackernews'"),
        (
            GOOD.replace("  retries: 2", "  retrys: 2"),
            2,
            "http: unknown key 'retrys' — did you mean 'retries'?",
        ),
        (GOOD + "batchsize: 10\n", 9, "top level: unknown key 'batchsize' — did you mean 'batch_size'?"),
        (GOOD.replace("    months_back: 3", "    months_back: [3"), 9, "not valid YAML"),
    ],
)
def test_each_unknown_key_is_named_with_its_line(tmp_path, text, line, needle):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    (problem,) = info.value.problems
    assert problem.startswith(f"{path}:{line}: ") and needle in problem, problem


def test_collect_refuses_a_typo_in_one_line_per_problem_and_exit_2(tmp_path):
    path = write(tmp_path, GOOD.replace("    boards:", "    bords:").replace("  retries: 2", "  retrys: 2"))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "skillpulse.flows.cli",
            "collect",
            "--config",
            str(path),
            "--db",
            str(tmp_path / "x.duckdb"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert f"{path}:5:" in done.stdout and f"{path}:2:" in done.stdout
    assert not (tmp_path / "x.duckdb").exists()  # refused before anything was opened or fetched
