"""The context one board pack is built in: which borough, which period, which data.

The template notebook opens a :class:`BoardPack` in its setup cell. Each section's compute
cell (tagged ``compute-<section>``) reads the store's canonical tables with :meth:`BoardPack.table`
and calls pure functions of :mod:`boardpack.metrics` through :meth:`BoardPack.compute`, which
skips a calculation the coverage rules say the data cannot support. The render cells hand the
results to :mod:`boardpack.sections`; the last cell saves the figures record.
"""

from __future__ import annotations

from pathlib import Path

from .coverage import for_borough
from .clock import build_date
from .coverage_cache import cached_section_coverage
from .errors import ConfigurationError, CoverageError
from .meta import META_MIMETYPE
from .periods import month_label, parse_month
from .registry import load_registry
from .report.charts import chart_data, figure_png
from .report.html import figure as figure_html
from .report.recorder import FiguresRecord
from .store import Store, latest_period, prepare_store, source_record


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
        # The run's coverage of the period, with the rules that depend on the borough applied.
        self.coverage = for_borough(cached_section_coverage(store, period), borough.gss_code, borough.name)
        self.record = FiguresRecord(
            {
                "borough": borough.name,
                "gss_code": borough.gss_code,
                "period_end": period,
                "data": "demo" if store.is_demo else "real",
                "built": build_date().isoformat(),  # SOURCE_DATE_EPOCH's day, else today
                "options": self.options,
                "inputs": {name: source_record(s) for name, s in store.sources.items()},
            }
        )
        self._figure_numbers: dict[str, int] = {}
        self.registry = load_registry()
        # The 32 boroughs, GSS code -> name in registry order: what the metrics that rank or sum
        # every borough are given (they never read the registry themselves).
        self.boroughs = {code: self.registry.by_code(code).name for code in self.registry.codes}

    @classmethod
    def open(
        cls,
        borough: str,
        period: str = "",
        data_dir: str = "",
        store_index: str = "",
        output_dir: str = ".",
        **options,
    ) -> BoardPack:
        """Open a pack for one borough.

        Parameters
        ----------
        borough : str
            Name, slug or GSS code.
        period : str
            "Data to" month ``YYYY-MM``; empty for the latest month the data covers.
        data_dir : str
            A data folder (real, or the generated demo dataset: the notebook's setup cell and the
            command line resolve an empty choice to it). Empty only with ``store_index``.
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
        ConfigurationError
            If neither ``data_dir`` nor ``store_index`` is given.
        """
        b = load_registry().get(borough)
        if not store_index:
            if not data_dir:
                raise ConfigurationError("no data folder and no prepared store: give data_dir or store_index "
                                         "(the template's setup cell uses the demo dataset when both are empty)")
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

    def table(self, name: str):
        """The store's canonical table ``name`` (a fresh copy), or None when the data folder has none.

        A missing table is not an error here: coverage already says which sections it costs,
        and :meth:`compute` does not call a function for a section the data does not cover.
        """
        return self.store.table(name) if self.store.has(name) else None

    def crime_mappings(self):
        """Every vintage's documented crime category mapping (``lib/boardpack/mappings/``), validated.

        The recorded crime metrics are handed this table (:func:`boardpack.loaders.mappings.crime_mappings`);
        they read no file themselves.
        """
        from .loaders.mappings import crime_mappings
        from .metrics.crime import MAPPABLE_ROWS

        return crime_mappings(MAPPABLE_ROWS)

    def police_and_crime_plan(self):
        """The Police and Crime Plan in force for the period and the borough's priorities under it.

        From ``params/local_priorities.yaml`` (:func:`boardpack.plan_config.plan_for`).
        """
        from .plan_config import plan_for

        return plan_for(self.period, self.borough.gss_code)

    def inputs(self, *parts: str) -> _Bundle:
        """What a compute cell reads, for the reader of the notebook: per section or part, the
        canonical tables and their files, the months the figures need, the data-to month, the
        method options, and whether the coverage rules let it be built (and why not).
        """
        rows = []
        for part in parts:
            cov = self._coverage_of(part)
            files = []
            for name in sorted({self.store.source_of(t) or t for t in cov.sources}):
                files += [f["path"] for f in self.store.sources.get(name, {}).get("files", [])]
            window = f"{cov.months_needed[0]} to {cov.months_needed[-1]}" if cov.months_needed else ""
            rows.append({"part": part, "available": cov.available, "tables": ", ".join(cov.sources),
                         "files": _files_summary(files), "window": window, "data_to": cov.data_to or "",
                         "reason": cov.reason})
        text = "\n".join(
            f"{r['part']}: {'available' if r['available'] else 'NOT AVAILABLE'}"
            + "".join(f"\n  {k}: {r[k]}" for k in ("tables", "files", "window", "data_to", "reason") if r.get(k))
            for r in rows) + f"\noptions: {self.options}"
        from .report.html import esc

        html = "".join(
            f"<p><strong>{esc(r['part'])}</strong>: {'available' if r['available'] else 'not available'}</p><ul>"
            + "".join(f"<li>{k}: {esc(r[k])}</li>"
                      for k in ("tables", "files", "window", "data_to", "reason") if r.get(k))
            + "</ul>" for r in rows) + f"<p>options: {esc(self.options)}</p>"
        return _Bundle({"text/plain": text, "text/html": html})

    def covers(self, part: str) -> bool:
        """Whether the coverage rules say the data supports section or part ``part`` for the period."""
        return self._coverage_of(part).available

    def _coverage_of(self, part: str):
        """The coverage of a section or part; an unknown name is an error that lists the known ones."""
        cov = self.coverage.get(part)
        if cov is None:
            raise ConfigurationError(f"unknown section or part {part!r}; the known ones are "
                                     f"{', '.join(sorted(self.coverage))}")
        return cov

    def compute(self, part: str, function, *args, **kwargs):
        """``function(*args, **kwargs)`` when the data covers ``part``, else :class:`NotAvailable`.

        Coverage owns every availability rule: when it says section (or part) ``part`` cannot be
        built for the period, the function is not called and the result is a :class:`NotAvailable`
        carrying the coverage's reason, which the render cell shows as the "not available" box.
        An input that is itself :class:`NotAvailable` passes through the same way. A
        :class:`~boardpack.errors.CoverageError` the function still raises is the safety net's
        business: it becomes a :class:`NotAvailable` with the error's words.

        Parameters
        ----------
        part : str
            A section id of ``coverage.SECTIONS`` or a part id of ``coverage.PARTS``; any other
            name raises :class:`~boardpack.errors.ConfigurationError` listing the known ones.
        function : callable
            A pure function of :mod:`boardpack.metrics`.
        *args, **kwargs
            Its arguments (canonical tables, the borough's code, the period, method choices).
        """
        cov = self._coverage_of(part)
        if not cov.available:
            return NotAvailable(part, cov.reason, from_coverage=True)
        for value in (*args, *kwargs.values()):
            if isinstance(value, NotAvailable):
                return value
        if any(value is None for value in args):
            return NotAvailable(part, "The data folder has no table for this figure.", from_coverage=False)
        try:
            return function(*args, **kwargs)
        except CoverageError as exc:
            return NotAvailable(part, str(exc), from_coverage=False)

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


class NotAvailable:
    """What a compute cell holds when the data cannot give a result: the part and the reason.

    ``from_coverage`` is False when the coverage rules passed the part but the calculation
    still found a gap (the safety net); the render cell then records it under ``gaps``.
    """

    def __init__(self, part: str, reason: str, from_coverage: bool = True):
        self.part = part
        self.reason = reason
        self.from_coverage = from_coverage

    def __repr__(self) -> str:
        return f"NotAvailable({self.part!r}: {self.reason})"

    def _repr_html_(self) -> str:
        from .report.html import esc

        return f"<p><strong>Not available</strong> ({esc(self.part)}): {esc(self.reason)}</p>"


class _Bundle:
    """Displays a MIME bundle as a cell output."""

    def __init__(self, data: dict):
        self.data = data

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.data


def _files_summary(paths: list[str]) -> str:
    """File paths, or the first and last with a count when there are many (monthly files)."""
    paths = sorted(set(paths))
    if len(paths) > 3:
        return f"{len(paths)} files ({paths[0]} … {paths[-1]})"
    return ", ".join(paths)


