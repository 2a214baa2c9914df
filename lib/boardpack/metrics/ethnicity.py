"""Fold Census ethnic group counts into the four groups police records use.

Officer-observed ethnicity in stop and search has four groups (White, Black, Asian,
Other) and no "Mixed", so Census categories must be folded to match before any
disproportionality ratio is computed. Folds:

``"mps"``
    The mapping stated under Figure 12 of the MPS/MOPAC board pack: White = all White
    categories; Black = Black + Mixed White and Black Caribbean + Mixed White and Black
    African; Asian = Indian, Pakistani, Bangladeshi, Other Asian + Mixed White and Asian;
    Other = Chinese, Arab, any other ethnic group + Other Mixed. (The pack's text does not
    place "Other Mixed"; its printed totals are only reproduced with it in Other.) Needs
    the 18 detailed Census 2011 categories.
``"mixed_to_other"``
    The published broad groups, with all of Mixed added to Other (Chinese stays in Asian,
    as ONS groups it). Works for Census 2011 and 2021.

Census 2021 is published here in 8 categories only, so the ``"mps"`` fold cannot be
applied to it exactly; it falls back to ``"mixed_to_other"`` with a
:class:`FoldApproximationWarning`.
"""

from __future__ import annotations

import warnings

import pandas as pd

from ..errors import BoardPackError, BoardPackWarning, ConfigurationError, CoverageError

GROUPS = ("White", "Black", "Asian", "Other")
FOLDS = ("mps", "mixed_to_other")

# Census 2011 category codes of the census_ethnicity table (docs/data.md) -> MPS group.
_MPS_2011 = {
    "1": "White", "2": "White", "3": "White", "4": "White",
    "5": "Black", "6": "Black", "7": "Asian", "8": "Other",
    "9": "Asian", "10": "Asian", "11": "Asian", "12": "Other", "13": "Asian",
    "14": "Black", "15": "Black", "16": "Black",
    "17": "Other", "18": "Other",
}
_MIXED_TO_OTHER = {"White": "White", "Black": "Black", "Asian": "Asian", "Mixed": "Other", "Other": "Other"}


class FoldApproximationWarning(BoardPackWarning):
    """The requested fold could not be applied exactly and a coarser one was used."""


def fold_census(census_ethnicity: pd.DataFrame, year: int, fold: str = "mps") -> pd.DataFrame:
    """Population of each area in the four police ethnic groups.

    Parameters
    ----------
    census_ethnicity : DataFrame
        The ``census_ethnicity`` canonical table.
    year : int
        Census year, 2011 or 2021.
    fold : {"mps", "mixed_to_other"}
        How Census categories become the four groups (see the module notes).

    Returns
    -------
    DataFrame
        ``area_code, group, population``: one row per area and group, groups in the order
        White, Black, Asian, Other; population int64.

    Raises
    ------
    CoverageError
        If the table has no rows for ``year``.
    ConfigurationError
        If ``fold`` is unknown.
    BoardPackError
        If a category code has no place in the ``"mps"`` fold.

    Warns
    -----
    FoldApproximationWarning
        When ``"mps"`` is asked for a Census without the detailed Mixed categories
        (Census 2021) and ``"mixed_to_other"`` is used instead.
    """
    if fold not in FOLDS:
        raise ConfigurationError(f"unknown ethnicity fold {fold!r}; choose one of {', '.join(FOLDS)}")
    rows = census_ethnicity[census_ethnicity["census_year"] == int(year)]
    if rows.empty:
        years = sorted(census_ethnicity["census_year"].unique().tolist())
        raise CoverageError(f"no Census {year} ethnicity data (available: {', '.join(map(str, years)) or 'none'})")

    if fold == "mps" and int(year) != 2011:
        warnings.warn(
            f"Census {year} has no detailed Mixed categories, so the MPS fold cannot be applied exactly; "
            "all Mixed are counted as Other (fold 'mixed_to_other')",
            FoldApproximationWarning,
            stacklevel=2,
        )
        fold = "mixed_to_other"

    if fold == "mps":
        group = rows["category_code"].map(_MPS_2011)
        if group.isna().any():
            bad = rows.loc[group.isna(), "category_code"].iloc[0]
            raise BoardPackError(f"Census 2011 category code {bad!r} has no place in the MPS fold")
    else:
        group = rows["broad_group"].map(_MIXED_TO_OTHER)
        if group.isna().any():
            bad = rows.loc[group.isna(), "broad_group"].iloc[0]
            raise BoardPackError(f"broad group {bad!r} has no place in the mixed_to_other fold")

    out = (
        rows.assign(group=pd.Categorical(group, categories=GROUPS, ordered=True))
        .groupby(["area_code", "group"], observed=False)["population"]
        .sum()
        .reset_index()
    )
    out["group"] = out["group"].astype("str")
    out["population"] = out["population"].astype("int64")
    return out[["area_code", "group", "population"]]


# Census 2021 populations apply to packs from 2022 on; earlier packs use Census 2011, as MOPAC did.
CENSUS_2021_FROM = 2022


def census_year_for(period: str) -> int:
    """The Census whose populations a pack to ``period`` (``YYYY-MM``) uses: 2021 from 2022 on, else 2011."""
    return 2021 if int(period[:4]) >= CENSUS_2021_FROM else 2011


def census_year(census_ethnicity: pd.DataFrame, period: str) -> int:
    """The Census year the rates of a pack to ``period`` use, given the Censuses the data holds.

    :func:`census_year_for` the period; when that is 2021 and the data holds only Census 2011,
    2011 (the documented fallback, which the pack states). The coverage rules apply the same
    choice and say why.

    Raises
    ------
    CoverageError
        If the table holds neither the Census wanted nor the 2011 fallback.
    """
    wanted = census_year_for(period)
    years = {int(y) for y in census_ethnicity["census_year"].unique()}
    if wanted in years:
        return wanted
    if wanted == 2021 and 2011 in years:
        return 2011
    raise CoverageError(f"no Census {wanted} ethnicity data for a pack to {period} "
                        f"(available: {', '.join(map(str, sorted(years))) or 'none'})")


def borough_population(census_ethnicity: pd.DataFrame, year: int, fold: str, gss_code: str) -> pd.Series:
    """One borough's residents in the four police ethnic groups, with the fold actually used.

    Parameters
    ----------
    census_ethnicity : DataFrame
        The ``census_ethnicity`` canonical table.
    year : int
        Census year (:func:`census_year` picks it for the period).
    fold : {"mps", "mixed_to_other"}
        The fold asked for.
    gss_code : str
        The borough.

    Returns
    -------
    Series
        ``population`` by ``group`` (White, Black, Asian, Other). ``attrs`` holds
        ``census_year``, ``fold`` (the one used), ``fold_requested`` and ``fold_note`` (the
        :class:`FoldApproximationWarning` text when the fold had to be coarsened, else None).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FoldApproximationWarning)
        folded = fold_census(census_ethnicity, year, fold)
    pop = folded[folded["area_code"] == gss_code].set_index("group")["population"].reindex(list(GROUPS))
    note = str(caught[0].message) if caught else None
    pop.attrs.update({"census_year": year, "fold": "mixed_to_other" if caught else fold, "fold_requested": fold,
                      "fold_note": note})
    return pop
