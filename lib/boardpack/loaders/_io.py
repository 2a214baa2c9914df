"""Reading raw files with clear errors for the ways a download goes wrong.

Every loader reads through :func:`read_csv`, so an empty file, a truncated gzip, a
wrong delimiter or a wrong encoding gives the same plain message whichever source it is.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from pathlib import Path

import pandas as pd

from ..errors import DataValidationError


def read_bytes(path: Path) -> bytes:
    """Return a file's bytes, decompressing ``.gz`` files.

    Raises
    ------
    DataValidationError
        If the file is empty, or a ``.gz`` file is truncated or not gzip at all.
    """
    path = Path(path)
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise DataValidationError(path, f"compressed file is truncated or not valid gzip ({exc})") from None
    if not raw.strip():
        raise DataValidationError(path, "file is empty")
    return raw


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
    DataValidationError
        Empty file, bad gzip, wrong encoding, wrong delimiter, a required column missing
        (with a hint when a near spelling is present), or a header naming a column twice.
    """
    path = Path(path)
    text = read_text(path, encodings)
    header = text.splitlines()[0] if text.splitlines() else ""
    check_delimiter(path, header, sep)
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, **kwargs)
    except pd.errors.ParserError as exc:
        raise DataValidationError(path, f"file is not well-formed {sep!r}-separated text: {exc}") from None
    except ValueError as exc:
        raise DataValidationError(path, f"file cannot be parsed: {exc}") from None
    df.columns = [str(c).strip() for c in df.columns]
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


def check_header(path: Path, columns, required) -> None:
    """Raise if a required column is missing or any column name is repeated."""
    cols = [str(c) for c in columns]
    dupes = sorted({c for c in cols if cols.count(c) > 1} | {c.rsplit(".", 1)[0] for c in cols if _is_mangled(c, cols)})
    if dupes:
        raise DataValidationError(path, f"column {dupes[0]!r} appears more than once in the header", row=1, column=dupes[0])
    lower = {c.casefold(): c for c in cols}
    for name in required:
        if name in cols:
            continue
        near = lower.get(name.casefold())
        hint = f" (found {near!r}: headers are case-sensitive)" if near else ""
        raise DataValidationError(path, f"required column {name!r} is missing{hint}", row=1, column=name)


def _is_mangled(col: str, cols: list[str]) -> bool:
    # pandas renames a repeated header "201901" to "201901.1"
    base, _, tail = col.rpartition(".")
    return bool(base) and tail.isdigit() and base in cols


def read_json(path: Path):
    """Parse a ``.json`` or ``.json.gz`` file.

    Raises
    ------
    DataValidationError
        If the file is empty, truncated or not JSON.
    """
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataValidationError(path, f"file is not valid JSON: {exc.msg}", row=exc.lineno) from None


def find_files(data_dir: Path, folder: str, suffixes: tuple[str, ...] = (".csv", ".csv.gz"),
               recursive: bool = False) -> list[Path]:
    """The files of one source under ``data_dir/folder`` whose names end with ``suffixes``.

    Parameters
    ----------
    data_dir : Path
        The data folder.
    folder : str
        The source's sub-folder, e.g. ``"pas_confidence"``.
    suffixes : tuple of str
        Name endings to keep.
    recursive : bool
        Look in sub-folders too.

    Returns
    -------
    list of Path
        Sorted; empty when the folder is absent (the source was not supplied).
    """
    root = Path(data_dir) / folder
    if not root.is_dir():
        return []
    found = root.rglob("*") if recursive else root.iterdir()
    return sorted(p for p in found if p.is_file() and p.name.endswith(suffixes))
