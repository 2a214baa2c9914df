"""Two independent pieces of work on two cores: one in a forked child, one here.

Preparing data has one long part that nothing else waits on (the stop-and-search files: one per
month, every record placed in a borough polygon) beside many short ones. :func:`side_by_side`
runs the long part in a child forked from this process while this process does the rest;
:func:`two_lanes` does so for a set of independent tasks, such as the sources a store loads.

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

from .processes import fork
from .start_method import current_start_method


class _NotDone:
    def __repr__(self) -> str:
        return "NOT_DONE"


NOT_DONE = _NotDone()


def can_fork_here() -> bool:
    """Whether a helper child may be forked: the run's start method is ``fork``, two cores or more, no other thread."""
    return current_start_method() == "fork" and (os.cpu_count() or 1) > 1 and threading.active_count() == 1


def side_by_side(side, here):
    """Run ``side()`` in a forked child while this process runs ``here()``.

    Returns
    -------
    tuple
        ``(side's result, here's result)``. Side's result is :data:`NOT_DONE` when the child
        did not finish it and report (the caller then calls ``side()`` itself), or when no child
        was forked (see :func:`can_fork_here`).

    If ``here()`` raises, the child is asked to stop (SIGINT, so its ``finally`` blocks run) and
    reaped before the exception goes on.
    """
    if not can_fork_here():
        return NOT_DONE, here()
    read, write = os.pipe()
    pid = fork()
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


def two_lanes(slow: str):
    """A runner of independent tasks: the one named ``slow`` beside the others, which run here in order.

    The runner takes ``{name: task}`` and returns ``{name: outcome}`` for the tasks that ran: a
    task's result, or the exception it raised (the tasks after a failed one here are not run).
    A task absent from the answer was not run (the slow one when its child did not finish it,
    or when no child could be forked): the caller runs it itself, so its error is raised there,
    whole. With no slow task, or nothing beside it, it runs nothing.
    """

    def run(tasks: dict) -> dict:
        side = tasks.get(slow)
        rest = {name: task for name, task in tasks.items() if name != slow}
        if side is None or not rest:
            return {}

        def in_order() -> dict:
            done = {}
            for name, task in rest.items():
                try:
                    done[name] = task()
                except Exception as exc:
                    done[name] = exc
                    break
            return done

        side_outcome, done = side_by_side(side, in_order)
        return done if side_outcome is NOT_DONE else {**done, slow: side_outcome}

    return run


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
