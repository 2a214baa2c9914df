"""Reading raw files with clear errors for the ways a download goes wrong.

Every loader reads through :func:`read_csv` (or, for workbooks and shapefiles, through
:func:`require_bytes` and :func:`require_rows`), so an empty file, a file with only its
header, a truncated gzip, a wrong delimiter or a wrong encoding gives the same plain message
whichever source it is. A file with no data rows raises
:class:`~boardpack.errors.EmptyInputError` and nothing else does, so the store can tell "no
data supplied" from "bad data supplied". Loaders that read several published layouts name
a missing column through :func:`match_layout`, by the layout the rest of the header fits.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import DataValidationError, EmptyInputError

EMPTY_FILE_RULE = "file is empty: it has no header and no data rows"


def read_bytes(path: Path) -> bytes:
    """Return a file's bytes, decompressing ``.gz`` files.

    Raises
    ------
    EmptyInputError
        If the file is empty (0 bytes, or only white space once decompressed).
    DataValidationError
        If a ``.gz`` file is truncated or not gzip at all.
    """
    path = Path(path)
    raw = require_bytes(path)
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise DataValidationError(path, f"compressed file is truncated or not valid gzip ({exc})") from None
    if not raw.strip():
        raise EmptyInputError(path, EMPTY_FILE_RULE)
    return raw


def require_bytes(path: Path) -> bytes:
    """Return a file's raw bytes, refusing a file of 0 bytes.

    Raises
    ------
    EmptyInputError
        If the file has no bytes at all.
    """
    raw = Path(path).read_bytes()
    if not raw:
        raise EmptyInputError(path, EMPTY_FILE_RULE)
    return raw


def require_rows(path: Path, df: pd.DataFrame, rule: str | None = None) -> pd.DataFrame:
    """Refuse a table that has no data row (a row with at least one non-blank cell).

    Parameters
    ----------
    path : Path
        The file the rows came from, named in the error.
    df : DataFrame
        The rows read from the file, header excluded.
    rule : str, optional
        The message, when the default ("no data rows ... only its header") does not fit.

    Returns
    -------
    DataFrame
        ``df`` unchanged.

    Raises
    ------
    EmptyInputError
        If every row is blank, or there is none.
    """
    if len(df) and any(_filled(value) for value in df.iloc[0]):  # the usual case, without scanning the file
        return df
    if not len(df) or not _non_blank(df).any():
        raise EmptyInputError(path, *([rule] if rule else []))
    return df


def _filled(value) -> bool:
    """One cell as :func:`_non_blank` judges it (cheaper than a column's string conversion, for one row)."""
    return bool(pd.notna(value)) and str(value).strip() != ""


def _non_blank(df: pd.DataFrame) -> pd.Series:
    """Per row: does any cell hold something other than white space?"""
    filled = pd.Series(False, index=df.index)
    for col in (df[c] for c in df.columns):
        filled |= col.notna() & col.astype("string").str.strip().fillna("").ne("")
    return filled


def read_text(path: Path, encodings: tuple[str, ...] = ("utf-8-sig",)) -> str:
    """Decode a file with the first encoding that fits.

    Raises
    ------
    DataValidationError
        If no listed encoding decodes the file (a wrong encoding, e.g. UTF-16 or a binary file).
    """
    raw = read_bytes(path)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataValidationError(path, "file is UTF-16 encoded; expected UTF-8 text (re-save it as UTF-8 CSV)")
    for enc in encodings:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError as exc:
            last = exc
    line = raw[: last.start].count(b"\n") + 1
    raise DataValidationError(
        path, f"file is not {' or '.join(encodings)} text: byte {raw[last.start]:#04x} cannot be decoded", row=line
    )


def read_csv(
    path: Path,
    required: list[str] | tuple[str, ...] = (),
    sep: str = ",",
    encodings: tuple[str, ...] = ("utf-8-sig",),
    **kwargs,
) -> pd.DataFrame:
    """Read a delimited text file, checking its delimiter and required header names.

    Parameters
    ----------
    path : Path
        A ``.csv`` or ``.csv.gz`` file.
    required : sequence of str
        Column names that must be in the header (after stripping white space).
    sep : str
        The delimiter the published format uses.
    encodings : tuple of str
        Encodings to try, in order.
    **kwargs
        Passed to :func:`pandas.read_csv` (``dtype``, ``decimal`` ...).

    Returns
    -------
    DataFrame
        With stripped column names and a RangeIndex in file order.

    Raises
    ------
    EmptyInputError
        The file is empty or has only its header line (blank lines do not count as rows).
    DataValidationError
        Bad gzip, wrong encoding, wrong delimiter, a required column missing (with a hint
        when a near spelling is present), or a header naming a column twice.
    """
    path = Path(path)
    text = read_text(path, encodings)
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2 and kwargs.get("nrows") != 0:
        raise EmptyInputError(path)
    header = lines[0]
    check_delimiter(path, header, sep)
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, **kwargs)
    except pd.errors.ParserError as exc:
        raise DataValidationError(path, f"file is not well-formed {sep!r}-separated text: {exc}") from None
    except ValueError as exc:
        raise DataValidationError(path, f"file cannot be parsed: {exc}") from None
    df.columns = [str(c).strip() for c in df.columns]
    if kwargs.get("nrows") != 0:
        require_rows(path, df)
    check_header(path, df.columns, required)
    return df


