"""The sentences of the complaints section, built from the tables of :mod:`boardpack.metrics.complaints`.

The calculations are in the metrics module; this module only words their results, with the
grammar right for one and many, increase and decrease, ties and gaps.
"""

from __future__ import annotations

import pandas as pd

from ..metrics.complaints import CASE_TO_ANSWER
from ..metrics.significance import QUASI_POISSON
from .narrative import change_phrase, count_sentence, plural

# How an outcome reads inside a sentence: the two findings are quoted as the reference pack
# quotes them; the procedural outcomes read as ordinary nouns.
OUTCOME_WORDS = {
    "Case to Answer": "'Case to answer'",
    "No Case to Answer": "'No case to answer'",
    "Local Resolution": "local resolution",
    "Disapplication": "disapplication",
    "Discontinuance": "discontinuance",
    "Withdrawn": "'Withdrawn'",
}


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _groups(df: pd.DataFrame, value: str) -> list[pd.DataFrame]:
    """Rows with a count above zero, grouped by equal counts, largest first."""
    nonzero = df[df[value] > 0]
    return [g for _, g in nonzero.groupby(value, sort=False)]


def total_sentence(borough: str, total: int) -> str:
    """The opening sentence of the complaints section.

    Parameters
    ----------
    borough : str
    total : int
        Allegations in the last 12 months.

    Returns
    -------
    str
        E.g. "Waltham Forest recorded a total of 298 public complaint allegations over the last 12 months."
    """
    if total == 0:
        return f"{borough} recorded no public complaint allegations over the last 12 months."
    return f"{borough} recorded a total of {plural(total, 'public complaint allegation')} over the last 12 months."


def increase_sentence(n_increase: int) -> str:
    """How many boroughs recorded more allegations than in the previous 12 months.

    Parameters
    ----------
    n_increase : int
        From :func:`boroughs_with_increase`.

    Returns
    -------
    str
        E.g. "6 boroughs have recorded an increase in the number of complaint allegations in the
        last 12 months."
    """
    what = "an increase in the number of complaint allegations in the last 12 months."
    if n_increase == 0:
        return f"No borough has recorded {what}"
    return f"{count_sentence(n_increase, 'borough', 'has recorded', 'have recorded')} {what}"


def change_sentence(borough: str, previous: int, pct: float | None, significant: bool | None = None,
                    small: bool = False, test: str | None = None) -> str:
    """A borough's change in allegations on the previous 12 months, with what its test says.

    Parameters
    ----------
    borough : str
    previous : int
        Allegations in the previous 12 months.
    pct : float or None
        The printed change.
    significant : bool, optional
        Whether the change is statistically significant (:mod:`boardpack.metrics.significance`);
        None when not tested.
    small : bool
        Fewer than 10 allegations in either period.
    test : str, optional
        The test that gave the verdict (``"quasi-poisson"`` or ``"exact-poisson"``), for its words.

    Returns
    -------
    str
        E.g. "Waltham Forest recorded a decrease of 26% in the number of recorded complaint allegations."
        or, tested, "Waltham Forest recorded a statistically significant fall of 26% in the number of
        recorded complaint allegations."
    """
    if pct is None or pd.isna(pct):
        return (f"{borough} recorded no complaint allegations in the previous 12 months, so no percentage "
                "change can be given.")
    words = change_phrase(pct, "the number of recorded complaint allegations", significant=significant, small=small,
                          test=test)
    return f"{borough} recorded {words}."


def mps_change_sentence(pct: float | None, significant: bool | None = None, small: bool = False,
                        test: str | None = None) -> str:
    """The change in allegations across the MPS (all boroughs together), with what its test says.

    Parameters
    ----------
    pct : float or None
        The printed MPS change; None when the previous 12 months had no allegations anywhere.
    significant : bool, optional
        Whether the change is statistically significant; None when not tested.
    small : bool
        Fewer than 10 allegations in either period.
    test : str, optional
        The test that gave the verdict, for its words.

    Returns
    -------
    str
        E.g. "Across the MPS there was a statistically significant fall of 9.4% in complaint allegations."
    """
    if pct is None or pd.isna(pct):
        return "Across the MPS no allegations were recorded in the previous 12 months, so no change can be given."
    return f"Across the MPS there was {change_phrase(pct, 'complaint allegations', significant, small, test)}."


def rate_sentence(borough: str, rate: float, mps_rate: float | None) -> str:
    """A borough's allegations per 100 workforce, against the MPS rate.

    Parameters
    ----------
    borough : str
    rate : float
        As printed (1 decimal place).
    mps_rate : float or None
        The rate over all boroughs together.

    Returns
    -------
    str
        E.g. "Waltham Forest recorded a rate of 17.9 allegations per 100 workforce. This is above
        the MPS rate (15.2)."
    """
    text = f"{borough} recorded a rate of {rate:.1f} allegations per 100 workforce."
    if mps_rate is not None and not pd.isna(mps_rate):
        word = "above" if rate > mps_rate else "below" if rate < mps_rate else "the same as"
        text += f" This is {word} the MPS rate ({mps_rate:.1f})."
    return text


def _verdict(significant, small, test=None) -> str:
    """What a type's test says, in brackets after its change: "" when it was not tested."""
    if significant is None or pd.isna(significant):
        return ""
    if significant:
        verdict = "statistically significant"
    elif test == QUASI_POISSON:
        verdict = "not statistically significant once the usual month-to-month variation is allowed for"
    else:
        verdict = "not statistically significant: chance variation alone could give it"
    words = [verdict]
    if small is not None and not pd.isna(small) and small:
        words.insert(0, "small numbers")
    return f" ({'; '.join(words)})"


