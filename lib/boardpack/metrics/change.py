"""Percentage change as the pack prints it, and the direction word that goes with it."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "nan", "NaT")


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
    prev = Decimal(str(previous))
    if prev == 0:
        return None
    exact = (Decimal(str(current)) - prev) * 100 / prev
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return 0.0 if rounded == 0 else float(rounded)


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
