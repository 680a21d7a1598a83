"""Role families: roles.yaml's own examples, real titles and real HN headers (multi-role comments)."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillpulse.extractors.roles import (
    ROLE_FAMILIES,
    RolesError,
    classify_posting,
    classify_title,
    default_rules,
    hn_roles,
    load_roles,
)

RULES = default_rules()
MATCH = [(r.family, ex) for r in RULES.rules for ex in r.match]
NO_MATCH = [(r.family, ex) for r in RULES.rules for ex in r.no_match]


@pytest.mark.parametrize(("family", "title"), MATCH)
def test_roles_yaml_match_examples(family: str, title: str) -> None:
    assert family in classify_title(title)


@pytest.mark.parametrize(("family", "title"), NO_MATCH)
def test_roles_yaml_no_match_examples(family: str, title: str) -> None:
    assert family not in classify_title(title)


def test_every_family_has_examples() -> None:
    families = {r.family for r in RULES.rules if r.match}
    assert families == set(ROLE_FAMILIES)


# Real titles from the snapshot (Glassdoor, HN structured rows).
@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Sr Data Scientist", ["data_scientist"]),
        ("Data Engineer", ["data_engineer"]),
        ("Staff Software Engineer - Applied ML", ["ml_engineer"]),
        ("Backend Developer/Data Engineer", ["data_engineer", "software_engineer"]),
        ("ML Research Scientist", ["research_scientist"]),
        ("Applied Machine Learning Researcher", ["research_scientist"]),
        ("AI Agent Engineer", ["ai_engineer"]),
        ("AI Full Stack Engineer", ["ai_engineer"]),
        ("Senior DevSecOps Engineer", ["software_engineer"]),
        ("Engineering Manager", ["software_engineer"]),
        ("Senior Software Support Engineer (Linux)", ["other"]),
        ("Senior Technical Product Manager", ["other"]),
        ("Sales Development Representative", ["other"]),
        ("Founding Engineer (Full Stack)", ["software_engineer"]),
        ("Machine Learning Engineer", ["ml_engineer"]),
        ("Founding ML Engineer", ["ml_engineer"]),
        ("Senior Angular Frontend Engineer", ["software_engineer"]),
        ("Data Analyst", ["data_analyst"]),
        ("", ["other"]),
    ],
)
def test_real_titles(title: str, expected: list[str]) -> None:
    assert classify_title(title) == expected


# Real HN comment openings (snapshot hn_union / hn_2026), as plain text.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hatchet | Founding Engineer | NYC or REMOTE (US and EU) | https://hatchet.run\nHey HN!",
            ["software_engineer"],
        ),
        ("x.ai - NY - Data Engineer\nAt x.ai, we are building an AI powered assistant.", ["data_engineer"]),
        (
            "Yieldify | London, UK | Onsite | https://www.yieldify.com/careers | Full-time open positions:"
            "\n\n* Software Engineer (UI, Backend)\n* Data Infrastructure Engineer\n\nYieldify is a MarTech",
            ["data_engineer", "software_engineer"],
        ),
        (
            "Cogent Labs | Software Engineer (research department), Research Scientist | Tokyo, Japan | "
            "ONSITE, FULLTIME, VISA\nWe are a well funded artificial intelligence startup",
            ["research_scientist", "software_engineer"],
        ),
        (
            "Blend Labs - https://blendlabs.com - San Francisco, CA - Hiring: Software Engineers, "
            "Implementation Engineers, Data Engineer, UI/UX Designer, Visual Designer\nBlend Labs is fixing",
            ["data_engineer", "software_engineer", "other"],  # the designers are roles too (GUIDELINES_ROLES)
        ),
        (
            "Osper | Backend Engineer, DevOps Engineer, DevOps Contractor | London, UK | VISA ONSITE\nOsper",
            ["software_engineer"],
        ),
        (
            "Medfusion | medfusion.com | Cary, NC (USA) | Full Time | ONSITE\n=== Who we are ===\n"
            "We are mid-sized, innovative healthcare SaaS company.",
            ["other"],
        ),
        (
            "Gaetan Consulting - Junior and Veteran AI/Machine Learning engineers and interns needed. "
            "Remote OK\n- We are developing ways of clustering",
            ["ml_engineer", "ai_engineer"],  # "AI/Machine Learning engineers" name both families
        ),
    ],
)
def test_hn_headers_and_role_lines(text: str, expected: list[str]) -> None:
    assert hn_roles(text) == expected


def test_hn_header_skips_part_counter_and_joins_continuation() -> None:
    from skillpulse.extractors.roles import hn_header

    assert hn_header("1/2\nLloyds Banking Group | Bristol, London | Full-time\nWe are").startswith("Lloyds")
    text = "Atomic Object | Senior Software Developer & Consultant\n| ONSITE | Full Time | Raleigh, NC\nhttps://x"
    assert hn_header(text).endswith("Raleigh, NC")


def test_classify_posting_prefers_title() -> None:
    assert classify_posting("Data Scientist", "Acme | Backend Engineer | NYC") == ["data_scientist"]
    assert classify_posting(None, "Acme | Backend Engineer | NYC") == ["software_engineer"]


def test_bad_rules_file_names_the_rule(tmp_path: Path) -> None:
    bad = tmp_path / "roles.yaml"
    bad.write_text("rules:\n  - family: wizard\n    patterns: ['x']\n")
    with pytest.raises(RolesError, match="wizard"):
        load_roles(bad)
    bad.write_text("rules:\n  - family: other\n    patterns: ['(']\n")
    with pytest.raises(RolesError, match="bad pattern"):
        load_roles(bad)


# GUIDELINES_ROLES (benchmarks/gold/roles): multi-role comments keep every role, "other" roles included.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Fluidstack | SWE, SRE, Networking, Infra, TPM, PM, and many more | SF, NYC | Full-Time\nAbout",
            ["software_engineer", "other"],
        ),
        ("Acme | Sr/Staff Software Engineers & PM | REMOTE\nWe build", ["software_engineer", "other"]),
        ("Acme | Founding Engineer / Founding GTM | SF\nWe build", ["software_engineer", "other"]),
        # no role named, but engineers asked for: software engineering (rule 4)
        ("San Francisco.\nWe really need some more front-end engineers. Call us.", ["software_engineer"]),
    ],
)
def test_multi_role_comments_keep_every_role(text: str, expected: list[str]) -> None:
    assert hn_roles(text) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("AI/ML Engineer (Redmond,WA- Onsite)", ["ml_engineer", "ai_engineer"]),
        ("Artificial Intelligence and Machine Leaning Engineer", ["ml_engineer", "ai_engineer"]),
        ("Member of Technical Staff - ML Research Engineer, VLM Data", ["research_scientist"]),
        ("Member of Technical Staff", ["software_engineer"]),
        ("Machine Learning Engineer, Platform", ["mlops_engineer"]),
        ("ML Ops Engineer", ["mlops_engineer"]),
        ("Senior Quality Assurance Automation Engineer", ["other"]),
        ("Business Systems Analyst", ["data_analyst"]),
        ("SENIOR DATABASE ENGINEER (CASSANDRA)", ["data_engineer"]),
    ],
)
def test_modern_titles(title: str, expected: list[str]) -> None:
    assert classify_title(title) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Acme | Early Engineer (Full-Stack / AI) | REMOTE (US)\nWe build",
            ["ai_engineer", "software_engineer"],
        ),
        (
            "Acme | Founding team (AI, infrastructure, full-stack, designer) | SF\nx",
            ["ai_engineer", "software_engineer", "other"],
        ),
        ("Acme | Security, Machine Learning | Backend Engineer | NYC\nx", ["software_engineer"]),
        ("Acme | Founding Researcher | REMOTE\nWe build models", ["research_scientist"]),
        ("Acme | AI Native Software Engineer (All Levels) | Bay Area\nx", ["software_engineer"]),
        (
            "Acme | NYC | Full Time\nI'm hiring for some really fun product manager roles on our platform.",
            ["other"],
        ),
    ],
)
def test_role_slots_and_sentences(text: str, expected: list[str]) -> None:
    assert hn_roles(text) == expected