def _type_change(types: list[str], changes: list, tests: list | None = None) -> str:
    compared, not_compared = [], []
    for t, pct, test in zip(types, changes, tests or [(None, None, None)] * len(types)):
        if pct is None or pd.isna(pct):
            not_compared.append(t)
        elif pct > 0:
            compared.append(f"{t} allegations increased by {abs(pct):g}%{_verdict(*test)}")
        elif pct < 0:
            compared.append(f"{t} allegations decreased by {abs(pct):g}%{_verdict(*test)}")
        else:
            compared.append(f"the number of {t} allegations did not change")
    parts = []
    if compared:
        parts.append(_join(compared) + " on the previous 12 months")
    if not_compared:
        names = " or ".join(not_compared)
        parts.append(f"there were no {names} allegations in the previous 12 months to compare with")
    text = ", and ".join(parts)
    return text[0].upper() + text[1:] + "."


def _tests(rows: pd.DataFrame) -> list | None:
    """``(significant, small_numbers, test)`` of each row, or None when the table carries no tests."""
    if not {"significant", "small_numbers"} <= set(rows.columns):
        return None
    tests = rows["test"] if "test" in rows else [None] * len(rows)
    return list(zip(rows["significant"], rows["small_numbers"], tests))


def type_sentence(types: pd.DataFrame) -> str:
    """The sentences on the largest allegation types and their change.

    Parameters
    ----------
    types : DataFrame
        From :func:`by_type`.

    Returns
    -------
    str
        E.g. "Failures in Duty allegations account for the highest proportion (42.8%) of all public
        complaint allegations. Failures in Duty allegations decreased by 37% on the previous 12
        months. Oppressive Behaviour allegations account for 26.0% of all public complaint
        allegations. Oppressive Behaviour allegations decreased by 3% on the previous 12 months."
        Ties are named together ("… each"), and a single type or no allegations read accordingly.
        When ``types`` carries its tests of change (``significant``, ``small_numbers``), each
        change says what its test says: "decreased by 36.8% (statistically significant)",
        "increased by 25% (not statistically significant once the usual month-to-month variation
        is allowed for)", or, where the exact test was used, "(not statistically significant: chance
        variation alone could give it)", with "small numbers; " first when either count is under 10.
    """
    groups = _groups(types, "allegations")
    if not groups:
        return "No public complaint allegations were recorded over the last 12 months."
    top = groups[0]
    names = list(top["allegation_type"])
    pct = float(top["pct"].iloc[0])
    changes = _type_change(names, list(top["pct_change"]), _tests(top))
    if len(groups) == 1 and len(names) == 1:
        return (f"All {plural(int(top['allegations'].iloc[0]), 'public complaint allegation')} over the last 12 "
                f"months were {names[0]} allegations. {changes}")
    if len(names) == 1:
        text = f"{names[0]} allegations account for the highest proportion ({pct:.1f}%)"
    else:
        text = f"{_join(names)} allegations account for the highest proportion ({pct:.1f}% each)"
    text += f" of all public complaint allegations. {changes}"
    if len(groups) > 1:
        second = groups[1]
        names2 = list(second["allegation_type"])
        pct2 = float(second["pct"].iloc[0])
        each = " each" if len(names2) > 1 else ""
        text += (f" {_join(names2)} allegations account for {pct2:.1f}%{each} of all public complaint allegations. "
                 f"{_type_change(names2, list(second['pct_change']), _tests(second))}")
    return text


def _outcome_words(outcomes: list[str], start: bool = False) -> str:
    text = _join([OUTCOME_WORDS[o] for o in outcomes])
    if start:
        i = 1 if text.startswith("'") else 0
        text = text[:i] + text[i].upper() + text[i + 1:]
    return text


def outcome_sentence(outcomes: pd.DataFrame) -> str:
    """The sentence on the most common allegation outcomes.

    Parameters
    ----------
    outcomes : DataFrame
        From :func:`by_outcome`.

    Returns
    -------
    str
        E.g. "'No case to answer' accounts for the highest proportion (83.2% or 263), followed by
        disapplication (6.0% or 19). 'Case to answer' outcomes account for 0.9% (3)." The
        'Case to answer' share is always given unless the sentence has named it already.
    """
    groups = _groups(outcomes, "allegations")
    if not groups:
        return "No allegation outcomes were recorded over the last 12 months."
    top = groups[0]
    names = list(top["outcome"])
    n, pct = int(top["allegations"].iloc[0]), float(top["pct"].iloc[0])
    if len(groups) == 1 and len(names) == 1:
        text = f"{_outcome_words(names, start=True)} accounts for every outcome (100.0% or {n:,})"
    elif len(names) == 1:
        text = f"{_outcome_words(names, start=True)} accounts for the highest proportion ({pct:.1f}% or {n:,})"
    else:
        text = f"{_outcome_words(names, start=True)} share the highest proportion ({pct:.1f}% or {n:,} each)"
    named = set(names)
    if len(groups) > 1:
        second = groups[1]
        names2 = list(second["outcome"])
        n2, pct2 = int(second["allegations"].iloc[0]), float(second["pct"].iloc[0])
        each = " each" if len(names2) > 1 else ""
        text += f", followed by {_outcome_words(names2)} ({pct2:.1f}% or {n2:,}{each})"
        named |= set(names2)
    text += "."
    if CASE_TO_ANSWER not in named:
        row = outcomes[outcomes["outcome"] == CASE_TO_ANSWER].iloc[0]
        if int(row["allegations"]) == 0:
            text += " No allegation had a 'Case to answer' outcome."
        else:
            text += f" 'Case to answer' outcomes account for {float(row['pct']):.1f}% ({int(row['allegations']):,})."
    return text
