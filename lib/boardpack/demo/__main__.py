"""``python -m boardpack.demo --out DIR [--force]``: write the synthetic demo dataset.

The same command as ``run_all.py demo``; the command line (:mod:`boardpack.cli`) does the
talking, so nothing in the demo package prints.
"""

from __future__ import annotations


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
    from ..cli import demo_command

    return demo_command(argv, prog="python -m boardpack.demo")


if __name__ == "__main__":
    raise SystemExit(main())
