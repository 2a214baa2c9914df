"""Build board packs for many boroughs: execute the template, render, publish, record.

:func:`run_borough` is the per-borough orchestrator and only calls steps; :func:`run_all`
prepares the data once, fans boroughs out to worker processes (papermill changes the
working directory of its whole process, so threads would trample each other) and writes
the manifest and index.

Stopping: the workers run in process groups of their own and ignore SIGINT, so a Ctrl-C
reaches only the parent, which decides. Given a :class:`StopRequest` (the command line
installs one for SIGINT and SIGTERM), the parent starts no more boroughs, kills the workers
and the kernels they started, removes the half-made build folders, records in the manifest
exactly the boroughs that were finished, and raises :class:`~boardpack.errors.RunInterrupted`.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import RunInterrupted, RunStoppedError
from .hashing import file_sha256, text_sha256, tree_sha256
from .manifest import build_manifest, write_index_html, write_json_atomic
from .paths import NOTEBOOK, OUTPUTS_DIR, PACKAGE_DIR, PARAMS_DIR
from .periods import month_label
from .publish import RunFolder, keep_file, make_build_dir, publish_dir, recover
from .registry import Borough, load_registry
from .store import Store, prepare_store

# Errors of the machine rather than of one borough: every other borough would fail the same way.
FATAL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}

NOTEBOOK_NAME = "board_pack.ipynb"
OUTPUT_FILES = ("board_pack.ipynb", "board_pack.html", "board_pack.pdf", "figures.json")
STAMP = "build.json"


@dataclass
class BuildJob:
    """Everything one worker needs to build one borough."""

    borough: Borough
    period: str
    parameters: dict
    output_dir: Path
    input_key: str
    force: bool = False
    template: Path = NOTEBOOK


@dataclass
class BuildResult:
    """What happened to one borough."""

    borough: str
    slug: str
    gss_code: str
    status: str  # built | skipped | failed
    output_dir: str
    parameters: dict
    error: str | None = None
    failing_cell: dict | None = None
    timings: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    stop_run: bool = False  # the failure is the machine's (disk full, read-only): stop the run

    def as_dict(self) -> dict:
        """The result as plain JSON-ready values, for the manifest."""
        doc = asdict(self)
        doc.pop("stop_run")
        return doc


def load_defaults(path: Path | None = None) -> dict:
    """``params/defaults.yaml``: run defaults and the notebook's default parameters."""
    return yaml.safe_load((path or PARAMS_DIR / "defaults.yaml").read_text(encoding="utf-8"))


def notebook_parameters(defaults: dict, borough: Borough, period: str, data_dir: str, store_index: str,
                        output_dir: str, overrides: dict | None = None) -> dict:
    """The parameters one borough's notebook is run with: ``{**defaults, **borough}``."""
    per_borough = {"borough": borough.name, "period": period, "data_dir": data_dir,
                   "store_index": store_index, "output_dir": output_dir}
    return {**defaults.get("notebook", {}), **(overrides or {}), **per_borough}


def code_key(template: Path = NOTEBOOK) -> str:
    """A hash of everything that shapes a pack besides its data: template, lib code, params."""
    return text_sha256(file_sha256(template), tree_sha256(PACKAGE_DIR), tree_sha256(PARAMS_DIR))


def job_key(code: str, store: Store, parameters: dict) -> str:
    """The incremental-build key of one borough: code, data hashes and its parameters."""
    data = [f"{n}:{f['path']}:{f['sha256']}" for n, s in sorted(store.sources.items()) for f in s["files"]]
    stable = {k: v for k, v in parameters.items() if k not in ("output_dir", "store_index")}
    return text_sha256(code, *data, json.dumps(stable, sort_keys=True))


def is_up_to_date(job: BuildJob) -> bool:
    """Whether the borough's last good build used the same inputs (template, lib, params, data, period)."""
    stamp = job.output_dir / STAMP
    if job.force or not stamp.is_file():
        return False
    try:
        doc = json.loads(stamp.read_text(encoding="utf-8"))
    except ValueError:
        return False
    return doc.get("input_key") == job.input_key and all((job.output_dir / f).is_file() for f in OUTPUT_FILES)


