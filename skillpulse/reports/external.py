"""Readers for the outside reference series bundled under ``data/reference/``.

Why: skillpulse's own counts come from the postings it collected. To say whether "demand is growing" or
to compare pay across years, the report sets them against series made by others — Indeed Hiring Lab's job
postings index, ryanwi's HN Hiring Trends term counts, and US CPI-U. This module only reads those files
(pure pandas, no network), so every number it returns is reproducible from the repo.

Every loader returns an empty frame with its usual columns when its file is missing (a stripped install
must still produce a report, just without the outside context), and every source comes with the
attribution string a chart or table using it must carry. Provenance, commits and licences are in each
folder's ``PROVENANCE.md``.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
HIRING_LAB_DIR = REFERENCE_DIR / "indeed_hiring_lab"
HIRING_LAB_SECTOR_PATH = HIRING_LAB_DIR / "job_postings_by_sector_US_2024-10-03.csv.gz"
HIRING_LAB_TOTAL_PATH = HIRING_LAB_DIR / "aggregate_job_postings_US_2026-08-19.csv.gz"
HIRING_LAB_EXAMPLES_PATH = HIRING_LAB_DIR / "sector-job-title-examples.csv"
HIRINGTRENDS_PATH = REFERENCE_DIR / "hiringtrends" / "hiringtrends_term_series_2011-04_2024-05.json.gz"
CPI_PATH = REFERENCE_DIR / "cpi_fx" / "cpi_u_monthly_1913_2026-05.csv"

# Attribution / licence lines: print the matching one wherever a number from that source is shown.
HIRING_LAB_ATTRIBUTION = "Indeed Hiring Lab, Job Postings Index (CC BY 4.0)"
HIRING_LAB_SECTOR_NOTE = (
    "Indeed Hiring Lab sector series: 2024-10-03 release, on the seasonal adjustment used before "
    "November 2024; not comparable in level with the 2026 all-postings series"
)
HIRINGTRENDS_ATTRIBUTION = (
    "HN Hiring Trends by Ryan Williams (github.com/ryanwi/hiringtrends, MIT), a third-party keyword count"
)
CPI_ATTRIBUTION = (
    "US Bureau of Labor Statistics, CPI-U all items (CUUR0000SA0), via datasets/cpi-us (public domain)"
)
FX_ATTRIBUTION = (
    "Federal Reserve H.10 yearly average exchange rates via datasets/exchange-rates (public domain); "
    "IRS 2024 yearly averages for other currencies"
)

# Series name used by hiring_lab_total for the all-postings, seasonally adjusted index.
HIRING_LAB_TOTAL_SERIES = "All US job postings"

HIRING_LAB_COLUMNS = ["month", "series", "index"]
HIRINGTRENDS_COLUMNS = ["month", "term", "percentage", "count", "num_comments"]

# Locale-independent: strptime's %b follows the process locale, these month keys do not.
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, start=1)}


def _empty(columns: list[str], floats: tuple[str, ...] = (), ints: tuple[str, ...] = ()) -> pd.DataFrame:
    """A zero-row frame with ``columns`` typed as a filled one would be: callers need no special case."""
    data: dict[str, pd.Series] = {}
    for c in columns:
        dtype = "float64" if c in floats else "int64" if c in ints else str
        data[c] = pd.Series([], dtype=dtype)
    return pd.DataFrame(data)


def _month(since: str) -> str:
    """``since`` as a YYYY-MM string ("2020-02", "2020-02-15" and "2020-2" all work); bad input raises."""
    return str(pd.Period(since, freq="M"))


@lru_cache(maxsize=4)
def _read_csv(path: Path) -> pd.DataFrame:
    """One read per file per process: the sector file has 78k rows and several charts ask for it."""
    return pd.read_csv(path, dtype={"date": str})


def _monthly_means(daily: pd.DataFrame, value: str, series: pd.Series, since: str) -> pd.DataFrame:
    """Daily rows → one row per (series, YYYY-MM) holding the mean of that month's daily values."""
    frame = pd.DataFrame(
        {"month": daily["date"].str[:7], "series": series.to_numpy(), "index": daily[value].to_numpy()}
    )
    frame = frame[frame["month"] >= _month(since)]
    out = frame.groupby(["series", "month"], sort=False, as_index=False)["index"].mean()
    return out[HIRING_LAB_COLUMNS].astype({"index": "float64"})