def check_delimiter(path: Path, header: str, sep: str) -> None:
    """Raise if the header line is clearly split by another delimiter than ``sep``."""
    if sep in header:
        return
    for other, name in ((";", "semicolons"), (",", "commas"), ("\t", "tabs"), ("|", "pipes")):
        if other != sep and other in header:
            raise DataValidationError(
                path, f"header is separated by {name}, but this format is separated by {sep!r}", row=1
            )


def check_header(path: Path, columns, required, row: int = 1, where: str = "") -> None:
    """Raise if a required column is missing or any column name is repeated.

    Parameters
    ----------
    path : Path
        The file, named in the error.
    columns : sequence of str
        The header's column names.
    required : sequence of str
        Names that must be present.
    row : int
        The header's line in the file (1 for a CSV file).
    where : str
        Put before the rule, e.g. ``"sheet MYE4: "``.
    """
    cols = [str(c) for c in columns]
    dupes = sorted({c for c in cols if cols.count(c) > 1} | {c.rsplit(".", 1)[0] for c in cols if _is_mangled(c, cols)})
    if dupes:
        raise DataValidationError(
            path, f"{where}column {dupes[0]!r} appears more than once in the header", row=row, column=dupes[0]
        )
    for name in required:
        if name in cols:
            continue
        raise DataValidationError(
            path, f"{where}required column {name!r} is missing{_near_hint(name, cols)}", row=row, column=name
        )


def _normal(name: str) -> str:
    """A column name with case, spaces and punctuation taken out, to spot near spellings."""
    return re.sub(r"[^0-9a-z]", "", str(name).casefold())


def _near_hint(name: str, cols: Sequence[str]) -> str:
    near = next((c for c in cols if _normal(c) == _normal(name)), None)
    if near is None:
        return ""
    if near.casefold() == name.casefold():
        return f" (found {near!r}: headers are case-sensitive)"
    return f" (found {near!r}: the name must be spelled exactly)"


@dataclass(frozen=True)
class Layout:
    """One published header layout of a source.

    Attributes
    ----------
    name : str
        The layout's short name, e.g. ``"upper_2010"``.
    label : str
        How a message names it, e.g. ``"MPS crime upper_2010 layout"``.
    columns : tuple of str
        The columns a file in this layout must have.
    summary : str
        The columns in short, for a message listing every layout (default: all of them).
    """

    name: str
    label: str
    columns: tuple[str, ...]
    summary: str = ""


def match_layout(
    path: Path,
    columns: Sequence[str],
    layouts: Sequence[Layout],
    what: str,
    tie_break: Callable[[list[Layout]], Layout | None] | None = None,
) -> Layout:
    """Tell which published layout a header belongs to, or name what is missing from it.

    A layout whose columns are all present wins (the first listed, if several are). Otherwise
    the layout sharing the most columns with the header (exactly or by a near spelling; on a
    tie, the one lacking the fewest) is the one the file was meant to be, and the error names
    *its* first missing column, so a file is never told about a column of a layout it does not
    resemble.

    Parameters
    ----------
    path : Path
        The file, named in any error.
    columns : sequence of str
        The file's header.
    layouts : sequence of Layout
        The layouts the source publishes, in order of preference.
    what : str
        The source in words, e.g. ``"MPS borough crime"``.
    tie_break : callable, optional
        ``tie_break(candidates) -> Layout or None``: picks among layouts that share equally
        many columns with the header (e.g. from the file's contents); ``None`` if it cannot.

    Returns
    -------
    Layout

    Raises
    ------
    DataValidationError
        Naming the missing column and the layout, at line 1; or, when no layout shares a
        column with the header, listing the columns of every layout.
    """
    cols = [str(c) for c in columns]
    for layout in layouts:
        if set(layout.columns).issubset(cols):
            return layout
    normal = {_normal(c) for c in cols}
    # Most columns in common first; then the layout that lacks the fewest.
    score = {lay.name: (sum(_normal(c) in normal for c in lay.columns), -len(lay.columns)) for lay in layouts}
    best = max(score.values(), default=(0, 0))
    if best[0] == 0:
        expected = "; ".join(f"{lay.label}: {lay.summary or ', '.join(lay.columns)}" for lay in layouts)
        raise DataValidationError(
            path, f"header matches no published {what} layout (not a recognised {what} file); expected the columns "
            f"of one of {expected}", row=1,
        )
    candidates = [lay for lay in layouts if score[lay.name] == best]
    chosen = candidates[0] if len(candidates) == 1 else (tie_break(candidates) if tie_break else None)
    if chosen is None:
        options = " or ".join(f"the {lay.label} (needs {_first_missing(lay, cols)!r})" for lay in candidates)
        raise DataValidationError(
            path, f"header fits no {what} layout completely: it could be {options}, but has none of these columns",
            row=1,
        )
    name = _first_missing(chosen, cols)
    raise DataValidationError(
        path,
        f"required column {name!r} is missing{_near_hint(name, cols)}; the rest of the header matches the "
        f"{chosen.label} ({chosen.summary or ', '.join(chosen.columns)})",
        row=1, column=name,
    )


def _first_missing(layout: Layout, cols: Sequence[str]) -> str:
    return next(c for c in layout.columns if c not in cols)


def _is_mangled(col: str, cols: list[str]) -> bool:
    # pandas renames a repeated header "201901" to "201901.1"
    base, _, tail = col.rpartition(".")
    return bool(base) and tail.isdigit() and base in cols


def read_json(path: Path):
    """Parse a ``.json`` or ``.json.gz`` file.

    Raises
    ------
    EmptyInputError
        If the file is empty.
    DataValidationError
        If the file is truncated or not JSON.
    """
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataValidationError(path, f"file is not valid JSON: {exc.msg}", row=exc.lineno) from None
