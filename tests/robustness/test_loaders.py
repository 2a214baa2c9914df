"""Robustness corpus for the loaders: broken copies of the demo data, one fault each.

Every case breaks one real-format file (absent key column, header only, zero bytes,
implausible values) and checks the exception type and that the message names the file and,
where it applies, the line and the column. "No data rows" must be ``EmptyInputError`` (the
store turns it into a "not available" box for optional sources); every other fault must be
a plain ``DataValidationError``, so that it stops the run. The last cases run the real
command line on a broken data folder and check the refusal a user sees.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from boardpack import periods
from boardpack.errors import DataValidationError, EmptyInputError
from boardpack.loaders import ALL_SOURCES, crime, population
from boardpack.loaders.discovery import BOUNDARY_STEM, find_boundary_files
from boardpack.loaders import stop_search as ss

from .conftest import assert_refused

SOURCES = {s.name: s for s in ALL_SOURCES}
CRIME_DIR = Path("mps_borough_crime") / "demo"
HISTORICAL = CRIME_DIR / "MPS Borough Level Crime (Historical).csv"
RECENT = CRIME_DIR / "MPS Borough Level Crime (most recent 24 months).csv"
SS_DIR = Path("stop_search") / "demo_police_uk_csv"
SS_MONTH = SS_DIR / "2026-09-metropolitan-stop-and-search.csv.gz"
HOMICIDE = Path("mps_homicide") / "Homicides_demo.csv"
PAS_BOROUGHS = Path("pas_confidence") / "PAS_buroughs.csv"
CENSUS_2011 = Path("census_ethnicity") / "la-ethnic-groups.csv"
CENSUS_2021 = Path("census_ethnicity") / "Census_2021_ethnicity.csv"
POPULATION = Path("population") / "demo-mid-year-estimates-mye4.xlsx"
SHAPEFILE = Path("boundaries") / "demo" / (BOUNDARY_STEM + ".shp")

# Documented inputs: (source name, file, the column whose period is checked, a key column).
INPUTS = {
    "asb": ("asb", Path("asb") / "asb_calls.csv", "month", "calls"),
    "victim_satisfaction": ("victim_satisfaction", Path("victim_satisfaction") / "uss.csv", "quarter_end", "measure"),
    "allegations": ("complaints", Path("complaints") / "allegations.csv", "month", "allegations"),
    "outcomes": ("complaints", Path("complaints") / "outcomes.csv", "month", "allegations"),
    "workforce": ("complaints", Path("complaints") / "workforce.csv", "month", "workforce"),
    "custody_visits": ("custody_visits", Path("custody_visits") / "icv_reports.csv", "quarter_end", "visits_conducted"),
    "moj": ("criminal_justice", Path("moj") / "criminal_justice.csv", "period_end", "unit"),
}


# --- building broken files ---------------------------------------------------------------


def read_table(path: Path, sep: str = ",") -> pd.DataFrame:
    """A CSV (or .csv.gz) file as text cells, exactly as written."""
    return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)


def write_table(df: pd.DataFrame, path: Path, sep: str = ",") -> Path:
    """Write text cells back in place (gzip when the name says so)."""
    df.to_csv(path, sep=sep, index=False, compression="gzip" if path.suffix == ".gz" else None)
    return path


def header_only(path: Path) -> Path:
    """Keep the header line of a (possibly gzipped) text file and nothing else."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
    with opener(path, "wt", encoding="utf-8", newline="") as fh:
        fh.write(first)
    return path


