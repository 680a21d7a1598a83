"""Load ``skills_taxonomy.yaml`` into skill definitions; refuse a broken file with file, line and entry."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class TaxonomyError(ValueError):
    """A problem in the taxonomy file, worded for its author: ``file:line: entry 'id': what is wrong``."""


@dataclass(frozen=True)
class Skill:
    id: str
    name: str
    category: str
    aliases: tuple[str, ...] = ()
    case_sensitive: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Taxonomy:
    path: Path
    skills: tuple[Skill, ...]
    version: str

    def ids(self) -> list[str]:
        return [s.id for s in self.skills]


def load_taxonomy(path: Path | str) -> Taxonomy:
    path = Path(path)
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise TaxonomyError(f"{path}:{line}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("skills"), list):
        raise TaxonomyError(f"{path}:1: expected a mapping with a 'skills' list")
    skills = []
    seen: set[str] = set()
    for n, entry in enumerate(data["skills"], 1):
        if not isinstance(entry, dict) or "id" not in entry:
            raise TaxonomyError(f"{path}: skill #{n} has no 'id'")
        if entry["id"] in seen:
            raise TaxonomyError(f"{path}: entry '{entry['id']}': duplicate id")
        seen.add(entry["id"])
        skills.append(
            Skill(
                id=str(entry["id"]),
                name=str(entry.get("name", entry["id"])),
                category=str(entry.get("category", "other")),
                aliases=tuple(str(a) for a in entry.get("aliases", [])),
                case_sensitive=tuple(str(a) for a in entry.get("case_sensitive", [])),
            )
        )
    return Taxonomy(path=path, skills=tuple(skills), version=hashlib.sha256(raw).hexdigest()[:12])
