"""How a batch run starts each borough's kernel: ``fork`` from a warm worker, or ``spawn`` a new Python.

``fork`` (the default on Linux) pays the imports of the suite once per worker
(:mod:`boardpack.batch.warm`); ``spawn`` starts every kernel from scratch, and is the default
where forking is missing or unsafe (Windows, macOS). Both give the same packs. Preparing the
data forks a helper for its longest part only under ``fork`` (:mod:`boardpack.side_lane`).
"""

from __future__ import annotations

import os
import sys

from .errors import ConfigurationError

START_ENV = "BOARDPACK_START_METHOD"
START_METHODS = ("fork", "spawn")


def default_start_method() -> str:
    """``fork`` on Linux, ``spawn`` elsewhere (macOS system libraries are not safe to fork)."""
    return "fork" if hasattr(os, "fork") and sys.platform.startswith("linux") else "spawn"


def start_method(requested: str | None = None) -> str:
    """``requested``, else the method :data:`START_ENV` names, else :func:`default_start_method`.

    Raises
    ------
    ConfigurationError
        For a name other than ``fork`` or ``spawn``, or ``fork`` where the system cannot fork.
    """
    method = requested or os.environ.get(START_ENV) or default_start_method()
    where = "the start method" if requested else f"${START_ENV}"
    if method not in START_METHODS:
        raise ConfigurationError(f"{where} is {method!r}: it must be 'fork' or 'spawn'")
    if method == "fork" and not hasattr(os, "fork"):
        raise ConfigurationError(f"{where} is 'fork', but this system cannot fork processes: use 'spawn'")
    return method
