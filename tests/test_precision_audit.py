"""The precision audit: its file covers every taxonomy skill, and only skills that pass it are printed."""

from __future__ import annotations

import json
from pathlib import Path

from skillpulse.extractors.taxonomy import load_taxonomy
from skillpulse.flows.settings import TAXONOMY_PATH
from skillpulse.reports.precision import AUDIT_PATH, PRECISION_BAR, load_audit, withheld


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_latest_round_supersedes_and_bar_withholds(tmp_path: Path) -> None:
    rows = [{"skill": "etl", "round": 1, "correct": i == 0} for i in range(20)]
    rows += [{"skill": "etl", "round": 2, "correct": i < 19} for i in range(20)]
    rows += [{"skill": "git", "round": 1, "correct": i < 17} for i in range(20)]
    audit = load_audit(_write(tmp_path / "a.jsonl", rows))
    assert (audit["etl"].round, audit["etl"].correct, audit["etl"].judged) == (2, 19, 20)
    assert audit["etl"].reportable and not audit["git"].reportable
    held = withheld(audit, ["etl", "git", "never_audited"])
    assert [h if isinstance(h, str) else h.skill for h in held] == ["git", "never_audited"]


def test_missing_audit_file_withholds_nothing(tmp_path: Path) -> None:
    assert load_audit(tmp_path / "absent.jsonl") == {}


def test_audit_covers_every_skill_with_each_judgement() -> None:
    """Issue: the audit file covers every reported skill, with the sample and the judgement for each match."""
    ids = set(load_taxonomy(TAXONOMY_PATH).ids())
    seen = set()
    with AUDIT_PATH.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            assert {"skill", "posting", "context", "correct", "reason", "round"} <= set(row)
            assert "[[" in row["context"] and "]]" in row["context"]
            assert row["correct"] or row["reason"], row
            seen.add(row["skill"])
    assert ids <= seen


def test_report_prints_only_skills_at_the_bar() -> None:
    audit = load_audit()
    ok = [a for a in audit.values() if a.reportable]
    assert ok and all(a.precision >= PRECISION_BAR for a in ok)
