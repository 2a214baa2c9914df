"""Population loader: MYE4 sheets of ONS workbooks, release preference and broken inputs."""

from __future__ import annotations

import openpyxl
import pytest

from boardpack.errors import DataValidationError
from boardpack.loaders import population

NOTES = [
    "MYE4: Population estimates: Summary for the UK",
    "This worksheet contains one table.",
    None, None, None, None, None,
]


def _workbook(path, years, rows, sheet="MYE4", header_first="Code"):
    """Write an ONS-style workbook: notes, then the header on Excel row 8, then data."""
    book = openpyxl.Workbook()
    book.active.title = "Cover sheet"
    ws = book.create_sheet(sheet)
    for note in NOTES:
        ws.append([note])
    ws.append([header_first, "Name", "Geography", *[f"Mid-{y}" for y in years]])
    for r in rows:
        ws.append(list(r))
    book.save(path)
    return path


# Made-up figures. Release 2022 revises Barnet's mid-2011 figure from the 2020 release.
ROWS_2022 = [
    ("K02000001", "UNITED KINGDOM", "Country", 999999, 888888),
    ("E09000001", "City of London", "London Borough", 9000, 7000),
    ("E09000003", "Barnet", "London Borough", 390000, 357000),
    ("E06000099", "Somewhere", "Unitary Authority", 100000, 90000),
]
ROWS_2020 = [
    ("E09000001", "City of London", "London Borough", 8500, 8000, 7000),
    ("E09000003", "Barnet", "London Borough", 400000, 398000, 356000),
]


@pytest.fixture
def pop_dir(tmp_path):
    folder = tmp_path / "population"
    folder.mkdir()
    _workbook(folder / "mye22.xlsx", [2022, 2011], ROWS_2022)
    _workbook(folder / "mye20.xlsx", [2020, 2019, 2011], ROWS_2020)
    return tmp_path


def _load(data_dir, registry):
    return population.load(population.discover(data_dir), registry)["population"]


def test_canonical_table(pop_dir, registry):
    table = _load(pop_dir, registry)
    assert list(table.columns) == ["area_code", "year", "population", "source"]
    assert set(table.area_code) == {"CITY", "E09000003"}
    assert str(table.population.dtype) == "int64" and str(table.year.dtype) == "int64"
    assert not table.duplicated(["area_code", "year"]).any()


def test_newest_release_wins(pop_dir, registry):
    t = _load(pop_dir, registry).set_index(["area_code", "year"])
    assert t.loc[("E09000003", 2011), "population"] == 357000
    assert t.loc[("E09000003", 2011), "source"] == "mye22.xlsx:MYE4"
    assert t.loc[("E09000003", 2020), "source"] == "mye20.xlsx:MYE4"
    assert t.loc[("E09000003", 2022), "population"] == 390000


def test_same_release_disagreeing(tmp_path, registry):
    folder = tmp_path / "population"
    folder.mkdir()
    _workbook(folder / "a.xlsx", [2022, 2011], ROWS_2022)
    changed = [r if r[0] != "E09000003" else (*r[:3], 390001, r[4]) for r in ROWS_2022]
    _workbook(folder / "b.xlsx", [2022, 2011], changed)
    with pytest.raises(DataValidationError, match="differs between workbooks of the same release"):
        _load(tmp_path, registry)


def test_missing_sheet(tmp_path, registry):
    (tmp_path / "population").mkdir()
    _workbook(tmp_path / "population" / "x.xlsx", [2022], [("E09000003", "Barnet", "LB", 1)], sheet="MYE2")
    with pytest.raises(DataValidationError, match="no sheet 'MYE4'"):
        _load(tmp_path, registry)


def test_no_header_row(tmp_path, registry):
    (tmp_path / "population").mkdir()
    _workbook(tmp_path / "population" / "x.xlsx", [2022], [("E09000003", "Barnet", "LB", 1)], header_first="Area")
    # The header row is still found by its Mid-YYYY columns, so the error names its line and the missing column.
    with pytest.raises(DataValidationError, match="required column 'Code' is missing") as info:
        _load(tmp_path, registry)
    assert (info.value.row, info.value.column) == (8, "Code")


def test_no_header_row_at_all(tmp_path, registry):
    (tmp_path / "population").mkdir()
    _workbook(tmp_path / "population" / "x.xlsx", [], [("E09000003", "Barnet", "LB", 1)], header_first="Area")
    with pytest.raises(DataValidationError, match="no header row starting with 'Code'"):
        _load(tmp_path, registry)


def test_non_integer_estimate_names_excel_row(tmp_path, registry):
    (tmp_path / "population").mkdir()
    rows = [("E09000003", "Barnet", "LB", 1000), ("E09000004", "Bexley", "LB", "n/a")]
    _workbook(tmp_path / "population" / "x.xlsx", [2022], rows)
    with pytest.raises(DataValidationError, match="estimate 'n/a' is not a whole number") as err:
        _load(tmp_path, registry)
    assert (err.value.row, err.value.column) == (10, "Mid-2022")


def test_not_excel(tmp_path, registry):
    (tmp_path / "population").mkdir()
    (tmp_path / "population" / "broken.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(DataValidationError, match="cannot be read as Excel"):
        _load(tmp_path, registry)


def test_fractional_estimate(tmp_path, registry):
    (tmp_path / "population").mkdir()
    _workbook(tmp_path / "population" / "x.xlsx", [2022], [("E09000003", "Barnet", "LB", 1000.5)])
    with pytest.raises(DataValidationError, match="1000.5 is not a whole number"):
        _load(tmp_path, registry)


@pytest.mark.real_data
def test_real_population(real_data_dir, registry):
    table = _load(real_data_dir, registry)
    by_year = table.groupby("year").population.sum()
    assert (table.groupby("year").area_code.nunique() == 33).all()
    assert by_year[2022] == 8_866_180
    assert by_year[2011] == 8_204_407
    assert by_year[2020] == 9_002_488  # only in the pre-rebasing 2020 release
    camden = table[table.area_code == registry.get("Camden").gss_code].set_index("year")
    assert camden.loc[2022, "population"] == 218_049
    assert camden.loc[2020, "source"].startswith("ukpopestimatesmid2020")
    assert camden.loc[2011, "source"] == "mye22final.xlsx:MYE4"
