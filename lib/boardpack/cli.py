"""Command line: build board packs (the default), fetch real data, or write the demo dataset.

Exit statuses of the build command:

- 0   every borough built, or was unchanged;
- 1   the run finished but at least one borough failed (see the table and manifest.json), or
      boardpack itself hit an unexpected error (run again with ``--debug`` for the traceback);
- 2   the run was refused or could not go on: a bad option, a data or output folder it
      cannot use, input data it cannot read, or a disk that is full or read-only;
- 130 stopped by Ctrl-C (SIGINT); 143 stopped by SIGTERM. Boroughs finished before the stop
      are kept and recorded; the others keep their previous packs; nothing half-made is published.

Every refusal or error is one line on stderr, ``run_all.py: ...``, naming the option or path
and what to do; ``--debug`` shows the full traceback instead.

This module is the one that prints, and the one that decides where the package logger
(``boardpack``) writes: warnings by default, INFO too with ``--verbose``. It is also the one
place that chooses the generated demo data, when ``--data-dir`` is left out.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from .errors import BoardPackError, ConfigurationError, FetchError, OptionError, RunInterrupted
from .log import LOGGER_NAME
from .start_method import START_METHODS, chosen

PROG = "run_all.py"
EPILOG = """examples:
  python run_all.py                                  all 32 boroughs, demo data, latest month
  python run_all.py --boroughs "Waltham Forest" camden --period 2026-06
  python run_all.py --data-dir ../shared/data --period 2019-02
  python run_all.py --template my_board_pack.ipynb  all boroughs from an edited copy of the template
  python run_all.py fetch --data-dir data/real       download the real public files
  python run_all.py demo --out data/demo             write the synthetic demo dataset
  python run_all.py verify --period 2026-09          rebuild the built packs and compare their bytes

