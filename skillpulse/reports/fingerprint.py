"""A fingerprint of everything that decides a report's numbers, so a stale committed report is caught.

The example report under ``examples/report/`` (``make example``) is generated from the bundled snapshot;
if the code, the taxonomy, the claims or the data change without regenerating it, the fingerprint stored
beside it no longer matches.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUT_GLOBS = (
    "skills_taxonomy.yaml",
    "roles.yaml",
    "claims.yaml",
    "extractors/**/*.py",
    "reports/*.py",
    "reports/claims/*.py",
    "reports/templates/*",
    "flows/steps/*.py",
    "flows/store.py",
    "flows/sources/posting.py",
    "flows/sources/snapshot/*.py",
    "flows/sources/catalog.py",
    "data/snapshot/**/*",
    "data/*.csv",
    "data/*.yaml",
    "data/extractor_eval.json",
    "data/reference/**/*",
    "data/precision_audit.jsonl",
)


def input_files(root: Path = ROOT) -> list[Path]:
    files = {
        p
        for pattern in INPUT_GLOBS
        for p in root.glob(pattern)
        if p.is_file() and "__pycache__" not in p.parts
    }
    return sorted(files)


def fingerprint(root: Path = ROOT) -> dict[str, str]:
    """sha256 over the inputs' relative paths and bytes, plus how many files went in."""
    digest = hashlib.sha256()
    files = input_files(root)
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return {"inputs_sha256": digest.hexdigest(), "n_files": str(len(files))}
