"""The build's date, following the reproducible-builds convention (``SOURCE_DATE_EPOCH``).

When ``SOURCE_DATE_EPOCH`` is set, every timestamp the tools write (PDF font subsets, the date
printed on the cover and in figures.json) is that moment. When it is not, it is the start of the
build day (UTC), so two builds of the same inputs on the same day are byte-identical.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator

from .errors import ConfigurationError

ENV = "SOURCE_DATE_EPOCH"


def source_date_epoch() -> int:
    """Seconds since 1970 that stand for "now" in everything a build writes.

    Raises
    ------
    ConfigurationError
        If ``SOURCE_DATE_EPOCH`` is set but is not a whole number of seconds.
    """
    value = os.environ.get(ENV)
    if value is not None and value.strip():
        try:
            seconds = int(value.strip())
        except ValueError:
            raise ConfigurationError(f"{ENV}={value!r} is not a whole number of seconds since 1970") from None
        if seconds < 0:
            raise ConfigurationError(f"{ENV}={value!r} is before 1970")
        return seconds
    today = dt.datetime.now(dt.UTC).date()
    return int(dt.datetime.combine(today, dt.time(), dt.UTC).timestamp())


def build_date() -> dt.date:
    """The date a pack says it was built: ``SOURCE_DATE_EPOCH``'s day, else today (UTC)."""
    return dt.datetime.fromtimestamp(source_date_epoch(), dt.UTC).date()


@contextlib.contextmanager
def fixed_time() -> Iterator[int]:
    """Set ``SOURCE_DATE_EPOCH`` for the block (to the build day when unset), for tools that read it.

    fontTools stamps each font subset it writes with this time instead of the clock's.
    """
    seconds = source_date_epoch()
    before = os.environ.get(ENV)
    os.environ[ENV] = str(seconds)
    try:
        yield seconds
    finally:
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before
