"""Teamtailor: the recorded Ferd ``jobs.rss`` feed through the loopback server into a store, and faults."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from collect_helpers import collect, rows
from loopback_server import LoopbackServer, Reply, Request, fixture_bytes, http_settings

from skillpulse.flows.sources.config import check_config, parse_config
from skillpulse.flows.sources.teamtailor import settings

FEED = "teamtailor/jobs_rss_ferd.xml.gz"
RSS = "application/rss+xml; charset=utf-8"
FERD_PATH = "/teamtailor/ferd/jobs.rss"
BROKEN_PATH = "/teamtailor/broken/jobs.rss"


def make(server: LoopbackServer, tmp_path: Path, companies: list[str], **options):
    return parse_config(
        {
            "http": http_settings(tmp_path / "c.sqlite"),
            "sources": {
                "teamtailor": {
                    "base_url": server.url("/teamtailor"),
                    "companies": companies,
                    "min_interval": 0,
                    **options,
                }
            },
            "batch_size": 50,
        }
    )


def sequence(*replies: Reply):
    """Answer with each reply in turn, the last one from then on."""
    calls = {"n": 0}

    def handle(request: Request) -> Reply:
        reply = replies[min(calls["n"], len(replies) - 1)]
        calls["n"] += 1
        return reply

    return handle


def test_feed_url_mapping():
    assert settings.feed_url(settings.BASE_URL, "ferd") == "https://ferd.teamtailor.com/jobs.rss"
    assert settings.feed_url("http://mirror.test/tt/", "ferd") == "http://mirror.test/tt/ferd/jobs.rss"
    assert settings.feed_url("http://{company}.mirror.test", "ferd") == "http://ferd.mirror.test/jobs.rss"


def test_teamtailor_feed_is_collected(store, server, tmp_path):
    server.static(FERD_PATH, fixture_bytes(FEED), content_type=RSS)
    result = collect(store, make(server, tmp_path, ["ferd"]), "teamtailor")
    assert result.fetched == 3 and result.counts.new == 3
    assert result.failed == [] and result.counts.quarantined == 0
    jobs = rows(store, "teamtailor")
    assert set(jobs) == {"8344301", "8293879", "5513797"}  # the numeric ids from <link>
    job = jobs["8344301"]
    assert job["title"] == "Ferd Digital Internship"
    assert job["company"] == "Ferd"  # the channel <title>
    assert job["url"] == "https://ferd.teamtailor.com/jobs/8344301-ferd-digital-internship"
    assert json.loads(job["locations"]) == ["Oslo, Norway"]
    assert job["remote"] is False  # <remoteStatus>none</remoteStatus>
    assert job["posted_at"] == datetime(2026, 9, 8, 17, 7, tzinfo=UTC)  # 19:07 +0200
    assert job["text_kind"] == "full"
    # Entity-escaped HTML, unescaped exactly once: real tags, no "&lt;", non-ASCII kept.
    assert job["description"].startswith("<p><span>Ferd er et familieeid norsk investeringsselskap")
    assert '<p class="paragraph">' in job["description"] and "&lt;" not in job["description"]
    assert "«skape varige verdier" in job["description"]
    assert job["text"].startswith("Ferd er et familieeid")
    attributes = json.loads(job["attributes"])
    assert attributes["department"] == "Digital" and attributes["role"] == "Intern Ferd Digital"
    assert attributes["remote_status"] == "none" and attributes["board"] == "ferd"
    assert attributes["guid"] == "a23bdfdf-e5b7-49d8-8923-e77f96224a6f"
    open_position = jobs["8293879"]
    assert (
        '<a target="_blank" href="https://ferd.no/en/contact/work-at-ferd/">' in open_position["description"]
    )
    assert json.loads(open_position["attributes"])["role"] is None  # the empty element <tt:role/>
    assert jobs["5513797"]["title"] == "Åpen søknad"
    assert jobs["5513797"]["posted_at"] == datetime(2025, 2, 4, 11, 35, 9, tzinfo=UTC)
    [hit] = server.hits(FERD_PATH)
    assert "application/rss+xml" in hit.headers["accept"]


def test_unchanged_feed_is_not_modified(store, server, tmp_path):
    server.static(FERD_PATH, fixture_bytes(FEED), content_type=RSS)
    config = make(server, tmp_path, ["ferd"])
    collect(store, config, "teamtailor")
    again = collect(store, config, "teamtailor", run_id="run-2")
    assert again.not_modified == 1 and again.counts.unchanged == 3 and again.counts.new == 0
    assert [h.status for h in server.hits(FERD_PATH)] == [200, 304]


def test_503_then_the_feed_is_retried(store, server, tmp_path):
    body = fixture_bytes(FEED)
    server.route(
        FERD_PATH,
        sequence(Reply(503, b"busy", headers={"Retry-After": "0"}), Reply(body=body, content_type=RSS)),
    )
    result = collect(store, make(server, tmp_path, ["ferd"]), "teamtailor")
    assert result.counts.new == 3 and not result.failed
    assert [h.status for h in server.hits(FERD_PATH)] == [503, 200]


def test_a_failing_company_does_not_stop_the_others(store, server, tmp_path):
    server.static(FERD_PATH, fixture_bytes(FEED), content_type=RSS)
    server.route(BROKEN_PATH, lambda request: Reply(500, b"oops"))
    result = collect(store, make(server, tmp_path, ["broken", "ferd"]), "teamtailor")
    assert result.counts.new == 3
    assert len(result.failed) == 1 and result.failed[0].startswith("teamtailor:broken:")
    assert len(server.hits(BROKEN_PATH)) == 4  # the first try and 3 retries
    assert {json.loads(r["attributes"])["board"] for r in rows(store, "teamtailor").values()} == {"ferd"}


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        # Content-Length promises the whole feed, 4000 bytes arrive: the HTTP layer notices.
        (Reply(body=fixture_bytes(FEED), content_type=RSS, truncate_to=4000), "network"),
        # No Content-Length, the connection closes after 4000 bytes: the XML parser notices.
        (Reply(body=fixture_bytes(FEED)[:4000], content_type=RSS, omit_length=True), "schema"),
    ],
)
def test_a_truncated_feed_fails_its_company_only(store, server, tmp_path, reply, kind):
    server.route(FERD_PATH, lambda request: reply)
    result = collect(store, make(server, tmp_path, ["ferd"]), "teamtailor")
    assert result.error is None and len(result.failed) == 1 and result.failure_kinds == [kind]
    assert rows(store, "teamtailor") == {}


def test_a_feed_declaring_a_dtd_is_refused(store, server, tmp_path):
    # The recorded feed with an internal DTD (one entity) inserted after the XML declaration.
    body = fixture_bytes(FEED).replace(b"?>\n", b'?>\n<!DOCTYPE rss [<!ENTITY company "Ferd">]>\n', 1)
    server.static(FERD_PATH, body, content_type=RSS)
    result = collect(store, make(server, tmp_path, ["ferd"]), "teamtailor")
    assert result.failure_kinds == ["schema"] and "DOCTYPE" in result.failed[0]
    assert rows(store, "teamtailor") == {}


def test_an_item_without_its_link_is_quarantined(store, server, tmp_path):
    # The recorded feed with the <link> (where the job id lives) of its first item removed.
    link = b"<link>https://ferd.teamtailor.com/jobs/8344301-ferd-digital-internship</link>"
    body = fixture_bytes(FEED)
    assert body.count(link) == 1
    server.static(FERD_PATH, body.replace(link, b""), content_type=RSS)
    result = collect(store, make(server, tmp_path, ["ferd"]), "teamtailor")
    assert result.counts.quarantined == 1 and result.counts.new == 2 and not result.failed
    assert set(rows(store, "teamtailor")) == {"8293879", "5513797"}
    [(reason,)] = store.con.execute("SELECT reason FROM quarantine WHERE source = 'teamtailor'").fetchall()
    assert "missing link" in reason


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        ("    companys: [ferd]\n", "sources.teamtailor: unknown key 'companys' — did you mean 'companies'?"),
        (
            "    companies: {ferd: 1}\n",
            "sources.teamtailor.companies: expected text or a list of them, got {",
        ),
    ],
)
def test_options_are_checked_with_their_line(tmp_path, entry, needle):
    path = tmp_path / "sources.yaml"
    text = "sources:\n  teamtailor:\n    enabled: false\n" + entry
    [problem] = check_config(path, text)
    assert problem.startswith(f"{path}:4: ") and needle in problem, problem