def zero_bytes(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def load(source: str, data_dir: Path, registry) -> dict:
    """Discover and load one source from a data folder, as the store does."""
    src = SOURCES[source]
    return src.load(src.discover(data_dir), registry)


def error_of(exc_type, source: str, data_dir: Path, registry) -> DataValidationError:
    """The error a source raises, checking its exact type (EmptyInputError is not a plain error)."""
    with pytest.raises(DataValidationError) as info:
        load(source, data_dir, registry)
    assert type(info.value) is exc_type, f"{type(info.value).__name__}: {info.value}"
    return info.value


def assert_names(err: DataValidationError, path: Path, row=None, column=None) -> None:
    """The message names the file and, where given, the line and the column."""
    text = str(err)
    assert err.file == str(path) and str(path) in text, text
    if row is not None:
        assert err.row == row and f"line {row}" in text, text
    if column is not None:
        assert err.column == column and f"column {column!r}" in text, text


@pytest.fixture
def clock(monkeypatch):
    """Set the machine's "current month" that the loaders check dates against."""

    def set_month(month: str) -> None:
        monkeypatch.setattr(periods, "current_month", lambda: pd.Period(month, freq="M"))

    return set_month


def shift_years(month_column: str, years: int) -> str:
    return f"{int(month_column[:4]) + years}{month_column[4:]}"


# --- recorded crime: each layout ------------------------------------------------------------


def relabel(path: Path, names: dict[str, str], drop: str | None = None, mixed_case: bool = False) -> Path:
    """Rewrite a crime file's key columns into another layout, optionally without one column.

    ``mixed_case`` relabels the demo's upper-case major categories with the mixed-case labels
    of the mixed_2010 issue, as that layout publishes them.
    """
    df = read_table(path).rename(columns=names)
    if mixed_case:
        mixed = pd.read_csv(crime.MAPPINGS_DIR / "crime_mixed_2010.csv", dtype=str)["major"]
        by_upper = {label.upper(): label for label in mixed}
        major = names.get("MajorText", "MajorText")
        df[major] = df[major].map(lambda label: by_upper.get(label, label))
    return write_table(df.drop(columns=[drop]) if drop else df, path)


@pytest.mark.parametrize(
    "names, drop, mixed_case, vintage",
    [
        ({}, "BoroughName", False, "upper_2010"),
        ({"BoroughName": "LookUp_BoroughName"}, "LookUp_BoroughName", True, "mixed_2010"),
        ({"MajorText": "Major Category", "MinorText": "Minor Category", "BoroughName": "Borough"}, "Minor Category",
         False, "ho_2008"),
        ({"MajorText": "Group", "MinorText": "SubGroup", "BoroughName": "BOCU"}, "BOCU", False, "new_2024"),
    ],
    ids=["upper_2010", "mixed_2010", "ho_2008", "new_2024"],
)
def test_crime_missing_key_column_is_named_by_its_own_layout(demo_copy, registry, names, drop, mixed_case, vintage):
    path = relabel(demo_copy / HISTORICAL, names, drop, mixed_case)
    err = error_of(DataValidationError, "crime", demo_copy, registry)
    assert_names(err, path, row=1, column=drop)
    assert vintage in str(err) and f"required column {drop!r} is missing" in str(err)


@pytest.mark.parametrize("mixed_case, vintage, column", [(False, "upper_2010", "BoroughName"),
                                                         (True, "mixed_2010", "LookUp_BoroughName")])
def test_crime_area_column_named_by_the_layout_of_the_categories(demo_copy, registry, mixed_case, vintage, column):
    # "MajorText, MinorText, Borough" fits mixed_2010 and upper_2010 alike by header, and has
    # the 2008 layout's 'Borough': the categories decide which layout's area column is named.
    path = relabel(demo_copy / HISTORICAL, {"BoroughName": "Borough"}, mixed_case=mixed_case)
    err = error_of(DataValidationError, "crime", demo_copy, registry)
    assert_names(err, path, row=1, column=column)
    assert vintage in str(err)


@pytest.mark.parametrize("file", [HISTORICAL, RECENT], ids=["historical", "recent_24_months"])
def test_crime_header_only_file_is_empty_input(demo_copy, registry, file):
    path = header_only(demo_copy / file)
    assert_names(error_of(EmptyInputError, "crime", demo_copy, registry), path)


def test_crime_header_only_in_the_mixed_layout(demo_copy, registry):
    path = header_only(relabel(demo_copy / RECENT, {"BoroughName": "LookUp_BoroughName"}))
    assert_names(error_of(EmptyInputError, "crime", demo_copy, registry), path)


def test_crime_zero_byte_file_is_empty_input(demo_copy, registry):
    path = zero_bytes(demo_copy / RECENT)
    err = error_of(EmptyInputError, "crime", demo_copy, registry)
    assert_names(err, path)
    assert "empty" in err.rule


def test_crime_months_shifted_into_the_future(demo_copy, registry):
    path = demo_copy / RECENT
    df = read_table(path)
    months = [c for c in df.columns if c.isdigit()]
    write_table(df.rename(columns={m: shift_years(m, 70) for m in months}), path)
    err = error_of(DataValidationError, "crime", demo_copy, registry)
    first = shift_years(months[0], 70)
    assert_names(err, path, row=1, column=first)
    assert f"month {first[:4]}-{first[4:]}" in str(err) and "later than the current month" in str(err)


def test_crime_month_after_a_moved_clock(demo_copy, registry, clock):
    # The demo runs to 2026-09: with the clock at 2026-07, 2026-08 is the first future month.
    clock("2026-07")
    err = error_of(DataValidationError, "crime", demo_copy, registry)
    assert_names(err, demo_copy / RECENT, row=1, column="202608")
    assert "(2026-07)" in str(err)


def test_crime_month_column_that_is_not_a_month(demo_copy, registry):
    path = demo_copy / RECENT
    df = read_table(path)
    last = df.columns[-1]
    write_table(df.rename(columns={last: f"{last[:4]}13"}), path)
    err = error_of(DataValidationError, "crime", demo_copy, registry)
    assert_names(err, path, row=1, column=f"{last[:4]}13")


# --- Public Attitude Survey -----------------------------------------------------------------


def test_pas_header_only(demo_copy, registry):
    path = header_only(demo_copy / PAS_BOROUGHS)
    assert_names(error_of(EmptyInputError, "pas", demo_copy, registry), path)


def test_pas_missing_proportion_column(demo_copy, registry):
    path = demo_copy / PAS_BOROUGHS
    write_table(read_table(path, sep=";").drop(columns=["Proportion"]), path, sep=";")
    assert_names(error_of(DataValidationError, "pas", demo_copy, registry), path, row=1, column="Proportion")


def test_pas_quarter_in_the_future(demo_copy, registry):
    path = demo_copy / PAS_BOROUGHS
    df = read_table(path, sep=";")
    df.loc[4, "Date"] = "31/03/2096"
    write_table(df, path, sep=";")
    err = error_of(DataValidationError, "pas", demo_copy, registry)
    assert_names(err, path, row=6, column="Date")
    assert "quarter ending 2096-03" in str(err)


# --- stop and search --------------------------------------------------------------------------


def ss_paths(data_dir: Path, *files: Path) -> list[Path]:
    """One or more month files with the boundary parts, as discover lists them."""
    return sorted([data_dir / f for f in files] + find_boundary_files(data_dir))


def test_stop_search_latitude_and_longitude_swapped(demo_copy, registry):
    path = demo_copy / SS_MONTH
    df = read_table(path)
    df["Latitude"], df["Longitude"] = df["Longitude"].copy(), df["Latitude"].copy()
    write_table(df, path)
    with pytest.raises(DataValidationError) as info:
        ss.load(ss_paths(demo_copy, SS_MONTH), registry)
    first_located = int((df["Latitude"] != "").to_numpy().argmax()) + 2
    assert_names(info.value, path, row=first_located, column="Latitude")
    assert "swapped" in str(info.value) and type(info.value) is DataValidationError


def test_stop_search_a_few_strays_are_still_only_outside(demo_copy, registry):
    path = demo_copy / SS_MONTH
    df = read_table(path)
    strays = df.index[df["Latitude"] != ""][:3]
    df.loc[strays, "Latitude"], df.loc[strays, "Longitude"] = "48.8566", "2.3522"  # Paris
    write_table(df, path)
    table = ss.load(ss_paths(demo_copy, SS_MONTH), registry)["stop_search"]
    paris = table[table["latitude"] == 48.8566]
    assert len(paris) == 3 and set(paris["location_status"]) == {"outside_boroughs"}
    assert (table["location_status"] == "borough").mean() > 0.5


def test_stop_search_json_swapped_names_the_record(test_data, tmp_path, registry):
    folder = tmp_path / "stop_search"
    folder.mkdir()
    shutil.copytree(test_data / "boundaries", tmp_path / "boundaries")
    records = json.loads((test_data / "stop_search" / "api_json" / "2024-09.json").read_text())
    for rec in records:
        if rec["location"]:
            loc = rec["location"]
            loc["latitude"], loc["longitude"] = loc["longitude"], loc["latitude"]
    path = folder / "2024-09.json"
    path.write_text(json.dumps(records))
    err = error_of(DataValidationError, "stop_search", tmp_path, registry)
    first = next(i for i, rec in enumerate(records, start=1) if rec["location"])
    assert_names(err, path, column="location.latitude")
    assert f"record {first}:" in str(err) and "swapped" in str(err)


def test_stop_search_month_after_the_clock(demo_copy, registry, clock):
    clock("2026-08")
    with pytest.raises(DataValidationError) as info:
        ss.load(ss_paths(demo_copy, SS_MONTH), registry)
    assert_names(info.value, demo_copy / SS_MONTH, row=2, column="Date")
    assert "month 2026-09 is later than the current month (2026-08)" in str(info.value)


def test_stop_search_header_only_month(demo_copy, registry):
    path = header_only(demo_copy / SS_MONTH)
    with pytest.raises(EmptyInputError) as info:
        ss.load(ss_paths(demo_copy, SS_MONTH, SS_DIR / "2026-08-metropolitan-stop-and-search.csv.gz"), registry)
    assert_names(info.value, path)


def test_stop_search_csv_missing_column_uses_the_csv_name(demo_copy, registry):
    path = demo_copy / SS_MONTH
    write_table(read_table(path).drop(columns=["Officer-defined ethnicity"]), path)
    with pytest.raises(DataValidationError) as info:
        ss.load(ss_paths(demo_copy, SS_MONTH), registry)
    assert_names(info.value, path, row=1, column="Officer-defined ethnicity")


@pytest.mark.parametrize("field, column", [("officer_defined_ethnicity", "officer_defined_ethnicity"),
                                           ("location.latitude", "location.latitude")])
def test_stop_search_json_missing_field_uses_the_json_name(test_data, tmp_path, field, column):
    records = json.loads((test_data / "stop_search" / "api_json" / "2024-09.json").read_text())
    i = next(i for i, rec in enumerate(records) if rec["location"])
    if field == "location.latitude":
        del records[i]["location"]["latitude"]
    else:
        del records[i][field]
    path = tmp_path / "2024-09.json"
    path.write_text(json.dumps(records))
    with pytest.raises(DataValidationError) as info:
        ss.read_file(path)
    assert_names(info.value, path, column=column)
    assert f"record {i + 1}:" in str(info.value)


def test_stop_search_json_empty_list(tmp_path):
    path = tmp_path / "2024-09.json"
    path.write_text("[]")
    with pytest.raises(EmptyInputError) as info:
        ss.read_file(path)
    assert_names(info.value, path)


# --- boundaries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".shp", ".dbf"])
def test_boundaries_zero_byte_part(demo_copy, registry, suffix):
    path = zero_bytes((demo_copy / SHAPEFILE).with_suffix(suffix))
    with pytest.raises(EmptyInputError) as info:
        ss.load(ss_paths(demo_copy, SS_MONTH), registry)
    assert_names(info.value, path)


# --- Census -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "file, column, layout",
    [(CENSUS_2011, "geography code", "Census 2011"), (CENSUS_2021, "Observation", "Census 2021")],
    ids=["2011", "2021"],
)
def test_census_missing_column_named_by_its_year(demo_copy, registry, file, column, layout):
    path = demo_copy / file
    write_table(read_table(path).drop(columns=[column]), path)
    err = error_of(DataValidationError, "census", demo_copy, registry)
    assert_names(err, path, row=1, column=column)
    assert layout in str(err)


