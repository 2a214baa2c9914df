"""Command line: build board packs (the default), fetch real data, or write the demo dataset."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import BoardPackError

EPILOG = """examples:
  python run_all.py                                  all 32 boroughs, demo data, latest month
  python run_all.py --boroughs "Waltham Forest" camden --period 2026-06
  python run_all.py --data-dir ../shared/data --period 2019-02
  python run_all.py fetch --data-dir data/real       download the real public files
  python run_all.py demo --out data/demo             write the synthetic demo dataset
"""


def build_parser() -> argparse.ArgumentParser:
    """The build command's options."""
    p = argparse.ArgumentParser(
        prog="run_all.py",
        description="Build Safer Neighbourhood Board performance summary packs (PDF + HTML) for London boroughs.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--boroughs", nargs="+", metavar="NAME",
                   help="borough names or slugs to build (default: all 32), e.g. 'Waltham Forest' camden")
    p.add_argument("--period", default="", metavar="YYYY-MM",
                   help="the 'data to' month (default: the latest month the data covers)")
    p.add_argument("--data-dir", type=Path, metavar="DIR",
                   help="folder of real public data laid out as docs/data.md says (default: the bundled demo data)")
    p.add_argument("--demo", action="store_true", help="use the generated demo dataset (the default without --data-dir)")
    p.add_argument("--jobs", type=int, default=0, metavar="N", help="parallel worker processes (default: number of cores)")
    p.add_argument("--output-dir", type=Path, metavar="DIR", help="root folder for outputs (default: outputs/)")
    p.add_argument("--force", action="store_true", help="rebuild boroughs even when nothing they depend on changed")
    p.add_argument("--census-fold", choices=["mps", "mixed_to_other"],
                   help="how Census 'Mixed' folds into the four stop-and-search groups (default from params/defaults.yaml)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``run_all.py`` and the ``boardpack`` command. Returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "fetch":
        from .fetch import main as fetch_main

        return fetch_main(argv[1:])
    if argv and argv[0] == "demo":
        from .demo.__main__ import main as demo_main

        return demo_main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.demo and args.data_dir:
        print("run_all.py: --demo and --data-dir cannot be used together", file=sys.stderr)
        return 2
    from .batch import run_all
    from .periods import parse_month
    from .summary import summary_table

    try:  # refuse bad input before any work is done
        if args.period:
            parse_month(args.period)
    except BoardPackError as exc:
        print(f"run_all.py: {exc}", file=sys.stderr)
        return 2

    overrides = {"census_fold": args.census_fold} if args.census_fold else None
    try:
        report = run_all(args.boroughs, args.period, None if args.demo else args.data_dir, args.output_dir,
                         args.jobs, args.force, not args.no_progress, overrides)
    except BoardPackError as exc:
        print(f"run_all.py: {exc}", file=sys.stderr)
        return 2
    print(summary_table(report))
    return 0 if report.ok else 1
