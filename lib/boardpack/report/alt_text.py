"""Alt text written from a chart's own data: what it shows, the range, the borough's position."""

from __future__ import annotations

import pandas as pd


def _num(v, percent: bool, decimals: int = 0) -> str:
    return f"{v:,.{decimals}f}%" if percent else f"{v:,.{decimals}f}"


def trend_alt(df: pd.DataFrame, x: str, series: dict[str, str], what: str, percent: bool = False,
              decimals: int = 0) -> str:
    """Alt text for a line chart.

    Parameters
    ----------
    df : DataFrame
        The plotted rows.
    x : str
        Time label column.
    series : dict
        Legend label -> column.
    what : str
        What is measured, e.g. "recorded offences per month".
    percent : bool
        Values are percentages.
    decimals : int
        Decimal places, as the pack prints the values.
    """
    if df.empty:
        return f"Line chart of {what}: no data points."
    first, last = df[x].iloc[0], df[x].iloc[-1]
    parts = [f"Line chart of {what} from {first} to {last}."]
    for label, col in series.items():
        s = df[col].astype(float)
        if s.notna().sum() == 0:
            parts.append(f"{label}: no values.")
            continue
        lo, hi = s.idxmin(), s.idxmax()
        parts.append(
            f"{label} ranged from {_num(s[lo], percent, decimals)} ({df[x][lo]}) to {_num(s[hi], percent, decimals)} "
            f"({df[x][hi]}), and was {_num(s.iloc[-1], percent, decimals)} in {last}."
        )
    return " ".join(parts)


def ranked_alt(df: pd.DataFrame, label: str, value: str, highlight: str, what: str,
               reference: float | None = None, percent: bool = False, decimals: int = 0,
               reference_label: str = "The MPS figure") -> str:
    """Alt text for a ranked bar chart of boroughs (``df`` ordered highest first).

    ``decimals`` matches the printed precision; ``reference_label`` names the dashed line.
    """
    if df.empty:
        return f"Bar chart of {what}: no data."
    n = len(df)
    top, bottom = df.iloc[0], df.iloc[-1]
    text = (
        f"Bar chart ranking {n} boroughs by {what}, from {top[label]} ({_num(top[value], percent, decimals)}) "
        f"to {bottom[label]} ({_num(bottom[value], percent, decimals)})."
    )
    match = df.reset_index(drop=True)
    pos = match.index[match[label] == highlight]
    if len(pos):
        i = int(pos[0])
        # A "rank" column carries shared ranks for ties; list position would contradict the text.
        place = int(match.loc[i, "rank"]) if "rank" in match.columns else i + 1
        tied = "rank" in match.columns and int((match["rank"] == place).sum()) > 1
        text += (f" {highlight} is {'joint ' if tied else ''}{_ordinal(place)} of {n} at "
                 f"{_num(match.loc[i, value], percent, decimals)}.")
    if reference is not None and pd.notna(reference):
        text += f" {reference_label}, {_num(reference, percent, decimals)}, is marked by a dashed line."
    return text


def bars_alt(df: pd.DataFrame, label: str, value: str, what: str, percent: bool = False, decimals: int = 0) -> str:
    """Alt text for a plain bar chart, listing every bar."""
    if df.empty:
        return f"Bar chart of {what}: no data."
    items = "; ".join(f"{r[label]}: {_num(r[value], percent, decimals)}" for _, r in df.iterrows())
    return f"Bar chart of {what}. {items}."


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
