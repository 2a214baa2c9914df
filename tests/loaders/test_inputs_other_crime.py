"""The "other crime" documented input (other_crime/): the example loads, and each broken file gives a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from boardpack.errors import DataValidationError, EmptyInputError
from boardpack.loaders import DOCUMENTED_INPUTS
from boardpack.loaders.inputs import OTHER_CRIME_MEASURES

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
SOURCE = next(s for s in DOCUMENTED_INPUTS if s.name == "other_crime")
HEADER = "borough,month,measure,offences\n"


def write(root: Path, text: str, name: str = "other_crime.csv") -> Path:
    path = root / "other_crime" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(data_dir: Path, registry):
    return SOURCE.load(SOURCE.discover(data_dir), registry)["other_crime"]


def error_for(data_dir: Path, registry) -> DataValidationError:
    with pytest.raises(DataValidationError) as info:
        load(data_dir, registry)
    return info.value


# --- good files ------------------------------------------------------------------------------

def test_the_measures_are_the_dashboards_thirteen_in_order():
    assert OTHER_CRIME_MEASURES == (
        "Youth Violence", "Serious Youth Violence", "Gun Crime", "Knife Crime", "Knife Crime with Injury",
        "Domestic Abuse", "Homophobic Crime", "Racist & Religious Hate Crime", "Disability Hate Crime",
        "Transgender Hate Crime", "Faith Hate Crime", "Hate Crime", "Child Sexual Exploitation",
    )


def test_example_becomes_the_canonical_table(registry):
    df = load(EXAMPLES, registry)
    assert list(df.columns) == ["area_code", "month", "measure", "offences"]
    assert df["offences"].dtype == "int64"
    # name, slug and GSS code spellings all resolve, and the Met-wide row is kept
    assert set(df["area_code"]) == {"E09000003", "E09000007", "E09000031", "MPS"}
    barnet = df[(df["area_code"] == "E09000003") & (df["measure"] == "Knife Crime")]
    assert barnet.set_index("month")["offences"].to_dict() == {"2019-01": 31, "2019-02": 27}
    assert df[["area_code", "month", "measure"]].equals(
        df[["area_code", "month", "measure"]].sort_values(["area_code", "month", "measure"]).reset_index(drop=True))


def test_the_ampersand_measure_is_read_as_spelt(tmp_path, registry):
    write(tmp_path, HEADER + "Barnet,2019-01,Racist & Religious Hate Crime,12\n")
    assert load(tmp_path, registry)["measure"].tolist() == ["Racist & Religious Hate Crime"]


def test_measures_may_cover_different_months(tmp_path, registry):
    # Each (borough, measure) series is checked on its own: Gun Crime may start later than Knife Crime.
    write(tmp_path, HEADER + "Barnet,2019-01,Knife Crime,5\nBarnet,2019-02,Knife Crime,6\n"
                             "Barnet,2019-03,Knife Crime,7\nBarnet,2019-03,Gun Crime,1\n")
    assert len(load(tmp_path, registry)) == 4


def test_files_are_combined_and_mps_rows_are_optional(tmp_path, registry):
    write(tmp_path, HEADER + "Barnet,2019-01,Domestic Abuse,250\n", name="2019-01.csv")
    write(tmp_path, HEADER + "barnet,2019-02,Domestic Abuse,240\n", name="2019-02.csv")
    df = load(tmp_path, registry)
    assert df["offences"].tolist() == [250, 240] and "MPS" not in set(df["area_code"])


# --- broken files ----------------------------------------------------------------------------

def test_unknown_measure(tmp_path, registry):
    path = write(tmp_path, HEADER + "Barnet,2019-01,Knife Crime,5\nBarnet,2019-01,Knife crime,4\n")
    err = error_for(tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 3, "measure")
    assert "'Knife crime' is not one of the allowed" in err.rule


@pytest.mark.parametrize("month", ["2019-13", "201901", "Jan-19", "2019-1"])
def test_bad_month(tmp_path, registry, month):
    path = write(tmp_path, HEADER + f"Barnet,{month},Gun Crime,1\n")
    err = error_for(tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 2, "month") and "YYYY-MM" in err.rule


def test_future_month(tmp_path, registry):
    write(tmp_path, HEADER + "Barnet,2999-01,Gun Crime,1\n")
    err = error_for(tmp_path, registry)
    assert (err.row, err.column) == (2, "month") and "future" in err.rule


def test_repeated_borough_month_and_measure(tmp_path, registry):
    path = write(tmp_path, HEADER + "Barnet,2019-01,Knife Crime,5\nBarnet,2019-01,Gun Crime,1\n"
                                    "E09000003,2019-01,Knife Crime,6\n")
    err = error_for(tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 4, "month")
    assert "second row for Barnet, 2019-01, Knife Crime" in err.rule and "line 2" in err.rule


def test_repeated_mps_row(tmp_path, registry):
    write(tmp_path, HEADER + "MPS,2019-01,Knife Crime,1200\nMPS,2019-01,Knife Crime,1201\n")
    err = error_for(tmp_path, registry)
    assert err.row == 3 and "second row for MPS, 2019-01, Knife Crime" in err.rule


def test_unknown_borough(tmp_path, registry):
    path = write(tmp_path, HEADER + "Barnet,2019-01,Knife Crime,5\nNarnia,2019-01,Knife Crime,4\n")
    err = error_for(tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 3, "borough")
    assert "'Narnia' is not one of the 32 MPS boroughs" in err.rule and "MPS" in err.rule


@pytest.mark.parametrize("label", ["Heathrow", "City of London"])
def test_non_borough_area_is_rejected(tmp_path, registry, label):
    write(tmp_path, HEADER + f"{label},2019-01,Knife Crime,4\n")
    assert "not one of the 32 MPS boroughs" in error_for(tmp_path, registry).rule


def test_gap_in_one_measures_months_names_the_measure(tmp_path, registry):
    path = write(tmp_path, HEADER + "Barnet,2019-01,Knife Crime,5\nBarnet,2019-01,Gun Crime,1\n"
                                    "Barnet,2019-02,Gun Crime,1\nBarnet,2019-03,Knife Crime,7\n")
    err = error_for(tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 5, "month")
    assert "Barnet (Knife Crime) has no row for 2019-02" in err.rule


@pytest.mark.parametrize("value, words", [("-3", "below the minimum 0"), ("lots", "cannot be read as a whole number"),
                                          ("", "missing")])
def test_offences_must_be_a_count(tmp_path, registry, value, words):
    path = write(tmp_path, HEADER + f"Barnet,2019-01,Knife Crime,{value}\n")
    err = error_for(tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 2, "offences") and words in err.rule


def test_missing_column(tmp_path, registry):
    path = write(tmp_path, "borough,month,offences\nBarnet,2019-01,5\n")
    err = error_for(tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 1, "measure")
    assert "required column 'measure' is missing" in str(err)


def test_empty_file(tmp_path, registry):
    path = write(tmp_path, "")
    err = error_for(tmp_path, registry)
    assert isinstance(err, EmptyInputError) and err.file == str(path) and "empty" in err.rule


def test_header_only_file(tmp_path, registry):
    write(tmp_path, HEADER + "\n")
    err = error_for(tmp_path, registry)
    assert isinstance(err, EmptyInputError) and "no data rows" in err.rule


def test_absent_folder_is_not_an_error(tmp_path):
    assert SOURCE.discover(tmp_path) == []
