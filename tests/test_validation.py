import pandas as pd
import pandera.pandas as pa
import pytest

from boardpack.errors import DataValidationError
from boardpack.validation import validate

SCHEMA = pa.DataFrameSchema(
    {"borough": pa.Column(str), "calls": pa.Column(int, pa.Check.ge(0)),
     "pct": pa.Column(float, pa.Check.in_range(0, 100))},
    strict=False,
)


def test_valid_frame_passes():
    df = pd.DataFrame({"borough": ["A"], "calls": [1], "pct": [50.0]})
    assert validate(df, SCHEMA, "f.csv").equals(df)


def test_negative_count_names_line_and_column():
    df = pd.DataFrame({"borough": ["A", "B", "C"], "calls": [1, 2, -3], "pct": [1.0, 2.0, 3.0]})
    with pytest.raises(DataValidationError) as info:
        validate(df, SCHEMA, "f.csv")
    err = info.value
    assert (err.file, err.row, err.column) == ("f.csv", 4, "calls")
    assert "below the minimum" in str(err)


def test_missing_column_is_reported_before_row_problems():
    df = pd.DataFrame({"borough": ["A"], "pct": [500.0]})
    with pytest.raises(DataValidationError, match="required column 'calls' is missing"):
        validate(df, SCHEMA, "f.csv")


def test_text_in_a_count_column_names_the_cell_not_a_later_check():
    schema = pa.DataFrameSchema({"calls": pa.Column(int, pa.Check.ge(0), coerce=True)})
    df = pd.DataFrame({"calls": ["1", "2", "lots"]})
    with pytest.raises(DataValidationError) as info:
        validate(df, schema, "f.csv")
    assert info.value.row == 4 and info.value.column == "calls"
    assert "'lots'" in str(info.value)
