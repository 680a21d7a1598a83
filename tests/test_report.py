"""The report built from a store: every output, escaped posting text, and a fresh committed example."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from skillpulse.extractors.taxonomy import Skill, Taxonomy
from skillpulse.flows.sources.posting import Posting
from skillpulse.flows.store import Store
from skillpulse.reports.build import build_report
from skillpulse.reports.claims import load_claims
from skillpulse.reports.fingerprint import fingerprint

REPO = Path(__file__).resolve().parent.parent
CLAIM_IDS = [c["id"] for c in load_claims().claims]  # their order is checked in test_claims
TAXONOMY = Taxonomy(
    Path("t.yaml"),
    tuple(Skill(id=s, name=s.title(), category="language") for s in ("python", "java")),
    "test",
)
HOSTILE = (
    '<script>window.__pwned = true; document.title = "pwned"</script><img src=x onerror="window.__pwned=1">'
)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """A small store: recent ML-engineer job descriptions (titles with a script) and others, with skills."""
    root = tmp_path_factory.mktemp("report")
    with Store(root / "r.duckdb") as store:
        postings = [
            Posting(
                "greenhouse",
                str(i),
                f"Machine Learning Engineer {HOSTILE}",
                "Acme",
                "<p>Python</p>",
                raw={},
                posted_at=datetime(2025, 3, 1, tzinfo=UTC),
            )
            for i in range(40)
        ]
        postings += [
            Posting(
                "greenhouse",
                str(100 + i),
                "Account Executive",
                "Acme",
                "<p>Java</p>",
                raw={},
                posted_at=datetime(2025, 3, 1, tzinfo=UTC),
            )
            for i in range(40)
        ]
        store.upsert_postings(postings)
        keys = [p.key for p in postings]
        store.con.executemany(
            "INSERT INTO extractions SELECT ?, 'x', content_hash, 1, now() FROM postings "
            "WHERE posting_key = ?",
            [[k, k] for k in keys],
        )
        store.con.executemany(
            "INSERT INTO posting_skills VALUES (?, 'x', ?, 1, 0, 1, 'x')",
            [[k, "python" if i < 40 else "java"] for i, k in enumerate(keys)],
        )
        store.con.executemany(
            "INSERT INTO posting_roles VALUES (?, 'e', ?)",
            [[k, "ml_engineer" if i < 40 else "other"] for i, k in enumerate(keys)],
        )
        build_report(store.con, TAXONOMY, "x", "e", root / "reports", run_date=date(2026, 11, 24))
    return root / "reports"


def test_every_output_is_written(report):
    run = report / "2026-11-24"
    assert (report / "latest").resolve() == run.resolve()
    for name in ("report.html", "report.md", "claims.json", "fingerprint.json"):
        assert (run / name).is_file(), name
    for table in ("skill_shares", "evidence", "pay_postings", "demand_monthly", "guide_leaves_out"):
        assert (run / f"{table}.csv").is_file() and (run / f"{table}.parquet").is_file(), table
    assert {p.stem for p in (run / "charts").glob("*.svg")} >= {*CLAIM_IDS, "skill-shares", "cooccurrence"}


def test_claims_json_has_one_object_per_claim_in_order(report):
    claims = json.loads((report / "latest" / "claims.json").read_text())
    assert [c["id"] for c in claims] == CLAIM_IDS
    for c in claims:
        assert {"id", "claim", "verdict", "reason", "evidence"} <= set(c)
        assert c["verdict"] in {"supported", "contradicted", "mixed", "insufficient"}
    languages = next(c for c in claims if c["id"] == "languages")
    python = next(e for e in languages["evidence"] if e["source"] == "combined" and e["subject"] == "python")
    assert (python["value"], python["n"], python["period"]) == (1.0, 40, "2024–2026")
    assert languages["plain"] and languages["deciding"]


def test_numbers_in_the_report_come_from_its_tables(report):
    evidence = pd.read_parquet(report / "latest" / "evidence.parquet")
    shares = pd.read_csv(report / "latest" / "skill_shares.csv")
    row = shares[(shares.role_group == "ml_engineer") & (shares.skill_id == "python")].iloc[0]
    assert (row.n_mentioning, row.n_postings) == (40, 40)
    assert len(evidence[evidence.claim_id == "languages"]) > 0


def test_posting_text_is_shown_as_text(report):
    html = (report / "latest" / "report.html").read_text()
    assert "&lt;script&gt;window.__pwned" in html
    assert "<script" not in html
    assert "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=&quot;", "")
    assert "<script" not in (report / "latest" / "report.md").read_text()


def test_html_has_no_external_references(report):
    html = (report / "latest" / "report.html").read_text()
    for needle in ("http://", "https://", 'src="//'):
        assert needle not in html.replace("http://www.w3.org", "")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")
def test_report_renders_in_headless_chromium_without_network_or_errors(report):
    from playwright.sync_api import sync_playwright

    page_url = (report / "latest" / "report.html").resolve().as_uri()
    requests, errors = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_url, wait_until="load")
        rows = page.locator("#verdicts tbody tr")
        assert rows.count() == len(CLAIM_IDS)
        assert page.locator("#verdicts").is_visible()
        claims_shown = [rows.nth(i).get_attribute("data-claim") for i in range(rows.count())]
        pwned = page.evaluate("window.__pwned")
        title = page.title()
        images_ok = page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
        browser.close()
    assert claims_shown == CLAIM_IDS
    assert pwned is None and "pwned" not in title
    assert images_ok
    assert [u for u in requests if not u.startswith(("file://", "data:"))] == []
    assert errors == []


def test_committed_example_report_is_fresh():
    committed = REPO / "examples" / "report" / "latest" / "fingerprint.json"
    assert committed.is_file(), (
        "the example report is missing: run `make example` and commit examples/report/"
    )
    assert json.loads(committed.read_text()) == fingerprint(), (
        "examples/report/latest was generated from other code, taxonomy, claims or data: "
        "run `make example` and commit it"
    )
