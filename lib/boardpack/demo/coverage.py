"""Which months and quarters the demo dataset covers; everything ends at ``DEMO_PERIOD``."""

from __future__ import annotations

from ..periods import month_range, parse_month

DEMO_PERIOD = "2026-09"  # the demo's "data to" month, a quarter end

CRIME_MONTHS = 48  # two files of 24 months, as the MPS publishes them
STOP_SEARCH_MONTHS = 24
INPUT_MONTHS = 48  # ASB, complaints, workforce
PAS_FIRST_QUARTER = "2014-12"  # the PAS dashboard series starts at 31/12/2014
PAS_TRUST_FIRST_QUARTER = "2016-03"  # "Trust MPS" was first published for 31/03/2016
USS_FIRST_QUARTER = "2012-03"
CUSTODY_QUARTERS = 16
HOMICIDE_FIRST_MONTH = "2014-01"


def months(n: int, end: str = DEMO_PERIOD) -> list[str]:
    """The ``n`` months to ``end``, oldest first (``"YYYY-MM"``)."""
    return month_range(end, n)


def quarters_since(first: str, end: str = DEMO_PERIOD) -> list[str]:
    """Quarter-end months from ``first`` to ``end`` inclusive, oldest first.

    Parameters
    ----------
    first, end : str
        Quarter-end months (``"YYYY-MM"`` with month 03, 06, 09 or 12).

    Returns
    -------
    list of str
    """
    start, stop = parse_month(first), parse_month(end)
    out = []
    while start <= stop:
        out.append(str(start))
        start += 3
    return out
