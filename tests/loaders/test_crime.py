"""The MPS borough crime loader: four layouts, stitching, non-borough rows and broken files."""

from __future__ import annotations

import gzip
import shutil
import time

import pytest

from boardpack.errors import DataValidationError
from boardpack.loaders import crime
from boardpack.loaders.mappings import check_mapping_covers

CAMDEN, LAMBETH, SOUTHWARK = "E09000007", "E09000022", "E09000028"
HO_HIST = "MPS_Borough_Level_Crime_Historic.csv"
MIXED = "MPS Borough Level Crime (most recent 24 months).csv"


@pytest.fixture
def crime_dir(test_data):
    return test_data / "crime"


@pytest.fixture
def table(crime_dir, registry):
    return crime.load(crime.discover(crime_dir), registry)["crime"]


def count(table, vintage, area, minor, month):
    sel = table[(table.vintage == vintage) & (table.area_code == area) & (table.minor == minor)
                & (table.month == month)]
    return sel["count"].tolist()


def test_discover_finds_every_file_sorted(crime_dir, tmp_path):
    found = crime.discover(crime_dir)
    assert len(found) == 6
    assert found == sorted(found)
    assert crime.discover(tmp_path) == []


def test_each_layout_is_detected(crime_dir, registry):
    seen = {}
    for path in crime.discover(crime_dir):
        seen[path.parent.name] = crime.read_crime_file(path, registry)["vintage"].iat[0]
    assert seen == {"ho": "ho_2008", "mixed": "mixed_2010", "upper": "upper_2010", "new": "new_2024"}


def test_table_has_canonical_columns_and_types(table):
    assert list(table.columns) == crime.COLUMNS
    assert str(table["count"].dtype) == "int64"
    assert table["month"].str.fullmatch(r"\d{4}-\d{2}").all()
    assert set(table["vintage"]) == {"ho_2008", "mixed_2010", "upper_2010", "new_2024"}
    assert "ho/MPS_Borough_Level_Crime_Historic.csv" in set(table["source_file"])


def test_each_layout_loads_its_counts(table):
    assert count(table, "mixed_2010", SOUTHWARK, "Violence with Injury", "2022-02") == [60]
    assert count(table, "new_2024", CAMDEN, "PUBLIC FEAR, ALARM OR DISTRESS", "2023-08") == [2]
    assert count(table, "upper_2010", CAMDEN, "VIOLENCE WITH INJURY", "2023-01") == [20]
    assert count(table, "ho_2008", LAMBETH, "Burglary in a Dwelling", "2012-11") == [4]


def test_stitching_takes_overlapping_months_from_the_later_file(table):
    # Historic (to 2014-06) says 10 a month, the later file (to 2014-10) says 7.
    hist = "Burglary in a Dwelling"
    assert count(table, "ho_2008", SOUTHWARK, hist, "2013-12") == [10]
    assert count(table, "ho_2008", SOUTHWARK, hist, "2014-01") == []
    assert count(table, "ho_2008", SOUTHWARK, "Burglary - Residential", "2014-01") == [7]
    # A category only in the earlier file must not leak into months the later file owns.
    assert count(table, "ho_2008", SOUTHWARK, "Personal Property", "2014-03") == []
    assert count(table, "ho_2008", SOUTHWARK, "Personal Property", "2013-12") == [2]
    months = sorted(table.loc[table.vintage == "ho_2008", "month"].unique())
    assert months[0] == "2012-11" and months[-1] == "2014-10" and len(months) == 24
    upper = table[(table.vintage == "upper_2010") & (table.minor == "VIOLENCE WITH INJURY")]
    assert upper.sort_values("month")["count"].tolist() == [20, 21, 24, 25, 26, 27]


def test_vintages_are_not_merged(table):
    # upper_2010 and new_2024 share 2023-05..06 and the same labels; both are kept.
    both = table[(table.minor == "RES BURGLARY OF A HOME") & (table.month == "2023-05")]
    assert sorted(zip(both.vintage, both["count"])) == [("new_2024", 17), ("upper_2010", 16)]


def test_airports_and_unknown_keep_their_codes(table):
    areas = set(table["area_code"])
    assert {"AIRPORTS", "UNKNOWN"} <= areas
    assert not areas & {"CITY", "MPS"}
    assert count(table, "upper_2010", "UNKNOWN", "OTHER THEFT", "2023-06") == [90]


def test_fixture_categories_are_all_in_their_mappings(table):
    for vintage, rows in table.groupby("vintage"):
        check_mapping_covers(rows, vintage)


# --- broken inputs: each gives a DataValidationError whose message says what is wrong ---


def broken(tmp_path, crime_dir, edit, name=MIXED, folder="mixed"):
    """Copy one fixture into a fresh data folder after applying ``edit`` to its text."""
    src = crime_dir / "mps_borough_crime" / folder / name
    dst = tmp_path / "mps_borough_crime" / folder / name
    dst.parent.mkdir(parents=True)
    dst.write_text(edit(src.read_text()))
    return dst


def load_error(path, registry) -> DataValidationError:
    with pytest.raises(DataValidationError) as info:
        crime.load([path], registry)
    return info.value


def test_renamed_header_column(tmp_path, crime_dir, registry):
    path = broken(tmp_path, crime_dir, lambda t: t.replace("LookUp_BoroughName", "lookup_boroughname", 1))
    err = load_error(path, registry)
    assert "required column 'LookUp_BoroughName' is missing" in str(err) and "case-sensitive" in str(err)


