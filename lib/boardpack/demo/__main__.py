"""``python -m boardpack.demo --out DIR [--force]``: write the synthetic demo dataset."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..errors import BoardPackError
from ..paths import DEMO_DATA_DIR
from .generate import generate_demo_data


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        The process exit code (0 on success, 1 when the folder may not be written).
    """
    parser = argparse.ArgumentParser(
        prog="python -m boardpack.demo",
        description="Write the SYNTHETIC demo dataset (invented figures in the published file layouts).",
    )
    parser.add_argument("--out", type=Path, default=DEMO_DATA_DIR, help=f"folder to write (default {DEMO_DATA_DIR})")
    parser.add_argument("--force", action="store_true", help="replace an existing demo dataset in that folder")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if out.exists() and any(out.iterdir()) and not args.force:
        print(f"error: {out} already exists; use --force to replace a demo dataset there", file=sys.stderr)
        return 1
    start = time.perf_counter()
    try:
        generate_demo_data(out)
    except BoardPackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote synthetic demo dataset to {out} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
