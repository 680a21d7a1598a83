"""What kind of text each source delivers, and when an undated source was captured.

The report weighs evidence by genre: a full job description can show that a skill is rarely asked for, a
short ad (a Hacker News comment of ~1,100 characters) cannot, because omission from a short ad is not
evidence of absence. Every source declares its genre here; a source not listed is read as full job
descriptions (every live ATS board is one), and the report names the genre it used.
"""

from __future__ import annotations

from dataclasses import dataclass

JOB_DESCRIPTION = "job_description"
SHORT_AD = "short_ad"
SURVEY = "survey"
INDEX = "index"
GENRES = (JOB_DESCRIPTION, SHORT_AD, SURVEY, INDEX)


@dataclass(frozen=True)
class SourceInfo:
    genre: str
    # For a source without posting dates: the year its postings were captured (None: dated per posting).
    capture_year: int | None = None
    label: str = ""
    # True when postings were gathered month by month (HN threads), so monthly counts form a series. A
    # board's snapshot of open postings is not one: its old dates are evergreen postings still open.
    time_series: bool = False


CATALOG: dict[str, SourceInfo] = {
    "hn": SourceInfo(SHORT_AD, label='Hacker News "Who is hiring?" comments', time_series=True),
    "hn_structured": SourceInfo(
        SHORT_AD, label="HN comments, fields extracted by an LLM (no text)", time_series=True
    ),
    "hn_jobstories": SourceInfo(
        JOB_DESCRIPTION, label="YC job stories on HN (linked job pages)", time_series=True
    ),
    "glassdoor": SourceInfo(JOB_DESCRIPTION, capture_year=2020, label="Glassdoor data-science postings"),
    "ashby": SourceInfo(JOB_DESCRIPTION, label="Ashby job boards (start-ups, 2025)"),
    "uber_careers": SourceInfo(JOB_DESCRIPTION, label="Uber careers site"),
    "linkedin_aiml": SourceInfo(JOB_DESCRIPTION, label="LinkedIn AI/ML search results (US, 2024)"),
    "linkedin_data": SourceInfo(JOB_DESCRIPTION, label="LinkedIn data-role search results (2023, 2025)"),
    "aijobs": SourceInfo(SURVEY, label="ai-jobs.net salary survey (self-reported)"),
    "indeed_hiring_lab": SourceInfo(INDEX, label="Indeed Hiring Lab postings index"),
}


def source_info(source: str) -> SourceInfo:
    """The catalogue entry, or a job-description entry for sources (live boards, files) not listed."""
    return CATALOG.get(source, SourceInfo(JOB_DESCRIPTION, label=source))


def genre_of(source: str) -> str:
    return source_info(source).genre
