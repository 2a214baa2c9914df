"""MPS Borough Level Crime: the wide monthly files in all four published layouts.

The MPS re-issued the series under four classifications ("vintages"), each recognised from
its three key columns. Every file is validated wide, as published, so an error names the
file's own line and column; only then is it melted into the long ``crime`` table.
Files of the same vintage (a "Historical" file and a "most recent 24 months" file) are
stitched month by month; different vintages are never merged, because their categories do
not line up (see docs/data.md, "Recorded crime").
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..errors import DataValidationError
from ..registry import Registry
from ..validation import check_not_future, validate
from . import mappings
from ._io import Layout, match_layout, read_csv
from .discovery import CRIME_FOLDER as FOLDER
from .discovery import discover_crime

discover = discover_crime  # the source's files (found without parsing: see .discovery)


# vintage -> (major, minor, area) column names, in the order the MPS publishes them.
LAYOUTS: dict[str, tuple[str, str, str]] = {
    "ho_2008": ("Major Category", "Minor Category", "Borough"),
    "mixed_2010": ("MajorText", "MinorText", "LookUp_BoroughName"),
    "upper_2010": ("MajorText", "MinorText", "BoroughName"),
    "new_2024": ("Group", "SubGroup", "BOCU"),
}

COLUMNS = ["vintage", "area_code", "major", "minor", "month", "count", "source_file"]

_LAYOUTS = [Layout(v, f"MPS borough crime {v} layout", keys) for v, keys in LAYOUTS.items()]
# The category mappings tell two layouts with the same category columns apart (mixed_2010
# and upper_2010 differ only in the area column and in the case of their category labels).
MAPPINGS_DIR = mappings.MAPPINGS_DIR

# A City of London row belongs to another force, and an MPS row is a total: either would be
# double counted by "TNO = sum of all rows", so such a file is refused rather than guessed at.
_REFUSED_AREAS = {
    "CITY": "the City of London is policed by the City of London Police, not the MPS",
    "MPS": "a Met-wide total row would be double counted (the MPS figure is the sum of all rows)",
}

_MONTH_COLUMN = re.compile(r"^(\d{4})(0[1-9]|1[0-2])$")


def detect_vintage(path: Path, columns, majors=()) -> str:
    """Name the published layout a header belongs to.

    Parameters
    ----------
    path : Path
        The file, named in any error.
    columns : sequence of str
        The header's column names.
    majors : iterable of str, optional
        The file's major category labels. When a key column is missing and two layouts
        fit the rest of the header equally well, the layout whose category mapping knows
        more of these labels is the one the file was meant to be.

    Returns
    -------
    str
        One of ``ho_2008``, ``mixed_2010``, ``upper_2010``, ``new_2024``.

    Raises
    ------
    DataValidationError
        If no layout's three key columns are all present. The message names the missing
        column of the layout the rest of the header matches (or the columns of every
        layout when none is close).
    """
    labels = {str(m).strip() for m in majors}

    def by_categories(candidates: list[Layout]) -> Layout | None:
        known = {lay.name: len(labels & _mapped_majors(lay.name)) for lay in candidates}
        top = max(known.values())
        winners = [lay for lay in candidates if known[lay.name] == top]
        return winners[0] if top > 0 and len(winners) == 1 else None

    return match_layout(path, columns, _LAYOUTS, "MPS borough crime", tie_break=by_categories).name


def _major_labels(raw: pd.DataFrame) -> set[str]:
    """The labels in whichever major category columns the file has."""
    columns = {keys[0] for keys in LAYOUTS.values()} & set(raw.columns)
    return set().union(*(set(raw[c].dropna()) for c in columns)) if columns else set()


def _mapped_majors(vintage: str) -> set[str]:
    if not mappings.mapping_path(vintage).is_file():
        return set()
    return set(mappings.read_crime_mapping(vintage)["major"].str.strip())


def read_crime_file(path: Path, registry: Registry) -> pd.DataFrame:
    """Read, validate and melt one wide crime file.

    Parameters
    ----------
    path : Path
        A ``.csv`` or ``.csv.gz`` file in one of the four layouts.
    registry : Registry
        Resolves the area labels.

    Returns
    -------
    DataFrame
        Long rows ``vintage, area_code, major, minor, month, count`` (without ``source_file``).

    Raises
    ------
    DataValidationError
        For any broken rule: unreadable file, unknown layout, a non-month column, repeated or
        missing months, a count that is not a whole number, negative or empty, an unknown or
        refused area, or the same category and area twice.
    """
    raw = read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    vintage = detect_vintage(path, raw.columns, _major_labels(raw))
    major_col, minor_col, area_col = LAYOUTS[vintage]
    month_cols = [c for c in raw.columns if c not in (major_col, minor_col, area_col)]
    months = _check_months(path, month_cols)
    counts = _parse_counts(path, raw[month_cols])
    wide = pd.concat([raw[[major_col, minor_col, area_col]], counts], axis=1)
    wide = validate(wide, _schema(major_col, minor_col, area_col, month_cols), path)
    area_codes = _resolve_areas(path, wide[area_col], area_col, registry)
    keys = pd.DataFrame({"major": wide[major_col].str.strip(), "minor": wide[minor_col].str.strip(),
                         "area_code": area_codes})
    dup = keys.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataValidationError(
            path,
            f"category {keys.at[i, 'major']!r} / {keys.at[i, 'minor']!r} appears twice for area "
            f"{wide.at[i, area_col]!r} (counts would be double counted)",
            row=i + 2,
        )
    n = len(wide)
    values = wide[month_cols].to_numpy(dtype="int64")
    return pd.DataFrame(
        {
            "vintage": vintage,
            "area_code": np.repeat(keys["area_code"].to_numpy(), len(months)),
            "major": np.repeat(keys["major"].to_numpy(), len(months)),
            "minor": np.repeat(keys["minor"].to_numpy(), len(months)),
            "month": np.tile(np.array(months, dtype=object), n),
            "count": values.reshape(-1),
        }
    )


def _check_months(path: Path, month_cols: list[str]) -> list[str]:
    if not month_cols:
        raise DataValidationError(path, "no month columns (YYYYMM) after the key columns", row=1)
    months = []
    for col in month_cols:
        m = _MONTH_COLUMN.match(col)
        if not m:
            raise DataValidationError(
                path, f"column {col!r} is neither a key column of this layout nor a month in the form YYYYMM",
                row=1, column=col,
            )
        months.append(f"{m.group(1)}-{m.group(2)}")
    check_not_future(path, months, rows=1, columns=month_cols)
    periods = pd.PeriodIndex(months, freq="M")
    for prev, cur in zip(periods[:-1], periods[1:]):
        if cur <= prev:
            raise DataValidationError(path, f"month columns are not in date order: {cur} follows {prev}",
                                      row=1, column=cur.strftime("%Y%m"))
        if cur != prev + 1:
            raise DataValidationError(
                path, f"month {prev + 1} is missing: the month columns jump from {prev} to {cur}",
                row=1, column=cur.strftime("%Y%m"),
            )
    return months


def _parse_counts(path: Path, text: pd.DataFrame) -> pd.DataFrame:
    # pandera's own coercion reports a text cell as a whole-column failure without a line,
    # so whole numbers are parsed here and pandera then checks the parsed counts.
    stripped = text.apply(lambda s: s.str.strip())
    number = stripped.apply(pd.to_numeric, errors="coerce")
    empty = stripped.isna() | stripped.eq("")
    bad = (number.isna() | (number % 1 != 0)) & ~empty
    for mask, rule in ((bad, "count {value!r} is not a whole number"), (empty, "count is missing (empty cell)")):
        if mask.to_numpy().any():
            rows, cols = np.nonzero(mask.to_numpy())
            first = np.lexsort((cols, rows))[0]
            r, c = int(rows[first]), int(cols[first])
            raise DataValidationError(path, rule.format(value=text.iat[r, c]), row=r + 2, column=text.columns[c])
    return number.astype("int64")


def _schema(major_col: str, minor_col: str, area_col: str, month_cols: list[str]) -> pa.DataFrameSchema:
    label = pa.Column(str, pa.Check.str_length(min_value=1), nullable=False)
    columns = {major_col: label, minor_col: label, area_col: label}
    columns.update({m: pa.Column("int64", pa.Check.ge(0), nullable=False) for m in month_cols})
    return pa.DataFrameSchema(columns, strict=True, ordered=False)


def _resolve_areas(path: Path, labels: pd.Series, column: str, registry: Registry) -> np.ndarray:
    distinct = {label: registry.area_code(label) for label in labels.unique()}
    for i, label in enumerate(labels):
        code = distinct[label]
        if code is None:
            raise DataValidationError(
                path,
                f"unknown borough {label!r}: not one of the 32 MPS boroughs or a known non-borough area "
                f"(params/boroughs.yaml lists the accepted spellings)",
                row=i + 2,
                column=column,
            )
        if code in _REFUSED_AREAS:
            raise DataValidationError(path, f"area {label!r} is not accepted: {_REFUSED_AREAS[code]}",
                                      row=i + 2, column=column)
    return labels.map(distinct).to_numpy(dtype=object)


def stitch(parts: list[tuple[Path, pd.DataFrame]]) -> pd.DataFrame:
    """Join the files of each vintage into one monthly series per vintage.

    Where files of the same vintage share months, every row for such a month comes from the
    later-published file (the one whose last month is later; on a tie, the later path), so a
    month is never a mix of two issues. Vintages are kept apart.

    Parameters
    ----------
    parts : list of (Path, DataFrame)
        Each file with its long rows from :func:`read_crime_file` plus ``source_file``.

    Returns
    -------
    DataFrame
        The ``crime`` table, sorted by vintage, area, category and month.
    """
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "count" else object) for c in COLUMNS})
    frames = []
    by_vintage: dict[str, list[tuple[str, Path, pd.DataFrame]]] = {}
    for path, df in parts:
        by_vintage.setdefault(df["vintage"].iat[0], []).append((df["month"].max(), path, df))
    for files in by_vintage.values():
        files.sort(key=lambda t: (t[0], str(t[1])))
        winner: dict[str, int] = {}
        for rank, (_, _, df) in enumerate(files):
            for month in df["month"].unique():
                winner[month] = rank
        for rank, (_, _, df) in enumerate(files):
            frames.append(df[df["month"].map(winner) == rank])
    crime = pd.concat(frames, ignore_index=True)[COLUMNS]
    crime["count"] = crime["count"].astype("int64")
    return crime.sort_values(["vintage", "area_code", "major", "minor", "month"], ignore_index=True)


def load(paths: list[Path], registry: Registry) -> dict[str, pd.DataFrame]:
    """Load every crime file into the canonical ``crime`` table.

    Parameters
    ----------
    paths : list of Path
        Files from :func:`discover`.
    registry : Registry
        Resolves borough labels to GSS codes.

    Returns
    -------
    dict
        ``{"crime": DataFrame}`` with columns ``vintage, area_code, major, minor, month,
        count, source_file`` (``source_file`` relative to the ``mps_borough_crime`` folder).

    Raises
    ------
    DataValidationError
        If any file breaks a rule (see :func:`read_crime_file`).
    """
    parts = []
    for path in paths:
        df = read_crime_file(Path(path), registry)
        df["source_file"] = _relative_name(Path(path))
        parts.append((Path(path), df))
    return {"crime": stitch(parts)}


def _relative_name(path: Path) -> str:
    parts = path.parts
    if FOLDER in parts:
        return "/".join(parts[len(parts) - parts[::-1].index(FOLDER):])
    return path.name
