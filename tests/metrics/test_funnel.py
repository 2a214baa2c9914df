"""Funnel plot control limits (Spiegelhalter 2005) against hand-worked and published values.

Published worked examples
-------------------------
No table of Spiegelhalter's *exact* interpolated limits was found in a public source; the paper
gives the method (appendix) but its examples are plots. The exact limits are therefore tested
against values worked by hand from the binomial and Poisson probabilities (small n, below),
and against published limits of the closely related methods, which they must approach.

The published examples used are the test data of the English public-health indicator package
PHEindicatormethods (UKHSA; files ``tests/testthat/testdata_funnel_prop_outputs.csv``,
``testdata_funnel_prop_inputs.csv`` and ``testdata_funnel_rate_outputs_2.csv``), which implement
the limits of the Fingertips technical guidance:

* proportions: where the Wilson score interval of an observed proportion reaches the target.
  Solved for the proportion, that is exactly the normal approximation θ0 ± z sqrt(θ0(1-θ0)/n)
  of Spiegelhalter's paper (our ``method="normal"``); it is tested against that source. Its
  significance labels of 303 primary care trusts are the published classification.
* rates: where the exact (Garwood) Poisson interval of the observed count reaches θ0 × E
  (our ``method="ci"``), tested against that source at the package's integer counts.

Spiegelhalter's exact limits (``method="exact"``, the pack's) are not the same as either, but
must lie within about one event of them once the counts are moderate; that is tested too.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from boardpack.metrics import funnel as fn
from scipy import stats

# ---------------------------------------------------------------- hand-worked exact limits


def _binom_cdf(r: int, n: int, theta: float) -> float:
    return sum(math.comb(n, k) * theta ** k * (1 - theta) ** (n - k) for k in range(r + 1)) if r >= 0 else 0.0


def _poisson_cdf(r: int, mu: float) -> float:
    return sum(math.exp(-mu) * mu ** k / math.factorial(k) for k in range(r + 1)) if r >= 0 else 0.0


def test_binomial_exact_limits_by_hand_n10():
    """n = 10, θ0 = 0.5: F(k) = (sum of C(10, j), j <= k) / 1024.

    Upper 95% (p = 0.975): F(7) = 968/1024 < p <= F(8) = 1013/1024, so r_p = 8,
    α = (1013/1024 - 0.975) / (45/1024) = 14.6/45 and the limit is (8 - 14.6/45) / 10 = 0.767556.
    Lower 95% (p = 0.025): F(1) = 11/1024 < p <= F(2) = 56/1024, r_p = 2, α = 30.4/45, limit 0.132444.
    Upper 99.8% (p = 0.999): r_p = 9, α = (1023 - 1022.976)/10 = 0.0024, limit 0.89976.
    Lower 99.8% (p = 0.001): r_p = 1, α = (11 - 1.024)/10 = 0.9976, limit 0.00024.
    """
    got = {p: float(fn.exact_limit(p, 10, 0.5, "proportion")) for p in (0.975, 0.025, 0.999, 0.001)}
    assert got[0.975] == pytest.approx((8 - 14.6 / 45) / 10, abs=1e-12)
    assert got[0.025] == pytest.approx((2 - 30.4 / 45) / 10, abs=1e-12)
    assert got[0.999] == pytest.approx((9 - 0.0024) / 10, abs=1e-12)
    assert got[0.001] == pytest.approx((1 - 0.9976) / 10, abs=1e-12)


@pytest.mark.parametrize("n,theta", [(7, 0.3), (25, 0.1), (40, 0.8)])
def test_binomial_exact_limits_follow_the_interpolation_formula(n, theta):
    """The paper's interpolation, with the binomial probabilities summed by hand (math.comb)."""
    for p in (0.001, 0.025, 0.975, 0.999):
        r = next(k for k in range(n + 1) if _binom_cdf(k, n, theta) >= p)
        f_r, f_below = _binom_cdf(r, n, theta), _binom_cdf(r - 1, n, theta)
        alpha = (f_r - p) / (f_r - f_below)
        expected = min(max((r - alpha) / n, 0.0), 1.0)
        assert float(fn.exact_limit(p, n, theta, "proportion")) == pytest.approx(expected, abs=1e-10), p


