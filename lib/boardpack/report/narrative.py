"""Sentences generated from the data, with the grammar right for every case.

Increase, decrease and no change; one and many; above, below and the same as.
"""

from __future__ import annotations

import pandas as pd

from ..periods import month_label


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """``plural(1, "borough")`` -> ``"1 borough"``; ``plural(6, "borough")`` -> ``"6 boroughs"``."""
    word = singular if n == 1 else (plural_form or singular + "s")
    return f"{n:,} {word}"


def change_phrase(pct: float | None, noun: str) -> str:
    """``"an increase of 5.2% in {noun}"`` / ``"a decrease of …"`` / ``"no change in {noun}"``.

    ``pct`` is the printed (already rounded) percentage; None gives a phrase saying no comparison is possible.
    """
    if pct is None or pd.isna(pct):
        return f"no comparable figure for {noun} (the previous period had none)"
    if pct > 0:
        return f"an increase of {abs(pct):g}% in {noun}"
    if pct < 0:
        return f"a decrease of {abs(pct):g}% in {noun}"
    return f"no change in {noun}"


def compare_phrase(value: float, reference: float, reference_label: str = "the MPS average", unit: str = "%") -> str:
    """``"above the MPS average (67%)"`` / ``"below …"`` / ``"the same as …"`` on printed values."""
    ref = f"{reference:g}{unit}"
    if value > reference:
        return f"above {reference_label} ({ref})"
    if value < reference:
        return f"below {reference_label} ({ref})"
    return f"the same as {reference_label} ({ref})"


def count_sentence(n: int, singular: str, verb_singular: str, verb_plural: str) -> str:
    """``"6 boroughs have recorded"`` / ``"1 borough has recorded"``."""
    return f"{plural(n, singular)} {verb_singular if n == 1 else verb_plural}"


def asb_change_sentence(borough: str, change, period: str) -> str:
    """The pack's sentence on the 12-month change in ASB calls.

    Parameters
    ----------
    borough : str
        The borough's name.
    change : AsbChange
        From :func:`boardpack.metrics.asb.twelve_month_change`.
    period : str
        The last month, ``"YYYY-MM"``.

    Returns
    -------
    str
        E.g. "Waltham Forest recorded 12,345 ASB calls in the 12 months to October 2015, an
        increase of 5.2% in ASB calls on the previous 12 months. Across the MPS there was a
        decrease of 1.4% in ASB calls."
    """
    calls = plural(change.current_12m, "ASB call")
    lead = f"{borough} recorded {calls} in the 12 months to {month_label(period)}"
    if change.previous_12m is None:
        return f"{lead}; the 12 months before are not all in the data, so no change can be given."
    if change.pct_change is None:
        return f"{lead}, against none in the previous 12 months, so no percentage change can be given."
    text = f"{lead}, {change_phrase(change.pct_change, 'ASB calls')} on the previous 12 months."
    if change.mps_pct_change is not None:
        text += f" Across the MPS there was {change_phrase(change.mps_pct_change, 'ASB calls')}."
    return text