def execute_template(job: BuildJob, build_dir: Path) -> Path:
    """Run the template notebook with papermill in a fresh kernel, inside ``build_dir``."""
    import papermill as pm

    from .kernel import LocalKernelManager

    out = build_dir / NOTEBOOK_NAME
    params = {**job.parameters, "output_dir": str(build_dir)}
    pm.execute_notebook(
        str(job.template), str(out), parameters=params, kernel_name="python3", cwd=str(build_dir),
        progress_bar=False, log_output=False, request_save_on_cell_execute=False,
        kernel_manager_class=LocalKernelManager,
        # nbclient interrupts the kernel as it shuts it down, which ipykernel logs as an error on
        # our stderr; real failures reach the notebook and the manifest as cell errors instead.
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )
    return out


@lru_cache(maxsize=1)
def _html_exporter():
    # Building the exporter loads its Jinja templates; a worker process reuses one for every borough.
    from .render.exporters import BoardPackHTMLExporter

    return BoardPackHTMLExporter()


def render_html(notebook: Path) -> str:
    """The HTML twin, through the board-pack nbconvert exporter."""
    html, _ = _html_exporter().from_filename(str(notebook), resources={"metadata": {"path": str(notebook.parent)}})
    (notebook.parent / "board_pack.html").write_text(html, encoding="utf-8")
    return html


def render_pdf(html: str, build_dir: Path) -> Path:
    """The A4 tagged PDF from the HTML twin (the same path ``--to boardpack_pdf`` takes)."""
    from .render.pdf import html_to_pdf

    path = build_dir / "board_pack.pdf"
    path.write_bytes(html_to_pdf(html, build_dir=build_dir))
    return path


def write_stamp(job: BuildJob, build_dir: Path) -> dict:
    """Hash the outputs and write the incremental-build stamp; return the file hashes."""
    files = {name: file_sha256(build_dir / name) for name in OUTPUT_FILES}
    for csv in sorted((build_dir / "tables").glob("*.csv")):
        files[f"tables/{csv.name}"] = file_sha256(csv)
    doc = {"input_key": job.input_key, "files": files, "built": dt.datetime.now(dt.timezone.utc).isoformat()}
    (build_dir / STAMP).write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return files


def skipped_result(job: BuildJob) -> BuildResult:
    """The result of a borough left as it is because nothing it depends on changed."""
    files = json.loads((job.output_dir / STAMP).read_text(encoding="utf-8"))["files"]
    return BuildResult(job.borough.name, job.borough.slug, job.borough.gss_code, "skipped",
                       str(job.output_dir), job.parameters, files=files)


def run_borough(job: BuildJob) -> BuildResult:
    """Build one borough: skip if unchanged, else execute, render, publish and record."""
    if is_up_to_date(job):
        return skipped_result(job)
    result = BuildResult(job.borough.name, job.borough.slug, job.borough.gss_code, "built",
                         str(job.output_dir), job.parameters)
    build_dir = make_build_dir(job.output_dir)
    clock = _Clock(result.timings)
    try:
        with clock("execute"):
            notebook = execute_template(job, build_dir)
        with clock("html"):
            html = render_html(notebook)
        with clock("pdf"):
            render_pdf(html, build_dir)
        result.files = write_stamp(job, build_dir)
        publish_dir(build_dir, job.output_dir)
    except Exception as exc:  # one borough's failure must not stop the others
        _record_failure(result, exc, build_dir, job.output_dir)
    finally:
        result.timings["total"] = round(sum(result.timings.values()), 3)
        if build_dir.exists():
            import shutil

            shutil.rmtree(build_dir, ignore_errors=True)
    return result


def describe_os_error(exc: OSError, path=None) -> str:
    """One plain line for an OS error: ``<path>: <what went wrong> — <what to do>``."""
    where = str(path or exc.filename or "")
    if exc.filename2:
        where = f"{exc.filename} -> {exc.filename2}"
    return f"{where}: {os_problem(exc)}" if where else os_problem(exc)


