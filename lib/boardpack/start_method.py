"""How a batch run starts each borough's kernel: ``fork`` from a warm worker, or ``spawn`` a new Python.

``fork`` (the default on Linux) pays the imports of the suite once per worker
(:mod:`boardpack.batch.warm`); ``spawn`` starts every kernel from scratch, and is the default
where forking is missing or unsafe (Windows, macOS). Both give the same packs. Preparing the
data forks a helper for its longest part only under ``fork`` (:mod:`boardpack.side_lane`).

The method is settled once per process, here: :func:`current_start_method` is what every part
of a run asks. A run chooses it for its own duration with :func:`chosen` (the command line's
``--start-method``, or ``run_all(start_method=...)``); anything else gets ``$BOARDPACK_START_METHOD``,
else the platform's default. A worker is given the run's choice in that variable.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

from .errors import ConfigurationError

START_ENV = "BOARDPACK_START_METHOD"
START_METHODS = ("fork", "spawn")

_chosen: str | None = None


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


def current_start_method() -> str:
    """The method of the run in this process: the one :func:`chosen` holds, else :func:`start_method`'s."""
    return _chosen or start_method()


@contextlib.contextmanager
def chosen(requested: str | None = None) -> Iterator[str]:
    """Settle the start method for this process within the block: ``requested``, else the current one.

    Yields the method; the one in force before is back after the block. Raises
    :class:`~boardpack.errors.ConfigurationError` for a method that cannot be used, before the block runs.
    """
    global _chosen
    method = start_method(requested) if requested else current_start_method()
    before, _chosen = _chosen, method
    try:
        yield method
    finally:
        _chosen = before