@pytest.mark.parametrize("file", [CENSUS_2011, CENSUS_2021], ids=["2011", "2021"])
def test_census_header_only(demo_copy, registry, file):
    path = header_only(demo_copy / file)
    assert_names(error_of(EmptyInputError, "census", demo_copy, registry), path)


def test_census_without_london_rows(demo_copy, registry):
    path = demo_copy / CENSUS_2021
    df = read_table(path)
    write_table(df[~df["Upper tier local authorities Code"].str.startswith("E09")], path)
    err = error_of(DataValidationError, "census", demo_copy, registry)
    assert_names(err, path, column="Upper tier local authorities Code")
    assert "no London" in str(err)


# --- population ---------------------------------------------------------------------------------


def edit_workbook(path: Path, edit) -> Path:
    book = openpyxl.load_workbook(path)
    edit(book[population.SHEET])
    book.save(path)
    return path


def header_line(ws) -> int:
    return next(cell.row for cell in ws["A"] if cell.value == "Code")


def test_population_sheet_without_data_rows(demo_copy, registry):
    path = edit_workbook(demo_copy / POPULATION, lambda ws: ws.delete_rows(header_line(ws) + 1, ws.max_row))
    assert_names(error_of(EmptyInputError, "population", demo_copy, registry), path)


def test_population_zero_byte_workbook(demo_copy, registry):
    path = zero_bytes(demo_copy / POPULATION)
    assert_names(error_of(EmptyInputError, "population", demo_copy, registry), path)


