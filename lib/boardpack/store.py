"""The prepared store: raw files parsed and validated once per run into Parquet tables.

Each source's tables live in a folder named by a key over the source's input hashes and
the loader code, so an unchanged input is never parsed twice and all 32 notebooks read
the same validated tables. An index file ties one data folder to its tables.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from functools import cached_property
from pathlib import Path

import pandas as pd

from .errors import BoardPackError
from .hashing import file_sha256, text_sha256, tree_sha256
from .paths import PACKAGE_DIR, PARAMS_DIR, STORE_DIR
from .registry import load_registry

DEMO_MARKER = "DEMO_DATA.txt"


def prepare_store(data_dir: str | Path, store_dir: str | Path | None = None, sources=None) -> Path:
    """Parse and validate every source found under ``data_dir`` into Parquet, once.

    Parameters
    ----------
    data_dir : str or Path
        A folder laid out as docs/data.md describes (real downloads or the demo dataset).
    store_dir : str or Path, optional
        Where the tables are kept; ``.cache/store`` in the project by default.
    sources : list of Source, optional
        The sources to prepare; all known sources by default.

    Returns
    -------
    Path
        The index file for this data folder, to pass to :class:`Store`.

    Raises
    ------
    DataValidationError
        If any input file breaks its schema. Nothing is written for that source.
    BoardPackError
        If ``data_dir`` does not exist.
    """
    from .loaders import ALL_SOURCES

    data_dir = Path(data_dir).resolve()
    if not data_dir.is_dir():
        raise BoardPackError(f"data folder {data_dir} does not exist")
    store_dir = Path(store_dir or STORE_DIR).resolve()
    store_dir.mkdir(parents=True, exist_ok=True)
    registry = load_registry()
    code_key = text_sha256(tree_sha256(PACKAGE_DIR / "loaders"), file_sha256(PARAMS_DIR / "boroughs.yaml"))

    index = {"data_dir": str(data_dir), "demo": (data_dir / DEMO_MARKER).is_file(), "sources": {}}
    for source in ALL_SOURCES if sources is None else sources:
        files = source.discover(data_dir)
        inputs = [{"path": str(p.relative_to(data_dir)), "sha256": file_sha256(p)} for p in files]
        entry = {"description": source.description, "files": inputs, "tables": {}}
        if not files:
            entry["status"] = "absent"
            index["sources"][source.name] = entry
            continue
        key = text_sha256(source.name, code_key, *(f"{i['path']}:{i['sha256']}" for i in inputs))
        folder = store_dir / f"{source.name}-{key[:16]}"
        if not (folder / "tables.json").is_file():
            _write_tables(folder, source.load(files, registry))
        entry["status"] = "ok"
        entry["key"] = key
        entry["tables"] = {t: str(folder / f"{t}.parquet") for t in json.loads((folder / "tables.json").read_text())}
        index["sources"][source.name] = entry

    index_path = store_dir / f"index-{text_sha256(str(data_dir))[:16]}.json"
    _atomic_write_text(index_path, json.dumps(index, indent=2))
    return index_path


def _write_tables(folder: Path, tables: dict[str, pd.DataFrame]) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=folder.parent))
    try:
        for name, df in tables.items():
            df.to_parquet(tmp / f"{name}.parquet", index=False)
        (tmp / "tables.json").write_text(json.dumps(sorted(tables)))
        try:
            os.rename(tmp, folder)
        except OSError:
            if not (folder / "tables.json").is_file():  # another process won the race: keep theirs
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


class Store:
    """Read access to the prepared tables of one data folder.

    Parameters
    ----------
    index_path : str or Path
        The file :func:`prepare_store` returned.
    """

    def __init__(self, index_path: str | Path):
        self.index_path = Path(index_path)
        self.index = json.loads(self.index_path.read_text(encoding="utf-8"))
        self._frames: dict[str, pd.DataFrame] = {}

    @property
    def is_demo(self) -> bool:
        """True when the data folder is the synthetic demo dataset."""
        return bool(self.index["demo"])

    @property
    def sources(self) -> dict[str, dict]:
        """Each source's status (``ok`` or ``absent``), input files with sha256, and tables."""
        return self.index["sources"]

    def has(self, table: str) -> bool:
        """Whether a canonical table is available."""
        return table in self._table_paths

    def table(self, name: str) -> pd.DataFrame:
        """Return a canonical table (a fresh copy; callers may modify it).

        Raises
        ------
        BoardPackError
            If no source in this data folder produced the table.
        """
        if name not in self._table_paths:
            raise BoardPackError(f"table {name!r} is not available in the data at {self.index['data_dir']}")
        # Sections read the same tables several times: parse each Parquet file once per pack.
        if name not in self._frames:
            self._frames[name] = pd.read_parquet(self._table_paths[name])
        return self._frames[name].copy()

    def source_of(self, table: str) -> str | None:
        """The source name that produced ``table``."""
        for name, entry in self.sources.items():
            if table in entry["tables"]:
                return name
        return None

    @cached_property
    def _table_paths(self) -> dict[str, str]:
        return {t: p for entry in self.sources.values() for t, p in entry["tables"].items()}
