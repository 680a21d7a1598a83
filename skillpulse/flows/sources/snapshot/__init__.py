"""The bundled snapshot of real public postings (``data/snapshot``), delivered like a live source.

Each file is read as the live API or export it came from would deliver it, so the rest of the pipeline
cannot tell the snapshot from a fresh collection. One module per dataset (``hn``, ``glassdoor``,
``ashby``, ``linkedin``, ``survey``), what they share in ``common``; see ``data/snapshot/*/PROVENANCE.md``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from skillpulse.flows.settings import SNAPSHOT_DIR
from skillpulse.flows.sources.posting import Posting, Quarantined
from skillpulse.flows.sources.snapshot import ashby, glassdoor, hn, linkedin
from skillpulse.flows.sources.snapshot import survey as survey_file
from skillpulse.flows.sources.snapshot.ashby import uber_locations
from skillpulse.flows.sources.snapshot.common import NAME, _Seen, capped
from skillpulse.flows.sources.snapshot.glassdoor import GLASSDOOR_FILES, _glassdoor_company
from skillpulse.flows.sources.snapshot.hn import _hn_posting
from skillpulse.flows.sources.snapshot.linkedin import LINKEDIN_DATA_FILES, posted_from_relative

__all__ = [
    "GLASSDOOR_FILES",
    "NAME",
    "SnapshotSource",
    "_glassdoor_company",
    "_hn_posting",
    "posted_from_relative",
    "uber_locations",
]


class SnapshotSource:
    """Reads every bundled file; ``limit`` caps postings per file for quick trial runs."""

    name = NAME

    def __init__(self, root: Path = SNAPSHOT_DIR, limit: int | None = None) -> None:
        self.root = root
        self.limit = limit

    def fingerprint(self) -> str:
        """What this source would deliver, without reading it: a hash of every bundled file, the limit,
        and the code that turns files into postings and stores them. A store that collected this
        fingerprint already holds exactly these postings, so a warm run can skip reading them (0.1 s
        against several seconds)."""
        digest = hashlib.sha256(f"limit={self.limit}".encode())
        code = Path(__file__).resolve().parent
        files = sorted(p for p in self.root.rglob("*") if p.is_file())
        files += sorted(code.glob("*.py")) + [code.parent / "posting.py", code.parent.parent / "store.py"]
        for path in files:
            digest.update(str(path.name).encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()[:16]

    def fetch(self) -> Iterator[Posting | Quarantined]:
        root, limit = self.root, self.limit
        yield from capped(hn.hn_union(root), limit)
        yield from capped(hn.hn_noid(root), limit)
        yield from capped(hn.hn_2026(root), limit)
        for tag, filename in GLASSDOOR_FILES.items():
            yield from capped(glassdoor.glassdoor(root, tag, filename), limit)
        yield from capped(hn.hn_structured(root), limit)
        yield from capped(ashby.ashby(root), limit)
        yield from capped(ashby.uber(root), limit)
        yield from capped(linkedin.linkedin_aiml(root), limit)
        linkedin_seen = _Seen()  # one source over three scrapes: a job id seen in July is not new in November
        for scrape in LINKEDIN_DATA_FILES:
            yield from capped(linkedin.linkedin_data(root, scrape, linkedin_seen), limit)

    def survey(self) -> pd.DataFrame:
        """The ai-jobs.net salary survey: respondents, not postings, so it gets its own table."""
        return survey_file.survey(self.root)
