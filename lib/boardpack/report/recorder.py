"""The record of every number printed in a pack, written as ``figures.json`` plus a CSV per table."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd


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
    """

    def __init__(self, header: dict):
        self.header = dict(header)
        self.sections: dict[str, dict] = {}
        self.tables: dict[str, pd.DataFrame] = {}
        self.charts: dict[str, dict] = {}

    def set(self, section: str, key: str, value) -> None:
        """Record ``value`` under ``figures[section][key]``."""
        self.sections.setdefault(section, {})[key] = jsonable(value)

    def add_table(self, table_id: str, df: pd.DataFrame) -> None:
        """Keep a table to be written as ``tables/<table_id>.csv``."""
        self.tables[table_id] = df.copy()

    def add_chart(self, fig_id: str, section: str, title: str, alt: str, data: list[dict]) -> None:
        """Record a chart's title, alt text and the data it draws."""
        self.charts[fig_id] = {"section": section, "title": title, "alt": alt, "data": jsonable(data)}

    def as_dict(self) -> dict:
        """The full ``figures.json`` document."""
        return {**jsonable(self.header), **self.sections, "charts": self.charts, "tables": sorted(self.tables)}

    def write(self, output_dir: str | Path) -> Path:
        """Write ``figures.json`` and ``tables/*.csv`` into ``output_dir``; return the JSON path."""
        out = Path(output_dir)
        (out / "tables").mkdir(parents=True, exist_ok=True)
        for table_id, df in self.tables.items():
            df.to_csv(out / "tables" / f"{table_id}.csv", index=False)
        path = out / "figures.json"
        path.write_text(json.dumps(self.as_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
        return path
