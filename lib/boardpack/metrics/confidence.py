"""Public confidence from the Public Attitude Survey, and victim satisfaction: rankings and trends.

Confidence is the PAS measure ``"Good Job" local`` (share answering 'excellent' or 'good'
to "how good a job do you think the police in this area are doing?"), published as a
rolling 12-month proportion at each quarter end. Values here are percentages (0-100);
ranks use the whole percentages the pack prints, so two boroughs shown at the same figure
share a rank.

Each borough's value can carry its Wilson score interval (:func:`borough_ranking` with
``respondents``): the comparison with the MPS value and the range of ranks a borough could
hold then follow the benchmark practice of public-health indicators
(:mod:`boardpack.metrics.uncertainty`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from ..errors import CoverageError
from ..periods import parse_month
from .change import exact, round_half_up
from .uncertainty import ALPHA, difference_interval, rank_range, versus_benchmark, wilson_interval

GOOD_JOB = '"Good Job" local'
# The USS measures the pack charts, with their labels.
USS_LABELS = {
    "overall": "Overall satisfaction",
    "ease_of_contact": "Ease of contact",
    "police_actions": "Police actions",
    "treatment": "Treatment",
    "follow_up": "Follow-up",
}
# The series of the trend chart: column label -> measure (the compute cell passes these to measure_trends).
PAS_TREND = {"Confidence (PAS)": GOOD_JOB}
USS_TREND = {f"{label} (USS)": measure for measure, label in USS_LABELS.items()}
# The series drawn with their interval band (the headline measures; five bands would hide the lines).
USS_BANDS = {"Overall satisfaction (USS)": "overall"}


@dataclass(frozen=True)
class Ranking:
    """Every borough's value of one PAS measure at one quarter end, and the MPS value.

    Attributes
    ----------
    quarter_end : str
        ``"YYYY-MM"``.
    measure : str
        The PAS measure label.
    boroughs : DataFrame
        ``area_code, borough, value, rank``: the 32 boroughs, best first; ``value`` in %.
        With intervals (``alpha`` set) also ``respondents`` (the sample size used),
        ``respondents_assumed`` (True where the data gave none and the assumed number was used),
        ``ci_low, ci_high`` (the Wilson score interval in %), ``vs_mps`` (``"above"``,
        ``"below"`` or ``"similar"``) and ``rank_best, rank_worst`` (the ranks the borough could
        hold given every borough's interval).
    mps : float
        The Met-wide value in %.
    alpha : float or None
        1 minus the intervals' confidence level; None when the ranking carries no intervals.
    """

    quarter_end: str
    measure: str
    boroughs: pd.DataFrame
    mps: float
    alpha: float | None = None

    @property
    def has_intervals(self) -> bool:
        """Whether each borough's value carries its interval (see :func:`borough_ranking`)."""
        return self.alpha is not None

    def _repr_html_(self) -> str:
        """The ranking as the compute cell shows it: a heading line and the table of boroughs."""
        level = "" if self.alpha is None else f"; intervals at {(1 - self.alpha) * 100:.10g}%"
        return (f"<p>{html.escape(self.measure)}, rolling 12 months to {self.quarter_end}: MPS {self.mps:g}%{level}</p>"
                + self.boroughs.to_html(index=False))


def effective_respondents(assumed: float, design_effect: float = 1.0) -> float:
    """The respondents a survey's intervals rest on: the assumed interviews over the design effect.

    The PAS publishes proportions without sample sizes, so each borough's interval assumes a number
    of interviews (``pas_respondents``). A survey's clustering and weighting make its estimates less
    precise than a simple random sample of that size; the design effect (the ratio of the two
    variances, ``pas_design_effect``) measures that, and a design effect above 1 leaves fewer
    effective respondents and so widens every interval. 1 assumes a simple random sample.

    Raises
    ------
    ValueError
        If ``assumed`` or ``design_effect`` is not more than 0.
    """
    if not assumed or assumed <= 0:
        raise ValueError(f"the assumed respondents must be more than 0, not {assumed!r}")
    if not design_effect or design_effect <= 0:
        raise ValueError(f"the design effect must be more than 0, not {design_effect!r}")
    return float(assumed) / float(design_effect)


def percent(proportion: float) -> int:
    """A proportion as the whole percentage printed in the pack (halves round up).

    Parameters
    ----------
    proportion : float
        0 to 1.

    Returns
    -------
    int
        E.g. 0.675 -> 68 (Python's ``round`` would give 67 or 68 depending on binary noise).
    """
    return int(round_half_up(exact(proportion) * 100))


def borough_ranking(pas: pd.DataFrame, quarter_end: str, measure: str, boroughs: dict[str, str],
                    respondents: int | None = None, alpha: float = ALPHA) -> Ranking:
    """Rank the 32 boroughs on a survey measure at one quarter end, with each value's interval.

    Rank 1 is the highest value. Ranks are taken on the printed whole percentages: boroughs
    shown at the same figure share the best rank of the tie (1, 2, 2, 4), listed by value
    and then alphabetically within it.

    With ``respondents``, each borough's value gets its Wilson score interval at level
    ``1 - alpha``, from ``proportion x n`` successes out of ``n`` respondents, where ``n`` is the
    table's ``respondents`` value for the borough when it has one (the USS input may carry it)
    and ``respondents`` otherwise (an assumption: the PAS publishes no sample sizes). The MPS
    value is the benchmark: a borough is ``"above"`` or ``"below"`` it only when its interval
    excludes it, else ``"similar"``. The rank range is that of
    :func:`boardpack.metrics.uncertainty.rank_range` over the 32 intervals. The printed rank is
    unchanged.

    Parameters
    ----------
    pas : DataFrame
        The ``pas`` or ``victim_satisfaction`` canonical table.
    quarter_end : str
        ``"YYYY-MM"``, a quarter end present in the table (see :func:`latest_quarter`).
    measure : str
        PAS measure label, as published.
    boroughs : dict of str to str
        GSS code -> name of the 32 boroughs (``pack.boroughs``).
    respondents : int, optional
        The assumed respondents per borough in the rolling year, used where the table gives
        none; None gives a ranking without intervals.
    alpha : float
        1 minus the confidence level of the intervals (0.05: 95%).

    Returns
    -------
    Ranking

    Raises
    ------
    ValueError
        If ``respondents`` is not a whole number more than 0.
    CoverageError
        Defensively, if the quarter or measure is absent, the MPS value is missing, or any of
        the 32 boroughs has no value for that quarter. The coverage rules refuse such data
        first (:func:`boardpack.coverage.ranking_gaps`), so the pack never relies on this.
    """
    rows = _select(pas, measure)
    rows = rows[rows["quarter_end"] == quarter_end]
    if rows.empty:
        raise CoverageError(f"no PAS {measure!r} values for the quarter ending {quarter_end}")
    mps = rows.loc[rows["area_code"] == "MPS", "proportion"]
    if mps.empty:
        raise CoverageError(f"no MPS value of PAS {measure!r} for the quarter ending {quarter_end}")
    names = boroughs
    boroughs = rows[rows["area_code"].isin(list(names))].copy()
    missing = [c for c in names if c not in set(boroughs["area_code"])]
    if missing:
        raise CoverageError(f"PAS {measure!r} for the quarter ending {quarter_end} has no value for "
                            f"{', '.join(names[c] for c in missing)}")
    boroughs["borough"] = boroughs["area_code"].map(names)
    # Published proportions have two decimals; rounding drops binary noise from *100 so
    # that equal published values tie.
    boroughs["value"] = (boroughs["proportion"] * 100).round(6)
    # Rank on the whole percentages the pack prints, so two boroughs shown at the same
    # figure always share a rank.
    printed = boroughs["proportion"].map(percent)
    boroughs["rank"] = printed.rank(method="min", ascending=False).astype("int64")
    boroughs = boroughs.sort_values(["rank", "value", "borough"], ascending=[True, False, True],
                                    kind="stable").reset_index(drop=True)
    mps_value = round(float(mps.iloc[0]) * 100, 6)
    columns = ["area_code", "borough", "value", "rank"]
    if respondents is None:
        return Ranking(quarter_end, measure, boroughs[columns], mps_value)
    with_ci = with_intervals(boroughs, mps_value, respondents, alpha)
    return Ranking(quarter_end, measure, with_ci[columns + INTERVAL_COLUMNS], mps_value, float(alpha))


INTERVAL_COLUMNS = ["respondents", "respondents_assumed", "ci_low", "ci_high", "vs_mps", "rank_best", "rank_worst"]


def with_intervals(boroughs: pd.DataFrame, mps: float, respondents: int, alpha: float = ALPHA) -> pd.DataFrame:
    """Add each borough's Wilson interval, its comparison with the MPS value and its rank range.

    Parameters
    ----------
    boroughs : DataFrame
        ``value`` in % and, optionally, ``respondents`` (may be empty).
    mps : float
        The benchmark in %.
    respondents : int
        Respondents assumed where ``boroughs`` gives none.
    alpha : float
        1 minus the confidence level.

    Returns
    -------
    DataFrame
        A copy with the columns of :data:`INTERVAL_COLUMNS` (see :class:`Ranking`).

    Raises
    ------
    ValueError
        If ``respondents`` is not a whole number more than 0.
    """
    if isinstance(respondents, bool) or not float(respondents).is_integer() or int(respondents) < 1:
        raise ValueError(f"the assumed number of respondents must be a whole number more than 0, not {respondents!r}")
    out = boroughs.copy()
    given = out["respondents"] if "respondents" in out.columns else pd.Series(pd.NA, index=out.index)
    out["respondents_assumed"] = given.isna()
    out["respondents"] = given.astype("Float64").fillna(int(respondents)).astype("int64")
    limits = [wilson_interval(v / 100 * n, n, alpha) for v, n in zip(out["value"], out["respondents"])]
    out["ci_low"] = [round(low * 100, 6) for low, _ in limits]
    out["ci_high"] = [round(high * 100, 6) for _, high in limits]
    out["vs_mps"] = [versus_benchmark(low, high, mps) for low, high in zip(out["ci_low"], out["ci_high"])]
    ranks = rank_range(out["ci_low"], out["ci_high"])
    out["rank_best"] = [best for best, _ in ranks]
    out["rank_worst"] = [worst for _, worst in ranks]
    return out


def trend(pas: pd.DataFrame, gss_code: str, measure: str = GOOD_JOB) -> pd.DataFrame:
    """A borough's PAS measure over time beside the MPS value.

    Parameters
    ----------
    pas : DataFrame
        The ``pas`` canonical table.
    gss_code : str
        The borough.
    measure : str
        PAS measure label, as published.

    Returns
    -------
    DataFrame
        ``quarter_end, borough, mps`` in %, oldest first; ``mps`` is NaN for a quarter
        without an MPS value (and ``borough`` likewise).

    Raises
    ------
    CoverageError
        If the table has no values of ``measure`` for the borough.
    """
    rows = _select(pas, measure)
    wide = rows[rows["area_code"].isin([gss_code, "MPS"])].pivot(
        index="quarter_end", columns="area_code", values="proportion"
    )
    if gss_code not in wide.columns:
        raise CoverageError(f"no PAS {measure!r} values for {gss_code}")
    wide = wide.reindex(columns=[gss_code, "MPS"]) * 100
    out = wide.rename(columns={gss_code: "borough", "MPS": "mps"}).round(6).reset_index()
    out.columns.name = None
    return out.sort_values("quarter_end").reset_index(drop=True)


def latest_quarter(pas: pd.DataFrame, period: str) -> str:
    """The latest quarter end in the table on or before ``period``.

    Parameters
    ----------
    pas : DataFrame
        The ``pas`` canonical table.
    period : str
        The pack's month, ``"YYYY-MM"``.

    Returns
    -------
    str
        ``"YYYY-MM"``, e.g. ``"2015-09"`` for period ``"2015-10"``.

    Raises
    ------
    CoverageError
        If no quarter in the table ends on or before ``period``.
    """
    month = str(parse_month(period))
    quarters = pas.loc[pas["quarter_end"] <= month, "quarter_end"]
    if quarters.empty:
        raise CoverageError(f"the PAS data has no quarter ending on or before {period}")
    return str(quarters.max())


def _select(pas: pd.DataFrame, measure: str) -> pd.DataFrame:
    rows = pas[pas["measure"] == measure]
    if rows.empty:
        known = ", ".join(sorted(pas["measure"].unique()))
        raise CoverageError(f"PAS measure {measure!r} is not in the data (measures: {known or 'none'})")
    return rows


def measure_trends(table: pd.DataFrame, measures: dict[str, str], gss_code: str, until: str,
                   skip_missing: bool = False) -> pd.DataFrame:
    """A borough's survey measures over time, as the whole percentages the pack prints.

    Parameters
    ----------
    table : DataFrame
        The ``pas`` or ``victim_satisfaction`` canonical table.
    measures : dict of str to str
        Column label -> measure, in the order the columns are wanted.
    gss_code : str
        The borough.
    until : str
        The pack's month ``YYYY-MM``; later quarters are left out.
    skip_missing : bool
        Leave out a measure the table has no values of for the borough, instead of raising.

    Returns
    -------
    DataFrame
        ``quarter_end`` and one column per label (whole percentages, NaN where a quarter has
        no value), oldest first.
    """
    series: dict[str, pd.Series] = {}
    for label, measure in measures.items():
        try:
            t = trend(table, gss_code, measure)
        except CoverageError:
            if skip_missing:
                continue
            raise
        t = t[t["quarter_end"] <= until]
        series[label] = t.set_index("quarter_end")["borough"]
    wide = pd.DataFrame(series).sort_index()
    wide = wide.map(lambda v: percent(v / 100) if pd.notna(v) else v)
    wide.index.name = "quarter_end"
    return wide.reset_index()


def trend_intervals(table: pd.DataFrame, measures: dict[str, str], gss_code: str, until: str, respondents: int,
                    alpha: float = ALPHA, skip_missing: bool = False) -> pd.DataFrame:
    """The Wilson interval of a borough's survey measures at every quarter, for the trend chart's bands.

    Parameters
    ----------
    table : DataFrame
        The ``pas`` or ``victim_satisfaction`` canonical table (``respondents`` optional).
    measures : dict of str to str
        Series label -> measure, as for :func:`measure_trends`.
    gss_code : str
        The borough.
    until : str
        The pack's month ``YYYY-MM``; later quarters are left out.
    respondents : int
        Respondents per rolling year assumed where the table gives none (as for :func:`borough_ranking`).
    alpha : float
        1 minus the confidence level.
    skip_missing : bool
        Leave out a measure the table has no values of for the borough, instead of raising.

    Returns
    -------
    DataFrame
        ``quarter_end`` and, per label, ``"<label> low"`` and ``"<label> high"`` in %, oldest first;
        NaN where a quarter has no value. ``attrs["alpha"]`` is the level.
    """
    if isinstance(respondents, bool) or not float(respondents).is_integer() or int(respondents) < 1:
        raise ValueError(f"the assumed number of respondents must be a whole number more than 0, not {respondents!r}")
    columns: dict[str, pd.Series] = {}
    for label, measure in measures.items():
        rows = table[(table["measure"] == measure) & (table["area_code"] == gss_code) & (table["quarter_end"] <= until)]
        if rows.empty:
            if skip_missing:
                continue
            raise CoverageError(f"no {measure!r} values for {gss_code}")
        given = rows["respondents"] if "respondents" in rows.columns else pd.Series(pd.NA, index=rows.index)
        n = given.astype("Float64").fillna(int(respondents)).astype("int64")
        limits = [wilson_interval(float(p) * k, k, alpha) for p, k in zip(rows["proportion"], n)]
        index = rows["quarter_end"].astype(str)
        columns[f"{label} low"] = pd.Series([round(lo * 100, 6) for lo, _ in limits], index=index.to_numpy())
        columns[f"{label} high"] = pd.Series([round(hi * 100, 6) for _, hi in limits], index=index.to_numpy())
    wide = pd.DataFrame(columns).sort_index()
    wide.index.name = "quarter_end"
    out = wide.reset_index()
    out.attrs["alpha"] = alpha
    return out


def satisfaction_gap(uss: pd.DataFrame, quarter: str, gss_code: str, alpha: float | None = None) -> dict | None:
    """White and BME victim satisfaction (printed whole percentages) and the MPS gap at one quarter.

    With ``alpha``, the gap also gets its interval when the input gives the borough's white and
    BME respondents: Newcombe's hybrid score interval of the difference of the two published
    proportions (:func:`boardpack.metrics.uncertainty.difference_interval`), in percentage points.

    Returns
    -------
    dict or None
        ``white, bme, gap`` (white minus BME) and ``mps_gap`` (None without both MPS values);
        with ``alpha`` also ``alpha``, ``white_respondents``, ``bme_respondents``, ``gap_ci_low``,
        ``gap_ci_high`` (percentage points, one decimal; None without both respondents) and
        ``gap_significant`` (the interval excludes 0; None without it). None when the borough
        lacks either value.
    """
    q = uss[uss["quarter_end"] == quarter]

    def row(area, measure):
        s = q[(q["area_code"] == area) & (q["measure"] == measure)]
        return s.iloc[0] if len(s) else None

    def val(area, measure):
        r = row(area, measure)
        return percent(float(r["proportion"])) if r is not None else None

    white, bme = val(gss_code, "white"), val(gss_code, "bme")
    if white is None or bme is None:
        return None
    mw, mb = val("MPS", "white"), val("MPS", "bme")
    out = {"white": white, "bme": bme, "gap": white - bme,
           "mps_gap": (mw - mb) if mw is not None and mb is not None else None}
    if alpha is None:
        return out
    w, b = row(gss_code, "white"), row(gss_code, "bme")
    nw = w.get("respondents") if "respondents" in w.index else None
    nb = b.get("respondents") if "respondents" in b.index else None
    known = all(n is not None and not pd.isna(n) and n > 0 for n in (nw, nb))
    out.update({"alpha": alpha, "white_respondents": int(nw) if known else None,
                "bme_respondents": int(nb) if known else None,
                "gap_ci_low": None, "gap_ci_high": None, "gap_significant": None})
    if known:
        pw, pb = float(w["proportion"]), float(b["proportion"])
        low, high = difference_interval(pw * int(nw), int(nw), pb * int(nb), int(nb), alpha)
        out.update({"gap_ci_low": round_half_up(exact(low) * 100, 1),
                    "gap_ci_high": round_half_up(exact(high) * 100, 1),
                    "gap_significant": bool(low > 0 or high < 0)})
    return out


def gap_ranking(uss: pd.DataFrame, quarter: str, boroughs: dict[str, str]) -> pd.DataFrame | None:
    """White minus BME satisfaction (printed whole percentages) for every borough, largest first.

    ``boroughs`` maps the 32 boroughs' GSS codes to their names (``pack.boroughs``). None when
    any of them lacks either value for the quarter.
    """
    q = uss[(uss["quarter_end"] == quarter) & uss["measure"].isin(["white", "bme"])
            & uss["area_code"].isin(list(boroughs))]
    wide = q.pivot(index="area_code", columns="measure", values="proportion")
    if len(wide) < len(boroughs) or wide[["white", "bme"]].isna().any().any():
        return None
    df = pd.DataFrame({"area_code": wide.index,
                       "gap": [percent(w) - percent(b) for w, b in zip(wide["white"], wide["bme"])]})
    df["borough"] = df["area_code"].map(boroughs)
    df["rank"] = df["gap"].rank(method="min", ascending=False).astype("int64")
    return df.sort_values(["rank", "borough"]).reset_index(drop=True)[["area_code", "borough", "gap", "rank"]]


# The eight measures of the PAS borough file, "good job" first: what MOPAC's confidence dashboard shows
# as the drivers of confidence (fair treatment, listening, being there, trust, informing, understanding).
PAS_DRIVERS = (GOOD_JOB, "Trust MPS", "Treat everyone fairly", "Listen to concerns", "Relied on to be there",
               "Understand issues", "Informed local", "Contact ward officer")
DRIVER_COLUMNS = ["measure", "value", "mps", "ci_low", "ci_high", "vs_mps", "respondents"]


def drivers(pas: pd.DataFrame, quarter_end: str, gss_code: str, respondents: float,
            alpha: float = ALPHA) -> pd.DataFrame:
    """The borough against the MPS on each PAS measure of the quarter, with Wilson intervals.

    The same rule as the confidence ranking: the borough is ``above`` or ``below`` the MPS only when
    its interval (from ``respondents``, the assumed interviews over the design effect) excludes the
    MPS value, else ``similar``.

    Parameters
    ----------
    pas : DataFrame
        The ``pas`` canonical table.
    quarter_end : str
        The quarter shown (:func:`latest_quarter`).
    gss_code : str
        The borough.
    respondents : float
        Effective respondents per borough (:func:`effective_respondents`).
    alpha : float
        1 minus the interval's level.

    Returns
    -------
    DataFrame
        :data:`DRIVER_COLUMNS`, one row per measure of :data:`PAS_DRIVERS` the quarter has for both the
        borough and the MPS, in that order: ``value`` and ``mps`` whole percentages as printed,
        ``ci_low``/``ci_high`` in %, ``vs_mps`` ``above``/``below``/``similar``. ``attrs``: ``quarter_end``,
        ``alpha``, ``missing`` (the measures the quarter lacks).
    """
    n = float(respondents)
    rows = pas[pas["quarter_end"] == quarter_end]
    lines, missing = [], []
    for measure in PAS_DRIVERS:
        mine = rows[(rows["measure"] == measure) & rows["proportion"].notna()]
        own, mps = mine.loc[mine["area_code"] == gss_code, "proportion"], mine.loc[mine["area_code"] == "MPS",
                                                                                  "proportion"]
        if own.empty or mps.empty:
            missing.append(measure)
            continue
        p, m = float(own.iloc[0]), float(mps.iloc[0])
        low, high = wilson_interval(p * n, n, alpha)
        lines.append({"measure": measure, "value": percent(p), "mps": percent(m), "ci_low": round(low * 100, 6),
                      "ci_high": round(high * 100, 6), "vs_mps": versus_benchmark(low * 100, high * 100, m * 100),
                      "respondents": n})
    out = pd.DataFrame(lines, columns=DRIVER_COLUMNS)
    out.attrs.update(quarter_end=quarter_end, alpha=float(alpha), missing=missing)
    return out
