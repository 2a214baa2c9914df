"""The kernel manager the batch runs notebooks with, and how the batch stops processes.

Kernels talk to papermill over Unix domain sockets (``ipc``) rather than TCP, so no port is
opened on the machine and ipykernel has no reason to warn about unencrypted TCP traffic.

A batch worker sets :data:`RUNTIME_ENV` to the run's private folder inside the output folder
(mode 0o700). The kernels' connection files (which hold their HMAC keys) and their socket files
then live there, never in the user's Jupyter runtime folder, ``/tmp`` or the working directory,
and the run removes the folder when it ends. A run killed outright leaves the folder behind
for the next run to remove.

How a kernel starts (:mod:`boardpack.start_method`): ``spawn`` starts a new Python for it, which imports
ipykernel, pandas, matplotlib and the suite again; ``fork`` (the default on Linux) forks it
from the batch worker, which has imported all of them once (:class:`WaitingKernel`,
:class:`ForkedKernelManager`). Either way the kernel is a process of its own that papermill
talks to over the same sockets, and it is killed the same way.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import time
import uuid
from queue import Empty

from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type, default

RUNTIME_ENV = "BOARDPACK_RUNTIME_DIR"
# A Unix socket path holds at most 107 bytes on Linux (103 on macOS); ZeroMQ adds "-<port>".
_SOCKET_PATH_MAX = 96
# How often a kernel asked to shut down is checked for having gone, in seconds.
SHUTDOWN_POLL = 0.005


class PromptKernelClient(AsyncKernelClient):
    """A kernel client that is ready as soon as the kernel has answered and said so on IOPub.

    jupyter_client's client asks for ``kernel_info`` until the reply comes and a first IOPub
    message shows IOPub is connected, then reads IOPub until it has been silent for 0.2 s, to
    drop what the kernel said while starting. Every borough waited out those 0.2 s. This one
    reads IOPub only until the kernel's ``idle`` status after a ``kernel_info`` request, the last
    thing the kernel says about it. IOPub drops what the kernel says before the subscription
    reaches it, which the kernel marks with an ``iopub_welcome`` message: on that message the
    client asks again, and the answer to that request is sure to come. If IOPub stays silent for
    0.2 s, it asks again, as jupyter_client does. What the kernel says later about these
    requests is left unread: nbclient reads only the messages of the notebook's own requests.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            asked = {self.kernel_info()}
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                if await self._idle_after(asked):
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if deadline is not None and time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def _idle_after(self, asked: set) -> bool:
        """Read IOPub up to the kernel's idle status after one of the ``asked`` requests.

        False after 0.2 s of silence. On ``iopub_welcome`` (subscribed only now) one more request
        is sent and added to ``asked``.
        """
        while True:
            try:
                msg = await self.iopub_channel.get_msg(timeout=0.2)
            except Empty:
                return False
            if msg["msg_type"] == "iopub_welcome":
                asked.add(self.kernel_info())
            elif (msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle"
                    and msg["parent_header"].get("msg_id") in asked):
                return True


class LocalKernelManager(AsyncKernelManager):
    """An :class:`AsyncKernelManager` whose kernels listen on IPC sockets only.

    With :data:`RUNTIME_ENV` set, the connection file is ``<runtime>/k-<id>.json`` and the
    sockets ``<runtime>/k-<id>-ipc-<port>``. When that path is too long for a Unix socket
    (a deeply nested output folder), the socket address is given relative to the working
    directory, which papermill sets to the borough's build folder for both ends.

    Its clients are :class:`PromptKernelClient`, ready without waiting out a silent IOPub.

    At the end of a notebook the kernel is still asked to shut down and given the same time to
    do so, but whether it has gone is checked every :data:`SHUTDOWN_POLL` seconds rather than
    jupyter_client's 0.1 s, which every borough otherwise waited out in full.
    """

    client_class = DottedObjectName("boardpack.kernel.PromptKernelClient")
    client_factory = Type(klass=PromptKernelClient)

    async def _async_finish_shutdown(self, waittime=None, pollinterval=0.1, restart=False):
        return await super()._async_finish_shutdown(waittime, min(pollinterval, SHUTDOWN_POLL), restart)

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


