"""The built wheel works outside the checkout: installed in a fresh venv, run from an empty directory.

No network: the wheel is built with the setuptools already installed (``--no-build-isolation``) and
installed with ``--no-index --no-deps``; the third-party dependencies are borrowed from this interpreter's
site-packages through a ``.pth`` path line (a plain path, so the checkout's editable-install hook in that
directory is not run and cannot leak the checkout into the test).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _run(args: list, cwd: Path, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{args[:3]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("wheel")
    # Build from a copy of what the package needs, so setuptools' build/ folder stays out of the checkout.
    source = root / "source"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "dist", "*.egg-info", "examples", "tests", "benchmarks", "__pycache__"
        ),
    )
    dist = root / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", dist, source],
        cwd=root,
    )
    wheel = next(dist.glob("skillpulse-*.whl"))
    env_dir = root / "venv"
    _run([sys.executable, "-m", "venv", env_dir], cwd=root)
    python = env_dir / "bin" / "python"
    _run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel], cwd=root)
    site = Path(
        _run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=root
        ).stdout.strip()
    )
    (site / "borrowed_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return env_dir


@pytest.fixture()
def empty(tmp_path) -> Path:
    place = tmp_path / "empty"
    place.mkdir()
    return place


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["SKILLPULSE_HOME"] = str(home)
    return env


def test_the_installed_package_is_the_wheel_not_the_checkout(venv, empty):
    code = (
        "import skillpulse, skillpulse.flows.settings as s; "
        "print(skillpulse.__file__, s.TAXONOMY_PATH.is_file())"
    )
    where, found = _run([venv / "bin" / "python", "-c", code], cwd=empty).stdout.split()
    assert Path(where).is_relative_to(venv) and found == "True"


def test_the_spacy_component_loads_from_the_installed_package(venv, empty):
    code = (
        "import spacy; nlp = spacy.blank('en'); nlp.add_pipe('skillpulse_skills'); "
        "doc = nlp('We build with Python, PyTorch and Kubernetes.'); "
        "print(' '.join(sorted({s.id_ for s in doc.spans['skills']})))"
    )
    found = _run([venv / "bin" / "python", "-c", code], cwd=empty).stdout.split()
    assert {"python", "pytorch", "kubernetes"} <= set(found)


def test_extract_runs_from_an_empty_directory(venv, empty):
    (empty / "in.jsonl").write_text(
        json.dumps({"id": "a", "text": "<p>Python and SQL, with Spark.</p>"}) + "\n"
    )
    _run(
        [venv / "bin" / "skillpulse", "extract", "-i", "in.jsonl", "-o", "out.jsonl"],
        cwd=empty,
        env=_env(empty),
    )
    row = json.loads((empty / "out.jsonl").read_text().splitlines()[0])
    assert {"python", "sql", "spark"} <= set(row["skills"])


def test_an_offline_run_from_an_empty_directory_writes_its_report_to_the_data_dir(venv, empty):
    home = empty / "home"
    done = _run(
        [venv / "bin" / "skillpulse", "run", "--offline", "--limit", "15"],
        cwd=empty,
        env=_env(home),
        timeout=900,
    )
    assert (home / "reports" / "latest" / "report.html").is_file(), done.stdout[-1500:]
    assert sorted(p.name for p in empty.iterdir()) == ["home"]  # nothing written into the working directory