def test_population_year_in_the_future(demo_copy, registry):
    found = {}

    def shift(ws):
        row = header_line(ws)
        found["row"] = row
        cell = next(c for c in ws[row] if str(c.value).startswith("Mid-"))
        found["column"] = cell.value = f"Mid-{int(cell.value[4:]) + 70}"

    path = edit_workbook(demo_copy / POPULATION, shift)
    err = error_of(DataValidationError, "population", demo_copy, registry)
    assert_names(err, path, row=found["row"], column=found["column"])


def test_population_missing_name_column(demo_copy, registry):
    found = {}

    def rename(ws):
        found["row"] = row = header_line(ws)
        next(c for c in ws[row] if c.value == "Name").value = "Area"

    path = edit_workbook(demo_copy / POPULATION, rename)
    assert_names(error_of(DataValidationError, "population", demo_copy, registry), path, row=found["row"],
                 column="Name")


# --- homicide -----------------------------------------------------------------------------------


def test_homicide_header_only(demo_copy, registry):
    path = header_only(demo_copy / HOMICIDE)
    assert_names(error_of(EmptyInputError, "homicide", demo_copy, registry), path)


def test_homicide_date_in_the_future(demo_copy, registry):
    path = demo_copy / HOMICIDE
    df = read_table(path)
    df.loc[9, "Recorded Date"] = "Jan-96"  # read as 2096, since the dashboard starts in 2003
    write_table(df, path)
    err = error_of(DataValidationError, "homicide", demo_copy, registry)
    assert_names(err, path, row=11, column="Recorded Date")
    assert "2096-01" in str(err)


