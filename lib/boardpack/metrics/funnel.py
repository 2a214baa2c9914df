"""Funnel plots for comparing areas fairly: control limits around a target, and each area's position.

Spiegelhalter, D. J. (2005), "Funnel plots for comparing institutional performance", *Statistics
in Medicine* 24:1185–1202. An area's indicator (a proportion, or a rate per unit of exposure) is
plotted against its size; the control limits show the range the indicator would take by chance
alone if the area's true value were the target. The limits are at 95% ("two sigma") and 99.8%
("three sigma"), that is at the 2.5%/97.5% and 0.1%/99.9% points of the count's distribution.

Three ways of drawing the limits are given; the pack uses the first.

``"exact"`` (Spiegelhalter 2005, appendix)
    The count ``r`` has a discrete distribution (Binomial(n, θ0) for a proportion, Poisson(θ0 × E)
    for a rate with exposure E). With ``F`` its distribution function and ``r_p`` its p-quantile
    (the smallest r with F(r) >= p), the limit is ``(r_p - α) / n`` with
    ``α = (F(r_p) - p) / (F(r_p) - F(r_p - 1))``: linear interpolation between the counts so that
    the limits are smooth in n.
``"normal"``
    The normal approximation of the same paper: θ0 ± z_p × sqrt(θ0(1 - θ0) / n) for a proportion,
    θ0 ± z_p × sqrt(θ0 / E) for a rate. For a proportion these are also the limits of the English
    public-health indicator tools (Fingertips; the PHEindicatormethods package), which place them
    where a Wilson score interval around the observed proportion just reaches the target: solving
    that equation gives exactly this formula.
``"ci"`` (rates only)
    The public-health indicator tools' limits for rates: the rate at which the exact (Garwood)
    Poisson confidence interval of the observed count just reaches θ0 × E. The lower limit is
    O / E where the upper confidence limit of O equals θ0 × E, the upper limit likewise with the
    lower confidence limit; O is continuous (gamma quantiles).

All functions are pure: numbers and DataFrames in, numbers and DataFrames out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# scipy is imported in the functions that use it: the coverage rules import the metrics in processes
# that draw no funnel, and scipy.stats costs about a second to import.

# Two-sided coverage -> the upper tail probability p of the upper limit (the lower limit uses 1 - p).
LEVELS = {"95": 0.975, "99.8": 0.999}
METHODS = ("exact", "normal", "ci")
KINDS = ("proportion", "rate")
WITHIN = "within"
POSITIONS = ("above 99.8%", "above 95%", WITHIN, "below 95%", "below 99.8%")
WINSOR = 0.1  # share of z-scores set to the 10th / 90th percentile at each end (Spiegelhalter 2005, section 6)


def _check(kind: str, method: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown funnel kind {kind!r}; expected one of {', '.join(KINDS)}")
    if method not in METHODS:
        raise ValueError(f"unknown funnel method {method!r}; expected one of {', '.join(METHODS)}")
    if kind == "proportion" and method == "ci":
        raise ValueError("the 'ci' method is for rates only")


def _distribution(kind: str, size, target: float):
    from scipy import stats

    size = np.asarray(size, dtype=float)
    if kind == "proportion":
        return stats.binom(np.round(size).astype(int), target)
    return stats.poisson(target * size)


def exact_limit(p: float, size, target: float, kind: str = "rate") -> np.ndarray:
    """Spiegelhalter's exact limit with interpolation, at tail probability ``p``.

    Parameters
    ----------
    p : float
        The probability the limit cuts off below it: 0.975 or 0.999 for the upper 95% and 99.8%
        limits, 0.025 or 0.001 for the lower.
    size : array_like
        The denominator n of a proportion (whole numbers), or the exposure E of a rate (any
        positive number, in the units the target is per).
    target : float
        θ0, a proportion (0–1) or a rate per one unit of exposure.
    kind : str
        ``"proportion"`` (Binomial(n, θ0)) or ``"rate"`` (Poisson(θ0 × E)).

    Returns
    -------
    ndarray
        The limit as a proportion or a rate per unit of exposure: ``(r_p - α) / size``, at least
        0 (and at most 1 for a proportion).
    """
    _check(kind, "exact")
    size = np.asarray(size, dtype=float)
    dist = _distribution(kind, size, target)
    r = dist.ppf(p)
    f_r, f_below = dist.cdf(r), dist.cdf(r - 1)
    step = f_r - f_below
    alpha = np.divide(f_r - p, step, out=np.zeros_like(step, dtype=float), where=step > 0)
    limit = np.clip((r - alpha) / size, 0.0, None)
    return np.minimum(limit, 1.0) if kind == "proportion" else limit


def normal_limit(p: float, size, target: float, kind: str = "rate") -> np.ndarray:
    """The normal approximation limit θ0 + z_p × sd at tail probability ``p`` (see :func:`exact_limit`).

    sd = sqrt(θ0(1 - θ0) / n) for a proportion, sqrt(θ0 / E) for a rate. Kept within 0 (and 1).
    """
    from scipy import stats

    _check(kind, "normal")
    limit = target + stats.norm.ppf(p) * _sd(kind, target, size)
    limit = np.clip(limit, 0.0, None)
    return np.minimum(limit, 1.0) if kind == "proportion" else limit


def _sd(kind: str, target: float, size) -> np.ndarray:
    size = np.asarray(size, dtype=float)
    variance = target * (1 - target) if kind == "proportion" else target
    return np.sqrt(variance / size)


def ci_limit(p: float, exposure, target: float) -> np.ndarray:
    """The public-health tools' rate limit: where the observed count's exact Poisson interval reaches θ0 × E.

    For the upper limit (``p`` > 0.5) the count O is the one whose lower confidence limit at tail
    ``1 - p``, the ``1 - p`` quantile of Gamma(O), equals θ0 × E; for the lower limit (``p`` < 0.5)
    the one whose upper confidence limit, the ``1 - p`` quantile of Gamma(O + 1), equals θ0 × E.
    The limit is O / E (0 when even no events at all would be within).
    """
    from scipy import optimize, stats

    exposure = np.atleast_1d(np.asarray(exposure, dtype=float))
    expected = target * exposure
    out = np.empty_like(exposure)
    for i, lam in enumerate(expected):
        if p > 0.5:
            def gap(o, lam=lam):
                return stats.gamma.ppf(1 - p, o) - lam
        else:
            def gap(o, lam=lam):
                return stats.gamma.ppf(1 - p, o + 1) - lam
        if gap(1e-12) >= 0:
            out[i] = 0.0
            continue
        high = max(2.0 * lam + 50.0, 10.0)
        out[i] = optimize.brentq(gap, 1e-12, high, xtol=1e-12, rtol=1e-13) / exposure[i]
    return out


def limit(p: float, size, target: float, kind: str = "rate", method: str = "exact") -> np.ndarray:
    """The control limit at tail probability ``p`` by ``method`` (``exact``, ``normal`` or ``ci``)."""
    _check(kind, method)
    if method == "exact":
        return exact_limit(p, size, target, kind)
    if method == "normal":
        return normal_limit(p, size, target, kind)
    return ci_limit(p, size, target)


def limit_curves(target: float, sizes, kind: str = "rate", method: str = "exact", scale: float = 1.0) -> pd.DataFrame:
    """The 95% and 99.8% limits over a range of sizes, for drawing the funnel.

    Parameters
    ----------
    target : float
        θ0 per one unit of size (a proportion, or a rate per unit of exposure).
    sizes : array_like
        The x values (denominators or exposures), e.g. from :func:`size_grid`.
    kind, method : str
        See :func:`limit`.
    scale : float
        What the indicator is shown per: 1,000 for a rate per 1,000 residents when the exposure
        is in residents, 100 for a percentage. The limits are multiplied by it.

    Returns
    -------
    DataFrame
        ``x, low95, high95, low998, high998``.
    """
    x = np.asarray(sizes, dtype=float)
    curves = {"x": x}
    for level, p in LEVELS.items():
        tag = level.replace(".", "")
        curves[f"low{tag}"] = limit(1 - p, x, target, kind, method) * scale
        curves[f"high{tag}"] = limit(p, x, target, kind, method) * scale
    return pd.DataFrame(curves)


def size_grid(sizes, points: int = 120, low: float | None = None) -> np.ndarray:
    """Sizes for drawing the limits: from ``low`` (default half the smallest size) to 1.1 × the largest.

    Spaced evenly on a log scale, so the narrow end of the funnel has as many points as the wide end.
    """
    sizes = np.asarray(sizes, dtype=float)
    start = low if low is not None else sizes.min() / 2
    return np.geomspace(max(start, 1e-9), sizes.max() * 1.1, points)


def position(value: float, limits: dict) -> str:
    """Where an indicator lies against its limits: ``above 99.8%``, ``above 95%``, ``within``, ``below 95%``
    or ``below 99.8%``.

    ``limits`` maps ``low95, high95, low998, high998`` to the limits at the area's size.
    A value exactly on a limit counts as within it.
    """
    if value > limits["high998"]:
        return "above 99.8%"
    if value > limits["high95"]:
        return "above 95%"
    if value < limits["low998"]:
        return "below 99.8%"
    if value < limits["low95"]:
        return "below 95%"
    return WITHIN


def classify(counts, sizes, target: float, kind: str = "rate", method: str = "exact") -> list[str]:
    """Each area's position (see :func:`position`): its count / size against the limits at its size."""
    counts = np.asarray(counts, dtype=float)
    sizes = np.asarray(sizes, dtype=float)
    curves = limit_curves(target, sizes, kind, method)
    values = counts / sizes
    return [position(v, row) for v, row in zip(values, curves.to_dict("records"))]


