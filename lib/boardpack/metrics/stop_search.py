"""Stop and search figures of pack section 5: volumes, disproportionality, arrests and coverage.

All functions take the ``stop_search`` canonical table (docs/data.md) or frames derived
from it and return new DataFrames. Printed figures are rounded half-up from the exact
fraction of whole counts, so a ratio such as 2.085 is never turned into 2.08 by binary
floating-point noise.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from ..errors import BoardPackError, CoverageError
from ..periods import month_range, parse_month
from .change import pct_change, round_half_up, share
from .significance import ALPHA, EXACT_POISSON, SMALL_COUNT, TEST_NAMES, change_test
from .uncertainty import rate_ratio_interval, versus_benchmark, wilson_interval

GROUPS = ("White", "Black", "Asian", "Other")
NOT_RECORDED = "Not recorded"
BASELINE_GROUP = "White"

# MPS targets stated under Figure 13 of the reference pack (share of all searches).
WEAPONS_TARGET_PCT = 20.0
KEY_CRIME_TARGET_PCT = 40.0

# police.uk "Object of search" labels standing in for the MPS monitoring codes C/D/E/K
# (offensive weapons, firearms, articles to threaten or harm: the s60 object, crossbows).
WEAPONS_OBJECTS = frozenset({
    "Offensive weapons", "Firearms", "Anything to threaten or harm anyone", "Crossbows",
})  # fmt: skip
# ... and for codes A/F/L, the MOPAC 7 "key crime" objects: stolen goods, articles for use
# in theft or burglary, articles for use in criminal damage. "Evidence of offences under
# the Act" does not say which Act or offence, so it counts as neither.
KEY_CRIME_OBJECTS = frozenset({
    "Stolen goods", "Article for use in theft", "Articles for use in criminal damage",
})  # fmt: skip

# A month whose records are mostly unlocated (2018-02 and 2018-03 have ~5% located)
# cannot be split by borough; ordinary months have ~90% located.
MIN_LOCATED_SHARE = 0.8

RATIO_METHOD = ("exact conditional interval for a ratio of two Poisson rates "
                "(Clopper-Pearson on the group's share of group + White searches, scaled by the populations)")
PROPORTION_METHOD = "Wilson score interval"
MEASURES = ("arrest_rate", "pct_weapons", "pct_key_crime")
TARGETS = {"pct_weapons": WEAPONS_TARGET_PCT, "pct_key_crime": KEY_CRIME_TARGET_PCT}

_S60 = "section 60"
_VEHICLE_ONLY = "Vehicle search"


def monthly_searches(
    stop_search: pd.DataFrame, gss_code: str, period: str, months: int = 13, exclude_s60: bool = True
) -> pd.DataFrame:
    """Searches per month in one borough and across the MPS (Figure 11).

    Parameters
    ----------
    stop_search : DataFrame
        The ``stop_search`` canonical table.
    gss_code : str
        The borough's GSS code.
    period : str
        The last month, ``"YYYY-MM"``.
    months : int
        Months to show, ending with ``period``.
    exclude_s60 : bool
        Leave out section 60 searches, as Figure 11 of the reference pack does.

    Returns
    -------
    DataFrame
        ``month, searches, mps``. ``mps`` counts every MPS record of the month, including
        those with no location or outside the borough polygons, so it is more than the sum
        of the boroughs. Months absent from the data are ``<NA>`` (Int64), never 0.

    Raises
    ------
    CoverageError
        If none of the months is in the data.
    """
    window = _window(stop_search, period, months)
    # Only the three columns read below are taken from the table (a quarter of a million rows).
    rows = stop_search.loc[stop_search["month"].isin(window), ["month", "area_code", "legislation"]]
    if exclude_s60:
        rows = rows[~_is_s60(rows)]
    borough = rows[rows["area_code"] == gss_code].groupby("month").size()
    mps = rows.groupby("month").size()
    return _by_month(window, set(stop_search["month"].unique()), searches=borough, mps=mps)


def searches_by_group(stop_search: pd.DataFrame, gss_code: str, period: str, months: int = 13) -> pd.DataFrame:
    """Searches per month and officer-defined ethnic group in one borough (Figure 12 counts).

    Like Figure 12, section 60 searches and vehicle-only searches (no person searched, so
    no ethnicity to record) are left out.

    Parameters
    ----------
    stop_search : DataFrame
        The ``stop_search`` canonical table.
    gss_code : str
        The borough's GSS code.
    period : str
        The last month, ``"YYYY-MM"``.
    months : int
        Months to show, ending with ``period``.

    Returns
    -------
    DataFrame
        ``month, ethnic_group, searches`` for every month in the data and each of White,
        Black, Asian, Other and Not recorded (0 where there were none).

    Raises
    ------
    CoverageError
        If none of the months is in the data.
    """
    window = _window(stop_search, period, months)
    in_data = set(stop_search["month"].unique())
    present = [m for m in window if m in in_data]
    rows = stop_search[stop_search["month"].isin(present) & (stop_search["area_code"] == gss_code)]
    rows = rows[~_is_s60(rows) & (rows["type"] != _VEHICLE_ONLY)]
    counts = rows.groupby(["month", "ethnic_group"]).size()
    full = pd.MultiIndex.from_product([present, [*GROUPS, NOT_RECORDED]], names=["month", "ethnic_group"])
    return counts.reindex(full, fill_value=0).astype("int64").rename("searches").reset_index()


def disproportionality(searches_by_group_month: pd.DataFrame, population_by_group,
                       alpha: float = ALPHA) -> pd.DataFrame:
    """Search rates per 1,000 of each group's population, as a ratio to the White rate, with intervals.

    Parameters
    ----------
    searches_by_group_month : DataFrame
        ``month, ethnic_group, searches`` (e.g. from :func:`searches_by_group`); rows for
        "Not recorded" are ignored here (see :func:`not_recorded_share`).
    population_by_group : Series or DataFrame
        Resident population of each group: a Series indexed by group, or a frame with
        ``group`` (or ``ethnic_group``) and ``population`` columns for one area.
    alpha : float
        The intervals are at 1 - alpha (0.05 gives 95%).

    Returns
    -------
    DataFrame
        ``month, ethnic_group, searches, population, rate_per_1000, ratio, ratio_2dp, ci_low,
        ci_high, small_base`` for White, Black, Asian and Other. ``ratio`` is the group's rate
        divided by the White rate (White is 1); ``ratio_2dp`` is it rounded half-up to 2
        decimals as printed. Both are NaN in a month with no White searches (no baseline).
        ``ci_low, ci_high`` is the exact conditional interval of the ratio
        (:func:`boardpack.metrics.uncertainty.rate_ratio_interval`): NaN for White (1 by
        definition, not an estimate) and wherever the ratio is NaN. ``small_base`` is True when
        the group had fewer than :data:`~boardpack.metrics.significance.SMALL_COUNT` searches in
        the month (for White: the baseline itself is small). ``attrs`` holds ``alpha`` and
        ``method`` (:data:`RATIO_METHOD`).

    Raises
    ------
    BoardPackError
        If a group's population is missing or not positive.
    """
    population = _population(population_by_group)
    df = searches_by_group_month[searches_by_group_month["ethnic_group"].isin(GROUPS)].copy()
    df["searches"] = df["searches"].astype("int64")
    df["population"] = df["ethnic_group"].map(lambda g: float(population[g])).astype("float64")
    df["rate_per_1000"] = df["searches"] * 1000 / df["population"]
    white = df[df["ethnic_group"] == BASELINE_GROUP].set_index("month")["searches"]
    ratios = [
        _exact_ratio(s, population[g], white.get(m, 0), population[BASELINE_GROUP])
        for m, g, s in zip(df["month"], df["ethnic_group"], df["searches"])
    ]
    df["ratio"] = [float(r) if r is not None else float("nan") for r in ratios]
    df["ratio_2dp"] = [round_half_up(r, 2) if r is not None else float("nan") for r in ratios]
    limits = [
        _ratio_limits(g, s, white.get(m, 0), population, alpha)
        for m, g, s in zip(df["month"], df["ethnic_group"], df["searches"])
    ]
    df["ci_low"] = [lo for lo, _ in limits]
    df["ci_high"] = [hi for _, hi in limits]
    df["small_base"] = df["searches"] < SMALL_COUNT
    order = {g: i for i, g in enumerate(GROUPS)}
    df = df.sort_values(["month", "ethnic_group"], key=lambda s: s.map(order) if s.name == "ethnic_group" else s)
    out = df[["month", "ethnic_group", "searches", "population", "rate_per_1000", "ratio", "ratio_2dp",
              "ci_low", "ci_high", "small_base"]].reset_index(drop=True)
    out.attrs.update(alpha=float(alpha), method=RATIO_METHOD)
    return out


def _ratio_limits(group: str, searches, white_searches, population: dict, alpha: float) -> tuple[float, float]:
    """The interval of one group's ratio; NaN for the White baseline and where there is no baseline."""
    if group == BASELINE_GROUP or not white_searches:
        return float("nan"), float("nan")
    return rate_ratio_interval(int(searches), float(population[group]), int(white_searches),
                               float(population[BASELINE_GROUP]), alpha=alpha)


