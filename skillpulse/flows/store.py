"""The embedded DuckDB store: postings (every version kept), extractions, runs and quarantine.

Writes are idempotent: a posting is keyed by ``source:source_id`` and versioned by its content hash, so
loading the same data twice writes nothing new, and each batch commits in one transaction, so a crash
loses at most the batch in flight and a re-run picks up where it stopped.
"""

from __future__ import annotations

import itertools
import json
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from skillpulse.extractors.html import to_text
from skillpulse.flows.sources.posting import Posting, Quarantined
from skillpulse.flows.store_errors import opening_error, store_error

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status VARCHAR NOT NULL,
    summary JSON
);
CREATE TABLE IF NOT EXISTS postings (
    posting_key VARCHAR PRIMARY KEY,
    source VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    content_hash VARCHAR NOT NULL,
    url VARCHAR,
    company VARCHAR,
    title VARCHAR,
    locations JSON,
    remote BOOLEAN,
    posted_at TIMESTAMPTZ,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    closed_at TIMESTAMPTZ,
    text_kind VARCHAR NOT NULL,
    description VARCHAR,
    description_is_html BOOLEAN,
    text VARCHAR,
    pay JSON,
    attributes JSON,
    raw_payload BLOB
);
CREATE TABLE IF NOT EXISTS posting_versions (
    posting_key VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    content_hash VARCHAR NOT NULL,
    replaced_at TIMESTAMPTZ NOT NULL,
    title VARCHAR,
    description VARCHAR,
    pay JSON,
    raw_payload BLOB,
    PRIMARY KEY (posting_key, version)
);
CREATE TABLE IF NOT EXISTS gone_boards (
    source VARCHAR NOT NULL,
    board VARCHAR NOT NULL,
    status INTEGER NOT NULL,
    gone_since TIMESTAMPTZ NOT NULL,
    checked_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, board)
);
-- a file source collected as a whole (the bundled snapshot): what it was and what collecting it gave, so
-- a run whose files and code are unchanged need not read them again
CREATE TABLE IF NOT EXISTS collected_files (
    source VARCHAR PRIMARY KEY,
    fingerprint VARCHAR NOT NULL,
    result JSON NOT NULL,
    collected_at TIMESTAMPTZ NOT NULL
);
-- the last report written into each folder and what it was computed from, so an unchanged run reuses it
CREATE TABLE IF NOT EXISTS reports_written (
    run_dir VARCHAR PRIMARY KEY,
    inputs_key VARCHAR NOT NULL,
    verdict_table VARCHAR NOT NULL,
    written_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS quarantine (
    source VARCHAR NOT NULL,
    source_id VARCHAR,
    reason VARCHAR NOT NULL,
    payload VARCHAR,
    run_id VARCHAR,
    quarantined_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS extractions (
    posting_key VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    n_skills INTEGER NOT NULL,
    extracted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (posting_key, extractor_version)
);
-- what each extractor version's taxonomy could match, per skill: a later version compares its own with
-- it and re-extracts only the postings a change can affect (extractors/taxonomy_diff.py)
CREATE TABLE IF NOT EXISTS extractor_skills (
    extractor_version VARCHAR NOT NULL,
    skill_id VARCHAR NOT NULL,
    spec VARCHAR NOT NULL,
    PRIMARY KEY (extractor_version, skill_id)
);
CREATE TABLE IF NOT EXISTS posting_skills (
    posting_key VARCHAR NOT NULL,
    extractor_version VARCHAR NOT NULL,
    skill_id VARCHAR NOT NULL,
    n_mentions INTEGER NOT NULL,
    first_start INTEGER,
    first_end INTEGER,
    first_text VARCHAR,
    PRIMARY KEY (posting_key, extractor_version, skill_id)
);
CREATE TABLE IF NOT EXISTS posting_roles (
    posting_key VARCHAR NOT NULL,
    enricher_version VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    PRIMARY KEY (posting_key, enricher_version, role)
);
CREATE TABLE IF NOT EXISTS enrichments (
    posting_key VARCHAR NOT NULL,
    enricher_version VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    enriched_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (posting_key, enricher_version)
);
-- Enrichment (roles above, these by the enricher version): what the report's populations are made of.
CREATE TABLE IF NOT EXISTS posting_enrichment (
    posting_key VARCHAR NOT NULL,
    enricher_version VARCHAR NOT NULL,
    seniority VARCHAR NOT NULL,
    countries JSON NOT NULL,
    city VARCHAR,
    remote_mode VARCHAR NOT NULL,
    industry VARCHAR NOT NULL,
    company_norm VARCHAR,
    dup_group VARCHAR,
    dup_kind VARCHAR,
    PRIMARY KEY (posting_key, enricher_version)
);
CREATE TABLE IF NOT EXISTS posting_salaries (
    posting_key VARCHAR NOT NULL,
    enricher_version VARCHAR NOT NULL,
    n INTEGER NOT NULL,
    min DOUBLE,
    max DOUBLE,
    currency VARCHAR,
    period VARCHAR NOT NULL,
    annual_usd_min DOUBLE,
    annual_usd_max DOUBLE,
    provenance VARCHAR NOT NULL,
    raw VARCHAR,
    rejected_reason VARCHAR,
    PRIMARY KEY (posting_key, enricher_version, n)
);
CREATE TABLE IF NOT EXISTS survey_salaries (
    row_number INTEGER PRIMARY KEY,
    work_year INTEGER,
    experience_level VARCHAR,
    employment_type VARCHAR,
    job_title VARCHAR,
    salary DOUBLE,
    salary_currency VARCHAR,
    salary_in_usd DOUBLE,
    employee_residence VARCHAR,
    remote_ratio INTEGER,
    company_location VARCHAR,
    company_size VARCHAR
);
"""


_FULL_TEXT = "p.text_kind = 'full'"  # only full job descriptions are searched for skills
# What enrichment reads of a posting (postings_for_enrichment, pending_enrichment_frames)
_ENRICH_COLUMNS = (
    "p.posting_key, p.content_hash, p.source, p.source_id, p.title, p.company, p.text, p.locations, "
    "p.remote, p.pay::VARCHAR AS pay, p.attributes::VARCHAR AS attributes, p.posted_at"
)
ENRICH_CHUNK = 2048  # rows per frame DuckDB hands over at once (one vector)
# What a report reads, per table: the columns that decide it and which rows ($x: the extractor version,
# $e: the enricher version). A digest of them decides whether a report can be reused.
REPORT_INPUTS = [
    ("postings", "posting_key, content_hash, closed_at, posted_at", "TRUE"),
    ("posting_skills", "posting_key, skill_id, n_mentions", "extractor_version = $x"),
    ("extractions", "posting_key, content_hash", "extractor_version = $x"),
    ("posting_roles", "posting_key, role", "enricher_version = $e"),
    (
        "posting_enrichment",
        "posting_key, seniority, countries, city, remote_mode, industry, company_norm, dup_group, dup_kind",
        "enricher_version = $e",
    ),
    (
        "posting_salaries",
        "posting_key, n, annual_usd_min, annual_usd_max, rejected_reason",
        "enricher_version = $e",
    ),
    ("survey_salaries", "row_number, salary_in_usd, work_year, job_title", "TRUE"),
    ("quarantine", "source, source_id, reason", "TRUE"),
]
SKILL_COLUMNS = [
    "posting_key", "extractor_version", "skill_id", "n_mentions", "first_start", "first_end", "first_text",
]  # fmt: skip
EXTRACTION_COLUMNS = ["posting_key", "extractor_version", "content_hash", "n_skills", "extracted_at"]
ENRICHMENT_TABLES = {
    "posting_roles": ["posting_key", "enricher_version", "role"],
    "posting_enrichment": [
        "posting_key", "enricher_version", "seniority", "countries", "city", "remote_mode", "industry",
        "company_norm",
    ],
    "posting_salaries": [
        "posting_key", "enricher_version", "n", "min", "max", "currency", "period", "annual_usd_min",
        "annual_usd_max", "provenance", "raw", "rejected_reason",
    ],
    "enrichments": ["posting_key", "enricher_version", "content_hash", "enriched_at"],
}  # fmt: skip


@dataclass
class UpsertCounts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    quarantined: int = 0

    def add(self, other: UpsertCounts) -> None:
        self.new += other.new
        self.changed += other.changed
        self.unchanged += other.unchanged
        self.quarantined += other.quarantined


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of up to ``size`` items; callers write each list in one store transaction."""
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _memory_limit() -> str:
    """DuckDB's memory cap for the store: ``$SKILLPULSE_DUCKDB_MEMORY`` (e.g. ``2GB``), default 1 GB."""
    return os.environ.get("SKILLPULSE_DUCKDB_MEMORY", "1GB")


def _sql_literal(text: str) -> str:
    """A string inside single quotes in SQL (COPY's target cannot be a parameter)."""
    return text.replace("'", "''")


def _now() -> datetime:
    return datetime.now(UTC)


def _attributes_json(posting: Posting) -> str:
    return json.dumps(posting.attributes, ensure_ascii=False, default=str)


def compress_payload(payload: Any) -> bytes:
    return zlib.compress(json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8"), 6)


def decompress_payload(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob).decode("utf-8"))


class Store:
    """One DuckDB file. Open it, use it, close it (also a context manager)."""

    def __init__(self, path: Path | str) -> None:
        """Open (or create) the store; a store that cannot be used is one ``StoreError`` line.

        DuckDB's file lock is the lock between runs: while this connection is open, another process
        that opens the file is refused with "locked by another skillpulse run (pid N)". The same
        process may open it again (``run`` holds it while its tasks open their own connections).
        """
        self.path = Path(path)
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            # DuckDB caches the file's pages up to 80 % of RAM by default, so a run's memory grew with
            # the store (+1.3 GB at 100k postings); capped, it evicts and spills instead.
            self.con = duckdb.connect(str(path), config={"memory_limit": _memory_limit()})
        except (duckdb.Error, OSError) as exc:
            raise opening_error(exc, self.path) from exc
        try:
            self.con.execute(SCHEMA)
        except duckdb.Error as exc:  # e.g. a disk too full for the tables of a new store
            with suppress(duckdb.Error):
                self.con.close()
            raise opening_error(exc, self.path) from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close; DuckDB writes its last checkpoint here, so a full disk can still fail (one line)."""
        try:
            self.con.close()
        except duckdb.Error as exc:
            mapped = store_error(exc, self.path)
            if mapped is None:
                raise
            raise mapped from exc

    # -- runs ---------------------------------------------------------------------------------------
    def start_run(self, run_id: str) -> None:
        self.con.execute(
            "INSERT INTO runs VALUES (?, ?, NULL, 'running', NULL) ON CONFLICT DO NOTHING",
            [run_id, _now()],
        )

    def finish_run(self, run_id: str, status: str, summary: dict[str, Any]) -> None:
        self.con.execute(
            "UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE run_id = ?",
            [_now(), status, json.dumps(summary, default=str), run_id],
        )

    # -- postings -----------------------------------------------------------------------------------
    def upsert_postings(
        self, items: Iterable[Posting | Quarantined], run_id: str | None = None
    ) -> UpsertCounts:
        """Insert new postings, version changed ones, touch unchanged ones; quarantine the rest.

        The caller batches; one call is one transaction.
        """
        counts = UpsertCounts()
        now = _now()
        by_key: dict[str, Posting] = {}
        bad: list[Quarantined] = []
        for item in items:
            if isinstance(item, Quarantined):
                bad.append(item)
            else:
                by_key[item.key] = item  # later copies of one key in a batch win, explicitly
        with self.transaction():
            if bad:
                self._quarantine(bad, run_id, now)
                counts.quarantined = len(bad)
            if by_key:
                self._upsert(list(by_key.values()), now, counts)
        return counts

    def _quarantine(self, bad: Sequence[Quarantined], run_id: str | None, now: datetime) -> None:
        self.con.executemany(
            "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?)",
            [
                [q.source, q.source_id, q.reason, json.dumps(q.payload, default=str)[:100_000], run_id, now]
                for q in bad
            ],
        )

    def _upsert(self, postings: list[Posting], now: datetime, counts: UpsertCounts) -> None:
        hashes = {p.key: p.content_hash() for p in postings}
        keys = pd.DataFrame({"posting_key": list(hashes), "content_hash": list(hashes.values())})
        self.con.register("incoming_keys", keys)
        known = dict(
            self.con.execute(
                "SELECT p.posting_key, p.content_hash FROM postings p "
                "JOIN incoming_keys k USING (posting_key)"
            ).fetchall()
        )
        self.con.unregister("incoming_keys")
        new = [p for p in postings if p.key not in known]
        changed = [p for p in postings if p.key in known and known[p.key] != hashes[p.key]]
        unchanged = [p.key for p in postings if known.get(p.key) == hashes[p.key]]
        if changed:
            changed_keys = pd.DataFrame({"posting_key": [p.key for p in changed]})
            self.con.register("changed_keys", changed_keys)
            self.con.execute(
                "INSERT INTO posting_versions SELECT p.posting_key, p.version, p.content_hash, ?, p.title, "
                "p.description, p.pay, p.raw_payload FROM postings p JOIN changed_keys USING (posting_key)",
                [now],
            )
            versions = dict(
                self.con.execute(
                    "SELECT posting_key, version FROM postings JOIN changed_keys USING (posting_key)"
                ).fetchall()
            )
            first_seen = dict(
                self.con.execute(
                    "SELECT posting_key, first_seen_at FROM postings JOIN changed_keys USING (posting_key)"
                ).fetchall()
            )
            self.con.execute(
                "DELETE FROM postings WHERE posting_key IN (SELECT posting_key FROM changed_keys)"
            )
            self.con.unregister("changed_keys")
            self._insert(changed, hashes, now, versions, first_seen)
        if new:
            self._insert(new, hashes, now, {}, {})
        if unchanged:
            # Attributes are the source's metadata, not what a reader sees (not in the content hash): a
            # posting seen again takes the source's current ones (e.g. a link a newer release adds).
            by_key = {p.key: p for p in postings}
            seen_again = pd.DataFrame(
                {
                    "posting_key": unchanged,
                    "attributes": [_attributes_json(by_key[k]) for k in unchanged],
                }
            )
            self.con.register("unchanged_keys", seen_again)
            self.con.execute(
                "UPDATE postings SET last_seen_at = ?, closed_at = NULL, attributes = u.attributes::JSON "
                "FROM unchanged_keys u WHERE postings.posting_key = u.posting_key",
                [now],
            )
            self.con.unregister("unchanged_keys")
        counts.new += len(new)
        counts.changed += len(changed)
        counts.unchanged += len(unchanged)

    def _insert(
        self,
        postings: list[Posting],
        hashes: dict[str, str],
        now: datetime,
        old_versions: dict[str, int],
        first_seen: dict[str, datetime],
    ) -> None:
        frame = pd.DataFrame(
            {
                "posting_key": [p.key for p in postings],
                "source": [p.source for p in postings],
                "source_id": [p.source_id for p in postings],
                "version": [old_versions.get(p.key, 0) + 1 for p in postings],
                "content_hash": [hashes[p.key] for p in postings],
                "url": [p.url for p in postings],
                "company": [p.company for p in postings],
                "title": [p.title for p in postings],
                "locations": [json.dumps(p.locations, ensure_ascii=False) for p in postings],
                "remote": pd.array([p.remote for p in postings], dtype="boolean"),
                "posted_at": pd.to_datetime([p.posted_at for p in postings], utc=True),
                "first_seen_at": pd.to_datetime([first_seen.get(p.key, now) for p in postings], utc=True),
                "last_seen_at": pd.to_datetime([now] * len(postings), utc=True),
                "text_kind": [p.text_kind for p in postings],
                "description": [p.description for p in postings],
                "description_is_html": [p.description_is_html for p in postings],
                "text": [to_text(p.description, is_html=p.description_is_html) for p in postings],
                "pay": [json.dumps(p.pay_json(), ensure_ascii=False) if p.pay else None for p in postings],
                "attributes": [_attributes_json(p) for p in postings],
                "raw_payload": [compress_payload(p.raw) for p in postings],
            }
        )
        self.con.register("incoming_postings", frame)
        self.con.execute(
            "INSERT INTO postings SELECT posting_key, source, source_id, version, content_hash, url, "
            "company, "
            "title, locations::JSON, remote, posted_at, first_seen_at, last_seen_at, NULL, text_kind, "
            "description, description_is_html, text, pay::JSON, attributes::JSON, raw_payload "
            "FROM incoming_postings"
        )
        self.con.unregister("incoming_postings")

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction for the block: committed when it ends, rolled back (and the error re-raised)
        when it fails, so a killed or failing batch leaves nothing half-written. The only place that
        begins, commits or rolls back."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def load_survey(self, frame: pd.DataFrame) -> int:
        """Replace the survey table with ``frame``; the survey is a whole-file snapshot, not a feed."""
        frame = frame.reset_index(drop=True).copy()
        frame.insert(0, "row_number", range(len(frame)))
        self.con.register("incoming_survey", frame)
        try:
            with self.transaction() as con:
                con.execute("DELETE FROM survey_salaries")
                con.execute("INSERT INTO survey_salaries BY NAME SELECT * FROM incoming_survey")
        finally:
            self.con.unregister("incoming_survey")
        return len(frame)

    def count(self, table: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]  # noqa: S608

    def insert_rows(
        self, con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[tuple]
    ) -> None:
        """Bulk insert through a registered frame: DuckDB's ``executemany`` goes row by row (20k rows:
        7.3 s against 0.03 s here)."""
        if not rows:
            return
        con.register("insert_frame", pd.DataFrame(rows, columns=columns).astype(object))
        try:
            con.execute(f"INSERT OR REPLACE INTO {table} BY NAME SELECT * FROM insert_frame")  # noqa: S608
        finally:
            con.unregister("insert_frame")

    @contextmanager
    def _keys(self, name: str, keys: Sequence[str]) -> Iterator[None]:
        self.con.register(name, pd.DataFrame({"posting_key": list(keys)}, dtype=object))
        try:
            yield
        finally:
            self.con.unregister(name)

    # -- extraction: skills found per posting, by extractor version -----------------------------------
    def count_pending_extraction(self, extractor_version: str) -> int:
        return self._count_pending("extractions", "extractor_version", extractor_version, _FULL_TEXT)

    def pending_extraction_rows(
        self, extractor_version: str, size: int, limit: int | None = None
    ) -> Iterator[list[tuple]]:
        """Batches of ``(posting_key, content_hash, title, text)`` still to extract (at most ``limit``),
        streamed.

        One query read through a second connection while this one writes each batch's results: a scan of
        the store per run, not per batch (a join per batch grew with the store: 7 ms a batch at 10k
        postings, 63 ms at 100k), and only a batch at a time in memory. In no particular order: sorting
        the texts needs them all in DuckDB's memory at once (at 1M postings the enrichment query ran out
        of its 1 GB cap), and no posting's result depends on the order."""
        yield from self._stream(
            "SELECT p.posting_key, p.content_hash, p.title, p.text "
            + self._pending_from("extractions", "extractor_version", _FULL_TEXT),
            [extractor_version],
            size,
            limit,
        )

    def _stream(
        self,
        query: str,
        params: list,
        size: int,
        limit: int | None = None,
        frames: dict[str, pd.DataFrame] | None = None,
    ) -> Iterator[list[tuple]]:
        """Batches of ``size`` rows of ``query`` (at most ``limit`` in all), read through a second
        connection."""
        yield from self._read_apart(query, params, lambda reader: reader.fetchmany(size), frames, limit)

    def _read_apart(
        self,
        query: str,
        params: list,
        fetch: Callable[[Any], Any],
        frames: dict[str, pd.DataFrame] | None = None,
        limit: int | None = None,
    ) -> Iterator[Any]:
        """``fetch(reader)`` until it gives nothing, ``reader`` being a second connection running
        ``query``: its result survives this connection's writes in between.

        The query is planned with every join's build side as written, the lookup on the right. Left to
        its estimates, DuckDB may build on the postings instead, texts and all. The taxonomy carry-over
        did that at 1M postings and ran out of the memory cap, so did 65k postings under 60 MB. The
        setting is global in DuckDB, so it holds only while this query is planned.

        ``limit`` stops the reading after that many rows. It is not SQL's LIMIT: DuckDB 2.0.1 ignores a
        LIMIT on these pending-work queries (a LEFT JOIN kept where the right side is NULL) and returns
        every row."""
        reader = self.con.cursor()
        for name, frame in (frames or {}).items():  # a registered frame is seen by its connection only
            reader.register(name, frame)
        try:
            self.con.execute("SET disabled_optimizers = 'build_side_probe_side'")
            try:
                reader.execute(query, params)
            finally:  # on this connection: a statement on ``reader`` would end its result
                self.con.execute("RESET disabled_optimizers")
            left = limit
            while (left is None or left > 0) and len(chunk := fetch(reader)):
                if left is not None:
                    chunk, left = chunk[:left], left - len(chunk)
                yield chunk
        finally:
            reader.close()

    def _pending_from(self, table: str, version_column: str, where: str) -> str:
        """FROM and WHERE of the postings without a row in ``table`` for the version (the one parameter),
        or whose content changed since."""
        return (
            f"FROM postings p LEFT JOIN {table} e "  # noqa: S608 - fixed names
            f"ON e.posting_key = p.posting_key AND e.{version_column} = ? "
            f"WHERE {where} AND (e.posting_key IS NULL OR e.content_hash <> p.content_hash)"
        )

    def _count_pending(self, table: str, version_column: str, version: str, where: str = "TRUE") -> int:
        query = "SELECT count(*) " + self._pending_from(table, version_column, where)
        return self.con.execute(query, [version]).fetchall()[0][0]

    def write_extractions(
        self, version: str, keys: Sequence[str], skill_rows: list[tuple], status_rows: list[tuple]
    ) -> None:
        """Replace ``keys``' skills for ``version`` and mark them extracted, in one transaction."""
        with self._keys("chunk_keys", keys), self.transaction() as con:
            con.execute(
                "DELETE FROM posting_skills WHERE extractor_version = ? "
                "AND posting_key IN (SELECT posting_key FROM chunk_keys)",
                [version],
            )
            self.insert_rows(con, "posting_skills", SKILL_COLUMNS, skill_rows)
            self.insert_rows(con, "extractions", EXTRACTION_COLUMNS, status_rows)

    def save_skill_specs(self, version: str, specs: dict[str, dict]) -> None:
        """Keep what ``version``'s taxonomy can match, for the next version to compare with."""
        rows = [(version, skill_id, json.dumps(spec, sort_keys=True)) for skill_id, spec in specs.items()]
        with self.transaction() as con:
            self.insert_rows(con, "extractor_skills", ["extractor_version", "skill_id", "spec"], rows)

    def has_skill_specs(self, version: str) -> bool:
        return bool(
            self.con.execute(
                "SELECT count(*) FROM extractor_skills WHERE extractor_version = ?", [version]
            ).fetchall()[0][0]
        )

    def previous_extraction(self, version: str) -> tuple[str, dict[str, dict]] | None:
        """The other extractor version with the most extractions whose skill specs are kept, and those
        specs; None when there is none (a new store, or versions from before specs were kept)."""
        row = self.con.execute(
            "SELECT extractor_version FROM extractions WHERE extractor_version <> ? AND extractor_version "
            "IN (SELECT extractor_version FROM extractor_skills) "
            "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
            [version],
        ).fetchall()
        if not row:
            return None
        row = row[0]
        specs = self.con.execute(
            "SELECT skill_id, spec FROM extractor_skills WHERE extractor_version = ?", [row[0]]
        ).fetchall()
        return row[0], {skill_id: json.loads(spec) for skill_id, spec in specs}

    def carry_candidate_rows(
        self, previous: str, version: str, size: int, limit: int, skip: Sequence[str] = ()
    ) -> Iterator[list[tuple]]:
        """Batches of ``(posting_key, title, text)`` still to extract for ``version`` that ``previous``
        extracted at their current content and did not quarantine: the postings whose rows may be copied
        to the new version. At most ``limit`` of them, none of ``skip``; streamed like
        ``pending_extraction_rows``."""
        yield from self._stream(
            "SELECT p.posting_key, p.title, p.text "
            + self._pending_from("extractions", "extractor_version", _FULL_TEXT)
            + " AND EXISTS (SELECT 1 FROM extractions prev WHERE prev.posting_key = p.posting_key "
            "  AND prev.extractor_version = ? AND prev.content_hash = p.content_hash) "
            "AND p.posting_key NOT IN (SELECT json_extract_string(payload, '$.posting_key') "
            "  FROM quarantine WHERE reason LIKE 'extract (' || ? || ')%' AND payload IS NOT NULL) "
            "AND p.posting_key NOT IN (SELECT posting_key FROM carry_skip)",
            [version, previous, previous],
            size,
            limit,
            {"carry_skip": pd.DataFrame({"posting_key": list(skip)}, dtype=object)},
        )

    def checkpoint(self) -> None:
        """Write the WAL into the file. DuckDB keeps the rows and index entries written since the last
        checkpoint in memory (about 150 bytes a skill row), and cannot checkpoint while a stream is open,
        so the steps read in segments (``steps.extract.in_segments``) and checkpoint between them."""
        self.con.execute("CHECKPOINT")

    def copy_extractions(self, previous: str, version: str, keys: Sequence[str], drop: Iterable[str]) -> None:
        """Give ``keys`` under ``version`` the skills ``previous`` found, without the skills in ``drop``;
        one transaction, so a posting is either carried over whole or still pending."""
        drop = sorted(drop)
        with self._keys("copy_keys", keys), self.transaction() as con:
            for table in ("posting_skills", "extractions"):
                con.execute(
                    f"DELETE FROM {table} WHERE extractor_version = ? "  # noqa: S608 - fixed names
                    "AND posting_key IN (SELECT posting_key FROM copy_keys)",
                    [version],
                )
            con.execute(
                "INSERT INTO posting_skills SELECT s.posting_key, ?, s.skill_id, s.n_mentions, "
                "s.first_start, s.first_end, s.first_text "
                "FROM posting_skills s JOIN copy_keys USING (posting_key) "
                "WHERE s.extractor_version = ? AND NOT list_contains(?, s.skill_id)",
                [version, previous, drop],
            )
            con.execute(
                "INSERT INTO extractions SELECT e.posting_key, ?, e.content_hash, "
                "(SELECT count(*) FROM posting_skills s WHERE s.posting_key = e.posting_key "
                " AND s.extractor_version = ?), now() "
                "FROM extractions e JOIN copy_keys USING (posting_key) WHERE e.extractor_version = ?",
                [version, version, previous],
            )

    # -- enrichment: roles, places, pay and duplicate groups, by enricher version ---------------------
    def count_pending_enrichment(self, enricher_version: str) -> int:
        return self._count_pending("enrichments", "enricher_version", enricher_version)

    def pending_enrichment_frames(
        self, enricher_version: str, limit: int | None = None
    ) -> Iterator[pd.DataFrame]:
        """Frames of ``ENRICH_CHUNK`` postings still to enrich (the columns ``postings_for_enrichment``
        gives; at most ``limit``), streamed through a second connection, like ``pending_extraction_rows``."""
        yield from self._read_apart(
            f"SELECT {_ENRICH_COLUMNS} " + self._pending_from("enrichments", "enricher_version", "TRUE"),
            [enricher_version],
            lambda reader: reader.fetch_df_chunk(1),
            limit=limit,
        )

    def postings_for_enrichment(self, keys: Sequence[str]) -> pd.DataFrame:
        with self._keys("enrich_keys", keys):
            return self.con.execute(
                f"SELECT {_ENRICH_COLUMNS} FROM postings p JOIN enrich_keys USING (posting_key)"  # noqa: S608
            ).df()

    def write_enrichments(self, version: str, keys: Sequence[str], rows: dict[str, list[tuple]]) -> None:
        """Replace ``keys``' roles, enrichment and salaries for ``version`` and mark them enriched."""
        with self._keys("batch_keys", keys), self.transaction() as con:
            for table in ENRICHMENT_TABLES:
                con.execute(
                    f"DELETE FROM {table} WHERE enricher_version = ? "  # noqa: S608 - fixed table names
                    "AND posting_key IN (SELECT posting_key FROM batch_keys)",
                    [version],
                )
            for table, columns in ENRICHMENT_TABLES.items():
                self.insert_rows(con, table, columns, rows.get(table, []))

    def dedupe_rows(self, enricher_version: str) -> Iterator[tuple]:
        """Per enriched posting: key, text, company (stated or normalised), title, locations JSON,
        roles (comma-separated) and the key of the posting it names as the same job, if any."""
        cur = self.con.execute(
            "SELECT p.posting_key, p.text, COALESCE(p.company, e.company_norm), p.title, "
            "p.locations::VARCHAR, (SELECT string_agg(r.role, ',') FROM posting_roles r "
            "  WHERE r.posting_key = p.posting_key AND r.enricher_version = e.enricher_version), "
            "json_extract_string(p.attributes, '$.same_job_as') "
            "FROM postings p JOIN posting_enrichment e "
            "ON e.posting_key = p.posting_key AND e.enricher_version = ?",
            [enricher_version],
        )
        while rows := cur.fetchmany(5_000):
            yield from rows

    def count_ungrouped(self, enricher_version: str) -> int:
        return self.con.execute(
            "SELECT count(*) FROM posting_enrichment WHERE enricher_version = ? AND dup_group IS NULL",
            [enricher_version],
        ).fetchall()[0][0]

    def write_duplicate_groups(self, enricher_version: str, groups: pd.DataFrame) -> None:
        """Set ``dup_group``/``dup_kind`` from ``groups``; then a posting with no industry of its own takes
        the industry of the posting it names as the same job (an HN structured row has no text to read an
        industry from; the comment it was extracted from often has one). One transaction."""
        with self.transaction() as con:
            con.register("dup_frame", groups)
            try:
                con.execute(
                    "UPDATE posting_enrichment e SET dup_group = d.dup_group, dup_kind = d.dup_kind "
                    "FROM dup_frame d WHERE e.posting_key = d.posting_key AND e.enricher_version = ?",
                    [enricher_version],
                )
            finally:
                con.unregister("dup_frame")
            con.execute(
                """
                UPDATE posting_enrichment e SET industry = f.industry
                FROM (
                    SELECT s.posting_key, min(h.industry) AS industry
                    FROM postings ps
                    JOIN posting_enrichment s ON s.posting_key = ps.posting_key AND s.enricher_version = $v
                    JOIN posting_enrichment h
                      ON h.posting_key = json_extract_string(ps.attributes, '$.same_job_as')
                     AND h.enricher_version = $v
                    WHERE s.industry = 'unknown' AND h.industry <> 'unknown'
                    GROUP BY 1
                ) f
                WHERE e.posting_key = f.posting_key AND e.enricher_version = $v
                """,
                {"v": enricher_version},
            )

    # -- live sources: postings that left a complete listing ------------------------------------------
    # -- boards that answered 404/410: not asked again until the recheck interval passes ---------------
    def gone_boards(self, source: str, recheck_days: int) -> set[str]:
        """Boards of ``source`` marked gone and checked within the last ``recheck_days`` days."""
        rows = self.con.execute(
            "SELECT board FROM gone_boards WHERE source = ? AND checked_at > now() - to_days(?)",
            [source, int(recheck_days)],
        ).fetchall()
        return {r[0] for r in rows}

    def mark_gone(self, source: str, statuses: dict[str, int]) -> None:
        """Record each board that answered 404/410 now; one gone earlier keeps its first date."""
        if not statuses:
            return
        now = _now()
        with self.transaction() as con:
            for board, status in statuses.items():
                con.execute(
                    "INSERT INTO gone_boards VALUES (?, ?, ?, ?, ?) ON CONFLICT (source, board) "
                    "DO UPDATE SET status = excluded.status, checked_at = excluded.checked_at",
                    [source, board, status, now, now],
                )

    def clear_gone(self, source: str, boards: Iterable[str]) -> None:
        """Boards that answered again are no longer gone."""
        boards = list(boards)
        if boards:
            with self.transaction() as con:
                con.execute(
                    "DELETE FROM gone_boards WHERE source = ? AND list_contains(?, board)", [source, boards]
                )

    def close_missing(self, source: str, board: str, seen_ids: Iterable[str]) -> int:
        """Set ``closed_at`` on open postings of ``source``'s ``board`` whose ids ``seen_ids`` lacks.

        Call only after the board's whole listing was fetched fresh and committed: a partial or cached
        (304) listing proves nothing about what disappeared. A posting seen again reopens on upsert.
        """
        seen = pd.DataFrame({"source_id": sorted(set(seen_ids))}, dtype=str)
        self.con.register("seen_ids", seen)
        where = (
            "source = ? AND closed_at IS NULL AND json_extract_string(attributes, '$.board') = ? "
            "AND source_id NOT IN (SELECT source_id FROM seen_ids)"
        )
        try:
            with self.transaction() as con:
                closing = con.execute(
                    f"SELECT count(*) FROM postings WHERE {where}",  # noqa: S608
                    [source, board],
                ).fetchall()[0][0]
                if closing:
                    con.execute(
                        f"UPDATE postings SET closed_at = ? WHERE {where}",  # noqa: S608
                        [_now(), source, board],
                    )
        finally:
            self.con.unregister("seen_ids")
        return int(closing)

    def ingest(
        self,
        source: str,
        items: Iterable[Posting | Quarantined],
        run_id: str | None,
        batch_size: int,
        progress: Callable[[int], None] | None = None,
        counts: UpsertCounts | None = None,
    ) -> UpsertCounts:
        """The one collect loop every source goes through: batches of ``batch_size`` postings, each in
        one transaction; a record quarantined by an earlier run (same source id and reason) is not
        quarantined again, so re-running a collection writes nothing new. ``counts`` is updated batch by
        batch, so a caller whose source fails midway still knows what was committed."""
        known = self.quarantined_reasons(source)
        fresh = (i for i in items if not (isinstance(i, Quarantined) and (i.source_id, i.reason) in known))
        counts = counts if counts is not None else UpsertCounts()
        for batch in batched(fresh, batch_size):
            counts.add(self.upsert_postings(batch, run_id=run_id))
            if progress:
                progress(len(batch))
        return counts

    def collected_files(self, source: str) -> tuple[str, dict[str, Any]] | None:
        """The fingerprint of ``source``'s files when they were last collected in full, and the result."""
        row = self.con.execute(
            "SELECT fingerprint, result::VARCHAR FROM collected_files WHERE source = ?", [source]
        ).fetchall()
        return (row[0][0], json.loads(row[0][1])) if row else None

    def sources_seen_since(self, since: datetime) -> list[str]:
        """Sources with postings seen at or after ``since`` (a collection touches every posting it reads)."""
        rows = self.con.execute(
            "SELECT DISTINCT source FROM postings WHERE last_seen_at >= ? ORDER BY 1", [since]
        ).fetchall()
        return [r[0] for r in rows]

    def postings_digest(self, sources: Sequence[str]) -> str:
        """A digest of the postings of ``sources`` (keys, contents, closings): it changes when any is added,
        removed, edited or closed, so a skipped collection can check the store still holds what it gave."""
        n, digest = self.con.execute(
            "SELECT count(*), bit_xor(hash(posting_key, content_hash, closed_at)) FROM postings "
            "WHERE list_contains(?, source)",
            [list(sources)],
        ).fetchall()[0]
        return f"{n}:{digest}"

    def save_collected_files(self, source: str, fingerprint: str, result: dict[str, Any]) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO collected_files VALUES (?, ?, ?::JSON, ?)",
            [source, fingerprint, json.dumps(result), _now()],
        )

    def quarantined_reasons(self, source: str) -> set[tuple[str | None, str]]:
        """``(source_id, reason)`` pairs already quarantined for ``source``, so a re-run adds no copies."""
        return set(
            self.con.execute(
                "SELECT DISTINCT source_id, reason FROM quarantine WHERE source = ?", [source]
            ).fetchall()
        )

    # -- reports: what a report was computed from ------------------------------------------------------
    def report_inputs_digest(self, extractor_version: str, enricher_version: str) -> str:
        """A digest of every row a report reads: postings, their skills, enrichment, pay, duplicate groups
        and the survey. Any added, removed or edited row changes it."""
        digests = [
            f"(SELECT count(*) || ':' || bit_xor(hash({cols})) FROM {table} WHERE {where})"
            for table, cols, where in REPORT_INPUTS
        ]
        parts = self.con.execute(
            "SELECT " + ", ".join(digests), {"x": extractor_version, "e": enricher_version}
        ).fetchall()[0]
        return "|".join(str(p) for p in parts)

    def report_written(self, run_dir: str) -> tuple[str, str] | None:
        """``(inputs_key, verdict_table)`` of the last report written into ``run_dir``."""
        row = self.con.execute(
            "SELECT inputs_key, verdict_table FROM reports_written WHERE run_dir = ?", [run_dir]
        ).fetchall()
        return (row[0][0], row[0][1]) if row else None

    def save_report_written(self, run_dir: str, inputs_key: str, verdict_table: str) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO reports_written VALUES (?, ?, ?, ?)",
            [run_dir, inputs_key, verdict_table, _now()],
        )

    # -- export: Parquet for tools that read a dataset, not a store -----------------------------------
    def export_parquet(self, out_dir: Path, extractor_version: str, enricher_version: str) -> dict[str, int]:
        """Write ``postings/`` and ``skills/`` under ``out_dir`` as Hive-partitioned Parquet,
        ``source=<name>/month=<YYYY-MM>/``: DuckDB (``read_parquet(..., hive_partitioning=true)``), Dask
        (``dask.dataframe.read_parquet``) and Spark (``spark.read.parquet``) read them as they are. The
        month is the posting date's, else the month skillpulse first saw it. A posting's enrichment (roles,
        seniority, places, industry, duplicate group) comes with it; the raw payloads stay in the store.
        Each export replaces the two folders whole, so a re-export never holds a row twice."""
        month = "strftime(COALESCE(p.posted_at, p.first_seen_at), '%Y-%m')"
        postings = (
            f"SELECT p.posting_key, p.source, {month} AS month, p.source_id, p.url, p.company, p.title, "
            "p.locations::VARCHAR AS locations, p.remote, p.posted_at, p.first_seen_at, p.last_seen_at, "
            "p.closed_at, p.text_kind, p.text, p.content_hash, e.seniority, e.countries, e.city, "
            "e.remote_mode, e.industry, e.company_norm, e.dup_group, e.dup_kind, "
            "(SELECT list(r.role ORDER BY r.role) FROM posting_roles r WHERE r.posting_key = p.posting_key "
            " AND r.enricher_version = e.enricher_version) AS roles "
            "FROM postings p LEFT JOIN posting_enrichment e "
            "ON e.posting_key = p.posting_key AND e.enricher_version = $enricher"
        )
        skills = (
            f"SELECT s.posting_key, p.source, {month} AS month, s.skill_id, s.n_mentions, s.first_text, "
            "s.extractor_version FROM posting_skills s JOIN postings p USING (posting_key) "
            "WHERE s.extractor_version = $extractor"
        )
        counts = {}
        for name, query in (("postings", postings), ("skills", skills)):
            target = out_dir / name
            self.con.execute(
                f"COPY ({query}) TO '{_sql_literal(str(target))}' "  # noqa: S608 - our own query and path
                "(FORMAT parquet, PARTITION_BY (source, month), OVERWRITE, COMPRESSION zstd)",
                {"enricher": enricher_version} if name == "postings" else {"extractor": extractor_version},
            )
            counts[name] = self.con.execute(
                "SELECT count(*) FROM read_parquet(?, hive_partitioning = true)", [f"{target}/**/*.parquet"]
            ).fetchall()[0][0]
        return counts