def z_scores(counts, sizes, target: float, kind: str = "rate") -> np.ndarray:
    """Spiegelhalter's z-scores (y - θ0) / sd(θ0, size), with sd as in :func:`normal_limit`."""
    counts = np.asarray(counts, dtype=float)
    sizes = np.asarray(sizes, dtype=float)
    return (counts / sizes - target) / _sd(kind, target, sizes)


def overdispersion(counts, sizes, target: float, kind: str = "rate", winsor: float = WINSOR) -> dict:
    """Spiegelhalter's (2005, section 6) over-dispersion factor φ from winsorised z-scores.

    φ = (1/I) Σ z_i², with the ``winsor`` share of z-scores at each end set to the next value in
    (``scipy.stats.mstats.winsorize``). Under chance variation alone I × φ follows roughly a
    chi-squared distribution on I - 1 degrees of freedom; when it exceeds that distribution's 95%
    point the areas differ by more than chance.

    Returns
    -------
    dict
        ``phi`` (float), ``areas`` (I), ``p_value`` (of I × φ on I - 1 degrees of freedom) and
        ``overdispersed`` (bool, p_value < 0.05).
    """
    from scipy import stats
    from scipy.stats import mstats

    z = z_scores(counts, sizes, target, kind)
    wins = np.asarray(mstats.winsorize(z, limits=(winsor, winsor)), dtype=float)
    n = len(z)
    phi = float(np.mean(wins ** 2))
    p_value = float(stats.chi2.sf(n * phi, n - 1))
    return {"phi": phi, "areas": n, "p_value": p_value, "overdispersed": bool(p_value < 0.05)}


