"""A user's input file and output path, checked before anything is written, and read line by line.

Why one module: ``extract``, ``enrich`` and ``eval`` each read a file a user names and two of them write
one, so they must refuse the same mistakes the same way (:class:`InputFileError`: one line, file:line
first, then what to do), and all before an output is opened for writing:

- ``--input`` missing, a folder, a Parquet / gzip / zip / SQLite file, empty;
- text that is not UTF-8: a byte-order mark is honoured (UTF-8, UTF-16 and UTF-32 are decoded), anything
  else that does not decode is refused with its line (the whole file is checked first, so a refusal never
  leaves half an output behind; one pass over the bytes is cheap next to extraction or enrichment);
- ``--output`` that is the input under another spelling (``a/../x``, a symlink, a hard link), a folder, or
  under a file. A missing output folder is created, as ``mkdir -p`` would.

Lines are read as bytes and decoded one by one, so the line number of a bad byte is exact. Records are
written with :func:`json_line`, which escapes what the output cannot encode (a lone surrogate such as
``"\\ud800"`` in an id) instead of crashing on it.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ParamSpec, TypeVar

from skillpulse.errors import InputFileError, UserError

P = ParamSpec("P")
R = TypeVar("R")

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_TO_JSONL = (
    "python -c \"import pandas as pd; pd.read_parquet('IN.parquet').to_json('OUT.jsonl', orient='records', "
    'lines=True)"'
)
_BINARY = (  # magic bytes -> what the file is, what to do
    (b"PAR1", "a Parquet file", f"Convert it to JSONL first, e.g. {_TO_JSONL}"),
    (b"\x1f\x8b", "gzip-compressed", "Decompress it first (gunzip -k FILE), then give the .jsonl or .csv."),
    (b"PK\x03\x04", "a zip archive", "Unzip it first, then give the .jsonl or .csv inside."),
    (b"SQLite format 3\x00", "an SQLite database", "Export the postings to JSONL or CSV first."),
)
_NOT_UTF8 = (
    "Save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8 IN > OUT; UTF-16 with a byte-order mark is read "
    "too), then re-run."
)
_PICK_INPUT = "Give --input one JSONL or CSV file."
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class TextInput:
    """An input file that exists, is a regular file, is not binary, and whose encoding is known."""

    path: Path
    encoding: str  # utf-8, utf-8-sig, utf-16 or utf-32 (the last three from a byte-order mark)
    size: int


def check_input(path: Path, what: str = "--input") -> TextInput:
    """The file as text, or an :class:`InputFileError` saying why it cannot be read as JSONL/CSV text."""
    hint = _PICK_INPUT if what == "--input" else f"Give {what} a JSONL file."
    if not path.exists():
        raise InputFileError(f"{path}: no such file", hint=f"Check the path. {hint}")
    if path.is_dir():
        raise InputFileError(f"{path}: a folder, not a file", hint=hint)
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
        size = path.stat().st_size
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read ({exc.strerror})", hint=hint) from exc
    for magic, kind, todo in _BINARY:
        if head.startswith(magic):
            raise InputFileError(f"{path}: {kind}, not JSONL or CSV text", hint=todo)
    encoding = next((enc for bom, enc in _BOMS if head.startswith(bom)), "utf-8")
    return TextInput(path, encoding, size)


def numbered_lines(
    source: TextInput, progress: Callable[[int], None] | None = None
) -> Iterator[tuple[int, str]]:
    """``(line number, line with its newline)`` for each line; the first undecodable line is refused."""
    path = source.path
    if source.encoding not in ("utf-8", "utf-8-sig"):  # UTF-16/32: a byte-wise split on b"\n" is wrong
        yield from _wide_lines(source, progress)
        return
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            if progress:
                progress(len(raw))
            if number == 1 and source.encoding == "utf-8-sig":
                raw = raw[3:]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                column = len(raw[: exc.start].decode("utf-8", "replace")) + 1
                raise InputFileError(
                    f"{path}:{number}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {column})",
                    hint=_NOT_UTF8,
                ) from exc
            if "\x00" in text:
                raise InputFileError(
                    f"{path}:{number}: NUL bytes: not UTF-8 text (UTF-16 without a byte-order mark?)",
                    hint=_NOT_UTF8,
                )
            yield number, text


def _wide_lines(source: TextInput, progress: Callable[[int], None] | None) -> Iterator[tuple[int, str]]:
    number = 0
    width = 4 if source.encoding == "utf-32" else 2
    try:
        with source.path.open(encoding=source.encoding, newline="") as fh:
            for number, text in enumerate(fh, 1):  # noqa: B007 - the number is reported after the loop
                if progress:
                    progress(len(text) * width)
                yield number, text
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{source.path}:{number + 1}: not valid {source.encoding.upper()} ({exc.reason})", hint=_NOT_UTF8
        ) from exc


def count_records(source: TextInput) -> int:
    """Decode the whole file once (refusing the first bad line) and count its non-blank lines.

    Called before an output is opened, so an encoding refusal never leaves a half-written output, and
    an empty input is refused rather than answered with an empty output.
    """
    count = sum(1 for _, line in numbered_lines(source) if line.strip())
    if not count:
        raise InputFileError(
            f"{source.path}: empty (no records)",
            hint="Check that you named the right file; nothing was written.",
        )
    return count


def check_output(output: Path, source: Path) -> None:
    """Refuse an output that is the input (any spelling), a folder, or under a file; create its folder."""
    if str(output) == "-":
        return
    if output.is_dir():
        raise InputFileError(f"{output}: a folder; --output wants a file path", hint="Add a file name.")
    if _same_file(output, source):
        raise InputFileError(
            f"{output}: is the input file ({source}); writing it would destroy the input",
            hint="Choose another --output path; the input was not touched.",
        )
    folder = output.parent
    reason = _make_folder(folder)
    if reason:
        raise InputFileError(
            f"{output}: cannot create its folder {folder} ({reason})",
            hint="Choose an --output under a folder you can write to.",
        )


def _make_folder(folder: Path) -> str | None:
    """Create ``folder`` (and its parents) if missing; why it could not be, or None."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return (
            "a file is in the way"
            if isinstance(exc, FileExistsError | NotADirectoryError)
            else (exc.strerror or str(exc))
        )
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)  # symlinks, hard links, ./ and ../ spellings
    except OSError:  # the output does not exist yet: it cannot be the input
        return False


