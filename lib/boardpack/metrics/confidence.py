"""Public confidence from the Public Attitude Survey, and victim satisfaction: rankings and trends.

Confidence is the PAS measure ``"Good Job" local`` (share answering 'excellent' or 'good'
to "how good a job do you think the police in this area are doing?"), published as a
rolling 12-month proportion at each quarter end. Values here are percentages (0-100);
comparisons use the whole percentages the pack prints, so a sentence never says "above"
next to two equal printed numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..errors import CoverageError
from ..periods import parse_month
from .change import exact, round_half_up

GOOD_JOB = '"Good Job" local'


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
    mps : float
        The Met-wide value in %.
    """

    quarter_end: str
    measure: str
    boroughs: pd.DataFrame
    mps: float


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


def borough_ranking(pas: pd.DataFrame, quarter_end: str, measure: str, boroughs: dict[str, str]) -> Ranking:
    """Rank the 32 boroughs on a PAS measure at one quarter end.

    Rank 1 is the highest value. Ranks are taken on the printed whole percentages: boroughs
    shown at the same figure share the best rank of the tie (1, 2, 2, 4), listed by value
    and then alphabetically within it.

    Parameters
    ----------
    pas : DataFrame
        The ``pas`` canonical table.
    quarter_end : str
        ``"YYYY-MM"``, a quarter end present in the table (see :func:`latest_quarter`).
    measure : str
        PAS measure label, as published.
    boroughs : dict of str to str
        GSS code -> name of the 32 boroughs (``pack.boroughs``).

    Returns
    -------
    Ranking

    Raises
    ------
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
    return Ranking(
        quarter_end=quarter_end,
        measure=measure,
        boroughs=boroughs[["area_code", "borough", "value", "rank"]],
        mps=round(float(mps.iloc[0]) * 100, 6),
    )


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


def satisfaction_gap(uss: pd.DataFrame, quarter: str, gss_code: str) -> dict | None:
    """White and BME victim satisfaction (printed whole percentages) and the MPS gap at one quarter.

    Returns
    -------
    dict or None
        ``white, bme, gap`` (white minus BME) and ``mps_gap`` (None without both MPS values);
        None when the borough lacks either value.
    """
    q = uss[uss["quarter_end"] == quarter]

    def val(area, measure):
        s = q.loc[(q["area_code"] == area) & (q["measure"] == measure), "proportion"]
        return percent(float(s.iloc[0])) if len(s) else None

    white, bme = val(gss_code, "white"), val(gss_code, "bme")
    if white is None or bme is None:
        return None
    mw, mb = val("MPS", "white"), val("MPS", "bme")
    return {"white": white, "bme": bme, "gap": white - bme,
            "mps_gap": (mw - mb) if mw is not None and mb is not None else None}


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
