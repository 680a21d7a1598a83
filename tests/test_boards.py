"""Board discovery: ATS board identifiers from the links in stored postings, as a CSV a user can edit."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from skillpulse.flows.sources.discovery import boards_in, discover, read_boards, write_boards
from skillpulse.flows.sources.posting import Posting
from skillpulse.flows.store import Store

# Links as they appear in the recorded API bodies (tests/sources/fixtures/) and in bundled HN comments.
REAL_LINKS = [
    ("https://jobs.ashbyhq.com/Aspora/051457c0-84d6-426f-b84b-651088dd77c1", ("ashby", "Aspora")),
    ("https://collectivemeasures.bamboohr.com/careers/214", ("bamboohr", "collectivemeasures")),
    ("https://breezy.breezy.hr/p/088ac6d52139-open-position", ("breezy", "breezy")),
    ("https://jobs.lever.co/moo/2ee097b2-cc6a-4f17-84fc-fa8603411eb0", ("lever", "moo")),
    ("https://nmbrs.recruitee.com/o/customer-care-specialist", ("recruitee", "nmbrs")),
    ("https://ats.rippling.com/11fs-group-ltd/jobs/3c36e9c8-1bee", ("rippling", "11fs-group-ltd")),
    (
        "https://api.smartrecruiters.com/v1/companies/WesternDigital/postings/7",
        ("smartrecruiters", "WesternDigital"),
    ),
    ("https://ferd.teamtailor.com/jobs", ("teamtailor", "ferd")),
    ("https://clark.jobs.personio.de/job/1", ("personio", "clark")),
    (
        "https://hitachi.wd1.myworkdayjobs.com/hitachi/job/Kocaeli-Kocaeli-Turkey/Maintenance-Worker_R0119001",
        ("workday", "hitachi.wd1/hitachi"),
    ),
    (
        "https://synchronyfinancial.wd5.myworkdayjobs.com/en-US/University/job/x",
        ("workday", "synchronyfinancial.wd5/University"),
    ),
    ('<a href="http://boards.greenhouse.io/prismatic/jobs/5971">', ("greenhouse", "prismatic")),
    ("https://boards.greenhouse.io/embed/job_board?for=disqus", ("greenhouse", "disqus")),
    ("https://apply.workable.com/pusher/j/ABC123", ("workable", "pusher")),
]


@pytest.mark.parametrize(("text", "expected"), REAL_LINKS)
def test_each_ats_link_names_its_board(text, expected):
    assert set(boards_in(text)) == {expected}


@pytest.mark.parametrize(
    "text",
    [
        "https://apply.workable.com/j/01B0CB39DD",  # one job's short link, no account in it
        "http://app.greenhouse.io/ai_opt_out_request/job_post/5853989/ai_opt_out",  # Greenhouse's own app
        "https://www.lever.co/privacy-policy",
        "https://app.ashbyhq.com/api/images/org-theme-logo/ca0c1074",
        "We use Greenhouse.io and Lever for hiring",  # names, not links
        "https://www.bamboohr.com/pricing",
    ],
)
def test_links_that_name_no_board(text):
    assert list(boards_in(text)) == []


def test_an_hn_link_shortened_for_display_counts_once_by_its_href():
    # A bundled HN comment: the href is whole, the visible text cut with "...".
    comment = (
        '<a href="https:&#x2F;&#x2F;boards.greenhouse.io&#x2F;majorleaguebaseballadvancedmedia'
        '&#x2F;jobs&#x2F;1" rel="nofollow">'
        "https:&#x2F;&#x2F;boards.greenhouse.io&#x2F;majorleaguebaseballadvancedmedi...</a>"
    )
    assert set(boards_in(comment)) == {("greenhouse", "majorleaguebaseballadvancedmedia")}


def test_discover_counts_postings_and_first_and_last_seen(tmp_path):
    items = [
        ("hn:1", datetime(2016, 3, 1, tzinfo=UTC), "jobs.lever.co/acme and jobs.lever.co/acme/123"),
        ("hn:2", datetime(2019, 5, 1, tzinfo=UTC), "https://jobs.lever.co/ACME/9"),
        ("hn:3", date(2017, 1, 1), "https://acme.recruitee.com/o/x"),
    ]
    boards = discover(items)
    lever = boards[("lever", "acme")]
    assert (lever.first_seen, lever.last_seen, lever.postings) == (
        date(2016, 3, 1),
        date(2019, 5, 1),
        {"hn:1", "hn:2"},
    )
    path = tmp_path / "boards.csv"
    assert write_boards(boards, path, {"lever"}) == 2
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert rows[0]["ats"] == "lever" and rows[0]["postings"] == "2" and rows[0]["collectable"] == "yes"
    assert rows[1]["collectable"] == "no"
    assert read_boards(path, "lever") == ["acme"]
    assert read_boards(path, "lever", since=date(2019, 6, 1)) == []  # last seen before that date


def _cli(*args, home):
    env = {"SKILLPULSE_HOME": str(home), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "skillpulse.flows.cli", "boards", "discover", *args],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip


def test_the_command_writes_the_csv_and_a_table_per_ats(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        store.upsert_postings(
            [
                Posting("hn", "1", None, None, '<a href="https://jobs.lever.co/acme">x</a>', raw={}),
                Posting("hn", "2", None, None, "Apply: https://jobs.ashbyhq.com/Beta/123", raw={}),
            ]
        )
    done = _cli("--db", str(tmp_path / "s.duckdb"), "--out", str(tmp_path / "b.csv"), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "lever" in done.stdout and "ashby" in done.stdout and "2 boards" in done.stdout
    assert {r["board"] for r in csv.DictReader((tmp_path / "b.csv").open())} == {"acme", "Beta"}


def test_nothing_to_scan_is_one_line_and_exit_2(tmp_path):
    done = _cli("--db", str(tmp_path / "none.duckdb"), home=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stdout + done.stderr
    assert "nothing to scan" in done.stdout and not (tmp_path / "none.duckdb").exists()


def test_sources_yaml_can_add_the_discovered_boards_seen_since_a_date(tmp_path):
    from skillpulse.flows.http import Runtime
    from skillpulse.flows.sources import LIVE_SOURCES
    from skillpulse.flows.sources.config import load_config

    boards = discover(
        [
            ("hn:1", date(2024, 1, 1), "https://boards.greenhouse.io/oldco"),
            (
                "hn:2",
                date(2025, 6, 1),
                "https://boards.greenhouse.io/newco https://boards.greenhouse.io/anthropic",
            ),
            ("hn:3", date(2025, 6, 1), "https://jobs.lever.co/leverco"),
        ]
    )
    csv_path = tmp_path / "boards.csv"
    write_boards(boards, csv_path, {"greenhouse", "lever"})
    config_path = tmp_path / "sources.yaml"
    config_path.write_text(
        "sources:\n  greenhouse:\n    boards: [anthropic]\n"
        f"    discovered: {{file: '{csv_path}', since: '2025-01-01'}}\n",
        encoding="utf-8",
    )
    config = load_config(config_path)
    with Runtime() as runtime:
        source = LIVE_SOURCES["greenhouse"](config.source("greenhouse"), runtime)
    assert source.options.boards == ["anthropic", "newco"]  # named first, then new ones seen since 2025


@pytest.mark.parametrize(
    ("discovered", "needle"),
    [
        ({"file": "/nonexistent/boards.csv"}, "run `skillpulse boards discover` first"),
        ({"path": "x.csv"}, "write {file: boards.csv, since: YYYY-MM-DD}"),
    ],
)
def test_a_discovered_entry_that_cannot_be_used_says_why(tmp_path, discovered, needle):
    from skillpulse.flows.http import Runtime
    from skillpulse.flows.sources import LIVE_SOURCES
    from skillpulse.flows.sources.config import SourceConfig

    with Runtime() as runtime, pytest.raises(ValueError, match=re.escape(needle)):
        LIVE_SOURCES["lever"](SourceConfig("lever", discovered=discovered), runtime)


def test_discovered_is_a_mapping_in_sources_yaml(tmp_path):
    from skillpulse.flows.sources.config import check_config

    path = tmp_path / "sources.yaml"
    problems = check_config(path, "sources:\n  lever:\n    discovered: boards.csv\n")
    assert len(problems) == 1 and "sources.lever.discovered: expected a mapping" in problems[0]
