"""Public complaint allegations against borough officers and staff (Figures 6 to 10 of the pack).

Allegations are counted per officer or member of staff (one allegation about two officers
counts twice). Every figure covers the rolling 12 months to the pack's month; changes compare
them with the 12 months before. Borough rankings need all 32 boroughs for every month of
the window, because a borough without rows cannot be told from one with no allegations.
Percentages are rounded half away from zero, as published statistics are.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from ..errors import CoverageError
from ..periods import month_label, rolling_windows
from .change import pct_change, round_half_up, share
from .significance import ALPHA, QUASI_POISSON, monthly_change_test, with_change_tests

ALLEGATION_TYPES = ("Oppressive Behaviour", "Discrimination", "Malpractice", "Failures in Duty",
                    "Incivility", "Traffic Irregularity", "Other")
OUTCOMES = ("Case to Answer", "No Case to Answer", "Local Resolution", "Disapplication",
            "Discontinuance", "Withdrawn")
CASE_TO_ANSWER = "Case to Answer"
def _window_totals(allegations: pd.DataFrame, months: list[str], boroughs: dict[str, str]) -> pd.Series:
    codes = list(boroughs)
    rows = allegations[allegations["area_code"].isin(codes) & allegations["month"].isin(months)]
    seen = rows.groupby("area_code")["month"].nunique()
    short = [c for c in codes if seen.get(c, 0) < len(months)]
    if short:  # defensive: coverage refuses such data first (coverage._complaints, the same rule)
        names = ", ".join(boroughs[c] for c in short)
        raise CoverageError(
            f"complaint allegations for {month_label(months[0])} to {month_label(months[-1])} are incomplete for "
            f"{names}; every borough needs a row for every month"
        )
    return rows.groupby("area_code")["allegations"].sum().reindex(codes).astype("int64")


def _monthly(rows: pd.DataFrame, months: list[str], by: str, keys: list) -> pd.DataFrame:
    """Allegations per ``by`` value (one line each, in ``keys`` order) and month (24 columns), 0 where none."""
    sums = rows[rows["month"].isin(months)].groupby([by, "month"])["allegations"].sum()
    wide = sums.unstack("month").reindex(index=keys, columns=months)
    return wide.fillna(0).astype("int64")


def _ranked(df: pd.DataFrame, value: str) -> pd.DataFrame:
    """Rank 1 = highest; ties share the best rank and are listed alphabetically; missing values last."""
    df = df.assign(rank=df[value].rank(method="min", ascending=False).astype("Int64"))
    return df.sort_values(["rank", "borough"], kind="stable", na_position="last").reset_index(drop=True)


def allegations_by_borough(allegations: pd.DataFrame, period: str, boroughs: dict[str, str]) -> pd.DataFrame:
    """Every borough's allegations in the 12 months to ``period``, ranked.

    Parameters
    ----------
    allegations : DataFrame
        The ``complaint_allegations`` canonical table.
    period : str
        The last month, ``"YYYY-MM"``.
    boroughs : dict of str to str
        GSS code -> name of the 32 boroughs (``pack.boroughs``).

    Returns
    -------
    DataFrame
        ``area_code, borough, allegations, rank``; rank 1 = most allegations, ties share the
        best rank (1, 2, 2, 4) and are listed alphabetically.

    Raises
    ------
    CoverageError
        If any borough lacks a row for any month of the window.
    """
    codes, names = list(boroughs), [boroughs[c] for c in boroughs]
    _, current = rolling_windows(period)
    totals = _window_totals(allegations, current, boroughs)
    df = pd.DataFrame({"area_code": codes,
                       "borough": names,
                       "allegations": totals.to_numpy()})
    return _ranked(df, "allegations")


def average_per_borough(ranked: pd.DataFrame) -> float:
    """The mean allegations per borough, to 1 decimal place (halves away from zero).

    Parameters
    ----------
    ranked : DataFrame
        From :func:`allegations_by_borough`.

    Returns
    -------
    float
    """
    return round_half_up(Fraction(int(ranked["allegations"].sum()), len(ranked)), 1)


def pct_change_by_borough(allegations: pd.DataFrame, period: str, boroughs: dict[str, str],
                          alpha: float = ALPHA, method: str = QUASI_POISSON) -> pd.DataFrame:
    """Every borough's change in allegations, 12 months to ``period`` against the 12 before.

    Parameters
    ----------
    allegations : DataFrame
        The ``complaint_allegations`` canonical table.
    period : str
        The last month, ``"YYYY-MM"``.
    boroughs : dict of str to str
        GSS code -> name of the 32 boroughs.
    alpha : float
        The significance level of each borough's test of change, and the false discovery rate
        over the 32 boroughs.
    method : str
        ``"quasi-poisson"`` (the default) or ``"exact-poisson"``.

    Returns
    -------
    DataFrame
        ``area_code, borough, previous_12m, current_12m, pct_change``, the test columns
        (:data:`boardpack.metrics.significance.TEST_COLUMNS`) and ``rank``; ``pct_change`` as
        printed (1 decimal place, see :func:`boardpack.metrics.change.pct_change`), NaN when the
        previous 12 months had none. Each borough's change is tested from its 24 monthly counts
        (:func:`boardpack.metrics.significance.monthly_change_test`) and the 32 tests are one family
        (``q_value``, Benjamini–Hochberg; ``significant`` is q <= alpha); ``small_numbers`` = fewer
        than 10 in either period; rank 1 = largest increase, boroughs without a change last.
        ``attrs`` holds ``alpha``, ``change_test``, ``test`` and ``family``.

    Raises
    ------
    CoverageError
        If any borough lacks a row for any month of the 24.
    """
    codes, names = list(boroughs), [boroughs[c] for c in boroughs]
    previous, current = rolling_windows(period)
    prev = _window_totals(allegations, previous, boroughs)
    cur = _window_totals(allegations, current, boroughs)
    df = pd.DataFrame({
        "area_code": codes,
        "borough": names,
        "previous_12m": prev.to_numpy(),
        "current_12m": cur.to_numpy(),
        "pct_change": [pct_change(p, c) for p, c in zip(prev, cur)],
    })
    df["pct_change"] = df["pct_change"].astype("float64")
    monthly = _monthly(allegations[allegations["area_code"].isin(codes)], previous + current, "area_code", codes)
    tested = with_change_tests(df, "previous_12m", "current_12m", alpha,
                               monthly=monthly.set_axis(df.index), method=method)
    return _ranked(tested, "pct_change")


def boroughs_with_increase(changes: pd.DataFrame) -> int:
    """How many boroughs' printed change is above zero.

    Parameters
    ----------
    changes : DataFrame
        From :func:`pct_change_by_borough`.

    Returns
    -------
    int
    """
    return int((changes["pct_change"] > 0).sum())


def mps_pct_change(changes: pd.DataFrame) -> float | None:
    """The MPS change: all boroughs' allegations summed, 12 months against the 12 before.

    Parameters
    ----------
    changes : DataFrame
        From :func:`pct_change_by_borough`.

    Returns
    -------
    float or None
    """
    return pct_change(int(changes["previous_12m"].sum()), int(changes["current_12m"].sum()))


def mps_change_test(allegations: pd.DataFrame, period: str, boroughs: dict[str, str], alpha: float = ALPHA,
                    method: str = QUASI_POISSON):
    """The test of the MPS change: all 32 boroughs' allegations summed, 12 months against the 12 before.

    Parameters
    ----------
    allegations : DataFrame
        The ``complaint_allegations`` canonical table.
    period : str
        The last month, ``"YYYY-MM"``.
    boroughs : dict of str to str
        GSS code -> name of the 32 boroughs.
    alpha : float
        The significance level.
    method : str
        ``"quasi-poisson"`` (the default) or ``"exact-poisson"``.

    Returns
    -------
    ChangeTest
        From :func:`boardpack.metrics.significance.monthly_change_test` on the MPS's 24 monthly totals,
        tested alone (q = p).
    """
    previous, current = rolling_windows(period)
    _window_totals(allegations, previous + current, boroughs)  # every borough has every month
    rows = allegations[allegations["area_code"].isin(list(boroughs))].assign(mps="MPS")
    series = _monthly(rows, previous + current, "mps", ["MPS"]).iloc[0].tolist()
    return monthly_change_test(series[:12], series[12:], alpha, method)


def per_100_workforce(allegations: pd.DataFrame, workforce: pd.DataFrame, period: str,
                      boroughs: dict[str, str]) -> pd.DataFrame:
    """Allegations in the 12 months to ``period`` per 100 workforce, for every borough.

    The workforce is each borough's latest figure at or before ``period``.

    Parameters
    ----------
    allegations : DataFrame
        The ``complaint_allegations`` canonical table.
    workforce : DataFrame
        The ``workforce`` canonical table (``area_code, month, workforce``).
    period : str
        The last month, ``"YYYY-MM"``.
    boroughs : dict of str to str
        GSS code -> name of the 32 boroughs.

    Returns
    -------
    DataFrame
        ``area_code, borough, allegations, workforce, workforce_month, rate, rank``; ``rate``
        = allegations / workforce * 100 to 1 decimal place (halves away from zero); rank 1 =
        highest rate. ``attrs["mps_rate"]`` is the rate over all 32 boroughs together.

    Raises
    ------
    CoverageError
        If any borough has no workforce figure at or before ``period``, or its allegations
        are incomplete.
    """
    codes, names = list(boroughs), [boroughs[c] for c in boroughs]
    counts = allegations_by_borough(allegations, period, boroughs).set_index("area_code")["allegations"]
    staff = workforce[workforce["area_code"].isin(codes) & (workforce["month"] <= period)]
    latest = staff.sort_values("month").groupby("area_code").tail(1).set_index("area_code")
    short = [c for c in codes if c not in latest.index]
    if short:  # defensive: coverage refuses such data first (coverage._complaints, the same rule)
        raise CoverageError(f"no workforce figure at or before {month_label(period)} for "
                            f"{', '.join(boroughs[c] for c in short)}")
    latest = latest.reindex(codes)
    df = pd.DataFrame({
        "area_code": codes,
        "borough": names,
        "allegations": counts.reindex(codes).to_numpy(),
        "workforce": latest["workforce"].astype(float).to_numpy(),
        "workforce_month": latest["month"].astype(str).to_numpy(),
    })
    df["rate"] = [share(a, w) for a, w in zip(df["allegations"], df["workforce"])]
    out = _ranked(df, "rate")
    out.attrs["mps_rate"] = share(int(df["allegations"].sum()), float(df["workforce"].sum()))
    return out


def by_type(allegations: pd.DataFrame, gss_code: str, period: str, alpha: float = ALPHA,
            method: str = QUASI_POISSON) -> pd.DataFrame:
    """A borough's allegations by type in the 12 months to ``period``.

    Parameters
    ----------
    allegations : DataFrame
        The ``complaint_allegations`` canonical table.
    gss_code : str
        The borough.
    period : str
        The last month, ``"YYYY-MM"``.
    alpha : float
        The significance level of each type's test of change, and the false discovery rate over
        the seven types.
    method : str
        ``"quasi-poisson"`` (the default) or ``"exact-poisson"``.

    Returns
    -------
    DataFrame
        ``allegation_type, allegations, pct, previous_12m, pct_change, p_value, significant,
        small_numbers``: all seven types, the largest first (ties in the documented order).
        ``pct`` is the share of the borough's total to 1 decimal place (NaN when the total is 0);
        ``pct_change`` compares with the previous 12 months (NaN when that had none of the
        type); the test columns are those of :func:`pct_change_by_borough`. ``attrs`` holds
        ``alpha`` and ``test``.
    """
    previous, current = rolling_windows(period)
    rows = allegations[allegations["area_code"] == gss_code]
    cur = rows[rows["month"].isin(current)].groupby("allegation_type")["allegations"].sum()
    prev = rows[rows["month"].isin(previous)].groupby("allegation_type")["allegations"].sum()
    df = pd.DataFrame({"allegation_type": list(ALLEGATION_TYPES)})
    df["allegations"] = [int(cur.get(t, 0)) for t in ALLEGATION_TYPES]
    df["previous_12m"] = [int(prev.get(t, 0)) for t in ALLEGATION_TYPES]
    total = int(df["allegations"].sum())
    df["pct"] = pd.Series([share(n, total) for n in df["allegations"]], dtype="float64")
    df["pct_change"] = pd.Series([pct_change(p, c) for p, c in zip(df["previous_12m"], df["allegations"])],
                                 dtype="float64")
    df = df.sort_values("allegations", ascending=False, kind="stable").reset_index(drop=True)
    df = df[["allegation_type", "allegations", "pct", "previous_12m", "pct_change"]]
    monthly = _monthly(rows, previous + current, "allegation_type", list(df["allegation_type"]))
    return with_change_tests(df, "previous_12m", "allegations", alpha, monthly=monthly.set_axis(df.index),
                             method=method)


def by_outcome(outcomes: pd.DataFrame, gss_code: str, period: str) -> pd.DataFrame:
    """A borough's allegation outcomes in the 12 months to ``period``.

    Parameters
    ----------
    outcomes : DataFrame
        The ``complaint_outcomes`` canonical table.
    gss_code : str
        The borough.
    period : str
        The last month, ``"YYYY-MM"``.

    Returns
    -------
    DataFrame
        ``outcome, allegations, pct``: all six outcomes, the largest first (ties in the
        documented order); ``pct`` is the share of all outcomes to 1 decimal place (NaN when
        there were none).
    """
    _, current = rolling_windows(period)
    rows = outcomes[(outcomes["area_code"] == gss_code) & outcomes["month"].isin(current)]
    counts = rows.groupby("outcome")["allegations"].sum()
    df = pd.DataFrame({"outcome": list(OUTCOMES), "allegations": [int(counts.get(o, 0)) for o in OUTCOMES]})
    total = int(df["allegations"].sum())
    df["pct"] = pd.Series([share(n, total) for n in df["allegations"]], dtype="float64")
    return df.sort_values("allegations", ascending=False, kind="stable").reset_index(drop=True)
