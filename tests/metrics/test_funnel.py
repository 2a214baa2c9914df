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


# FunnelPlotR's own unit-test data (tests/testthat/test-OD_adjust_func.R): six groups' observed and expected.
FPR_OBSERVED = [100, 150, 180, 80, 120, 225]
FPR_EXPECTED = [108, 112, 165, 95, 100, 220]


def _funnelplotr_by_hand(observed, expected, trim=0.1):
    """FunnelPlotR's SR/SHMI over-dispersion written out step by step (R/od_adjustment.R, R/funnel_plot.R)."""
    z = [math.sqrt(e) * math.log(o / e) for o, e in zip(observed, expected)]
    n = len(z)
    ranks = stats.rankdata(z)  # R's rank(ties.method = "average")
    k = 1 / trim
    groups = [math.floor(r * k / (n + 1)) for r in ranks]
    kept = [i for i, g in enumerate(groups) if 0 < g < k - 1]
    phi = sum(z[i] ** 2 for i in kept) / len(kept)
    s2 = [1 / expected[i] for i in kept]  # s = 1/sqrt(E)
    m = len(kept)
    if m * phi < m - 1:
        return z, kept, phi, 0.0
    w = [1 / v for v in s2]
    tau2 = max(0.0, (m * phi - (m - 1)) / (sum(w) - sum(x * x for x in w) / sum(w)))
    return z, kept, phi, tau2


def test_phi_and_tau2_follow_funnelplotrs_formula_on_its_own_data():
    z, kept, phi, tau2 = _funnelplotr_by_hand(FPR_OBSERVED, FPR_EXPECTED)
    got = fn.additive_overdispersion(FPR_OBSERVED, FPR_EXPECTED)
    np.testing.assert_allclose(got["z"], z)
    assert np.flatnonzero(got["kept"]).tolist() == kept == [0, 1, 2, 3, 4, 5]  # six groups: none set aside
    assert got["phi"] == pytest.approx(phi) and got["tau2"] == pytest.approx(tau2)
    assert got["phi"] > 1 and got["tau2"] > 0


def test_truncation_sets_aside_a_tenth_at_each_end_of_32_boroughs():
    rng = np.random.default_rng(5)
    expected = rng.uniform(2000, 60000, 32)
    observed = np.round(expected * np.exp(rng.normal(0, 0.3, 32)))
    z, kept, phi, tau2 = _funnelplotr_by_hand(observed, expected)
    got = fn.additive_overdispersion(observed, expected)
    assert got["areas_kept"] == len(kept) == 26  # ranks 1-3 and 30-32 set aside
    order = np.argsort(z)
    assert not got["kept"][order[:3]].any() and not got["kept"][order[-3:]].any() and got["kept"][order[3:-3]].all()
    assert got["phi"] == pytest.approx(phi) and got["tau2"] == pytest.approx(tau2)


def test_dersimonian_laird_tau2_of_the_bcg_trials():
    # metafor's dat.bcg (Colditz et al. 1994): 13 trials of the BCG vaccine, tpos, tneg, cpos, cneg. On the
    # log risk ratio scale the DerSimonian-Laird estimate of tau^2 is 0.3088 (rma(..., method = "DL")).
    trials = [(4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619),
              (33, 5036, 47, 5761), (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892),
              (29, 7470, 45, 7232), (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338),
              (27, 16886, 29, 17825)]
    y = np.array([math.log((a / (a + b)) / (c / (c + d))) for a, b, c, d in trials])
    v = np.array([1 / a - 1 / (a + b) + 1 / c - 1 / (c + d) for a, b, c, d in trials])
    w = 1 / v
    q = float((w * (y - (w * y).sum() / w.sum()) ** 2).sum())
    assert round(fn.dersimonian_laird_tau2(q, w), 4) == 0.3088
    assert fn.dersimonian_laird_tau2(len(w) - 2, w) == 0.0  # Q below its degrees of freedom: no spread


def test_a_zero_count_is_set_aside_rather_than_breaking_the_estimate():
    got = fn.additive_overdispersion([0, 50, 60, 70, 80], [40, 50, 55, 75, 85])
    assert got["z"][0] == -np.inf and not got["kept"][0]
    assert math.isfinite(got["phi"])


