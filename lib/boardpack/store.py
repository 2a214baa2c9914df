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
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING

from .atomic import write_text_atomic
from .errors import BoardPackError, CoverageError, DataValidationError, EmptyInputError
from .hashing import file_sha256, text_sha256, tree_sha256
from .paths import PACKAGE_DIR, PARAMS_DIR, STORE_DIR
from .registry import load_registry

if TYPE_CHECKING:  # pandas loads where a table is parsed or read: checking the store and planning a run do without it
    import pandas as pd

DEMO_MARKER = "DEMO_DATA.txt"
# Beside a source's tables: the last month of each table with a month column, so the run's
# default period is known from the index without reading a table.
LAST_MONTHS = "last_months.json"

# The pack cannot be built without recorded crime; every other source is optional, and one
# that is absent or has no data rows costs only the sections that read it.
REQUIRED_SOURCES = frozenset({"crime"})
# Sources whose files stand alone (one Census year, one month of searches per file): an empty
# file is set aside and the others are still read.
SEPARABLE_SOURCES = frozenset({"census", "stop_search"})


def prepare_store(data_dir: str | Path, store_dir: str | Path | None = None, sources=None,
                  load: Callable[[dict], dict] | None = None) -> Path:
    """Parse and validate every source found under ``data_dir`` into Parquet, once.

    Parameters
    ----------
    data_dir : str or Path
        A folder laid out as docs/data.md describes (real downloads or the demo dataset).
    store_dir : str or Path, optional
        Where the tables are kept; ``.cache/store`` in the project by default.
    sources : list of Source, optional
        The sources to prepare; all known sources by default.
    load : callable, optional
        How the sources not yet in the store are loaded, when several are: called with
        ``{name: task}`` (each task loads one source), it runs some or all of them, in any
        order or at once, and returns ``{name: outcome}`` for those it ran, an outcome being
        the task's result or the exception it raised. A source it did not run is loaded here,
        so its error is raised here. By default every source is loaded here, in order.

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
    code_key = text_sha256(tree_sha256(PACKAGE_DIR / "loaders"), file_sha256(PARAMS_DIR / "boroughs.yaml"),
                           file_sha256(Path(__file__)))

    index = {"data_dir": str(data_dir), "demo": (data_dir / DEMO_MARKER).is_file(), "sources": {}}
    found = [_find_source(source, data_dir, store_dir, code_key)
             for source in (ALL_SOURCES if sources is None else sources)]
    missing = {f.source.name: partial(_load_into, f, registry, data_dir) for f in found if f.to_load}
    loaded = load(missing) if load is not None and len(missing) > 1 else {}
    for f in found:
        if f.to_load:
            if f.source.name not in loaded:  # not loaded by ``load``: load it here (an error is raised here)
                outcome = _load_into(f, registry, data_dir)
            elif isinstance(loaded[f.source.name], BaseException):
                raise loaded[f.source.name]
            else:
                outcome = loaded[f.source.name]
            if outcome is not None:  # the source has no data rows
                f.entry.update(status="empty", empty_files=outcome, problem=_empty_problem(outcome))
        if f.folder is not None and f.entry.get("status") != "empty":
            _describe_tables(f)
        index["sources"][f.source.name] = f.entry

    index_path = store_dir / f"index-{text_sha256(str(data_dir))[:16]}.json"
    write_text_atomic(index_path, json.dumps(index, indent=2))
    return index_path


@dataclass
class _Found:
    """One source as found in the data folder: its index entry so far and its tables' folder."""

    source: object
    entry: dict
    files: list[Path] = field(default_factory=list)
    folder: Path | None = None
    key: str = ""
    to_load: bool = False  # its folder has no tables yet


def _find_source(source, data_dir: Path, store_dir: Path, code_key: str) -> _Found:
    """Find a source's files and hash them; a required source with no usable files is refused here."""
    try:
        files = source.discover(data_dir)
    except DataValidationError as exc:  # e.g. searches with no boundaries to place them by
        if source.name in REQUIRED_SOURCES:
            raise
        return _Found(source, {"description": source.description, "files": [], "tables": {}, "status": "absent",
                               "problem": _problem_text(exc, data_dir)})
    inputs = [{"path": str(p.relative_to(data_dir)), "sha256": file_sha256(p)} for p in files]
    entry = {"description": source.description, "files": inputs, "tables": {}}
    if not files:
        if source.name in REQUIRED_SOURCES:
            raise DataValidationError(
                data_dir / "mps_borough_crime",
                "no recorded crime file was found, and no pack can be built without one: put the MPS Borough "
                "Level Crime CSV files in a folder under mps_borough_crime/ (see docs/data.md)")
        entry["status"] = "absent"
        return _Found(source, entry)
    key = text_sha256(source.name, code_key, *(f"{i['path']}:{i['sha256']}" for i in inputs))
    folder = store_dir / f"{source.name}-{key[:16]}"
    return _Found(source, entry, files, folder, key, to_load=not (folder / "tables.json").is_file())


def _load_into(found: _Found, registry, data_dir: Path) -> list[str] | None:
    """Parse and validate one source into its store folder; the empty files' names if it has no data rows."""
    tables, empty = _load_source(found.source, found.files, registry, data_dir)
    if tables is None:
        return empty
    _write_tables(found.folder, tables, empty)
    return None


