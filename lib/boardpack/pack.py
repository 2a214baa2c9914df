"""The context one board pack is built in: which borough, which period, which data.

The template notebook opens a :class:`BoardPack` in its setup cell and hands it to each
section builder in :mod:`boardpack.sections`; the last cell saves the figures record.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .coverage import cached_section_coverage
from .meta import META_MIMETYPE
from .periods import month_label, parse_month
from .registry import load_registry
from .report.charts import chart_data, figure_png
from .report.html import figure as figure_html
from .report.recorder import FiguresRecord
from .store import Store, prepare_store, source_record



class BoardPack:
    """Everything a section needs: borough, period, store, coverage and the figures record.

    Use :meth:`open` rather than the constructor.
    """

    def __init__(self, borough, period: str, store: Store, output_dir: Path, options: dict):
        self.borough = borough
        self.period = period
        self.store = store
        self.output_dir = Path(output_dir)
        self.options = dict(options)
        self.coverage = cached_section_coverage(store, period)
        self.record = FiguresRecord(
            {
                "borough": borough.name,
                "gss_code": borough.gss_code,
                "period_end": period,
                "data": "demo" if store.is_demo else "real",
                "built": dt.date.today().isoformat(),
                "options": self.options,
                "inputs": {name: source_record(s) for name, s in store.sources.items()},
            }
        )
        self._figure_numbers: dict[str, int] = {}
        self._computed: dict[str, object] = {}

    @classmethod
    def open(
        cls,
        borough: str,
        period: str = "",
        data_dir: str = "",
        store_index: str = "",
        output_dir: str = ".",
        **options,
    ) -> "BoardPack":
        """Open a pack for one borough.

        Parameters
        ----------
        borough : str
            Name, slug or GSS code.
        period : str
            "Data to" month ``YYYY-MM``; empty for the latest month the data covers.
        data_dir : str
            A real data folder; empty for the generated demo dataset.
        store_index : str
            An index from :func:`boardpack.store.prepare_store` (batch runs prepare it once
            for all boroughs); empty to prepare the store here.
        output_dir : str
            Where ``figures.json`` and the table CSVs are written.
        **options
            Method choices recorded in the pack (``census_fold``, ``crime_vintage``).

        Raises
        ------
        UnknownBoroughError, BoardPackError, DataValidationError
        """
        b = load_registry().get(borough)
        if not store_index:
            if not data_dir:
                from .demo import ensure_demo_data

                data_dir = ensure_demo_data()
            store_index = prepare_store(data_dir)
        store = Store(store_index)
        period = period or latest_period(store)
        parse_month(period)
        return cls(b, period, store, Path(output_dir), options)

    @property
    def period_label(self) -> str:
        """``"February 2019"``."""
        return month_label(self.period)

    @property
    def is_demo(self) -> bool:
        """True when the pack is built from the synthetic demo dataset."""
        return self.store.is_demo

    def cover(self):
        """The metadata the renderer builds the cover, contents and running header from."""
        meta = {
            "borough": self.borough.name,
            "gss_code": self.borough.gss_code,
            "period": self.period,
            "period_label": self.period_label,
            "built": self.record.header["built"],
            "demo": self.is_demo,
            "audit": self.audit_facts(),
        }
        text = f"{self.borough.name} Safer Neighbourhood Board performance summary, data to {self.period_label}"
        if self.is_demo:
            text += " (DEMO DATA – NOT OFFICIAL STATISTICS)"
        return _Bundle({META_MIMETYPE: meta, "text/plain": text})

    def audit_facts(self) -> dict:
        """What the audit edition's header states: options, each input file's sha256, versions, commit.

        Inputs are identified by their path inside the data folder and their sha256, never by
        an absolute path of the build machine.
        """
        from .provenance import git_commit, package_versions

        return {
            "options": dict(self.options),
            "inputs": {name: source_record(s) for name, s in self.store.sources.items()},
            "boardpack_version": package_versions().get("boardpack"),
            "git_commit": git_commit(),
            "coverage": {k: {"available": c.available, "reason": c.reason} for k, c in self.coverage.items()},
        }

    def computed(self, key: str, make):
        """The result of ``make()``, worked out once per pack and shared by the cells that need it."""
        if key not in self._computed:
            self._computed[key] = make()
        return self._computed[key]

    def figure(self, fig_id: str, section: str, fig, title: str, alt: str, source: str) -> str:
        """Render a chart to embedded HTML and record its title, alt text and drawn data."""
        number = self._figure_numbers.setdefault(fig_id, len(self._figure_numbers) + 1)
        caption = f"Figure {number}: {title}"
        self.record.add_chart(fig_id, section, caption, alt, chart_data(fig))
        return figure_html(figure_png(fig), alt, caption, source, fig_id)

    def table_caption(self, table_id: str, title: str) -> str:
        """A numbered caption in the same sequence as the charts."""
        number = self._figure_numbers.setdefault(table_id, len(self._figure_numbers) + 1)
        return f"Figure {number}: {title}"

    def save(self):
        """Write ``figures.json`` and the table CSVs into the output folder."""
        path = self.record.write(self.output_dir)
        return _Bundle({"text/plain": f"Figures recorded in {path}"})


class _Bundle:
    """Displays a MIME bundle as a cell output."""

    def __init__(self, data: dict):
        self.data = data

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.data


def latest_period(store: Store) -> str:
    """The latest month the data covers: the last month of recorded crime, else of stop and search."""
    for table in ("crime", "stop_search", "asb"):
        if store.has(table):
            return str(store.table(table)["month"].max())
    _raise_missing(store)


def _raise_missing(store: Store):
    from .errors import CoverageError

    raise CoverageError(
        f"no dated data found in {store.index['data_dir']}: expected recorded crime, stop and search "
        "or ASB files laid out as docs/data.md describes"
    )
