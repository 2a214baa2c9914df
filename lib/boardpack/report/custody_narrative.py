"""Words for the custody visiting report: the quarter's name.

The figures come from :func:`boardpack.metrics.custody.latest_report`; only the text is made here.
"""

from __future__ import annotations

from ..periods import parse_month


def quarter_label(quarter_end: str) -> str:
    """Name a calendar quarter by its months.

    Parameters
    ----------
    quarter_end : str
        ``"YYYY-MM"``, the quarter's last month.

    Returns
    -------
    str
        E.g. ``"July – September 2015"`` for ``"2015-09"``.
    """
    end = parse_month(quarter_end)
    start = end - 2
    return f"{start.strftime('%B')} – {end.strftime('%B')} {end.year}"
