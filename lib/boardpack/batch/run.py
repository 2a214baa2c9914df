"""A whole run: prepare the data once, plan the boroughs, build them in workers, record the run.

:func:`run_all` only calls steps. Stopping: given a :class:`~.workers.StopRequest` (the command
line installs one for SIGINT and SIGTERM), the run starts no more boroughs, kills the workers
and the kernels they started, removes the half-made build folders, records in the manifest
exactly the boroughs that were finished, and raises :class:`~boardpack.errors.RunInterrupted`.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
from pathlib import Path

from ..errors import RunInterrupted, RunStoppedError
from ..log import get_logger
from ..paths import NOTEBOOK, OUTPUTS_DIR
from ..periods import check_month, month_label
from ..publish import RunFolder, recover
from ..registry import project_file
from ..side_lane import two_lanes
from ..start_method import chosen
from ..store import Store, latest_period, prepare_store
from .jobs import BuildJob, BuildResult
from .plan import plan_jobs, select_boroughs, settled_on_disk
from .record import RunReport, interrupted_by, record_run
from .workers import StopRequest, execute_jobs, stop_kernels

log = get_logger(__name__)


def run_all(boroughs: list[str] | None = None, period: str = "", data_dir: str | Path | None = None,
            output_dir: str | Path | None = None, jobs: int = 0, force: bool = False,
            progress: bool = True, overrides: dict | None = None, template: str | Path | None = None,
            stop: StopRequest | None = None, start_method: str | None = None) -> RunReport:
    """Build the packs of the chosen boroughs for one period.

    Parameters
    ----------
    boroughs : list of str, optional
        Names or slugs; all 32 by default.
    period : str
        "Data to" month ``YYYY-MM``; the latest month the data covers by default.
    data_dir : str or Path
        The data folder, laid out as docs/data.md describes: real downloads, or the demo
        dataset (:func:`boardpack.demo.ensure_demo_data` makes it; the command line passes it
        when ``--data-dir`` is left out). Required.
    output_dir : str or Path, optional
        Root of the outputs (``outputs/`` by default).
    jobs : int
        Worker processes; 0 means one per core.
    force : bool
        Rebuild boroughs whose inputs have not changed.
    progress : bool
        Show the progress bar.
    overrides : dict, optional
        Notebook parameters to override for every borough (e.g. ``census_fold``).
    template : str or Path, optional
        Another template notebook with the same parameters (``notebooks/board_pack.ipynb`` by
        default); :func:`boardpack.template.check_template` checks one.
    stop : StopRequest, optional
        The signal handler the caller installed; the run stops cleanly when it fires.
    start_method : {"fork", "spawn"}, optional
        How each borough's kernel starts (:mod:`boardpack.batch.warm`), settled for the run
        (:func:`boardpack.start_method.chosen`); by default the one already chosen in this
        process, else ``$BOARDPACK_START_METHOD``, else ``fork`` on Linux and ``spawn`` elsewhere.

    Returns
    -------
    RunReport

    Raises
    ------
    TypeError
        When no data folder is given.
    RunInterrupted
        On SIGINT/SIGTERM (through ``stop``) or Ctrl-C: its ``report`` holds the boroughs
        finished before the stop, which the manifest records; the others keep their previous
        packs and manifest entries; nothing half-made is published.
    RunStoppedError
        When packs cannot be written at all (disk full, read-only disk); finished boroughs are
        recorded as for an interruption.
    OutputsBusyError
        When another run is building into the same output folder.
    ConfigurationError
        For a start method other than ``fork`` or ``spawn`` (or ``fork`` where the system cannot fork).
    """
    with chosen(start_method):
        return _run(boroughs, period, data_dir, output_dir, jobs, force, progress, overrides, template, stop)


def _run(boroughs, period, data_dir, output_dir, jobs, force, progress, overrides, template, stop) -> RunReport:
    started = time.perf_counter()
    data_path = _data_folder(data_dir)
    selected = select_boroughs(boroughs)
    store = prepare_data(data_path)
    period = period or latest_period(store)
    check_month(period)
    coverage = run_coverage(store, period)  # refuses a period no section covers; every notebook reuses it
    output_root = Path(output_dir or OUTPUTS_DIR).resolve()
    output_root.mkdir(parents=True, exist_ok=True)
    period_dir = output_root / period
    if stop is not None:  # from here on a signal is handled at safe points, never mid-step
        stop.deferred = True
    with RunFolder(output_root) as runtime:  # one run per output folder; removes a killed run's leftovers
        tidy_after_killed_run(runtime, period_dir)
        template_path = Path(template).resolve() if template else project_file(NOTEBOOK)
        plan = plan_jobs(selected, period, store.index_path, store, str(data_path), output_root, force, overrides,
                         template_path)
        workers = min(len(plan), jobs or os.cpu_count() or 1)

        def record(report: RunReport) -> None:
            record_run(report, store, data_path, workers, force, coverage, template_path)

        done: dict[str, BuildResult] = {}
        began = dt.datetime.now(dt.UTC)
        try:
            results = execute_jobs(plan, workers, progress, runtime.path, stop, done)
        except (KeyboardInterrupt, RunStoppedError) as exc:
            # The workers and their kernels are dead: no borough can change any more.
            stop_kernels(runtime.path)
            recover(period_dir)  # half-made build folders go; a pack renamed aside comes back
            report = stopped_report(exc, plan, done, began, period, period_dir, time.perf_counter() - started)
            record_stopped_run(report, exc, record)
        finally:
            stop_kernels(runtime.path)
        report = RunReport(period, period_dir, results, round(time.perf_counter() - started, 3))
        record(report)
    if stop is not None and stop.signum is not None:  # asked to stop as the last borough finished
        report.stopped = interrupted_by(stop.signum)
        raise RunInterrupted(stop.signum, report)
    return report


def _data_folder(data_dir: str | Path | None) -> Path:
    if data_dir is None or str(data_dir) == "":
        raise TypeError("run_all() needs data_dir, the folder of data to build from — pass a real data folder, or "
                        "boardpack.demo.ensure_demo_data() for the demo data (as run_all.py does without --data-dir)")
    return Path(data_dir).resolve()


# The source whose files take longest to load (one per month, every record placed in a borough
# polygon): under the ``fork`` start method it is loaded in a forked child beside the others.
SLOW_SOURCE = "stop_search"


def prepare_data(data_path: Path) -> Store:
    """Parse and validate the data folder into the store, once for the run (:data:`SLOW_SOURCE` beside the rest)."""
    log.info("preparing the data store from %s", data_path)
    start = time.perf_counter()
    store = Store(prepare_store(data_path, load=two_lanes(SLOW_SOURCE)))
    status = {}
    for name, source in sorted(store.sources.items()):
        status.setdefault(source.get("status", "ok"), []).append(name)
    log.info("store ready in %.1f s (%s data): %s", time.perf_counter() - start, "demo" if store.is_demo else "real",
             "; ".join(f"{state}: {', '.join(names)}" for state, names in sorted(status.items())))
    return store


def run_coverage(store: Store, period: str) -> dict:
    """Which sections the data covers for the period (worked out once, cached beside the store)."""
    from ..coverage_cache import cached_section_coverage

    coverage = cached_section_coverage(store, period)
    missing = {name: c for name, c in coverage.items() if not c.available}
    log.info("coverage, data to %s: %d of %d sections available", month_label(period),
             len(coverage) - len(missing), len(coverage))
    for name, c in missing.items():
        log.info("section %s not available: %s", name, c.reason)
    return coverage


def tidy_after_killed_run(runtime: RunFolder, period_dir: Path) -> None:
    """Put back packs caught mid-swap and remove build folders left by a run killed outright."""
    restored = recover(period_dir)
    if runtime.stale:
        log.warning("removed what an earlier run killed outright left behind (%s)",
                    ", ".join(p.name for p in runtime.stale))
    if restored:
        log.warning("put back %d pack(s) an earlier run left mid-swap: %s", len(restored),
                    ", ".join(p.name for p in restored))


def stopped_report(exc: BaseException, plan: list[BuildJob], done: dict[str, BuildResult], began: dt.datetime,
                   period: str, period_dir: Path, elapsed: float) -> RunReport:
    """The report of a run stopped by a signal or a failure of the machine: the boroughs it finished.

    A worker may have published its pack just before it was killed: such a borough counts as built.
    """
    for job in plan:
        if job.borough.slug not in done:
            published = settled_on_disk(job, began)
            if published is not None:
                done[job.borough.slug] = published
    if isinstance(exc, KeyboardInterrupt):
        why = interrupted_by(getattr(exc, "signum", signal.SIGINT))
    else:
        why = f"stopped: {exc}"
    return RunReport(period, period_dir, [done[j.borough.slug] for j in plan if j.borough.slug in done],
                     round(elapsed, 3), not_done=[j.borough.slug for j in plan if j.borough.slug not in done],
                     stopped=why)


def record_stopped_run(report: RunReport, exc: BaseException, record) -> None:
    """Record a stopped run, then raise what stopped it (:class:`RunInterrupted` carries the report)."""
    signum = getattr(exc, "signum", signal.SIGINT) if isinstance(exc, KeyboardInterrupt) else None
    try:
        record(report)
    except OSError:
        if signum is None:
            raise exc from None  # the disk is full: the first error says so
        raise
    if signum is None:
        raise exc
    raise RunInterrupted(signum, report) from None