def not_recorded_share(searches_by_group_month: pd.DataFrame) -> pd.DataFrame:
    """The share of searches with no officer-defined ethnicity, per month (Figure 12's last row).

    Parameters
    ----------
    searches_by_group_month : DataFrame
        ``month, ethnic_group, searches`` including "Not recorded" rows.

    Returns
    -------
    DataFrame
        ``month, searches, not_recorded, pct_not_recorded``; the percentage is of all
        searches in the month, rounded half-up to 1 decimal (NaN in a month with none).
    """
    df = searches_by_group_month
    total = df.groupby("month", sort=True)["searches"].sum().astype("int64")
    missing = df[df["ethnic_group"] == NOT_RECORDED].groupby("month")["searches"].sum()
    missing = missing.reindex(total.index, fill_value=0).astype("int64")
    pct = [round_half_up(Fraction(int(n) * 100, int(t)), 1) if t else float("nan") for n, t in zip(missing, total)]
    return pd.DataFrame(
        {"month": total.index, "searches": total.values, "not_recorded": missing.values, "pct_not_recorded": pct}
    )


def last_month_summary(stop_search: pd.DataFrame, gss_code: str, month: str, alpha: float = ALPHA) -> pd.DataFrame:
    """Arrest rate, weapons and key crime shares of one month's searches (Figure 13), with intervals.

    Every search counts, section 60 included, as in Figure 13's "PACE, S60, other".

    Parameters
    ----------
    stop_search : DataFrame
        The ``stop_search`` canonical table.
    gss_code : str
        The borough's GSS code.
    month : str
        ``"YYYY-MM"``.
    alpha : float
        The intervals are at 1 - alpha (0.05 gives 95%).

    Returns
    -------
    DataFrame
        Two rows, ``area_code`` the borough's code then ``MPS`` (every MPS record, located
        or not), with ``searches, arrests, arrest_rate, weapons, pct_weapons, key_crime,
        pct_key_crime``. Percentages are of all searches, rounded half-up to 1 decimal
        (NaN when there were no searches). Compare with :data:`WEAPONS_TARGET_PCT` and
        :data:`KEY_CRIME_TARGET_PCT`. For each of :data:`MEASURES`, ``<measure>_low`` and
        ``<measure>_high`` are its Wilson score interval in % (unrounded; NaN with no
        searches). ``pct_weapons_vs_target`` and ``pct_key_crime_vs_target`` say how the
        interval stands against the target, and (borough row only) ``arrest_rate_vs_mps``
        how the borough's arrest rate interval stands against the MPS rate: "above", "below"
        or "similar" (:func:`boardpack.metrics.uncertainty.versus_benchmark`); None with no
        searches. ``attrs`` holds ``alpha`` and ``method`` (:data:`PROPORTION_METHOD`).

    Raises
    ------
    CoverageError
        If ``month`` is not in the data.
    """
    parse_month(month)
    rows = stop_search[stop_search["month"] == month]
    if rows.empty:
        raise CoverageError(f"no stop and search records for {month}")
    out = []
    for code, part in ((gss_code, rows[rows["area_code"] == gss_code]), ("MPS", rows)):
        n = len(part)
        arrests = int(part["is_arrest"].sum())
        weapons = int(part["object_of_search"].isin(WEAPONS_OBJECTS).sum())
        key = int(part["object_of_search"].isin(KEY_CRIME_OBJECTS).sum())
        out.append({
            "area_code": code, "searches": n,
            "arrests": arrests, "arrest_rate": _pct(arrests, n),
            "weapons": weapons, "pct_weapons": _pct(weapons, n),
            "key_crime": key, "pct_key_crime": _pct(key, n),
        })  # fmt: skip
    return _with_intervals(pd.DataFrame(out), alpha)


