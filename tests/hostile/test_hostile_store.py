"""The store's own failures: held by another run, read-only, full, not a store at all.

Each one must be a single line (``skillpulse.errors.StoreError``) that says what to do, exit 3, and no
traceback. Real conditions wherever the machine allows them without root: a second process really holds
DuckDB's lock; read-only is a real read-only bind mount or a real permission bit (``unshare --user``
makes root subject to permission bits); a full disk is a real tiny tmpfs in a user namespace. The same
DuckDB errors are also raised by monkeypatching, so the mapping is tested where namespaces are not allowed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from skillpulse.errors import StoreError
from skillpulse.flows.store import Store

ENOSPC = 'IO Error: Could not write file "{path}.wal": No space left on device'
EDQUOT = 'IO Error: Could not write file "{path}.wal": Disk quota exceeded'
EROFS = 'IO Error: Cannot open file "{path}": Read-only file system'
EACCES = 'IO Error: Cannot open file "{path}": Permission denied'


def cli(cwd: Path, *args: object, prefix: list[str] | None = None, timeout: int = 300):
    """Run ``skillpulse ARGS`` in a subprocess; fail if it prints a traceback."""
    env = {**os.environ, "SKILLPULSE_HOME": str(cwd / "home"), "NO_COLOR": "1"}
    env.pop("SKILLPULSE_DB", None)
    command = [*(prefix or []), sys.executable, "-m", "skillpulse.flows.cli", *map(str, args)]
    done = subprocess.run(
        command, capture_output=True, text=True, errors="replace", timeout=timeout, env=env, cwd=cwd
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done


def refused(done, code: int = 3) -> str:
    output = done.stdout + done.stderr
    assert done.returncode == code, (done.returncode, output)
    return output


def file_source(tmp_path: Path, n: int = 3, text: str = "Python and SQL") -> Path:
    """A sources.yaml whose only source is a local JSONL file: collect touches no network."""
    postings = tmp_path / "in" / "postings.jsonl"
    postings.parent.mkdir(parents=True, exist_ok=True)
    rows = [
        {"id": f"p{i}", "title": "Engineer", "company": "Acme", "description": f"{text} {i}"}
        for i in range(n)
    ]
    postings.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    config = tmp_path / "in" / "sources.yaml"
    config.write_text(f"sources:\n  file:\n    path: {json.dumps(str(postings))}\n", encoding="utf-8")
    return config


def collect(tmp_path: Path, db: Path, config: Path, **kw):
    return cli(tmp_path, "collect", "--source", "file", "--config", config, "--db", db, **kw)


class Holder:
    """Another skillpulse process that holds a store open until told to stop."""

    def __init__(self, db: Path) -> None:
        script = (
            "import sys\nfrom skillpulse.flows.store import Store\n"
            "s = Store(sys.argv[1])\nprint('ready', flush=True)\nsys.stdin.read()\ns.close()\n"
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", script, str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=db.parent,  # not the checkout: "-c" puts the working folder first on sys.path
        )
        assert self.proc.stdout.readline().strip() == "ready"

    def __enter__(self) -> Holder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


# -- two runs on one store --------------------------------------------------------------------------------


def test_a_store_held_by_another_process_names_its_pid(tmp_path):
    db = tmp_path / "s.duckdb"
    with Holder(db) as holder, pytest.raises(StoreError) as info:
        Store(db)
    (problem,) = info.value.problems
    assert problem == f"{db}: locked by another skillpulse run (pid {holder.proc.pid})"
    assert f"kill {holder.proc.pid}" in info.value.hint and "--db" in info.value.hint


def test_collect_on_a_held_store_is_one_line_and_exit_3(tmp_path):
    db = tmp_path / "s.duckdb"
    config = file_source(tmp_path)
    with Holder(db) as holder:
        output = refused(collect(tmp_path, db, config))
    assert f"{db}: locked by another skillpulse run (pid {holder.proc.pid})" in output
    assert len([line for line in output.splitlines() if line.strip()]) == 2  # the problem, what to do
    assert collect(tmp_path, db, config).returncode == 0  # once it is free, the same command works


def test_run_on_a_held_store_is_refused_before_the_pipeline_starts(tmp_path):
    db = tmp_path / "s.duckdb"
    with Holder(db) as holder:
        output = refused(
            cli(tmp_path, "run", "--offline", "--limit", "2", "--db", db, "--out", tmp_path / "r")
        )
    assert f"{db}: locked by another skillpulse run (pid {holder.proc.pid})" in output


def test_run_holds_the_store_for_its_whole_pipeline(tmp_path, monkeypatch):
    """Between the pipeline's tasks a second run must not slip in: `run` keeps the store open throughout."""
    from typer.testing import CliRunner

    import skillpulse.flows.pipeline as pipeline_module
    from skillpulse.flows.cli import app

    db = tmp_path / "s.duckdb"
    config = file_source(tmp_path)
    seen = {}

    class Pipeline:  # stands in for the Prefect flow: a second command runs while the first is going
        def with_options(self, **options):
            return self

        def __call__(self, **kw):
            seen["second"] = collect(tmp_path, db, config)
            return {
                "collected": [],
                "extracted": {"extracted": 0, "mentions": 0},
                "postings_read": 0,
                "report": "r",
            }

    import contextlib

    import skillpulse.flows.runners as runners

    monkeypatch.setattr(pipeline_module, "pipeline", Pipeline())
    monkeypatch.setattr(runners, "shared_prefect_server", contextlib.nullcontext)  # no server needed
    result = CliRunner().invoke(app, ["run", "--offline", "--db", str(db), "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    output = refused(seen["second"])
    assert f"locked by another skillpulse run (pid {os.getpid()})" in output


def test_one_process_may_open_its_store_twice(tmp_path):
    """Regression guard: `run` holds the store while its tasks open it again in the same process."""
    db = tmp_path / "s.duckdb"
    with Store(db) as outer, Store(db) as inner:
        inner.start_run("r1")
        assert outer.count("runs") == 1


# -- not a store -------------------------------------------------------------------------------------------


def test_a_folder_as_the_store_is_refused(tmp_path):
    with pytest.raises(StoreError) as info:
        Store(tmp_path)
    assert info.value.problems == [f"{tmp_path}: a folder, not a DuckDB file"]
    assert "--db" in info.value.hint


def test_a_file_that_is_not_a_duckdb_database_is_refused_and_kept(tmp_path):
    db = tmp_path / "notes.md"
    db.write_text("# my notes\n" * 100)
    before = db.read_bytes()
    output = refused(collect(tmp_path, db, file_source(tmp_path)))
    assert f"{db}: not a DuckDB database" in output
    assert db.read_bytes() == before


def test_a_corrupt_duckdb_file_is_refused(tmp_path):
    db = tmp_path / "s.duckdb"
    Store(db).close()
    data = bytearray(db.read_bytes())
    data[8:12] = b"XXXX"  # the magic bytes after the header checksum
    db.write_bytes(bytes(data))
    with pytest.raises(StoreError) as info:
        Store(db)
    assert info.value.problems[0].startswith(f"{db}: ")


def test_a_store_under_a_file_is_refused(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("x")
    with pytest.raises(StoreError) as info:
        Store(blocker / "s.duckdb")
    assert info.value.problems == [
        f"{blocker / 's.duckdb'}: cannot create its folder {blocker} (a file is in the way)"
    ]


def test_a_folder_given_as_db_through_the_cli(tmp_path):
    output = refused(collect(tmp_path, tmp_path, file_source(tmp_path)))
    assert f"{tmp_path}: a folder, not a DuckDB file" in output


# -- read-only --------------------------------------------------------------------------------------------


def _unprivileged_prefix() -> list[str] | None:
    """Run as someone permission bits apply to: as is when not root, else in a fresh user namespace."""
    if os.geteuid() != 0:
        return []
    if shutil.which("unshare") and subprocess.run(["unshare", "--user", "true"]).returncode == 0:
        return ["unshare", "--user"]
    return None


def _readonly_mount_prefix(folder: Path) -> list[str] | None:
    """Run with ``folder`` bind-mounted read-only (a real EROFS), or None without user namespaces."""
    if not shutil.which("unshare"):
        return None
    script = f'mount --bind "{folder}" "{folder}" && mount -o remount,bind,ro "{folder}" && exec "$@"'
    prefix = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh"]
    if subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        return None
    return prefix


@pytest.mark.parametrize("existing", [True, False], ids=["existing-store", "new-store"])
def test_a_read_only_filesystem_is_one_line(tmp_path, existing):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "s.duckdb"
    if existing:
        Store(db).close()
    prefix = _readonly_mount_prefix(folder)
    if prefix is None:
        pytest.skip("no user namespaces here: cannot mount read-only without root")
    output = refused(collect(tmp_path, db, file_source(tmp_path), prefix=prefix))
    assert f"{db}: read-only (Read-only file system)" in output


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_store_without_write_permission_is_one_line(tmp_path, what):
    prefix = _unprivileged_prefix()
    if prefix is None:
        pytest.skip("running as root without user namespaces: permission bits do not apply")
    folder = tmp_path / "locked"
    folder.mkdir()
    db = folder / "s.duckdb"
    if what == "file":
        Store(db).close()
        db.chmod(0o444)
    else:
        folder.chmod(0o555)
    try:
        output = refused(collect(tmp_path, db, file_source(tmp_path), prefix=prefix))
    finally:
        folder.chmod(0o755)
    assert f"{db}: read-only (Permission denied)" in output


# -- a full disk ------------------------------------------------------------------------------------------


def _tiny_tmpfs_prefix(mount: Path, size: str) -> list[str] | None:
    if not shutil.which("unshare"):
        return None
    mount.mkdir(parents=True, exist_ok=True)
    script = f'mount -t tmpfs -o size={size} tmpfs "{mount}" && exec "$@"'
    prefix = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh"]
    if subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        return None
    return prefix


def _assert_disk_full(output: str, mount: Path) -> None:
    assert f"{mount / 's.duckdb'}: disk full (No space left on device)" in output or (
        f"{mount / 's.duckdb.wal'}: disk full (No space left on device)" in output
    ), output
    assert "Free some space" in output


def test_a_disk_full_when_the_store_is_created_is_one_line(tmp_path):
    mount = tmp_path / "disk"
    prefix = _tiny_tmpfs_prefix(mount, "4k")
    if prefix is None:
        pytest.skip("no user namespaces here: cannot mount a tiny tmpfs without root")
    _assert_disk_full(
        refused(collect(tmp_path, mount / "s.duckdb", file_source(tmp_path), prefix=prefix)), mount
    )


def test_a_disk_that_fills_up_while_collecting_is_one_line(tmp_path):
    mount = tmp_path / "disk"
    prefix = _tiny_tmpfs_prefix(mount, "640k")
    if prefix is None:
        pytest.skip("no user namespaces here: cannot mount a tiny tmpfs without root")
    config = file_source(tmp_path, n=400, text=os.urandom(3000).hex())  # incompressible: fills the disk
    _assert_disk_full(refused(collect(tmp_path, mount / "s.duckdb", config, prefix=prefix)), mount)


@pytest.mark.parametrize(
    ("message", "needle"),
    [
        (ENOSPC, "{path}.wal: disk full (No space left on device)"),
        (EDQUOT, "{path}.wal: disk full (Disk quota exceeded)"),
        (EROFS, "{path}: read-only (Read-only file system)"),
        (EACCES, "{path}: read-only (Permission denied)"),
    ],
    ids=["enospc", "edquot", "erofs", "eacces"],
)
def test_each_duckdb_failure_at_open_is_a_store_error(tmp_path, monkeypatch, message, needle):
    db = tmp_path / "s.duckdb"

    def connect(*args, **kw):
        raise duckdb.IOException(message.format(path=db))

    monkeypatch.setattr(duckdb, "connect", connect)
    with pytest.raises(StoreError) as info:
        Store(db)
    assert info.value.problems == [needle.format(path=db)]
    assert info.value.exit_code == 3 and info.value.hint


def test_a_full_disk_when_closing_is_a_store_error(tmp_path):
    db = tmp_path / "s.duckdb"
    store = Store(db)
    real = store.con

    class Failing:
        def close(self) -> None:
            raise duckdb.IOException(ENOSPC.format(path=db))

    store.con = Failing()
    try:
        with pytest.raises(StoreError) as info:
            store.close()
    finally:
        real.close()
    assert info.value.problems == [f"{db}.wal: disk full (No space left on device)"]


def test_a_full_disk_in_the_middle_of_a_command_is_one_line(tmp_path):
    """A write that fails deep inside a command (here the run's last one) reaches main() as one line."""
    db = tmp_path / "s.duckdb"
    config = file_source(tmp_path)
    script = (
        "import sys, duckdb\n"
        "from skillpulse.flows.store import Store\n"
        "def full(self, *a, **k):\n"
        f"    raise duckdb.IOException({ENOSPC.format(path=db)!r})\n"
        "Store.finish_run = full\n"
        "from skillpulse.flows import cli\n"
        f"sys.argv = ['skillpulse', 'collect', '--source', 'file', '--config', {str(config)!r}, "
        f"'--db', {str(db)!r}]\n"
        "cli.main()\n"
    )
    env = {**os.environ, "SKILLPULSE_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path
    )
    output = refused(done)
    assert "Traceback" not in output
    assert f"{db}.wal: disk full (No space left on device)" in output
    with Store(db) as store:  # what was committed before the failure is kept
        assert store.count("postings") == 3


def test_the_memory_store_still_opens():
    """Regression guard: tests and tools use ':memory:', which has no file to check."""
    with Store(":memory:") as store:
        assert store.count("runs") == 0
