"""Run pandera schemas and turn their failures into :class:`DataValidationError`.

pandera reports every failure case; a board member needs the first one, named by file,
line and column, in plain words. Loaders keep the file's row order in the DataFrame
index so that a failing index maps back to a line of the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral

import pandas as pd
import pandera.pandas as pa

from . import periods
from .errors import DataValidationError


def validate(df: pd.DataFrame, schema: pa.DataFrameSchema, file, line_offset: int = 2) -> pd.DataFrame:
    """Validate ``df`` against ``schema`` or raise a :class:`DataValidationError`.

    Parameters
    ----------
    df : DataFrame
        Rows in file order, with the default RangeIndex (row 0 is the first data line).
    schema : pandera.DataFrameSchema
    file : str or Path
        The input file the rows came from, named in the error.
    line_offset : int
        Added to the index to give a 1-based file line (2 when one header line precedes the data).

    Returns
    -------
    DataFrame
        The validated (and, where the schema says so, coerced) frame.

    Raises
    ------
    DataValidationError
        Naming the first failing line and column and the rule broken.
    """
    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise _first_failure(exc.failure_cases, file, line_offset, len(exc.failure_cases)) from None
    except pa.errors.SchemaError as exc:  # pragma: no cover - lazy=True collects instead
        raise DataValidationError(file, str(exc)) from None


def _first_failure(cases: pd.DataFrame, file, line_offset: int, n_cases: int) -> DataValidationError:
    # Column-level problems (missing column, wrong dtype of the whole column) come first:
    # they explain every row-level failure after them.
    # Order: a missing column explains everything after it; then cells that could not be read
    # as the right type (a later range check on the same column only echoes them); then any
    # failing cell in file order; then the rest.
    cases = cases.copy()
    check = cases["check"].astype(str)
    has_row = cases["index"].notna()
    cases["_priority"] = 3
    cases.loc[has_row, "_priority"] = 2
    cases.loc[has_row & check.str.startswith(("coerce_dtype", "dtype")), "_priority"] = 1
    cases.loc[check.eq("column_in_dataframe"), "_priority"] = 0
    cases = cases.sort_values(["_priority", "index"], kind="stable")
    first = cases.iloc[0]
    column = first.get("column")
    column = None if pd.isna(column) or column == first.get("schema_context") == "DataFrameSchema" else column
    check = str(first.get("check"))
    found = first.get("failure_case")
    row = None if pd.isna(first.get("index")) else int(first["index"]) + line_offset
    rule = _describe(check, found, column)
    if n_cases > 1:
        rule += f" ({n_cases - 1} more problem{'s' if n_cases > 2 else ''} of this kind in the file)"
    return DataValidationError(file, rule, row=row, column=column)


_TYPE_WORDS = {"int64": "a whole number", "Int64": "a whole number", "float64": "a number",
               "bool": "true or false", "str": "text", "object": "text"}


def _describe(check: str, found, column) -> str:
    if hasattr(found, "item"):  # numpy scalars print as np.int64(-3); show the plain value
        found = found.item()
    if check.startswith(("dtype(", "coerce_dtype(")):
        name = check.split("(", 1)[1].rstrip(")").strip("'")
        words = _TYPE_WORDS.get(name, name)
        return (f"value {found!r} cannot be read as {words}" if check.startswith("coerce")
                else f"values must be {words}, found {found!r}")
    if check.startswith("greater_than("):
        return f"value {found!r} must be greater than {check[13:-1]}"
    if check.startswith("less_than("):
        return f"value {found!r} must be less than {check[10:-1]}"
    if check == "column_in_dataframe":
        return f"required column {found!r} is missing"
    if check.startswith("dtype("):
        return f"values must be of type {check[6:-1]}, found {found!r}"
    if check.startswith("coerce_dtype("):
        return f"value {found!r} cannot be read as {check[13:-1]}"
    if check == "not_nullable":
        return "value is missing (empty cell)"
    if check.startswith("greater_than_or_equal_to("):
        return f"value {found!r} is below the minimum {check[25:-1]}"
    if check.startswith("less_than_or_equal_to("):
        return f"value {found!r} is above the maximum {check[22:-1]}"
    if check.startswith("in_range("):
        return f"value {found!r} is outside the allowed range {check[9:-1]}"
    if check.startswith("isin("):
        return f"value {found!r} is not one of the allowed values"
    if check == "field_uniqueness" or check.startswith("unique"):
        return f"value {found!r} appears more than once"
    if check.startswith("str_matches("):
        return f"value {found!r} does not match the expected pattern {check[12:-1]}"
    return f"check {check} failed for value {found!r}"


def check_not_future(
    file,
    months: Sequence[str],
    rows: int | Sequence[int] | None = None,
    columns: str | Sequence[str] | None = None,
    labels: Sequence[str] | None = None,
) -> None:
    """Refuse figures dated after the current month by the machine's clock.

    A month in the future is never real data: it is a mistyped or shifted date, and a pack
    built from it would print "data to" a month that has not happened.

    Parameters
    ----------
    file : str or Path
        The input file, named in the error.
    months : sequence of str
        ``"YYYY-MM"`` months (quarter ends, or the month of a mid-year estimate), in file order.
    rows : int or sequence of int, optional
        The file line of every month, or one line for all (e.g. 1 for month columns in a header).
    columns : str or sequence of str, optional
        The column of every month, or one column for all.
    labels : sequence of str, optional
        How to name each value in the message (default ``"month YYYY-MM"``).

    Raises
    ------
    DataValidationError
        Naming the first future month, its line and column, and the current month.
    """
    now = str(periods.current_month())
    values = pd.Series(list(months), dtype="str")
    future = (values > now).to_numpy()  # "YYYY-MM" strings sort as months do
    if not future.any():
        return
    i = int(future.argmax())
    label = labels[i] if labels is not None else f"month {values.iat[i]}"
    raise DataValidationError(
        file,
        f"{label} is later than the current month ({now}); figures cannot be dated in the future "
        "(is the year mistyped or shifted?)",
        row=_pick(rows, i),
        column=_pick(columns, i),
    )


def _pick(value, i: int):
    if value is None or isinstance(value, (Integral, str)):
        return _plain(value)
    return _plain(list(value)[i])


def _plain(value):
    return value.item() if hasattr(value, "item") else value
