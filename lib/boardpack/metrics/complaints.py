"""Public complaint allegations against borough officers and staff (Figures 6 to 10 of the pack).

Allegations are counted per officer or member of staff (one allegation about two officers
counts twice). Every figure covers the rolling 12 months to the pack's month; changes compare
them with the 12 months before. Borough rankings need all 32 boroughs for every month of
the window, because a borough without rows cannot be told from one with no allegations.
Percentages are rounded half away from zero, as published statistics are.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from ..errors import CoverageError
from ..periods import month_label, rolling_windows
from ..registry import Registry, load_registry
from ..report.narrative import change_phrase, count_sentence, plural
from .change import pct_change, round_half_up, share

ALLEGATION_TYPES = ("Oppressive Behaviour", "Discrimination", "Malpractice", "Failures in Duty",
                    "Incivility", "Traffic Irregularity", "Other")
OUTCOMES = ("Case to Answer", "No Case to Answer", "Local Resolution", "Disapplication",
            "Discontinuance", "Withdrawn")
CASE_TO_ANSWER = "Case to Answer"
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


def _window_totals(allegations: pd.DataFrame, months: list[str], registry: Registry) -> pd.Series:
    rows = allegations[allegations["area_code"].isin(registry.codes) & allegations["month"].isin(months)]
    seen = rows.groupby("area_code")["month"].nunique()
    short = [c for c in registry.codes if seen.get(c, 0) < len(months)]
    if short:
        names = ", ".join(registry.by_code(c).name for c in short)
        raise CoverageError(
            f"complaint allegations for {month_label(months[0])} to {month_label(months[-1])} are incomplete for "
            f"{names}; every borough needs a row for every month"
        )
    return rows.groupby("area_code")["allegations"].sum().reindex(registry.codes).astype("int64")


def _ranked(df: pd.DataFrame, value: str) -> pd.DataFrame:
    """Rank 1 = highest; ties share the best rank and are listed alphabetically; missing values last."""
    df = df.assign(rank=df[value].rank(method="min", ascending=False).astype("Int64"))
    return df.sort_values(["rank", "borough"], kind="stable", na_position="last").reset_index(drop=True)


def allegations_by_borough(allegations: pd.DataFrame, period: str, registry: Registry | None = None) -> pd.DataFrame:
    """Every borough's allegations in the 12 months to ``period``, ranked.

    Parameters
    ----------
    allegations : DataFrame
        The ``complaint_allegations`` canonical table.
    period : str
        The last month, ``"YYYY-MM"``.
    registry : Registry, optional
        The 32 boroughs; the project's own by default.

    Returns
    -------
    DataFrame
        ``area_code, borough, allegations, rank``; rank 1 = most allegations, ties share the
        best rank (1, 2, 2, 4) and are listed alphabetically.

    Raises
    ------
    CoverageError
        If any borough lacks a row for any month of the window.
    """
    registry = registry or load_registry()
    _, current = rolling_windows(period)
    totals = _window_totals(allegations, current, registry)
    df = pd.DataFrame({"area_code": registry.codes,
                       "borough": [registry.by_code(c).name for c in registry.codes],
                       "allegations": totals.to_numpy()})
    return _ranked(df, "allegations")


def average_per_borough(ranked: pd.DataFrame) -> float:
    """The mean allegations per borough, to 1 decimal place (halves away from zero).

    Parameters
    ----------
    ranked : DataFrame
        From :func:`allegations_by_borough`.

    Returns
    -------
    float
    """
    return round_half_up(Fraction(int(ranked["allegations"].sum()), len(ranked)), 1)


def pct_change_by_borough(allegations: pd.DataFrame, period: str, registry: Registry | None = None) -> pd.DataFrame:
    """Every borough's change in allegations, 12 months to ``period`` against the 12 before.

    Parameters
    ----------
    allegations : DataFrame
        The ``complaint_allegations`` canonical table.
    period : str
        The last month, ``"YYYY-MM"``.
    registry : Registry, optional

    Returns
    -------
    DataFrame
        ``area_code, borough, previous_12m, current_12m, pct_change, rank``; ``pct_change`` as
        printed (1 decimal place, see :func:`boardpack.metrics.change.pct_change`), NaN when the
        previous 12 months had none; rank 1 = largest increase, boroughs without a change last.

    Raises
    ------
    CoverageError
        If any borough lacks a row for any month of the 24.
    """
    registry = registry or load_registry()
    previous, current = rolling_windows(period)
    prev = _window_totals(allegations, previous, registry)
    cur = _window_totals(allegations, current, registry)
    df = pd.DataFrame({
        "area_code": registry.codes,
        "borough": [registry.by_code(c).name for c in registry.codes],
        "previous_12m": prev.to_numpy(),
        "current_12m": cur.to_numpy(),
        "pct_change": [pct_change(p, c) for p, c in zip(prev, cur)],
    })
    df["pct_change"] = df["pct_change"].astype("float64")
    return _ranked(df, "pct_change")


def boroughs_with_increase(changes: pd.DataFrame) -> int:
    """How many boroughs' printed change is above zero.

    Parameters
    ----------
    changes : DataFrame
        From :func:`pct_change_by_borough`.

    Returns
    -------
    int
    """
    return int((changes["pct_change"] > 0).sum())


def mps_pct_change(changes: pd.DataFrame) -> float | None:
    """The MPS change: all boroughs' allegations summed, 12 months against the 12 before.

    Parameters
    ----------
    changes : DataFrame
        From :func:`pct_change_by_borough`.

    Returns
    -------
    float or None
    """
    return pct_change(int(changes["previous_12m"].sum()), int(changes["current_12m"].sum()))


def per_100_workforce(allegations: pd.DataFrame, workforce: pd.DataFrame, period: str,
                      registry: Registry | None = None) -> pd.DataFrame:
    """Allegations in the 12 months to ``period`` per 100 workforce, for every borough.

    The workforce is each borough's latest figure at or before ``period``.

    Parameters
    ----------
    allegations : DataFrame
        The ``complaint_allegations`` canonical table.
    workforce : DataFrame
        The ``workforce`` canonical table (``area_code, month, workforce``).
    period : str
        The last month, ``"YYYY-MM"``.
    registry : Registry, optional

    Returns
    -------
    DataFrame
        ``area_code, borough, allegations, workforce, workforce_month, rate, rank``; ``rate``
        = allegations / workforce * 100 to 1 decimal place (halves away from zero); rank 1 =
        highest rate. ``attrs["mps_rate"]`` is the rate over all 32 boroughs together.

    Raises
    ------
    CoverageError
        If any borough has no workforce figure at or before ``period``, or its allegations
        are incomplete.
    """
    registry = registry or load_registry()
    counts = allegations_by_borough(allegations, period, registry).set_index("area_code")["allegations"]
    staff = workforce[workforce["area_code"].isin(registry.codes) & (workforce["month"] <= period)]
    latest = staff.sort_values("month").groupby("area_code").tail(1).set_index("area_code")
    short = [c for c in registry.codes if c not in latest.index]
    if short:
        names = ", ".join(registry.by_code(c).name for c in short)
        raise CoverageError(f"no workforce figure at or before {month_label(period)} for {names}")
    latest = latest.reindex(registry.codes)
    df = pd.DataFrame({
        "area_code": registry.codes,
        "borough": [registry.by_code(c).name for c in registry.codes],
        "allegations": counts.reindex(registry.codes).to_numpy(),
        "workforce": latest["workforce"].astype(float).to_numpy(),
        "workforce_month": latest["month"].astype(str).to_numpy(),
    })
    df["rate"] = [share(a, w) for a, w in zip(df["allegations"], df["workforce"])]
    out = _ranked(df, "rate")
    out.attrs["mps_rate"] = share(int(df["allegations"].sum()), float(df["workforce"].sum()))
    return out


def by_type(allegations: pd.DataFrame, gss_code: str, period: str) -> pd.DataFrame:
    """A borough's allegations by type in the 12 months to ``period``.

    Parameters
    ----------
    allegations : DataFrame
        The ``complaint_allegations`` canonical table.
    gss_code : str
        The borough.
    period : str
        The last month, ``"YYYY-MM"``.

    Returns
    -------
    DataFrame
        ``allegation_type, allegations, pct, previous_12m, pct_change``: all seven types, the
        largest first (ties in the documented order). ``pct`` is the share of the borough's
        total to 1 decimal place (NaN when the total is 0); ``pct_change`` compares with the
        previous 12 months (NaN when that had none of the type).
    """
    previous, current = rolling_windows(period)
    rows = allegations[allegations["area_code"] == gss_code]
    cur = rows[rows["month"].isin(current)].groupby("allegation_type")["allegations"].sum()
    prev = rows[rows["month"].isin(previous)].groupby("allegation_type")["allegations"].sum()
    df = pd.DataFrame({"allegation_type": list(ALLEGATION_TYPES)})
    df["allegations"] = [int(cur.get(t, 0)) for t in ALLEGATION_TYPES]
    df["previous_12m"] = [int(prev.get(t, 0)) for t in ALLEGATION_TYPES]
    total = int(df["allegations"].sum())
    df["pct"] = pd.Series([share(n, total) for n in df["allegations"]], dtype="float64")
    df["pct_change"] = pd.Series([pct_change(p, c) for p, c in zip(df["previous_12m"], df["allegations"])],
                                 dtype="float64")
    df = df.sort_values("allegations", ascending=False, kind="stable").reset_index(drop=True)
    return df[["allegation_type", "allegations", "pct", "previous_12m", "pct_change"]]


def by_outcome(outcomes: pd.DataFrame, gss_code: str, period: str) -> pd.DataFrame:
    """A borough's allegation outcomes in the 12 months to ``period``.

    Parameters
    ----------
    outcomes : DataFrame
        The ``complaint_outcomes`` canonical table.
    gss_code : str
        The borough.
    period : str
        The last month, ``"YYYY-MM"``.

    Returns
    -------
    DataFrame
        ``outcome, allegations, pct``: all six outcomes, the largest first (ties in the
        documented order); ``pct`` is the share of all outcomes to 1 decimal place (NaN when
        there were none).
    """
    _, current = rolling_windows(period)
    rows = outcomes[(outcomes["area_code"] == gss_code) & outcomes["month"].isin(current)]
    counts = rows.groupby("outcome")["allegations"].sum()
    df = pd.DataFrame({"outcome": list(OUTCOMES), "allegations": [int(counts.get(o, 0)) for o in OUTCOMES]})
    total = int(df["allegations"].sum())
    df["pct"] = pd.Series([share(n, total) for n in df["allegations"]], dtype="float64")
    return df.sort_values("allegations", ascending=False, kind="stable").reset_index(drop=True)


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


def change_sentence(borough: str, previous: int, pct: float | None) -> str:
    """A borough's change in allegations on the previous 12 months.

    Parameters
    ----------
    borough : str
    previous : int
        Allegations in the previous 12 months.
    pct : float or None
        The printed change.

    Returns
    -------
    str
        E.g. "Waltham Forest recorded a decrease of 26% in the number of recorded complaint allegations."
    """
    if pct is None or pd.isna(pct):
        return (f"{borough} recorded no complaint allegations in the previous 12 months, so no percentage "
                "change can be given.")
    return f"{borough} recorded {change_phrase(pct, 'the number of recorded complaint allegations')}."


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


def _type_change(types: list[str], changes: list) -> str:
    compared, not_compared = [], []
    for t, pct in zip(types, changes):
        if pct is None or pd.isna(pct):
            not_compared.append(t)
        elif pct > 0:
            compared.append(f"{t} allegations increased by {abs(pct):g}%")
        elif pct < 0:
            compared.append(f"{t} allegations decreased by {abs(pct):g}%")
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
    """
    groups = _groups(types, "allegations")
    if not groups:
        return "No public complaint allegations were recorded over the last 12 months."
    top = groups[0]
    names = list(top["allegation_type"])
    pct = float(top["pct"].iloc[0])
    changes = _type_change(names, list(top["pct_change"]))
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
                 f"{_type_change(names2, list(second['pct_change']))}")
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
