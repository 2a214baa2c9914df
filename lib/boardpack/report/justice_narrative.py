"""Words for the criminal justice context: measure labels, period names, values and the sentences.

The figures come from :func:`boardpack.metrics.criminal_justice.latest_comparison`; only the
text is made here.
"""

from __future__ import annotations

import pandas as pd

from ..periods import month_label

LABELS = {
    "offence_to_completion_days": "Average days from offence to completion at criminal courts",
    "charge_to_completion_days": "Average days from charge to completion at criminal courts",
    "proven_reoffending_rate": "Proven reoffending rate (% of offenders who reoffend)",
    "reoffences_per_reoffender": "Average reoffences per reoffender",
}


def period_label(measure: str, period_end: str) -> str:
    """What a measure's period end means, in words.

    Parameters
    ----------
    measure : str
    period_end : str
        ``"YYYY-MM"``.

    Returns
    -------
    str
        ``"Quarter to December 2018"`` for court timeliness; ``"Offenders in the 12 months to
        March 2017"`` for reoffending (the cohort, not the time of reoffending).
    """
    if measure.endswith("_days"):
        return f"Quarter to {month_label(period_end)}"
    return f"Offenders in the 12 months to {month_label(period_end)}"


def labelled(latest: pd.DataFrame) -> pd.DataFrame:
    """The table of ``latest_comparison`` with ``label`` and ``period_label`` after ``measure``/``period_end``.

    Parameters
    ----------
    latest : DataFrame
        ``measure, unit, period_end, london, england_wales, difference``.

    Returns
    -------
    DataFrame
        ``measure, label, unit, period_end, period_label, london, england_wales, difference``.
    """
    out = latest.copy()
    out.insert(out.columns.get_loc("measure") + 1, "label", [LABELS[m] for m in out["measure"]])
    out.insert(out.columns.get_loc("period_end") + 1, "period_label",
               [period_label(m, p) for m, p in zip(out["measure"], out["period_end"])])
    return out


def format_value(value: float) -> str:
    """A value as printed: whole numbers with thousands separators, else up to 2 decimals.

    Parameters
    ----------
    value : float

    Returns
    -------
    str
        E.g. ``160.0`` -> ``"160"``, ``27.5`` -> ``"27.5"``, ``3.95`` -> ``"3.95"``.
    """
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"


def difference_sentence(row: pd.Series) -> str:
    """One sentence comparing London with England and Wales on a measure.

    Parameters
    ----------
    row : Series
        A row of :func:`labelled` (``latest_comparison`` with its labels).

    Returns
    -------
    str
        E.g. "Average days from offence to completion at criminal courts (quarter to December
        2018): London 160 days, England and Wales 150 days, 10 days more in London."
    """
    unit = {"days": " days", "percent": "%", "count": ""}[row["unit"]]
    gap = abs(row["difference"])
    higher = row["difference"] > 0
    if row["difference"] == 0:
        tail = "the same in both"
    elif row["unit"] == "percent":
        points = "percentage point" if gap == 1 else "percentage points"
        tail = f"{format_value(gap)} {points} {'higher' if higher else 'lower'} in London"
    elif row["unit"] == "days":
        tail = f"{format_value(gap)} {'day' if gap == 1 else 'days'} {'more' if higher else 'fewer'} in London"
    else:
        tail = f"{format_value(gap)} {'higher' if higher else 'lower'} in London"
    when = row["period_label"][0].lower() + row["period_label"][1:]
    return (f"{row['label']} ({when}): London {format_value(row['london'])}{unit}, England and Wales "
            f"{format_value(row['england_wales'])}{unit}, {tail}.")
