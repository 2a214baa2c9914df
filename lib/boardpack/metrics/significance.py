"""Whether a change between two 12-month periods is more than the usual variation, row by row and table by table.

Police counts are not samples, and they vary more from month to month than pure Poisson counts
would (one crime per victim, repeat incidents, recording practice), so a test that treats them as
Poisson finds almost every change at London's volumes "significant". The pack's default test
(:data:`QUASI_POISSON`) measures that extra variation in the row's own 24 monthly counts:

- the Poisson log-linear model log E[y(m, w)] = α_m + β·w over the 24 months, m the month of the
  year and w 0 for the earlier 12 months and 1 for the later, fitted by statsmodels with the
  dispersion φ̂ = Pearson χ² / 11 (``scale="X2"``); β̂ = log(current / previous), and the p-value
  is the t-test of β on 11 degrees of freedom, its standard error scaled by √φ̂;
- never more confident than the Poisson test: where φ̂ ≤ 1, where either total is 0, where fewer
  than 24 monthly counts exist, where a month of the year is 0 in both periods, where the fit
  does not converge, or where its p-value would be below the Poisson test's, the row takes the
  exact conditional test for two Poisson counts (:data:`EXACT_POISSON`; ``scipy.stats.binomtest``),
  which a change of one month against the same month a year before (stop and search) always takes.

A table tests many rows at once, and nested ones (Total Notifiable Offences holds every other
row), so the rows tested in one column of one table are one family: their p-values are adjusted
with Benjamini and Hochberg's false discovery rate (``statsmodels.stats.multitest.multipletests``,
``method="fdr_bh"``; valid under the positive dependence nested counts have), and a row is
marked significant when its adjusted value q is at most ``alpha``. A change tested alone has q = p.
docs/method.md gives the sources and what a significant change does and does not mean.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

# statsmodels and scipy are imported where they are used: the coverage rules import the metrics in
# processes that compute no statistic, and importing them costs about a second.

ALPHA = 0.05
"""The default significance level (the pack's 95% intervals); a run sets its own in params/."""

SMALL_COUNT = 10
"""Counts under this are "small numbers": a % change or ratio on them is printed with a flag."""

QUASI_POISSON = "quasi-poisson"
EXACT_POISSON = "exact-poisson"
CHANGE_TESTS = (QUASI_POISSON, EXACT_POISSON)
"""The methods a run may ask for (``change_test`` in params/ and the notebook)."""

TEST_NAMES = {
    QUASI_POISSON: "quasi-Poisson test of the change between two 12-month periods (month-of-year effects, "
                   "dispersion from Pearson's chi-squared, t on 11 degrees of freedom), falling back to the "
                   "exact conditional test where it cannot be more cautious",
    EXACT_POISSON: "exact conditional test for two Poisson counts (binomial, two-sided)",
}
FAMILY = "Benjamini-Hochberg false discovery rate over the rows tested in the column"

TEST_COLUMNS = ("p_value", "q_value", "significant", "small_numbers", "dispersion", "test")
"""The columns (and figures.json keys) a tested change carries."""

MONTHS = 12
# Two p-values closer than this (relative) are taken as equal: a fit's rounding must not decide which test is named.
TIE = 1e-9


def whole_count(value, name: str) -> int:
    """``value`` as an int, refused unless it is a whole number of 0 or more (``name`` says which)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        raise ValueError(f"{name} is missing")
    if float(value) != int(value) or int(value) < 0:
        raise ValueError(f"{name} must be a whole number of 0 or more, not {value!r}")
    return int(value)


def check_alpha(alpha: float) -> float:
    """``alpha`` as a float, refused unless it is between 0 and 1."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha!r}")
    return float(alpha)


def check_method(method: str) -> str:
    """``method`` if it is one of :data:`CHANGE_TESTS`, else a ValueError naming them."""
    if method not in CHANGE_TESTS:
        raise ValueError(f"unknown change test {method!r}; expected one of {', '.join(CHANGE_TESTS)}")
    return method


