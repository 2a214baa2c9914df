"""The tests of change: the exact Poisson test, the quasi-Poisson test and the false discovery rate,
against hand-worked and published examples."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from boardpack.metrics.significance import (
    EXACT_POISSON,
    QUASI_POISSON,
    change_test,
    false_discovery_rate,
    monthly_change_test,
    quasi_poisson_fit,
    with_change_tests,
)

def _exact_two_sided(k: int, n: int) -> float:
    """The two-sided exact binomial p at 0.5, by hand: twice the smaller tail, capped at 1."""
    tail, term, total = min(k, n - k), 1, 0
    for i in range(tail + 1):  # C(n, i) built up term by term, in whole numbers
        total += term
        term = term * (n - i) // (i + 1)
    return min(1.0, 2 * float(Fraction(total, 2**n)))


@pytest.mark.parametrize(("previous", "current"), [(3, 4), (10, 20), (2570, 2175), (21173, 21062), (0, 6), (9, 1)])
def test_change_test_is_the_exact_conditional_binomial_test(previous, current):
    test = change_test(previous, current)
    assert test.p_value == pytest.approx(_exact_two_sided(current, previous + current), rel=1e-9)
    assert test.significant == (test.p_value <= 0.05)


def test_change_test_worked_examples():
    # 3 -> 4 homicides: P = 1 (the two tails at 0.5 are the whole distribution).
    assert change_test(3, 4).p_value == 1.0 and not change_test(3, 4).significant
    assert change_test(3, 4).small_numbers
    # 10 -> 20: 2 * P(X <= 10 | n=30) = 2 * 53,009,102 / 2**30 = 0.098737...
    assert change_test(10, 20).p_value == pytest.approx(2 * 53009102 / 2**30, rel=1e-9)
    # Burglary in the reference pack, 2,570 -> 2,175: a fall of 15.4%, far beyond chance.
    assert change_test(2570, 2175).significant
    # Total notifiable offences 21,173 -> 21,062: a fall of 0.5%, within chance.
    assert not change_test(21173, 21062).significant
    assert change_test(0, 0).p_value == 1.0 and change_test(0, 0).small_numbers


def test_change_test_level_is_the_run_setting():
    assert change_test(10, 20, alpha=0.10).significant
    assert not change_test(10, 20, alpha=0.05).significant


@pytest.mark.parametrize(("previous", "current"), [(-1, 3), (1.5, 3), (None, 3)])
def test_change_test_refuses_counts_that_are_not_counts(previous, current):
    with pytest.raises(ValueError):
        change_test(previous, current)




# --- the quasi-Poisson test -------------------------------------------------------------------------------


def test_the_fit_reproduces_dobsons_quasi_poisson_dispersion():
    # Dobson (1990, p. 93), the example of R's ?glm: counts by outcome and treatment. With
    # family = quasipoisson, R reports "Dispersion parameter for quasipoisson family taken to be 1.2933":
    # Pearson's chi-squared over the residual degrees of freedom, as scale="X2" gives it.
    import statsmodels.api as sm

    counts = np.array([18, 17, 15, 20, 10, 20, 25, 13, 12], dtype=float)
    outcome, treatment = np.tile([0, 1, 2], 3), np.repeat([0, 1, 2], 3)
    design = np.column_stack([np.ones(9), outcome == 1, outcome == 2, treatment == 1, treatment == 2]).astype(float)
    fit = sm.GLM(counts, design, family=sm.families.Poisson()).fit(scale="X2", use_t=True)
    assert round(fit.scale, 4) == 1.2933 and fit.df_resid == 4


def _by_hand(prev, cur):
    """φ and the p-value worked from the closed form of the model (not statsmodels).

    With month effects, the fitted counts are each month's total split P:C, β̂ = log(C/P), and the
    variance of β̂ is φ(1/P + 1/C); the t statistic has 11 degrees of freedom.
    """
    from scipy import stats

    prev, cur = np.asarray(prev, float), np.asarray(cur, float)
    big_p, big_c = prev.sum(), cur.sum()
    month = prev + cur
    fitted = np.concatenate([month * big_p / (big_p + big_c), month * big_c / (big_p + big_c)])
    observed = np.concatenate([prev, cur])
    phi = float(((observed - fitted) ** 2 / fitted).sum() / 11)
    t = math.log(big_c / big_p) / math.sqrt(phi * (1 / big_p + 1 / big_c))
    return phi, float(2 * stats.t.sf(abs(t), 11))


# A rise of 10.8% (2,880 to 3,190) in counts that swing from month to month far more than Poisson counts would.
OVERDISPERSED = ([200, 320, 150, 280, 190, 350, 160, 300, 210, 330, 140, 250],
                 [260, 300, 210, 270, 250, 330, 230, 290, 280, 320, 200, 250])


def test_an_overdispersed_row_gets_the_t_test_of_its_change_with_the_dispersion_estimated():
    prev, cur = OVERDISPERSED
    phi, p = _by_hand(prev, cur)
    assert phi > 1
    test = monthly_change_test(prev, cur)
    assert test.test == QUASI_POISSON
    assert test.dispersion == pytest.approx(phi, rel=1e-9)
    assert test.p_value == pytest.approx(p, rel=1e-6)
    exact = change_test(sum(prev), sum(cur))
    assert exact.significant and not test.significant  # p = 7e-5 as Poisson counts, 0.076 allowing for φ = 4.1
    assert test.previous == sum(prev) and test.current == sum(cur)


def test_a_constructed_case_with_a_dispersion_of_one_gives_the_exact_tests_verdict():
    # Three months off the 1:2 split of the totals (16 against 32), whose Pearson chi-squared terms are
    # 6, 4.5 and 0.5: 11 in all, over 11 degrees of freedom, so the dispersion is exactly 1.
    prev, cur = [3, 0, 4] + [1] * 9, [0, 9, 5] + [2] * 9
    assert Fraction(*_by_hand(prev, cur)[0].as_integer_ratio()) == 1
    test, exact = monthly_change_test(prev, cur), change_test(16, 32)
    assert test.dispersion == pytest.approx(1.0)
    assert (test.test, test.p_value, test.significant) == (EXACT_POISSON, exact.p_value, exact.significant)


@pytest.mark.parametrize(("prev", "cur", "why"), [
    ([10] * 12, [0] * 12, "a total of 0"),
    ([0] + [10] * 11, [0] + [12] * 11, "a month of the year 0 in both periods"),
    ([10] * 11, [12] * 12, "fewer than 24 monthly counts"),
    ([10] * 11 + [None], [12] * 12, "a month missing"),
    ([100, 101, 99, 100, 102, 98, 100, 100, 101, 99, 100, 100], [110] * 12, "a dispersion below 1"),
])
def test_where_the_quasi_poisson_test_cannot_be_more_cautious_the_exact_test_is_used(prev, cur, why):
    known = [v for v in prev if v is not None], [v for v in cur if v is not None]
    test, exact = monthly_change_test(prev, cur), change_test(sum(known[0]), sum(known[1]))
    assert test.test == EXACT_POISSON, why
    assert (test.p_value, test.significant) == (exact.p_value, exact.significant), why


def test_the_exact_method_asked_for_tests_the_totals():
    prev, cur = OVERDISPERSED
    test = monthly_change_test(prev, cur, method=EXACT_POISSON)
    assert test.test == EXACT_POISSON and test.dispersion is None
    assert test.p_value == change_test(sum(prev), sum(cur)).p_value
    with pytest.raises(ValueError, match="unknown change test 'poisson'"):
        monthly_change_test(prev, cur, method="poisson")


def test_the_monthly_test_is_never_more_confident_than_the_exact_one():
    rng = random.Random(11)
    for _ in range(200):
        level = rng.choice([3, 20, 200, 2000])
        prev = [max(0, int(rng.gauss(level, level ** 0.5 * rng.choice([0.5, 1, 3])))) for _ in range(12)]
        cur = [max(0, int(v * rng.uniform(0.8, 1.3))) for v in prev]
        test = monthly_change_test(prev, cur)
        assert test.p_value >= change_test(sum(prev), sum(cur)).p_value


def test_no_fit_where_the_model_cannot_be_fitted():
    assert quasi_poisson_fit([0] * 12, [3] * 12) is None
    assert quasi_poisson_fit([0] + [3] * 11, [0] + [4] * 11) is None
    assert quasi_poisson_fit(*OVERDISPERSED) is not None


# --- the number of tests ----------------------------------------------------------------------------------

# Benjamini and Hochberg (1995, J. R. Statist. Soc. B 57:289-300, section 4): the 15 p-values of
# Neuhaus et al.'s trial. At 0.05 their procedure rejects 4 hypotheses, Bonferroni's 3.
BH_P = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528,
        0.7590, 1.000]


def test_benjamini_hochbergs_example_rejects_four_where_bonferroni_rejects_three():
    q = false_discovery_rate(BH_P, 0.05)
    assert sum(v <= 0.05 for v in q) == 4
    assert sum(p <= 0.05 / len(BH_P) for p in BH_P) == 3
    # q_(i) = min over j >= i of m p_(j) / j, by hand for the fourth and fifth
    assert q[3] == pytest.approx(min(15 * BH_P[j] / (j + 1) for j in range(3, 15)))
    assert q[4] == pytest.approx(0.0201 * 15 / 5 if 0.0201 * 15 / 5 < q[5] else q[5])


def test_a_missing_p_value_stays_missing_and_is_no_test():
    q = false_discovery_rate([0.01, None, float("nan"), 0.04], 0.05)
    assert math.isnan(q[1]) and math.isnan(q[2])
    assert q[0] == pytest.approx(0.02) and q[3] == pytest.approx(0.04)


def test_a_table_is_tested_as_one_family_with_monthly_counts_where_it_has_them():
    prev, cur = OVERDISPERSED
    df = pd.DataFrame({"row": ["a", "b", "c", "d"], "previous": [sum(prev), 100, 5000, None],
                       "current": [sum(cur), 160, 5150, 7]}, index=[10, 11, 12, 13])
    monthly = pd.DataFrame([prev + cur], index=[10])
    out = with_change_tests(df, "previous", "current", 0.05, monthly=monthly)
    assert out.loc[10, "test"] == QUASI_POISSON and out.loc[11, "test"] == EXACT_POISSON
    assert pd.isna(out.loc[13, "p_value"]) and pd.isna(out.loc[13, "significant"]) and out.loc[13, "test"] is None
    tested = out.loc[[10, 11, 12], "p_value"].tolist()
    assert out.loc[[10, 11, 12], "q_value"].tolist() == pytest.approx(false_discovery_rate(tested, 0.05))
    assert out["significant"].dropna().tolist() == [q <= 0.05 for q in out["q_value"].dropna()]
    assert out.attrs["change_test"] == QUASI_POISSON and "Benjamini" in out.attrs["family"]
    assert math.isnan(out.loc[11, "dispersion"]) and out.loc[10, "dispersion"] > 1
