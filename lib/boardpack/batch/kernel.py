"""The kernels a batch run executes its notebooks in: where they listen, how they start, when they are ready.

Kernels talk to papermill over Unix domain sockets (``ipc``) rather than TCP, so no port is
opened on the machine and ipykernel has no reason to warn about unencrypted TCP traffic.

A batch worker sets :data:`RUNTIME_ENV` to the run's private folder inside the output folder
(mode 0o700). The kernels' connection files (which hold their HMAC keys), their socket files and
the records of the processes the run started (:mod:`boardpack.processes`) then live there, never
in the user's Jupyter runtime folder, ``/tmp`` or the working directory, and the run removes the
folder when it ends. A run killed outright leaves the folder behind for the next run to clear.

Everything here uses jupyter_client's public extension points: a kernel manager subclass with
its own trait defaults (the class papermill is given), a kernel client whose public
``wait_for_ready`` is overridden, and the kernel provisioner
:class:`boardpack.batch.provisioner.BoardPackProvisioner`, registered under the
``jupyter_client.kernel_provisioners`` entry point and named in the kernel spec this manager
hands out. The provisioner records every kernel the run starts and, under the ``fork`` start
method, turns a :class:`WaitingKernel` (forked from the warm worker, which has imported the
suite once) into the kernel instead of starting a new Python.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import time
import uuid
from queue import Empty

import jupyter_client
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.localinterfaces import localhost
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type, default

from ..processes import close_quietly, fork, kill_with_group

RUNTIME_ENV = "BOARDPACK_RUNTIME_DIR"
# The provisioner's name under the ``jupyter_client.kernel_provisioners`` entry point (pyproject.toml).
PROVISIONER = "boardpack-provisioner"
# A Unix socket path holds at most 107 bytes on Linux (103 on macOS); ZeroMQ adds "-<port>".
_SOCKET_PATH_MAX = 96


def runtime_dir() -> str | None:
    """The run's private folder, as a batch worker was given it; None outside a run."""
    return os.environ.get(RUNTIME_ENV) or None


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
                if await self.idle_after(asked):
                    self.adapt_to(reply)
                    return
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if deadline is not None and time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def idle_after(self, asked: set) -> bool:
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

    def adapt_to(self, reply: dict) -> None:
        """Speak the kernel's major protocol version, if it is not this client's, as jupyter_client's client does."""
        version = int(reply["content"]["protocol_version"].split(".")[0])
        if version != jupyter_client.protocol_version_info[0]:
            self.session.adapt_version = version


class ProvisionedSpecs(KernelSpecManager):
    """Kernel specs that name :data:`PROVISIONER` where they name no provisioner of their own.

    A spec that asks for another provisioner keeps it: its kernels are then started, and
    recorded, as that provisioner does.
    """

    def get_kernel_spec(self, kernel_name):
        spec = super().get_kernel_spec(kernel_name)
        named = (spec.metadata.get("kernel_provisioner") or {}).get("provisioner_name")
        if named in (None, "local-provisioner"):
            spec.metadata = {**spec.metadata, "kernel_provisioner": {"provisioner_name": PROVISIONER, "config": {}}}
        return spec


class BoardPackKernelManager(AsyncKernelManager):
    """An :class:`AsyncKernelManager` whose kernels listen on IPC sockets and start through the suite's provisioner.

    With :data:`RUNTIME_ENV` set, the connection file is ``<runtime>/k-<id>.json`` and the
    sockets ``<runtime>/k-<id>-ipc-<port>``. When that path is too long for a Unix socket
    (a deeply nested output folder), the socket address is given relative to the working
    directory, which papermill sets to the borough's build folder for both ends.

    Its clients are :class:`PromptKernelClient`, ready without waiting out a silent IOPub.
    :func:`kernel_manager` makes the class for one borough: :attr:`borough` names it in the
    records of its kernels, and :attr:`waiting` is the forked process its first kernel becomes.
    """

    borough: str | None = None
    waiting: WaitingKernel | None = None

    client_class = DottedObjectName("boardpack.batch.kernel.PromptKernelClient")
    client_factory = Type(klass=PromptKernelClient)

    @default("kernel_spec_manager")
    def _default_kernel_spec_manager(self):
        return ProvisionedSpecs(data_dir=self.data_dir)

    @default("transport")
    def _default_transport(self):
        return "ipc"

    @default("connection_file")
    def _default_connection_file(self):
        folder = runtime_dir()
        if not folder:
            return ""  # jupyter_client's own default
        return os.path.join(folder, f"k-{uuid.uuid4().hex[:8]}.json")

    @default("ip")
    def _default_ip(self):
        if self.transport != "ipc":
            return localhost()
        if not self.connection_file:
            return "kernel-ipc"  # jupyter_client's own name for it
        base = os.path.splitext(self.connection_file)[0] + "-ipc"
        if len(os.fsencode(base)) <= _SOCKET_PATH_MAX:
            return base
        relative = os.path.relpath(base)
        return relative if len(os.fsencode(relative)) < len(os.fsencode(base)) else base

    @classmethod
    def take_waiting(cls) -> WaitingKernel | None:
        """The waiting process for this class's first kernel, once; None after (a restart starts anew)."""
        waiting, cls.waiting = cls.waiting, None
        return waiting


def kernel_manager(borough: str | None = None, waiting: WaitingKernel | None = None) -> type[BoardPackKernelManager]:
    """The kernel manager class for one borough's notebook (papermill takes a class, not an instance)."""
    return type("BoardPackKernelManager", (BoardPackKernelManager,), {"borough": borough, "waiting": waiting})


class WaitingKernel:
    """A process forked from this one that waits to become a kernel.

    Fork it before anything starts threads or event loops (a fork copies only the calling
    thread; :func:`boardpack.processes.fork` refuses otherwise): it then holds every module this
    process imported, and :meth:`start` turns it into an ipykernel with the command line, folder
    and environment papermill gives a new kernel. Its process handle has the parts of
    :class:`subprocess.Popen` that jupyter_client's local provisioner uses.

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
        pid = fork()
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
        self.let_go()
        self.wait()

    def let_go(self) -> None:
        """Close this end of the line: a kernel never started then exits (it reads end of file)."""
        if self._go is not None:
            os.close(self._go)
            self._go = None

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
        if self.poll() is None:  # not yet reaped, so the pid is still this process's
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        """Kill it, with the process group it leads once it is a kernel, if it still runs; then reap it."""
        self.let_go()
        if self.poll() is not None:
            return
        try:
            kill_with_group(self.pid)  # not yet reaped, so still this process; a kernel leads its own session
        except ProcessLookupError:
            pass
        self.wait()


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
