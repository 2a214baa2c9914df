#!/usr/bin/env python
"""Benchmark: the suite against the cost of its PDFs and against a naive loop, in one run.

Every figure comes from this one run on this machine, so the ratios hold on any machine:

1. suite, cold: `run_all.py` into an empty output folder with an empty cache (demo data
   generated, store prepared, every borough built); its peak memory (the summed PSS of every
   process it started, sampled) is read in a second cold run, as sampling costs processor time;
2. suite, no change: the same command again (every borough should be skipped);
3. floor: the finished HTML of every pack rendered to PDF with WeasyPrint, one process per core,
   WeasyPrint already imported (only the rendering is timed);
4. one borough rebuilt after an edit: `run_all.py --boroughs X --force` with the store prepared,
   against that borough's own PDF render (one process, WeasyPrint imported);
5. naive loop: for each borough, one after another, the papermill CLI, then the
   `jupyter nbconvert` CLI to HTML, then the WeasyPrint CLI to PDF (the first borough's time is
   the naive one-borough figure);
6. the pack's own work: the one borough's notebook cells run again in one process that has
   imported everything and read the store before the clock (no kernel, no papermill, no process
   start), then its HTML twin, audit edition and PDF. No way of building this pack, with these
   cells, charts and PDF, takes less on this machine, so it bounds the best ratios any build of
   it could reach here, and the bench prints those bounds beside the targets.

It prints each time, each ratio and its target, met or not, and where the time of a borough went:
the mean of each stage (execute, HTML twin, audit edition, PDF) over the cold run's boroughs, and
the stages of the one-borough rebuild, as the runs' manifests record them. It asserts nothing:
read the numbers.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lib"))

from boardpack.registry import load_registry  # noqa: E402

BIN = Path(sys.executable).parent
ONE = "waltham-forest"  # the borough of the one-borough figures


class PeakMemory:
    """The largest summed memory of a process and all its descendants, sampled every ``interval`` s.

    Each process counts its proportional set size (PSS: its private pages plus its share of the pages
    it shares with others), so libraries mapped by every worker and kernel are counted once in the
    sum, not once per process; where the system gives no PSS, the resident set size (RSS) is used.
    """

    def __init__(self, pid: int, interval: float = 0.2):
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                return
            total = 0
            for p in procs:
                try:
                    total += _memory(p)
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _memory(p: psutil.Process) -> int:
    try:
        return p.memory_full_info().pss
    except (AttributeError, psutil.AccessDenied):
        return p.memory_info().rss


def timed(cmd: list[str], env: dict) -> float:
    """Run a command; return its seconds."""
    t = time.perf_counter()
    if subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
        raise SystemExit(f"bench: {' '.join(cmd[:3])} … failed")
    return time.perf_counter() - t


def peak_memory(cmd: list[str], env: dict) -> float:
    """Run a command; return the peak summed memory (PSS) of it and its descendants in MiB.

    Not timed: reading the memory of every process five times a second costs processor time (the
    system walks each one's page tables) that the command would lose.
    """
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with PeakMemory(proc.pid) as mem:
        if proc.wait() != 0:
            raise SystemExit(f"bench: {' '.join(cmd[:3])} … failed with status {proc.returncode}")
    return mem.peak / 2**20


def _import_weasyprint() -> None:
    import weasyprint  # noqa: F401


def _ready(_: int) -> None:
    time.sleep(0.2)  # long enough that every worker takes one, so every worker has imported WeasyPrint


def _render(paths: tuple[str, str]) -> float:
    from weasyprint import HTML

    t = time.perf_counter()
    HTML(filename=paths[0]).write_pdf(paths[1])
    return time.perf_counter() - t


def floor(htmls: list[Path], out: Path, jobs: int) -> float:
    """Seconds to render every finished HTML to PDF, ``jobs`` processes with WeasyPrint imported."""
    out.mkdir(parents=True, exist_ok=True)
    work = [(str(h), str(out / f"{h.parent.name}.pdf")) for h in htmls]
    with multiprocessing.get_context("spawn").Pool(jobs, initializer=_import_weasyprint) as pool:
        pool.map(_ready, range(jobs), chunksize=1)  # every worker up, WeasyPrint imported, before the clock
        t = time.perf_counter()
        pool.map(_render, work, chunksize=1)
        return time.perf_counter() - t


def own_pdf(html: Path, out: Path) -> float:
    """One pack's own PDF render, in a process with WeasyPrint already imported."""
    with multiprocessing.get_context("spawn").Pool(1, initializer=_import_weasyprint) as pool:
        pool.map(_ready, range(1))
        return pool.apply(_render, ((str(html), str(out)),))


def naive_one(slug: str, out: Path, env: dict) -> float:
    """The naive loop's work for one borough: papermill CLI, nbconvert CLI, WeasyPrint CLI."""
    out.mkdir(parents=True)
    nb = out / "board_pack.ipynb"
    t = time.perf_counter()
    for cmd in ([str(BIN / "papermill"), "notebooks/board_pack.ipynb", str(nb), "-p", "borough", slug,
                 "-p", "output_dir", str(out), "--no-progress-bar"],
                [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)],
                [str(BIN / "weasyprint"), str(out / "board_pack.html"), str(out / "board_pack.pdf")]):
        subprocess.run(cmd, env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def own_work(notebook: Path, out: Path) -> dict[str, float]:
    """Seconds of a built pack's own work, in a fresh process already warm: cells, html, audit, pdf, total.

    The process imports what a build needs and reads the store's tables (as a batch worker does
    before it forks), all before the clock. Then the executed notebook's code cells run again, in
    order, in one IPython shell in that process, inside ``out`` (a new folder holding a copy of the
    notebook, where the cells write), and the HTML twin, the audit edition and the PDF are made
    from the notebook as the suite makes them. (``bench.py --own-work NOTEBOOK`` runs this alone.)
    """
    cmd = [sys.executable, str(Path(__file__).resolve()), "--own-work", str(notebook), "--own-work-dir", str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"bench: the pack's own work failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.splitlines()[-1])


def _own_work(notebook: str, out: str) -> dict[str, float]:
    import contextlib
    import io

    import nbformat
    from IPython.core.interactiveshell import InteractiveShell

    from boardpack.batch.build import render_audit_edition, render_html, render_pdf
    from boardpack.batch.warm import warm_up

    nb = nbformat.read(notebook, as_version=4)
    params: dict = {}
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            exec(cell.source, params)
    warm_up(params.get("store_index") or None)
    folder = Path(out)
    folder.mkdir(parents=True)
    copy = Path(shutil.copy(notebook, folder / Path(notebook).name))
    os.chdir(folder)
    shell = InteractiveShell.instance()

    def cells() -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            for cell in nb.cells:
                if cell.cell_type == "code" and not shell.run_cell(cell.source, store_history=False).success:
                    raise RuntimeError(f"bench: a cell of {notebook} failed when run again:\n{cell.source[:300]}")

    times = {"cells": _clock(cells)[1]}
    html, times["html"] = _clock(render_html, copy)
    times["audit"] = _clock(render_audit_edition, copy)[1]
    times["pdf"] = _clock(render_pdf, html, folder)[1]
    times["total"] = sum(times.values())
    return times


def _clock(fn, *args):
    t = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - t


def bound_lines(work: float, own: float, floor_s: float, boroughs: int, jobs: int,
                naive_first: float | None) -> list[str]:
    """The best each ratio could be for a build that did only the pack's own work (``work`` s a borough).

    A rebuild takes at least ``work``. A cold run of ``boroughs`` on ``jobs`` processes takes about
    ``boroughs * work / jobs`` or more, taking the one borough as typical: the work perfectly shared,
    nothing prepared, no process started. The naive loop is as measured.
    """
    cold = boroughs * work / jobs
    lines = [f"  cold / floor                 >= {cold / floor_s:5.2f}   target <= 1.5   "
             f"{'reachable' if cold / floor_s <= 1.5 else 'out of reach'}",
             f"  one borough / its own PDF    >= {work / own:5.2f}   target <= 2     "
             f"{'reachable' if work / own <= 2 else 'out of reach'}"]
    if naive_first is not None:
        lines.append(f"  naive one borough / rebuild  <= {naive_first / work:5.2f}   target >= 5     "
                     f"{'reachable' if naive_first / work >= 5 else 'out of reach'}")
    return lines


STAGES = ("execute", "html", "audit", "pdf")


def stage_means(manifest: Path | None, slug: str | None = None) -> dict[str, float]:
    """Mean seconds of each stage, and of the whole build, over the boroughs a run's manifest says it built.

    With ``slug``, that borough's alone. Empty when there is no manifest or it has no such borough.
    """
    if manifest is None or not manifest.is_file():
        return {}
    boroughs = json.loads(manifest.read_text(encoding="utf-8"))["boroughs"]
    rows = [b["timings"] for b in boroughs if b.get("status") == "built" and slug in (None, b["slug"])]
    if not rows:
        return {}
    return {stage: sum(r[stage] for r in rows) / len(rows) for stage in (*STAGES, "total")}


def stage_line(means: dict[str, float]) -> str:
    """``execute 3.31, html 0.10, audit 0.16, pdf 1.79; total 5.36 s``, or that no borough was built."""
    if not means:
        return "none recorded (no borough was built)"
    return ", ".join(f"{stage} {means[stage]:.2f}" for stage in STAGES) + f"; total {means['total']:.2f} s"


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--boroughs", type=int, default=32, help="how many boroughs to build (default 32)")
    p.add_argument("--jobs", type=int, default=0, help="suite workers and floor processes (default: one per core)")
    p.add_argument("--skip-naive", action="store_true", help="leave out the naive loop (its ratios too)")
    p.add_argument("--own-work", metavar="NOTEBOOK",
                   help="only time this executed pack's own work (cells, HTML, audit, PDF) and print it as JSON")
    p.add_argument("--own-work-dir", metavar="FOLDER",
                   help="where --own-work's cells write (default: a new temporary folder)")
    args = p.parse_args(argv)
    if args.own_work:
        out = args.own_work_dir or str(Path(tempfile.mkdtemp(prefix="boardpack-own-work-")) / "pack")
        print(json.dumps(_own_work(str(Path(args.own_work).resolve()), out)))
        return 0

    jobs = args.jobs or os.cpu_count() or 1
    registry = load_registry()
    boroughs = [b.slug for b in registry.boroughs[: args.boroughs]]
    one = ONE if ONE in boroughs else boroughs[0]
    work = Path(tempfile.mkdtemp(prefix="boardpack-bench-"))
    env = {**os.environ, "BOARDPACK_CACHE_DIR": str(work / "cache"), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    out = work / "suite"

    def suite_into(folder: Path) -> list[str]:
        return [sys.executable, "run_all.py", "--no-progress", "--output-dir", str(folder), "--jobs", str(jobs),
                "--boroughs", *boroughs]

    suite = suite_into(out)
    print(f"Benchmark on {os.cpu_count()} cores ({jobs} jobs), {len(boroughs)} boroughs, demo data; work folder {work}")

    cold = timed(suite, env)
    print(f"suite, cold:            {cold:8.1f} s   ({cold / len(boroughs):.2f} s per borough)")
    manifest = next(out.glob("*/manifest.json"), None)
    print(f"  stages, mean per borough: {stage_line(stage_means(manifest))}")
    warm = timed(suite, env)
    print(f"suite, no change:       {warm:8.1f} s")

    htmls = sorted(out.glob("*/*/board_pack.html"))
    floor_s = floor(htmls, work / "floor", jobs)
    print(f"floor (PDFs only):      {floor_s:8.1f} s   ({len(htmls)} packs' HTML to PDF, {jobs} WeasyPrint processes)")

    one_html = next(h for h in htmls if h.parent.name == one)
    own = own_pdf(one_html, work / "own.pdf")
    rebuild = timed([sys.executable, "run_all.py", "--no-progress", "--output-dir", str(out), "--boroughs", one,
                        "--force"], env)
    print(f"one borough ({one}): rebuild {rebuild:.1f} s; its own PDF render {own:.1f} s")
    rebuilt = stage_means(manifest, one)
    # A lone borough's kernel imports what the notebook needs as papermill starts: "execute" includes that wait.
    rest = (f"; the rest of the command (Python's start, the store's check, starting the worker, publishing) "
            f"{rebuild - rebuilt['total']:.2f} s") if rebuilt else ""
    print(f"  its stages: {stage_line(rebuilt)}{rest}")

    # The cold run again, from an empty cache into another folder, for its memory alone.
    mem_env = {**env, "BOARDPACK_CACHE_DIR": str(work / "cache-memory")}
    cold_mem = peak_memory(suite_into(work / "suite-memory"), mem_env)
    print(f"suite, cold, again:     peak memory of the run {cold_mem:.0f} MiB (summed PSS, sampled every 0.2 s)")

    naive = naive_first = None
    if not args.skip_naive:
        t = time.perf_counter()
        for i, slug in enumerate([one, *[b for b in boroughs if b != one]]):
            took = naive_one(slug, work / "naive" / slug, env)
            if i == 0:
                naive_first = took
        naive = time.perf_counter() - t
        print(f"naive loop:             {naive:8.1f} s   ({naive / len(boroughs):.2f} s per borough; "
              f"{one} {naive_first:.1f} s)")

    own_stages = own_work(one_html.with_name("board_pack.ipynb"), work / "own-work")
    print(f"the pack's own work ({one}, one warm process, no kernel): "
          + ", ".join(f"{k} {v:.2f}" for k, v in own_stages.items() if k != "total")
          + f"; total {own_stages['total']:.2f} s")

    print("\nratios (targets from issue 11):")
    print(f"  cold / floor                 {cold / floor_s:6.2f}   target <= 1.5   {verdict(cold / floor_s <= 1.5)}")
    if naive is not None:
        print(f"  naive loop / cold            {naive / cold:6.2f}   target >= 8     {verdict(naive / cold >= 8)}")
    print(f"  one borough / its own PDF    {rebuild / own:6.2f}   target <= 2     {verdict(rebuild / own <= 2)}")
    if naive_first is not None:
        print(f"  naive one borough / rebuild  {naive_first / rebuild:6.2f}   target >= 5     "
              f"{verdict(naive_first / rebuild >= 5)}")
    print(f"  no-change rebuild            {warm:6.1f} s target <= 2 s   {verdict(warm <= 2)}")
    print(f"  peak memory of the cold run  {cold_mem:6.0f} MiB target <= 1536  {verdict(cold_mem <= 1536)}")
    print(f"\nthe best a build doing only the pack's own work could reach here ({own_stages['total']:.2f} s a borough, "
          f"taking {one} as typical):")
    for line in bound_lines(own_stages["total"], own, floor_s, len(boroughs), jobs, naive_first):
        print(line)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
