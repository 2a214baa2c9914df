"""The kernel provisioner of a batch run: records each kernel it starts, and starts forked ones.

Registered as ``boardpack-provisioner`` under jupyter_client's ``jupyter_client.kernel_provisioners``
entry point (pyproject.toml), and named in the kernel specs :class:`boardpack.batch.kernel.BoardPackKernelManager`
hands out. It is jupyter_client's :class:`~jupyter_client.provisioning.LocalProvisioner`, which is
meant to be subclassed, with three changes:

- **Forked kernels.** When its kernel manager holds a :class:`~boardpack.batch.kernel.WaitingKernel`
  and the kernel command runs this Python's ipykernel, the waiting process becomes the kernel
  instead of a new Python starting (the ``fork`` start method). Any other command, a second
  start (a restart), or no waiting process: a new process, as the local provisioner starts it.
- **Records.** Every kernel it starts is recorded in the run's private folder
  (:func:`boardpack.processes.record`), so the run can stop it later, and only it.
- **Prompt shutdown.** Once the kernel has been asked to shut down, :meth:`poll` watches for it
  to exit every :data:`SHUTDOWN_POLL` seconds for up to :data:`EXIT_WATCH` seconds, rather than
  answering at once: jupyter_client's manager polls every 0.1 s, which every borough otherwise
  waited out in full. The time the manager allows the kernel is unchanged.
"""

from __future__ import annotations

import asyncio
import os

from jupyter_client.provisioning import LocalProvisioner

from ..processes import record
from .kernel import ipykernel_argv, runtime_dir

# How often a kernel asked to shut down is checked for having gone, in seconds.
SHUTDOWN_POLL = 0.005
# How long one poll watches a kernel asked to shut down before it answers "still running".
EXIT_WATCH = 0.1


class BoardPackProvisioner(LocalProvisioner):
    """A local provisioner that starts forked kernels, records its kernels and sees them exit promptly."""

    exiting = False

    async def launch_kernel(self, cmd, **kwargs):
        """Start the kernel: the manager's waiting process if it can run ``cmd``, else a new process."""
        take = getattr(self.parent, "take_waiting", None)
        waiting = take() if take is not None else None
        argv = ipykernel_argv(cmd)
        if waiting is None or argv is None:
            if waiting is not None:
                waiting.discard()
            info = await super().launch_kernel(cmd, **kwargs)
        else:
            cwd = str(kwargs.get("cwd") or os.getcwd())
            env = dict(kwargs.get("env") or os.environ)
            if not kwargs.get("independent"):
                # As jupyter_client's launcher does: the kernel polls this process and exits when it dies.
                env["JPY_PARENT_PID"] = str(os.getpid())
            waiting.start(argv, cwd, env)
            # The attributes the local provisioner keeps of the process it started.
            self.process, self.pid, self.pgid, self.cwd = waiting, waiting.pid, waiting.pid, cwd
            info = self.connection_info
        record(runtime_dir(), self.pid, "kernel", getattr(self.parent, "borough", None))
        return info

    async def shutdown_requested(self, restart: bool = False) -> None:
        await super().shutdown_requested(restart=restart)
        self.exiting = not restart

    async def poll(self):
        """The exit code, or None while the kernel runs; asked to shut down, it watches for the exit a moment."""
        code = await super().poll()
        if code is None and self.exiting:
            loop = asyncio.get_running_loop()
            until = loop.time() + EXIT_WATCH
            while code is None and loop.time() < until:
                await asyncio.sleep(SHUTDOWN_POLL)
                code = await super().poll()
        return code
