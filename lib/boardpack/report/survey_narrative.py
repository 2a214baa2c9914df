"""Words for the survey figures (PAS confidence, USS satisfaction): quarter names, comparisons, the sentence.

The numbers come from :mod:`boardpack.metrics.confidence`; only the text is made here.
"""

from __future__ import annotations

from ..errors import BoardPackError
from ..metrics.confidence import Ranking, percent
from ..periods import parse_month

# Financial-year quarters end in June (Q1), September (Q2), December (Q3) and March (Q4).
_FY_QUARTER = {6: 1, 9: 2, 12: 3, 3: 4}


def comparison(value: float, mps: float) -> str:
    """How a borough's percentage compares with the MPS one, on the printed whole numbers.

    Parameters
    ----------
    value, mps : float
        Percentages (0-100).

    Returns
    -------
    str
        ``"above"``, ``"below"`` or ``"the same as"``.
    """
    a, b = percent(value / 100), percent(mps / 100)
    return "above" if a > b else "below" if a < b else "the same as"


def quarter_label(quarter_end: str, capitalise: bool = True) -> str:
    """Name a quarter end as the pack does, by financial year (April to March).

    Parameters
    ----------
    quarter_end : str
        ``"YYYY-MM"`` with month 03, 06, 09 or 12.
    capitalise : bool
        ``"Quarter ..."`` (a heading) or ``"quarter ..."`` (inside a sentence).

    Returns
    -------
    str
        E.g. ``"Quarter 2 (September) 2015/16"`` for ``"2015-09"``.

    Raises
    ------
    BoardPackError
        If the month is not a quarter end.
    """
    p = parse_month(quarter_end)
    if p.month not in _FY_QUARTER:
        raise BoardPackError(f"{quarter_end} is not a quarter end (March, June, September or December)")
    start = p.year if p.month > 3 else p.year - 1
    word = "Quarter" if capitalise else "quarter"
    return f"{word} {_FY_QUARTER[p.month]} ({p.strftime('%B')}) {start}/{(start + 1) % 100:02d}"


def confidence_sentence(ranking: Ranking, gss_code: str, name: str) -> str:
    """The pack's sentence on a borough's confidence against the MPS average.

    Parameters
    ----------
    ranking : Ranking
        From :func:`boardpack.metrics.confidence.borough_ranking`.
    gss_code : str
        The borough.
    name : str
        The borough's name, as the pack prints it.

    Returns
    -------
    str
        E.g. "Most recent (rolling 12 months to quarter 2 (September) 2015/16) PAS results in
        Waltham Forest show confidence currently at 69%. This is above the MPS average (67%)."
    """
    value = float(ranking.boroughs.loc[ranking.boroughs["area_code"] == gss_code, "value"].iloc[0])
    period = quarter_label(ranking.quarter_end, capitalise=False)
    return (
        f"Most recent (rolling 12 months to {period}) PAS results in {name} show confidence currently at "
        f"{percent(value / 100)}%. This is {comparison(value, ranking.mps)} the MPS average "
        f"({percent(ranking.mps / 100)}%)."
    )