def test_additive_limits_widen_the_log_ratio_by_tau2():
    theta, tau2 = 0.1, 0.04
    curves = fn.additive_curves(theta, [1000.0, 100000.0], tau2, scale=1000)
    for _, row in curves.iterrows():
        expected = theta * row["x"]
        for col, p in (("high998", 0.999), ("low95", 0.025)):
            assert row[col] == pytest.approx(100 * math.exp(stats.norm.ppf(p) * math.sqrt(1 / expected + tau2)))
    # However large a borough, its limits no longer close on the target: the spread between boroughs stays.
    assert curves["high95"].iloc[-1] > 100 * math.exp(1.96 * math.sqrt(tau2)) * 0.999


def _areas():
    return pd.DataFrame({"area_code": ["A", "B", "C", "D"], "borough": ["Aa", "Bb", "Cc", "Dd"],
                         "allegations": [30, 10, 80, 12], "workforce": [1000.0, 800.0, 1200.0, 900.0]})


def test_rate_funnel_allows_for_the_spread_between_areas_where_they_spread_more_than_chance():
    f = fn.complaints_funnel(_areas())
    theta = 132 / 3900
    assert f.target == pytest.approx(theta * 100) and f.per == 100 and f.method == "exact"
    t = f.table
    assert list(t.columns[:7]) == ["area_code", "borough", "count", "exposure", "expected", "rate", "z"]
    assert t["rate"].tolist() == pytest.approx([3.0, 1.25, 80 / 12, 12 / 9])
    assert t["expected"].tolist() == pytest.approx([1000 * theta, 800 * theta, 1200 * theta, 900 * theta])
    od = fn.additive_overdispersion(t["count"], t["expected"])
    assert f.adjusted and f.phi == pytest.approx(od["phi"]) and f.phi > 1 and f.tau2 == pytest.approx(od["tau2"])
    for _, row in t.iterrows():  # each area's limits allow for tau2 at its own expected count
        assert row["high998"] == pytest.approx(theta * 100 * float(fn.additive_limit(0.999, row["expected"], f.tau2)))
        assert row["low95"] == pytest.approx(theta * 100 * float(fn.additive_limit(0.025, row["expected"], f.tau2)))
        assert row["outside_998"] == (row["position"] in ("above 99.8%", "below 99.8%"))
        assert row["outside_95"] == (row["position"] != "within")
    # Against limits for chance alone C lies far outside; the unadjusted curves are kept for the chart.
    assert t.set_index("area_code").loc["C", "unadjusted_position"] == "above 99.8%"
    chance = f.unadjusted.set_index("x")
    for _, row in t.iterrows():
        assert chance.loc[row["exposure"], "high998"] == pytest.approx(
            float(fn.exact_limit(0.999, row["exposure"], theta)) * 100)
    # The curves include every area's workforce, so reading them there gives the table's limits.
    curves = f.limits.set_index("x")
    for _, row in t.iterrows():
        assert curves.loc[row["exposure"], "high95"] == pytest.approx(row["high95"])
    assert curves.index.is_monotonic_increasing


def test_rate_funnel_keeps_the_limits_for_chance_alone_where_areas_spread_no_more():
    areas = pd.DataFrame({"area_code": list("ABCDEF"), "borough": list("ABCDEF"),
                          "allegations": [100, 201, 299, 400, 502, 598],
                          "workforce": [1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0]})
    f = fn.complaints_funnel(areas)
    assert f.phi <= 1 and not f.adjusted
    theta = 2100 / 21000
    for _, row in f.table.iterrows():
        assert row["high998"] == pytest.approx(float(fn.exact_limit(0.999, row["exposure"], theta)) * 100)
        assert row["position"] == row["unadjusted_position"] == "within"
    assert f.limits.equals(f.unadjusted)
    assert "phi <= 1" in f.limits_method


def test_rate_funnel_given_target_and_methods():
    f = fn.rate_funnel(_areas(), "allegations", "workforce", per=100, target=3.0, method="normal")
    assert f.target == pytest.approx(3.0)
    assert f.table.iloc[0]["expected"] == pytest.approx(30.0)
    chance = f.unadjusted.set_index("x").loc[1000.0]  # the limits for chance alone are the method's
    assert chance["high95"] == pytest.approx((0.03 + 1.959964 * math.sqrt(0.03 / 1000)) * 100, rel=1e-6)
    assert f.table.iloc[0]["unadjusted_position"] == f.table.iloc[0]["position"] == "within"
    with pytest.raises(ValueError):
        fn.limit(0.975, 10, 0.5, "proportion", "ci")
    with pytest.raises(ValueError):
        fn.limit(0.975, 10, 0.5, "rate", "approximate")