def open_output(output: Path) -> IO[str]:
    """``output`` opened for writing (UTF-8), or a one-line refusal (read-only, permission, ...)."""
    try:
        return output.open("w", encoding="utf-8")
    except OSError as exc:
        raise InputFileError(
            f"{output}: cannot be written ({exc.strerror})", hint="Choose an --output you can write to."
        ) from exc


def write_failed(output: Path | str, exc: OSError) -> InputFileError:
    """The refusal for a write that failed part-way (a full disk): the output is incomplete."""
    return InputFileError(
        f"{output}: cannot be written ({exc.strerror or exc}); the output is incomplete",
        hint="Free some space (or choose another --output), then re-run.",
    )


def check_output_dir(folder: Path, option: str = "--out") -> None:
    """A folder a command will write into: refuse a file in its place, create it if missing."""
    if folder.exists() and not folder.is_dir():
        raise InputFileError(
            f"{folder}: not a folder", hint=f"Give {option} a folder (it is created if missing)."
        )
    reason = _make_folder(folder)
    if reason:
        raise InputFileError(
            f"{folder}: cannot be created ({reason})", hint=f"Give {option} a folder you can write to."
        )


def json_line(record: Any, encoding: str | None = "utf-8") -> str:
    """One JSON line; characters the output cannot encode (lone surrogates) are written as \\u escapes."""
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode(encoding or "utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record)  # every non-ASCII character escaped: reads back to the same value
    return line + "\n"


def without_lone_surrogates(text: str) -> str:
    """``text`` with each lone surrogate (``"\\ud800"`` in JSON) replaced by U+FFFD.

    JSON allows them, Python keeps them, but spaCy's tokenizer and UTF-8 output cannot take them. One
    character for one keeps every offset into the text valid.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def describe_json(value: Any) -> str:
    """What a JSON value is, for "line 3: not a JSON object (an array)"."""
    kinds = {list: "an array", str: "a string", bool: "true/false", type(None): "null"}
    return kinds.get(type(value), "a number")


def reports_refusals(command: Callable[P, R]) -> Callable[P, R]:
    """Print a refusal the way ``cli.main()`` does, on stderr, and exit with its code.

    Why here as well as in ``main()``: these commands also run in-process (typer's ``CliRunner``, other
    tools), where ``main()`` is not on the stack; and on stderr, because ``extract -o -`` writes its
    records to stdout.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        import typer
        from rich.console import Console

        try:
            return command(*args, **kwargs)
        except UserError as exc:
            err = Console(stderr=True, soft_wrap=True)
            for line in [*exc.problems, *([exc.hint] if exc.hint else [])]:
                err.print(line, markup=False, highlight=False)
            raise typer.Exit(exc.exit_code) from exc

    return run
