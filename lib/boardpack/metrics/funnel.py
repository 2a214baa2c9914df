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

Boroughs differ by far more than chance: they are not samples of one rate, and at London's
volumes limits for chance alone are so narrow that most boroughs fall outside them. The pack's
funnels therefore follow FunnelPlotR's default for ratios (``data_type = "SR"``,
``sr_method = "SHMI"``, ``trim_by = 0.1``), after Spiegelhalter (2005) and Spiegelhalter et al.
(2012): each borough is an indirectly standardised ratio O/E, its observed count O against its
expected count E (its size times the London rate), with the z-score z = √E · log(O/E); the 10% of
boroughs with the lowest and the highest z are set aside (:func:`truncated`); the dispersion φ is
the mean of the kept z²; and the between-borough variance τ² is the DerSimonian–Laird estimate
from them (:func:`dersimonian_laird_tau2`, weights E). The limits for a borough of expected count E
are exp(± z_p·√(1/E + τ²)) times the London rate (:func:`additive_limit`): they screen a borough
against the usual spread between boroughs, not against chance alone. Where φ ≤ 1 the boroughs
spread no more than chance would, and the exact Poisson limits above are used.

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
TRIM = 0.1  # share of boroughs set aside at each end before φ is estimated (FunnelPlotR's trim_by)
ADDITIVE = "additive"
UNADJUSTED = "unadjusted"
ADDITIVE_METHOD = ("FunnelPlotR's default for ratios (SR, SHMI): z = sqrt(E) log(O/E), 10% of boroughs set aside "
                   "at each end, phi the mean of the kept z^2, DerSimonian-Laird tau^2, limits "
                   "exp(+/- z_p sqrt(1/E + tau^2)) x the London rate")
UNADJUSTED_METHOD = ("Spiegelhalter (2005) exact Poisson limits with interpolation (the boroughs spread no more than "
                     "chance would: phi <= 1)")


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


def ratio_z_scores(observed, expected) -> np.ndarray:
    """FunnelPlotR's z-scores of standardised ratios (SHMI form): √E · log(O/E); -inf where O is 0."""
    observed = np.asarray(observed, dtype=float)
    expected = np.asarray(expected, dtype=float)
    with np.errstate(divide="ignore"):
        return np.sqrt(expected) * np.log(observed / expected)


def truncated(z, trim: float = TRIM) -> np.ndarray:
    """Which z-scores are kept to estimate the dispersion: FunnelPlotR's truncation (SHMI).

    With k = 1/``trim`` groups, each finite z's rank r (ties averaged) among the n finite ones is
    put in group ⌊r·k / (n + 1)⌋; the lowest group (0) and the highest (k − 1 and above) are set
    aside, about ``trim`` of the boroughs at each end. A z that is not finite is set aside too.

    Returns
    -------
    ndarray of bool
        True for a kept z, in the order given.
    """
    from scipy.stats import rankdata

    z = np.asarray(z, dtype=float)
    finite = np.isfinite(z)
    groups = round(1 / trim)
    keep = np.zeros(len(z), dtype=bool)
    ranks = rankdata(z[finite], method="average")
    group = np.floor(ranks * groups / (finite.sum() + 1))
    keep[finite] = (group > 0) & (group < groups - 1)
    return keep


def dersimonian_laird_tau2(q: float, weights) -> float:
    """DerSimonian and Laird's (1986) between-unit variance: max(0, (Q − (k − 1)) / (Σw − Σw²/Σw)).

    ``q`` is the heterogeneity statistic Q over the k units and ``weights`` their inverse
    within-unit variances (1/s²). 0 when Q < k − 1 (no more spread than within units gives).
    """
    w = np.asarray(weights, dtype=float)
    k = len(w)
    if k == 0 or q < k - 1:
        return 0.0
    return max(0.0, float((q - (k - 1)) / (w.sum() - (w ** 2).sum() / w.sum())))