def test_poisson_exact_limits_by_hand():
    """θ0 = 0.01 per person, E = 200: the count is Poisson(2).

    F(4) = 0.947347 < 0.975 <= F(5) = 0.983436, so r_p = 5 and
    α = (0.983436 - 0.975) / (0.983436 - 0.947347) = 0.233755: the upper 95% limit is
    (5 - 0.233755) / 200 = 0.0238312 per person (23.8 per 1,000). For the lower 95% limit
    r_p = 0 (F(0) = 0.135335 >= 0.025), so (0 - α) / E < 0 and the limit is 0.
    """
    f4, f5 = _poisson_cdf(4, 2.0), _poisson_cdf(5, 2.0)
    assert f4 == pytest.approx(0.947347, abs=1e-6) and f5 == pytest.approx(0.983436, abs=1e-6)
    upper = (5 - (f5 - 0.975) / (f5 - f4)) / 200
    assert upper == pytest.approx(0.0238312, abs=1e-7)
    assert float(fn.exact_limit(0.975, 200, 0.01, "rate")) == pytest.approx(upper, abs=1e-12)
    assert float(fn.exact_limit(0.025, 200, 0.01, "rate")) == 0.0
    # The 99.8% upper limit: F(6) = 0.995466 < 0.999 <= F(7) = 0.998903 ... F(8) = 0.999763, so r_p = 8.
    r = next(k for k in range(50) if _poisson_cdf(k, 2.0) >= 0.999)
    assert r == 8
    f8, f7 = _poisson_cdf(8, 2.0), _poisson_cdf(7, 2.0)
    assert float(fn.exact_limit(0.999, 200, 0.01, "rate")) == pytest.approx((8 - (f8 - 0.999) / (f8 - f7)) / 200)


def test_exact_limits_are_smooth_and_narrow_with_size():
    sizes = np.array([50, 100, 1_000, 10_000, 100_000, 1_000_000], dtype=float)
    high = fn.exact_limit(0.999, sizes, 0.09, "rate")
    low = fn.exact_limit(0.001, sizes, 0.09, "rate")
    assert np.all(np.diff(high) < 0) and np.all(np.diff(low[low > 0]) > 0)
    assert np.all(low < 0.09) and np.all(high > 0.09)


def test_exact_rate_limits_approach_the_normal_approximation():
    """θ0 ± z sqrt(θ0/E): for 300,000 residents and 95 offences per 1,000 the two agree to 0.01 per 1,000."""
    for p in (0.001, 0.025, 0.975, 0.999):
        exact = float(fn.exact_limit(p, 300_000, 0.095, "rate")) * 1000
        normal = (0.095 + stats.norm.ppf(p) * math.sqrt(0.095 / 300_000)) * 1000
        assert exact == pytest.approx(normal, abs=0.01), p


# ---------------------------------------------------------------- published: PHEindicatormethods, proportions

# testdata_funnel_prop_outputs.csv (PHEindicatormethods): Population, Lower2s0025limit, Upper2s0025limit,
# Lower3s0001limit, Upper3s0001limit (percentages); Baseline 80.642448 for every row.
PHE_BASELINE = 80.642448
PHE_PROPORTION_ROWS = [
    (1, 3.204264, 100, 0, 100),
    (3, 35.933491, 100, 10.150815, 100),
    (10, 56.154344, 100, 42.03259, 100),
    (18, 62.390093, 98.894803, 51.864359, 100),
    (41, 68.548635, 92.73626, 61.574398, 99.710497),
    (102, 72.974925, 88.309971, 68.553233, 92.731663),
    (1008, 78.203374, 83.081521, 76.796814, 84.488082),
    (9998, 79.867989, 81.416907, 79.421375, 81.863521),
    (110000, 80.408963, 80.875933, 80.274317, 81.010578),
]


@pytest.mark.parametrize("row", PHE_PROPORTION_ROWS, ids=lambda r: f"n={r[0]}")
def test_normal_proportion_limits_match_the_published_phe_funnel(row):
    n, low95, high95, low998, high998 = row
    curves = fn.limit_curves(PHE_BASELINE / 100, [n], "proportion", "normal", scale=100).iloc[0]
    for col, expected in (("low95", low95), ("high95", high95), ("low998", low998), ("high998", high998)):
        assert curves[col] == pytest.approx(expected, abs=2e-5), (n, col)


@pytest.mark.parametrize("row", [r for r in PHE_PROPORTION_ROWS if r[0] >= 100], ids=lambda r: f"n={r[0]}")
def test_exact_proportion_limits_within_one_and_a_half_cases_of_the_published(row):
    """Spiegelhalter's exact limits differ from the normal ones by the binomial's discreteness and skew.

    The interpolation puts each count's probability over the unit below it (half a case), and the
    skew of Binomial(n, 0.806) moves the 99.8% points by about (z² - 1)(1 - 2θ0)/6 = 0.87 of a case:
    together under 1.5 cases, at every n.
    """
    n, *published = row
    curves = fn.limit_curves(PHE_BASELINE / 100, [n], "proportion", "exact", scale=100).iloc[0]
    for col, expected in zip(("low95", "high95", "low998", "high998"), published):
        assert abs(curves[col] - expected) / 100 * n < 1.5, (n, col, curves[col], expected)


