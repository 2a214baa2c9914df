"""The uncertainty of the pack's figures: intervals, and comparisons with a benchmark.

Every function here is pure and takes plain numbers, so each section's compute cell can call
it on the counts it already shows. The methods are the settled ones of public-sector
statistics (docs/method.md, "Uncertainty", gives each formula and its source); the tests of a
change between two periods are in :mod:`.significance`:

- a proportion from a survey or a count: the Wilson score interval
  (``statsmodels.stats.proportion.proportion_confint``), and for a difference of two proportions
  Newcombe's hybrid score interval;
- a ratio of two Poisson rates (e.g. a disproportionality ratio): the exact conditional
  (Clopper–Pearson) interval on the first count's share of the two, scaled by the populations;
- a value against a benchmark: "above" or "below" only when its interval excludes the benchmark.
"""

from __future__ import annotations

from .significance import ALPHA, check_alpha, whole_count

# scipy and statsmodels are imported where they are used: importing them costs about a second, and the
# coverage rules (which import the metrics) run in processes that compute no statistic.

ABOVE, BELOW, SIMILAR = "above", "below", "similar"


def wilson_interval(successes, n, alpha: float = ALPHA) -> tuple[float, float]:
    """The Wilson score interval of a proportion.

    Parameters
    ----------
    successes : float
        The count with the attribute. A survey's published proportion times its assumed number
        of respondents need not be whole: the score interval is defined for any value in
        ``[0, n]``.
    n : float
        The number asked or counted; more than 0.
    alpha : float
        1 minus the confidence level (0.05 gives a 95% interval).

    Returns
    -------
    (float, float)
        The lower and upper limits as proportions (0 to 1).

    Raises
    ------
    ValueError
        If ``n`` is not positive or ``successes`` is outside ``[0, n]``.
    """
    alpha = check_alpha(alpha)
    if n is None or not n > 0:
        raise ValueError(f"the number of respondents must be more than 0, not {n!r}")
    if successes is None or not 0 <= successes <= n:
        raise ValueError(f"{successes!r} is not between 0 and the number of respondents ({n})")
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(successes, n, alpha=alpha, method="wilson")
    return max(0.0, float(low)), min(1.0, float(high))


def difference_interval(successes1, n1, successes2, n2, alpha: float = ALPHA) -> tuple[float, float]:
    """The interval of a difference of two independent proportions, p1 − p2 (Newcombe's hybrid score).

    Newcombe (1998, Statistics in Medicine 17:873–890, method 10) combines the two Wilson score
    intervals (l1, u1) and (l2, u2): the difference d ± √((p1 − l1)² + (u2 − p2)²) below and
    √((u1 − p1)² + (p2 − l2)²) above. Computed by
    ``statsmodels.stats.proportion.confint_proportions_2indep(..., method="newcomb")``.

    Parameters
    ----------
    successes1, n1, successes2, n2 : float
        Each group's count with the attribute (a survey share × its respondents need not be whole)
        and its number asked (more than 0).
    alpha : float
        1 minus the confidence level.

    Returns
    -------
    (float, float)
        Lower and upper limits of p1 − p2, as proportions (−1 to 1).
    """
    alpha = check_alpha(alpha)
    for k, n in ((successes1, n1), (successes2, n2)):
        if n is None or not n > 0 or k is None or not 0 <= k <= n:
            raise ValueError(f"{k!r} of {n!r} is not a proportion of a positive number of respondents")
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(successes1, n1, successes2, n2, method="newcomb", compare="diff",
                                           alpha=alpha)
    return float(low), float(high)


def rate_ratio_interval(count, population, baseline_count, baseline_population,
                        alpha: float = ALPHA) -> tuple[float, float]:
    """The exact conditional interval of a ratio of two Poisson rates.

    The ratio is ``(count / population) / (baseline_count / baseline_population)``. Given the
    two counts' total, ``count`` is Binomial(total, π) with π = R·P / (R·P + P₀) for rate ratio R
    and populations P, P₀; the Clopper–Pearson interval (πL, πU) of π
    (``scipy.stats.binomtest(...).proportion_ci(method="exact")``) gives
    R = π / (1 − π) × P₀ / P at each end.

    Parameters
    ----------
    count, baseline_count : int
        Events in the group and in the baseline group (e.g. searches of Black and of White
        residents).
    population, baseline_population : float
        The two populations (more than 0).
    alpha : float
        1 minus the confidence level.

    Returns
    -------
    (float, float)
        Lower and upper limits of the ratio. The upper limit is ``inf`` when ``baseline_count``
        is 0 and both are NaN when both counts are 0 (no ratio can be estimated).
    """
    alpha = check_alpha(alpha)
    x, y = whole_count(count, "count"), whole_count(baseline_count, "baseline count")
    if not (population and population > 0 and baseline_population and baseline_population > 0):
        raise ValueError("both populations must be more than 0")
    if x + y == 0:
        return float("nan"), float("nan")
    from scipy.stats import binomtest

    ci = binomtest(x, x + y).proportion_ci(confidence_level=1 - alpha, method="exact")
    scale = float(baseline_population) / float(population)

    def ratio(pi: float) -> float:
        return float("inf") if pi >= 1 else pi / (1 - pi) * scale

    return ratio(float(ci.low)), ratio(float(ci.high))


def poisson_interval(count, alpha: float = ALPHA) -> tuple[float, float]:
    """The exact (Garwood) interval of a Poisson count, e.g. for a rate = count / exposure.

    Lower limit χ²(alpha/2; 2k) / 2 (0 when k is 0), upper limit χ²(1 − alpha/2; 2k + 2) / 2: the
    interval public-health indicators give for counts and rates. Divide both by the exposure (and
    scale, e.g. × 1,000) for the rate's interval.

    Returns
    -------
    (float, float)
        The limits of the expected count.
    """
    alpha = check_alpha(alpha)
    k = whole_count(count, "count")
    from scipy.stats import chi2

    low = 0.0 if k == 0 else float(chi2.ppf(alpha / 2, 2 * k)) / 2
    return low, float(chi2.ppf(1 - alpha / 2, 2 * k + 2)) / 2


def versus_benchmark(low: float, high: float, benchmark: float) -> str:
    """How an interval stands against a benchmark value, in the benchmark practice of indicators.

    Returns
    -------
    str
        :data:`ABOVE` when the whole interval is above the benchmark, :data:`BELOW` when it is
        all below, :data:`SIMILAR` when it contains it.
    """
    if low > benchmark:
        return ABOVE
    if high < benchmark:
        return BELOW
    return SIMILAR


def rank_range(lows, highs) -> list[tuple[int, int]]:
    """The ranks each area could hold given the uncertainty of every area's value.

    Rank 1 is the highest value. An area's best rank is 1 plus the number of areas whose
    interval lies wholly above its own; its worst rank is the number of areas less those whose
    interval lies wholly below its own. Areas whose intervals overlap cannot be told apart, so
    either could be ranked above the other.

    Parameters
    ----------
    lows, highs : sequence of float
        Each area's interval, in the same order.

    Returns
    -------
    list of (int, int)
        ``(best, worst)`` for each area, in the order given.
    """
    lows, highs = [float(v) for v in lows], [float(v) for v in highs]
    if len(lows) != len(highs):
        raise ValueError("lows and highs must have one value for each area")
    n = len(lows)
    out = []
    for low, high in zip(lows, highs):
        above = sum(1 for other_low in lows if other_low > high)
        below = sum(1 for other_high in highs if other_high < low)
        out.append((1 + above, n - below))
    return out
