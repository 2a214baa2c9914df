"""Write a file all at once or not at all: a temporary file beside it, then a rename.

A reader (another run, a notebook, a person) sees the previous complete file or the new
complete one, never half of either; a full disk, an error or a stop while writing leaves
the previous file and no temporary one. The file gets the mode any new file would have
(``0o666`` less the umask), not the owner-only mode of :func:`tempfile.mkstemp`: manifests,
indexes and data files are for everyone the folder is shared with.

The one place boardpack does this; it imports nothing else from boardpack.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def open_atomic(path: str | Path, mode: str = "w", suffix: str = "", encoding: str = "utf-8") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on a clean exit it replaces ``path``.

    Parameters
    ----------
    path : str or Path
        The file to write; its folder must exist.
    mode : str
        ``"w"`` (text) or ``"wb"`` (bytes).
    suffix : str
        Ends the temporary file's name (e.g. ``".part"``), so it is never mistaken for the file.
    encoding : str
        For text mode.

    Yields
    ------
    file object
        Write to it; it is closed and renamed into place when the block ends without an error,
        and removed when it ends with one.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"open_atomic writes with mode 'w' or 'wb', not {mode!r}")
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=suffix, dir=path.parent)
    try:
        with os.fdopen(fd, mode, **({"encoding": encoding} if mode == "w" else {})) as fh:
            os.fchmod(fh.fileno(), 0o666 & ~_umask())
            yield fh
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)  # a full disk or a stop must not leave a half-written temporary file
        raise


def write_text_atomic(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; return the path."""
    with open_atomic(path, "w", encoding=encoding) as fh:
        fh.write(text)
    return Path(path)


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    with open_atomic(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def write_json_atomic(path: str | Path, doc, indent: int | None = 2) -> Path:
    """Write ``doc`` as UTF-8 JSON atomically, creating the folder if needed; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_text_atomic(path, json.dumps(doc, indent=indent, ensure_ascii=False))
