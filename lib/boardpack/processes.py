"""The processes a run starts: recorded, recognised, and stopped. No other process is ever signalled.

Every worker, borough process and kernel a run starts is recorded in the run's private folder
(``<output-dir>/.runtime/<run-id>/processes/``), one small JSON file each: its pid, its process
group and its start time, with its role and borough. Stopping reads those records and signals a
process only while its pid still belongs to the process that was recorded, that is while the
start time the system gives for that pid is the recorded one: a pid the system has since handed
to another program is left alone. A recorded process that leads a process group of its own (a
kernel, a worker) is stopped with its group, which holds only what it started; nothing here
looks through the machine's process table for processes to stop.

Forking is refused while other threads run (:func:`fork`): a forked child holds only the thread
that forked, so a lock another thread held at that moment would stay locked in it for ever.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .atomic import write_json_atomic

RECORDS = "processes"
# How long :func:`stop` waits for the processes it killed to be gone, in seconds.
STOP_WAIT = 5.0


@dataclass(frozen=True)
class ProcessRecord:
    """A process the run started: enough to recognise it later and to stop it and what it started."""

    pid: int
    pgid: int
    started: str  # the start time the system gives for the pid (see start_time)
    role: str  # "worker", "build" (a borough's process) or "kernel"
    borough: str | None = None

    def is_running(self) -> bool:
        """Whether the pid still belongs to this process and it has not exited (a zombie has)."""
        return start_time(self.pid) == self.started


def start_time(pid: int) -> str | None:
    """When the process ``pid`` started, as the system counts it; None if it is gone or a zombie.

    On Linux this is the start time in clock ticks since boot from ``/proc/<pid>/stat``, which
    the clock's adjustments do not move; elsewhere psutil's creation time.
    """
    if sys.platform.startswith("linux"):
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            return None
        fields = stat[stat.rindex(b")") + 2:].split()  # after "pid (name) ": state, ppid, ...
        if fields[0] in (b"Z", b"X"):
            return None
        return fields[19].decode()
    import psutil

    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return None
        return repr(proc.create_time())
    except psutil.Error:
        return None


def record(folder: str | Path | None, pid: int, role: str, borough: str | None = None) -> ProcessRecord | None:
    """Record the process ``pid``, which the caller started, in the run folder ``folder``.

    Returns the record, or None when there is no run folder or the process has already gone
    (there is then nothing to stop).
    """
    started = start_time(pid)
    if folder is None or started is None:
        return None
    try:
        pgid = os.getpgid(pid)
    except ProcessLookupError:
        return None
    entry = ProcessRecord(pid, pgid, started, role, borough)
    records = Path(folder) / RECORDS
    records.mkdir(exist_ok=True)
    write_json_atomic(records / f"{role}-{pid}-{started}.json", asdict(entry))
    return entry


def recorded(folder: str | Path, borough: str | None = None, roles=None) -> list[ProcessRecord]:
    """The processes recorded in the run folder ``folder``, optionally of one borough or some roles."""
    found = []
    for path in sorted((Path(folder) / RECORDS).glob("*.json")):
        try:
            entry = ProcessRecord(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            continue  # half-written by a process killed mid-write: it never ran anything to stop
        if (borough is None or entry.borough == borough) and (roles is None or entry.role in roles):
            found.append(entry)
    return found


def kill_with_group(pid: int) -> None:
    """SIGKILL ``pid``, with the whole process group it leads if it leads one (never this process's group).

    Call it only on a process this run started and knows is still the same process (a recorded one
    checked by its start time, or a child not yet reaped): the group it leads holds only what it
    started. Raises :class:`ProcessLookupError` when it has gone.
    """
    if os.getpgid(pid) == pid and pid != os.getpgid(0):
        os.killpg(pid, signal.SIGKILL)
    else:
        os.kill(pid, signal.SIGKILL)


def stop(records, wait: float = STOP_WAIT) -> list[int]:
    """Kill each recorded process that is still the one recorded, with its group if it leads one.

    Waits up to ``wait`` seconds for them to be gone (a zombie counts as gone: its parent reaps
    it). Returns the pids signalled.
    """
    signalled = []
    for entry in records:
        if entry.pid == os.getpid() or not entry.is_running():
            continue
        try:
            kill_with_group(entry.pid)
        except (ProcessLookupError, PermissionError):
            continue
        signalled.append(entry)
    deadline = time.monotonic() + wait
    while any(e.is_running() for e in signalled) and time.monotonic() < deadline:
        time.sleep(0.01)
    return [e.pid for e in signalled]


def stop_recorded(folder: str | Path | None, borough: str | None = None, roles=None) -> list[int]:
    """:func:`stop` the processes recorded in ``folder`` (of one borough, or some roles, if given)."""
    if folder is None or not (Path(folder) / RECORDS).is_dir():
        return []
    return stop(recorded(folder, borough, roles))


def fork() -> int:
    """:func:`os.fork`, refused while another Python thread runs in this process.

    Raises
    ------
    RuntimeError
        When another thread is running: fork before starting threads, or not at all.
    """
    if threading.active_count() > 1:
        names = ", ".join(t.name for t in threading.enumerate() if t is not threading.current_thread())
        raise RuntimeError(f"refusing to fork while other threads run ({names}): a forked child would hold "
                           "only this thread, and any lock another thread held would stay locked in it")
    return os.fork()


def close_quietly(fds) -> None:
    """Close file descriptors a forked process must not keep; one already closed is no error."""
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass
