#!/usr/bin/env python
"""Benchmark: the suite against the naive loop a user would write by hand, in one run.

1. suite, cold: `run_all.py` into an empty output folder with an empty cache (demo data
   generated, store prepared, every borough built);
2. suite, no change: the same command again (every borough should be skipped);
3. naive loop: for each borough, one after another, the papermill CLI, then the
   `jupyter nbconvert` CLI to HTML, then the WeasyPrint CLI to PDF.

It prints each wall time, the ratio naive/suite and the peak memory of each step's child
processes. It asserts nothing: read the numbers.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lib"))

from boardpack.registry import load_registry  # noqa: E402

BIN = Path(sys.executable).parent


def timed(cmd: list[str], env: dict, quiet: bool = True) -> tuple[float, float]:
    """Run a command; return (seconds, peak RSS in MiB of the largest child so far)."""
    t = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL if quiet else None, stderr=subprocess.DEVNULL if quiet else None)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return time.perf_counter() - t, peak


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--boroughs", type=int, default=32, help="how many boroughs to build (default 32)")
    p.add_argument("--jobs", type=int, default=0, help="suite workers (default: one per core)")
    p.add_argument("--skip-naive", action="store_true", help="time the suite only")
    args = p.parse_args(argv)

    boroughs = [b.slug for b in load_registry().boroughs[: args.boroughs]]
    work = Path(tempfile.mkdtemp(prefix="boardpack-bench-"))
    env = {**os.environ, "BOARDPACK_CACHE_DIR": str(work / "cache"), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    suite = [sys.executable, "run_all.py", "--no-progress", "--output-dir", str(work / "suite"),
             "--jobs", str(args.jobs), "--boroughs", *boroughs]
    print(f"Benchmark on {os.cpu_count()} cores, {len(boroughs)} boroughs, demo data; work folder {work}")

    cold, cold_mem = timed(suite, env)
    print(f"suite, cold:        {cold:8.1f} s   ({cold / len(boroughs):.2f} s per borough; "
          f"peak child RSS {cold_mem:.0f} MiB)")
    warm, _ = timed(suite, env)
    print(f"suite, no change:   {warm:8.1f} s")

    if not args.skip_naive:
        naive_dir = work / "naive"
        naive_dir.mkdir()
        t = time.perf_counter()
        for slug in boroughs:
            out = naive_dir / slug
            out.mkdir()
            nb = out / "board_pack.ipynb"
            subprocess.run([str(BIN / "papermill"), "notebooks/board_pack.ipynb", str(nb), "-p", "borough", slug,
                            "-p", "output_dir", str(out), "--no-progress-bar"], env=env, check=True, cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)], env=env,
                           check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            subprocess.run([str(BIN / "weasyprint"), str(out / "board_pack.html"), str(out / "board_pack.pdf")],
                           env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        naive = time.perf_counter() - t
        print(f"naive loop:         {naive:8.1f} s   ({naive / len(boroughs):.2f} s per borough)")
        print(f"ratio naive/suite:  {naive / cold:8.2f} x")
    print("targets (2 cores, 32 boroughs): cold <= 45 s, >= 6x the naive loop, no-change rebuild <= 2 s")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
