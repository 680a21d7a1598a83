"""Hostile and careless input at the command line: ``extract``, ``enrich``, ``eval`` and ``run``'s paths.

Every case runs the real CLI in a subprocess (``python -m skillpulse.flows.cli``), as a user would, with
``SKILLPULSE_HOME`` in a temporary folder. Each one checks the exit code, that no Python traceback is
printed, and that nothing the user gave us is destroyed. Failure classes (issue 14): data loss (an output
that is the input), crashes with tracebacks (encodings, paths, Rich markup), silent misbehaviour.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

GOOD = [{"id": "a", "text": "We use Python and SQL."}, {"id": "b", "text": "Rust and Go, on Kubernetes."}]


def cli(cwd: Path, *args: object, prefix: list[str] | None = None, timeout: int = 300):
    """Run ``skillpulse ARGS`` in a subprocess; fail if it prints a traceback."""
    env = {**os.environ, "SKILLPULSE_HOME": str(cwd / "home"), "NO_COLOR": "1"}
    env.pop("SKILLPULSE_DB", None)
    command = [*(prefix or []), sys.executable, "-m", "skillpulse.flows.cli", *map(str, args)]
    done = subprocess.run(
        command, capture_output=True, text=True, errors="replace", timeout=timeout, env=env, cwd=cwd
    )
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    return done


def said(done) -> str:
    return done.stdout + done.stderr


def refused(done, code: int = 2) -> str:
    output = said(done)
    assert done.returncode == code, (done.returncode, output)
    return output


def ok(done) -> str:
    output = said(done)
    assert done.returncode == 0, output
    return output


def write_jsonl(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding=encoding)
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def command_args(command: str, src: Path, out: Path | str) -> list[object]:
    return [command, "--input", src, "--output", out]


# -- data loss: an output that is the input -------------------------------------------------------------


def _same_file_spelling(tmp_path: Path, src: Path, how: str) -> Path | str:
    if how == "identical":
        return src
    if how == "dotdot":
        (tmp_path / "sub").mkdir()
        return tmp_path / "sub" / ".." / src.name
    if how == "relative":
        return Path(src.name)  # the subprocess runs in tmp_path
    if how == "symlink":
        link = tmp_path / "link.jsonl"
        link.symlink_to(src)
        return link
    if how == "hardlink":
        link = tmp_path / "hard.jsonl"
        os.link(src, link)
        return link
    raise AssertionError(how)


@pytest.mark.parametrize("command", ["extract", "enrich"])
@pytest.mark.parametrize("how", ["identical", "dotdot", "relative", "symlink", "hardlink"])
def test_an_output_that_is_the_input_is_refused_and_the_input_kept(tmp_path, command, how):
    src = write_jsonl(tmp_path / "postings.jsonl", GOOD)
    before = src.read_bytes()
    out = _same_file_spelling(tmp_path, src, how)
    output = refused(cli(tmp_path, *command_args(command, src, out)))
    assert src.read_bytes() == before
    assert "is the input file" in output and "another --output" in output


def test_extract_to_stdout_still_streams(tmp_path):
    src = write_jsonl(tmp_path / "postings.jsonl", GOOD)
    done = cli(tmp_path, "extract", "-i", src, "-o", "-")
    ok(done)
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert [r["id"] for r in rows] == ["a", "b"] and rows[0]["skills"] == ["python", "sql"]


# -- encodings ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["extract", "enrich"])
def test_utf8_with_a_byte_order_mark_is_read_whole(tmp_path, command):
    src = write_jsonl(tmp_path / "bom.jsonl", GOOD, encoding="utf-8-sig")
    out = tmp_path / "out.jsonl"
    output = ok(cli(tmp_path, *command_args(command, src, out)))
    assert [r["id"] for r in read_jsonl(out)] == ["a", "b"], output


def test_a_csv_header_after_a_byte_order_mark_is_found(tmp_path):
    src = tmp_path / "p.csv"
    src.write_text('job_id,body\nx1,"Python, SQL"\n', encoding="utf-8-sig")
    out = tmp_path / "out.jsonl"
    ok(cli(tmp_path, "extract", "-i", src, "-o", out, "--id-column", "job_id", "--text-column", "body"))
    assert [(r["id"], r["skills"]) for r in read_jsonl(out)] == [("x1", ["python", "sql"])]


@pytest.mark.parametrize(("command", "name"), [("extract", "u16.jsonl"), ("enrich", "u16.jsonl")])
def test_utf16_with_a_byte_order_mark_is_decoded(tmp_path, command, name):
    rows = [{"id": "é1", "text": "Ingénieur Python à Paris"}, *GOOD]
    src = write_jsonl(tmp_path / name, rows, encoding="utf-16")
    out = tmp_path / "out.jsonl"
    ok(cli(tmp_path, *command_args(command, src, out)))
    got = read_jsonl(out)
    assert [r["id"] for r in got] == ["é1", "a", "b"]
    if command == "extract":
        assert got[0]["skills"] == ["python"]


def test_utf16_csv_is_decoded(tmp_path):
    src = tmp_path / "p.csv"
    src.write_text('id,text\nx1,"Python, SQL"\n', encoding="utf-16")
    out = tmp_path / "out.jsonl"
    ok(cli(tmp_path, "extract", "-i", src, "-o", out))
    assert [(r["id"], r["skills"]) for r in read_jsonl(out)] == [("x1", ["python", "sql"])]


@pytest.mark.parametrize(
    ("command", "name", "body", "line"),
    [
        (
            "extract",
            "latin1.jsonl",
            b'{"id": "a", "text": "Python"}\n\n{"id": "b", "text": "caf\xe9 SQL"}\n',
            3,
        ),
        ("extract", "latin1.csv", b'id,text\nx1,Python\nx2,"Z\xfcrich, SQL"\n', 3),
        ("enrich", "latin1.jsonl", b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "M\xfcnchen"}\n', 2),
    ],
)
def test_bytes_that_are_not_utf8_are_refused_with_their_line(tmp_path, command, name, body, line):
    src = tmp_path / name
    src.write_bytes(body)
    out = tmp_path / "out.jsonl"
    output = refused(cli(tmp_path, *command_args(command, src, out)))
    assert f"{src}:{line}: not valid UTF-8" in output
    assert "UTF-8" in output.splitlines()[-1]  # the hint says what to do
    assert not out.exists()  # refused before anything is written


def test_utf16_without_a_byte_order_mark_is_refused_not_misread(tmp_path):
    src = tmp_path / "u16le.jsonl"
    src.write_bytes("".join(json.dumps(r) + "\n" for r in GOOD).encode("utf-16-le"))
    out = tmp_path / "out.jsonl"
    output = refused(cli(tmp_path, "extract", "-i", src, "-o", out))
    assert f"{src}:1: " in output and "NUL" in output
    assert not out.exists()


# -- what --input and --output name ---------------------------------------------------------------------


def _parquet(path: Path) -> Path:
    import duckdb

    duckdb.sql(f"COPY (SELECT 'a' AS id, 'Python' AS text) TO '{path}' (FORMAT parquet)")
    return path


@pytest.mark.parametrize("command", ["extract", "enrich"])
@pytest.mark.parametrize("name", ["postings.parquet", "postings.jsonl"])  # a misleading suffix too
def test_a_parquet_file_is_refused_with_how_to_convert_it(tmp_path, command, name):
    src = _parquet(tmp_path / name)
    output = refused(cli(tmp_path, *command_args(command, src, tmp_path / "out.jsonl")))
    assert f"{src}: a Parquet file" in output and "to_json" in output


@pytest.mark.parametrize("command", ["extract", "enrich"])
def test_a_folder_as_input_is_refused(tmp_path, command):
    folder = tmp_path / "postings"
    folder.mkdir()
    output = refused(cli(tmp_path, *command_args(command, folder, tmp_path / "out.jsonl")))
    assert f"{folder}: a folder, not a file" in output


@pytest.mark.parametrize("command", ["extract", "enrich"])
def test_a_missing_input_is_refused(tmp_path, command):
    output = refused(cli(tmp_path, *command_args(command, tmp_path / "nope.jsonl", tmp_path / "o.jsonl")))
    assert f"{tmp_path / 'nope.jsonl'}: no such file" in output


@pytest.mark.parametrize("command", ["extract", "enrich"])
def test_a_missing_output_folder_is_created(tmp_path, command):
    src = write_jsonl(tmp_path / "postings.jsonl", GOOD)
    out = tmp_path / "new" / "deeper" / "out.jsonl"
    ok(cli(tmp_path, *command_args(command, src, out)))
    assert [r["id"] for r in read_jsonl(out)] == ["a", "b"]


@pytest.mark.parametrize("command", ["extract", "enrich"])
def test_an_output_under_a_file_is_refused(tmp_path, command):
    src = write_jsonl(tmp_path / "postings.jsonl", GOOD)
    blocker = tmp_path / "notes.txt"
    blocker.write_text("keep me\n")
    output = refused(cli(tmp_path, *command_args(command, src, blocker / "out.jsonl")))
    assert f"{blocker / 'out.jsonl'}: cannot create its folder" in output
    assert blocker.read_text() == "keep me\n"


@pytest.mark.parametrize("command", ["extract", "enrich"])
def test_an_output_that_is_a_folder_is_refused(tmp_path, command):
    src = write_jsonl(tmp_path / "postings.jsonl", GOOD)
    folder = tmp_path / "outdir"
    folder.mkdir()
    output = refused(cli(tmp_path, *command_args(command, src, folder)))
    assert f"{folder}: a folder" in output


@pytest.mark.parametrize("command", ["extract", "enrich"])
@pytest.mark.parametrize("name", ["empty.jsonl", "blank.jsonl"])
def test_an_empty_input_is_refused_and_nothing_written(tmp_path, command, name):
    src = tmp_path / name
    src.write_text("" if name == "empty.jsonl" else "\n  \n\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    output = refused(cli(tmp_path, *command_args(command, src, out)))
    assert f"{src}: empty" in output and not out.exists()


def test_an_empty_csv_is_refused(tmp_path):
    src = tmp_path / "empty.csv"
    src.write_text("")
    output = refused(cli(tmp_path, "extract", "-i", src, "-o", tmp_path / "out.jsonl"))
    assert f"{src}: empty" in output


def test_a_csv_without_the_text_column_is_one_line_naming_the_columns(tmp_path):
    folder = tmp_path / "in[/]"  # "[/]" spans two folders: "in[" and "]"
    folder.mkdir(parents=True)
    src = folder / "[red]p.csv"
    src.write_text("job_id,description\n1,Python\n", encoding="utf-8")
    output = refused(cli(tmp_path, "extract", "-i", src, "-o", tmp_path / "o.jsonl"))
    assert f"{src}: no column 'text' (columns: job_id, description); use --text-column" in output


# -- records that are not what they should be -----------------------------------------------------------


def test_lone_surrogates_are_written_escaped(tmp_path):
    src = tmp_path / "s.jsonl"
    src.write_text(
        '{"id": "x\\ud800", "text": "Python \\udc80 and SQL"}\n{"id": "b", "text": "Rust"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    ok(cli(tmp_path, "extract", "-i", src, "-o", out))
    assert "\\ud800" in out.read_text(encoding="utf-8")
    assert [(r["id"], r["skills"]) for r in read_jsonl(out)] == [
        ("x\ud800", ["python", "sql"]),
        ("b", ["rust"]),
    ]


def test_lone_surrogates_survive_enrich(tmp_path):
    src = tmp_path / "s.jsonl"
    src.write_text('{"id": "x\\ud800", "text": "Senior \\udc80 data engineer"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    ok(cli(tmp_path, "enrich", "--input", src, "--output", out))
    assert [r["id"] for r in read_jsonl(out)] == ["x\ud800"]


@pytest.mark.parametrize("command", ["extract", "enrich"])
def test_a_json_line_that_is_not_an_object_is_named_and_skipped(tmp_path, command):
    src = tmp_path / "mixed.jsonl"
    src.write_text('[1, 2]\n"text"\n42\nnull\n' + json.dumps(GOOD[0]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    output = ok(cli(tmp_path, *command_args(command, src, out)))
    assert [r["id"] for r in read_jsonl(out)] == ["a"]
    for line in (1, 2, 3, 4):
        assert any(f":{line}: " in s and "not a JSON object" in s or f"line {line}: not a JSON object" in s
                   for s in output.splitlines()), output  # fmt: skip


# -- Rich markup in paths is printed as it is -----------------------------------------------------------


@pytest.mark.parametrize("command", ["extract", "enrich"])
def test_markup_in_paths_is_printed_literally(tmp_path, command):
    folder = tmp_path / "a[/]b"  # "[/]" spans two folders: "a[" and "]b"
    src = folder / "[red]in.jsonl"
    folder.mkdir(parents=True)
    src.write_text(json.dumps(GOOD[0]) + "\n{broken\n", encoding="utf-8")
    out = tmp_path / "o[/]" / "[bold]out.jsonl"
    output = ok(cli(tmp_path, *command_args(command, src, out)))
    assert str(out) in output  # the closing line names the output as it is
    assert str(src) in output  # the warning about line 2 names the input as it is
    assert [r["id"] for r in read_jsonl(out)] == ["a"]


def test_markup_in_a_missing_input_is_printed_literally(tmp_path):
    src = tmp_path / "x[/]" / "[red]nope.jsonl"
    output = refused(cli(tmp_path, "extract", "-i", src, "-o", tmp_path / "o.jsonl"))
    assert f"{src}: no such file" in output


# -- eval's --gold --------------------------------------------------------------------------------------


def test_eval_names_a_missing_gold_file_literally(tmp_path):
    gold = tmp_path / "g[/]" / "[red]gold.jsonl"
    done = cli(tmp_path, "eval", "--gold", gold, "--part", "roles", "--json")
    ok(done)
    assert f"No gold file at {gold}" in done.stderr
    assert "roles" in json.loads(done.stdout)  # the notice does not break --json


GOLD_LINE = b'{"id": "1", "text": "Python", "skills": ["python"]}\n'


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (GOLD_LINE + b'{"id": "2", "text": "caf\xe9"}\n', ":2: not valid UTF-8"),
        (GOLD_LINE + b"{oops\n", ":2: not valid JSON"),
        (b'{"id": "1", "text": "Python"}\n', ':1: no "skills" list'),
        (b"", ": empty"),
    ],
    ids=["latin1", "bad-json", "no-skills", "empty"],
)  # fmt: skip
def test_eval_refuses_a_bad_gold_file_with_its_line(tmp_path, body, needle):
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(body)
    output = refused(cli(tmp_path, "eval", "--gold", gold, "--part", "skills", "--no-errors"))
    assert f"{gold}{needle}" in output


def test_eval_refuses_a_folder_as_gold(tmp_path):
    output = refused(cli(tmp_path, "eval", "--gold", tmp_path, "--part", "skills"))
    assert f"{tmp_path}: a folder, not a file" in output


# -- run's paths ----------------------------------------------------------------------------------------


def test_run_refuses_a_report_folder_that_is_a_file_before_starting(tmp_path):
    db = tmp_path / "s[/]" / "[red]store.duckdb"
    out = tmp_path / "reports.txt"
    out.write_text("not a folder\n")
    output = refused(cli(tmp_path, "run", "--offline", "--limit", "2", "--db", db, "--out", out))
    assert f"{out}: not a folder" in output
    assert str(db) in output  # the opening line names the store literally
    assert out.read_text() == "not a folder\n"


# -- a full disk under the output (real: a tiny tmpfs in a user namespace, when the kernel allows one) --


def _tiny_tmpfs_prefix(mount: Path, size: str) -> list[str] | None:
    """Arguments that run a command with a ``size`` tmpfs at ``mount`` (a user namespace), or None."""
    if not shutil.which("unshare"):
        return None
    mount.mkdir(parents=True, exist_ok=True)
    script = f'mount -t tmpfs -o size={size} tmpfs "{mount}" && exec "$@"'
    prefix = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh"]
    if subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        return None
    return prefix


def test_a_full_disk_under_the_output_is_one_line(tmp_path):
    mount = tmp_path / "full"
    prefix = _tiny_tmpfs_prefix(mount, "8k")
    if prefix is None:
        pytest.skip("no user namespaces here: cannot mount a tiny tmpfs without root")
    rows = [{"id": f"p{i}", "text": "Python and SQL, Rust and Go. " * 20} for i in range(200)]
    src = write_jsonl(tmp_path / "postings.jsonl", rows)
    output = refused(cli(tmp_path, "enrich", "--input", src, "--output", mount / "out.jsonl", prefix=prefix))
    assert f"{mount / 'out.jsonl'}: cannot be written (No space left on device)" in output