def hiring_lab_sectors(
    sectors: list[str], since: str = "2020-02", *, path: Path | None = None
) -> pd.DataFrame:
    """Monthly Indeed job-postings index for occupational ``sectors`` (display names, "Software Development").

    Why: the only clearly licensed, long-running series that speaks to whether postings for a kind of
    work are growing; "Software Development", "Mathematics" (analyst, data scientist) and "Information
    Design & Documentation" (business/data analyst) are the ones nearest ML engineering.

    Returns columns ``month`` (YYYY-MM, from ``since`` on), ``series`` (the sector name) and ``index`` (the
    mean of that month's daily values; 100 = level on 2020-02-01, seasonally adjusted, 7-day trailing),
    ordered as ``sectors`` then by month. The file is the 2024-10-03 release (2020-02 … 2024-09; the last
    month holds 27 days) on the seasonal-adjustment method Hiring Lab replaced in November 2024, so its
    levels must not be compared with :func:`hiring_lab_total` — show ``HIRING_LAB_SECTOR_NOTE``.
    An unknown sector name raises ``ValueError`` (a typo would otherwise silently drop a line); a missing
    file gives an empty frame. Attribution required: ``HIRING_LAB_ATTRIBUTION``
    ("Indeed Hiring Lab, Job Postings Index (CC BY 4.0)").
    """
    path = HIRING_LAB_SECTOR_PATH if path is None else path
    if not path.is_file():
        return _empty(HIRING_LAB_COLUMNS, floats=("index",))
    raw = _read_csv(path)
    raw = raw[raw["variable"] == "total postings"]
    unknown = sorted(set(sectors) - set(raw["display_name"]))
    if unknown:
        raise ValueError(
            f"unknown Hiring Lab sector(s) {unknown}; known: {sorted(raw['display_name'].unique())}"
        )
    rows = raw[raw["display_name"].isin(sectors)]
    out = _monthly_means(rows, "indeed_job_postings_index", rows["display_name"], since)
    order = {name: i for i, name in enumerate(dict.fromkeys(sectors))}
    out = out.sort_values(["series", "month"], key=lambda c: c.map(order) if c.name == "series" else c)
    return out.reset_index(drop=True)


def hiring_lab_total(since: str = "2020-02", *, path: Path | None = None) -> pd.DataFrame:
    """Monthly Indeed index of all US job postings ("total postings", seasonally adjusted).

    Why: the backdrop for the sector lines — whether a sector grew or shrank more than postings overall.
    Same columns as :func:`hiring_lab_sectors`; ``series`` is ``HIRING_LAB_TOTAL_SERIES``. The file is the
    2026-08-19 release (2020-02 … 2026-08, the last month holding 14 days) on Hiring Lab's current
    (November 2024) seasonal adjustment, so it is not level-comparable with the sector file. A missing file
    gives an empty frame. Attribution required: ``HIRING_LAB_ATTRIBUTION``.
    """
    path = HIRING_LAB_TOTAL_PATH if path is None else path
    if not path.is_file():
        return _empty(HIRING_LAB_COLUMNS, floats=("index",))
    raw = _read_csv(path)
    rows = raw[raw["variable"] == "total postings"]
    names = pd.Series(HIRING_LAB_TOTAL_SERIES, index=rows.index)
    out = _monthly_means(rows, "indeed_job_postings_index_SA", names, since)
    return out.sort_values("month").reset_index(drop=True)


def hiring_lab_sector_examples(*, path: Path | None = None) -> pd.DataFrame:
    """Indeed's two example job titles per sector (columns ``sector``, ``job_titles``).

    Why: a sector name alone ("Mathematics") does not tell a reader that it holds data scientists; charts
    label the lines with these examples. A missing file gives an empty frame. Attribution required:
    ``HIRING_LAB_ATTRIBUTION``.
    """
    path = HIRING_LAB_EXAMPLES_PATH if path is None else path
    if not path.is_file():
        return _empty(["sector", "job_titles"])
    return pd.read_csv(path, dtype=str)[["sector", "job_titles"]]


def _hiringtrends_month(label: str) -> str:
    """ "May24" → "2024-05" (two-digit years are 20xx: the series runs 2011 … 2024)."""
    return f"20{label[3:5]}-{_MONTHS[label[:3]]:02d}"


@lru_cache(maxsize=2)
def _read_hiringtrends(path: Path) -> tuple[dict, ...]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return tuple(json.load(fh))


