"""A synthetic MPS Homicide Dashboard file (one row per victim, ``Mon-YY`` dates, CRLF)."""

from __future__ import annotations

import calendar
from pathlib import Path

import numpy as np

from .areas import boroughs
from .calibration import (
    HOMICIDE_AGE_SHARE,
    HOMICIDE_DOMESTIC_SHARE,
    HOMICIDE_ETHNICITY_SHARE,
    HOMICIDE_FEMALE_SHARE,
    HOMICIDE_METHOD_SHARE,
    HOMICIDE_OFFENCE_SHARE,
    HOMICIDE_SOLVED_SHARE,
    HOMICIDE_VICTIMS_PER_YEAR,
)
from .coverage import HOMICIDE_FIRST_MONTH, DEMO_PERIOD
from .determinism import csv_text, rng_for, write_text
from ..periods import parse_month

PATH = Path("mps_homicide") / "Homicides_demo.csv"
HEADER = ["Count of Victims", "Age Group", "Sex", "Method of Killing", "Domestic Abuse", "Recorded Date",
          "Homicide Offence Type", "Solved Status", "Borough", "Officer Observed Ethnicity"]
# Spellings the real dashboard file uses for some boroughs (all known to the registry).
_LABELS = {
    "E09000002": "Barking & Dagenham", "E09000013": "Hammersmith & Fulham",
    "E09000020": "Kensington & Chelsea", "E09000021": "Kingston Upon Thames",
    "E09000027": "Richmond Upon Thames",
}


def _pick(rng: np.random.Generator, shares: dict) -> str:
    labels = list(shares)
    p = np.array(list(shares.values()), dtype=float)
    return labels[rng.choice(len(labels), p=p / p.sum())]


def write_homicide(out: Path) -> list[Path]:
    """Write ``mps_homicide/Homicides_demo.csv``.

    Parameters
    ----------
    out : Path
        The dataset folder.

    Returns
    -------
    list of Path
    """
    rng = rng_for("homicide")
    bs = boroughs()
    # Homicide follows violence and population more than West End theft volumes.
    weights = np.array([b.crime_share + b.population_share for b in bs])
    weights = weights / weights.sum()
    month, stop = parse_month(HOMICIDE_FIRST_MONTH), parse_month(DEMO_PERIOD)
    rows = []
    while month <= stop:
        label = f"{calendar.month_abbr[month.month]}-{month.year % 100:02d}"
        first_of_month = len(rows)
        for _ in range(int(rng.poisson(HOMICIDE_VICTIMS_PER_YEAR / 12))):
            b = bs[rng.choice(len(bs), p=weights)]
            female = rng.random() < HOMICIDE_FEMALE_SHARE
            # Most domestic homicide victims are women; keep the overall share at the calibrated one.
            p_domestic = HOMICIDE_DOMESTIC_SHARE * (2.4 if female else 0.55)
            rows.append([
                1,
                _pick(rng, HOMICIDE_AGE_SHARE),
                "Female" if female else "Male",
                _pick(rng, HOMICIDE_METHOD_SHARE),
                "Domestic Abuse" if rng.random() < p_domestic else "Not Domestic Abuse",
                label,
                _pick(rng, HOMICIDE_OFFENCE_SHARE),
                "Solved" if rng.random() < HOMICIDE_SOLVED_SHARE else "Unsolved",
                _LABELS.get(b.code, b.name),
                _pick(rng, HOMICIDE_ETHNICITY_SHARE),
            ])
        rows[first_of_month:] = sorted(rows[first_of_month:], key=lambda r: (r[8], r[1], r[2], r[3]))
        month += 1
    return [write_text(out / PATH, csv_text([HEADER, *rows], lineterminator="\r\n"))]