def os_problem(exc: OSError) -> str:
    """What went wrong and what to do, for an OS error, without the path."""
    what, todo = _OS_ADVICE.get(exc.errno, (exc.strerror or str(exc) or type(exc).__name__,
                                            "check the path and that you can write there, then run again"))
    return f"{what} — {todo}"


_OS_ADVICE = {
    errno.ENOSPC: ("the disk is full (no space left on device)",
                   "free some space, or choose an --output-dir on another disk, and run again"),
    errno.EDQUOT: ("your disk quota is used up", "free some space, or choose an --output-dir on another disk"),
    errno.EROFS: ("the disk is read-only", "choose an --output-dir on a disk you can write to"),
    errno.EACCES: ("permission denied", "choose a folder you can write to, or ask for write access to this one"),
    errno.EPERM: ("the operation is not permitted", "choose a folder you can write to"),
    errno.ENOENT: ("no such file or folder", "check the path exists, then run again"),
    errno.ENOTDIR: ("part of this path is a file, not a folder", "check the path, then run again"),
    errno.EISDIR: ("this is a folder where a file was expected", "check the path, then run again"),
    errno.EEXIST: ("something already exists at this path", "move it away or choose another path"),
    errno.EMFILE: ("too many files are open", "use fewer --jobs, then run again"),
    errno.ENOMEM: ("the machine ran out of memory", "use fewer --jobs, then run again"),
}


def _record_failure(result: BuildResult, exc: Exception, build_dir: Path, final_dir: Path) -> None:
    result.status = "failed"
    result.error = f"{type(exc).__name__}: {exc}".strip()[:2000]
    if isinstance(exc, OSError):
        result.error = describe_os_error(exc)
        result.stop_run = exc.errno in FATAL_ERRNOS
    cell = getattr(exc, "cell_index", None)
    if cell is not None:
        result.failing_cell = {
            "cell_index": cell, "execution_count": getattr(exc, "exec_count", None),
            "source": getattr(exc, "source", None), "ename": getattr(exc, "ename", None),
            "evalue": getattr(exc, "evalue", None),
        }
        result.error = f"{exc.ename}: {exc.evalue}"
    failed_nb = build_dir / NOTEBOOK_NAME
    if failed_nb.is_file() and not result.stop_run:  # papermill saved the notebook up to the failing cell
        try:
            keep_file(failed_nb, final_dir, "board_pack.failed.ipynb")
            result.files = {"board_pack.failed.ipynb": file_sha256(final_dir / "board_pack.failed.ipynb")}
        except OSError:  # the record of the failure must not hide the failure itself
            pass


class _Clock:
    def __init__(self, into: dict):
        self.into = into

    def __call__(self, name: str):
        clock = self

        class _Timer:
            def __enter__(self):
                self.t = time.perf_counter()

            def __exit__(self, *exc):
                clock.into[name] = round(time.perf_counter() - self.t, 3)
                return False

        return _Timer()


def select_boroughs(names: list[str] | None) -> list[Borough]:
    """Boroughs by name or slug (all 32 when ``names`` is empty), in registry order, no repeats."""
    registry = load_registry()
    if not names:
        return list(registry.boroughs)
    wanted = {registry.get(n).gss_code for n in names}
    return [b for b in registry.boroughs if b.gss_code in wanted]


def plan_jobs(boroughs: list[Borough], period: str, store_index: Path, store: Store, data_dir: str,
              output_root: Path, force: bool, overrides: dict | None = None,
              template: Path = NOTEBOOK) -> list[BuildJob]:
    """One :class:`BuildJob` per borough."""
    defaults = load_defaults()
    code = code_key(template)
    jobs = []
    for b in boroughs:
        out = output_root / period / b.slug
        params = notebook_parameters(defaults, b, period, data_dir, str(store_index), str(out), overrides)
        jobs.append(BuildJob(b, period, params, out, job_key(code, store, params), force, template))
    return jobs


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
        The run's private folder: the kernels' connection files and sockets go there.
    stop : StopRequest, optional
        Checked while waiting; once it holds a signal, no more boroughs start and the workers
        and their kernels are killed.
    done : dict, optional
        Filled with ``slug -> BuildResult`` as boroughs finish, so a caller still has them when
        the run is stopped.

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
    if stale:
        pool = _WorkerPool(min(max(workers, 1), len(stale)), runtime_dir)
        try:
            pool.run(stale, results, stop, bar)
        finally:
            pool.close()
    bar.close()
    return [results[j.borough.slug] for j in jobs]


