"""Crime per 1,000 residents, and homicide victims from the MPS homicide dashboard data."""

from __future__ import annotations

import pandas as pd

from ..errors import CoverageError
from ..periods import parse_month, rolling_windows
from .change import exact, round_half_up


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


def crime_rates(crime_table: pd.DataFrame, population: pd.DataFrame, gss_code: str, area_codes: list[str],
                period: str) -> dict:
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

    Returns
    -------
    dict
        ``borough, mps`` (rates per 1,000, one decimal), ``population, mps_population`` and
        ``population_year`` (the latest mid-year at or before the period's year that has every
        one of ``area_codes``, as :mod:`boardpack.coverage` requires; borough and MPS use it).
    """
    # One rule for the year (the coverage rule): the latest mid-year at or before the period's
    # year in which every one of the 32 boroughs has an estimate; the borough uses the same year.
    year, m_pop = population_for(population, list(area_codes), period)
    own = population.loc[(population["area_code"] == gss_code) & (population["year"] == year), "population"]
    if own.empty:  # defensive: gss_code is one of area_codes, so the year has it
        raise CoverageError(f"no mid-{year} population for {gss_code}")
    b_pop = int(own.sum())
    full = crime_table.iloc[0]
    return {"borough": rate_per_1000(full["current_12m"], b_pop), "mps": rate_per_1000(full["mps_current_12m"], m_pop),
            "population": b_pop, "mps_population": m_pop, "population_year": year}
