"""Anti-social behaviour calls: a borough's monthly calls beside the MPS, and the 12-month change.

The canonical ``asb`` table holds calls from the public recorded as ASB, one row per borough
and month; no Met-wide row is accepted. The MPS figure for a month is the sum of the 32
boroughs, so a month is only usable when all 32 have a row for it: a partial sum would look
like a fall in calls.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from ..errors import CoverageError
from ..periods import month_label, month_range
from .change import pct_change
from .significance import QUASI_POISSON, TEST_COLUMNS, monthly_change_test


@dataclass(frozen=True)
class AsbChange:
    """Calls in the 12 months to the pack's month against the 12 months before.

    Attributes
    ----------
    current_12m, mps_current_12m : int
        The borough's and the MPS calls in the 12 months to the period.
    previous_12m, mps_previous_12m : int or None
        The same for the 12 months before; None when any of those months is not in the data.
    pct_change, mps_pct_change : float or None
        Percentage change as printed (1 decimal place, halves away from zero); None when the
        previous figure is missing or zero.
    p_value, mps_p_value : float or None
        Two-sided p-value of the test of the change from the 24 monthly counts
        (:func:`boardpack.metrics.significance.monthly_change_test`); None when not tested or when
        the previous figure is missing.
    q_value, mps_q_value : float or None
        The same: each change is tested alone, a family of one.
    significant, mps_significant : bool or None
        ``q_value <= alpha``; None when not tested.
    small_numbers, mps_small_numbers : bool or None
        Fewer than 10 calls in either period; None when not tested.
    dispersion, mps_dispersion : float or None
        φ̂ of the monthly counts, where it was estimated.
    test, mps_test : str or None
        ``"quasi-poisson"`` or ``"exact-poisson"``: the test that gave the p-value.
    alpha : float or None
        The level tested at; None when not tested.
    change_test : str or None
        The method asked for; None when not tested.
    """

    current_12m: int
    previous_12m: int | None
    pct_change: float | None
    mps_current_12m: int
    mps_previous_12m: int | None
    mps_pct_change: float | None
    p_value: float | None = None
    q_value: float | None = None
    significant: bool | None = None
    small_numbers: bool | None = None
    dispersion: float | None = None
    test: str | None = None
    mps_p_value: float | None = None
    mps_q_value: float | None = None
    mps_significant: bool | None = None
    mps_small_numbers: bool | None = None
    mps_dispersion: float | None = None
    mps_test: str | None = None
    alpha: float | None = None
    change_test: str | None = None

    def tests(self) -> dict:
        """The test columns (:data:`~boardpack.metrics.significance.TEST_COLUMNS`) and their ``mps_`` twins."""
        return {f"{prefix}{k}": getattr(self, f"{prefix}{k}") for prefix in ("", "mps_") for k in TEST_COLUMNS}


def monthly_calls(asb: pd.DataFrame, gss_code: str, period: str, area_codes: list[str],
                  months: int = 24) -> pd.DataFrame:
    """A borough's ASB calls per month beside the MPS total.

    Parameters
    ----------
    asb : DataFrame
        The ``asb`` canonical table (``area_code, month, calls``).
    gss_code : str
        The borough.
    period : str
        The last month, ``"YYYY-MM"``.
    area_codes : list of str
        The 32 boroughs' GSS codes (``pack.registry.codes``), whose calls make the MPS's.
    months : int
        How many months to return, ending with ``period``.

    Returns
    -------
    DataFrame
        ``month, borough, mps`` (int64), oldest first. Months of the span for which any of
        the 32 boroughs has no row are left out, since their MPS sum would be short.

    Raises
    ------
    CoverageError
        Defensively, if ``gss_code`` is not one of the 32 boroughs, or any of the last 12 months
        (the ones the 12-month total needs) is incomplete; the coverage rules refuse such data
        first (``coverage._asb``, the same rule).
    """
    codes = list(area_codes)
    if gss_code not in codes:
        raise CoverageError(f"{gss_code} is not one of the 32 MPS boroughs")
    span = month_range(period, months)
    rows = asb[asb["area_code"].isin(codes) & asb["month"].isin(span)]
    per_month = rows.groupby("month")["area_code"].nunique()
    complete = [m for m in span if per_month.get(m, 0) == len(codes)]
    needed = month_range(period, min(12, months))
    short = [m for m in needed if m not in complete]
    if short:
        raise CoverageError(
            f"ASB calls for {', '.join(month_label(m) for m in short)} are missing for at least one borough; "
            "the MPS figure is the sum of all 32 boroughs, so every borough needs a row for every month"
        )
    rows = rows[rows["month"].isin(complete)]
    mps = rows.groupby("month")["calls"].sum()
    borough = rows[rows["area_code"] == gss_code].set_index("month")["calls"]
    return pd.DataFrame({
        "month": complete,
        "borough": [int(borough[m]) for m in complete],
        "mps": [int(mps[m]) for m in complete],
    }).astype({"borough": "int64", "mps": "int64"})


def twelve_month_change(monthly: pd.DataFrame, period: str, alpha: float | None = None,
                        change_test: str = QUASI_POISSON) -> AsbChange:
    """The rolling 12-month totals and their change on the previous 12 months, tested.

    Parameters
    ----------
    monthly : DataFrame
        From :func:`monthly_calls` with at least 12 months (24 for a change).
    period : str
        The last month, ``"YYYY-MM"``.
    alpha : float, optional
        The significance level: the borough's and the MPS change are tested from their 24 monthly
        counts with :func:`boardpack.metrics.significance.monthly_change_test`, each alone (q = p).
        None leaves them untested.
    change_test : str
        ``"quasi-poisson"`` (the default) or ``"exact-poisson"``.

    Returns
    -------
    AsbChange

    Raises
    ------
    CoverageError
        If any of the 12 months to ``period`` is absent from ``monthly``.
    """
    both = month_range(period, 24)
    previous, current = both[:12], both[12:]
    by_month = monthly.set_index("month")
    missing = [m for m in current if m not in by_month.index]
    if missing:
        raise CoverageError(f"no ASB calls for {', '.join(month_label(m) for m in missing)}")
    cur = by_month.loc[current]
    prev_ok = all(m in by_month.index for m in previous)
    prev = by_month.loc[previous] if prev_ok else None
    prev_b = int(prev["borough"].sum()) if prev_ok else None
    prev_m = int(prev["mps"].sum()) if prev_ok else None
    cur_b, cur_m = int(cur["borough"].sum()), int(cur["mps"].sum())
    change = AsbChange(cur_b, prev_b, pct_change(prev_b, cur_b), cur_m, prev_m, pct_change(prev_m, cur_m))
    if alpha is None or not prev_ok:
        return change
    tested = {}
    for prefix, column in (("", "borough"), ("mps_", "mps")):
        test = monthly_change_test(prev[column].tolist(), cur[column].tolist(), alpha, change_test)
        tested.update({f"{prefix}{k}": v for k, v in test.as_dict().items()})
    return replace(change, **tested, alpha=float(alpha), change_test=change_test)