@dataclass(frozen=True)
class ChangeTest:
    """Whether a change between two counts over equal periods is more than the usual variation.

    Attributes
    ----------
    previous, current : int
        The two counts.
    p_value : float
        Two-sided p-value of the test used; 1.0 when both counts are 0.
    q_value : float
        The p-value adjusted for the other rows of its family (:func:`false_discovery_rate`);
        ``p_value`` for a change tested alone.
    significant : bool
        ``q_value <= alpha``.
    small_numbers : bool
        Either count is under :data:`SMALL_COUNT`.
    alpha : float
        The level tested at.
    test : str
        :data:`QUASI_POISSON` or :data:`EXACT_POISSON`: the test that gave ``p_value``.
    dispersion : float or None
        φ̂, the monthly counts' variance over their Poisson variance, where it was estimated.
    """

    previous: int
    current: int
    p_value: float
    significant: bool
    small_numbers: bool
    alpha: float
    test: str = EXACT_POISSON
    dispersion: float | None = None
    q_value: float | None = None

    def __post_init__(self):
        if self.q_value is None:
            object.__setattr__(self, "q_value", self.p_value)

    def as_dict(self) -> dict:
        """The :data:`TEST_COLUMNS` for a table row or figures.json."""
        return {"p_value": self.p_value, "q_value": self.q_value, "significant": self.significant,
                "small_numbers": self.small_numbers, "dispersion": self.dispersion, "test": self.test}


def change_test(previous, current, alpha: float = ALPHA) -> ChangeTest:
    """The exact conditional test of a change between two counts over two periods of equal length.

    Under no change in the underlying rate, ``current`` given ``previous + current`` is
    Binomial(previous + current, 0.5); the two-sided p-value is that of the exact binomial test
    (``scipy.stats.binomtest``). It treats the counts as Poisson: right for a rare event, too
    confident for counts that vary more than that (see :func:`monthly_change_test`).

    Parameters
    ----------
    previous, current : int
        Counts in the earlier and the later period (whole numbers, 0 or more).
    alpha : float
        Significance level, e.g. 0.05.

    Returns
    -------
    ChangeTest
        With ``test`` :data:`EXACT_POISSON`, no dispersion, and ``q_value`` = ``p_value``.

    Raises
    ------
    ValueError
        If a count is missing, negative or not whole, or ``alpha`` is not between 0 and 1.
    """
    alpha = check_alpha(alpha)
    prev, cur = whole_count(previous, "previous"), whole_count(current, "current")
    total = prev + cur
    from scipy.stats import binomtest

    p = 1.0 if total == 0 else min(float(binomtest(cur, total, 0.5, alternative="two-sided").pvalue), 1.0)
    return ChangeTest(prev, cur, p, p <= alpha, min(prev, cur) < SMALL_COUNT, alpha)


def quasi_poisson_fit(previous_months: Sequence, current_months: Sequence):
    """Fit log E[y(m, w)] = α_m + β·w to the 24 monthly counts; the statsmodels result, or None.

    ``previous_months`` and ``current_months`` are the 12 counts of each period, the same months of
    the year in the same order. None where the model cannot be fitted: either total is 0, a month
    is 0 in both periods, or the fit does not converge (or statsmodels warns that it fits the counts
    exactly: no variation is left to measure).
    """
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    y = np.asarray([*previous_months, *current_months], dtype=float)
    prev, cur = y[:MONTHS], y[MONTHS:]
    if prev.sum() == 0 or cur.sum() == 0 or ((prev + cur) == 0).any():
        return None
    design = np.zeros((2 * MONTHS, MONTHS + 1))
    design[np.arange(2 * MONTHS), np.arange(2 * MONTHS) % MONTHS] = 1.0  # α_m: the month of the year
    design[MONTHS:, MONTHS] = 1.0  # β: the later period
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        try:
            fit = sm.GLM(y, design, family=sm.families.Poisson()).fit(scale="X2", use_t=True)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError):  # statsmodels found no starting point
            return None
    # A fit that warns (no convergence, or counts the model reproduces exactly) gives no estimate to trust.
    trouble = any(issubclass(w.category, (ConvergenceWarning, PerfectSeparationWarning)) for w in said)
    return fit if fit.converged and not trouble and np.isfinite(fit.scale) else None


def monthly_change_test(previous_months: Sequence, current_months: Sequence, alpha: float = ALPHA,
                        method: str = QUASI_POISSON) -> ChangeTest:
    """Test the change between two 12-month periods from their monthly counts (see the module notes).

    Parameters
    ----------
    previous_months, current_months : sequence of int
        The 12 monthly counts of each period, oldest first, the same months of the year in each. A
        missing month (fewer than 12 counts, or a missing value) leaves the totals to the exact test.
    alpha : float
        Significance level.
    method : str
        :data:`QUASI_POISSON` (the default) or :data:`EXACT_POISSON` (the totals' exact test).

    Returns
    -------
    ChangeTest
        ``test`` names the test that gave the p-value; ``dispersion`` is φ̂ wherever the model was
        fitted (also where φ̂ ≤ 1 sent the row to the exact test).
    """
    alpha, method = check_alpha(alpha), check_method(method)
    prev_m = [None if pd.isna(v) else whole_count(v, "a monthly count") for v in previous_months]
    cur_m = [None if pd.isna(v) else whole_count(v, "a monthly count") for v in current_months]
    whole = len(prev_m) == len(cur_m) == MONTHS and None not in prev_m and None not in cur_m
    if not whole:
        known = [v for v in prev_m if v is not None], [v for v in cur_m if v is not None]
        return change_test(sum(known[0]), sum(known[1]), alpha)
    exact = change_test(sum(prev_m), sum(cur_m), alpha)
    if method == EXACT_POISSON:
        return exact
    fit = quasi_poisson_fit(prev_m, cur_m)
    if fit is None:
        return exact
    phi, p = float(fit.scale), min(float(fit.pvalues[-1]), 1.0)
    if phi <= 1 or p < exact.p_value * (1 - TIE):  # never more confident than the Poisson test
        return replace(exact, dispersion=phi)
    return replace(exact, p_value=p, q_value=p, significant=p <= alpha, test=QUASI_POISSON, dispersion=phi)


