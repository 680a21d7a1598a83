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


@pytest.mark.parametrize(
    ("old", "new", "line", "needle"),
    [
        (
            "    months_back: 3",
            "    months_back: abc",
            8,
            "sources.hn.months_back: expected a whole number, got 'abc'",
        ),
        ("    pay_details: false", "    pay_details: maybe", 6, "expected true or false, got 'maybe'"),
        (
            "    boards: [anthropic]",
            "    boards: {a: 1}",
            5,
            "sources.greenhouse.boards: expected text or a list",
        ),
        ("  retries: 2", "  retries: 2.5", 2, "http.retries: expected a whole number, got 2.5"),
        (
            "  greenhouse:",
            "  greenhouse:\n    enabled: yes please",
            5,
            "sources.greenhouse.enabled: expected true",
        ),
        ("  hn:", "  hn:\n    min_interval: .inf", 8, "sources.hn.min_interval: expected a number"),
    ],
)
def test_a_value_of_the_wrong_type_is_named_with_its_line(tmp_path, old, new, line, needle):
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    (problem,) = info.value.problems
    assert problem.startswith(f"{path}:{line}: ") and needle in problem, problem


def test_options_reach_the_source_typed(tmp_path):
    from skillpulse.flows.http import Runtime
    from skillpulse.flows.sources import LIVE_SOURCES

    config = load_config(write(tmp_path, GOOD.replace("    boards: [anthropic]", "    boards: 1234")))
    with Runtime() as runtime:
        source = LIVE_SOURCES["greenhouse"](config.source("greenhouse"), runtime)
        hn = LIVE_SOURCES["hn"](config.source("hn"), runtime)
    assert source.options.boards == ["1234"] and source.options.pay_details is False  # one item, as text
    assert hn.options.months_back == 3 and hn.options.firebase is True  # the default


def test_option_types_in_words():
    from typing import Literal

    from skillpulse.flows.sources.options import OptionError, coerce, describe

    assert describe(Literal["v2", "v1"]) == "one of v2, v1" and coerce(Literal["v2", "v1"], "v1") == "v1"
    with pytest.raises(OptionError, match="expected one of v2, v1, got 'v3'"):
        coerce(Literal["v2", "v1"], "v3")
    assert coerce(str | bool | None, False) is False and coerce(str | bool | None, "off") == "off"
    assert coerce(dict[str, int], {"a": 1}) == {"a": 1}
    with pytest.raises(OptionError):
        coerce(int, True)  # YAML's yes is not a number
