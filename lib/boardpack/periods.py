"""Months and reporting windows. A month is always a ``"YYYY-MM"`` string in canonical tables."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from .errors import BoardPackError

if TYPE_CHECKING:  # pandas loads where a month is parsed: checking and naming one do without it
    import pandas as pd

_MONTH = re.compile(r"^(?!0000)(\d{4})-(0[1-9]|1[0-2])$")  # years 1 to 9999, as pandas and datetime take


def check_month(text: str) -> str:
    """``text`` without surrounding white space, once it is checked to be a ``"YYYY-MM"`` month.

    Raises
    ------
    BoardPackError
        If the text is not a valid ``YYYY-MM`` month.
    """
    if not isinstance(text, str) or not _MONTH.match(text.strip()):
        raise BoardPackError(f"period {text!r} is not a month in the form YYYY-MM, e.g. 2019-02")
    return text.strip()


def parse_month(text: str) -> pd.Period:
    """Parse ``"YYYY-MM"`` into a monthly :class:`pandas.Period`.

    Raises
    ------
    BoardPackError
        If the text is not a valid ``YYYY-MM`` month.
    """
    import pandas as pd

    return pd.Period(check_month(text), freq="M")


def month_range(end: str, months: int) -> list[str]:
    """The ``months`` months ending with ``end`` (inclusive), oldest first."""
    stop = parse_month(end)
    return [str(stop - i) for i in range(months - 1, -1, -1)]


def rolling_windows(end: str, months: int = 12) -> tuple[list[str], list[str]]:
    """The current and the previous rolling window ending at ``end``.

    Returns
    -------
    (previous, current) : tuple of list of str
        ``current`` is the ``months`` months to ``end``; ``previous`` the ``months`` before.
    """
    both = month_range(end, 2 * months)
    return both[:months], both[months:]


def month_label(month: str, style: str = "long") -> str:
    """``"2019-02"`` as ``"February 2019"`` (long) or ``"Feb 2019"`` (short)."""
    year, number = check_month(month).split("-")
    return dt.date(int(year), int(number), 1).strftime("%B %Y" if style == "long" else "%b %Y")


def current_month() -> pd.Period:
    """The month the machine's clock is in, as a monthly :class:`pandas.Period`.

    Loaders refuse figures dated after this month. Tests replace this function to move
    "now" (``monkeypatch.setattr(boardpack.periods, "current_month", ...)``), so callers
    must look it up on the module at call time, not import the name.
    """
    import pandas as pd

    return pd.Period(pd.Timestamp.now(), freq="M")
