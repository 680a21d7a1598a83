"""ETag / Last-Modified replay from an on-disk SQLite cache, so a re-run downloads only what changed."""

from __future__ import annotations

import sqlite3
import threading
import time
import zlib
from pathlib import Path


class HttpCache:
    """Validators and bodies of earlier 200 responses, plus a log of rate-limited runs, in SQLite.

    The body is kept so a 304 can be replayed: if a run is killed after the body arrived but before its
    postings were committed, the next run still gets them.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.con = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS responses (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, "
            "body BLOB NOT NULL, stored_at REAL NOT NULL)"
        )
        self.con.execute("CREATE TABLE IF NOT EXISTS run_log (name TEXT NOT NULL, at REAL NOT NULL)")

    def get(self, url: str) -> tuple[str | None, str | None, bytes] | None:
        with self._lock:
            row = self.con.execute(
                "SELECT etag, last_modified, body FROM responses WHERE url = ?", [url]
            ).fetchone()
        return (row[0], row[1], zlib.decompress(row[2])) if row else None

    def put(self, url: str, etag: str | None, last_modified: str | None, body: bytes) -> None:
        with self._lock:
            self.con.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?)",
                [url, etag, last_modified, zlib.compress(body, 6), time.time()],
            )

    def runs_since(self, name: str, since: float) -> int:
        with self._lock:
            return self.con.execute(
                "SELECT count(*) FROM run_log WHERE name = ? AND at >= ?", [name, since]
            ).fetchone()[0]

    def log_run(self, name: str) -> None:
        with self._lock:
            self.con.execute("INSERT INTO run_log VALUES (?, ?)", [name, time.time()])

    def close(self) -> None:
        self.con.close()