# testdata_funnel_prop_inputs.csv: one row per primary care trust (numerator, denominator, significance);
# the target is all 303 trusts' numerators over their denominators, 0.8064244785714955.
PHE_TARGET = 0.8064244785714955
PHE_SIGNIFICANCE = [
    ("New Forest PCT", 35078.4880, 41980, "High (0.001)"),
    ("Norwich PCT", 24803.6256, 31824, "Low (0.001)"),
    ("South Gloucestershire PCT", 50050.7443, 61921, "Not significant"),
    ("Central Derby PCT", 24648.7596, 30521, "Not significant"),
    ("North East Lincolnshire PCT", 31759.3850, 39350, "Not significant"),
    ("West Norfolk PCT", 26789.2380, 33012, "High (0.025)"),
    ("North Tees PCT", 36850.0492, 45449, "High (0.025)"),
    ("Mid-Hampshire PCT", 34502.0685, 42485, "High (0.025)"),
    ("North Devon PCT", 30277.5312, 37828, "Low (0.025)"),
    ("Kingston PCT", 35795.6324, 45449, "Low (0.001)"),
]
PHE_LABELS = {"High (0.001)": "above 99.8%", "High (0.025)": "above 95%", "Not significant": "within",
              "Low (0.025)": "below 95%", "Low (0.001)": "below 99.8%"}


def test_classification_matches_the_published_phe_significance():
    _, num, den, published = zip(*PHE_SIGNIFICANCE)
    got = fn.classify(num, den, PHE_TARGET, "proportion", "normal")
    assert got == [PHE_LABELS[s] for s in published]


# ---------------------------------------------------------------- published: PHEindicatormethods, rates

# testdata_funnel_rate_outputs_2.csv: crude rates per 100,000 over 3 years (years_of_data = 3);
# Events, lower_2s_population_1_year, lower_2s_limit, upper_2s_population_1_year, upper_2s_limit,
# lower_3s_population_1_year, lower_3s_limit, upper_3s_population_1_year, upper_3s_limit; baseline 114.8591735.
PHE_RATE_BASELINE = 114.8591735 / 1e5
PHE_RATE_ROWS = [
    (1, 1616.949526, 20.61494982, 7.347518827, 4536.678859, 2679.632184, 12.4395182, 0.290369211, 114796.3768),
    (7, 4185.61173, 55.74653082, 816.757788, 285.6824101, 5695.722295, 40.96641677, 441.2174582, 528.8397569),
    (52, 19789.7662, 87.58735784, 11270.63598, 153.791972, 22743.82827, 76.21115113, 9439.726952, 183.6211304),
    (1208, 370915.4431, 108.5602323, 331081.0832, 121.6217679, 382876.1489, 105.1689085, 320229.2526, 125.7432491),
]


@pytest.mark.parametrize("row", PHE_RATE_ROWS, ids=lambda r: f"events={r[0]}")
def test_ci_rate_limits_match_the_published_phe_funnel(row):
    events, pop_l2, l2, pop_u2, u2, pop_l3, l3, pop_u3, u3 = row
    for p, pop, expected in ((0.025, pop_l2, l2), (0.975, pop_u2, u2), (0.001, pop_l3, l3), (0.999, pop_u3, u3)):
        exposure = pop * 3
        got = float(fn.ci_limit(p, exposure, PHE_RATE_BASELINE)[0]) * 1e5
        assert got == pytest.approx(expected, rel=2e-5), (events, p)
        assert got * exposure / 1e5 == pytest.approx(events, rel=2e-5)  # the limit is the count over the exposure


@pytest.mark.parametrize("row", [r for r in PHE_RATE_ROWS if r[0] >= 50], ids=lambda r: f"events={r[0]}")
def test_exact_rate_limits_within_two_events_of_the_published(row):
    """Spiegelhalter's limits describe the count's spread, the CI method the interval's: close for moderate counts."""
    events, pop_l2, l2, pop_u2, u2, pop_l3, l3, pop_u3, u3 = row
    for p, pop, published in ((0.025, pop_l2, l2), (0.975, pop_u2, u2), (0.001, pop_l3, l3), (0.999, pop_u3, u3)):
        exposure = pop * 3
        exact = float(fn.exact_limit(p, exposure, PHE_RATE_BASELINE, "rate")) * 1e5
        assert abs(exact - published) * exposure / 1e5 < 2.0, (events, p, exact, published)