# -- what the report reads: its SQL lives here with the schema it depends on --------------------------------
def report_postings(con: duckdb.DuckDBPyConnection, enricher_version: str) -> pd.DataFrame:
    """One row per stored posting: source, month, text kind, its roles and enrichment (this version)."""
    return con.execute(
        """
        SELECT p.posting_key, p.source, strftime(p.posted_at, '%Y-%m') AS month, p.text_kind,
               list(DISTINCT r.role) FILTER (WHERE r.role IS NOT NULL) AS roles,
               pe.seniority, pe.industry, pe.countries, pe.dup_group
        FROM postings p
        LEFT JOIN posting_roles r ON r.posting_key = p.posting_key AND r.enricher_version = $v
        LEFT JOIN posting_enrichment pe ON pe.posting_key = p.posting_key AND pe.enricher_version = $v
        GROUP BY ALL
        """,
        {"v": enricher_version},
    ).df()


def report_skills(
    con: duckdb.DuckDBPyConnection, keys: Iterable[str], extractor_version: str
) -> tuple[pd.DataFrame, set[str]]:
    """Skills of ``keys`` found by this extractor version on the posting's current text, and which of
    ``keys`` that version has read (a posting whose text changed since counts as not read)."""
    con.register("kept_keys", pd.DataFrame({"posting_key": list(keys)}, dtype=str))
    try:
        skills = con.execute(
            """
            SELECT s.posting_key, s.skill_id FROM posting_skills s
            JOIN kept_keys USING (posting_key)
            JOIN extractions e ON e.posting_key = s.posting_key AND e.extractor_version = s.extractor_version
            JOIN postings p ON p.posting_key = s.posting_key AND p.content_hash = e.content_hash
            WHERE s.extractor_version = ?
            """,
            [extractor_version],
        ).df()
        extracted = con.execute(
            "SELECT e.posting_key FROM extractions e JOIN kept_keys USING (posting_key) "
            "JOIN postings p ON p.posting_key = e.posting_key AND p.content_hash = e.content_hash "
            "WHERE e.extractor_version = ?",
            [extractor_version],
        ).df()
    finally:
        con.unregister("kept_keys")
    return skills, set(extracted.posting_key)


def report_salaries(con: duckdb.DuckDBPyConnection, enricher_version: str) -> pd.DataFrame:
    """Accepted pay ranges of this enricher version, each posting's in the order they were found."""
    return con.execute(
        """
        SELECT posting_key, provenance, annual_usd_min, annual_usd_max
        FROM posting_salaries WHERE enricher_version = ? AND rejected_reason IS NULL
        ORDER BY posting_key, n
        """,
        [enricher_version],
    ).df()


def report_survey(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT * FROM survey_salaries").df()
