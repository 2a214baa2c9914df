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
        If no year at or before the period has every area.
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
        If the homicide data ends before ``period``.
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
