"""The pack's tests of change, worked out again without the suite: from the raw files' monthly counts.

Nothing here imports boardpack or calls statsmodels' GLM. The quasi-Poisson test is computed from its
closed form: with a month-of-the-year effect, the model's fitted counts split each month's two-year
total P:C (the periods' totals), so β̂ = log(C/P), Pearson's χ² is summed over the 24 months, the
dispersion is φ = χ²/11 and var(β̂) = φ (1/P + 1/C); the p-value is the two-sided t on 11 degrees of
freedom. The exact test is statsmodels' exact conditional test for two Poisson rates (and, for small
counts, binomial terms summed with ``math.comb``). The q-values are Benjamini and Hochberg's step-up
values written out: q(i) = min over j >= i of m p(j) / j, in order of p.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats
from statsmodels.stats.rates import test_poisson_2indep

SMALL = 10


def exact_p(previous: int, current: int) -> float:
    """The two-sided exact conditional p-value of two Poisson counts over equal periods."""
    if previous + current == 0:
        return 1.0
    p = float(test_poisson_2indep(current, 1, previous, 1, method="exact-cond").pvalue)
    if previous + current <= 2000:
        # Under no change, current | total ~ Binomial(total, 1/2); two-sided: twice the smaller tail, at most 1.
        n, k = previous + current, min(previous, current)
        by_hand = min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2**n)
        assert p == by_hand or math.isclose(p, by_hand, rel_tol=1e-9, abs_tol=1e-300)
    return min(p, 1.0)


def monthly_test(previous_months, current_months, method: str = "quasi-poisson") -> dict:
    """``p_value``, ``dispersion`` and ``test`` of a change between two 12-month periods, by hand."""
    prev = np.asarray(previous_months, dtype=float)
    cur = np.asarray(current_months, dtype=float)
    big_p, big_c = int(prev.sum()), int(cur.sum())
    exact = {"p_value": exact_p(big_p, big_c), "dispersion": None, "test": "exact-poisson"}
    if method == "exact-poisson" or len(prev) != 12 or len(cur) != 12:
        return exact
    month = prev + cur
    if big_p == 0 or big_c == 0 or (month == 0).any():
        return exact
    fitted = np.concatenate([month * big_p / (big_p + big_c), month * big_c / (big_p + big_c)])
    observed = np.concatenate([prev, cur])
    phi = float(((observed - fitted) ** 2 / fitted).sum() / 11)
    t = math.log(big_c / big_p) / math.sqrt(phi * (1 / big_p + 1 / big_c))
    p = float(min(1.0, 2 * stats.t.sf(abs(t), 11)))
    if phi <= 1 or p < exact["p_value"] * (1 - 1e-9):  # never more confident than the Poisson test (ties equal)
        return {**exact, "dispersion": phi}
    return {"p_value": p, "dispersion": phi, "test": "quasi-poisson"}


def q_values(p_values: list[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values, in the order given."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    out = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):  # from the largest p down
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        out[i] = min(running, 1.0)
    return out


def check(got: dict, expected: dict, q: float, previous: int, current: int, alpha: float, prefix: str = "",
          where: str = "") -> None:
    """``got`` (a figures.json row) carries the test worked out by hand (``expected``) and its q-value."""
    import pytest

    assert got[f"{prefix}test"] == expected["test"], where
    assert got[f"{prefix}p_value"] == pytest.approx(expected["p_value"], rel=1e-6, abs=1e-300), where
    if expected["dispersion"] is None:
        assert got[f"{prefix}dispersion"] is None, where
    else:
        assert got[f"{prefix}dispersion"] == pytest.approx(expected["dispersion"], rel=1e-6), where
    assert got[f"{prefix}q_value"] == pytest.approx(q, rel=1e-6, abs=1e-300), where
    assert got[f"{prefix}significant"] is (got[f"{prefix}q_value"] <= alpha), where
    assert got[f"{prefix}small_numbers"] is (min(previous, current) < SMALL), where
