"""London at a glance: every borough's crime rate with its interval, and the range of ranks the intervals allow.

The rates are the crime funnel plot's (:func:`boardpack.metrics.rates.crime_funnel`), so the page and the
funnel agree. Police counts are not Poisson samples: they vary from month to month more than chance
would. Each borough's interval allows for that, as the tests of change do: its dispersion φ is the
variance of its 12 monthly counts over their mean (at least 1), and the interval of its rate is
rate × exp(± z √(φ / O)), O its offences in the 12 months. Rank 1 is the highest rate; the rank range
is the ranks the intervals allow (:func:`boardpack.metrics.uncertainty.rank_range`).
"""

from __future__ import annotations

import math
from statistics import NormalDist

import pandas as pd

from ..periods import month_range
from .crime import TNO, area_row_counts, choose_vintage
from .significance import ALPHA, check_alpha
from .uncertainty import rank_range


def monthly_dispersion(counts) -> float:
    """The variance of monthly counts over their mean, at least 1 (1 for Poisson counts)."""
    values = [float(v) for v in counts]
    mean = sum(values) / len(values) if values else 0.0
    if len(values) < 2 or mean <= 0:
        return 1.0
    variance = sum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return max(1.0, variance / mean)


def crime_ranks(funnel, crime: pd.DataFrame, mappings: pd.DataFrame, period: str, alpha: float = ALPHA,
                vintage: str = "auto") -> pd.DataFrame:
    """Each borough's offences per 1,000 residents, its interval and its rank range.

    Parameters
    ----------
    funnel : Funnel
        The crime funnel (:func:`boardpack.metrics.rates.crime_funnel`): its table's ``area_code,
        borough, count, rate``.
    crime, mappings : DataFrame
        The canonical ``crime`` table and the mappings, for each borough's 12 monthly counts.
    period : str
        The last month.
    alpha : float
        1 minus the interval's level.
    vintage : str
        As the funnel was computed with.

    Returns
    -------
    DataFrame
        ``area_code, borough, count, rate, dispersion, ci_low, ci_high, rank, rank_best, rank_worst``,
        highest rate first. ``attrs``: ``alpha``, ``vintage``.
    """
    alpha = check_alpha(alpha)
    z = NormalDist().inv_cdf(1 - alpha / 2)
    vintage = choose_vintage(crime, mappings, period, months=12, prefer=vintage)
    counts = area_row_counts(crime, mappings, vintage)
    months = counts[(counts["row"] == TNO) & counts["month"].isin(month_range(period, 12))]
    by_area = months.groupby("area_code")["count"].apply(list)
    t = funnel.table[["area_code", "borough", "count", "rate"]].copy()
    t["dispersion"] = [monthly_dispersion(by_area.get(code, [])) for code in t["area_code"]]
    half = [z * math.sqrt(phi / c) if c > 0 else float("inf") for phi, c in zip(t["dispersion"], t["count"])]
    t["ci_low"] = [r * math.exp(-h) for r, h in zip(t["rate"], half)]
    t["ci_high"] = [r * math.exp(h) for r, h in zip(t["rate"], half)]
    t = t.sort_values("rate", ascending=False, kind="stable").reset_index(drop=True)
    t["rank"] = range(1, len(t) + 1)
    ranks = rank_range(t["ci_low"], t["ci_high"])
    t["rank_best"] = [b for b, _ in ranks]
    t["rank_worst"] = [w for _, w in ranks]
    t.attrs.update(alpha=alpha, vintage=vintage)
    return t
