"""The documented inputs loader: the docs/examples files load, and each broken file gives a clear error."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from boardpack.errors import DataValidationError
from boardpack.loaders import DOCUMENTED_INPUTS

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
SOURCES = {s.name: s for s in DOCUMENTED_INPUTS}

ASB_HEADER = "borough,month,calls\n"
ICV_HEADER = ("borough,quarter_end,custody_suites,visits_scheduled,visits_conducted,detainees_held,"
              "detainees_spoken_to,observations,issues_raised\n")


def write(root: Path, rel: str, text: str, encoding: str = "utf-8") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)
    return path


def load(source: str, data_dir: Path, registry):
    src = SOURCES[source]
    return src.load(src.discover(data_dir), registry)


def error_for(source: str, data_dir: Path, registry) -> DataValidationError:
    with pytest.raises(DataValidationError) as info:
        load(source, data_dir, registry)
    return info.value


# --- the documented examples -------------------------------------------------------------

@pytest.mark.parametrize("source", sorted(SOURCES))
def test_every_docs_example_loads(source, registry):
    files = SOURCES[source].discover(EXAMPLES)
    assert files, f"docs/examples has no file for {source}"
    tables = SOURCES[source].load(files, registry)
    assert tables and all(len(df) > 0 for df in tables.values())


def test_every_docs_example_file_is_discovered():
    found = {p for s in DOCUMENTED_INPUTS for p in s.discover(EXAMPLES)}
    assert found == set(EXAMPLES.rglob("*.csv"))


def test_asb_example_becomes_canonical_table(registry):
    df = load("asb", EXAMPLES, registry)["asb"]
    assert list(df.columns) == ["area_code", "month", "calls"]
    assert df["calls"].dtype == "int64"
    # name, slug and GSS code spellings all resolve
    assert set(df["area_code"]) == {"E09000003", "E09000007", "E09000031"}
    barnet = df[df["area_code"] == "E09000003"].set_index("month")["calls"]
    assert barnet.to_dict() == {"2018-12": 1210, "2019-01": 1105, "2019-02": 998}


def test_uss_keeps_mps_and_converts_percent_to_proportion(registry):
    df = load("victim_satisfaction", EXAMPLES, registry)["victim_satisfaction"]
    mps = df[(df["area_code"] == "MPS") & (df["quarter_end"] == "2018-12")]
    assert mps["proportion"].tolist() == [pytest.approx(0.76)]
    assert df["respondents"].isna().sum() == 1  # the documented empty respondents cell


def test_complaints_folder_splits_into_three_tables(registry):
    tables = load("complaints", EXAMPLES, registry)
    assert set(tables) == {"complaint_allegations", "complaint_outcomes", "workforce"}
    alleg = tables["complaint_allegations"]
    assert alleg.loc[alleg["area_code"] == "E09000003", "allegations"].sum() == 6 + 11 + 3 + 5 + 9 + 1


def test_complaints_without_workforce_gives_only_the_supplied_tables(tmp_path, registry):
    write(tmp_path, "complaints/a.csv", "borough,month,allegation_type,allegations\nBarnet,2019-01,Other,1\n")
    assert set(load("complaints", tmp_path, registry)) == {"complaint_allegations"}


def test_icv_empty_text_is_empty_string(registry):
    df = load("custody_visits", EXAMPLES, registry)["custody_visits"]
    assert (df["issues_raised"] == "").sum() == 1
    assert not df["issues_raised"].isna().any()


def test_files_of_one_format_are_combined(tmp_path, registry):
    write(tmp_path, "asb/2018.csv", ASB_HEADER + "Barnet,2018-12,5\n")
    write(tmp_path, "asb/2019.csv", ASB_HEADER + "Barnet,2019-01,6\n")
    assert load("asb", tmp_path, registry)["asb"]["calls"].tolist() == [5, 6]


def test_absent_folder_is_not_an_error(tmp_path):
    assert all(s.discover(tmp_path) == [] for s in DOCUMENTED_INPUTS)


def test_blank_line_keeps_line_numbers(tmp_path, registry):
    write(tmp_path, "asb/a.csv", ASB_HEADER + "Barnet,2019-01,5\n\nBarnet,2019-02,-1\n")
    err = error_for("asb", tmp_path, registry)
    assert err.row == 4


# --- broken inputs ------------------------------------------------------------------------

def test_missing_column(tmp_path, registry):
    path = write(tmp_path, "asb/a.csv", "borough,month\nBarnet,2019-01\n")
    err = error_for("asb", tmp_path, registry)
    assert err.file == str(path) and err.column == "calls" and err.row == 1
    assert "required column 'calls' is missing" in str(err)


def test_renamed_header(tmp_path, registry):
    path = write(tmp_path, "asb/a.csv", "Borough,month,calls\nBarnet,2019-01,5\n")
    err = error_for("asb", tmp_path, registry)
    assert err.file == str(path) and err.column == "borough"
    assert "found 'Borough'" in str(err)


def test_complaints_header_matching_no_format(tmp_path, registry):
    path = write(tmp_path, "complaints/a.csv", "borough,month,type,allegations\nBarnet,2019-01,Other,1\n")
    err = error_for("complaints", tmp_path, registry)
    assert err.file == str(path) and err.row == 1
    # "type" could be either format's category column: the error names what each would need.
    assert "fits no complaints layout" in str(err)
    assert "needs 'allegation_type'" in str(err) and "needs 'outcome'" in str(err)


def test_text_in_count_column(tmp_path, registry):
    path = write(tmp_path, "asb/a.csv", ASB_HEADER + "Barnet,2019-01,5\nBarnet,2019-02,lots\n")
    err = error_for("asb", tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 3, "calls")
    assert "'lots' cannot be read as a whole number" in str(err)


def test_empty_count_cell(tmp_path, registry):
    write(tmp_path, "asb/a.csv", ASB_HEADER + "Barnet,2019-01,\n")
    err = error_for("asb", tmp_path, registry)
    assert (err.row, err.column) == (2, "calls") and "missing" in err.rule


def test_negative_count(tmp_path, registry):
    path = write(tmp_path, "asb/a.csv", ASB_HEADER + "Barnet,2019-01,5\nBarnet,2019-02,-3\n")
    err = error_for("asb", tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 3, "calls")
    assert "below the minimum 0" in err.rule


def test_unknown_borough(tmp_path, registry):
    path = write(tmp_path, "asb/a.csv", ASB_HEADER + "Barnet,2019-01,5\nNarnia,2019-01,4\n")
    err = error_for("asb", tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 3, "borough")
    assert "'Narnia' is not one of the 32 MPS boroughs" in err.rule


@pytest.mark.parametrize("label", ["Heathrow", "City of London"])
def test_non_borough_area_is_rejected(tmp_path, registry, label):
    write(tmp_path, "asb/a.csv", ASB_HEADER + f"{label},2019-01,4\n")
    assert "not one of the 32 MPS boroughs" in error_for("asb", tmp_path, registry).rule


def test_mps_row_only_in_uss(tmp_path, registry):
    write(tmp_path, "asb/a.csv", ASB_HEADER + "MPS,2019-01,4\n")
    assert "sum of the 32 boroughs" in error_for("asb", tmp_path, registry).rule
    write(tmp_path, "victim_satisfaction/u.csv",
          "borough,quarter_end,measure,satisfied_pct,respondents\nMPS,2019-03,overall,75,100\n")
    assert load("victim_satisfaction", tmp_path, registry)["victim_satisfaction"]["area_code"].tolist() == ["MPS"]


def test_duplicate_borough_month(tmp_path, registry):
    path = write(tmp_path, "asb/a.csv", ASB_HEADER + "Barnet,2019-01,5\nBarnet,2019-02,5\nbarnet,2019-01,7\n")
    err = error_for("asb", tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 4, "month")
    assert "second row for Barnet, 2019-01" in err.rule and "line 2" in err.rule


def test_duplicate_across_files_names_both(tmp_path, registry):
    first = write(tmp_path, "asb/a.csv", ASB_HEADER + "Barnet,2019-01,5\n")
    second = write(tmp_path, "asb/b.csv", ASB_HEADER + "E09000003,2019-01,6\n")
    err = error_for("asb", tmp_path, registry)
    assert err.file == str(second) and err.row == 2 and str(first) in err.rule


def test_gap_in_months(tmp_path, registry):
    path = write(tmp_path, "asb/a.csv",
                 ASB_HEADER + "Barnet,2019-01,5\nCamden,2019-01,5\nBarnet,2019-02,5\nBarnet,2019-05,5\n")
    err = error_for("asb", tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 5, "month")
    assert "Barnet has no row for 2019-03" in err.rule


def test_gap_in_quarters(tmp_path, registry):
    path = write(tmp_path, "custody_visits/i.csv",
                 ICV_HEADER + "Barnet,2018-06,,1,1,1,1,,\nBarnet,2018-12,,1,1,1,1,,\n")
    err = error_for("custody_visits", tmp_path, registry)
    assert (err.file, err.row) == (str(path), 3) and "no row for 2018-09" in err.rule


def test_conducted_above_scheduled(tmp_path, registry):
    path = write(tmp_path, "custody_visits/i.csv", ICV_HEADER + "Barnet,2018-12,Colindale,10,12,90,40,,\n")
    err = error_for("custody_visits", tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 2, "visits_conducted")
    assert "visits_conducted (12) is greater than visits_scheduled (10)" in err.rule


def test_spoken_to_above_held(tmp_path, registry):
    write(tmp_path, "custody_visits/i.csv", ICV_HEADER + "Barnet,2018-12,Colindale,10,9,40,41,,\n")
    assert error_for("custody_visits", tmp_path, registry).column == "detainees_spoken_to"


def test_pct_above_100(tmp_path, registry):
    path = write(tmp_path, "victim_satisfaction/u.csv",
                 "borough,quarter_end,measure,satisfied_pct,respondents\nBarnet,2019-03,overall,101.5,100\n")
    err = error_for("victim_satisfaction", tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 2, "satisfied_pct")
    assert "above the maximum 100" in err.rule


def test_unknown_category(tmp_path, registry):
    write(tmp_path, "complaints/a.csv", "borough,month,allegation_type,allegations\nBarnet,2019-01,Rudeness,1\n")
    err = error_for("complaints", tmp_path, registry)
    assert (err.row, err.column) == (2, "allegation_type") and "'Rudeness' is not one of the allowed" in err.rule


@pytest.mark.parametrize("month", ["2019-13", "201901", "Jan-19", "2019-1"])
def test_bad_month(tmp_path, registry, month):
    write(tmp_path, "asb/a.csv", ASB_HEADER + f"Barnet,{month},5\n")
    err = error_for("asb", tmp_path, registry)
    assert (err.row, err.column) == (2, "month") and "YYYY-MM" in err.rule


def test_quarter_end_not_a_quarter(tmp_path, registry):
    write(tmp_path, "custody_visits/i.csv", ICV_HEADER + "Barnet,2018-11,,1,1,1,1,,\n")
    err = error_for("custody_visits", tmp_path, registry)
    assert err.column == "quarter_end" and "03, 06, 09 or 12" in err.rule


def test_criminal_justice_unit_must_fit_measure(tmp_path, registry):
    write(tmp_path, "moj/c.csv", "measure,period_end,area,value,unit\nproven_reoffending_rate,2017-03,London,27,days\n")
    err = error_for("criminal_justice", tmp_path, registry)
    assert err.column == "unit" and "expected 'percent'" in err.rule


def test_workforce_must_be_positive(tmp_path, registry):
    write(tmp_path, "complaints/w.csv", "borough,month,workforce\nBarnet,2019-01,0\n")
    err = error_for("complaints", tmp_path, registry)
    assert (err.row, err.column) == (2, "workforce")


def test_wrong_delimiter(tmp_path, registry):
    path = write(tmp_path, "asb/a.csv", "borough;month;calls\nBarnet;2019-01;5\n")
    err = error_for("asb", tmp_path, registry)
    assert err.file == str(path) and err.row == 1 and "semicolons" in err.rule


def test_empty_file(tmp_path, registry):
    path = write(tmp_path, "asb/a.csv", "")
    err = error_for("asb", tmp_path, registry)
    assert err.file == str(path) and "empty" in err.rule


def test_header_only_file(tmp_path, registry):
    write(tmp_path, "asb/a.csv", ASB_HEADER)
    assert "no data rows" in error_for("asb", tmp_path, registry).rule


def test_utf16_file(tmp_path, registry):
    path = write(tmp_path, "asb/a.csv", ASB_HEADER + "Barnet,2019-01,5\n", encoding="utf-16")
    err = error_for("asb", tmp_path, registry)
    assert err.file == str(path) and "UTF-16" in err.rule


def test_error_names_file_line_and_column_in_message(tmp_path, registry):
    path = write(tmp_path, "asb/a.csv", ASB_HEADER + "Barnet,2019-01,-1\n")
    assert str(error_for("asb", tmp_path, registry)).startswith(f"{path}, line 2, column 'calls':")


def test_canonical_tables_round_trip_parquet(tmp_path, registry):
    # The store writes every table to Parquet; text and nullable columns must survive.
    for source in SOURCES.values():
        for name, df in source.load(source.discover(EXAMPLES), registry).items():
            df.to_parquet(tmp_path / f"{name}.parquet", index=False)
            back = pd.read_parquet(tmp_path / f"{name}.parquet")
            assert back.shape == df.shape


# --- USS respondents: an optional column, a whole number more than 0 when given -------------

USS_HEADER = "borough,quarter_end,measure,satisfied_pct"


def test_uss_without_the_respondents_column_loads_with_it_empty(tmp_path, registry):
    write(tmp_path, "victim_satisfaction/u.csv",
          USS_HEADER + "\nBarnet,2019-03,overall,75\nMPS,2019-03,overall,76.5\n")
    df = load("victim_satisfaction", tmp_path, registry)["victim_satisfaction"]
    assert list(df.columns) == ["area_code", "quarter_end", "measure", "proportion", "respondents"]
    assert df["respondents"].isna().all() and str(df["respondents"].dtype) == "Int64"


def test_uss_respondents_kept_as_whole_numbers_where_given(tmp_path, registry):
    write(tmp_path, "victim_satisfaction/u.csv",
          USS_HEADER + ",respondents\nBarnet,2019-03,overall,75,388\nCamden,2019-03,overall,70,\n")
    df = load("victim_satisfaction", tmp_path, registry)["victim_satisfaction"].set_index("area_code")
    assert df.loc["E09000003", "respondents"] == 388 and pd.isna(df.loc["E09000007", "respondents"])


@pytest.mark.parametrize("value, words", [("0", "must be greater than 0"), ("-3", "must be greater than 0"),
                                          ("12.5", "cannot be read as a whole number"),
                                          ("many", "cannot be read as a whole number")])
def test_uss_respondents_must_be_a_whole_number_above_zero(tmp_path, registry, value, words):
    path = write(tmp_path, "victim_satisfaction/u.csv",
                 USS_HEADER + f",respondents\nBarnet,2019-03,overall,75,400\nCamden,2019-03,overall,70,{value}\n")
    err = error_for("victim_satisfaction", tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 3, "respondents")
    assert words in err.rule


def test_other_formats_still_require_every_column(tmp_path, registry):
    # Only the USS respondents column may be left out of a header.
    write(tmp_path, "custody_visits/i.csv", ICV_HEADER.replace(",issues_raised", "") + "Barnet,2018-12,,1,1,1,1,\n")
    assert "issues_raised" in str(error_for("custody_visits", tmp_path, registry))
