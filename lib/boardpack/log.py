"""The package logger, ``logging.getLogger("boardpack")``.

Modules log through ``logging.getLogger(__name__)`` (children of ``boardpack``). The library
attaches no handler of its own beyond a :class:`logging.NullHandler`, so a notebook or a
program using boardpack decides where messages go; the command line (:mod:`boardpack.cli`) is
the one place that installs a handler: warnings by default, INFO too with ``--verbose``
(store preparation, coverage, each borough started and finished with its timings).
"""

from __future__ import annotations

import logging

LOGGER_NAME = "boardpack"

logger = logging.getLogger(LOGGER_NAME)
logger.addHandler(logging.NullHandler())


def get_logger(name: str) -> logging.Logger:
    """The logger of a boardpack module (``name`` is its ``__name__``), under the package logger."""
    if name != LOGGER_NAME and not name.startswith(LOGGER_NAME + "."):
        name = f"{LOGGER_NAME}.{name}"
    return logging.getLogger(name)


def seconds(timings: dict) -> str:
    """Step timings as one short phrase: ``"12.3 s (execute 8.1, html 1.2, pdf 2.0)"``."""
    steps = ", ".join(f"{k} {v:.1f}" for k, v in timings.items() if k != "total")
    total = timings.get("total", sum(timings.values()))
    return f"{total:.1f} s" + (f" ({steps})" if steps else "")