class _Worker:
    """One worker process: its own process group, a socket for jobs and results, and a lifeline.

    The lifeline is a pipe the worker reads from a thread: it closes when the parent dies,
    however it dies, and the worker then kills its kernels and exits.
    """

    def __init__(self, runtime_dir: Path | None):
        ours, theirs = socket.socketpair()
        life_read, self._life = os.pipe()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(PACKAGE_DIR.parent), *filter(None, [env.get("PYTHONPATH")])])
        if runtime_dir is not None:
            from .kernel import RUNTIME_ENV

            env[RUNTIME_ENV] = env["JUPYTER_RUNTIME_DIR"] = str(runtime_dir)
        code = "import sys; from boardpack.batch import worker_main; sys.exit(worker_main(sys.argv[1:]))"
        try:
            self.proc = subprocess.Popen(
                [sys.executable, *subprocess._args_from_interpreter_flags(), "-c", code,
                 str(theirs.fileno()), str(life_read)],
                pass_fds=(theirs.fileno(), life_read), stdin=subprocess.DEVNULL, env=env,
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
        """Kill the worker, its kernels and anything they started."""
        from .kernel import kill_process_tree

        if self.proc.poll() is None:  # not yet reaped, so its pid cannot belong to another process
            kill_process_tree(self.proc.pid)
        self.proc.wait()
        self._close()

    def _close(self) -> None:
        self.conn.close()
        if self._life is not None:
            os.close(self._life)
            self._life = None


class _WorkerPool:
    def __init__(self, size: int, runtime_dir: Path | None):
        self.size = size
        self.runtime_dir = runtime_dir
        self.workers: list[_Worker] = []
        self.clean = False
        self.started = dt.datetime.now(dt.timezone.utc)

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
                        idle = _Worker(self.runtime_dir)
                        self.workers.append(idle)
                    idle.send(queue.popleft())
                busy = [w for w in self.workers if w.job is not None]
                for conn in wait([w.conn for w in busy] + ([stop] if stop is not None else [])):
                    worker = next((w for w in busy if w.conn is conn), None)
                    if worker is None:
                        continue  # the stop request: checked at the top of the loop
                    job = worker.job
                    try:
                        result = worker.conn.recv()
                    except (EOFError, OSError):
                        result = _worker_died(job, worker, self.started)
                        self.workers.remove(worker)
                    worker.job = None
                    results[job.borough.slug] = result
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


def _worker_died(job: BuildJob, worker: _Worker, started: dt.datetime) -> BuildResult:
    try:
        code = worker.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        code = None
    worker.kill()
    recover(job.output_dir.parent, only=job.output_dir.name)  # its half-made build folder goes
    published = settled_on_disk(job, since=started)
    if published is not None:
        return published
    how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit status {code}"
    result = BuildResult(job.borough.name, job.borough.slug, job.borough.gss_code, "failed",
                         str(job.output_dir), job.parameters,
                         error=f"the worker process building this borough stopped unexpectedly ({how}); "
                               "its previous pack, if any, is kept — run again to rebuild it")
    return result


def settled_on_disk(job: BuildJob, since: dt.datetime) -> BuildResult | None:
    """The result of a borough whose worker was stopped after it published the new pack.

    A worker can be killed between publishing a pack and reporting it. The build stamp then
    already carries this job's input key (and a build time after ``since``): the pack on
    disk is this run's, complete, and is recorded as built.
    """
    try:
        doc = json.loads((job.output_dir / STAMP).read_text(encoding="utf-8"))
        built = dt.datetime.fromisoformat(doc["built"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if doc.get("input_key") != job.input_key or built < since:
        return None
    if not all((job.output_dir / f).is_file() for f in OUTPUT_FILES):
        return None
    return BuildResult(job.borough.name, job.borough.slug, job.borough.gss_code, "built", str(job.output_dir),
                       job.parameters, files=doc.get("files", {}))


def worker_main(argv: list[str]) -> int:
    """A worker process: build the jobs the parent sends until it sends None or goes away."""
    from multiprocessing.connection import Connection

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when the run stops
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    conn = Connection(int(argv[0]))
    threading.Thread(target=_exit_with_parent, args=(int(argv[1]),), daemon=True).start()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return 0
        if job is None:
            return 0
        result = run_borough(job)
        try:
            conn.send(result)
        except OSError:
            return 0


def _exit_with_parent(lifeline: int) -> None:
    while os.read(lifeline, 1):
        pass
    # The parent is gone (or let this worker go): stop the kernels this worker started, then exit.
    from .kernel import kill_process_tree

    kill_process_tree(os.getpid(), include_self=False)
    os._exit(0)


@dataclass
class RunReport:
    """The outcome of a batch run."""

    period: str
    period_dir: Path
    results: list[BuildResult]
    seconds: float
    not_done: list[str] = field(default_factory=list)  # slugs a stopped run did not finish
    stopped: str | None = None  # why the run stopped early, e.g. "interrupted by Ctrl-C"

    @property
    def ok(self) -> bool:
        """True when every borough was built or skipped as unchanged (the exit status is 0)."""
        return not self.not_done and all(r.status in ("built", "skipped") for r in self.results)

    def count(self, status: str) -> int:
        """How many boroughs ended with ``status`` (built, skipped or failed)."""
        return sum(r.status == status for r in self.results)


SIGNAL_WORDS = {signal.SIGINT: "Ctrl-C (SIGINT)", signal.SIGTERM: "a termination request (SIGTERM)"}


def run_all(boroughs: list[str] | None = None, period: str = "", data_dir: str | Path | None = None,
            output_dir: str | Path | None = None, jobs: int = 0, force: bool = False,
            progress: bool = True, overrides: dict | None = None, template: str | Path | None = None,
            stop: StopRequest | None = None) -> RunReport:
    """Build the packs of the chosen boroughs for one period.

    Parameters
    ----------
    boroughs : list of str, optional
        Names or slugs; all 32 by default.
    period : str
        "Data to" month ``YYYY-MM``; the latest month the data covers by default.
    data_dir : str or Path, optional
        Real data folder; the generated demo dataset when None.
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
        Another template notebook with the same parameters (``notebooks/board_pack.ipynb`` by default).
    stop : StopRequest, optional
        The signal handler the caller installed; the run stops cleanly when it fires.

    Returns
    -------
    RunReport

    Raises
    ------
    RunInterrupted
        On SIGINT/SIGTERM (through ``stop``) or Ctrl-C: its ``report`` holds the boroughs
        finished before the stop, which the manifest records; the others keep their previous
        packs and manifest entries; nothing half-made is published.
    RunStoppedError
        When packs cannot be written at all (disk full, read-only disk); finished boroughs are
        recorded as for an interruption.
    OutputsBusyError
        When another run is building into the same output folder.
    """
    started = time.perf_counter()
    selected = select_boroughs(boroughs)
    if data_dir is None or str(data_dir) == "":
        from .demo import ensure_demo_data

        data_path, data_param = ensure_demo_data(), ""
    else:
        data_path = Path(data_dir).resolve()
        data_param = str(data_path)
    store_index = prepare_store(data_path)
    store = Store(store_index)
    from .coverage import cached_section_coverage
    from .pack import latest_period
    from .periods import parse_month

    period = period or latest_period(store)
    parse_month(period)
    # Once for the whole run: refuses a period no section covers, and every notebook reuses it.
    coverage = cached_section_coverage(store, period)
    output_root = Path(output_dir or OUTPUTS_DIR).resolve()
    output_root.mkdir(parents=True, exist_ok=True)
    period_dir = output_root / period
    if stop is not None:  # from here on a signal is handled at safe points, never mid-step
        stop.deferred = True
    with RunFolder(output_root) as runtime:  # one run per output folder; removes a killed run's leftovers
        recover(period_dir)
        plan = plan_jobs(selected, period, store_index, store, data_param, output_root, force, overrides,
                         Path(template) if template else NOTEBOOK)
        workers = min(len(plan), jobs or os.cpu_count() or 1)
        done: dict[str, BuildResult] = {}
        began = dt.datetime.now(dt.timezone.utc)
        try:
            results = execute_jobs(plan, workers, progress, runtime.path, stop, done)
        except (KeyboardInterrupt, RunStoppedError) as exc:
            # The workers and their kernels are dead: no borough can change any more.
            _stop_kernels(runtime.path)
            recover(period_dir)  # half-made build folders go; a pack renamed aside comes back
            for job in plan:  # a worker may have published its pack just before it was killed
                if job.borough.slug not in done:
                    published = settled_on_disk(job, began)
                    if published is not None:
                        done[job.borough.slug] = published
            signum = getattr(exc, "signum", signal.SIGINT) if isinstance(exc, KeyboardInterrupt) else None
            why = (f"interrupted by {SIGNAL_WORDS.get(signum, f'signal {signum}')}" if signum is not None
                   else f"stopped: {exc}")
            report = RunReport(period, period_dir, [done[j.borough.slug] for j in plan if j.borough.slug in done],
                               round(time.perf_counter() - started, 3),
                               not_done=[j.borough.slug for j in plan if j.borough.slug not in done], stopped=why)
            try:
                record_run(report, store, data_path, workers, force, coverage)
            except OSError:
                if signum is None:
                    raise exc from None  # the disk is full: the first error says so
                raise
            if signum is None:
                raise
            raise RunInterrupted(signum, report) from None
        finally:
            _stop_kernels(runtime.path)
        report = RunReport(period, period_dir, results, round(time.perf_counter() - started, 3))
        record_run(report, store, data_path, workers, force, coverage)
    if stop is not None and stop.signum is not None:  # asked to stop as the last borough finished
        report.stopped = f"interrupted by {SIGNAL_WORDS.get(stop.signum, f'signal {stop.signum}')}"
        raise RunInterrupted(stop.signum, report)
    return report


def _stop_kernels(runtime_dir: Path) -> None:
    # Belt and braces: any kernel started from this run's folder, whoever started it.
    from .kernel import kill_processes_using

    kill_processes_using(runtime_dir)


def record_run(report: RunReport, store: Store, data_path: Path, workers: int, force: bool,
               coverage: dict | None = None) -> None:
    """Write ``manifest.json`` and ``index.html`` for the period, merging earlier boroughs' entries.

    Only the boroughs in ``report.results`` change: those a stopped run did not finish keep
    their previous entries (and packs), and are listed under the run's ``not_done``.
    """
    path = report.period_dir / "manifest.json"
    previous = {}
    if path.is_file():
        try:
            previous = {b["slug"]: b for b in json.loads(path.read_text(encoding="utf-8"))["boroughs"]}
        except (ValueError, KeyError, TypeError):
            previous = {}
    for r in report.results:
        previous[r.slug] = r.as_dict()
    entries = [previous[b.slug] for b in load_registry().boroughs if b.slug in previous]
    run = {
        "period": report.period, "data_dir": str(data_path), "data": "demo" if store.is_demo else "real",
        "workers": workers, "force": force, "seconds": report.seconds,
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(),
        "boroughs_this_run": [r.slug for r in report.results],
        "stopped": report.stopped,
        "not_done": list(report.not_done),
    }
    write_json_atomic(path, build_manifest(run, entries, store.sources, coverage))
    write_index_html(report.period_dir, month_label(report.period), entries, store.is_demo)