# ---------------------------------------------------------------- positions, over-dispersion, funnels


def test_position_bands_and_edges():
    lim = {"low998": 1.0, "low95": 2.0, "high95": 4.0, "high998": 5.0}
    assert [fn.position(v, lim) for v in (0.5, 1.5, 2.0, 3.0, 4.0, 4.5, 5.5)] == [
        "below 99.8%", "below 95%", "within", "within", "within", "above 95%", "above 99.8%"]


def test_overdispersion_from_winsorised_z_scores():
    """Rate θ0 = 1 per unit, exposure 100: sd = 0.1, so a count of 100 + 10 z has z-score z.

    With ten areas, 10% winsorising sets the lowest z (-5) to the next (-1) and the highest (9) to
    the next (2): φ = (1 + 1 + 0.25 + 0 + 0 + 0.25 + 1 + 1 + 4 + 4) / 10 = 1.25.
    """
    z = np.array([-5, -1, -0.5, 0, 0, 0.5, 1, 1, 2, 9])
    counts, sizes = 100 + 10 * z, np.full(10, 100.0)
    np.testing.assert_allclose(fn.z_scores(counts, sizes, 1.0, "rate"), z)
    got = fn.overdispersion(counts, sizes, 1.0, "rate")
    assert got["phi"] == pytest.approx(1.25)
    assert got["p_value"] == pytest.approx(stats.chi2.sf(12.5, 9))
    assert got["overdispersed"] is False
    spread = fn.overdispersion(100 + 10 * z * 4, sizes, 1.0, "rate")
    assert spread["phi"] == pytest.approx(1.25 * 16) and spread["overdispersed"] is True


def test_adjusted_position_widens_by_root_phi():
    # θ0 = 1, E = 100, sd 0.1; z = 4 is above 99.8% (3.09) alone, within 95% once sd is multiplied by 3 (φ = 9).
    assert fn.adjusted_position(140, 100, 1.0, 1.0) == "above 99.8%"
    assert fn.adjusted_position(140, 100, 1.0, 9.0) == "within"
    assert fn.adjusted_position(140, 100, 1.0, 0.5) == "above 99.8%"  # φ < 1 never narrows the limits


def _areas():
    return pd.DataFrame({"area_code": ["A", "B", "C", "D"], "borough": ["Aa", "Bb", "Cc", "Dd"],
                         "allegations": [30, 10, 80, 12], "workforce": [1000.0, 800.0, 1200.0, 900.0]})


def test_rate_funnel_table_target_and_curves():
    f = fn.complaints_funnel(_areas())
    assert f.target == pytest.approx(132 / 3900 * 100) and f.per == 100 and f.method == "exact"
    t = f.table
    assert list(t.columns[:5]) == ["area_code", "borough", "count", "exposure", "rate"]
    assert t["rate"].tolist() == pytest.approx([3.0, 1.25, 80 / 12, 12 / 9])
    theta = 132 / 3900
    for _, row in t.iterrows():  # each area's limits are the exact limits at its own workforce
        assert row["high998"] == pytest.approx(float(fn.exact_limit(0.999, row["exposure"], theta)) * 100)
        assert row["low95"] == pytest.approx(float(fn.exact_limit(0.025, row["exposure"], theta)) * 100)
    assert t.set_index("area_code").loc["C", "position"] == "above 99.8%"
    assert t.set_index("area_code").loc["B", "position"] in ("below 95%", "below 99.8%")
    # The curves include every area's workforce, so reading them there gives the table's limits.
    curves = f.limits.set_index("x")
    for _, row in t.iterrows():
        assert curves.loc[row["exposure"], "high95"] == pytest.approx(row["high95"])
    assert curves.index.is_monotonic_increasing
    assert f.outside("99.8")["area_code"].tolist()[0] == "C"


def test_rate_funnel_given_target_and_methods():
    f = fn.rate_funnel(_areas(), "allegations", "workforce", per=100, target=3.0, method="normal")
    assert f.target == pytest.approx(3.0)
    row = f.table.iloc[0]
    assert row["high95"] == pytest.approx((0.03 + 1.959964 * math.sqrt(0.03 / 1000)) * 100, rel=1e-6)
    assert row["position"] == "within"
    with pytest.raises(ValueError):
        fn.limit(0.975, 10, 0.5, "proportion", "ci")
    with pytest.raises(ValueError):
        fn.limit(0.975, 10, 0.5, "rate", "approximate")
