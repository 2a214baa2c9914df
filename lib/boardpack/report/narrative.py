"""Sentences generated from the data, with the grammar right for every case.

Increase, decrease and no change; one and many; above, below and the same as.
"""

from __future__ import annotations

import pandas as pd


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