def test_homicide_missing_borough_column(demo_copy, registry):
    path = demo_copy / HOMICIDE
    write_table(read_table(path).drop(columns=["Borough"]), path)
    assert_names(error_of(DataValidationError, "homicide", demo_copy, registry), path, row=1, column="Borough")


# --- documented inputs --------------------------------------------------------------------------


@pytest.mark.parametrize("name", INPUTS)
def test_input_header_only(demo_copy, registry, name):
    source, file, _, _ = INPUTS[name]
    path = header_only(demo_copy / file)
    assert_names(error_of(EmptyInputError, source, demo_copy, registry), path)


@pytest.mark.parametrize("name", INPUTS)
def test_input_zero_bytes(demo_copy, registry, name):
    source, file, _, _ = INPUTS[name]
    path = zero_bytes(demo_copy / file)
    assert_names(error_of(EmptyInputError, source, demo_copy, registry), path)


@pytest.mark.parametrize("name", INPUTS)
def test_input_period_in_the_future(demo_copy, registry, name):
    source, file, column, _ = INPUTS[name]
    path = demo_copy / file
    df = read_table(path)
    df.loc[len(df) - 1, column] = "2096-12"
    write_table(df, path)
    err = error_of(DataValidationError, source, demo_copy, registry)
    assert_names(err, path, row=len(df) + 1, column=column)
    assert "2096-12 is later than the current month" in str(err)


