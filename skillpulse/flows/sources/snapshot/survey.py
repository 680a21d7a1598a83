"""The ai-jobs.net salary survey: respondents, not postings, so it gets its own table."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pandas as pd


def survey(root: Path) -> pd.DataFrame:
    """The ai-jobs.net salary survey: respondents, not postings, so it gets its own table."""
    path = root / "aijobs" / "salaries_2025-01-19.csv.gz"
    with gzip.open(path, "rb") as fh:
        return pd.read_csv(io.BytesIO(fh.read()))
