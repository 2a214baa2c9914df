"""Sentences generated from the data, with the grammar right for every case.

Increase, decrease and no change; one and many; above, below and the same as.
"""

from __future__ import annotations

import pandas as pd

from ..metrics.significance import EXACT_POISSON, QUASI_POISSON
from ..periods import month_label


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """``plural(1, "borough")`` -> ``"1 borough"``; ``plural(6, "borough")`` -> ``"6 boroughs"``."""
    word = singular if n == 1 else (plural_form or singular + "s")
    return f"{n:,} {word}"


# How a change that is not statistically significant reads, by the test that was used.
_NOT_SIGNIFICANT = {
    QUASI_POISSON: "not statistically significant once the usual month-to-month variation is allowed for",
    EXACT_POISSON: "not statistically significant: chance variation alone could give it",
}


def change_phrase(pct: float | None, noun: str, significant: bool | None = None, small: bool = False,
                  test: str | None = None) -> str:
    """The words for a year-on-year change, with what its test says.

    ``pct`` is the printed (already rounded) percentage; None gives a phrase saying no comparison
    is possible. ``significant`` is the test's verdict (:mod:`boardpack.metrics.significance`; None:
    not tested, the bare phrase), ``test`` the test that gave it (``"quasi-poisson"``, which allows
    for the usual month-to-month variation, or ``"exact-poisson"``); ``small`` flags counts under
    10 in either period.

    Examples
    --------
    - significant: "a statistically significant fall of 15.4% in burglary"
    - not significant, quasi-Poisson: "a rise of 0.5% in recorded offences, not statistically
      significant once the usual month-to-month variation is allowed for"
    - not significant, exact: "an increase of 33.3% in homicide (small numbers), not statistically
      significant: chance variation alone could give it"
    - "no change in {noun}" whatever the test (nothing to test).
    """
    if pct is None or pd.isna(pct):
        return f"no comparable figure for {noun} (the previous period had none)"
    if pct == 0:
        return f"no change in {noun}"
    flag = " (small numbers)" if small else ""
    if significant:
        word = "rise" if pct > 0 else "fall"
        return f"a statistically significant {word} of {abs(pct):g}% in {noun}{flag}"
    text = f"{'an increase' if pct > 0 else 'a decrease'} of {abs(pct):g}% in {noun}{flag}"
    if significant is None:
        return text
    return f"{text}, {_NOT_SIGNIFICANT.get(test, _NOT_SIGNIFICANT[EXACT_POISSON])}"


def significance_key(alpha: float, method: str = QUASI_POISSON, family: bool = True) -> str:
    """The legend under a table of marked changes (see :func:`boardpack.report.tables.fmt_change`).

    ``method`` is the change test the run asked for; ``family``: the rows of each column were
    tested together and adjusted for their number (Benjamini–Hochberg).
    """
    level = f"{alpha * 100:g}%"
    if method == QUASI_POISSON:
        test = ("larger than the usual month-to-month variation of the counts would give (a quasi-Poisson test "
                "on the 24 monthly counts; the exact Poisson test where that cannot be more cautious)")
    else:
        test = "larger than chance variation in the counts would give (exact Poisson test for two counts)"
    text = f"* marks a statistically significant change at the {level} level: {test}."
    if family:
        text += (" It allows for the number of rows tested in the column: on average no more than "
                 f"{level} of the changes marked would be chance findings (Benjamini–Hochberg false discovery rate).")
    return text + (" A change without * is not statistically significant. † marks small numbers (fewer than 10 in "
                   "either period): the % change rests on few events.")


def ordinal(n: int) -> str:
    """``1`` -> ``"1st"``, ``2`` -> ``"2nd"``, ``11`` -> ``"11th"``, ``23`` -> ``"23rd"``."""
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_phrase(best: int, worst: int, n: int) -> str:
    """A rank given with its uncertainty: ``"between 2nd and 9th of 32"`` or ``"3rd of 32"`` when certain."""
    if best == worst:
        return f"{ordinal(best)} of {n}"
    return f"between {ordinal(best)} and {ordinal(worst)} of {n}"


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
        From :func:`boardpack.metrics.asb.twelve_month_change`; when it carries the tests of
        the changes (``alpha`` given), the sentence says whether each is beyond chance.
    period : str
        The last month, ``"YYYY-MM"``.

    Returns
    -------
    str
        E.g. "Waltham Forest recorded 12,345 ASB calls in the 12 months to October 2015, an
        increase of 5.2% in ASB calls on the previous 12 months. Across the MPS there was a
        decrease of 1.4% in ASB calls."; tested: "…, a statistically significant rise of 5.2% in
        ASB calls on the previous 12 months. Across the MPS there was a decrease of 1.4% in ASB
        calls, not statistically significant once the usual month-to-month variation is allowed for."
    """
    calls = plural(change.current_12m, "ASB call")
    lead = f"{borough} recorded {calls} in the 12 months to {month_label(period)}"
    if change.previous_12m is None:
        return f"{lead}; the 12 months before are not all in the data, so no change can be given."
    if change.pct_change is None:
        return f"{lead}, against none in the previous 12 months, so no percentage change can be given."
    borough_words = change_phrase(change.pct_change, "ASB calls on the previous 12 months",
                                  significant=change.significant, small=bool(change.small_numbers), test=change.test)
    text = f"{lead}, {borough_words}."
    if change.mps_pct_change is not None:
        mps_words = change_phrase(change.mps_pct_change, "ASB calls", significant=change.mps_significant,
                                  small=bool(change.mps_small_numbers), test=change.mps_test)
        text += f" Across the MPS there was {mps_words}."
    return text


def recorded_crime_sentence(borough: str, offences: str, period_label: str, change: dict) -> str:
    """The sentence above the recorded crime table: the borough's offences, its change and the MPS change.

    Parameters
    ----------
    borough : str
        The borough's name.
    offences : str
        The 12-month total as printed (e.g. ``"23,890"``).
    period_label : str
        The last month in words (e.g. ``"February 2019"``).
    change : dict
        ``pct_change`` and ``mps_pct_change`` (printed changes, None when there is no previous
        figure) and, when tested (:func:`boardpack.metrics.crime.change_tests`),
        ``significant``, ``small_numbers``, ``test`` and their ``mps_`` twins; a missing
        ``significant`` gives the bare phrase.

    Returns
    -------
    str
        E.g. "Waltham Forest recorded 23,890 notifiable offences in the 12 months to February
        2019, a statistically significant rise of 4.3% in recorded offences on the previous 12
        months. Across the MPS there was a statistically significant rise of 2.5% in recorded
        offences."
    """
    def phrase(prefix: str, noun: str) -> str:
        significant = change.get(f"{prefix}significant")
        small = change.get(f"{prefix}small_numbers")
        test = change.get(f"{prefix}test")
        return change_phrase(change.get(f"{prefix}pct_change"), noun,
                             significant=None if significant is None or pd.isna(significant) else bool(significant),
                             small=False if small is None or pd.isna(small) else bool(small),
                             test=None if test is None or pd.isna(test) else str(test))

    return (f"{borough} recorded {offences} notifiable offences in the 12 months to {period_label}, "
            f"{phrase('', 'recorded offences on the previous 12 months')}. "
            f"Across the MPS there was {phrase('mps_', 'recorded offences')}.")
