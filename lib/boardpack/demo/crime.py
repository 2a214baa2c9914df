"""Synthetic MPS Borough Level Crime files in the ``upper_2010`` layout.

Two files, as the London Datastore publishes them: "Historical" with the older months
and "most recent 24 months", both wide (``MajorText, MinorText, BoroughName`` and one
``YYYYMM`` column per month), one row per area and category, ordered by area name.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .areas import boroughs
from .calibration import (
    CRIME_AIRPORTS_MONTHLY,
    CRIME_AIRPORTS_MONTHS,
    CRIME_BOROUGH_MIX_SD,
    CRIME_CATEGORY_SHARE,
    CRIME_LONDON_MONTHLY,
    CRIME_MONTHLY_NOISE,
    CRIME_SEASONAL,
    CRIME_UNKNOWN_DROP,
    CRIME_UNKNOWN_MONTHLY,
)
from .coverage import CRIME_MONTHS, months
from .determinism import csv_text, rng_for, write_text

FOLDER = Path("mps_borough_crime") / "demo"
HISTORICAL = "MPS Borough Level Crime (Historical).csv"
RECENT = "MPS Borough Level Crime (most recent 24 months).csv"
AIRPORTS = "London Heathrow and London City Airports"
UNKNOWN = "Unknown"
HEADER_KEYS = ["MajorText", "MinorText", "BoroughName"]


def crime_counts() -> tuple[list[str], dict[tuple[str, str, str], np.ndarray]]:
    """Monthly synthetic offence counts by area and category.

    Returns
    -------
    months : list of str
        ``"YYYY-MM"``, oldest first.
    counts : dict
        ``(area name, major, minor) -> int array`` aligned with ``months``.
    """
    rng = rng_for("crime")
    span = months(CRIME_MONTHS)
    categories = list(CRIME_CATEGORY_SHARE)
    london_mix = np.array([CRIME_CATEGORY_SHARE[c] for c in categories])
    london_mix = london_mix / london_mix.sum()
    season = np.array([CRIME_SEASONAL[int(m[5:]) - 1] for m in span])
    total = CRIME_LONDON_MONTHLY * season * rng.lognormal(0, CRIME_MONTHLY_NOISE, len(span))

    counts = {}
    for b in boroughs():
        mix = london_mix * rng.lognormal(0, CRIME_BOROUGH_MIX_SD, len(categories))
        mix = mix / mix.sum()
        level = total * b.crime_share * rng.lognormal(0, 0.03, len(span))  # the borough's own wobble
        lam = np.outer(mix, level)
        for cat, row in zip(categories, rng.poisson(lam)):
            counts[(b.name, *cat)] = row

    unknown = np.array([CRIME_UNKNOWN_MONTHLY["before" if m < CRIME_UNKNOWN_DROP else "after"] for m in span])
    first, last = CRIME_AIRPORTS_MONTHS
    airports = np.array([CRIME_AIRPORTS_MONTHLY if first <= m <= last else 0 for m in span])
    for name, level in ((UNKNOWN, unknown), (AIRPORTS, airports)):
        for cat, row in zip(categories, rng.poisson(np.outer(london_mix, level))):
            counts[(name, *cat)] = row
    return span, counts


def _file_text(span: list[str], counts: dict, cols: slice) -> str:
    header = HEADER_KEYS + [m.replace("-", "") for m in span[cols]]
    keys = sorted(counts, key=lambda k: (k[0], k[1], k[2]))
    rows = [header] + [[major, minor, area, *(int(v) for v in counts[(area, major, minor)][cols])]
                       for area, major, minor in keys]
    return csv_text(rows)


def write_crime(out: Path) -> list[Path]:
    """Write the two crime files under ``mps_borough_crime/demo/``.

    Parameters
    ----------
    out : Path
        The dataset folder.

    Returns
    -------
    list of Path
    """
    span, counts = crime_counts()
    half = len(span) // 2
    return [
        write_text(out / FOLDER / HISTORICAL, _file_text(span, counts, slice(0, half))),
        write_text(out / FOLDER / RECENT, _file_text(span, counts, slice(half, None))),
    ]
