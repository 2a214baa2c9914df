"""Rounding as the pack prints numbers, percentage change and shares, and the direction word.

Every printed figure in the package is rounded by :func:`round_half_up`, on the exact value,
so one rule (ties away from zero) holds for every section.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "nan", "NaT")


def exact(value) -> Fraction:
    """A number as an exact fraction; floats are read through their shortest decimal text (0.1 is 1/10)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(Decimal(str(value)))
    return Fraction(value)


def round_half_up(value, decimals: int = 0) -> float:
    """Round as published statistics do: to ``decimals`` places, ties away from zero.

    Parameters
    ----------
    value : int, float, Decimal or Fraction
        Computed exactly (see :func:`exact`), so 2.085 gives 2.09 and no binary near miss.
    decimals : int
        Decimal places.

    Returns
    -------
    float
        ``0.0`` rather than ``-0.0`` when it rounds to zero.
    """
    scaled = abs(exact(value)) * 10**decimals
    whole = math.floor(scaled + Fraction(1, 2))
    if whole == 0:
        return 0.0
    return math.copysign(whole / 10**decimals, float(exact(value)))


def share(part, whole, decimals: int = 1) -> float | None:
    """``part`` as a percentage of ``whole``, rounded half up; None when ``whole`` is 0."""
    if _is_missing(part) or _is_missing(whole) or whole == 0:
        return None
    return round_half_up(exact(part) * 100 / exact(whole), decimals)


def pct_change(previous, current, decimals: int = 1) -> float | None:
    """Percentage change from ``previous`` to ``current``, rounded as printed.

    The exact ratio is computed in :class:`decimal.Decimal` and rounded half-up (a tie
    goes away from zero, as published statistics round), so 23 -> 53 gives 130.4 and
    never a binary floating-point near miss.

    Parameters
    ----------
    previous, current : int or float
        The two counts (or values). Missing values are ``None`` or NaN.
    decimals : int
        Decimal places of the printed figure.

    Returns
    -------
    float or None
        The rounded percentage, ``0.0`` (never ``-0.0``) when it rounds to zero, or None
        when ``previous`` is 0 or either value is missing (no percentage can be printed).
    """
    if _is_missing(previous) or _is_missing(current):
        return None
    prev = exact(previous)
    if prev == 0:
        return None
    return round_half_up((exact(current) - prev) * 100 / prev, decimals)


def direction(change) -> str | None:
    """The word for a signed change, as the pack's colour key uses it.

    Parameters
    ----------
    change : float or None
        A change as printed (e.g. the result of :func:`pct_change`), so a change that
        rounds to 0.0 reads "no change" next to its printed 0.0%.

    Returns
    -------
    str or None
        ``"increase"``, ``"decrease"`` or ``"no change"``; None when ``change`` is missing.
    """
    if _is_missing(change):
        return None
    if change > 0:
        return "increase"
    if change < 0:
        return "decrease"
    return "no change"
