"""The kernel manager the batch runs notebooks with.

Kernels talk to papermill over Unix domain sockets (``ipc``) rather than TCP, so no port is
opened on the machine and ipykernel has no reason to warn about unencrypted TCP traffic.
"""

from __future__ import annotations

from jupyter_client.manager import AsyncKernelManager
from traitlets import default


class LocalKernelManager(AsyncKernelManager):
    """An :class:`AsyncKernelManager` whose kernels listen on IPC sockets only."""

    @default("transport")
    def _default_transport(self):
        return "ipc"
