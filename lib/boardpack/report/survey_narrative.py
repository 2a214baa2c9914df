"""Words for the survey figures (PAS confidence, USS satisfaction): quarter names, comparisons, the sentence.

The numbers come from :mod:`boardpack.metrics.confidence`; only the text is made here.
"""

from __future__ import annotations

from ..errors import BoardPackError
from ..metrics.confidence import Ranking, percent
from ..periods import parse_month
from .narrative import rank_phrase

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


def level(alpha: float) -> str:
    """The confidence level of an interval in words: ``0.05`` -> ``"95%"``."""
    return f"{(1 - alpha) * 100:.10g}%"


def limit(value: float) -> str:
    """An interval limit (in %) as printed: one decimal, so that it is never shown equal to a whole MPS value
    it lies beside (e.g. ``61.76`` -> ``"61.8%"``)."""
    return f"{value:.1f}%"


def interval_phrase(low: float, high: float, respondents: int, assumed: bool, alpha: float) -> str:
    """The interval of a survey value in words.

    Returns
    -------
    str
        E.g. ``"95% interval 64.3% to 73.3%, from an assumed 400 interviews"`` or
        ``"95% interval 72.1% to 79.4%, from 388 interviews"`` (the respondents given in the data).
    """
    source = f"an assumed {int(respondents):,}" if assumed else f"{int(respondents):,}"
    return f"{level(alpha)} interval {limit(low)} to {limit(high)}, from {source} interviews"


def benchmark_phrase(verdict: str, mps: int, label: str = "the MPS average") -> str:
    """``"above the MPS average (67%)"``, ``"below …"`` or ``"similar to …"`` from a benchmark verdict.

    ``verdict`` is that of :func:`boardpack.metrics.uncertainty.versus_benchmark`: "above" and
    "below" only when the interval excludes the MPS value.
    """
    words = {"above": "above", "below": "below", "similar": "similar to"}
    if verdict not in words:
        raise ValueError(f"unknown comparison {verdict!r}; expected 'above', 'below' or 'similar'")
    return f"{words[verdict]} {label} ({mps}%)"


def rank_sentence(name: str, rank: int, best: int, worst: int, n: int) -> str:
    """The printed rank and the ranks the borough could hold allowing for survey error.

    Returns
    -------
    str
        E.g. "Waltham Forest ranks 3 of 32 boroughs. Given the survey error, its rank lies
        between 2nd and 9th of 32." or, when every other borough's interval lies wholly above or
        below its own, "… Even allowing for survey error, its rank is 1st of 32."
    """
    first = f"{name} ranks {int(rank)} of {int(n)} boroughs."
    if best == worst:
        return f"{first} Even allowing for survey error, its rank is {rank_phrase(best, worst, n)}."
    return f"{first} Given the survey error, its rank lies {rank_phrase(best, worst, n)}."


def survey_sentence(ranking: Ranking, gss_code: str, name: str, survey: str = "PAS",
                    what: str = "confidence") -> str:
    """The pack's sentence on a borough's survey value against the MPS average.

    Without intervals (a :class:`Ranking` made without respondents) the comparison is on the
    printed whole percentages, as the reference pack words it. With intervals it follows
    benchmark practice: "above" or "below" only when the borough's interval excludes the MPS
    value, otherwise "similar to"; the interval and the rank with its uncertainty are given.

    Parameters
    ----------
    ranking : Ranking
        From :func:`boardpack.metrics.confidence.borough_ranking`.
    gss_code : str
        The borough.
    name : str
        The borough's name, as the pack prints it.
    survey : str
        ``"PAS"`` or ``"USS"``.
    what : str
        The measure in words, e.g. ``"confidence"`` or ``"overall satisfaction"``.

    Returns
    -------
    str
        E.g. "Most recent (rolling 12 months to quarter 2 (September) 2015/16) PAS results in
        Waltham Forest show confidence currently at 69%. Allowing for survey error (95% interval
        64.3% to 73.3%, from an assumed 400 interviews), this is similar to the MPS average
        (67%). Waltham Forest ranks 13 of 32 boroughs. Given the survey error, its rank lies
        between 3rd and 29th of 32."
    """
    row = ranking.boroughs.loc[ranking.boroughs["area_code"] == gss_code].iloc[0]
    value, mps = float(row["value"]), percent(ranking.mps / 100)
    period = quarter_label(ranking.quarter_end, capitalise=False)
    opening = (f"Most recent (rolling 12 months to {period}) {survey} results in {name} show {what} currently at "
               f"{percent(value / 100)}%.")
    if not ranking.has_intervals:
        return f"{opening} This is {comparison(value, ranking.mps)} the MPS average ({mps}%)."
    interval = interval_phrase(row["ci_low"], row["ci_high"], row["respondents"], bool(row["respondents_assumed"]),
                               ranking.alpha)
    return (f"{opening} Allowing for survey error ({interval}), this is {benchmark_phrase(row['vs_mps'], mps)}. "
            + rank_sentence(name, row["rank"], row["rank_best"], row["rank_worst"], len(ranking.boroughs)))


def confidence_sentence(ranking: Ranking, gss_code: str, name: str) -> str:
    """The pack's sentence on a borough's confidence against the MPS average (:func:`survey_sentence`).

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
        Without intervals, e.g. "Most recent (rolling 12 months to quarter 2 (September) 2015/16)
        PAS results in Waltham Forest show confidence currently at 69%. This is above the MPS
        average (67%)." (the reference pack's words).
    """
    return survey_sentence(ranking, gss_code, name, "PAS", "confidence")


def satisfaction_sentence(ranking: Ranking, gss_code: str, name: str) -> str:
    """The pack's sentence on a borough's overall victim satisfaction (:func:`survey_sentence`)."""
    return survey_sentence(ranking, gss_code, name, "USS", "overall satisfaction")


def gap_uncertainty_sentence(gap: dict) -> str:
    """What survey error allows of the white–BME satisfaction gap.

    ``gap`` is the dict of :func:`boardpack.metrics.confidence.satisfaction_gap` computed with
    ``alpha``. E.g. "Allowing for survey error (95% interval 1.2 to 10.4 percentage points, from 180
    white and 110 BME respondents), the gap is statistically significant." or "… the gap could be
    chance: the interval includes no gap." Without respondents in the input it says the interval
    cannot be given.
    """
    if gap.get("gap_ci_low") is None:
        return ("Its uncertainty cannot be given: the satisfaction input does not say how many white and BME "
                "victims were asked.")
    low, high = gap["gap_ci_low"], gap["gap_ci_high"]
    span = (f"Allowing for survey error ({level(gap['alpha'])} interval {low:g} to {high:g} percentage points, from "
            f"{gap['white_respondents']:,} white and {gap['bme_respondents']:,} BME respondents), ")
    if gap["gap_significant"]:
        return span + "the gap is statistically significant."
    return span + "the gap could be chance: the interval includes no gap."
