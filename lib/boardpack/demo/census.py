"""Synthetic Census 2011 (Nomis QS201EW layout) and Census 2021 (8 categories, long) files."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .areas import london_areas
from .calibration import (
    CENSUS_2011_SHARE,
    CENSUS_2021_SHARE,
    CENSUS_BOROUGH_SPREAD,
    LONDON_CENSUS_2011,
    LONDON_CENSUS_2021,
)
from .determinism import csv_text, rng_for, write_text

BROAD = ("White", "Mixed", "Asian", "Black", "Other")
_PREFIX = {
    "White": "White: ",
    "Mixed": "Mixed/multiple ethnic group: ",
    "Asian": "Asian/Asian British: ",
    "Black": "Black/African/Caribbean/Black British: ",
    "Other": "Other ethnic group: ",
}
# The 18 detailed groups in QS201EW column order.
DETAILED = tuple((g, d) for g in BROAD for d in CENSUS_2011_SHARE[g])
CODE_2021_LABELS = {-8: "Does not apply", 1: "Asian", 2: "Black", 3: "Mixed", 4: "White British",
                    5: "White Other", 6: "White Other", 7: "Other"}
# Non-London rows show that real files cover all of England and Wales; the codes are not real ones.
_NON_LONDON = (("E06000999", "Demo non-London authority (synthetic)"),
               ("W06000999", "Demo Welsh authority (synthetic)"))


def _column(label: str) -> str:
    return f"Ethnic Group: {label}; measures: Value"


def census_2011_header() -> list[str]:
    """The 28 column names of the Nomis QS201EW export, in order."""
    cols = ["date", "geography", "geography code", "Rural Urban", _column("All categories: Ethnic group")]
    for g in BROAD:
        cols.append(_column(g))
        cols.extend(_column(_PREFIX[g] + d) for d in CENSUS_2011_SHARE[g])
    return cols


@lru_cache(maxsize=1)
def census_2011_counts() -> pd.DataFrame:
    """Synthetic Census 2011 residents by detailed group for the 33 London LAs.

    Returns
    -------
    pandas.DataFrame
        Indexed by GSS code, one int column per ``(broad, detailed)`` group.
    """
    rng = rng_for("census-2011")
    london = np.array([sum(CENSUS_2011_SHARE[g].values()) for g in BROAD])
    london = london / london.sum()
    rows = {}
    for area in london_areas():
        pop = int(round(LONDON_CENSUS_2011 * area.population_share * rng.lognormal(0, 0.03)))
        broad = london * rng.lognormal(0, CENSUS_BOROUGH_SPREAD, len(BROAD))
        probs = []
        for g, share in zip(BROAD, broad):
            inner = np.array(list(CENSUS_2011_SHARE[g].values()))
            inner = inner * rng.lognormal(0, 0.6 * CENSUS_BOROUGH_SPREAD, len(inner))
            probs.extend(share * inner / inner.sum())
        probs = np.asarray(probs)
        rows[area.code] = rng.multinomial(pop, probs / probs.sum())
    return pd.DataFrame.from_dict(rows, orient="index", columns=pd.MultiIndex.from_tuples(DETAILED))


def _codes_2021_from_2011(counts: pd.Series) -> np.ndarray:
    """A borough's 2011 mix in the 2021 8-category codes 1..7."""
    white = counts["White"]
    return np.array([
        counts["Asian"].sum(),
        counts["Black"].sum(),
        counts["Mixed"].sum(),
        white["English/Welsh/Scottish/Northern Irish/British"],
        white["Irish"],
        white["Gypsy or Irish Traveller"] + white["Other White"],
        counts["Other"].sum(),
    ], dtype=float)


