"""Run pandera schemas and turn their failures into :class:`DataValidationError`.

pandera reports every failure case; a board member needs the first one, named by file,
line and column, in plain words. Loaders keep the file's row order in the DataFrame
index so that a failing index maps back to a line of the file.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

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
        return f"value {found!r} cannot be read as {words}" if check.startswith("coerce") else f"values must be {words}, found {found!r}"
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
