"""Exceptions raised by boardpack. Every error subclasses :class:`BoardPackError`."""

from __future__ import annotations


class BoardPackError(Exception):
    """Base class for every error that boardpack raises on purpose."""


class UnknownBoroughError(BoardPackError, KeyError):
    """A borough name, slug or code that the registry cannot resolve."""

    def __str__(self) -> str:  # KeyError would otherwise print the repr of the message
        return str(self.args[0]) if self.args else ""


class DataValidationError(BoardPackError, ValueError):
    """An input file broke a rule, so no figures may be computed from it.

    Parameters
    ----------
    file : str or Path
        The input file at fault.
    rule : str
        The rule that was broken, in plain words.
    row : int, optional
        The 1-based line of the file (header is line 1), where it is known.
    column : str, optional
        The column at fault, where it is known.
    """

    def __init__(self, file, rule: str, row: int | None = None, column: str | None = None):
        self.file = str(file)
        self.rule = rule
        self.row = row
        self.column = column
        where = [self.file]
        if row is not None:
            where.append(f"line {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {rule}")

    def __reduce__(self):  # workers are processes: the error must cross a pickle intact
        return (type(self), (self.file, self.rule, self.row, self.column))


class CoverageError(BoardPackError, ValueError):
    """The requested period is not covered by the data at all."""


class RenderError(BoardPackError):
    """A notebook could not be rendered to HTML or PDF."""


class EmptyInputError(DataValidationError):
    """An input file holds no data rows (it is empty, or has only its header).

    For the crime files this refuses the run; for every optional source the store records
    the source as ``empty`` and the sections that read it show their "not available" box,
    naming the file.
    """

    def __init__(self, file, rule: str = "the file has no data rows (it is empty or holds only its header)"):
        super().__init__(file, rule)

    def __reduce__(self):
        return (type(self), (self.file, self.rule))


class OptionError(BoardPackError, ValueError):
    """A command-line option the run cannot use, refused before any work is done.

    Parameters
    ----------
    option : str
        The option at fault, e.g. ``"--jobs"``; with its value or path where that helps.
    problem : str
        What is wrong and what to do instead, in plain words.
    """

    def __init__(self, option: str, problem: str):
        self.option = option
        self.problem = problem
        super().__init__(f"{option}: {problem}")

    def __reduce__(self):  # workers are processes: the error must cross a pickle intact
        return (type(self), (self.option, self.problem))


class OutputsBusyError(BoardPackError):
    """Another run is already building packs into the same output folder."""


class RunStoppedError(BoardPackError):
    """The run stopped because no pack can be written at all (disk full, read-only disk).

    The message names the path and says what to do; boroughs finished before it are kept.
    """


class RunInterrupted(KeyboardInterrupt):
    """The run was asked to stop by Ctrl-C (SIGINT) or a termination request (SIGTERM).

    It subclasses :class:`KeyboardInterrupt`, not :class:`BoardPackError`, on purpose: no
    ``except Exception`` on the way up may swallow a request to stop.

    Parameters
    ----------
    signum : int
        The signal received.
    report : boardpack.batch.RunReport, optional
        What the run had finished when it stopped (None when it stopped before any borough was
        planned).
    """

    def __init__(self, signum: int, report=None):
        self.signum = int(signum)
        self.report = report
        super().__init__(signum)

    def __reduce__(self):
        return (type(self), (self.signum, self.report))

    @property
    def exit_status(self) -> int:
        """The shell's convention for a process stopped by a signal: 128 + the signal number."""
        return 128 + self.signum


class ConfigurationError(BoardPackError, ValueError):
    """A method choice the suite does not know: an unknown crime vintage, pack row or Census fold.

    Distinct from :class:`CoverageError`, which says the *data* do not cover what was asked.
    """


class FetchError(BoardPackError):
    """A public file could not be downloaded or did not match its expected checksum."""


class BoardPackWarning(UserWarning):
    """Base class of every warning boardpack issues (a method applied approximately, say)."""
