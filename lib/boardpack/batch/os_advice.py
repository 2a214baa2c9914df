"""Errors of the machine (a full or read-only disk, a folder you cannot write) in plain words."""

from __future__ import annotations

import errno

# Errors of the machine rather than of one borough: every other borough would fail the same way.
FATAL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


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
