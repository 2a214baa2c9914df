"""Crime per 1,000 residents, and homicide victims from the MPS homicide dashboard data."""

from __future__ import annotations

import pandas as pd

from ..errors import CoverageError
from ..periods import month_range, parse_month, rolling_windows
from .change import exact, round_half_up
from .crime import TNO, area_row_counts, choose_vintage
from .funnel import Funnel, rate_funnel
from .uncertainty import ALPHA, poisson_interval


def population_for(population: pd.DataFrame, area_codes: list[str], period: str) -> tuple[int, int]:
    """Residents of ``area_codes`` at the latest mid-year at or before the period's year.

    Parameters
    ----------
    population : DataFrame
        The ``population`` canonical table (one row per area and year; where releases
        overlap the loader has kept the newest).
    area_codes : list of str
        GSS codes to add up (one borough, or the 32 for the MPS).
    period : str
        ``YYYY-MM``.

    Returns
    -------
    (year, population) : tuple of int

    Raises
    ------
    CoverageError
        Defensively, if no year at or before the period has every area; for the 32 boroughs the
        coverage rules refuse such data first (``crime_rates`` part).
    """
    year = parse_month(period).year
    rows = population[population["area_code"].isin(area_codes) & (population["year"] <= year)]
    complete = rows.groupby("year")["area_code"].nunique()
    complete = complete[complete == len(set(area_codes))]
    if complete.empty:
        raise CoverageError(f"no mid-year population at or before {year} for {len(set(area_codes))} area(s)")
    best = int(complete.index.max())
    return best, int(rows.loc[rows["year"] == best, "population"].sum())


def rate_per_1000(count: float, population: int, decimals: int = 1) -> float:
    """``count`` per 1,000 residents, rounded half up to ``decimals`` places."""
    return round_half_up(exact(count) * 1000 / population, decimals)


def homicide_victims(homicide: pd.DataFrame, gss_code: str, period: str) -> dict:
    """Homicide victims in the 12 months to ``period`` and the 12 before, borough and MPS.

    The MPS count is every victim in the data, including those recorded against the airports.

    Returns
    -------
    dict
        ``previous_12m, current_12m, mps_previous_12m, mps_current_12m``.

    Raises
    ------
    CoverageError
        Defensively, if the homicide data ends before ``period``; the coverage rules refuse such
        data first (``homicide_victims`` part, the same rule).
    """
    last = str(homicide["month"].max()) if len(homicide) else None
    if last is None or last < period:
        raise CoverageError(f"the homicide data ends in {last or 'nothing'}, before {period}")
    previous, current = rolling_windows(period)

    def total(months, area=None):
        rows = homicide[homicide["month"].isin(months)]
        if area is not None:
            rows = rows[rows["area_code"] == area]
        return int(rows["victims"].sum())

    return {"previous_12m": total(previous, gss_code), "current_12m": total(current, gss_code),
            "mps_previous_12m": total(previous), "mps_current_12m": total(current)}


def homicide_months(homicide: pd.DataFrame, gss_code: str, period: str) -> pd.DataFrame:
    """Homicide victims in each of the 24 months to ``period``, borough and MPS (0 where none were recorded).

    Returns
    -------
    DataFrame
        ``month, borough, mps``, oldest month first: the monthly counts that
        :func:`homicide_victims` adds up, for the test of the change.
    """
    months = month_range(period, 24)
    rows = homicide[homicide["month"].isin(months)]
    mps = rows.groupby("month")["victims"].sum()
    borough = rows[rows["area_code"] == gss_code].groupby("month")["victims"].sum()
    return pd.DataFrame({"month": months,
                         "borough": [int(borough.get(m, 0)) for m in months],
                         "mps": [int(mps.get(m, 0)) for m in months]})


