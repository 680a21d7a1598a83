"""reports/external.py: the bundled reference series load, match the numbers their PROVENANCE files state,
convert pay to one year's dollars correctly, and degrade to empty results when a file is missing."""

from __future__ import annotations

import csv
import gzip
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from skillpulse.reports import external

REF = Path(__file__).resolve().parent.parent / "skillpulse" / "data" / "reference"
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _daily_sector(name: str) -> dict[str, float]:
    """The sector file's daily values for ``name``, read with the csv module (not the code under test)."""
    with gzip.open(external.HIRING_LAB_SECTOR_PATH, "rt", encoding="utf-8") as fh:
        return {
            r["date"]: float(r["indeed_job_postings_index"])
            for r in csv.DictReader(fh)
            if r["display_name"] == name and r["variable"] == "total postings"
        }


# -- bundled files -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "relpath",
    [
        "indeed_hiring_lab/aggregate_job_postings_US_2026-08-19.csv.gz",
        "indeed_hiring_lab/job_postings_by_sector_US_2024-10-03.csv.gz",
        "indeed_hiring_lab/sector-job-title-examples.csv",
        "indeed_hiring_lab/LICENSE.upstream",
        "indeed_hiring_lab/README.upstream.md",
        "indeed_hiring_lab/PROVENANCE.md",
        "hiringtrends/hiringtrends_term_series_2011-04_2024-05.json.gz",
        "hiringtrends/terms.dic.upstream",
        "hiringtrends/LICENSE.upstream.md",
        "hiringtrends/PROVENANCE.md",
        "cpi_fx/cpi_u_monthly_1913_2026-05.csv",
        "cpi_fx/fx_fed_annual.csv",
        "cpi_fx/fx_fed_monthly.csv.gz",
        "cpi_fx/PROVENANCE.md",
    ],
)
def test_reference_file_is_bundled(relpath: str) -> None:
    path = REF / relpath
    assert path.is_file() and path.stat().st_size > 0


@pytest.mark.parametrize("folder", ["indeed_hiring_lab", "hiringtrends", "cpi_fx"])
def test_provenance_says_how_skillpulse_uses_it(folder: str) -> None:
    assert "## How skillpulse uses it" in (REF / folder / "PROVENANCE.md").read_text(encoding="utf-8")


def test_hiring_lab_provenance_states_attribution_licence_and_old_method() -> None:
    text = (REF / "indeed_hiring_lab" / "PROVENANCE.md").read_text(encoding="utf-8")
    usage = text.split("## How skillpulse uses it", 1)[1]
    assert "Indeed Hiring Lab" in usage and "CC BY 4.0" in usage
    assert "old seasonal-adjustment method" in usage


def test_attribution_constants() -> None:
    assert external.HIRING_LAB_ATTRIBUTION == "Indeed Hiring Lab, Job Postings Index (CC BY 4.0)"
    assert (
        "ryanwi/hiringtrends" in external.HIRINGTRENDS_ATTRIBUTION
        and "MIT" in external.HIRINGTRENDS_ATTRIBUTION
    )
    assert "CPI-U" in external.CPI_ATTRIBUTION and "public domain" in external.CPI_ATTRIBUTION
    assert "November 2024" in external.HIRING_LAB_SECTOR_NOTE


# -- Indeed Hiring Lab -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sector", "day", "value"),
    [  # the "Values worth knowing" table of indeed_hiring_lab/PROVENANCE.md
        ("Software Development", "2022-01-01", 217.8),
        ("Software Development", "2024-01-01", 74.1),
        ("Software Development", "2024-09-27", 69.6),
        ("Mathematics", "2022-01-01", 186.1),
        ("Information Design & Documentation", "2023-01-01", 127.3),
        ("Nursing", "2021-01-01", 116.9),
    ],
)
def test_sector_daily_values_match_provenance(sector: str, day: str, value: float) -> None:
    assert _daily_sector(sector)[day] == pytest.approx(value, abs=0.051)  # PROVENANCE rounds to 0.1


