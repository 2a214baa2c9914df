"""The kernel manager the batch runs notebooks with, and how the batch stops processes.

Kernels talk to papermill over Unix domain sockets (``ipc``) rather than TCP, so no port is
opened on the machine and ipykernel has no reason to warn about unencrypted TCP traffic.

A batch worker sets :data:`RUNTIME_ENV` to the run's private folder inside the output folder
(mode 0o700). The kernels' connection files (which hold their HMAC keys) and their socket files
then live there, never in the user's Jupyter runtime folder, ``/tmp`` or the working directory,
and the run removes the folder when it ends. A run killed outright leaves the folder behind
for the next run to remove.
"""

from __future__ import annotations

import os
import signal
import uuid

from jupyter_client.manager import AsyncKernelManager
from traitlets import default

RUNTIME_ENV = "BOARDPACK_RUNTIME_DIR"
# A Unix socket path holds at most 107 bytes on Linux (103 on macOS); ZeroMQ adds "-<port>".
_SOCKET_PATH_MAX = 96


class LocalKernelManager(AsyncKernelManager):
    """An :class:`AsyncKernelManager` whose kernels listen on IPC sockets only.

    With :data:`RUNTIME_ENV` set, the connection file is ``<runtime>/k-<id>.json`` and the
    sockets ``<runtime>/k-<id>-ipc-<port>``. When that path is too long for a Unix socket
    (a deeply nested output folder), the socket address is given relative to the working
    directory, which papermill sets to the borough's build folder for both ends.
    """

    @default("transport")
    def _default_transport(self):
        return "ipc"


    @default("connection_file")
    def _default_connection_file(self):
        folder = os.environ.get(RUNTIME_ENV)
        if not folder:
            return ""  # jupyter_client's own default
        return os.path.join(folder, f"k-{uuid.uuid4().hex[:8]}.json")

    @default("ip")
    def _default_ip(self):
        if self.transport != "ipc" or not self.connection_file:
            return super()._ip_default()
        base = os.path.splitext(self.connection_file)[0] + "-ipc"
        if len(os.fsencode(base)) <= _SOCKET_PATH_MAX:
            return base
        relative = os.path.relpath(base)
        return relative if len(os.fsencode(relative)) < len(os.fsencode(base)) else base


def kill_process_tree(pid: int, include_self: bool = True) -> None:
    """Kill a process and every process it started, with SIGKILL.

    The process is frozen first so it cannot start another while its family is listed.
    Kernels run in sessions of their own, so a process that leads its own group (a kernel,
    a batch worker) is killed with its whole group; the caller's own group is never touched.

    Parameters
    ----------
    pid : int
        The process at the top of the tree.
    include_self : bool
        False to kill only its descendants (a worker cleaning up before it exits).
    """
    import psutil

    try:
        root = psutil.Process(pid)
        if include_self:
            root.suspend()
        family = root.children(recursive=True)
    except psutil.Error:
        return
    for proc in family:
        try:
            proc.suspend()
        except psutil.Error:
            pass
    targets = ([root] if include_self else []) + family
    for proc in targets:
        _kill(proc)
    _wait_gone(targets)


def kill_processes_in(folder) -> list[int]:
    """Kill every process whose working directory is ``folder`` or inside it.

    papermill starts a borough's kernel in its build folder, so this finds the kernel of a
    worker that was killed (the kernel outlives it) before that folder is removed.

    Returns
    -------
    list of int
        The process ids killed.
    """
    import psutil

    root = os.path.realpath(folder)
    found = []
    for proc in psutil.process_iter(["pid"]):
        if proc.pid == os.getpid():
            continue
        try:
            cwd = os.path.realpath(proc.cwd())
        except (psutil.Error, OSError):
            continue
        if cwd == root or cwd.startswith(root + os.sep):
            found.append(proc)
    for proc in found:
        _kill(proc)
    return [p.pid for p in found]


def kill_processes_using(folder) -> list[int]:
    """Kill every process whose command line names ``folder`` (kernels started from a run folder).

    The kernels of a run are started with ``-f <run folder>/k-<id>.json``, so this finds them
    even when the worker that started them is gone.

    Returns
    -------
    list of int
        The process ids killed.
    """
    import psutil

    needle = str(folder)
    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        if proc.pid == os.getpid():
            continue
        try:
            cmdline = proc.info["cmdline"] or []
        except psutil.Error:
            continue
        if any(needle in part for part in cmdline):
            found.append(proc)
    for proc in found:
        _kill(proc)
    _wait_gone(found)
    return [p.pid for p in found]


def _wait_gone(procs, timeout: float = 5.0) -> None:
    """Wait until the processes are dead: gone, or zombies waiting for their parent to reap them."""
    import time

    import psutil

    deadline = time.monotonic() + timeout
    alive = list(procs)
    while alive and time.monotonic() < deadline:
        still = []
        for proc in alive:
            try:
                if proc.status() != psutil.STATUS_ZOMBIE:
                    still.append(proc)
            except psutil.Error:
                pass
        alive = still
        if alive:
            time.sleep(0.05)


def _kill(proc) -> None:
    import psutil

    try:
        group = os.getpgid(proc.pid)
        if group == proc.pid and group != os.getpgid(0):
            os.killpg(group, signal.SIGKILL)  # a kernel or worker, with anything it started in its group
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError, psutil.Error):
        pass
