"""Two independent pieces of work on two cores: one in a forked child, one here.

Preparing data has one long part that nothing else waits on (the stop-and-search files: one per
month, every record placed in a borough polygon) beside many short ones. :func:`side_by_side`
runs the long part in a child forked from this process while this process does the rest.

The child's work must be self-contained: it writes its own files, and what it returns is small
and picklable. Whatever goes wrong in the child (an exception, a crash, a signal) is not
reported from there: the caller gets :data:`NOT_DONE` and does that part itself, so an error is
raised here, whole, exactly as without the child. Where forking is not used (the ``spawn``
start method, one core, or a process with other threads running, such as a Jupyter kernel),
both parts run here, one after the other.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import time

from .start_method import start_method


class _NotDone:
    def __repr__(self) -> str:
        return "NOT_DONE"


NOT_DONE = _NotDone()


def can_fork_here(method: str | None = None) -> bool:
    """Whether a helper child may be forked: the ``fork`` start method, two cores or more, no other thread.

    ``method`` is the run's start method; by default the one :func:`boardpack.start_method.start_method` gives.
    """
    return start_method(method) == "fork" and (os.cpu_count() or 1) > 1 and threading.active_count() == 1


def side_by_side(side, here, method: str | None = None):
    """Run ``side()`` in a forked child while this process runs ``here()``.

    ``method`` is the run's start method (:func:`can_fork_here`).

    Returns
    -------
    tuple
        ``(side's result, here's result)``. Side's result is :data:`NOT_DONE` when the child
        did not finish it and report (the caller then calls ``side()`` itself), or when no child
        was forked (see :func:`can_fork_here`).

    If ``here()`` raises, the child is asked to stop (SIGINT, so its ``finally`` blocks run) and
    reaped before the exception goes on.
    """
    if not can_fork_here(method):
        return NOT_DONE, here()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child ends in os._exit, measured through the parent
        os.close(read)
        _child(side, write)
    os.close(write)
    try:
        mine = here()
    except BaseException:
        os.close(read)
        _stop(pid)
        raise
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    try:
        return pickle.loads(data), mine
    except Exception:  # nothing, or half a result: the child failed or died
        return NOT_DONE, mine


def _child(side, write: int) -> None:  # pragma: no cover - runs in the forked child
    try:
        payload = pickle.dumps(side())
    except BaseException:
        os._exit(1)  # the parent does this part itself and raises the error there
    try:
        with os.fdopen(write, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(0)


def _stop(pid: int, grace: float = 10.0) -> None:
    """Ask the child to stop, give it ``grace`` seconds to tidy up, then kill it; reap it."""
    try:
        os.kill(pid, signal.SIGINT)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return
        time.sleep(0.02)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
