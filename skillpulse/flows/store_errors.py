"""DuckDB's and the OS's failures on the store file, as one :class:`StoreError` line with what to do.

Why a module of its own: the store can fail when it is opened (:class:`skillpulse.flows.store.Store`) and
in the middle of a command (a disk that fills up while a batch commits), and both must read the same to a
user. DuckDB only tells us through the message of an ``IOException`` (the lock holder's PID, the OS's
``strerror``), so the mapping reads the message. It imports nothing heavy: ``cli.main()`` uses it on its
error path without loading DuckDB.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

from skillpulse.errors import StoreError

_LOCK = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")
_QUOTED_PATH = re.compile(r'(?:file|File|database) "(?P<path>[^"]+)"')
_FULL = ("No space left on device", "Disk quota exceeded")
_READ_ONLY = ("Read-only file system", "Permission denied")
_RETRY = "committed batches are kept, and the next run resumes where this one stopped"
_ELSEWHERE = "or point --db (or $SKILLPULSE_DB) at a store on another disk"


def _is_duckdb_error(exc: BaseException) -> bool:
    return type(exc).__module__ in ("duckdb", "_duckdb")


def lock_holder(message: str) -> int | None:
    """The PID DuckDB names as holding the store's lock, or None if the message is not about a lock."""
    match = _LOCK.search(message)
    return int(match["pid"]) if match else None


def store_error(exc: BaseException, path: Path | str | None = None) -> StoreError | None:
    """The one-line refusal for a store failure we can name (locked, read-only, full, not a store), else None.

    ``path`` is the store's path when the caller knows it; otherwise the path DuckDB quotes (often the
    ``.wal`` file next to it) is used.
    """
    if isinstance(exc, StoreError):
        return exc
    if not (_is_duckdb_error(exc) or isinstance(exc, OSError)):
        return None
    message = str(exc)
    quoted = _QUOTED_PATH.search(message)
    where = str(quoted["path"] if quoted else path or getattr(exc, "filename", None) or "the store")
    if (pid := lock_holder(message)) is not None:
        return StoreError(
            f"{path or where}: locked by another skillpulse run (pid {pid})",
            hint=f"Wait for that run to finish (or stop it: kill {pid}), or give this one another store "
            f"with --db. (The holder is {_LOCK.search(message)['program']}.)",
        )
    err = getattr(exc, "errno", None)
    full = next((s for s in _FULL if s in message), None)
    if full or err in (errno.ENOSPC, errno.EDQUOT):
        return StoreError(
            f"{where}: disk full ({full or exc.strerror})",
            hint=f"Free some space on that disk, {_ELSEWHERE}, then re-run: {_RETRY}.",
        )
    read_only = next((s for s in _READ_ONLY if s in message), None)
    if read_only or err in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StoreError(
            f"{where}: read-only ({read_only or exc.strerror})",
            hint=f"Make the store and its folder writable for this user, {_ELSEWHERE} (a new one is "
            "created there).",
        )
    if "Is a directory" in message or err == errno.EISDIR:
        return StoreError(
            f"{path or where}: a folder, not a DuckDB file",
            hint="Give --db (or $SKILLPULSE_DB) a file path, e.g. <folder>/skillpulse.duckdb.",
        )
    if "not a valid DuckDB database" in message:
        return StoreError(
            f"{path or where}: not a DuckDB database (left as it is)",
            hint="Point --db (or $SKILLPULSE_DB) at a skillpulse store, or at a new file to create one.",
        )
    return None


def duckdb_failure(exc: BaseException) -> StoreError | None:
    """:func:`store_error` for an exception DuckDB raised, else None (an OSError elsewhere is not ours)."""
    return store_error(exc) if _is_duckdb_error(exc) else None


def opening_error(exc: BaseException, path: Path) -> StoreError:
    """Any failure while opening the store is the store's problem: name it, or quote DuckDB's reason."""
    if isinstance(exc, FileExistsError | NotADirectoryError):  # mkdir of the store's folder
        blocker = next((p for p in path.parents if p.is_file()), path.parent)
        return StoreError(
            f"{path}: cannot create its folder {blocker} (a file is in the way)",
            hint="Give --db (or $SKILLPULSE_DB) a path under a folder, or move that file.",
        )
    known = store_error(exc, path)
    if known is not None:
        return known
    reason = str(exc).removeprefix("IO Error: ").strip()
    return StoreError(
        f"{path}: cannot be opened as a store ({reason})",
        hint="Point --db (or $SKILLPULSE_DB) at a skillpulse store, or at a new file to create one.",
    )
