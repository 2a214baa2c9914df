"""Build board packs for many boroughs: execute the template, render, publish, record.

:func:`run_borough` is the per-borough orchestrator and only calls steps; :func:`run_all`
prepares the data once, fans boroughs out to worker processes (papermill changes the
working directory of its whole process, so threads would trample each other) and writes
the manifest and index.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path

import yaml

from .hashing import file_sha256, text_sha256, tree_sha256
from .manifest import build_manifest, write_index_html, write_json_atomic
from .paths import NOTEBOOK, OUTPUTS_DIR, PACKAGE_DIR, PARAMS_DIR
from .periods import month_label
from .publish import keep_file, make_build_dir, publish_dir, recover
from .registry import Borough, load_registry
from .store import Store, prepare_store

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

    def as_dict(self) -> dict:
        """The result as plain JSON-ready values, for the manifest."""
        return asdict(self)


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


def _record_failure(result: BuildResult, exc: Exception, build_dir: Path, final_dir: Path) -> None:
    result.status = "failed"
    result.error = f"{type(exc).__name__}: {exc}".strip()[:2000]
    cell = getattr(exc, "cell_index", None)
    if cell is not None:
        result.failing_cell = {
            "cell_index": cell, "execution_count": getattr(exc, "exec_count", None),
            "source": getattr(exc, "source", None), "ename": getattr(exc, "ename", None),
            "evalue": getattr(exc, "evalue", None),
        }
        result.error = f"{exc.ename}: {exc.evalue}"
    failed_nb = build_dir / NOTEBOOK_NAME
    if failed_nb.is_file():  # papermill saved the notebook up to the failing cell: keep it for the analyst
        keep_file(failed_nb, final_dir, "board_pack.failed.ipynb")
        result.files = {"board_pack.failed.ipynb": file_sha256(final_dir / "board_pack.failed.ipynb")}


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


def execute_jobs(jobs: list[BuildJob], workers: int, progress: bool = True) -> list[BuildResult]:
    """Run jobs in worker processes with a progress bar; results in job order."""
    from tqdm import tqdm

    results: dict[str, BuildResult] = {}
    bar = tqdm(total=len(jobs), desc="Board packs", unit="borough", disable=not progress, dynamic_ncols=True)
    # Unchanged boroughs are settled here, so a run with nothing to do starts no worker at all.
    stale = []
    for job in jobs:
        if is_up_to_date(job):
            results[job.borough.slug] = skipped_result(job)
            bar.update()
        else:
            stale.append(job)
    workers = min(workers, len(stale))
    if workers <= 1:
        for job in stale:
            results[job.borough.slug] = run_borough(job)
            bar.set_postfix_str(f"{job.borough.name}: {results[job.borough.slug].status}")
            bar.update()
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(run_borough, job): job for job in stale}
            for fut in as_completed(futures):
                job = futures[fut]
                results[job.borough.slug] = fut.result()
                bar.set_postfix_str(f"{job.borough.name}: {results[job.borough.slug].status}")
                bar.update()
    bar.close()
    return [results[j.borough.slug] for j in jobs]


@dataclass
class RunReport:
    """The outcome of a batch run."""

    period: str
    period_dir: Path
    results: list[BuildResult]
    seconds: float

    @property
    def ok(self) -> bool:
        """True when every borough was built or skipped as unchanged (the exit status is 0)."""
        return all(r.status in ("built", "skipped") for r in self.results)


def run_all(boroughs: list[str] | None = None, period: str = "", data_dir: str | Path | None = None,
            output_dir: str | Path | None = None, jobs: int = 0, force: bool = False,
            progress: bool = True, overrides: dict | None = None, template: str | Path | None = None) -> RunReport:
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

    Returns
    -------
    RunReport
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
    cached_section_coverage(store, period)
    output_root = Path(output_dir or OUTPUTS_DIR).resolve()
    period_dir = output_root / period
    recover(period_dir)
    plan = plan_jobs(selected, period, store_index, store, data_param, output_root, force, overrides,
                     Path(template) if template else NOTEBOOK)
    workers = min(len(plan), jobs or os.cpu_count() or 1)
    results = execute_jobs(plan, workers, progress)
    report = RunReport(period, period_dir, results, round(time.perf_counter() - started, 3))
    record_run(report, store, data_path, workers, force)
    return report


def record_run(report: RunReport, store: Store, data_path: Path, workers: int, force: bool) -> None:
    """Write ``manifest.json`` and ``index.html`` for the period, merging earlier boroughs' entries."""
    path = report.period_dir / "manifest.json"
    previous = {}
    if path.is_file():
        try:
            previous = {b["slug"]: b for b in json.loads(path.read_text(encoding="utf-8"))["boroughs"]}
        except (ValueError, KeyError):
            previous = {}
    for r in report.results:
        previous[r.slug] = r.as_dict()
    entries = [previous[b.slug] for b in load_registry().boroughs if b.slug in previous]
    run = {
        "period": report.period, "data_dir": str(data_path), "data": "demo" if store.is_demo else "real",
        "workers": workers, "force": force, "seconds": report.seconds,
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(),
        "boroughs_this_run": [r.slug for r in report.results],
    }
    write_json_atomic(path, build_manifest(run, entries, store.sources))
    write_index_html(report.period_dir, month_label(report.period), entries, store.is_demo)
