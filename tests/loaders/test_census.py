"""Census ethnicity loader: Nomis 2011 wide CSV, 2021 long CSV by code, and broken inputs."""

from __future__ import annotations

import shutil

import pytest

from boardpack.errors import DataValidationError
from boardpack.loaders import census


@pytest.fixture
def census_dir(tmp_path, test_data):
    folder = tmp_path / "census_ethnicity"
    folder.mkdir()
    for f in (test_data / "census").iterdir():
        shutil.copy(f, folder / f.name)
    return tmp_path


def _load(data_dir, registry):
    return census.load(census.discover(data_dir), registry)["census_ethnicity"]


def _edit(data_dir, name, old, new):
    path = data_dir / "census_ethnicity" / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_canonical_columns_and_london_only(census_dir, registry):
    table = _load(census_dir, registry)
    assert list(table.columns) == ["census_year", "area_code", "category_code", "category", "broad_group", "population"]
    assert str(table["population"].dtype) == "int64"
    assert set(table.loc[table.census_year == 2011, "area_code"]) == {"E09000003", "E09000031", "CITY"}
    assert set(table.loc[table.census_year == 2021, "area_code"]) == {"E09000003", "CITY"}


def test_2011_detailed_categories(census_dir, registry):
    t = _load(census_dir, registry).query("census_year == 2011 and area_code == 'E09000003'")
    assert len(t) == 18
    assert t.population.sum() == 2220
    assert t.groupby("broad_group").population.sum().to_dict() == {
        "White": 1410, "Mixed": 100, "Asian": 405, "Black": 275, "Other": 30}
    assert t.set_index("category").loc["Asian: Chinese", "population"] == 60


def test_2021_joined_on_code_not_label(census_dir, registry):
    t = _load(census_dir, registry).query("census_year == 2021 and area_code == 'E09000003'").set_index("category_code")
    assert sorted(t.index, key=int) == ["1", "2", "3", "4", "5", "6", "7"]
    # Codes 5 and 6 carry the same edited label in the file; the table tells them apart.
    assert t.loc["5", "category"] == "White: Irish" and t.loc["5", "population"] == 120
    assert t.loc["6", "category"].startswith("White: Gypsy") and t.loc["6", "population"] == 800
    assert t.loc["4", "broad_group"] == "White"
    assert t.population.sum() == 3980


def test_category_sum_mismatch(census_dir, registry):
    _edit(census_dir, "la-ethnic-groups.csv", '"E09000003","Total",2220', '"E09000003","Total",2221')
    with pytest.raises(DataValidationError, match="add up to 2,220 but 'All categories' is 2,221") as err:
        _load(census_dir, registry)
    assert err.value.row == 3


def test_negative_count(census_dir, registry):
    _edit(census_dir, "Census_2021_ethnicity.csv", "E09000003,Barnet,7,Other,150", "E09000003,Barnet,7,Other,-150")
    with pytest.raises(DataValidationError, match="below the minimum") as err:
        _load(census_dir, registry)
    assert err.value.column == "Observation"


def test_fractional_count(census_dir, registry):
    _edit(census_dir, "la-ethnic-groups.csv", '"Total",2220,1410,1000,', '"Total",2220,1410,1000.5,')
    with pytest.raises(DataValidationError, match="'1000.5' cannot be read as") as err:
        _load(census_dir, registry)
    assert err.value.row == 3


def test_2021_unknown_category_code(census_dir, registry):
    _edit(census_dir, "Census_2021_ethnicity.csv", "E09000003,Barnet,7,Other", "E09000003,Barnet,9,Other")
    with pytest.raises(DataValidationError, match="unknown ethnic group category code '9'") as err:
        _load(census_dir, registry)
    assert (err.value.row, err.value.column) == (25, "Ethnic group (8 categories) Code")


def test_2021_missing_category(census_dir, registry):
    path = census_dir / "census_ethnicity" / "Census_2021_ethnicity.csv"
    path.write_text("".join(line for line in path.read_text().splitlines(True)
                            if not line.startswith("E09000003,Barnet,3,")))
    with pytest.raises(DataValidationError, match="E09000003 has no row for Census 2021 ethnic group code"):
        _load(census_dir, registry)


def test_missing_column(census_dir, registry):
    _edit(census_dir, "la-ethnic-groups.csv", "Ethnic Group: Other ethnic group: Arab;", "Ethnic Group: Arab;")
    with pytest.raises(DataValidationError, match="Other ethnic group: Arab; measures: Value' is missing"):
        _load(census_dir, registry)


def test_unrecognised_file(census_dir, registry):
    (census_dir / "census_ethnicity" / "notes.csv").write_text("a,b\n1,2\n")
    with pytest.raises(DataValidationError, match="not a recognised Census ethnicity file"):
        _load(census_dir, registry)


def test_xls_is_not_discovered(census_dir):
    (census_dir / "census_ethnicity" / "ethnic-groups-by-borough.xls").write_bytes(b"x")
    assert all(p.suffix == ".csv" for p in census.discover(census_dir))


@pytest.mark.real_data
def test_real_census_totals(real_data_dir, registry):
    table = _load(real_data_dir, registry)
    c11 = table[table.census_year == 2011]
    c21 = table[table.census_year == 2021]
    assert c11.population.sum() == 8_173_941
    assert c11.area_code.nunique() == 33 and c21.area_code.nunique() == 33
    lambeth = c11[c11.area_code == registry.get("Lambeth").gss_code].groupby("broad_group").population.sum()
    assert lambeth.to_dict() == {"White": 173_025, "Mixed": 23_160, "Asian": 20_938, "Black": 78_542, "Other": 7_421}
    assert lambeth.sum() == 303_086
    assert c21.population.sum() == 8_799_731
    assert c21[c21.area_code == registry.get("Camden").gss_code].population.sum() == 210_137