def test_missing_key_column(tmp_path, crime_dir, registry):
    def drop_major(text):
        return "\n".join(",".join(line.split(",")[:1] + line.split(",")[2:]) for line in text.splitlines())

    path = broken(tmp_path, crime_dir, drop_major, name=HO_HIST, folder="ho")
    assert "required column 'Major Category' is missing" in str(load_error(path, registry))


def test_unknown_layout_names_the_expected_columns(tmp_path, crime_dir, registry):
    path = broken(tmp_path, crime_dir, lambda t: t.replace("MajorText,MinorText,LookUp_BoroughName", "A,B,C", 1))
    msg = str(load_error(path, registry))
    assert "matches no published MPS borough crime layout" in msg
    assert "Group, SubGroup, BOCU" in msg and "Borough" in msg


def test_text_in_a_count_column(tmp_path, crime_dir, registry):
    path = broken(tmp_path, crime_dir, lambda t: t.replace("Southwark,50,60", "Southwark,50,sixty", 1))
    err = load_error(path, registry)
    assert (err.row, err.column) == (5, "202202")
    assert "'sixty' is not a whole number" in str(err)


def test_negative_count(tmp_path, crime_dir, registry):
    path = broken(tmp_path, crime_dir, lambda t: t.replace("Camden,3,4,5,6", "Camden,3,-4,5,6", 1))
    err = load_error(path, registry)
    assert (err.row, err.column) == (3, "202202")
    assert "below the minimum 0" in str(err)


def test_empty_count_cell(tmp_path, crime_dir, registry):
    path = broken(tmp_path, crime_dir, lambda t: t.replace("Camden,3,4,5,6", "Camden,3,,5,6", 1))
    err = load_error(path, registry)
    assert (err.row, err.column) == (3, "202202") and "empty cell" in str(err)


def test_duplicated_month_column(tmp_path, crime_dir, registry):
    path = broken(tmp_path, crime_dir, lambda t: t.replace("202203", "202202", 1))
    assert "column '202202' appears more than once" in str(load_error(path, registry))


def test_gap_in_the_months(tmp_path, crime_dir, registry):
    path = broken(tmp_path, crime_dir, lambda t: t.replace("202203,202204", "202204,202205", 1))
    assert "month 2022-03 is missing" in str(load_error(path, registry))


def test_a_column_that_is_not_a_month(tmp_path, crime_dir, registry):
    path = broken(tmp_path, crime_dir, lambda t: t.replace("202204", "Total", 1))
    assert "'Total' is neither a key column of this layout nor a month" in str(load_error(path, registry))


def test_unknown_borough(tmp_path, crime_dir, registry):
    path = broken(tmp_path, crime_dir, lambda t: t.replace(",Southwark,", ",Southwarke,", 1))
    err = load_error(path, registry)
    assert err.row == 5 and "unknown borough 'Southwarke'" in str(err)


@pytest.mark.parametrize("label", ["City of London", "Metropolitan Police Service"])
def test_city_and_mps_rows_are_refused(tmp_path, crime_dir, registry, label):
    path = broken(tmp_path, crime_dir, lambda t: t.replace(",Southwark,", f",{label},", 1))
    assert "is not accepted" in str(load_error(path, registry))


def test_same_category_twice_for_an_area(tmp_path, crime_dir, registry):
    path = broken(tmp_path, crime_dir,
                  lambda t: t + "Violence Against the Person,Violence with Injury,Southwark,1,1,1,1\n")
    err = load_error(path, registry)
    assert err.row == 6 and "appears twice" in str(err)


def test_empty_file(tmp_path, crime_dir, registry):
    path = broken(tmp_path, crime_dir, lambda t: "")
    assert "file is empty" in str(load_error(path, registry))


def test_truncated_gzip(tmp_path, crime_dir, registry):
    src = crime_dir / "mps_borough_crime" / "mixed" / MIXED
    data = gzip.compress(src.read_bytes())
    path = tmp_path / "mps_borough_crime" / "x.csv.gz"
    path.parent.mkdir()
    path.write_bytes(data[: len(data) // 2])
    assert crime.discover(tmp_path) == [path]
    assert "truncated or not valid gzip" in str(load_error(path, registry))


def test_gzip_file_loads(tmp_path, crime_dir, registry):
    src = crime_dir / "mps_borough_crime" / "mixed" / MIXED
    path = tmp_path / "mps_borough_crime" / "x.csv.gz"
    path.parent.mkdir()
    with open(src, "rb") as fin, gzip.open(path, "wb") as fout:
        shutil.copyfileobj(fin, fout)
    assert len(crime.load([path], registry)["crime"]) == 16


def test_wrong_delimiter(tmp_path, crime_dir, registry):
    path = broken(tmp_path, crime_dir, lambda t: t.replace(",", ";"))
    assert "separated by semicolons" in str(load_error(path, registry))


# --- real data ---


@pytest.mark.real_data
def test_real_crime_folder_loads(real_data_dir, registry):
    start = time.perf_counter()
    table = crime.load(crime.discover(real_data_dir), registry)["crime"]
    elapsed = time.perf_counter() - start
    print(f"loaded {len(table):,} crime rows in {elapsed:.1f} s")
    spans = table.groupby("vintage")["month"].agg(["min", "max", "nunique"])
    assert spans.loc["ho_2008"].tolist() == ["2008-01", "2018-12", 132]
    assert spans.loc["mixed_2010"].tolist() == ["2010-04", "2024-01", 166]
    assert spans.loc["upper_2010"].tolist() == ["2010-04", "2025-11", 188]
    assert spans.loc["new_2024"].tolist() == ["2024-07", "2026-06", 24]
    assert set(table["area_code"]) - set(registry.codes) == {"AIRPORTS", "UNKNOWN"}
    for vintage, rows in table.groupby("vintage"):
        check_mapping_covers(rows, vintage)
