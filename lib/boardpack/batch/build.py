"""Building one borough: execute the template, render (HTML twin, audit edition, PDF), stamp, publish.

:func:`run_borough` is the orchestrator and only calls steps, each timed into the result.
Everything is made in a fresh build folder beside the borough's folder and swapped in by
:func:`boardpack.publish.publish_dir`, so a failed or stopped build publishes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from ..hashing import file_sha256
from ..log import get_logger
from ..processes import stop_recorded
from ..publish import keep_file, make_build_dir, publish_dir, recover
from .jobs import AUDIT_NAME, NOTEBOOK_NAME, OUTPUT_FILES, STAMP, BuildJob, BuildResult
from .os_advice import FATAL_ERRNOS, describe_os_error
from .plan import is_up_to_date, settled_on_disk, skipped_result
from .settle import settle_notebook

FAILED_NOTEBOOK = "board_pack.failed.ipynb"

log = get_logger(__name__)


@contextlib.contextmanager
def timed(timings: dict, step: str) -> Iterator[None]:
    """Time the block into ``timings[step]`` (seconds, 3 decimals), whether or not it raises."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[step] = round(time.perf_counter() - start, 3)


def execute_template(job: BuildJob, build_dir: Path, kernel=None) -> Path:
    """Run the template notebook with papermill in a fresh kernel, inside ``build_dir``.

    ``kernel``, a :class:`boardpack.batch.kernel.WaitingKernel`, becomes the kernel; without one
    papermill starts a new kernel process. Either way the kernel starts through the suite's
    provisioner, which records it in the run's folder (:mod:`boardpack.batch.provisioner`).
    """
    import papermill as pm

    from .kernel import kernel_manager

    out = build_dir / NOTEBOOK_NAME
    # The kernel runs in the build folder, so "." is where figures.json goes, and the notebook
    # names no build folder (whose name is random) in its parameters.
    params = {**job.parameters, "output_dir": "."}
    pm.execute_notebook(
        str(job.template), str(out), parameters=params, kernel_name="python3", cwd=str(build_dir),
        progress_bar=False, log_output=False, request_save_on_cell_execute=False,
        kernel_manager_class=kernel_manager(job.borough.slug, kernel),
        # nbclient interrupts the kernel as it shuts it down, which ipykernel logs as an error on
        # our stderr; real failures reach the notebook and the manifest as cell errors instead.
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )
    return out


@lru_cache(maxsize=1)
def html_exporter():
    # Building the exporter loads its Jinja templates; a worker process reuses one for every borough.
    from ..render.exporters import BoardPackHTMLExporter

    return BoardPackHTMLExporter()


def render_html(notebook: Path) -> str:
    """The HTML twin, through the board-pack nbconvert exporter."""
    html, _ = html_exporter().from_filename(str(notebook), resources={"metadata": {"path": str(notebook.parent)}})
    (notebook.parent / "board_pack.html").write_text(html, encoding="utf-8")
    return html


def render_audit_edition(notebook: Path) -> Path:
    """The audit edition beside the notebook: every cell's code and outputs under the run's facts."""
    from ..render.audit import render_audit

    path = notebook.parent / AUDIT_NAME
    path.write_text(render_audit(notebook), encoding="utf-8")
    return path


def render_pdf(html: str, build_dir: Path) -> Path:
    """The A4 tagged PDF from the HTML twin (the same path ``--to boardpack_pdf`` takes)."""
    from ..render.pdf import html_to_pdf

    path = build_dir / "board_pack.pdf"
    path.write_bytes(html_to_pdf(html, build_dir=build_dir))
    return path


