"""Audited precision per skill: which skills the report may print.

Every skill the report prints had a random sample of its matches in the bundled corpora read and judged
by hand (``skillpulse/data/precision_audit.jsonl``: the sample, the judgement and the reason for each match).
A later audit round of a skill supersedes the earlier one, because it judges the taxonomy as fixed. A
skill below ``PRECISION_BAR``, or never audited, leaves the report's skill tables until it is fixed and
audited again: a share counted from matches that are mostly wrong is not evidence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

AUDIT_PATH = Path(__file__).resolve().parents[1] / "data" / "precision_audit.jsonl"
PRECISION_BAR = 0.9


@dataclass(frozen=True)
class AuditedSkill:
    skill: str
    correct: int
    judged: int
    round: int

    @property
    def precision(self) -> float:
        return self.correct / self.judged if self.judged else 0.0

    @property
    def reportable(self) -> bool:
        return self.judged > 0 and self.precision >= PRECISION_BAR

    def tally(self) -> str:
        """Shown in the report: "17/20", or "not audited"."""
        return f"{self.correct}/{self.judged}" if self.judged else "not audited"


def load_audit(path: Path = AUDIT_PATH) -> dict[str, AuditedSkill]:
    """Skill id -> its latest audit round's tally; empty when the audit file is absent."""
    if not path.is_file():
        return {}
    rounds: dict[str, dict[int, list[int]]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            tally = rounds.setdefault(row["skill"], {}).setdefault(int(row["round"]), [0, 0])
            tally[0] += bool(row["correct"])
            tally[1] += 1
    out = {}
    for skill, by_round in rounds.items():
        latest = max(by_round)
        correct, judged = by_round[latest]
        out[skill] = AuditedSkill(skill, correct, judged, latest)
    return out


def withheld(audit: dict[str, AuditedSkill], skill_ids: list[str]) -> list[AuditedSkill]:
    """Skills the report must not print: audited below the bar, or never audited (``judged == 0``)."""
    held = (audit.get(sid) or AuditedSkill(sid, 0, 0, 0) for sid in skill_ids)
    return [a for a in held if not a.reportable]


def audit_rows(path: Path = AUDIT_PATH) -> int:
    """How many judgements the audit file holds over all rounds."""
    if not path.is_file():
        return 0
    with path.open(encoding="utf-8") as fh:
        return sum(1 for line in fh if line.strip())
