"""Hostile configuration files through the ``skillpulse`` command (issue 14, part *config*).

Each case runs the real command in a child process (``python -m skillpulse.flows.cli``, the same ``main``
the installed script runs) with a deadline: it must exit non-zero, print no traceback, and name the file
with its line on one line per problem. The taxonomy is reached with ``taxonomy check FILE``,
``run --offline --taxonomy FILE`` and ``extract --taxonomy FILE``; the sources file with
``collect --config FILE`` and ``$SKILLPULSE_SOURCES``. Roles and claims cannot be pointed elsewhere from
the command line; their loaders are tested directly in ``test_hostile_config.py``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_hostile_config import SOURCES, TAXONOMY, laughs

TIMEOUT = 120


def skillpulse(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, "-m", "skillpulse.flows.cli", *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env={**os.environ, "OPENBLAS_NUM_THREADS": "1", **(env or {})},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"skillpulse {' '.join(args)} hung for {TIMEOUT} s")


def assert_refused(
    done: subprocess.CompletedProcess[str], path: Path, line: int | None, *needles: str
) -> None:
    """Non-zero exit, no traceback, and the problem on one line beginning ``file:line: ``."""
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert "Traceback" not in out, out
    where = re.escape(str(path)) + (rf":{line}: " if line is not None else r":(\d+:)? ")
    hits = [ln for ln in out.splitlines() if re.search(where, ln)]
    assert hits, out
    text = " ".join(hits).lower()
    for needle in needles:
        assert needle.lower() in text, (needle, out)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the taxonomy

TAXONOMY_CASES = {
    # name: (content, line, needle)
    "syntax": (TAXONOMY.replace("aliases: [python, py3]", "aliases: [python, py3"), None, "not valid YAML"),
    "python-tag": (
        TAXONOMY.replace("aliases: [python, py3]", "aliases: !!python/object/apply:os.getpid []"),
        6,
        "python/object",
    ),
    "bomb": (TAXONOMY.replace("aliases: [python, py3]", f"aliases: {laughs()}"), None, "alias"),
    "wrong-type": (TAXONOMY.replace("parents: [programming]", "parents: 5"), 7, "parents"),
    "unknown-key": (TAXONOMY.replace("parents: [programming]", "parentz: [programming]"), 7, "parentz"),
    "empty": ("", None, "empty"),
    "not-utf8": (TAXONOMY.encode().replace(b"name: Python", b"name: Pyth\xf6n"), 4, "UTF-8"),
    "catastrophic-regex": (
        TAXONOMY.replace("aliases: [python, py3]", "aliases: [python]\n    patterns: ['(a+)+$']"),
        7,
        "backtrack",
    ),
}


@pytest.mark.parametrize("case", list(TAXONOMY_CASES))
def test_taxonomy_check_names_the_line(case, tmp_path):
    content, line, needle = TAXONOMY_CASES[case]
    path = write(tmp_path, "skills_taxonomy.yaml", content)
    assert_refused(skillpulse("taxonomy", "check", str(path)), path, line, needle)


def test_taxonomy_check_of_a_directory(tmp_path):
    path = tmp_path / "skills_taxonomy.yaml"
    path.mkdir()
    assert_refused(skillpulse("taxonomy", "check", str(path)), path, None, "directory")


def run_offline(tmp_path: Path, taxonomy: Path) -> subprocess.CompletedProcess[str]:
    db = tmp_path / "x.duckdb"
    return skillpulse(
        "run", "--offline", "--limit", "1", "--db", str(db), "--out", str(tmp_path / "r"),
        "--taxonomy", str(taxonomy),
    )  # fmt: skip


@pytest.mark.parametrize("case", ["bomb", "wrong-type", "python-tag", "catastrophic-regex"])
def test_run_offline_refuses_a_hostile_taxonomy_before_any_work(case, tmp_path):
    """Exit 2 before the store is opened, no traceback, the problem named (``run`` prints it through
    cli.py, which wraps long lines: see the next test)."""
    content, line, needle = TAXONOMY_CASES[case]
    path = write(tmp_path, "skills_taxonomy.yaml", content)
    done = run_offline(tmp_path, path)
    out = done.stdout + done.stderr
    assert done.returncode == 2 and "Traceback" not in out, out
    assert needle.lower() in " ".join(out.split()).lower(), out
    assert not (tmp_path / "x.duckdb").exists()


@pytest.mark.parametrize("case", ["wrong-type", "markup"])
def test_run_offline_prints_each_taxonomy_problem_on_one_line(case, tmp_path):
    if case == "markup":
        content, line, needle = TAXONOMY.replace("parents: [programming]", "'[/]': 1"), 7, "unknown key '[/]'"
    else:
        content, line, needle = TAXONOMY_CASES[case]
    path = write(tmp_path, "skills_taxonomy.yaml", content)
    assert_refused(run_offline(tmp_path, path), path, line, needle)


def test_extract_prints_a_taxonomy_key_with_markup_literally(tmp_path):
    """Guard: extract.py escapes the message (a change of the cli part); a key '[/]' is printed as is."""
    path = write(tmp_path, "skills_taxonomy.yaml", TAXONOMY.replace("parents: [programming]", "'[/]': 1"))
    postings = write(tmp_path, "in.jsonl", '{"id": "1", "text": "Python"}\n')
    done = skillpulse(
        "extract", "-i", str(postings), "-o", str(tmp_path / "o.jsonl"), "--taxonomy", str(path)
    )
    assert_refused(done, path, 7, "unknown key '[/]'")


@pytest.mark.parametrize("case", ["wrong-type", "bomb"])
def test_extract_refuses_a_hostile_taxonomy(case, tmp_path):
    content, line, needle = TAXONOMY_CASES[case]
    path = write(tmp_path, "skills_taxonomy.yaml", content)
    postings = write(tmp_path, "in.jsonl", '{"id": "1", "text": "Python and Go"}\n')
    out = tmp_path / "out.jsonl"
    done = skillpulse("extract", "-i", str(postings), "-o", str(out), "--taxonomy", str(path))
    assert_refused(done, path, line, needle)
    assert not out.exists()


# --------------------------------------------------------------------------- the sources file

SOURCES_CASES = {
    "syntax": (SOURCES.replace("months_back: 3", "months_back: [3"), None, "not valid YAML"),
    "python-tag": (
        SOURCES.replace("boards: [anthropic]", "boards: !!python/name:os.system"),
        5,
        "python/name",
    ),
    "bomb": (SOURCES.replace("boards: [anthropic]", f"boards: {laughs()}"), None, "alias"),
    "wrong-type": (SOURCES.replace("months_back: 3", "months_back: {a: 1}"), 8, "months_back"),  # guard
    "unknown-key": (SOURCES.replace("  hn:", "  hn:\n    boardz: [x]"), 8, "boardz"),  # guard
    "empty": ("# no sources yet\n", None, "empty"),
    "not-utf8": (SOURCES.encode().replace(b"anthropic", b"anthr\xf6pic"), 5, "UTF-8"),
}


@pytest.mark.parametrize("case", list(SOURCES_CASES))
def test_collect_config_names_the_line(case, tmp_path):
    content, line, needle = SOURCES_CASES[case]
    path = write(tmp_path, "sources.yaml", content)
    db = tmp_path / "x.duckdb"
    assert_refused(skillpulse("collect", "--config", str(path), "--db", str(db)), path, line, needle)
    assert not db.exists()


@pytest.mark.parametrize("what", ["missing", "directory"])
def test_collect_config_that_is_not_a_file_is_refused_in_one_line(what, tmp_path):
    path = tmp_path / "sources.yaml"
    if what == "directory":
        path.mkdir()
    db = tmp_path / "x.duckdb"
    done = skillpulse("collect", "--config", str(path), "--db", str(db))
    assert_refused(done, path, None, "no such file" if what == "missing" else "directory")
    assert not db.exists()


def test_run_live_with_a_missing_sources_file_is_refused(tmp_path):
    path = tmp_path / "missing-sources.yaml"
    db = tmp_path / "x.duckdb"
    done = skillpulse(
        "run", "--live", "--limit", "1", "--db", str(db), "--out", str(tmp_path / "r"),
        env={"SKILLPULSE_SOURCES": str(path)},
    )  # fmt: skip
    assert_refused(done, path, None, "no such file")
    assert not db.exists()