exit status: 0 all built or unchanged; 1 a borough failed; 2 refused (bad option or folder, unreadable
data, full or read-only disk); 130 stopped by Ctrl-C; 143 stopped by SIGTERM
"""
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Parser(argparse.ArgumentParser):
    """argparse, but a refusal is one line naming the option, not a usage block."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} — see 'python {self.prog} --help'\n")


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of worker processes: give a whole number of 1 or more, or 0 for one per core")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The build command's options."""
    p = _Parser(
        prog=PROG,
        description="Build Safer Neighbourhood Board performance summary packs (PDF + HTML) for London boroughs.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--boroughs", nargs="+", metavar="NAME",
                   help="borough names or slugs to build (default: all 32), e.g. 'Waltham Forest' camden")
    p.add_argument("--period", default="", metavar="YYYY-MM",
                   help="the 'data to' month (default: the latest month the data covers)")
    p.add_argument("--data-dir", type=Path, metavar="DIR",
                   help="folder of real public data laid out as docs/data.md says (default: the bundled demo data)")
    p.add_argument("--demo", action="store_true",
                   help="use the generated demo dataset (the default without --data-dir)")
    p.add_argument("--jobs", type=_jobs, default=0, metavar="N",
                   help="parallel worker processes, 1 or more (default 0: one per core)")
    p.add_argument("--output-dir", type=Path, metavar="DIR", help="root folder for outputs (default: outputs/)")
    p.add_argument("--force", action="store_true", help="rebuild boroughs even when nothing they depend on changed")
    p.add_argument("--template", type=Path, metavar="PATH",
                   help="build from an edited copy of notebooks/board_pack.ipynb (it must keep the template's "
                        "parameters cell)")
    p.add_argument("--census-fold", choices=["mps", "mixed_to_other"],
                   help="how Census 'Mixed' folds into the four stop-and-search groups "
                        "(default from params/defaults.yaml)")
    p.add_argument("--start-method", choices=list(START_METHODS), default=None,
                   help="how each borough's kernel starts: 'fork' from a worker that has imported the suite once "
                        "(default on Linux), or 'spawn' a new Python for each (default elsewhere; slower, and "
                        "preparing the data forks no helper either)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="say what the run is doing: data store, coverage, each borough started and finished")
    p.add_argument("--debug", action="store_true", help="on an error, show the full Python traceback")
    return p


def check_options(args: argparse.Namespace) -> None:
    """Refuse options the run cannot use, before any data is read or any folder changed.

    Raises
    ------
    OptionError
        Naming the option, its value and what to do instead.
    """
    if args.demo and args.data_dir:
        raise OptionError("--demo and --data-dir", "cannot be used together — use --demo to build from the "
                                                   "generated demo data, or --data-dir for a folder of real data")
    if args.period:
        from . import periods

        try:
            month = periods.parse_month(args.period)
        except BoardPackError:
            raise OptionError(f"--period {args.period!r}", "not a month in the form YYYY-MM — give the last month "
                                                           "of data the packs cover, e.g. --period 2019-02") from None
        now = periods.current_month()
        if month > now:
            raise OptionError(f"--period {args.period!r}", f"is later than the current month ({now}) — a pack "
                                                           "can only show data to a month that has passed")
    if args.boroughs:
        from .errors import UnknownBoroughError
        from .registry import load_registry

        registry = load_registry()
        for name in args.boroughs:
            try:
                registry.get(name)
            except UnknownBoroughError as exc:
                raise OptionError("--boroughs", str(exc)) from None
    if args.data_dir is not None:
        check_data_dir(args.data_dir)
    if args.template is not None:
        from .template import check_template

        check_template(args.template)
    check_output_dir(args.output_dir)


def check_data_dir(path: Path) -> None:
    """The data folder exists, is a folder and can be read."""
    if not path.exists():
        raise OptionError(f"--data-dir {path}", "no such folder — check the path, or leave --data-dir out to build "
                                                "from the demo data")
    if not path.is_dir():
        raise OptionError(f"--data-dir {path}", "this is a file, not a folder — give the folder that holds the data "
                                                "files, laid out as docs/data.md describes")
    if not os.access(path, os.R_OK | os.X_OK):
        raise OptionError(f"--data-dir {path}", "this folder cannot be read (permission denied) — ask for read "
                                                "access or copy the data somewhere you can read")


def check_output_dir(path: Path | None) -> Path:
    """The output folder exists (it is created if missing) and a file can be written in it.

    A probe file is written and removed: the honest test, which also holds for a full or
    read-only disk and for root, whom permission bits do not stop.
    """
    from .paths import OUTPUTS_DIR

    option = (f"--output-dir {path}" if path is not None
              else f"the output folder {OUTPUTS_DIR} (default of --output-dir)")
    target = Path(path) if path is not None else OUTPUTS_DIR
    blocker = next((p for p in [target, *target.parents] if p.exists() and not p.is_dir()), None)
    if blocker == target:
        raise OptionError(option, "this is a file, not a folder — give a folder for the packs (it is created if "
                                  "missing)")
    if blocker is not None:
        raise OptionError(option, f"{blocker} is a file, so no folder can be made inside it — give a folder for "
                                  "the packs")
    try:
        target.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=target)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        from .batch import os_problem

        ours = {target, target.resolve()}  # the folder itself, or the test file written in it
        named = Path(exc.filename) if exc.filename else None
        where = f"{exc.filename}: " if named is not None and not ({named, named.parent} & ours) else ""
        raise OptionError(option, where + os_problem(exc)) from None
    return target


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``run_all.py`` and the ``boardpack`` command. Returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "fetch":
        return fetch_command(argv[1:])
    if argv and argv[0] == "demo":
        return demo_command(argv[1:])
    if argv and argv[0] == "verify":
        return verify_command(argv[1:])
    args = build_parser().parse_args(argv)
    previous = _install(_stop_now)  # until the run's own handler is in place
    log_handler = configure_logging(args.verbose)
    try:
        return _build(args)
    except RunInterrupted as exc:
        print(f"{PROG}: {interrupted_line(exc)}", file=sys.stderr)
        return exc.exit_status
    finally:
        _remove_logging(log_handler)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _build(args: argparse.Namespace) -> int:
    try:
        check_options(args)  # refuse bad input before any work is done
    except (OptionError, ConfigurationError) as exc:  # ConfigurationError: no params/ folder found
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    from . import batch
    from .summary import summary_table

    stop = batch.StopRequest()
    _install(stop)
    overrides = {"census_fold": args.census_fold} if args.census_fold else None
    try:
        with chosen(args.start_method):  # the demo data's generation and the run
            data_dir = args.data_dir or demo_data_folder()
            report = batch.run_all(args.boroughs, args.period, data_dir, args.output_dir,
                                   args.jobs, args.force, not args.no_progress, overrides, args.template, stop=stop)
    except RunInterrupted:
        raise
    except BoardPackError as exc:
        if args.debug:
            raise
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        if args.debug:
            raise
        print(f"{PROG}: {batch.describe_os_error(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:
        if args.debug:
            raise
        text = " ".join(str(exc).split()) or "(no message)"
        print(f"{PROG}: unexpected error, {type(exc).__name__}: {text[:300]} — not a problem the checks on "
              "your options and data recognise; run again with --debug for the traceback, and report it if the "
              "cause is not a file you changed", file=sys.stderr)
        return 1
    finally:
        stop.close()
    print(summary_table(report))
    return 0 if report.ok else 1


def demo_data_folder() -> Path:
    """The generated demo dataset, made or refreshed first if needed: the data without ``--data-dir``."""
    from .demo import ensure_demo_data

    folder = Path(ensure_demo_data())
    logging.getLogger(LOGGER_NAME).info("no --data-dir: using the generated demo data in %s", folder)
    return folder


# --- logging: the one place a handler is installed --------------------------------------------------

class _LineFormatter(logging.Formatter):
    """Warnings as ``run_all.py: warning: ...``; INFO lines (``--verbose``) led by the time."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        if record.levelno >= logging.WARNING:
            return f"{PROG}: {record.levelname.lower()}: {text}"
        return f"{time.strftime('%H:%M:%S', time.localtime(record.created))} {text}"


class _ProgressSafeHandler(logging.Handler):
    """Writes each message as one stderr line above the progress bar, not through it."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            from tqdm import tqdm

            tqdm.write(self.format(record), file=sys.stderr)
        except Exception:
            self.handleError(record)


def configure_logging(verbose: bool = False) -> logging.Handler:
    """Send the package logger's messages to stderr: warnings, and INFO too when ``verbose``.

    Returns
    -------
    logging.Handler
        The handler installed (replacing one an earlier call installed), for :func:`_remove_logging`.
    """
    logger = logging.getLogger(LOGGER_NAME)
    # A library configured with logging.config (disable_existing_loggers) may have silenced the
    # package's loggers created before it; the command line's messages must still be shown.
    for name, child in logging.root.manager.loggerDict.items():
        if (name == LOGGER_NAME or name.startswith(LOGGER_NAME + ".")) and isinstance(child, logging.Logger):
            child.disabled = False
    for old in [h for h in logger.handlers if isinstance(h, _ProgressSafeHandler)]:
        logger.removeHandler(old)
    handler = _ProgressSafeHandler()
    handler.setFormatter(_LineFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    return handler


def _remove_logging(handler: logging.Handler) -> None:
    logger = logging.getLogger(LOGGER_NAME)
    logger.removeHandler(handler)
    logger.setLevel(logging.NOTSET)


# --- run_all.py fetch and run_all.py demo -----------------------------------------------------------

def fetch_command(argv: list[str] | None = None) -> int:
    """``run_all.py fetch --data-dir DIR``: download the real public files.

    Returns
    -------
    int
        0 when every selected file is in place, 1 when a download failed, 2 for a bad option.
    """
    from .fetch import BASE_URL_ENV, fetch, summarise

    prog = f"{PROG} fetch"
    parser = _Parser(
        prog=prog,
        description="Download the real public data files (crime, stop and search, boundaries, population) "
                    "into a data folder laid out as docs/data.md describes. Files already present with the "
                    "right checksum are skipped. Files with no direct download are listed with what to do by hand.",
    )
    parser.add_argument("--data-dir", required=True, type=Path, help="the data folder to fill (created if needed)")
    parser.add_argument("--only", action="append", default=None, metavar="ID_OR_GROUP",
                        help="fetch only these catalogue entries or groups (comma-separated, may repeat), "
                             "e.g. --only crime,boundaries")
    parser.add_argument("--base-url", default=None,
                        help=f"download from this mirror instead of each publisher's host (scheme and host are "
                             f"replaced; default ${BASE_URL_ENV} when set)")
    parser.add_argument("--no-progress", action="store_true", help="do not show progress bars")
    parser.add_argument("-v", "--verbose", action="store_true", help="say what happens to each file as it happens")
    args = parser.parse_args(argv)
    only = [x.strip() for item in args.only for x in item.split(",") if x.strip()] if args.only else None
    handler = configure_logging(args.verbose)
    try:
        results = fetch(args.data_dir, only=only, base_url=args.base_url, progress=not args.no_progress)
    except FetchError as exc:
        if getattr(exc, "results", None):
            print(summarise(exc.results, args.data_dir))
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    except OptionError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    except BoardPackError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    finally:
        _remove_logging(handler)
    print(summarise(results, args.data_dir))
    return 0


def demo_command(argv: list[str] | None = None, prog: str = f"{PROG} demo") -> int:
    """``run_all.py demo --out DIR [--force]``: write the synthetic demo dataset.

    Returns
    -------
    int
        0 on success, 1 when the folder may not be written (it holds something and no ``--force``).
    """
    from .demo.generate import generate_demo_data
    from .paths import DEMO_DATA_DIR

    parser = argparse.ArgumentParser(
        prog=prog,
        description="Write the SYNTHETIC demo dataset (invented figures in the published file layouts).",
    )
    parser.add_argument("--out", type=Path, default=DEMO_DATA_DIR, help=f"folder to write (default {DEMO_DATA_DIR})")
    parser.add_argument("--force", action="store_true", help="replace an existing demo dataset in that folder")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not args.force:
        print(f"{prog}: --out {out}: already exists — use --force to replace a demo dataset there", file=sys.stderr)
        return 1
    start = time.perf_counter()
    try:
        generate_demo_data(out)
    except BoardPackError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        from .batch import describe_os_error

        print(f"{prog}: {describe_os_error(exc)}", file=sys.stderr)
        return 1
    print(f"wrote synthetic demo dataset to {out} in {time.perf_counter() - start:.1f} s")
    return 0


def verify_command(argv: list[str] | None = None) -> int:
    """``run_all.py verify``: rebuild recorded packs in a temporary folder and compare their bytes.

    Returns
    -------
    int
        0 when every chosen borough rebuilt identical, 1 when any differs or could not be
        rebuilt, 2 for a bad option or an output folder with nothing to verify; 130/143 when stopped.
    """
    from .paths import OUTPUTS_DIR

    prog = f"{PROG} verify"
    parser = _Parser(
        prog=prog,
        description="Rebuild built packs in a temporary folder with the same data, parameters, template and "
                    "SOURCE_DATE_EPOCH, and compare every output with the sha256 in manifest.json. Prints one line "
                    "per borough; exit status 0 only when all are identical.",
    )
    parser.add_argument("--period", default="", metavar="YYYY-MM",
                        help="the period to verify (default: the newest period in the output folder)")
    parser.add_argument("--boroughs", nargs="+", metavar="NAME",
                        help="borough names or slugs (default: every borough the manifest records as built)")
    parser.add_argument("--output-dir", type=Path, default=OUTPUTS_DIR, metavar="DIR",
                        help="the output folder the packs were built into (default: outputs/)")
    parser.add_argument("--jobs", type=_jobs, default=0, metavar="N",
                        help="parallel worker processes, 1 or more (default 0: one per core)")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.add_argument("--verbose", action="store_true", help="log each step")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    args = parser.parse_args(argv)
    from .errors import UnknownBoroughError
    from .registry import load_registry

    try:
        for name in args.boroughs or []:
            load_registry().get(name)
    except UnknownBoroughError as exc:
        print(f"{prog}: --boroughs: {exc}", file=sys.stderr)
        return 2
    if not Path(args.output_dir).is_dir():
        print(f"{prog}: --output-dir {args.output_dir}: no such folder — give the folder the packs were built into",
              file=sys.stderr)
        return 2
    from .verify import verify

    previous = _install(_stop_now)
    handler = configure_logging(args.verbose)
    try:
        report = verify(args.period, args.boroughs, args.output_dir, args.jobs, not args.no_progress)
    except RunInterrupted as exc:
        print(f"{prog}: stopped by {'Ctrl-C' if exc.signum == signal.SIGINT else 'SIGTERM'}; nothing was "
              "changed in the output folder", file=sys.stderr)
        return exc.exit_status
    except BoardPackError as exc:
        if args.debug:
            raise
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    finally:
        _remove_logging(handler)
        for signum, old in previous.items():
            signal.signal(signum, old)
    for verdict in report.verdicts:
        print(verdict.line())
    same = sum(v.status == "identical" for v in report.verdicts)
    print(f"{same} of {len(report.verdicts)} borough(s) identical for {report.period}")
    return 0 if report.ok else 1


def _stop_now(signum, frame):
    raise RunInterrupted(signum)


def _install(handler) -> dict:
    """Handle SIGINT and SIGTERM with ``handler``; return the handlers it replaced."""
    previous = {}
    for signum in STOP_SIGNALS:
        try:
            previous[signum] = signal.signal(signum, handler)
        except ValueError:  # not the main thread (the command run from a thread): leave signals alone
            break
    return previous


def interrupted_line(exc: RunInterrupted) -> str:
    """The one line printed when a run is stopped by a signal."""
    from .batch import SIGNAL_WORDS

    how = SIGNAL_WORDS.get(exc.signum, f"signal {exc.signum}")
    how = "Ctrl-C" if exc.signum == signal.SIGINT else how
    report = exc.report
    if report is None:
        return f"interrupted by {how} before any borough was built; no pack was changed"
    total = len(report.results) + len(report.not_done)
    if not report.results:
        return (f"interrupted by {how} before any of the {total} boroughs was finished; they keep their previous "
                "packs and nothing half-made was published")
    built, skipped, failed = report.count("built"), report.count("skipped"), report.count("failed")
    parts = [f"{built} built"] + ([f"{skipped} unchanged"] if skipped else [])
    parts += [f"{failed} failed"] if failed else []
    line = (f"interrupted by {how} after {len(report.results)} of {total} boroughs ({', '.join(parts)}, "
            "in manifest.json)")
    if report.not_done:
        line += f"; the other {len(report.not_done)} keep their previous packs"
    return line + "; nothing half-made was published"