@pytest.mark.parametrize("name", INPUTS)
def test_input_missing_key_column(demo_copy, registry, name):
    source, file, _, column = INPUTS[name]
    path = demo_copy / file
    write_table(read_table(path).drop(columns=[column]), path)
    err = error_of(DataValidationError, source, demo_copy, registry)
    assert_names(err, path, row=1, column=column)
    assert f"required column {column!r} is missing" in str(err)


# --- the real command line ----------------------------------------------------------------------


def cli(run_cli, demo_copy, tmp_path):
    return run_cli("--data-dir", str(demo_copy), "--boroughs", "camden", "--output-dir", str(tmp_path / "out"),
                   "--no-progress")


def test_cli_refuses_crime_file_missing_its_area_column(demo_copy, run_cli, tmp_path):
    path = relabel(demo_copy / HISTORICAL, {}, "BoroughName")
    assert_refused(cli(run_cli, demo_copy, tmp_path), str(path), "line 1", "column 'BoroughName'", "upper_2010")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("board_pack.pdf"))


def test_cli_refuses_header_only_crime_file(demo_copy, run_cli, tmp_path):
    path = header_only(demo_copy / RECENT)
    assert_refused(cli(run_cli, demo_copy, tmp_path), str(path), "no data rows")


def test_cli_refuses_crime_months_in_the_future(demo_copy, run_cli, tmp_path):
    path = demo_copy / HISTORICAL
    df = read_table(path)
    months = [c for c in df.columns if c.isdigit()]
    write_table(df.rename(columns={m: shift_years(m, 70) for m in months}), path)
    first = shift_years(months[0], 70)
    assert_refused(cli(run_cli, demo_copy, tmp_path), str(path), "line 1", f"column {first!r}",
                   "later than the current month")


def test_cli_refuses_swapped_stop_search_coordinates(demo_copy, run_cli, tmp_path):
    path = demo_copy / SS_MONTH
    df = read_table(path)
    df["Latitude"], df["Longitude"] = df["Longitude"].copy(), df["Latitude"].copy()
    write_table(df, path)
    assert_refused(cli(run_cli, demo_copy, tmp_path), str(path), "column 'Latitude'", "swapped")


def test_cli_refuses_pas_quarter_in_the_future(demo_copy, run_cli, tmp_path):
    path = demo_copy / PAS_BOROUGHS
    df = read_table(path, sep=";")
    df.loc[0, "Date"] = "30/06/2096"
    write_table(df, path, sep=";")
    assert_refused(cli(run_cli, demo_copy, tmp_path), str(path), "line 2", "column 'Date'", "2096-06")


def test_cli_refuses_asb_month_in_the_future(demo_copy, run_cli, tmp_path):
    _, file, column, _ = INPUTS["asb"]
    path = demo_copy / file
    df = read_table(path)
    df.loc[2, column] = "2096-01"
    write_table(df, path)
    assert_refused(cli(run_cli, demo_copy, tmp_path), str(path), "line 4", "column 'month'", "2096-01")


def test_cli_refuses_census_2021_missing_observation(demo_copy, run_cli, tmp_path):
    path = demo_copy / CENSUS_2021
    write_table(read_table(path).drop(columns=["Observation"]), path)
    assert_refused(cli(run_cli, demo_copy, tmp_path), str(path), "line 1", "column 'Observation'", "Census 2021")
