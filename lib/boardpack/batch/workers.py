"""Running builds in worker processes, and stopping them cleanly.

papermill changes the working directory of its whole process, so boroughs are built in
processes, not threads. The workers run in process groups of their own and ignore SIGINT,
so a Ctrl-C reaches only the parent, which decides. Given a :class:`StopRequest` (the command
line installs one for SIGINT and SIGTERM), the parent starts no more boroughs and kills the
workers and the kernels they started.

Each worker is recorded in the run's folder as it starts, as are the borough processes and
kernels it starts (:mod:`boardpack.processes`); stopping signals those, and nothing else.
Native thread pools (BLAS, OpenMP) are kept at one thread in the workers and what they start: a
worker forks, and the boroughs run side by side on the cores already.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path

from ..errors import RunInterrupted, RunStoppedError
from ..log import get_logger, seconds
from ..paths import PACKAGE_DIR, project_env
from ..processes import record, stop_recorded
from ..start_method import START_ENV, current_start_method
from .build import abandoned_build, run_borough
from .jobs import BuildJob, BuildResult
from .plan import is_up_to_date, skipped_result

log = get_logger(__name__)


class StopRequest:
    """A SIGINT/SIGTERM handler that stops a run at a safe point.

    Install an instance with :func:`signal.signal`. While the build loop runs (``deferred``),
    the handler only records the signal and wakes the loop, which stops the workers itself;
    anywhere else it raises :class:`~boardpack.errors.RunInterrupted` at once (the store and the
    manifest are written through renames, so nothing there is left half-made). A second signal
    while the run is already stopping is ignored.
    """

    def __init__(self):
        self.signum: int | None = None
        self.deferred = False
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)

    def __call__(self, signum, frame=None) -> None:
        if self.signum is not None:
            return  # already stopping
        self.signum = signum
        try:
            os.write(self._write, b"!")
        except OSError:
            pass
        if not self.deferred:
            raise RunInterrupted(signum)

    def fileno(self) -> int:
        """Readable once a stop was requested (for :func:`multiprocessing.connection.wait`)."""
        return self._read

    def close(self) -> None:
        """Close the wake-up pipe."""
        for fd in (self._read, self._write):
            try:
                os.close(fd)
            except OSError:
                pass


def execute_jobs(jobs: list[BuildJob], workers: int, progress: bool = True, runtime_dir: Path | None = None,
                 stop: StopRequest | None = None, done: dict | None = None) -> list[BuildResult]:
    """Run jobs in worker processes with a progress bar; results in job order.

    Unchanged boroughs are settled here, so a run with nothing to build starts no worker. One
    borough's failure, or its worker dying, never stops the others; a failure of the machine
    (disk full, read-only disk) stops the run, since every other borough would fail the same way.

    Parameters
    ----------
    jobs : list of BuildJob
    workers : int
        At most this many worker processes.
    progress : bool
        Show the progress bar.
    runtime_dir : Path, optional
        The run's private folder: the kernels' connection files and sockets go there, and the
        records of every process the run starts.
    stop : StopRequest, optional
        Checked while waiting; once it holds a signal, no more boroughs start and the workers
        and their kernels are killed.
    done : dict, optional
        Filled with ``slug -> BuildResult`` as boroughs finish, so a caller still has them when
        the run is stopped.

    The workers start each borough's kernel by this process's start method
    (:func:`boardpack.start_method.current_start_method`), which they are given as ``$BOARDPACK_START_METHOD``.

    Raises
    ------
    RunInterrupted
        When ``stop`` received a signal (or on Ctrl-C without one).
    RunStoppedError
        When a borough failed because nothing can be written (disk full, read-only disk).
    """
    from tqdm import tqdm

    results: dict[str, BuildResult] = {} if done is None else done
    bar = tqdm(total=len(jobs), desc="Board packs", unit="borough", disable=not progress, dynamic_ncols=True)
    stale = []
    for job in jobs:
        if is_up_to_date(job):
            results[job.borough.slug] = skipped_result(job)
            bar.update()
        else:
            stale.append(job)
    log.info("%d of %d boroughs unchanged since their last build; %d to build", len(jobs) - len(stale), len(jobs),
             len(stale))
    if stale:
        size = min(max(workers, 1), len(stale))
        # With a borough per worker, no worker has imports to share between boroughs (see warm.py).
        pool = _WorkerPool(size, runtime_dir, lone=len(stale) <= size)
        try:
            pool.run(stale, results, stop, bar)
        finally:
            pool.close()
    bar.close()
    return [results[j.borough.slug] for j in jobs]


# Native thread pools a worker and its kernels keep at one thread (see the module's docstring).
ONE_THREAD = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
              "NUMEXPR_NUM_THREADS")


def interpreter_options() -> list[str]:
    """The options this Python was started with that change how a worker runs, from :data:`sys.flags`.

    Isolation, environment, user site, bytecode, optimisation, development and UTF-8 modes, and
    warning filters (``-W``); environment variables reach the worker anyway.
    """
    flags = sys.flags
    options = []
    if flags.isolated:
        options.append("-I")
    else:
        options += ["-E"] if flags.ignore_environment else []
        options += ["-s"] if flags.no_user_site else []
        options += ["-P"] if flags.safe_path else []
    options += ["-B"] if flags.dont_write_bytecode else []
    options += ["-" + "O" * flags.optimize] if flags.optimize else []
    options += ["-X", "dev"] if flags.dev_mode else []
    options += ["-X", "utf8"] if flags.utf8_mode == 1 else []
    options += [f"-W{option}" for option in sys.warnoptions]
    return options


def worker_env(runtime_dir: Path | None) -> dict[str, str]:
    """A worker's environment: this one, where to find the project and the run's folder, one-thread pools."""
    env = {**project_env(), **os.environ}  # kernels find the same params/ whatever their working directory
    env["PYTHONPATH"] = os.pathsep.join([str(PACKAGE_DIR.parent), *filter(None, [env.get("PYTHONPATH")])])
    if runtime_dir is not None:
        from .kernel import RUNTIME_ENV

        env[RUNTIME_ENV] = env["JUPYTER_RUNTIME_DIR"] = str(runtime_dir)
    env[START_ENV] = current_start_method()
    env.update(dict.fromkeys(ONE_THREAD, "1"))
    return env


class _Worker:
    """One worker process: its own process group, a socket for jobs and results, and a lifeline.

    The lifeline is a pipe whose end of file tells the worker the parent died, however it died:
    the worker then kills the borough it is building, with its kernels, and exits.
    """

    def __init__(self, runtime_dir: Path | None, lone: bool = False):
        ours, theirs = socket.socketpair()
        life_read, self._life = os.pipe()
        code = "import sys; from boardpack.batch.workers import worker_main; sys.exit(worker_main(sys.argv[1:]))"
        try:
            self.proc = subprocess.Popen(
                [sys.executable, *interpreter_options(), "-c", code,
                 str(theirs.fileno()), str(life_read), *(["--lone"] if lone else [])],
                pass_fds=(theirs.fileno(), life_read), stdin=subprocess.DEVNULL, env=worker_env(runtime_dir),
                cwd=str(runtime_dir) if runtime_dir is not None else None,
                process_group=0,  # a terminal's Ctrl-C goes to the parent alone
            )
        except BaseException:
            ours.close()
            os.close(self._life)
            raise
        finally:
            theirs.close()
            os.close(life_read)
        record(runtime_dir, self.proc.pid, "worker")
        from multiprocessing.connection import Connection

        self.conn = Connection(ours.detach())
        self.job: BuildJob | None = None

    def send(self, job: BuildJob | None) -> None:
        self.job = job
        self.conn.send(job)

    def finish(self) -> None:
        """Ask an idle worker to exit; kill it if it does not."""
        try:
            self.conn.send(None)
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
        self._close()

    def kill(self) -> None:
        """Kill the worker and its process group (the borough process it forked); the run stops the kernels."""
        if self.proc.poll() is None:  # not yet reaped, so its pid cannot belong to another process
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # it leads a group of its own (process_group=0)
            except ProcessLookupError:
                pass
        self.proc.wait()
        self._close()

    def _close(self) -> None:
        self.conn.close()
        if self._life is not None:
            os.close(self._life)
            self._life = None


class _WorkerPool:
    def __init__(self, size: int, runtime_dir: Path | None, lone: bool = False):
        self.size, self.lone = size, lone
        self.runtime_dir = runtime_dir
        self.workers: list[_Worker] = []
        self.clean = False
        self.started = dt.datetime.now(dt.UTC)

    def run(self, jobs: list[BuildJob], results: dict, stop: StopRequest | None, bar) -> None:
        from multiprocessing.connection import wait

        queue = deque(jobs)
        was_deferred = stop.deferred if stop is not None else False
        if stop is not None:
            stop.deferred = True
        try:
            while queue or any(w.job for w in self.workers):
                if stop is not None and stop.signum is not None:
                    raise RunInterrupted(stop.signum)
                while queue and (len(self.workers) < self.size or any(w.job is None for w in self.workers)):
                    idle = next((w for w in self.workers if w.job is None), None)
                    if idle is None:
                        idle = _Worker(self.runtime_dir, self.lone)
                        self.workers.append(idle)
                    job = queue.popleft()
                    log.info("%s: started", job.borough.name)
                    idle.send(job)
                busy = [w for w in self.workers if w.job is not None]
                for conn in wait([w.conn for w in busy] + ([stop] if stop is not None else [])):
                    worker = next((w for w in busy if w.conn is conn), None)
                    if worker is None:
                        continue  # the stop request: checked at the top of the loop
                    job = worker.job
                    try:
                        result = worker.conn.recv()
                    except (EOFError, OSError):
                        result = _worker_died(job, worker, self.started, self.runtime_dir)
                        self.workers.remove(worker)
                    worker.job = None
                    results[job.borough.slug] = result
                    _log_result(result)
                    bar.set_postfix_str(f"{job.borough.name}: {result.status}")
                    bar.update()
                    if result.stop_run:
                        raise RunStoppedError(result.error)
            self.clean = True
        finally:
            if stop is not None:
                stop.deferred = was_deferred

    def close(self) -> None:
        """Let idle workers exit after a clean run; otherwise kill every worker and kernel now."""
        for worker in self.workers:
            if self.clean and worker.job is None:
                worker.finish()
            else:
                worker.kill()
        self.workers = []


def _log_result(result: BuildResult) -> None:
    if result.status == "failed":
        log.info("%s: failed after %s: %s", result.borough, seconds(result.timings), result.error)
    else:
        log.info("%s: %s in %s", result.borough, result.status, seconds(result.timings))


def _worker_died(job: BuildJob, worker: _Worker, started: dt.datetime, runtime_dir: Path | None) -> BuildResult:
    try:
        code = worker.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        code = None
    worker.kill()
    return abandoned_build(job, started, code, "worker process", runtime_dir)


def worker_main(argv: list[str]) -> int:
    """A worker process: build the jobs the parent sends until it sends None or goes away.

    With the ``fork`` start method the worker imports the suite and reads the store once, and
    builds each borough in a child forked from itself (:mod:`boardpack.batch.warm`); with
    ``spawn`` it builds each borough itself and papermill starts a new kernel process for it.
    A worker started with ``--lone`` builds one borough: it forks without warming up first
    (:func:`boardpack.batch.warm.build_in_child`).

    The end of the lifeline (the parent died) is watched in the one thread there is: with the
    next job, and while a forked child builds. A ``spawn`` worker builds in this thread and
    never forks, so it watches from a second thread instead.
    """
    from multiprocessing.connection import Connection, wait

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when the run stops
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    conn, lifeline, lone = Connection(int(argv[0])), int(argv[1]), "--lone" in argv[2:]
    forking = current_start_method() == "fork"
    warmed = None
    if not forking:
        threading.Thread(target=_exit_with_parent, args=(lifeline,), daemon=True).start()
    while True:
        if forking and lifeline in wait([conn, lifeline]):
            _exit_with_parent(lifeline)
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return 0
        if job is None:
            return 0
        if forking:
            from .warm import build_in_child, warm_up

            store_index = job.parameters.get("store_index")
            if warmed != store_index and not lone:
                warm_up(store_index)
                warmed = store_index
            result = build_in_child(job, close_fds=(conn.fileno(), lifeline), lifeline=lifeline, warmed=not lone)
        else:
            _BUILDING[0] = job.borough.slug
            result = run_borough(job)
            _BUILDING[0] = None
        try:
            conn.send(result)
        except OSError:
            return 0


# The borough a ``spawn`` worker is building, for the thread that watches its lifeline.
_BUILDING: list[str | None] = [None]


def _exit_with_parent(lifeline: int) -> None:
    """Wait for the lifeline's end (the parent is gone), stop the borough being built, and exit."""
    while os.read(lifeline, 1):
        pass
    from .kernel import runtime_dir

    borough = _BUILDING[0]
    if borough is not None:
        stop_recorded(runtime_dir(), borough=borough)
    os._exit(0)


def stop_kernels(runtime_dir: Path) -> None:
    """Kill whatever the run recorded in its folder and is still running (belt and braces)."""
    stop_recorded(runtime_dir)