def crime_rates(crime_table: pd.DataFrame, population: pd.DataFrame, gss_code: str, area_codes: list[str],
                period: str, alpha: float = ALPHA) -> dict:
    """Total notifiable offences per 1,000 residents, borough and MPS.

    Parameters
    ----------
    crime_table : DataFrame
        The borough's recorded crime table (:func:`boardpack.metrics.crime.recorded_crime_table`);
        its first row is Total Notifiable Offences with ``current_12m`` and ``mps_current_12m``.
    population : DataFrame
        The ``population`` canonical table.
    gss_code : str
        The borough.
    area_codes : list of str
        The 32 boroughs' codes, whose populations make the MPS's.
    period : str
        ``YYYY-MM``.
    alpha : float
        1 minus the confidence level of the rates' intervals.

    Returns
    -------
    dict
        ``borough, mps`` (rates per 1,000, one decimal), ``population, mps_population`` and
        ``population_year`` (the latest mid-year at or before the period's year that has every
        one of ``area_codes``, as :mod:`boardpack.coverage` requires; borough and MPS use it);
        ``ci_low, ci_high`` and ``mps_ci_low, mps_ci_high``: the exact Poisson (Garwood)
        interval of each rate per 1,000 (:func:`boardpack.metrics.uncertainty.poisson_interval`
        of the offences, over the population), one decimal; and ``alpha``.
    """
    # One rule for the year (the coverage rule): the latest mid-year at or before the period's
    # year in which every one of the 32 boroughs has an estimate; the borough uses the same year.
    year, m_pop = population_for(population, list(area_codes), period)
    own = population.loc[(population["area_code"] == gss_code) & (population["year"] == year), "population"]
    if own.empty:  # defensive: gss_code is one of area_codes, so the year has it
        raise CoverageError(f"no mid-{year} population for {gss_code}")
    b_pop = int(own.sum())
    full = crime_table.iloc[0]
    b_low, b_high = poisson_interval(int(full["current_12m"]), alpha)
    m_low, m_high = poisson_interval(int(full["mps_current_12m"]), alpha)
    return {"borough": rate_per_1000(full["current_12m"], b_pop), "mps": rate_per_1000(full["mps_current_12m"], m_pop),
            "population": b_pop, "mps_population": m_pop, "population_year": year,
            "ci_low": rate_per_1000(b_low, b_pop), "ci_high": rate_per_1000(b_high, b_pop),
            "mps_ci_low": rate_per_1000(m_low, m_pop), "mps_ci_high": rate_per_1000(m_high, m_pop), "alpha": alpha}


def borough_crime_counts(crime: pd.DataFrame, mappings: pd.DataFrame, population: pd.DataFrame,
                         boroughs: dict[str, str], period: str, vintage: str = "auto") -> pd.DataFrame:
    """Every borough's total notifiable offences in the 12 months to ``period`` and its residents.

    Parameters
    ----------
    crime : DataFrame
        The canonical ``crime`` table.
    mappings : DataFrame
        Every vintage's crime mapping (as :func:`boardpack.metrics.crime.recorded_crime_table` takes it).
    population : DataFrame
        The ``population`` canonical table.
    boroughs : dict of str to str
        GSS code -> name of the 32 boroughs.
    period : str
        ``YYYY-MM``.
    vintage : str
        ``"auto"`` or a vintage name; the same choice as the recorded crime table (24 months).

    Returns
    -------
    DataFrame
        ``area_code, borough, offences, population``, one row per borough in ``boroughs`` order;
        ``attrs`` holds ``population_year`` (:func:`population_for`'s rule: the same year for all)
        and ``vintage``.

    Raises
    ------
    CoverageError
        If no vintage holds the months, a borough has no rows in it, or no population year has
        every borough.
    """
    codes = list(boroughs)
    vintage = choose_vintage(crime, mappings, period, months=24, prefer=vintage)
    _, current = rolling_windows(period)
    counts = area_row_counts(crime, mappings, vintage)
    present = set(counts["area_code"].unique())
    absent = [boroughs[c] for c in codes if c not in present]
    if absent:
        raise CoverageError(f"no recorded crime rows in vintage {vintage} for {', '.join(absent)}")
    counts = counts[(counts["row"] == TNO) & counts["month"].isin(current) & counts["area_code"].isin(codes)]
    offences = counts.groupby("area_code")["count"].sum().reindex(codes, fill_value=0)
    year, _ = population_for(population, codes, period)
    pop = population[(population["year"] == year) & population["area_code"].isin(codes)]
    residents = pop.groupby("area_code")["population"].sum().reindex(codes)
    out = pd.DataFrame({"area_code": codes, "borough": [boroughs[c] for c in codes],
                        "offences": offences.to_numpy().astype("int64"),
                        "population": residents.to_numpy().astype("int64")})
    out.attrs.update(population_year=year, vintage=vintage)
    return out


def crime_funnel(crime: pd.DataFrame, mappings: pd.DataFrame, population: pd.DataFrame, boroughs: dict[str, str],
                 period: str, vintage: str = "auto", method: str = "exact") -> Funnel:
    """Total notifiable offences per 1,000 residents of every borough, against the London rate.

    The counts and populations are those of :func:`borough_crime_counts`; the target is the 32
    boroughs' offences over their residents (crime recorded against the airports or no borough
    is left out of both). Each borough's expected count is target × residents; the limits are
    those of :func:`boardpack.metrics.funnel.rate_funnel`: allowing for the spread between
    boroughs where φ > 1, else the limits for chance alone (``method``, Spiegelhalter's exact
    limits by default).

    Returns
    -------
    Funnel
        Its ``table`` has ``count`` (offences), ``exposure`` (residents) and ``rate`` per 1,000;
        ``population_year`` and ``vintage`` are kept in ``table.attrs``.
    """
    areas = borough_crime_counts(crime, mappings, population, boroughs, period, vintage)
    result = rate_funnel(areas, "offences", "population", per=1000, method=method)
    result.table.attrs.update(areas.attrs)
    return result