def hiringtrends_terms(terms: list[str], *, path: Path | None = None) -> pd.DataFrame:
    """Monthly share of HN "Who is hiring?" comments mentioning each of ``terms`` (ryanwi/hiringtrends).

    Why: an independent cross-check of skillpulse's own Hacker News trends, made by someone else's keyword
    matcher (substring/alias rules, see ``terms.dic.upstream``), 2011-04 … 2024-05. It is for comparing
    direction, not ground truth, and is never merged with skillpulse's counts.

    Returns columns ``month`` (YYYY-MM, converted from e.g. "May24"), ``term``, ``percentage`` (``count`` /
    ``num_comments`` × 100, as upstream computed it), ``count`` (comments mentioning the term) and
    ``num_comments`` (top-level comments in that month's thread), ordered as ``terms`` then by month.
    Term keys are case-sensitive as upstream spells them ("Python", "AI", "Machine Learning"); an unknown
    term raises ``ValueError``. Known gaps in the source: no July 2011 record, and December 2011 counts
    only 3 comments — filter on ``num_comments`` before reading its percentages. A missing file gives an
    empty frame. Attribution required: ``HIRINGTRENDS_ATTRIBUTION``.
    """
    path = HIRINGTRENDS_PATH if path is None else path
    if not path.is_file():
        return _empty(HIRINGTRENDS_COLUMNS, floats=("percentage",), ints=("count", "num_comments"))
    records = _read_hiringtrends(path)
    known = {t for r in records for t in r["terms"]}
    unknown = sorted(set(terms) - known)
    if unknown:
        raise ValueError(f"unknown hiringtrends term(s) {unknown}; known: {sorted(known)}")
    rows = [
        {
            "month": _hiringtrends_month(r["month"]),
            "term": term,
            "percentage": float(r["terms"][term]["percentage"]),
            "count": int(r["terms"][term]["count"]),
            "num_comments": int(r["num_comments"]),
        }
        for term in dict.fromkeys(terms)
        for r in records
        if term in r["terms"]
    ]
    if not rows:
        return _empty(HIRINGTRENDS_COLUMNS, floats=("percentage",), ints=("count", "num_comments"))
    out = pd.DataFrame(rows, columns=HIRINGTRENDS_COLUMNS)
    order = {t: i for i, t in enumerate(dict.fromkeys(terms))}
    out = out.sort_values(["term", "month"], key=lambda c: c.map(order) if c.name == "term" else c)
    return out.astype({"term": str, "month": str}).reset_index(drop=True)


def cpi_annual(*, path: Path | None = None) -> pd.Series:
    """US CPI-U (all items, 1982-84 = 100, not seasonally adjusted) per calendar year, 1913 … 2026.

    Why: pay quoted in different years is only comparable in one year's dollars (see :func:`real_dollars`).
    Each year's value is the mean of the monthly index values the file holds for it. A partial year uses
    only the months it has: 2026 is January … May (the file ends 2026-05), and 2025 has 11 months because
    the source has no October 2025 value. Index ``year`` (int), name ``cpi_u``; a missing file gives an
    empty series. Attribution: ``CPI_ATTRIBUTION``.
    """
    path = CPI_PATH if path is None else path
    if not path.is_file():
        return pd.Series([], dtype="float64", name="cpi_u", index=pd.Index([], dtype="int64", name="year"))
    raw = _read_csv(path)
    years = raw["Date"].str[:4].astype("int64").rename("year")
    return raw["Index"].astype("float64").groupby(years).mean().rename("cpi_u")


def real_dollars(
    amounts: pd.Series, years: pd.Series, base_year: int, *, cpi: pd.Series | None = None
) -> pd.Series:
    """Express ``amounts`` earned in ``years`` in ``base_year`` dollars: pay_B = pay_Y × CPI(B) / CPI(Y).

    Why: a 2012 salary and a 2024 salary differ by about a third in prices alone; comparing them in one
    year's dollars keeps inflation from posing as a raise. ``amounts`` and ``years`` must share an index
    (rows are matched on it). Years (and ``base_year``) after the last CPI year use the latest year's CPI,
    years before 1913 use 1913's; a NaN year or amount gives NaN. Fractional years are floored. ``cpi``
    defaults to :func:`cpi_annual`; if that is empty (file missing) every result is NaN rather than an
    error. Attribution: ``CPI_ATTRIBUTION``.
    """
    cpi = cpi_annual() if cpi is None else cpi
    amounts = pd.to_numeric(amounts, errors="coerce").astype("float64")
    if cpi.empty:
        return pd.Series(np.nan, index=amounts.index, dtype="float64", name=amounts.name)
    lo, hi = int(cpi.index.min()), int(cpi.index.max())
    table = cpi.to_dict()
    year = np.floor(pd.to_numeric(years, errors="coerce").astype("float64")).clip(lo, hi)
    cpi_y = year.map(table)
    cpi_b = table[min(max(int(base_year), lo), hi)]
    return (amounts * (cpi_b / cpi_y)).rename(amounts.name)