def test_sector_monthly_means() -> None:
    got = external.hiring_lab_sectors(["Software Development", "Mathematics"])
    assert list(got.columns) == ["month", "series", "index"]
    assert got["month"].str.match(MONTH).all()
    assert list(got["series"].unique()) == ["Software Development", "Mathematics"]  # order as asked
    sd = got[got["series"] == "Software Development"].set_index("month")["index"]
    # 2020-02 … 2024-09 every month once, ascending
    assert list(sd.index) == [str(p) for p in pd.period_range("2020-02", "2024-09", freq="M")]
    daily = _daily_sector("Software Development")
    jan22 = [v for d, v in daily.items() if d.startswith("2022-01")]
    assert len(jan22) == 31
    assert sd["2022-01"] == pytest.approx(sum(jan22) / 31)
    assert abs(sd["2022-01"] - 217.8) < 10  # near the 2022-01-01 daily value, but a mean, not that day
    assert sd["2022-01"] != pytest.approx(217.84, abs=0.01)
    sep24 = [v for d, v in daily.items() if d.startswith("2024-09")]
    assert len(sep24) == 27 and sd["2024-09"] == pytest.approx(sum(sep24) / 27)  # partial last month
    assert sd["2020-02"] == pytest.approx(100, abs=5)


def test_sector_since_filters_months() -> None:
    got = external.hiring_lab_sectors(["Nursing"], since="2023-06")
    assert got["month"].min() == "2023-06" and got["month"].max() == "2024-09"
    assert len(got) == 16


def test_unknown_sector_raises() -> None:
    with pytest.raises(ValueError, match="Softwear Development"):
        external.hiring_lab_sectors(["Softwear Development"])


def test_hiring_lab_total() -> None:
    got = external.hiring_lab_total()
    assert list(got.columns) == ["month", "series", "index"]
    assert set(got["series"]) == {external.HIRING_LAB_TOTAL_SERIES}
    assert list(got["month"]) == [str(p) for p in pd.period_range("2020-02", "2026-08", freq="M")]
    by_month = got.set_index("month")["index"]
    # PROVENANCE: SA 161.1 on 2022-04-01, 120.4 on 2024-01-01, 101.8 on 2026-08-14 (daily); monthly means near
    assert by_month["2022-04"] == pytest.approx(161.1, abs=8)
    assert by_month["2024-01"] == pytest.approx(120.4, abs=6)
    assert by_month["2026-08"] == pytest.approx(101.8, abs=5)
    assert by_month["2022-04"] > by_month["2024-01"] > by_month["2026-08"]
    # "new postings" rows must not leak into the total series: each month is one row
    assert got["month"].is_unique
    assert external.hiring_lab_total(since="2026-01")["month"].tolist()[0] == "2026-01"


def test_total_uses_seasonally_adjusted_total_postings() -> None:
    with gzip.open(external.HIRING_LAB_TOTAL_PATH, "rt", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["date"].startswith("2024-01")]
    sa = [float(r["indeed_job_postings_index_SA"]) for r in rows if r["variable"] == "total postings"]
    got = external.hiring_lab_total().set_index("month")["index"]["2024-01"]
    assert got == pytest.approx(sum(sa) / len(sa))


def test_sector_examples() -> None:
    got = external.hiring_lab_sector_examples().set_index("sector")["job_titles"]
    assert "data scientist" in got["Mathematics"]
    assert "software engineer" in got["Software Development"]


# -- HN Hiring Trends --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("label", "month"),
    [("May24", "2024-05"), ("Apr11", "2011-04"), ("Dec11", "2011-12"), ("Nov17", "2017-11")],
)
def test_hiringtrends_month_label(label: str, month: str) -> None:
    assert external._hiringtrends_month(label) == month


def test_hiringtrends_terms_match_provenance() -> None:
    got = external.hiringtrends_terms(["Python", "AI", "Java"])
    assert list(got.columns) == ["month", "term", "percentage", "count", "num_comments"]
    assert list(got["term"].unique()) == ["Python", "AI", "Java"]
    assert got["month"].str.match(MONTH).all()
    table = got.set_index(["term", "month"])["percentage"]
    # PROVENANCE: Apr 2011 → Nov 2017 → May 2024
    assert [table["Python", m] for m in ("2011-04", "2017-11", "2024-05")] == [16.89, 23.0, 18.09]
    assert [table["Java", m] for m in ("2011-04", "2017-11", "2024-05")] == [9.13, 11.34, 2.2]
    assert [table["AI", m] for m in ("2011-04", "2017-11", "2024-05")] == [0.46, 5.51, 24.69]
    may24 = got[(got["term"] == "AI") & (got["month"] == "2024-05")].iloc[0]
    assert (may24["count"], may24["num_comments"]) == (101, 409)


def test_hiringtrends_series_shape() -> None:
    got = external.hiringtrends_terms(["Machine Learning"])
    assert len(got) == 157
    assert got["month"].iloc[0] == "2011-04" and got["month"].iloc[-1] == "2024-05"
    assert got["month"].is_monotonic_increasing and got["month"].is_unique
    assert "2011-07" not in set(got["month"])  # absent upstream, not invented here
    ok = got[got["num_comments"] > 0]
    assert ((ok["count"] / ok["num_comments"] * 100 - ok["percentage"]).abs() < 0.01).all()