@lru_cache(maxsize=1)
def census_2021_counts() -> pd.DataFrame:
    """Synthetic Census 2021 residents by 8-category code (1..7) for the 33 London LAs.

    Each borough keeps its 2011 mix, shifted the way London's mix shifted between
    the censuses, so the two files tell one consistent story.

    Returns
    -------
    pandas.DataFrame
        Indexed by GSS code, int columns ``1`` .. ``7``.
    """
    rng = rng_for("census-2021")
    c11 = census_2011_counts()
    london11 = np.sum([_codes_2021_from_2011(c11.loc[code]) for code in c11.index], axis=0)
    london11 = london11 / london11.sum()
    london21 = np.array([CENSUS_2021_SHARE[k] for k in range(1, 8)])
    shift = (london21 / london21.sum()) / london11
    rows = {}
    for code in c11.index:
        mix = _codes_2021_from_2011(c11.loc[code]) * shift
        pop = int(round(c11.loc[code].sum() * LONDON_CENSUS_2021 / LONDON_CENSUS_2011 * rng.lognormal(0, 0.03)))
        rows[code] = rng.multinomial(pop, mix / mix.sum())
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(range(1, 8)))


def broad_mix_2021() -> pd.DataFrame:
    """Each borough's resident shares in the four police groups (Mixed folded into Other).

    Returns
    -------
    pandas.DataFrame
        Indexed by GSS code; columns ``White``, ``Black``, ``Asian``, ``Other`` summing to 1.
    """
    c = census_2021_counts()
    mix = pd.DataFrame({"White": c[4] + c[5] + c[6], "Black": c[2], "Asian": c[1], "Other": c[3] + c[7]})
    return mix.div(mix.sum(axis=1), axis=0)


def write_census(out: Path) -> list[Path]:
    """Write ``census_ethnicity/la-ethnic-groups.csv`` and ``Census_2021_ethnicity.csv``.

    Parameters
    ----------
    out : Path
        The dataset folder.

    Returns
    -------
    list of Path
    """
    folder = out / "census_ethnicity"
    names = {a.code: a.name for a in london_areas()}
    inner = {a.code: a.inner for a in london_areas()}
    c11 = census_2011_counts()

    def row_2011(code: str, name: str, counts: pd.Series) -> list:
        row = ["2011", name, code, "Total", int(counts.sum())]
        for g in BROAD:
            row.append(int(counts[g].sum()))
            row.extend(int(v) for v in counts[g])
        return row

    rng = rng_for("census-2011-non-london")
    london = np.array([CENSUS_2011_SHARE[g][d] for g, d in DETAILED])
    filler = pd.Series(rng.multinomial(150_000, london / london.sum()),
                       index=pd.MultiIndex.from_tuples(DETAILED))
    # Nomis lists Inner then Outer London, each alphabetically, among other authorities.
    london_order = sorted(c11.index, key=lambda code: (not inner[code], names[code]))
    rows = [census_2011_header(), row_2011(*_NON_LONDON[0], filler)]
    rows += [row_2011(code, names[code], c11.loc[code]) for code in london_order]
    rows.append(row_2011(*_NON_LONDON[1], filler))
    p1 = write_text(folder / "la-ethnic-groups.csv", csv_text(rows, quoting=csv.QUOTE_NONNUMERIC))

    c21 = census_2021_counts()
    header = ["Upper tier local authorities Code", "Upper tier local authorities",
              "Ethnic group (8 categories) Code", "Ethnic group", "Observation"]
    counts = {code: [0, *(int(c21.loc[code, k]) for k in range(1, 8))] for code in c21.index}
    shares = np.array([CENSUS_2021_SHARE[k] for k in range(1, 8)])
    filler_2021 = rng_for("census-2021-non-london").multinomial(150_000, shares / shares.sum())
    counts[_NON_LONDON[0][0]] = [0, *(int(v) for v in filler_2021)]
    names[_NON_LONDON[0][0]] = _NON_LONDON[0][1]
    rows = [header]
    for code in sorted(counts):  # the published file is ordered by code, then category code
        rows.extend([code, names[code], k, CODE_2021_LABELS[k], n] for k, n in zip(CODE_2021_LABELS, counts[code]))
    p2 = write_text(folder / "Census_2021_ethnicity.csv", csv_text(rows))
    return [p1, p2]
