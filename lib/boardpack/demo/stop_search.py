"""Synthetic police.uk stop-and-search archive files, one gzip CSV per month.

Points are snapped to a fixed set of locations per borough (police.uk anonymises
locations the same way), sampled inside the demo boundary rectangles and converted
from British National Grid to WGS84. Officer-defined ethnicity follows each borough's
synthetic Census 2021 mix, weighted by group search rates chosen so that the London
mix matches the real 2018-19 one.
"""

from __future__ import annotations

import calendar
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer

from .areas import boroughs
from .boundaries import area_bounds, empty_tiles, sample_in
from .calibration import (
    SS_AGE_SHARE,
    SS_ETHNICITY_SHARE,
    SS_GENDER_SHARE,
    SS_LONDON_MONTHLY,
    SS_NO_LOCATION,
    SS_OBJECT_SHARE,
    SS_OUTCOME_SHARE,
    SS_OUTSIDE,
    SS_SELF_DEFINED_AGREEMENT,
    SS_TYPE_SHARE,
)
from .census import broad_mix_2021
from .coverage import STOP_SEARCH_MONTHS, months
from .determinism import csv_text, rng_for, write_gzip

FOLDER = Path("stop_search") / "demo_police_uk_csv"
HEADER = [
    "Type", "Date", "Part of a policing operation", "Policing operation", "Latitude", "Longitude",
    "Gender", "Age range", "Self-defined ethnicity", "Officer-defined ethnicity", "Legislation",
    "Object of search", "Outcome", "Outcome linked to object of search",
    "Removal of more than just outer clothing",
]
LEGISLATION = {
    "Controlled drugs": "Misuse of Drugs Act 1971 (section 23)",
    "Anything to threaten or harm anyone": "Criminal Justice and Public Order Act 1994 (section 60)",
    "Firearms": "Firearms Act 1968 (section 47)",
}
PACE = "Police and Criminal Evidence Act 1984 (section 1)"
NOT_STATED = "Other ethnic group - Not stated"
# Self-defined labels offered within each officer-defined group (relative weights).
SELF_DEFINED = {
    "White": {"White - English/Welsh/Scottish/Northern Irish/British": 0.60,
              "White - Any other White background": 0.36, "White - Irish": 0.03,
              "White - Gypsy or Irish Traveller": 0.01},
    "Black": {"Black/African/Caribbean/Black British - Any other Black/African/Caribbean background": 0.43,
              "Black/African/Caribbean/Black British - African": 0.33,
              "Black/African/Caribbean/Black British - Caribbean": 0.24},
    "Asian": {"Asian/Asian British - Any other Asian background": 0.38, "Asian/Asian British - Bangladeshi": 0.29,
              "Asian/Asian British - Pakistani": 0.11, "Asian/Asian British - Indian": 0.10,
              "Asian/Asian British - Chinese": 0.02},
    "Other": {"Other ethnic group - Any other ethnic group": 0.45,
              "Mixed/Multiple ethnic groups - Any other Mixed/Multiple ethnic background": 0.30,
              "Mixed/Multiple ethnic groups - White and Black Caribbean": 0.15,
              "Mixed/Multiple ethnic groups - White and Asian": 0.10},
}
GROUPS = ("White", "Black", "Asian", "Other")
SNAP_POINTS_PER_BOROUGH = 150
# Share of vehicle searches with nobody searched, so no person details (most of them in 2018-19).
VEHICLE_ONLY = 0.8
OUTSIDE_SNAP_POINTS = 40


def _choice(rng: np.random.Generator, shares: dict, n: int) -> np.ndarray:
    labels = np.array(list(shares), dtype=object)
    p = np.array(list(shares.values()), dtype=float)
    return labels[rng.choice(len(labels), size=n, p=p / p.sum())]