def _describe_tables(found: _Found) -> None:
    """Complete a stored source's index entry: status, key, table paths and any files set aside."""
    folder, entry = found.folder, found.entry
    empty = json.loads((folder / "empty_files.json").read_text()) if (folder / "empty_files.json").is_file() else []
    if empty:
        entry["empty_files"] = empty
        entry["problem"] = _empty_problem(empty)
    entry["status"] = "ok"
    entry["key"] = found.key
    entry["tables"] = {t: str(folder / f"{t}.parquet") for t in json.loads((folder / "tables.json").read_text())}
    if (folder / LAST_MONTHS).is_file():
        entry["last_months"] = json.loads((folder / LAST_MONTHS).read_text())


def _load_source(source, files: list[Path], registry, data_dir: Path):
    """Load one source; return ``(tables, empty_files)``, with tables None when it has no data.

    A required source with an empty file refuses the run (the error propagates). An optional
    source with an empty file is "empty"; for a separable source the empty file is set aside
    and the rest are read, unless nothing usable is left.
    """
    empty: list[str] = []
    remaining = list(files)
    while True:
        try:
            return source.load(remaining, registry), empty
        except EmptyInputError as exc:
            if source.name in REQUIRED_SOURCES:
                raise
            bad = _relative(Path(exc.file), data_dir)
            empty.append(bad)
            left = [f for f in remaining if _relative(f, data_dir) != bad]
            if source.name not in SEPARABLE_SOURCES or not left or len(left) == len(remaining):
                return None, empty
            remaining = left
        except BoardPackError:
            if empty:  # what is left of a separable source does not stand on its own
                return None, empty
            raise


def _relative(path: Path, data_dir: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(data_dir))
    except ValueError:
        return str(path)


def _problem_text(exc: DataValidationError, data_dir: Path) -> str:
    """The error's rule, led by its file relative to the data folder."""
    where = [_relative(Path(exc.file), data_dir)]
    if exc.row is not None:
        where.append(f"line {exc.row}")
    if exc.column is not None:
        where.append(f"column {exc.column!r}")
    return f"{', '.join(where)}: {exc.rule}"


def _empty_problem(empty: list[str]) -> str:
    names = ", ".join(empty)
    verb = "has" if len(empty) == 1 else "have"
    return f"{names} {verb} no data rows (the file is empty or holds only its header)"


def _write_tables(folder: Path, tables: dict[str, pd.DataFrame], empty_files: list[str] = ()) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=folder.parent))
    try:
        for name, df in tables.items():
            df.to_parquet(tmp / f"{name}.parquet", index=False)
        last = {name: str(df["month"].max()) for name, df in sorted(tables.items()) if "month" in df and len(df)}
        (tmp / LAST_MONTHS).write_text(json.dumps(last))
        if empty_files:
            (tmp / "empty_files.json").write_text(json.dumps(list(empty_files)))
        (tmp / "tables.json").write_text(json.dumps(sorted(tables)))
        try:
            os.rename(tmp, folder)
        except OSError:
            if not (folder / "tables.json").is_file():  # another process won the race: keep theirs
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def source_record(source: dict) -> dict:
    """One source as figures.json and the manifest record it: status, files with sha256, any problem."""
    out = {"status": source["status"], "files": source["files"]}
    for key in ("empty_files", "problem"):
        if source.get(key):
            out[key] = source[key]
    return out


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

    @property
    def is_demo(self) -> bool:
        """True when the data folder is the synthetic demo dataset."""
        return bool(self.index["demo"])

    @property
    def sources(self) -> dict[str, dict]:
        """Each source's status (``ok``, ``absent`` or ``empty``), input files with sha256, and tables.

        An ``empty`` source, and an ``ok`` one from which empty files were set aside, also
        carry ``empty_files`` (paths relative to the data folder) and ``problem`` (plain words).
        """
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
        # A shallow copy is a fresh table under pandas' copy-on-write (always on since pandas 3): a
        # caller's change copies what it changes, and the parsed table, shared by every borough a
        # worker forks, is never written.
        return read_table(self._table_paths[name]).copy(deep=False)

    def preload(self) -> None:
        """Read every table into this process's cache (a batch worker does, before it forks a borough)."""
        for path in self._table_paths.values():
            read_table(path)

    def last_month(self, table: str) -> str:
        """The latest ``month`` in a table: recorded in the index when the table was written, else read from it."""
        for entry in self.sources.values():
            if table in entry.get("last_months", {}):
                return entry["last_months"][table]
        return str(self.table(table)["month"].max())

    def source_of(self, table: str) -> str | None:
        """The source name that produced ``table``."""
        for name, entry in self.sources.items():
            if table in entry["tables"]:
                return name
        return None

    @cached_property
    def _table_paths(self) -> dict[str, str]:
        return {t: p for entry in self.sources.values() for t, p in entry["tables"].items()}


_TABLES: dict[tuple, pd.DataFrame] = {}


def read_table(path: str | Path) -> pd.DataFrame:
    """A store table, parsed once per process (callers copy it before changing it).

    Sections read the same tables several times, and a batch worker reads them once and
    forks every borough's kernel from itself. The cache is keyed by the file's path, size and
    modification time, so a table written again is read again.
    """
    import pandas as pd

    st = os.stat(path)
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _TABLES:
        for stale in [k for k in _TABLES if k[0] == key[0]]:
            del _TABLES[stale]
        _TABLES[key] = pd.read_parquet(path)
    return _TABLES[key]


def latest_period(store: Store) -> str:
    """The latest month the data covers: the last month of recorded crime, else of stop and search."""
    for table in ("crime", "stop_search", "asb"):
        if store.has(table):
            return store.last_month(table)
    _raise_missing(store)


def _raise_missing(store: Store):
    raise CoverageError(
        f"no dated data found in {store.index['data_dir']}: expected recorded crime, stop and search "
        "or ASB files laid out as docs/data.md describes"
    )
