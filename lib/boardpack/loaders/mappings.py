"""The documented crime category mappings: raw MPS (major, minor) category to pack row, one file per vintage.

The files are ``lib/boardpack/mappings/crime_<vintage>.csv`` (docs/method.md, "Recorded crime").
They are read and validated here; :mod:`boardpack.metrics.crime` is handed the table and never
reads a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import ConfigurationError, DataValidationError
from ..paths import PACKAGE_DIR
from ..validation import validate

MAPPINGS_DIR = PACKAGE_DIR / "mappings"
VINTAGES = ("ho_2008", "mixed_2010", "upper_2010", "new_2024")
# The row of a category that feeds no pack row (it still counts in Total Notifiable Offences).
NO_ROW = "-"
COLUMNS = ["vintage", "major", "minor", "row", "note", "source_file"]


def mapping_path(vintage: str) -> Path:
    """The mapping file of one vintage."""
    return MAPPINGS_DIR / f"crime_{vintage}.csv"


def _schema(rows: tuple[str, ...] | None) -> pa.DataFrameSchema:
    text = pa.Column(str, pa.Check.str_length(min_value=1), nullable=False)
    row = pa.Column(str, pa.Check.isin([*rows, NO_ROW]), nullable=False) if rows is not None else text
    return pa.DataFrameSchema({"major": text, "minor": text, "row": row, "note": pa.Column(str)},
                              strict=True, unique=["major", "minor", "row"])


@lru_cache(maxsize=16)
def _read(vintage: str, rows: tuple[str, ...] | None) -> pd.DataFrame:
    path = mapping_path(vintage)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["row"] = df["row"].str.strip().replace("", NO_ROW)
    return validate(df, _schema(rows), path)


def read_crime_mapping(vintage: str, rows: Iterable[str] | None = None) -> pd.DataFrame:
    """The mapping table of one vintage: raw (major, minor) category to pack row.

    Parameters
    ----------
    vintage : str
        One of ``ho_2008``, ``mixed_2010``, ``upper_2010``, ``new_2024``.
    rows : iterable of str, optional
        The pack rows a line may name (``boardpack.metrics.crime.MAPPABLE_ROWS``); any row
        when not given.

    Returns
    -------
    DataFrame
        Columns ``major, minor, row, note``; ``row`` is ``"-"`` for a category that feeds
        no pack row. A category feeding several rows has one line per row.

    Raises
    ------
    ConfigurationError
        If ``vintage`` is not a known vintage.
    DataValidationError
        If the mapping file names an unknown pack row or repeats a line.
    """
    if vintage not in VINTAGES:
        raise ConfigurationError(f"unknown crime vintage {vintage!r}; expected one of {', '.join(VINTAGES)}")
    return _read(vintage, tuple(rows) if rows is not None else None).copy()


def crime_mappings(rows: Iterable[str] | None = None) -> pd.DataFrame:
    """Every vintage's mapping in one table, as the recorded crime metrics take it.

    Parameters
    ----------
    rows : iterable of str, optional
        As for :func:`read_crime_mapping`.

    Returns
    -------
    DataFrame
        ``vintage, major, minor, row, note, source_file`` (the mapping file's path, named by
        any error about a category it does not list).
    """
    rows = tuple(rows) if rows is not None else None
    frames = [read_crime_mapping(v, rows).assign(vintage=v, source_file=str(mapping_path(v))) for v in VINTAGES]
    return pd.concat(frames, ignore_index=True)[COLUMNS]


def check_mapping_covers(crime: pd.DataFrame, vintage: str, mapping: pd.DataFrame | None = None) -> None:
    """Raise if the crime rows hold a category the vintage's mapping does not list.

    Parameters
    ----------
    crime : DataFrame
        Rows of one vintage with ``major`` and ``minor`` columns.
    vintage : str
    mapping : DataFrame, optional
        The mapping; :func:`read_crime_mapping` of ``vintage`` by default.

    Raises
    ------
    DataValidationError
        Naming the mapping file and the first unlisted category.
    """
    mapping = read_crime_mapping(vintage) if mapping is None else mapping
    missing = unlisted_categories(crime, mapping)
    if missing:
        raise unlisted_error(mapping_path(vintage), vintage, missing)


def unlisted_categories(crime: pd.DataFrame, mapping: pd.DataFrame) -> list[tuple[str, str]]:
    """The (major, minor) categories of ``crime`` that ``mapping`` does not list, sorted."""
    known = set(zip(mapping["major"], mapping["minor"]))
    return sorted(set(zip(crime["major"], crime["minor"])) - known)


def unlisted_error(path, vintage: str, missing: list[tuple[str, str]]) -> DataValidationError:
    """The error for categories a vintage's mapping does not list."""
    major, minor = missing[0]
    more = f" ({len(missing) - 1} more unlisted)" if len(missing) > 1 else ""
    return DataValidationError(
        path,
        f"crime category {major!r} / {minor!r} of vintage {vintage} is not in the mapping{more}; "
        f"add a line for it (row '-' if it feeds no pack row) so it is not silently dropped",
    )
