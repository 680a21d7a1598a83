"""A CSV / JSONL / Parquet file of postings, read through a column mapping (``columns:`` in sources.yaml).

Options: ``path`` (one or a list), ``format`` (else from the suffix, ``.gz`` allowed), ``columns``
(posting field → column), ``source_name`` (default ``file``) and ``html`` (whether descriptions are
HTML; default true). Pay comes from columns too: ``pay`` names one or more columns of free text
("$120k-150k"), ``pay_min``/``pay_max`` (with ``pay_currency`` and ``pay_period``, or the fixed values
``currency``/``period`` under ``pay_defaults``) name numeric columns.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from skillpulse.extractors.stated_pay import StatedPay, period_word
from skillpulse.flows.http import Fetcher
from skillpulse.flows.sources import register_live_source
from skillpulse.flows.sources.file import settings
from skillpulse.flows.sources.live import (
    Listing,
    LiveSource,
    SchemaError,
    Unit,
    clean_locations,
    parse_time,
    require,
)
from skillpulse.flows.sources.posting import Posting


def file_format(path: Path, declared: str | None) -> str:
    if declared:
        return declared
    suffixes = [s for s in path.suffixes if s != ".gz"]
    fmt = settings.FORMATS.get(suffixes[-1].lower()) if suffixes else None
    if fmt is None:
        raise SchemaError(f"{path}: cannot tell the format; set format: csv|jsonl|parquet")
    return fmt


def read_rows(path: Path, fmt: str) -> list[dict[str, Any]]:
    if fmt == "csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    elif fmt == "jsonl":
        frame = pd.read_json(path, lines=True, dtype=False)
    elif fmt == "parquet":
        frame = pd.read_parquet(path)
    else:
        raise SchemaError(f"unknown format {fmt!r}")
    rows = frame.to_dict(orient="records")
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()} for r in rows]


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    return True if text in settings.TRUE else False if text in settings.FALSE else None


def stated_pay(record: dict[str, Any], columns: dict[str, Any], defaults: dict[str, Any]) -> list[StatedPay]:
    """Pay from the mapped columns: free-text columns (``pay``) and a numeric range (``pay_min``...)."""
    text_columns = columns.get("pay") or []
    out = [
        StatedPay.free_text(str(record[c]))
        for c in ([text_columns] if isinstance(text_columns, str) else text_columns)
        if record.get(c) not in (None, "")
    ]
    low, high = (record.get(columns[k]) if columns.get(k) else None for k in ("pay_min", "pay_max"))
    if low not in (None, "") or high not in (None, ""):
        currency = record.get(columns["pay_currency"]) if columns.get("pay_currency") else None
        period = record.get(columns["pay_period"]) if columns.get("pay_period") else None
        fields = {"min": low, "max": high, "currency": currency, "period": period}
        out.append(
            StatedPay.from_fields(
                low,
                high,
                currency or defaults.get("currency"),
                period_word(period or defaults.get("period") or "year"),
                fields,
            )
        )
    return out


@register_live_source("file")
class FileSource(LiveSource):
    @dataclass(frozen=True)
    class Options:
        path: list[str] = field(
            default_factory=list
        )  # one file or several (csv, jsonl, parquet; .gz allowed)
        format: str | None = None  # csv | jsonl | parquet (default: from the suffix)
        columns: dict[str, Any] = field(default_factory=dict)  # posting field -> column name
        pay_defaults: dict[str, str] = field(default_factory=dict)  # currency/period when no column says
        source_name: str = "file"  # the source name postings are stored under
        html: bool = True  # descriptions are HTML

    name = "file"

    def units(self) -> list[Unit]:
        return [Unit(f"file:{p}", params={"path": str(p)}) for p in self.options.path]

    async def download(self, fetcher: Fetcher, unit: Unit) -> Listing:
        path = Path(unit.params["path"]).expanduser()
        fmt = file_format(path, self.options.format)
        rows = await asyncio.to_thread(read_rows, path, fmt)
        columns = {**settings.DEFAULT_COLUMNS, **self.options.columns}
        if columns["source_id"] not in (rows[0] if rows else {columns["source_id"]: None}):
            raise SchemaError(f"{path}: no id column {columns['source_id']!r}; map one under columns:")
        return Listing(rows, context={"columns": columns, "path": str(path)})

    def record_id(self, record: Any) -> str | None:
        return None  # the mapping lives in the listing; ids are read in normalise

    def normalise(self, unit: Unit, record: dict[str, Any], listing: Listing) -> Posting:
        columns: dict[str, Any] = listing.context["columns"]

        def col(field: str) -> Any:
            name = columns.get(field)
            return record.get(name) if isinstance(name, str) else None

        mapped = {"source_id": col("source_id"), "title": col("title"), "description": col("description")}
        require(mapped, "source_id")
        if not (mapped["title"] or mapped["description"]):
            raise ValueError("row has neither a title nor a description")
        description = mapped["description"]
        return Posting(
            source=self.options.source_name,
            source_id=str(mapped["source_id"]),
            title=mapped["title"] or None,
            company=col("company") or None,
            description=description or None,
            description_is_html=self.options.html,
            raw=record,
            url=col("url") or None,
            locations=clean_locations(col("location")),
            remote=_flag(col("remote")),
            posted_at=parse_time(col("posted_at")),
            pay=stated_pay(record, columns, self.options.pay_defaults),
            text_kind="full" if description else "structured",
            attributes={"file": listing.context["path"]},
        )