@lru_cache(maxsize=1)
def snap_points() -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Anonymised snap locations as (latitude, longitude) arrays.

    Returns
    -------
    by_borough : dict
        GSS code -> array of shape ``(SNAP_POINTS_PER_BOROUGH, 2)``.
    outside : numpy.ndarray
        Points inside the map's extent but in no borough (river, airport style).
    """
    rng = rng_for("stop-search-snap-points")
    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)

    def convert(xy: np.ndarray) -> np.ndarray:
        lon, lat = to_wgs84.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([np.round(lat, 6), np.round(lon, 6)])

    bounds = area_bounds()
    by_borough = {b.code: convert(sample_in(bounds[b.code], SNAP_POINTS_PER_BOROUGH, rng)) for b in boroughs()}
    tiles = empty_tiles()
    picks = rng.integers(0, len(tiles), OUTSIDE_SNAP_POINTS)
    outside = np.vstack([sample_in(tiles[i], 1, rng) for i in picks])
    return by_borough, convert(outside)


@lru_cache(maxsize=1)
def search_rate_weights() -> dict[str, float]:
    """Relative search rate per resident of each group, London-wide.

    Chosen so that the demo's London mix of searches equals ``SS_ETHNICITY_SHARE``
    given the synthetic boroughs' populations and search volumes. Each borough's mix is
    its residents' mix times these rates, renormalised, so the London mix is not linear
    in the rates; a few fixed-point steps make it match.

    Returns
    -------
    dict
        Group -> relative rate.
    """
    mix = broad_mix_2021().loc[[b.code for b in boroughs()], list(GROUPS)].to_numpy()
    weights = np.array([b.crime_share for b in boroughs()])
    weights = weights / weights.sum()
    target = np.array([SS_ETHNICITY_SHARE[g] for g in GROUPS])
    target = target / target.sum()
    rates = target / (weights @ mix)
    for _ in range(50):
        per_borough = mix * rates
        achieved = weights @ (per_borough / per_borough.sum(axis=1, keepdims=True))
        rates = rates * target / achieved
    return dict(zip(GROUPS, rates / rates[0]))


def month_records(month: str) -> list[list[str]]:
    """The synthetic searches of one month, sorted by date, as CSV cells.

    Parameters
    ----------
    month : str
        ``"YYYY-MM"``.

    Returns
    -------
    list of list of str
    """
    rng = rng_for(f"stop-search-{month}")
    n = int(rng.poisson(SS_LONDON_MONTHLY * rng.lognormal(0, 0.06)))
    bs = boroughs()
    weights = np.array([b.crime_share for b in bs])
    per_borough = rng.multinomial(n, weights / weights.sum())
    mix = broad_mix_2021()
    rates = search_rate_weights()
    borough_idx = np.repeat(np.arange(len(bs)), per_borough)
    ethnic = np.empty(n, dtype=object)
    start = 0
    for b, k in zip(bs, per_borough):
        p = np.array([mix.loc[b.code, g] * rates[g] for g in GROUPS])
        ethnic[start:start + k] = np.array(GROUPS, dtype=object)[rng.choice(4, size=k, p=p / p.sum())]
        start += k
    # Vehicle-only searches below also lack an ethnicity; together they give the calibrated share.
    ethnic[rng.random(n) < max(0.0, SS_ETHNICITY_SHARE[""] - VEHICLE_ONLY * SS_TYPE_SHARE["Vehicle search"])] = ""

    kind = _choice(rng, SS_TYPE_SHARE, n)
    gender = _choice(rng, SS_GENDER_SHARE, n)
    age = _choice(rng, SS_AGE_SHARE, n)
    obj = _choice(rng, SS_OBJECT_SHARE, n)
    outcome = _choice(rng, SS_OUTCOME_SHARE, n)
    # Only drugs searches end in a khat or cannabis warning.
    outcome[(outcome == "Khat or Cannabis warning") & (obj != "Controlled drugs")] = "A no further action disposal"
    vehicle_only = (kind == "Vehicle search") & (rng.random(n) < VEHICLE_ONLY)
    gender[vehicle_only] = ""
    age[vehicle_only] = ""
    ethnic[vehicle_only] = ""

    self_defined = np.empty(n, dtype=object)
    agree = rng.random(n) < SS_SELF_DEFINED_AGREEMENT
    for g in GROUPS:
        sel = ethnic == g
        self_defined[sel] = _choice(rng, SELF_DEFINED[g], int(sel.sum()))
        self_defined[sel & ~agree] = NOT_STATED
    missing = ethnic == ""
    self_defined[missing] = np.where(rng.random(int(missing.sum())) < 0.63, "", NOT_STATED)

    by_borough, outside = snap_points()
    lat = np.empty(n, dtype=object)
    lon = np.empty(n, dtype=object)
    u = rng.random(n)
    for i in range(n):
        if u[i] < SS_NO_LOCATION:
            lat[i] = lon[i] = ""
            continue
        if u[i] < SS_NO_LOCATION + SS_OUTSIDE:
            point = outside[rng.integers(len(outside))]
        else:
            pts = by_borough[bs[borough_idx[i]].code]
            point = pts[rng.integers(len(pts))]
        lat[i], lon[i] = f"{point[0]:.6f}", f"{point[1]:.6f}"

    year, mon = int(month[:4]), int(month[5:])
    minutes = np.sort(rng.integers(0, calendar.monthrange(year, mon)[1] * 1440, n))
    order = rng.permutation(n)  # records are grouped by borough; spread them over the month
    stamps = _utc_stamps(month, minutes)
    rows = []
    for pos, i in enumerate(order):
        stamp = stamps[pos]
        legislation = LEGISLATION.get(obj[i], PACE)
        rows.append([kind[i], stamp, "False", "", lat[i], lon[i], gender[i], age[i], self_defined[i],
                     ethnic[i], legislation, obj[i], outcome[i], "", ""])
    return rows


def _utc_stamps(month: str, minutes: np.ndarray) -> list[str]:
    """police.uk dates: searches in a London-time month, written in UTC with ``+00:00``.

    So in summer months the first hour of the file's month shows as 23:xx on the last
    day of the month before, as in the real archive files.
    """
    local = pd.Timestamp(f"{month}-01") + pd.to_timedelta(minutes, unit="min")
    utc = pd.DatetimeIndex(local).tz_localize(
        "Europe/London", ambiguous=np.zeros(len(minutes), dtype=bool), nonexistent="shift_forward"
    ).tz_convert("UTC")
    return list(utc.strftime("%Y-%m-%dT%H:%M:00+00:00"))


def search_months() -> list[str]:
    """The demo's months of stop and search files, oldest first."""
    return months(STOP_SEARCH_MONTHS)


def write_stop_search(out: Path, only: list[str] | None = None) -> list[Path]:
    """Write ``YYYY-MM-metropolitan-stop-and-search.csv.gz`` for each demo month.

    Each month's records come from a random stream of its own, so any set of months can be
    written apart from the others (in another process, say) with the same bytes.

    Parameters
    ----------
    out : Path
        The dataset folder.
    only : list of str, optional
        Write these months (``"YYYY-MM"``) only; every month of :func:`search_months` by default.

    Returns
    -------
    list of Path
    """
    paths = []
    for month in search_months() if only is None else only:
        text = csv_text([HEADER, *month_records(month)])
        paths.append(write_gzip(out / FOLDER / f"{month}-metropolitan-stop-and-search.csv.gz", text.encode("utf-8")))
    return paths
