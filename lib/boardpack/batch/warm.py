"""A warm worker: import the suite once, then build each borough in a process forked from it.

With the ``fork`` start method (:mod:`boardpack.start_method`), a batch worker imports
what every borough needs — ipykernel, pandas, matplotlib, seaborn, scipy, statsmodels, the
suite, papermill, nbconvert's exporter and WeasyPrint — and reads the store's tables, once.
Each borough is then built in a child forked from the worker (:func:`build_in_child`), and
that child forks the borough's kernel from itself before papermill starts
(:class:`boardpack.batch.kernel.WaitingKernel`). So every borough still executes in fresh processes
of its own — its state, crash or hang cannot reach another borough or the worker — but none
of them pays the imports again.

A worker with a single borough to build (a run of fewer boroughs than workers, as when an
analyst rebuilds one) has nothing to share: it forks at once, and the borough's kernel imports
what the notebook needs while the child imports papermill, the exporters and WeasyPrint.

The worker forks with no other thread running (:func:`boardpack.processes.fork` refuses
otherwise): while a child builds, the worker watches the child's result and its own line to the
run at once, in one thread. Each child and kernel is recorded in the run's folder as it starts
(:mod:`boardpack.processes`).
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import importlib
import os
import pickle
import select

from ..processes import close_quietly, fork, record, stop_recorded
from .build import abandoned_build, run_borough
from .jobs import BuildJob, BuildResult
from .kernel import WaitingKernel, runtime_dir

# What a borough's kernel needs: ipykernel and what the template's cells import, including the
# statistics the metrics import where they compute.
KERNEL_MODULES = (
    "ipykernel.kernelapp", "ipykernel.ipkernel",
    "boardpack.pack", "boardpack.sections", "boardpack.metrics", "boardpack.coverage", "boardpack.report.charts",
    "scipy.stats", "scipy.optimize", "statsmodels.stats.proportion",
)
# What the process that builds a borough needs besides: papermill, the exporters, WeasyPrint.
BUILD_MODULES = (
    "papermill", "nbclient", "boardpack.render.exporters", "boardpack.render.audit", "boardpack.render.pdf",
)
# What a warm worker imports before it forks.
WARM_MODULES = KERNEL_MODULES + BUILD_MODULES


def warm_up(store_index: str | None = None) -> None:
    """Import :data:`WARM_MODULES` and read the store's tables and the crime mappings once."""
    warm_kernel_side(store_index)
    warm_build_side()


def warm_build_side() -> None:
    """Import :data:`BUILD_MODULES` and make the exporters (their templates load once)."""
    for name in BUILD_MODULES:
        importlib.import_module(name)
    from ..render.audit import audit_exporter
    from .build import html_exporter

    html_exporter()
    audit_exporter()
    _freeze()


def warm_kernel_side(store_index: str | None = None) -> None:
    """Import :data:`KERNEL_MODULES`; read the registry, the crime mappings and the store's tables."""
    for name in KERNEL_MODULES:
        importlib.import_module(name)
    from ..loaders.mappings import crime_mappings
    from ..registry import load_registry

    load_registry()
    crime_mappings()
    if store_index:
        from ..store import Store

        Store(store_index).preload()
    _freeze()


def _freeze() -> None:
    # What was made so far lives as long as the process: the collector need not scan it again,
    # and in a forked child, scanning would write to (and so copy) every page it sits on.
    gc.collect()
    gc.freeze()


def build_in_child(job: BuildJob, close_fds=(), lifeline: int | None = None, warmed: bool = True) -> BuildResult:
    """Build one borough in a process forked from this one; its result comes back through a pipe.

    If the child dies before it reports (killed, or a crash in a native library), the borough
    fails with that reason and the worker goes on to the next one.

    Parameters
    ----------
    job : BuildJob
    close_fds : iterable of int
        Descriptors the child and the kernel must not keep (the worker's line to its parent).
    lifeline : int, optional
        The worker's line to the run, watched while the child builds: at its end of file the run
        is gone, and the worker kills the child and the borough's kernels and exits at once,
        without cleaning up or reporting (that would change the outputs after the run ended).
    warmed : bool
        Whether this process has called :func:`warm_up`. A worker with one borough to build does
        not: its child forks the kernel at once, and the kernel imports and reads what the
        notebook needs (:func:`warm_kernel_side`) while the child imports what building needs
        (:func:`warm_build_side`), on two cores at once.
    """
    started = dt.datetime.now(dt.UTC)
    read, write = os.pipe()
    pid = fork()
    if pid == 0:  # pragma: no cover - the child ends in os._exit, measured through the parent
        os.close(read)
        _child(job, write, close_fds, warmed)
    os.close(write)
    record(runtime_dir(), pid, "build", job.borough.slug)
    data = _result_or_exit(read, pid, lifeline, job.borough.slug)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    try:
        return pickle.loads(data)
    except Exception:  # nothing, or half a result: the child died
        return abandoned_build(job, started, code, "process", runtime_dir())


def _result_or_exit(read: int, child: int, lifeline: int | None, borough: str) -> bytes:
    """All the child writes to ``read``; if the ``lifeline`` ends first, stop the borough and exit."""
    chunks = []
    watched = [read] if lifeline is None else [read, lifeline]
    with os.fdopen(read, "rb", buffering=0) as pipe:
        while True:
            ready, _, _ = select.select(watched, [], [])
            if lifeline in ready:  # the run is gone (its end of the line closed)
                exit_with_run(child, borough)
            chunk = pipe.read(1 << 16)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def exit_with_run(child: int | None, borough: str | None) -> None:
    """The run is gone: kill the borough's process (``child``, not yet reaped) and its kernels, then exit."""
    import signal

    if child is not None:
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if borough is not None:
        stop_recorded(runtime_dir(), borough=borough)
    os._exit(0)


def _child(job: BuildJob, write: int, close_fds, warmed: bool) -> None:  # pragma: no cover - runs in the forked child
    code = 0
    kernel = None
    try:
        close_quietly(close_fds)
        prepare = None if warmed else functools.partial(warm_kernel_side, job.parameters.get("store_index"))
        # The kernel must not hold the result pipe: the worker reads to its end.
        kernel = WaitingKernel(close_fds=(write,), prepare=prepare)
        record(runtime_dir(), kernel.pid, "kernel", job.borough.slug)
        try:
            if not warmed:
                warm_build_side()
            result = run_borough(job, kernel=kernel)
        except Exception as exc:  # run_borough records a borough's failures; this is anything else
            result = BuildResult.for_job(job, "failed", error=f"{type(exc).__name__}: {exc}".strip()[:2000])
        if kernel.unused:  # the borough was up to date, or failed before papermill started its kernel
            kernel.discard()
        payload = pickle.dumps(result)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        # A kernel papermill failed to stop: this process started it (or papermill did, in this process).
        if kernel is not None:
            kernel.stop()
        stop_recorded(runtime_dir(), borough=job.borough.slug, roles={"kernel"})
        os._exit(code)