def additive_overdispersion(observed, expected, trim: float = TRIM) -> dict:
    """φ and τ² of a set of standardised ratios, FunnelPlotR's default for ratios (see the module notes).

    Parameters
    ----------
    observed, expected : array_like
        Each area's count O and its expected count E (its size × the common rate).
    trim : float
        Share set aside at each end (:func:`truncated`).

    Returns
    -------
    dict
        ``z`` (every area's √E·log(O/E)), ``kept`` (the mask of :func:`truncated`), ``areas_kept``,
        ``phi`` (mean of the kept z²) and ``tau2`` (:func:`dersimonian_laird_tau2` with Q = n·φ over
        the kept areas and weights 1/s² = E, s = 1/√E).
    """
    z = ratio_z_scores(observed, expected)
    kept = truncated(z, trim)
    n = int(kept.sum())
    phi = float(np.mean(z[kept] ** 2)) if n else float("nan")
    tau2 = dersimonian_laird_tau2(n * phi, np.asarray(expected, dtype=float)[kept]) if n else 0.0
    return {"z": z, "kept": kept, "areas_kept": n, "phi": phi, "tau2": tau2}


def additive_limit(p: float, expected, tau2: float) -> np.ndarray:
    """The limit, as a ratio O/E, at tail probability ``p`` for expected count E: exp(z_p·√(1/E + τ²))."""
    from scipy import stats

    expected = np.asarray(expected, dtype=float)
    return np.exp(stats.norm.ppf(p) * np.sqrt(1 / expected + tau2))


def additive_curves(target: float, sizes, tau2: float, scale: float = 1.0) -> pd.DataFrame:
    """The 95% and 99.8% limits allowing for the spread between areas (τ²), over sizes: as :func:`limit_curves`.

    ``target`` is θ per unit of size, so an area of size x expects E = θ·x events; the limits are
    ``θ × additive_limit(p, E, τ²) × scale``.
    """
    x = np.asarray(sizes, dtype=float)
    curves = {"x": x}
    for level, p in LEVELS.items():
        tag = level.replace(".", "")
        curves[f"low{tag}"] = target * additive_limit(1 - p, target * x, tau2) * scale
        curves[f"high{tag}"] = target * additive_limit(p, target * x, tau2) * scale
    return pd.DataFrame(curves)


@dataclass
class Funnel:
    """The data of one funnel plot.

    Attributes
    ----------
    table : DataFrame
        One row per area: ``area_code, borough, count`` (observed), ``exposure``, ``expected``
        (exposure × the target rate), ``rate`` (per ``per``), ``z`` (√E·log(O/E)), ``kept`` (whether
        its z entered φ), ``low95, high95, low998, high998`` (the limits drawn, at its exposure, per
        ``per``), ``position`` (see :func:`position`) against them, ``outside_95``, ``outside_998``,
        and ``unadjusted_position`` (against the limits for chance alone).
    limits : DataFrame
        ``x, low95, high95, low998, high998``: the limits drawn, over a range of exposures
        (including every area's), per ``per``.
    unadjusted : DataFrame
        The same for the limits for chance alone (:func:`limit_curves` by ``method``).
    target : float
        The target rate per ``per`` (all areas' counts over all their exposure).
    per : float
        What the rates are per (1,000 residents, 100 workforce).
    kind, method : str
        As in :func:`limit` (the limits for chance alone).
    phi, tau2 : float
        The dispersion and the between-area variance (:func:`additive_overdispersion`).
    areas_kept : int
        How many areas' z entered φ.
    adjusted : bool
        φ > 1: the limits drawn allow for the spread between areas (:func:`additive_curves`);
        otherwise they are the limits for chance alone.
    """

    table: pd.DataFrame
    limits: pd.DataFrame
    unadjusted: pd.DataFrame
    target: float
    per: float
    kind: str = "rate"
    method: str = "exact"
    phi: float = float("nan")
    tau2: float = 0.0
    areas_kept: int = 0
    adjusted: bool = False
    trim: float = TRIM

    @property
    def limits_method(self) -> str:
        """In words, how the limits drawn were made."""
        return ADDITIVE_METHOD if self.adjusted else UNADJUSTED_METHOD

    def outside(self, level: str = "99.8") -> pd.DataFrame:
        """The rows outside the 95% or 99.8% limits drawn (``level``), highest rate first."""
        column = "outside_998" if level == "99.8" else "outside_95"
        return self.table[self.table[column]].sort_values("rate", ascending=False)

    def __repr__(self) -> str:
        how = f"limits allowing for the spread between areas, tau2 {self.tau2:.3g}" if self.adjusted else \
            "limits for chance alone"
        return (f"Funnel({self.kind}, target {self.target:.4g} per {self.per:g}, {len(self.table)} areas, phi "
                f"{self.phi:.3g}, {how}: {len(self.outside('95'))} outside 95%, "
                f"{len(self.outside('99.8'))} outside 99.8%)")

    def _repr_html_(self) -> str:
        return f"<p>{self.__repr__()}</p>" + self.table.to_html(index=False)