class WaitingKernel:
    """A process forked from this one that waits to become a kernel.

    Fork it before anything starts threads or event loops (a fork copies only the calling
    thread): it then holds every module this process imported, and :meth:`start` turns it into
    an ipykernel with the command line, folder and environment papermill gives a new kernel.
    Its process handle has the parts of :class:`subprocess.Popen` that jupyter_client uses.

    Parameters
    ----------
    close_fds : iterable of int
        Descriptors the kernel must not keep (a worker's line to its parent, whose end of file
        tells the parent the worker died).
    prepare : callable, optional
        Called in the forked process while it waits, before it reads its command line: it may
        import what the notebook will import, while this process goes on to start papermill.
        It only saves time: if it fails, the notebook meets the same failure in its own cell.
    """

    stdin = stdout = stderr = None

    def __init__(self, close_fds=(), prepare=None):
        read, write = os.pipe()
        owner = os.getpid()  # read here: the forked process may first run after this one has died
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the forked process ends in os._exit
            close_quietly([write, *close_fds])
            _become_kernel(read, owner, prepare)
        os.close(read)
        self.pid, self.returncode, self._go = pid, None, write

    @property
    def unused(self) -> bool:
        """Not yet told to become a kernel."""
        return self._go is not None

    def start(self, argv: list[str], cwd: str, env: dict[str, str]) -> None:
        """Become the kernel: ``argv`` are ipykernel's arguments (``-f <connection file>`` …)."""
        with os.fdopen(self._go, "wb") as go:
            self._go = None
            go.write(pickle.dumps((list(argv), str(cwd), dict(env))))

    def discard(self) -> None:
        """Let a kernel that was never started exit (it reads end of file), and reap it."""
        if self._go is not None:
            os.close(self._go)
            self._go = None
        self.wait()

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = 0
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            try:
                _, status = os.waitpid(self.pid, 0)
                self.returncode = os.waitstatus_to_exitcode(status)
            except ChildProcessError:
                self.returncode = 0
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def close_quietly(fds) -> None:
    """Close file descriptors a forked process must not keep; one already closed is no error."""
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


def _become_kernel(go: int, owner: int, prepare=None):  # pragma: no cover - runs in the forked process
    code = 1
    try:
        if prepare is not None:
            try:
                prepare()
            except Exception:  # noqa: BLE001 - the notebook's own import or read reports it
                pass
        chunks = []
        while chunk := os.read(go, 1 << 16):
            chunks.append(chunk)
        os.close(go)
        if not chunks:
            code = 0  # discarded: the borough needed no kernel
            return
        argv, cwd, env = pickle.loads(b"".join(chunks))
        if os.getppid() != owner:
            code = 0  # the process that forked it died while it prepared: its borough was abandoned
            return
        os.setsid()  # a session of its own, as jupyter_client starts kernels
        try:
            os.chdir(cwd)
        except FileNotFoundError:
            if os.getppid() == owner:
                raise
            code = 0  # abandoned since, and its build folder removed
            return
        os.environ.clear()
        os.environ.update(env)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        sys.argv = [sys.executable, *argv]
        _as_if_imported_in_a_kernel()
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _as_if_imported_in_a_kernel() -> None:  # pragma: no cover - runs in the forked process
    """Undo what a module decided at import from not running in a kernel, as the worker did not.

    pandas sets ``display.max_columns`` when it is imported: 0 (fit the terminal) outside a
    kernel, 20 inside one. A spawned kernel imports pandas inside the kernel, so its DataFrames
    print with 20 columns at most; a forked kernel must print them the same way.
    """
    pandas = sys.modules.get("pandas")
    if pandas is not None and pandas.get_option("display.max_columns") == 0:
        pandas.set_option("display.max_columns", 20)


def ipykernel_argv(kernel_cmd: list[str]) -> list[str] | None:
    """ipykernel's own arguments in a kernel command that runs this Python, else None.

    The command may carry ``-X`` options for the interpreter (ipykernel's spec asks for
    ``-Xfrozen_modules=off``, for its debugger); a forked kernel keeps this interpreter's.
    """
    if not kernel_cmd or os.path.realpath(kernel_cmd[0]) != os.path.realpath(sys.executable):
        return None
    rest = list(kernel_cmd[1:])
    while rest and rest[0].startswith("-X"):
        rest.pop(0)
    if rest[:2] != ["-m", "ipykernel_launcher"]:
        return None
    return rest[2:]


class ForkedKernelManager(LocalKernelManager):
    """A :class:`LocalKernelManager` that starts its kernel from a :class:`WaitingKernel`.

    :func:`forked_kernel_manager` binds the waiting process. A kernel spec that runs another
    Python, a second start (a restart), or no waiting process, launch as :class:`LocalKernelManager` does.
    """

    waiting: WaitingKernel | None = None

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        from jupyter_client.provisioning import LocalProvisioner

        cls = type(self)
        waiting, cls.waiting = cls.waiting, None
        argv = ipykernel_argv(kernel_cmd)
        if waiting is None or argv is None or type(self.provisioner) is not LocalProvisioner:
            if waiting is not None:
                waiting.discard()
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        cwd = str(kw.get("cwd") or os.getcwd())
        env = dict(kw.get("env") or os.environ)
        if not kw.get("independent"):
            # As jupyter_client's launcher does: the kernel polls this process and exits when it dies.
            env["JPY_PARENT_PID"] = str(os.getpid())
        waiting.start(argv, cwd, env)
        provisioner = self.provisioner
        provisioner.process, provisioner.pid, provisioner.pgid, provisioner.cwd = waiting, waiting.pid, waiting.pid, cwd
        self._reconcile_connection_info(provisioner.connection_info)


def forked_kernel_manager(waiting: WaitingKernel) -> type[ForkedKernelManager]:
    """A :class:`ForkedKernelManager` class whose first kernel is ``waiting`` (papermill takes a class)."""
    return type("ForkedKernelManager", (ForkedKernelManager,), {"waiting": waiting})


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