def write_stamp(job: BuildJob, build_dir: Path, run_facts: dict | None = None) -> dict:
    """Hash the outputs and write the incremental-build stamp; return the file hashes.

    ``build.json`` also keeps this build's volatile facts, which the packs themselves never
    hold: when it was built, and papermill's times for the notebook and each cell.
    """
    files = {name: file_sha256(build_dir / name) for name in OUTPUT_FILES}
    for csv in sorted((build_dir / "tables").glob("*.csv")):
        files[f"tables/{csv.name}"] = file_sha256(csv)
    doc = {"input_key": job.input_key, "files": files, "built": dt.datetime.now(dt.UTC).isoformat(),
           "run": run_facts or {}}
    (build_dir / STAMP).write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return files


def run_borough(job: BuildJob, kernel=None) -> BuildResult:
    """Build one borough: skip if unchanged, else execute, render, stamp and publish.

    ``kernel`` is a :class:`boardpack.batch.kernel.WaitingKernel` to run the notebook in (see
    :func:`execute_template`); whoever forked it lets it go if the borough did not need it.
    """
    if is_up_to_date(job):
        return skipped_result(job)
    result = BuildResult.for_job(job, "built")
    build_dir = make_build_dir(job.output_dir)
    try:
        with timed(result.timings, "execute"):
            notebook = execute_template(job, build_dir, kernel)
            run_facts = settle_notebook(notebook, Path(job.template).name)
        with timed(result.timings, "html"):
            html = render_html(notebook)
        with timed(result.timings, "audit"):
            render_audit_edition(notebook)
        with timed(result.timings, "pdf"):
            render_pdf(html, build_dir)
        result.files = write_stamp(job, build_dir, run_facts)
        publish_dir(build_dir, job.output_dir)
    except Exception as exc:  # one borough's failure must not stop the others
        record_failure(result, exc, build_dir, job.output_dir)
    finally:
        result.timings["total"] = round(sum(result.timings.values()), 3)
        shutil.rmtree(build_dir, ignore_errors=True)
    return result


def record_failure(result: BuildResult, exc: Exception, build_dir: Path, final_dir: Path) -> None:
    """Mark ``result`` failed with a plain error, the failing cell, and the notebook up to it.

    papermill saves the notebook up to the failing cell; it is kept as
    ``board_pack.failed.ipynb`` beside the previous pack, unless the machine itself failed
    (a full or read-only disk), which also stops the run.
    """
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
    if failed_nb.is_file() and not result.stop_run:
        try:
            keep_file(failed_nb, final_dir, FAILED_NOTEBOOK)
            result.files = {FAILED_NOTEBOOK: file_sha256(final_dir / FAILED_NOTEBOOK)}
        except OSError:  # the record of the failure must not hide the failure itself
            pass


def abandoned_build(job: BuildJob, since: dt.datetime, exit_code: int | None, who: str,
                    runtime: str | Path | None = None) -> BuildResult:
    """The result of a borough whose building process died before it reported.

    Its kernel outlives it, working in the build folder: it is stopped (with whatever else the
    run recorded for this borough) before the folder goes, or it would fail there and print to
    the run's terminal. A pack it published just before it
    died (its stamp carries this job's key and a build time after ``since``) counts as built;
    otherwise the borough fails and keeps its previous pack.

    Parameters
    ----------
    job : BuildJob
    since : datetime
        When the run began building.
    exit_code : int or None
        The dead process's exit code (negative: the signal that killed it), None if unknown.
    who : str
        What died, for the message (``"worker process"``, ``"process"``).
    runtime : str or Path, optional
        The run's private folder, where the processes it started are recorded.
    """
    stop_recorded(runtime, borough=job.borough.slug)
    recover(job.output_dir.parent, only=job.output_dir.name)  # its half-made build folder goes
    published = settled_on_disk(job, since=since)
    if published is not None:
        return published
    code = exit_code
    how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit status {code}"
    log.warning("%s: the %s building it stopped unexpectedly (%s)", job.borough.name, who, how)
    return BuildResult.for_job(job, "failed", error=f"the {who} building this borough stopped unexpectedly ({how}); "
                                                    "its previous pack, if any, is kept — run again to rebuild it")