def rate_funnel(areas: pd.DataFrame, count: str, exposure: str, per: float = 1.0, method: str = "exact",
                target: float | None = None, points: int = 120, trim: float = TRIM) -> Funnel:
    """The funnel plot data of a rate for every area: each area's position and the limit curves.

    Each area is a standardised ratio, its count against its exposure × the target rate; the limits
    drawn allow for the spread between areas (see the module notes) where φ > 1, and are the limits
    for chance alone by ``method`` otherwise.

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
        The limits for chance alone: ``"exact"`` (the pack's), ``"normal"`` or ``"ci"``.
    target : float, optional
        The target rate per ``per``; by default all areas' counts over all their exposure.
    points : int
        How many exposures the limit curves are drawn at.
    trim : float
        Share of areas set aside at each end before φ is estimated.

    Returns
    -------
    Funnel
    """
    counts = areas[count].astype(float).to_numpy()
    sizes = areas[exposure].astype(float).to_numpy()
    theta = counts.sum() / sizes.sum() if target is None else target / per
    expected = theta * sizes
    od = additive_overdispersion(counts, expected, trim)
    adjusted = bool(od["phi"] > 1)
    chance_at_size = limit_curves(theta, sizes, "rate", method, per)
    at_size = additive_curves(theta, sizes, od["tau2"], per) if adjusted else chance_at_size
    table = pd.DataFrame({
        "area_code": areas["area_code"].to_numpy(),
        "borough": areas["borough"].to_numpy(),
        "count": areas[count].to_numpy(),
        "exposure": sizes,
        "expected": expected,
        "rate": counts / sizes * per,
        "z": od["z"],
        "kept": od["kept"],
    })
    for col in ("low95", "high95", "low998", "high998"):
        table[col] = at_size[col].to_numpy()
    table["position"] = [position(r, lim) for r, lim in zip(table["rate"], at_size.to_dict("records"))]
    table["outside_95"] = table["position"] != WITHIN
    table["outside_998"] = table["position"].isin(["above 99.8%", "below 99.8%"])
    table["unadjusted_position"] = [position(r, lim) for r, lim in
                                    zip(table["rate"], chance_at_size.to_dict("records"))]
    # The areas' own sizes are among the x values, so reading the curves between points
    # (as a chart does) gives each area exactly the limits it was classified against.
    grid = np.unique(np.concatenate([size_grid(sizes, points), sizes]))
    unadjusted = limit_curves(theta, grid, "rate", method, per)
    curves = additive_curves(theta, grid, od["tau2"], per) if adjusted else unadjusted
    return Funnel(table=table, limits=curves, unadjusted=unadjusted, target=theta * per, per=per, kind="rate",
                  method=method, phi=od["phi"], tau2=od["tau2"], areas_kept=od["areas_kept"], adjusted=adjusted,
                  trim=trim)


def complaints_funnel(rates: pd.DataFrame, method: str = "exact") -> Funnel:
    """Complaint allegations per 100 workforce: every borough against the MPS rate.

    ``rates`` is the table of :func:`boardpack.metrics.complaints.per_100_workforce` (allegations
    and workforce of the 32 boroughs). The target is all 32 boroughs' allegations over their
    whole workforce, unrounded; each borough's expected count is target × workforce, and the
    limits are those of :func:`rate_funnel` (allowing for the spread between boroughs where φ > 1).
    """
    return rate_funnel(rates, "allegations", "workforce", per=100, method=method)
