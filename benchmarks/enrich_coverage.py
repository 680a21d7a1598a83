"""Coverage of enrichment on the whole bundled snapshot: share of postings with a role (not "other"), a
salary (by provenance), a country, an industry; and the duplicate rate found.

Run: ``.venv/bin/python benchmarks/enrich_coverage.py [--db path]`` (a fresh temporary store by default;
takes a few minutes). Prints a Markdown table per source.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from skillpulse.extractors.salary import parse_pay  # noqa: E402
from skillpulse.extractors.stated_pay import StatedPay  # noqa: E402
from skillpulse.flows.sources.snapshot import SnapshotSource  # noqa: E402
from skillpulse.flows.sources.snapshot import hn as snapshot  # noqa: E402 - the HN readers look it up here
from skillpulse.flows.steps import enrich as enrich_step  # noqa: E402
from skillpulse.flows.steps.collect import collect  # noqa: E402
from skillpulse.flows.store import Store  # noqa: E402

QUERY = """
WITH v AS (SELECT ? AS version),
roles AS (
    SELECT posting_key, bool_or(role <> 'other') AS has_role, bool_or(role = 'ml_engineer') AS mle
    FROM posting_roles, v WHERE enricher_version = v.version GROUP BY 1
),
sal AS (
    SELECT posting_key,
           bool_or(provenance = 'structured' AND rejected_reason IS NULL) AS s_structured,
           bool_or(provenance = 'text' AND rejected_reason IS NULL) AS s_text,
           bool_or(provenance = 'estimate' AND rejected_reason IS NULL) AS s_estimate,
           bool_or(provenance = 'survey' AND rejected_reason IS NULL) AS s_survey,
           count(*) FILTER (WHERE rejected_reason IS NOT NULL) AS rejected,
           count(*) FILTER (WHERE rejected_reason IS NULL) AS accepted
    FROM posting_salaries, v WHERE enricher_version = v.version GROUP BY 1
)
SELECT p.source,
       count(*) AS postings,
       avg(coalesce(r.has_role, false)::INT) AS role,
       avg(coalesce(r.mle, false)::INT) AS ml_engineer,
       avg((coalesce(s.accepted, 0) > 0)::INT) AS salary,
       avg(coalesce(s.s_structured, false)::INT) AS sal_structured,
       avg(coalesce(s.s_text, false)::INT) AS sal_text,
       avg(coalesce(s.s_estimate, false)::INT) AS sal_estimate,
       sum(coalesce(s.rejected, 0)) AS salaries_rejected,
       avg((json_array_length(e.countries) > 0)::INT) AS country,
       avg((e.industry <> 'unknown')::INT) AS industry,
       avg((e.remote_mode <> 'unknown')::INT) AS remote_known,
       avg((e.seniority <> 'unknown')::INT) AS seniority,
       1 - count(DISTINCT e.dup_group) / count(*) AS dup_rate
FROM postings p
JOIN posting_enrichment e ON e.posting_key = p.posting_key AND e.enricher_version = (SELECT version FROM v)
LEFT JOIN roles r ON r.posting_key = p.posting_key
LEFT JOIN sal s ON s.posting_key = p.posting_key
GROUP BY ROLLUP (p.source)
ORDER BY p.source NULLS LAST
"""


def _tolerate_iso_times() -> None:
    """Work around a snapshot-source bug (reported to the lead): 6,707 hn_union rows carry ``time`` as an
    ISO string, which ``_hn_posting`` passes to ``datetime.fromtimestamp`` and the whole collect stops.
    Converted here, in this script only, so coverage is measured on every posting."""
    original = snapshot._hn_posting

    def patched(row, source_id, month):
        if isinstance(row.get("time"), str):
            value = row["time"].split(" ")[0].replace("Z", "+00:00")  # also "2025-01-02T16:06:56 1735834016"
            try:
                row = {**row, "time": datetime.fromisoformat(value).timestamp()}
            except ValueError:
                row = {**row, "time": None}
        return original(row, source_id, month)

    snapshot._hn_posting = patched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp()) / "coverage.duckdb"
    _tolerate_iso_times()
    with Store(db) as store:
        t0 = time.perf_counter()
        collected = collect(store, SnapshotSource(), run_id="coverage")
        if collected.error:
            raise SystemExit(f"collect failed: {collected.error}")
        t1 = time.perf_counter()
        result = enrich_step.enrich(store)
        t2 = time.perf_counter()
        print(f"collected in {t1 - t0:.0f} s; enriched {result['enriched']} in {t2 - t1:.0f} s; {result}")
        print(f"enricher version {enrich_step.ENRICHER_VERSION}\n")
        frame = store.con.execute(QUERY, [enrich_step.ENRICHER_VERSION]).df()
        frame["source"] = frame["source"].fillna("ALL")
        pct = [c for c in frame.columns if c not in ("source", "postings", "salaries_rejected")]
        for c in pct:
            frame[c] = (frame[c] * 100).round(1)
        print("| " + " | ".join(frame.columns) + " |")
        print("|" + "---|" * len(frame.columns))
        for row in frame.itertuples(index=False):
            print("| " + " | ".join(str(v) for v in row) + " |")
        kinds = store.con.execute(
            "SELECT dup_kind, count(*) FROM posting_enrichment WHERE enricher_version = ? "
            "GROUP BY 1 ORDER BY 2",
            [enrich_step.ENRICHER_VERSION],
        ).fetchall()
        print("\nduplicate links by kind (postings joined to a group by):", kinds)
        survey = SnapshotSource().survey()
        accepted = sum(
            1
            for usd in survey["salary_in_usd"]
            if any(
                x.rejected is None
                for x in parse_pay(StatedPay(float(usd), float(usd), "USD", "year", "survey"))
            )
        )
        print(
            f"survey rows (respondents, not postings; provenance 'survey'): {len(survey)}, "
            f"with a plausible salary_in_usd: {accepted}"
        )


if __name__ == "__main__":
    main()