def false_discovery_rate(p_values, alpha: float = ALPHA) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (q-values) of one family of tests; a missing p stays missing.

    A test is significant at false discovery rate ``alpha`` when its q-value is at most ``alpha``
    (``statsmodels.stats.multitest.multipletests``, ``method="fdr_bh"``).
    """
    check_alpha(alpha)
    values = [float("nan") if p is None or pd.isna(p) else float(p) for p in p_values]
    tested = [i for i, p in enumerate(values) if not math.isnan(p)]
    out = list(values)
    if tested:
        from statsmodels.stats.multitest import multipletests

        _, adjusted, _, _ = multipletests([values[i] for i in tested], alpha=alpha, method="fdr_bh")
        for i, q in zip(tested, adjusted):
            out[i] = min(float(q), 1.0)
    return out


def with_change_tests(df: pd.DataFrame, previous: str, current: str, alpha: float = ALPHA, prefix: str = "",
                      monthly: pd.DataFrame | None = None, method: str = QUASI_POISSON) -> pd.DataFrame:
    """``df`` with the change from column ``previous`` to column ``current`` of every row tested, as one family.

    Parameters
    ----------
    df : DataFrame
        One row per change.
    previous, current : str
        The columns of the two 12-month counts.
    alpha : float
        Significance level (and the family's false discovery rate).
    prefix : str
        Put before the added columns' names (``mps_`` for the MPS column of the crime table).
    monthly : DataFrame, optional
        The rows' monthly counts: index labels of ``df`` and 24 columns, the earlier period's 12
        months then the later's, oldest first. A row without them takes the exact test of its totals.
    method : str
        :data:`QUASI_POISSON` or :data:`EXACT_POISSON`.

    Returns
    -------
    DataFrame
        A copy with ``<prefix>`` ``p_value``, ``q_value``, ``dispersion`` (floats), ``significant``,
        ``small_numbers`` (nullable booleans) and ``test`` (:data:`QUASI_POISSON` or
        :data:`EXACT_POISSON`); all missing in a row where either count is. ``attrs`` keeps the
        table's and adds ``alpha``, ``change_test`` (the method asked for), ``test`` (its
        description) and ``family`` (:data:`FAMILY`).
    """
    alpha, method = check_alpha(alpha), check_method(method)
    tests = []
    for label, p, c in zip(df.index, df[previous], df[current]):
        if pd.isna(p) or pd.isna(c):
            tests.append(None)
        elif monthly is not None and label in monthly.index:
            counts = monthly.loc[label].tolist()
            tests.append(monthly_change_test(counts[:MONTHS], counts[MONTHS:], alpha, method))
        else:
            tests.append(change_test(int(p), int(c), alpha))
    q = false_discovery_rate([None if t is None else t.p_value for t in tests], alpha)
    out = df.copy()

    def column(values, dtype):
        return pd.Series(values, index=df.index, dtype=dtype)

    out[f"{prefix}p_value"] = column([math.nan if t is None else t.p_value for t in tests], "float64")
    out[f"{prefix}q_value"] = column(q, "float64")
    out[f"{prefix}significant"] = column([pd.NA if t is None else bool(qv <= alpha) for t, qv in zip(tests, q)],
                                         "boolean")
    out[f"{prefix}small_numbers"] = column([pd.NA if t is None else t.small_numbers for t in tests], "boolean")
    out[f"{prefix}dispersion"] = column([math.nan if t is None or t.dispersion is None else t.dispersion
                                         for t in tests], "float64")
    out[f"{prefix}test"] = column([None if t is None else t.test for t in tests], "object")
    out.attrs = {**df.attrs, "alpha": alpha, "change_test": method, "test": TEST_NAMES[method], "family": FAMILY}
    return out
