"""Byte-reproducible output: seeded generators per file and writers with no time stamps."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from pathlib import Path

import numpy as np

from .calibration import SEED


def rng_for(key: str) -> np.random.Generator:
    """A generator seeded from the master seed and ``key`` (usually the file's name).

    Parameters
    ----------
    key : str
        Names what the numbers are for, so each file has its own independent stream.

    Returns
    -------
    numpy.random.Generator
    """
    digest = hashlib.sha256(f"{SEED}:{key}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def csv_text(rows, delimiter: str = ",", lineterminator: str = "\n", quoting: int = csv.QUOTE_MINIMAL) -> str:
    """Format rows (header first) as delimited text, quoting as the csv module does.

    Parameters
    ----------
    rows : iterable of sequence
        Already formatted cell values (str or int).
    delimiter, lineterminator : str
        As the published file uses them.
    quoting : int
        A :mod:`csv` quoting constant.

    Returns
    -------
    str
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=lineterminator, quoting=quoting)
    writer.writerows(rows)
    return buf.getvalue()


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text exactly as given (no newline translation).

    Returns
    -------
    Path
        ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def write_gzip(path: Path, data: bytes) -> Path:
    """Write gzip with no file name and a zero mtime in the header, so bytes never vary.

    Returns
    -------
    Path
        ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=6) as gz:
        gz.write(data)
    path.write_bytes(buf.getvalue())
    return path
