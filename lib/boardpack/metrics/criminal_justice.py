"""London against England and Wales on court timeliness and proven reoffending.

The ``criminal_justice`` table holds one value per measure, period end and area. Court
timeliness is by quarter; reoffending is by the 12-month cohort of offenders ending at
``period_end`` and is published later, so each measure is shown at its own latest period.
The words (labels, period names, sentences) are in :mod:`boardpack.report.justice_narrative`.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from ..errors import CoverageError
from ..periods import month_label

LONDON = "London"
ENGLAND_WALES = "England and Wales"
MEASURES = ("offence_to_completion_days", "charge_to_completion_days", "proven_reoffending_rate",
            "reoffences_per_reoffender")
# The measure drawn over time: the one the MOPAC timeliness dashboard led with.
TREND_MEASURE = "offence_to_completion_days"
TREND_POINTS = 12


def latest_comparison(criminal_justice: pd.DataFrame, period: str) -> pd.DataFrame:
    """Each measure's latest London and England and Wales values on or before ``period``.

    Parameters
    ----------
    criminal_justice : DataFrame
        The ``criminal_justice`` canonical table.
    period : str
        The pack's month, ``"YYYY-MM"``.

    Returns
    -------
    DataFrame
        ``measure, unit, period_end, london, england_wales, difference``, in the documented
        measure order; one row per measure that has both areas at some
        period end on or before ``period`` (the latest such). ``difference`` is London minus
        England and Wales, exact in the values' own decimals.

    Raises
    ------
    CoverageError
        Defensively, if no measure has both areas on or before ``period``; the coverage rules
        refuse such data first (``coverage._justice``).
    """
    rows = criminal_justice[criminal_justice["period_end"] <= period]
    wide = rows.pivot_table(index=["measure", "period_end"], columns="area", values="value", aggfunc="first")
    wide = wide.reindex(columns=[LONDON, ENGLAND_WALES]).dropna()
    units = rows.drop_duplicates("measure").set_index("measure")["unit"]
    out = []
    for measure in MEASURES:
        if measure not in wide.index.get_level_values("measure"):
            continue
        latest = wide.loc[measure].sort_index().iloc[-1]
        end = str(wide.loc[measure].sort_index().index[-1])
        london, ew = float(latest[LONDON]), float(latest[ENGLAND_WALES])
        out.append({
            "measure": measure, "unit": units[measure], "period_end": end, "london": london, "england_wales": ew,
            "difference": float(Decimal(str(london)) - Decimal(str(ew))),
        })
    if not out:
        raise CoverageError(f"no criminal justice measure has London and England and Wales values to "
                            f"{month_label(period)}")
    return pd.DataFrame(out)


def trend(criminal_justice: pd.DataFrame, measure: str, period: str | None = None) -> pd.DataFrame:
    """One measure over time for London and England and Wales.

    Parameters
    ----------
    criminal_justice : DataFrame
        The ``criminal_justice`` canonical table.
    measure : str
    period : str, optional
        Leave out period ends after this month.

    Returns
    -------
    DataFrame
        ``period_end, london, england_wales``, oldest first; NaN where an area has no value.

    Raises
    ------
    CoverageError
        If the measure has no values.
    """
    rows = criminal_justice[criminal_justice["measure"] == measure]
    if period is not None:
        rows = rows[rows["period_end"] <= period]
    if rows.empty:
        raise CoverageError(f"no values of the criminal justice measure {measure!r}")
    wide = rows.pivot_table(index="period_end", columns="area", values="value", aggfunc="first")
    wide = wide.reindex(columns=[LONDON, ENGLAND_WALES]).sort_index()
    return pd.DataFrame({"period_end": wide.index.astype(str), "london": wide[LONDON].to_numpy(dtype=float),
                         "england_wales": wide[ENGLAND_WALES].to_numpy(dtype=float)})


def headline_trend(criminal_justice: pd.DataFrame, latest: pd.DataFrame, period: str,
                   measure: str = TREND_MEASURE, points: int = TREND_POINTS) -> pd.DataFrame:
    """The last ``points`` values of the measure the pack draws over time.

    ``measure`` is used when ``latest`` (from :func:`latest_comparison`) has it, else the
    first measure there. Returns :func:`trend`'s table, with ``attrs["measure"]`` naming the
    measure drawn.
    """
    chosen = measure if measure in set(latest["measure"]) else str(latest["measure"].iloc[0])
    series = trend(criminal_justice, chosen, period).tail(points).reset_index(drop=True)
    series.attrs["measure"] = chosen
    return series