def adjusted_position(count: float, size: float, target: float, phi: float, kind: str = "rate") -> str:
    """The position against limits widened for over-dispersion: θ0 ± z_p × sqrt(φ) × sd (normal form).

    Spiegelhalter (2005, section 6) multiplies the variance by φ when φ > 1; with φ <= 1 the
    limits are the normal ones.
    """
    from scipy import stats

    scale = np.sqrt(max(phi, 1.0))
    sd = float(_sd(kind, target, size)) * scale
    limits = {}
    for level, p in LEVELS.items():
        tag = level.replace(".", "")
        z = stats.norm.ppf(p)
        limits[f"low{tag}"], limits[f"high{tag}"] = target - z * sd, target + z * sd
    return position(count / size, limits)


@dataclass
class Funnel:
    """The data of one funnel plot.

    Attributes
    ----------
    table : DataFrame
        One row per area: ``area_code, borough, count, exposure, rate`` (per ``per``),
        ``low95, high95, low998, high998`` (the limits at its exposure, per ``per``), ``z``,
        ``position`` (see :func:`position`) and ``adjusted_position`` (against the limits widened
        for over-dispersion).
    limits : DataFrame
        ``x, low95, high95, low998, high998`` over a range of exposures (including every area's),
        per ``per``, for the chart.
    target : float
        The target rate per ``per`` (all areas' counts over all their exposure).
    per : float
        What the rates are per (1,000 residents, 100 workforce).
    kind, method : str
        As in :func:`limit`.
    phi, phi_p_value : float
        Over-dispersion factor and its test (:func:`overdispersion`).
    overdispersed : bool
    """

    table: pd.DataFrame
    limits: pd.DataFrame
    target: float
    per: float
    kind: str = "rate"
    method: str = "exact"
    phi: float = float("nan")
    phi_p_value: float = float("nan")
    overdispersed: bool = False

    def outside(self, level: str = "99.8") -> pd.DataFrame:
        """The rows outside the 95% or 99.8% limits (``level``), highest rate first."""
        marks = ("above 99.8%", "below 99.8%") if level == "99.8" else tuple(p for p in POSITIONS if p != WITHIN)
        rows = self.table[self.table["position"].isin(marks)]
        return rows.sort_values("rate", ascending=False)

    def __repr__(self) -> str:
        return (f"Funnel({self.kind}, {self.method}, target {self.target:.4g} per {self.per:g}, "
                f"{len(self.table)} areas, {len(self.outside('95'))} outside 95%, "
                f"{len(self.outside('99.8'))} outside 99.8%, phi {self.phi:.3g})")

    def _repr_html_(self) -> str:
        return f"<p>{self.__repr__()}</p>" + self.table.to_html(index=False)


