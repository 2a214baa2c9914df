"""The commitments documented input (commitments/): the example loads, and each broken file gives a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from boardpack.errors import DataValidationError, EmptyInputError
from boardpack.loaders import DOCUMENTED_INPUTS
from boardpack.loaders.inputs import COMMITMENT_STATUSES

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
SOURCE = next(s for s in DOCUMENTED_INPUTS if s.name == "commitments")
HEADER = "plan,strategy,theme,commitment_id,title,status,as_at\n"
PLAN = "Police and Crime Plan 2017-21,Police and Crime Plan"
COLUMNS = ["plan", "strategy", "theme", "commitment_id", "title", "status", "as_at"]


def write(root: Path, text: str, name: str = "commitments.csv") -> Path:
    path = root / "commitments" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(data_dir: Path, registry):
    return SOURCE.load(SOURCE.discover(data_dir), registry)["commitments"]


def error_for(data_dir: Path, registry) -> DataValidationError:
    with pytest.raises(DataValidationError) as info:
        load(data_dir, registry)
    return info.value


# --- good files ------------------------------------------------------------------------------

def test_statuses_in_order():
    assert COMMITMENT_STATUSES == ("complete", "on track", "at risk", "not started")


def test_example_becomes_the_canonical_table(registry):
    df = load(EXAMPLES, registry)
    assert list(df.columns) == COLUMNS
    assert set(df["plan"]) == {"Police and Crime Plan 2017-21", "Police and Crime Plan 2022-25"}
    assert set(df["status"]) <= set(COMMITMENT_STATUSES)
    # sorted by the key; a quoted title keeps its commas
    key = ["plan", "strategy", "commitment_id", "as_at"]
    assert df[key].equals(df[key].sort_values(key).reset_index(drop=True))
    knife = df[df["strategy"] == "Knife Crime Strategy"].iloc[0]
    assert knife["title"] == "EXAMPLE made-up commitment: knife bins in parks, stations and high streets"
    assert df["title"].str.startswith("EXAMPLE").all()


def test_one_commitment_at_several_as_at_months_and_in_several_strategies(tmp_path, registry):
    # Re-issued trackers repeat a commitment under a new as-at month, which need not be the next one;
    # the same id may be used by two strategies.
    write(tmp_path, HEADER + f"{PLAN},Theme A,C-1,First,on track,2019-03\n"
                             f"{PLAN},Theme A,C-1,First,complete,2021-03\n"
                             "Police and Crime Plan 2017-21,Knife Crime Strategy,Theme K,C-1,Knife one,complete,"
                             "2021-03\n")
    df = load(tmp_path, registry)
    assert len(df) == 3 and df["as_at"].tolist() == ["2021-03", "2019-03", "2021-03"]


def test_text_is_trimmed_and_extra_columns_are_ignored(tmp_path, registry):
    write(tmp_path, "borough," + HEADER + f"Barnet,{PLAN}, Theme A ,C-1,  First  ,at risk,2019-02\n")
    df = load(tmp_path, registry)
    assert list(df.columns) == COLUMNS
    assert (df.loc[0, "theme"], df.loc[0, "title"], df.loc[0, "as_at"]) == ("Theme A", "First", "2019-02")


def test_files_are_combined(tmp_path, registry):
    write(tmp_path, HEADER + f"{PLAN},Theme A,C-1,First,on track,2019-03\n", name="2019.csv")
    write(tmp_path, HEADER + f"{PLAN},Theme A,C-1,First,complete,2021-03\n", name="2021.csv")
    assert load(tmp_path, registry)["status"].tolist() == ["on track", "complete"]


# --- broken files ----------------------------------------------------------------------------

def test_unknown_status(tmp_path, registry):
    path = write(tmp_path, HEADER + f"{PLAN},Theme A,C-1,First,on track,2019-03\n"
                                    f"{PLAN},Theme A,C-2,Second,done,2019-03\n")
    err = error_for(tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 3, "status")
    assert "'done' is not one of the allowed" in err.rule


def test_status_is_case_sensitive(tmp_path, registry):
    write(tmp_path, HEADER + f"{PLAN},Theme A,C-1,First,On Track,2019-03\n")
    assert error_for(tmp_path, registry).column == "status"


@pytest.mark.parametrize("month", ["2019-13", "201903", "Mar-19", "2019-3", "31/03/2019"])
def test_bad_as_at_month(tmp_path, registry, month):
    path = write(tmp_path, HEADER + f"{PLAN},Theme A,C-1,First,complete,{month}\n")
    err = error_for(tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 2, "as_at") and "YYYY-MM" in err.rule


def test_future_as_at_month(tmp_path, registry):
    write(tmp_path, HEADER + f"{PLAN},Theme A,C-1,First,complete,2999-03\n")
    err = error_for(tmp_path, registry)
    assert (err.row, err.column) == (2, "as_at") and "future" in err.rule


def test_repeated_commitment_at_one_as_at_month(tmp_path, registry):
    path = write(tmp_path, HEADER + f"{PLAN},Theme A,C-1,First,on track,2019-03\n"
                                    f"{PLAN},Theme A,C-2,Second,on track,2019-03\n"
                                    f"{PLAN},Theme B,C-1,First again,complete,2019-03\n")
    err = error_for(tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 4, "as_at")
    assert "second row for Police and Crime Plan 2017-21, Police and Crime Plan, C-1, 2019-03" in err.rule
    assert "line 2" in err.rule


def test_repeated_commitment_across_files_names_both(tmp_path, registry):
    first = write(tmp_path, HEADER + f"{PLAN},Theme A,C-1,First,on track,2019-03\n", name="a.csv")
    second = write(tmp_path, HEADER + f"{PLAN},Theme A,C-1,First,complete,2019-03\n", name="b.csv")
    err = error_for(tmp_path, registry)
    assert err.file == str(second) and err.row == 2 and str(first) in err.rule


@pytest.mark.parametrize("column", ["plan", "strategy", "theme", "commitment_id", "title", "status", "as_at"])
def test_every_cell_must_be_filled(tmp_path, registry, column):
    values = {"plan": "Police and Crime Plan 2017-21", "strategy": "Police and Crime Plan", "theme": "Theme A",
              "commitment_id": "C-1", "title": "First", "status": "complete", "as_at": "2019-03", column: "  "}
    path = write(tmp_path, HEADER + ",".join(values[c] for c in COLUMNS) + "\n")
    err = error_for(tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 2, column) and "missing" in err.rule


def test_missing_column(tmp_path, registry):
    path = write(tmp_path, HEADER.replace(",status", "") + "Police and Crime Plan 2017-21,Police and Crime Plan,"
                                                           "Theme A,C-1,First,2019-03\n")
    err = error_for(tmp_path, registry)
    assert (err.file, err.row, err.column) == (str(path), 1, "status")
    assert "required column 'status' is missing" in str(err)


def test_empty_file(tmp_path, registry):
    path = write(tmp_path, "")
    err = error_for(tmp_path, registry)
    assert isinstance(err, EmptyInputError) and err.file == str(path) and "empty" in err.rule


def test_header_only_file(tmp_path, registry):
    write(tmp_path, HEADER)
    err = error_for(tmp_path, registry)
    assert isinstance(err, EmptyInputError) and "no data rows" in err.rule


def test_absent_folder_is_not_an_error(tmp_path):
    assert SOURCE.discover(tmp_path) == []