def _with_intervals(summary: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Add each measure's Wilson interval (in %) and the benchmark verdicts to :func:`last_month_summary`."""
    df = summary.copy()
    counts = {"arrest_rate": "arrests", "pct_weapons": "weapons", "pct_key_crime": "key_crime"}
    for measure, count in counts.items():
        limits = [_wilson_pct(k, n, alpha) for k, n in zip(df[count], df["searches"])]
        df[f"{measure}_low"] = [lo for lo, _ in limits]
        df[f"{measure}_high"] = [hi for _, hi in limits]
    for measure, target in TARGETS.items():
        verdicts = [_verdict(lo, hi, target) for lo, hi in zip(df[f"{measure}_low"], df[f"{measure}_high"])]
        df[f"{measure}_vs_target"] = pd.Series(verdicts, index=df.index, dtype=object)
    mps = df.iloc[-1]
    mps_rate = mps["arrests"] * 100 / mps["searches"] if mps["searches"] else float("nan")
    verdicts = [_verdict(lo, hi, mps_rate) if i < len(df) - 1 else None
                for i, (lo, hi) in enumerate(zip(df["arrest_rate_low"], df["arrest_rate_high"]))]
    df["arrest_rate_vs_mps"] = pd.Series(verdicts, index=df.index, dtype=object)  # None stays None, not NaN
    df.attrs.update(alpha=float(alpha), method=PROPORTION_METHOD)
    return df


def _wilson_pct(successes: int, n: int, alpha: float) -> tuple[float, float]:
    if not n:
        return float("nan"), float("nan")
    low, high = wilson_interval(int(successes), int(n), alpha=alpha)
    return low * 100, high * 100


def _verdict(low: float, high: float, benchmark: float) -> str | None:
    if pd.isna(low) or pd.isna(high) or pd.isna(benchmark):
        return None
    return versus_benchmark(low, high, benchmark)


def year_on_year(monthly: pd.DataFrame, unsplit: list[str], alpha: float = ALPHA) -> pd.DataFrame:
    """The change in searches from the window's first month to its last, a year later, with its test.

    Parameters
    ----------
    monthly : DataFrame
        :func:`monthly_searches` over 13 months (masked by :func:`mask_monthly`): its first
        month is the same month a year before its last.
    unsplit : list of str
        The months that cannot be split by borough (:func:`unsplittable_months`).
    alpha : float
        Significance level of the test.

    Returns
    -------
    DataFrame
        Two rows, ``area`` "borough" then "MPS", with ``previous_month, current_month,
        previous, current, pct_change, p_value, q_value, significant, small_numbers, dispersion, test,
        reason``. ``pct_change`` is rounded half-up to 1 decimal (None when ``previous`` is 0); the test
        is the exact one, :func:`boardpack.metrics.significance.change_test` (two single months have no
        monthly series to measure over-dispersion in), alone in its family (q = p). When either month has no count,
        the counts that exist are kept, the test's columns are None and ``reason`` says why:
        ``"unsplittable"`` (the month's records mostly have no location, borough only) or
        ``"not_in_data"``; otherwise ``reason`` is None. ``attrs`` holds ``alpha``, ``change_test`` and ``test``.

    Raises
    ------
    BoardPackError
        If ``monthly`` does not span 13 months (a year apart).
    """
    months = monthly["month"].tolist()
    if len(months) != 13 or month_range(months[-1], 13) != months:
        raise BoardPackError(f"year_on_year needs the 13 consecutive months of monthly_searches, not {months}")
    first, last = monthly.iloc[0], monthly.iloc[-1]
    rows = []
    for area, column in (("borough", "searches"), ("MPS", "mps")):
        prev, cur = first[column], last[column]
        row = {"area": area, "previous_month": months[0], "current_month": months[-1],
               "previous": None if pd.isna(prev) else int(prev), "current": None if pd.isna(cur) else int(cur),
               "pct_change": None, "p_value": None, "q_value": None, "significant": None, "small_numbers": None,
               "dispersion": None, "test": None, "reason": None}
        if row["previous"] is None or row["current"] is None:
            gap = [m for m, v in ((months[0], prev), (months[-1], cur)) if pd.isna(v)]
            row["reason"] = "unsplittable" if area == "borough" and set(gap) & set(unsplit) else "not_in_data"
        else:
            test = change_test(row["previous"], row["current"], alpha=alpha)
            row.update(pct_change=pct_change(row["previous"], row["current"]), **test.as_dict())
        rows.append(row)
    out = pd.DataFrame(rows, dtype=object)
    # One month against one month: no monthly series to measure the dispersion in, so the exact test, named.
    out.attrs.update(alpha=float(alpha), change_test=EXACT_POISSON, test=TEST_NAMES[EXACT_POISSON])
    return out


def months_present(stop_search: pd.DataFrame) -> list[str]:
    """The months that have stop and search records, oldest first.

    Parameters
    ----------
    stop_search : DataFrame
        The ``stop_search`` canonical table.

    Returns
    -------
    list of str
    """
    return sorted(stop_search["month"].unique().tolist())


def borough_coverage(stop_search: pd.DataFrame) -> pd.DataFrame:
    """How many of each month's records could be placed in a borough.

    Parameters
    ----------
    stop_search : DataFrame
        The ``stop_search`` canonical table.

    Returns
    -------
    DataFrame
        ``month, records, borough, no_location, outside_boroughs, share_borough,
        borough_split_ok``; ``borough_split_ok`` is False where fewer than
        :data:`MIN_LOCATED_SHARE` of records have a borough, so the month cannot be split
        by borough (e.g. 2018-02 and 2018-03).
    """
    counts = stop_search.groupby(["month", "location_status"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=["borough", "no_location", "outside_boroughs"], fill_value=0).astype("int64")
    counts.insert(0, "records", counts.sum(axis=1))
    counts["share_borough"] = counts["borough"] / counts["records"]
    counts["borough_split_ok"] = counts["share_borough"] >= MIN_LOCATED_SHARE
    counts.columns.name = None
    return counts.reset_index()


def _window(stop_search: pd.DataFrame, period: str, months: int) -> list[str]:
    window = month_range(period, months)
    if not set(window) & set(stop_search["month"].unique()):
        raise CoverageError(f"no stop and search records in the {months} months to {period}")
    return window


def _by_month(window: list[str], present: set, **series: pd.Series) -> pd.DataFrame:
    out = pd.DataFrame({"month": window})
    for name, s in series.items():
        values = [int(s.get(m, 0)) if m in present else pd.NA for m in window]
        out[name] = pd.array(values, dtype="Int64")
    return out


def _is_s60(rows: pd.DataFrame) -> pd.Series:
    return rows["legislation"].str.contains(_S60, case=False, regex=False).fillna(False).astype(bool)


def _population(population_by_group) -> dict[str, Fraction]:
    if isinstance(population_by_group, pd.DataFrame):
        key = "group" if "group" in population_by_group.columns else "ethnic_group"
        series = population_by_group.set_index(key)["population"]
    else:
        series = pd.Series(population_by_group)
    out = {}
    for group in GROUPS:
        value = series.get(group)
        if value is None or pd.isna(value) or value <= 0:
            raise BoardPackError(f"population of the {group} group is missing or not positive: {value!r}")
        out[group] = Fraction(str(value))
    return out


def _exact_ratio(searches, population, white_searches, white_population) -> Fraction | None:
    if not white_searches:
        return None
    return Fraction(int(searches)) * white_population / (population * int(white_searches))


def _pct(part: int, whole: int) -> float:
    return share(part, whole) if whole else float("nan")


def unsplittable_months(stop_search: pd.DataFrame, monthly: pd.DataFrame) -> list[str]:
    """The months of ``monthly`` whose records mostly have no location (see :func:`borough_coverage`).

    Such a month cannot be split by borough: showing the few located records as the
    borough's count would understate it badly.
    """
    cov = borough_coverage(stop_search)
    bad = set(cov.loc[~cov["borough_split_ok"], "month"])
    return [m for m in monthly["month"].tolist() if m in bad]


def mask_monthly(monthly: pd.DataFrame, unsplit: list[str]) -> pd.DataFrame:
    """:func:`monthly_searches` with the borough's count of each month in ``unsplit`` set to ``<NA>``."""
    out = monthly.copy()
    out.loc[out["month"].isin(unsplit), "searches"] = pd.NA
    return out


def mask_ratios(ratios: pd.DataFrame, unsplit: list[str]) -> pd.DataFrame:
    """:func:`disproportionality` with every figure of each month in ``unsplit`` left blank.

    The interval is blanked too (NaN) and ``small_base`` becomes ``<NA>``: no count, no flag.
    """
    hidden = ratios["month"].isin(unsplit)
    out = ratios.astype({"searches": "Int64"})
    blank = [c for c in ("ratio", "ratio_2dp", "rate_per_1000", "ci_low", "ci_high") if c in out.columns]
    out.loc[hidden, blank] = float("nan")
    out.loc[hidden, "searches"] = pd.NA
    if "small_base" in out.columns:
        out = out.astype({"small_base": "boolean"})
        out.loc[hidden, "small_base"] = pd.NA
    out.attrs = dict(ratios.attrs)
    return out


def mask_not_recorded(share: pd.DataFrame, unsplit: list[str]) -> pd.DataFrame:
    """:func:`not_recorded_share` with every figure of each month in ``unsplit`` left blank."""
    out = share.astype({"not_recorded": "Int64", "searches": "Int64"})
    out.loc[out["month"].isin(unsplit), ["not_recorded", "searches"]] = pd.NA
    out.loc[out["month"].isin(unsplit), "pct_not_recorded"] = float("nan")
    return out
