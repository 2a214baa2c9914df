"""Alt text written from a chart's own data: what it shows, the range, the borough's position."""

from __future__ import annotations

import pandas as pd

from .charts import funnel_bands
from .narrative import ordinal, rank_phrase


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
        text += (f" {highlight} is {'joint ' if tied else ''}{ordinal(place)} of {n} at "
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


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def intervals_alt(df: pd.DataFrame, label: str, value: str, low: str, high: str, highlight: str, what: str,
                  reference: float | None = None, verdict: str | None = None, percent: bool = True,
                  decimals: int = 0, reference_label: str = "the MPS average", level: str = "95%",
                  rank_range: tuple[int, int] | None = None) -> str:
    """Alt text for a ranked interval chart (``df`` in the drawn order, top first).

    Says the range, the highlighted area's place, value and interval, how it compares with the
    reference, and which areas are significantly above or below it (from ``verdict``, a column
    of ``"above"``/``"below"``/``"similar"``). ``level`` names the interval (e.g. ``"95%"``);
    ``rank_range`` (best, worst) gives the rank allowing for the intervals.
    """
    data = df.dropna(subset=[value]).reset_index(drop=True)
    if data.empty:
        return f"Chart of {what}: no data."
    n = len(data)
    top, bottom = data.iloc[0], data.iloc[-1]
    parts = [f"Chart of {what} for {n} areas, each a point with its {level} confidence interval as a line, "
             f"from {top[label]} ({_num(top[value], percent, decimals)}) to {bottom[label]} "
             f"({_num(bottom[value], percent, decimals)})."]
    pos = data.index[data[label] == highlight]
    if len(pos):
        row = data.loc[int(pos[0])]
        place = int(row["rank"]) if "rank" in data.columns and pd.notna(row["rank"]) else int(pos[0]) + 1
        tied = "rank" in data.columns and int((data["rank"] == place).sum()) > 1
        text = (f"{highlight} is {'joint ' if tied else ''}{ordinal(place)} of {n} at "
                f"{_num(row[value], percent, decimals)} ({level} interval {_num(row[low], percent, decimals)} to "
                f"{_num(row[high], percent, decimals)})")
        if rank_range is not None:
            best, worst = rank_range
            text += f"; allowing for the intervals, its rank is {rank_phrase(best, worst, n)}"
        parts.append(text + ".")
        if verdict is not None and reference is not None and pd.notna(reference):
            side = {"above": "significantly above", "below": "significantly below"}.get(
                str(row[verdict]), "not significantly different from")
            parts.append(f"{highlight} is {side} {reference_label}.")
    if reference is not None and pd.notna(reference):
        parts.append(f"{reference_label[0].upper()}{reference_label[1:]}, {_num(reference, percent, decimals)}, "
                     "is marked by a dashed line.")
    if verdict is not None:
        for side in ("above", "below"):
            names = data.loc[data[verdict] == side, label].astype(str).tolist()
            parts.append(f"Significantly {side} {reference_label}: {_join(names) if names else 'none'}.")
    return " ".join(parts)


def funnel_alt(points: pd.DataFrame, limits: pd.DataFrame, target: float, highlight: str, what: str, size: str,
               percent: bool = False, decimals: int = 1, target_label: str = "the London value",
               spread: bool = False) -> str:
    """Alt text for a funnel plot: the target, where the highlighted area lies, and the outliers.

    ``points`` has ``label, x, y`` and ``limits`` ``x, low95, high95, low998, high998``, as
    given to :func:`boardpack.report.charts.plot_funnel`; ``size`` names the x axis (e.g.
    "resident population"). ``spread``: the limits allow for the usual spread between areas
    (over-dispersion), not chance alone.
    """
    pts = points.dropna(subset=["x", "y"]).reset_index(drop=True)
    if pts.empty:
        return f"Funnel plot of {what}: no data."
    bands = funnel_bands(pts, limits)
    allowing = " allowing for the usual spread between areas" if spread else ""
    parts = [f"Funnel plot of {what} against {size} for {len(pts)} areas, with 95% and 99.8% control limits"
             f"{allowing} around {target_label} of {_num(target, percent, decimals)}."]
    where = {
        "within": "within the 95% limits, so consistent with {t}",
        "above95": "above the 95% limit but within the 99.8% limit",
        "below95": "below the 95% limit but within the 99.8% limit",
        "above998": "above the 99.8% limit, so well above {t}",
        "below998": "below the 99.8% limit, so well below {t}",
    }
    mine = pts.index[pts["label"].astype(str) == highlight]
    if len(mine):
        i = int(mine[0])
        parts.append(f"{highlight}, at {_num(pts.loc[i, 'y'], percent, decimals)}, is "
                     f"{where[bands[i]].format(t=target_label)}.")
    high = [str(n) for n, b in zip(pts["label"], bands) if b == "above998"]
    low = [str(n) for n, b in zip(pts["label"], bands) if b == "below998"]
    if not high and not low:
        parts.append("No area lies outside the 99.8% limits.")
    if high:
        parts.append(f"Above the 99.8% limits: {_join(high)}.")
    if low:
        parts.append(f"Below the 99.8% limits: {_join(low)}.")
    return " ".join(parts)
