"""The record of every number printed in a pack, written as ``figures.json`` plus a CSV per table."""

from __future__ import annotations

import contextlib
import math
from pathlib import Path

import numpy as np
import pandas as pd

from ..atomic import write_json_atomic


def jsonable(value):
    """Convert numpy/pandas scalars and containers to plain JSON values (NaN -> None)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return jsonable(value.to_dict(orient="records"))
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if value is pd.NA or value is pd.NaT:
        return None
    return value


class FiguresRecord:
    """Numbers, tables and chart data collected while a pack is built.

    Sections call :meth:`set` with the numbers they print, :meth:`add_table` with each table,
    and :meth:`add_chart` with what each chart draws; :meth:`write` saves them all.

    Provenance: while a render call runs inside :meth:`cell`, everything it records is traced to
    the notebook cell (by tag) that computed it. ``figures.json`` then carries
    ``<section>.cells`` (each recorded key -> tag), ``charts.<fig>.cell`` and ``table_cells``
    (each table id -> tag).
    """

    def __init__(self, header: dict):
        self.header = dict(header)
        self.sections: dict[str, dict] = {}
        self.tables: dict[str, pd.DataFrame] = {}
        self.charts: dict[str, dict] = {}
        self.cells: dict[str, dict[str, str]] = {}
        self.table_cells: dict[str, str] = {}
        self.current_cell: str | None = None

    @contextlib.contextmanager
    def cell(self, tag: str | None):
        """Trace what is recorded inside the ``with`` block to the notebook cell tagged ``tag``."""
        before, self.current_cell = self.current_cell, tag or self.current_cell
        try:
            yield
        finally:
            self.current_cell = before

    def set(self, section: str, key: str, value) -> None:
        """Record ``value`` under ``figures[section][key]``."""
        self.sections.setdefault(section, {})[key] = jsonable(value)
        if self.current_cell:
            self.cells.setdefault(section, {})[key] = self.current_cell

    def add_table(self, table_id: str, df: pd.DataFrame) -> None:
        """Keep a table to be written as ``tables/<table_id>.csv``."""
        self.tables[table_id] = df.copy()
        if self.current_cell:
            self.table_cells[table_id] = self.current_cell

    def add_chart(self, fig_id: str, section: str, title: str, alt: str, data: list[dict]) -> None:
        """Record a chart's title, alt text and the data it draws."""
        self.charts[fig_id] = {"section": section, "title": title, "alt": alt, "data": jsonable(data)}
        if self.current_cell:
            self.charts[fig_id]["cell"] = self.current_cell

    def cell_of(self, section: str, key: str) -> str | None:
        """The tag of the notebook cell that computed ``figures[section][key]``."""
        return self.cells.get(section, {}).get(key)

    def as_dict(self) -> dict:
        """The full ``figures.json`` document."""
        sections = {name: {**values, "cells": dict(self.cells[name])} if name in self.cells else values
                    for name, values in self.sections.items()}
        return {**jsonable(self.header), **sections, "charts": self.charts, "tables": sorted(self.tables),
                "table_cells": dict(sorted(self.table_cells.items())),
                "table_schemas": {t: table_schema(df) for t, df in sorted(self.tables.items())}}

    def write(self, output_dir: str | Path) -> Path:
        """Write ``figures.json`` and ``tables/*.csv`` into ``output_dir``; return the JSON path."""
        out = Path(output_dir)
        (out / "tables").mkdir(parents=True, exist_ok=True)
        for table_id, df in self.tables.items():
            df.to_csv(out / "tables" / f"{table_id}.csv", index=False)
        path = out / "figures.json"
        write_json_atomic(path, self.as_dict())
        return path


def table_schema(df: pd.DataFrame) -> list[dict]:
    """The Table Schema fields of a table as ``tables/<id>.csv`` writes it: each column's name and type.

    Integer columns (nullable ones too) are ``integer``, floats ``number``, booleans ``boolean``,
    anything else ``string``; a missing value is written as an empty cell.
    """
    fields = []
    for name, dtype in df.dtypes.items():
        kind = getattr(dtype, "kind", "O")
        kind = "integer" if kind in "iu" else "number" if kind == "f" else "boolean" if kind == "b" else "string"
        fields.append({"name": str(name), "type": kind})
    return fields
