"""ONS mid-year population estimates workbooks -> the ``population`` table.

Each ONS "Mid-Year Population Estimates, UK" workbook has a sheet ``MYE4``: one row per
area (``Code``, ``Name``, ``Geography``) and one ``Mid-YYYY`` column per year. The
mid-2022 release carries mid-2011 and mid-2022; the mid-2020 release a mid-2001 ...
mid-2020 series made before the Census 2021 rebasing.

When several releases give the same year for an area, the newest release (the one whose
latest ``Mid-YYYY`` column is latest) wins, because later releases revise earlier years.
``source`` names the workbook and sheet of every figure, so a trend can be drawn from one
release only.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataValidationError
from ..registry import Registry
from ..validation import check_not_future, validate
from ._io import check_header, require_bytes, require_rows
from .discovery import discover_population

discover = discover_population  # the source's files (found without parsing: see .discovery)

SHEET = "MYE4"
COLUMNS = ["area_code", "year", "population", "source"]
_YEAR = re.compile(r"^\s*mid-(\d{4})\s*$", re.IGNORECASE)
# The header row sits below a block of notes; look for it in the first rows of the sheet.
_HEADER_SEARCH_ROWS = 30

_COUNTS = pa.Column("int64", pa.Check.ge(0), nullable=False, coerce=True)


def load(paths: list[Path], registry: Registry) -> dict[str, pd.DataFrame]:
    """Read the MYE4 sheet of each workbook into the ``population`` table.

    Parameters
    ----------
    paths : list of Path
        Workbooks from :func:`discover`.
    registry : Registry
        Resolves London authority codes and names.

    Returns
    -------
    dict
        ``{"population": DataFrame}`` with columns ``area_code, year, population, source``
        for the 32 boroughs and the City of London (``CITY``), one row per area and year.

    Raises
    ------
    DataValidationError
        A workbook that cannot be opened, has no MYE4 sheet, no ``Code`` header row, no
        ``Mid-YYYY`` column or a year after the current one, no London rows, a missing,
        negative or non-integer estimate, or two workbooks of the same release disagreeing
        on a figure.
    EmptyInputError
        A workbook of 0 bytes, or an MYE4 sheet with no rows below its header.
    """
    frames = [_read_workbook(Path(p), registry) for p in paths]
    if not frames:
        empty = pd.DataFrame({"area_code": pd.Series(dtype="str"), "year": pd.Series(dtype="int64"),
                              "population": pd.Series(dtype="int64"), "source": pd.Series(dtype="str")})
        return {"population": empty}
    rows = pd.concat(frames, ignore_index=True)
    return {"population": _newest_release(rows)}


def _read_workbook(path: Path, registry: Registry) -> pd.DataFrame:
    sheet, grid = _read_sheet(path)
    header_row = _header_row(grid, path, sheet)
    header = [str(v).strip() for v in grid.iloc[header_row]]
    body = grid.iloc[header_row + 1:].reset_index(drop=True)
    body.columns = header
    check_header(path, header, ["Code", "Name"], row=header_row + 1, where=f"sheet {sheet}: ")
    years = {col: int(m.group(1)) for col in header if (m := _YEAR.match(col))}
    if not years:
        raise DataValidationError(
            path, f"sheet {sheet}: no 'Mid-YYYY' estimate columns in the header row", row=header_row + 1
        )
    require_rows(path, body)
    check_not_future(path, [f"{y}-06" for y in years.values()], rows=header_row + 1, columns=list(years),
                     labels=[f"sheet {sheet}: estimate column {c!r} (June {y})" for c, y in years.items()])

    codes = body["Code"].astype("str").str.strip()
    london = body[codes.str.startswith("E09")]
    if london.empty:
        raise DataValidationError(
            path, f"sheet {sheet}: no London authority rows (codes starting E09) below the header row",
            row=header_row + 1, column="Code",
        )
    # Excel rows are 1-based and the data start on the row after the header.
    line_offset = header_row + 2
    counts = validate(_as_numbers(london[list(years)], path, sheet, line_offset), _schema(years), path, line_offset)

    areas = codes[london.index].map(registry.area_code).fillna(london["Name"].astype("str").map(registry.area_code))
    if areas.isna().any():
        i = areas.isna().idxmax()
        raise DataValidationError(
            path, f"sheet {sheet}: London authority {codes[i]!r} is not a known borough or the City of London",
            row=int(i) + line_offset, column="Code",
        )
    release = max(years.values())
    long = counts.assign(area_code=areas).melt(id_vars="area_code", var_name="column", value_name="population")
    long["year"] = long["column"].map(years).astype("int64")
    long["population"] = long["population"].astype("int64")
    long["source"] = f"{path.name}:{sheet}"
    long["_release"] = release
    return long[[*COLUMNS, "_release"]]


def _schema(columns) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({c: _COUNTS for c in columns})


def _as_numbers(cells: pd.DataFrame, path: Path, sheet: str, line_offset: int) -> pd.DataFrame:
    # Cells arrive as objects (text notes, blanks, numbers); name the first one that is
    # not a number before pandera sees a mixed column.
    out = cells.apply(pd.to_numeric, errors="coerce")
    for col in cells.columns:
        bad = out[col].isna() | (out[col] % 1 != 0)
        if bad.any():
            i = bad.idxmax()
            raise DataValidationError(
                path, f"sheet {sheet}: estimate {cells.at[i, col]!r} is not a whole number",
                row=int(i) + line_offset, column=col,
            )
    return out


def _read_sheet(path: Path) -> tuple[str, pd.DataFrame]:
    require_bytes(path)
    try:
        with warnings.catch_warnings():
            # pandas 3 flags its xlrd engine as deprecated; xlrd is still the reader for
            # the legacy .xls releases, and the warning says nothing about the data.
            warnings.filterwarnings("ignore", message=".*xlrd.*")
            book = pd.ExcelFile(path)
            names = {str(n).strip().casefold(): n for n in book.sheet_names}
            sheet = names.get(SHEET.casefold())
            if sheet is None:
                raise DataValidationError(
                    path, f"workbook has no sheet {SHEET!r} (sheets: {', '.join(map(str, book.sheet_names))})"
                )
            # keep_default_na=False: a note such as "n/a" in a cell is shown as written in the error.
            grid = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object, keep_default_na=False)
    except DataValidationError:
        raise
    except Exception as exc:  # any reader failure means the workbook is unreadable
        raise DataValidationError(path, f"workbook cannot be read as Excel: {exc}") from None
    require_rows(path, grid)
    return str(sheet).strip(), grid


def _header_row(grid: pd.DataFrame, path: Path, sheet: str) -> int:
    first = grid.iloc[:_HEADER_SEARCH_ROWS, 0].astype("str").str.strip()
    hits = first.index[first == "Code"]
    if len(hits):
        return int(hits[0])
    # A header row without 'Code' is still recognisable by its Mid-YYYY columns: name what it lacks.
    for i in range(min(_HEADER_SEARCH_ROWS, len(grid))):
        cells = [str(v).strip() for v in grid.iloc[i]]
        if any(_YEAR.match(c) for c in cells):
            check_header(path, cells, ["Code"], row=i + 1, where=f"sheet {sheet}: ")
    raise DataValidationError(
        path, f"sheet {sheet}: no header row starting with 'Code' in the first {_HEADER_SEARCH_ROWS} rows",
        column="Code",
    )


def _newest_release(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows.sort_values("_release", ascending=False, kind="stable")
    newest = rows.groupby(["area_code", "year"])["_release"].transform("max")
    top = rows[rows["_release"] == newest]
    # Two workbooks of the same release must agree; otherwise there is no way to choose.
    spread = top.groupby(["area_code", "year"])["population"].transform(lambda s: s.max() - s.min())
    if (spread > 0).any():
        first = top[spread > 0].iloc[0]
        sources = ", ".join(top[(top["area_code"] == first["area_code"]) & (top["year"] == first["year"])]["source"])
        raise DataValidationError(
            first["source"].split(":")[0],
            f"mid-{first['year']} population of {first['area_code']} differs between workbooks of the same "
            f"release ({sources})",
        )
    out = top.drop_duplicates(["area_code", "year"])[COLUMNS]
    out = out.sort_values(["area_code", "year"], kind="stable").reset_index(drop=True)
    return out.astype({"area_code": "str", "year": "int64", "population": "int64", "source": "str"})
