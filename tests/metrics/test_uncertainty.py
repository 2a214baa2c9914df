"""Each statistic against hand-worked or published examples."""

from __future__ import annotations

import math

import pytest
from boardpack.metrics.uncertainty import (
    ABOVE,
    BELOW,
    SIMILAR,
    difference_interval,
    poisson_interval,
    rank_range,
    rate_ratio_interval,
    versus_benchmark,
    wilson_interval,
)

# Newcombe R.G. (1998), "Two-sided confidence intervals for the single proportion: comparison of
# seven methods", Statistics in Medicine 17, 857-872, Table II: the Wilson score interval (method 3)
# and the exact Clopper-Pearson interval (method 5) of four worked examples, to 4 decimals.
NEWCOMBE = [
    # successes, n, Wilson (low, high), Clopper-Pearson (low, high)
    (81, 263, (0.2553, 0.3662), (0.2527, 0.3676)),
    (15, 148, (0.0624, 0.1605), (0.0578, 0.1617)),
    (0, 20, (0.0000, 0.1611), (0.0000, 0.1684)),
    (1, 29, (0.0061, 0.1718), (0.0009, 0.1776)),
]


@pytest.mark.parametrize(("k", "n", "wilson", "_exact"), NEWCOMBE)
def test_wilson_reproduces_newcombes_worked_examples(k, n, wilson, _exact):
    low, high = wilson_interval(k, n)
    assert (round(low, 4), round(high, 4)) == wilson


def test_wilson_accepts_a_survey_share_times_its_assumed_respondents():
    # 68% of 400: the score interval, worked by hand from its formula.
    p, n, z = 0.68, 400, 1.959963984540054
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low, high = wilson_interval(p * n, n)
    assert low == pytest.approx(centre - half, abs=1e-12)
    assert high == pytest.approx(centre + half, abs=1e-12)


@pytest.mark.parametrize(("k", "n"), [(-1, 10), (11, 10), (5, 0)])
def test_wilson_refuses_impossible_counts(k, n):
    with pytest.raises(ValueError):
        wilson_interval(k, n)


def test_rate_ratio_interval_scales_the_clopper_pearson_interval():
    # 15 of 15 + 133 searches are of the group: Newcombe's 15/148 exact limits (0.0578, 0.1617)
    # give the ratio limits pi / (1 - pi) * P0 / P; populations 1,000 and 4,000.
    low, high = rate_ratio_interval(15, 1000, 133, 4000)
    assert low == pytest.approx(0.05784401 / (1 - 0.05784401) * 4, rel=1e-6)
    assert high == pytest.approx(0.16165049 / (1 - 0.16165049) * 4, rel=1e-6)
    point = (15 / 1000) / (133 / 4000)
    assert low < point < high


def test_rate_ratio_interval_edges():
    low, high = rate_ratio_interval(0, 100, 20, 100)
    assert low == 0.0 and high == pytest.approx(0.1684335 / (1 - 0.1684335), rel=1e-6)
    assert rate_ratio_interval(5, 100, 0, 100)[1] == math.inf
    assert all(math.isnan(v) for v in rate_ratio_interval(0, 100, 0, 100))


def test_versus_benchmark_needs_the_interval_to_exclude_it():
    assert versus_benchmark(0.70, 0.78, 0.67) == ABOVE
    assert versus_benchmark(0.55, 0.63, 0.67) == BELOW
    assert versus_benchmark(0.63, 0.72, 0.67) == SIMILAR
    assert versus_benchmark(0.67, 0.72, 0.67) == SIMILAR  # touching the benchmark is not excluding it


def test_rank_range_counts_intervals_wholly_above_and_below():
    lows = [0.80, 0.70, 0.60, 0.20]
    highs = [0.90, 0.85, 0.75, 0.30]
    assert rank_range(lows, highs) == [(1, 2), (1, 3), (2, 3), (4, 4)]


# Exact 95% limits of a Poisson count as tabulated (e.g. Garwood 1936; the exact limits printed in
# public-health confidence-interval guides), to 4 decimals.
@pytest.mark.parametrize(("k", "low", "high"), [(0, 0.0, 3.6889), (1, 0.0253, 5.5716), (10, 4.7954, 18.3904)])
def test_poisson_interval_is_garwoods_exact_interval(k, low, high):
    lo, hi = poisson_interval(k)
    assert (round(lo, 4), round(hi, 4)) == (low, high)


# Newcombe R.G. (1998), "Interval estimation for the difference between independent proportions:
# comparison of eleven methods", Statistics in Medicine 17, 873-890: method 10 (the hybrid score
# interval) on his worked examples, to 4 decimals.
@pytest.mark.parametrize(("a", "m", "b", "n", "limits"), [
    (56, 70, 48, 80, (0.0524, 0.3339)),
    (9, 10, 3, 10, (0.1705, 0.8090)),
    (5, 56, 0, 29, (-0.0381, 0.1926)),
])
def test_difference_interval_reproduces_newcombes_method_10(a, m, b, n, limits):
    low, high = difference_interval(a, m, b, n)
    assert (round(low, 4), round(high, 4)) == limits


def test_difference_interval_refuses_impossible_counts():
    with pytest.raises(ValueError):
        difference_interval(5, 4, 1, 10)