def rate_funnel(areas: pd.DataFrame, count: str, exposure: str, per: float = 1.0, method: str = "exact",
                target: float | None = None, points: int = 120) -> Funnel:
    """The funnel plot data of a rate for every area: each area's position and the limit curves.

    Parameters
    ----------
    areas : DataFrame
        One row per area, with ``area_code``, ``borough``, the ``count`` column and the
        ``exposure`` column (residents, workforce: the units of the exposure).
    count, exposure : str
        Column names.
    per : float
        Rates are shown per this many units of exposure (1,000 residents, 100 workforce).
    method : str
        ``"exact"`` (the pack's), ``"normal"`` or ``"ci"`` (see the module notes).
    target : float, optional
        The target rate per ``per``; by default all areas' counts over all their exposure.
    points : int
        How many exposures the limit curves are drawn at.

    Returns
    -------
    Funnel
    """
    counts = areas[count].astype(float).to_numpy()
    sizes = areas[exposure].astype(float).to_numpy()
    theta = counts.sum() / sizes.sum() if target is None else target / per
    at_size = limit_curves(theta, sizes, "rate", method, per)
    table = pd.DataFrame({
        "area_code": areas["area_code"].to_numpy(),
        "borough": areas["borough"].to_numpy(),
        "count": areas[count].to_numpy(),
        "exposure": sizes,
        "rate": counts / sizes * per,
    })
    for col in ("low95", "high95", "low998", "high998"):
        table[col] = at_size[col].to_numpy()
    table["z"] = z_scores(counts, sizes, theta, "rate")
    table["position"] = [position(r, lim) for r, lim in zip(table["rate"], at_size.to_dict("records"))]
    disp = overdispersion(counts, sizes, theta, "rate")
    table["adjusted_position"] = [adjusted_position(c, s, theta, disp["phi"], "rate") for c, s in zip(counts, sizes)]
    # The areas' own sizes are among the x values, so reading the curves between points
    # (as a chart does) gives each area exactly the limits it was classified against.
    grid = np.unique(np.concatenate([size_grid(sizes, points), sizes]))
    curves = limit_curves(theta, grid, "rate", method, per)
    return Funnel(table=table, limits=curves, target=theta * per, per=per, kind="rate", method=method,
                  phi=disp["phi"], phi_p_value=disp["p_value"], overdispersed=disp["overdispersed"])


def complaints_funnel(rates: pd.DataFrame, method: str = "exact") -> Funnel:
    """Complaint allegations per 100 workforce: every borough against the MPS rate.

    ``rates`` is the table of :func:`boardpack.metrics.complaints.per_100_workforce` (allegations
    and workforce of the 32 boroughs). The target is all 32 boroughs' allegations over their
    whole workforce, unrounded; each borough's count is Poisson around target × workforce.
    """
    return rate_funnel(rates, "allegations", "workforce", per=100, method=method)