def test_unknown_term_raises() -> None:
    with pytest.raises(ValueError, match="Pythn"):
        external.hiringtrends_terms(["Pythn"])


# -- CPI and real dollars ------------------------------------------------------------------------------
def _cpi_months(year: int) -> list[float]:
    with open(external.CPI_PATH, encoding="utf-8") as fh:
        return [float(r["Index"]) for r in csv.DictReader(fh) if r["Date"].startswith(f"{year}-")]


def test_cpi_annual_is_mean_of_months() -> None:
    cpi = external.cpi_annual()
    assert cpi.index.min() == 1913 and cpi.index.max() == 2026
    for year in (1913, 2012, 2024):
        months = _cpi_months(year)
        assert len(months) == 12
        assert cpi[year] == pytest.approx(sum(months) / 12)
    assert cpi[2024] == pytest.approx(313.6888, abs=1e-3)
    # partial years use the months they have: 2025 lacks October upstream, 2026 ends in May
    assert len(_cpi_months(2025)) == 11 and cpi[2025] == pytest.approx(sum(_cpi_months(2025)) / 11)
    assert len(_cpi_months(2026)) == 5 and cpi[2026] == pytest.approx(sum(_cpi_months(2026)) / 5)


def test_real_dollars_arithmetic() -> None:
    cpi = pd.Series({2010: 100.0, 2015: 120.0, 2020: 150.0})
    amounts = pd.Series([1000.0, 1000.0, 1000.0, 1000.0, 1000.0, float("nan")])
    years = pd.Series([2010, 2020, 2015, 2031, float("nan"), 2010])
    got = external.real_dollars(amounts, years, 2020, cpi=cpi)
    assert got[0] == pytest.approx(1500.0)  # 1000 × 150 / 100
    assert got[1] == pytest.approx(1000.0)  # same year
    assert got[2] == pytest.approx(1250.0)  # 1000 × 150 / 120
    assert got[3] == pytest.approx(1000.0)  # beyond the data: latest year's CPI
    assert math.isnan(got[4]) and math.isnan(got[5])
    back = external.real_dollars(pd.Series([1500.0]), pd.Series([2020]), 2010, cpi=cpi)
    assert back[0] == pytest.approx(1000.0)
    assert external.real_dollars(pd.Series([1000.0]), pd.Series([2010]), 2099, cpi=cpi)[0] == pytest.approx(
        1500.0
    )


def test_real_dollars_with_bundled_cpi() -> None:
    cpi12, cpi24 = sum(_cpi_months(2012)) / 12, sum(_cpi_months(2024)) / 12
    got = external.real_dollars(pd.Series([100_000.0], index=[7]), pd.Series([2012], index=[7]), 2024)
    assert list(got.index) == [7]
    assert got[7] == pytest.approx(100_000 * cpi24 / cpi12)
    assert 130_000 < got[7] < 140_000  # about a third more in 2024 prices


# -- missing files ---------------------------------------------------------------------------------------
def test_missing_files_give_empty_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = tmp_path / "gone.csv"
    for name in (
        "HIRING_LAB_SECTOR_PATH",
        "HIRING_LAB_TOTAL_PATH",
        "HIRING_LAB_EXAMPLES_PATH",
        "HIRINGTRENDS_PATH",
        "CPI_PATH",
    ):
        monkeypatch.setattr(external, name, gone)
    frames = {
        "sectors": (external.hiring_lab_sectors(["Software Development"]), ["month", "series", "index"]),
        "total": (external.hiring_lab_total(), ["month", "series", "index"]),
        "examples": (external.hiring_lab_sector_examples(), ["sector", "job_titles"]),
        "terms": (
            external.hiringtrends_terms(["Python"]),
            ["month", "term", "percentage", "count", "num_comments"],
        ),
    }
    for name, (frame, columns) in frames.items():
        assert isinstance(frame, pd.DataFrame), name
        assert frame.empty and list(frame.columns) == columns, name
    assert external.hiring_lab_total()["index"].dtype == "float64"
    cpi = external.cpi_annual()
    assert isinstance(cpi, pd.Series) and cpi.empty
    got = external.real_dollars(pd.Series([1000.0, 2000.0]), pd.Series([2012, 2013]), 2024)
    assert len(got) == 2 and got.isna().all()


def test_explicit_missing_path(tmp_path: Path) -> None:
    assert external.hiring_lab_sectors(["x"], path=tmp_path / "none.csv.gz").empty
    assert external.hiringtrends_terms(["x"], path=tmp_path / "none.json.gz").empty
