"""Census 2011 and 2021 usual residents by ethnic group -> the ``census_ethnicity`` table.

Two published layouts are read, told apart by their header:

* Census 2011, Nomis table QS201EW as a wide CSV: ``geography code`` plus one
  ``Ethnic Group: ...; measures: Value`` column per category (18 detailed categories, the
  5 broad totals and "All categories").
* Census 2021, "Ethnic group (8 categories)" as a long CSV. Its labels were edited by the
  uploader of the public copy (two different codes are both labelled "White Other"), so
  rows are matched on the numeric ONS code and the labels in the file are ignored.

Only London local authorities (``E09`` codes) are kept: the 32 MPS boroughs and the City
of London, which is kept under the area code ``CITY`` so London totals can be checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataValidationError
from ..registry import Registry
from ..validation import validate
from ._io import Layout, match_layout, read_csv
from .discovery import discover_census

discover = discover_census  # the source's files (found without parsing: see .discovery)

COLUMNS = ["census_year", "area_code", "category_code", "category", "broad_group", "population"]
BROAD_GROUPS = ("White", "Mixed", "Asian", "Black", "Other")


@dataclass(frozen=True)
class Category:
    """One Census ethnic group category as the canonical table names it."""

    code: str
    label: str
    broad_group: str


# Census 2011: codes 1-18 number the detailed categories in the order QS201EW prints them.
CATEGORIES_2011 = (
    Category("1", "White: English/Welsh/Scottish/Northern Irish/British", "White"),
    Category("2", "White: Irish", "White"),
    Category("3", "White: Gypsy or Irish Traveller", "White"),
    Category("4", "White: Other White", "White"),
    Category("5", "Mixed: White and Black Caribbean", "Mixed"),
    Category("6", "Mixed: White and Black African", "Mixed"),
    Category("7", "Mixed: White and Asian", "Mixed"),
    Category("8", "Mixed: Other Mixed", "Mixed"),
    Category("9", "Asian: Indian", "Asian"),
    Category("10", "Asian: Pakistani", "Asian"),
    Category("11", "Asian: Bangladeshi", "Asian"),
    Category("12", "Asian: Chinese", "Asian"),
    Category("13", "Asian: Other Asian", "Asian"),
    Category("14", "Black: African", "Black"),
    Category("15", "Black: Caribbean", "Black"),
    Category("16", "Black: Other Black", "Black"),
    Category("17", "Other: Arab", "Other"),
    Category("18", "Other: Any other ethnic group", "Other"),
)

# The Nomis column that carries each 2011 category, and the broad and overall totals.
_NOMIS_2011 = {
    "1": "White: English/Welsh/Scottish/Northern Irish/British",
    "2": "White: Irish",
    "3": "White: Gypsy or Irish Traveller",
    "4": "White: Other White",
    "5": "Mixed/multiple ethnic group: White and Black Caribbean",
    "6": "Mixed/multiple ethnic group: White and Black African",
    "7": "Mixed/multiple ethnic group: White and Asian",
    "8": "Mixed/multiple ethnic group: Other Mixed",
    "9": "Asian/Asian British: Indian",
    "10": "Asian/Asian British: Pakistani",
    "11": "Asian/Asian British: Bangladeshi",
    "12": "Asian/Asian British: Chinese",
    "13": "Asian/Asian British: Other Asian",
    "14": "Black/African/Caribbean/Black British: African",
    "15": "Black/African/Caribbean/Black British: Caribbean",
    "16": "Black/African/Caribbean/Black British: Other Black",
    "17": "Other ethnic group: Arab",
    "18": "Other ethnic group: Any other ethnic group",
}
_NOMIS_ALL = "All categories: Ethnic group"


def _nomis(label: str) -> str:
    return f"Ethnic Group: {label}; measures: Value"


# Census 2021 "Ethnic group (8 categories)", by ONS code. Code -8 ("Does not apply") is
# always 0 for usual residents and is not a category.
CATEGORIES_2021 = (
    Category("1", "Asian, Asian British or Asian Welsh", "Asian"),
    Category("2", "Black, Black British, Black Welsh, Caribbean or African", "Black"),
    Category("3", "Mixed or Multiple ethnic groups", "Mixed"),
    Category("4", "White: English, Welsh, Scottish, Northern Irish or British", "White"),
    Category("5", "White: Irish", "White"),
    Category("6", "White: Gypsy or Irish Traveller, Roma or Other White", "White"),
    Category("7", "Other ethnic group", "Other"),
)
_DOES_NOT_APPLY = "-8"

_REQ_2011 = ["geography", "geography code", _nomis(_NOMIS_ALL)] + [_nomis(b) for b in BROAD_GROUPS] + [
    _nomis(v) for v in _NOMIS_2011.values()
]
_CODE_2021 = "Ethnic group (8 categories) Code"
_REQ_2021 = ["Upper tier local authorities Code", "Upper tier local authorities", _CODE_2021, "Observation"]
LAYOUTS = (
    Layout("2011", "Census 2011 Nomis QS201EW layout", tuple(_REQ_2011),
           "geography, geography code and 24 'Ethnic Group: ...; measures: Value' columns"),
    Layout("2021", "Census 2021 'Ethnic group (8 categories)' long layout", tuple(_REQ_2021)),
)

# Two passes: pandera would run the >= 0 check on a column it failed to coerce and report
# that instead of the cell that cannot be read.
_WHOLE = pa.Column("int64", nullable=False, coerce=True)
_NOT_NEGATIVE = pa.Column("int64", pa.Check.ge(0), nullable=False)


def _counts(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    cols = list(frame.columns)
    frame = validate(frame, pa.DataFrameSchema({c: _WHOLE for c in cols}), path)
    return validate(frame, pa.DataFrameSchema({c: _NOT_NEGATIVE for c in cols}), path)


def load(paths: list[Path], registry: Registry) -> dict[str, pd.DataFrame]:
    """Parse and validate Census ethnicity files into the ``census_ethnicity`` table.

    Parameters
    ----------
    paths : list of Path
        Files from :func:`discover`; each is recognised as the 2011 or the 2021 layout.
    registry : Registry
        Resolves London authority codes and names.

    Returns
    -------
    dict
        ``{"census_ethnicity": DataFrame}`` with columns ``census_year, area_code,
        category_code, category, broad_group, population``.

    Raises
    ------
    DataValidationError
        A file in neither layout, a column missing from the layout the rest of its header
        matches, no London rows, a negative or non-integer count,
        2011 categories that do not add up to "All categories" (or to their broad total),
        an unknown 2021 category code, a borough missing a category, or a category given
        twice for one borough and year.
    EmptyInputError
        A file that is empty or has only its header.
    """
    frames = []
    for path in map(Path, paths):
        # Text first: a count such as "12.5" must fail, not be truncated by an int cast.
        raw = read_csv(path, dtype=str, keep_default_na=False)
        layout = match_layout(path, raw.columns, LAYOUTS, "Census ethnicity")
        read = _read_2011 if layout.name == "2011" else _read_2021
        frames.append(read(path, raw, registry))
    if not frames:
        empty = pd.DataFrame({c: pd.Series(dtype="str") for c in COLUMNS})
        return {"census_ethnicity": empty.astype({"census_year": "int64", "population": "int64"})}
    table = pd.concat(frames, ignore_index=True)
    dup = table.duplicated(["census_year", "area_code", "category_code"], keep=False)
    if dup.any():
        first = table[dup].iloc[0]
        raise DataValidationError(
            paths[0],
            f"Census {first['census_year']} category {first['category_code']} for {first['area_code']} "
            "is given more than once (the same Census table appears in two files?)",
        )
    table = table.sort_values(["census_year", "area_code", "category_code"], key=_natural, kind="stable")
    return {"census_ethnicity": table.reset_index(drop=True)[COLUMNS]}


def _natural(col: pd.Series) -> pd.Series:
    # Sort category codes "1", "2", ..., "18" as numbers.
    return pd.to_numeric(col, errors="coerce") if col.name == "category_code" else col


def _area_codes(codes: pd.Series, names: pd.Series, path: Path, column: str, registry: Registry) -> pd.Series:
    # The City of London's GSS code is not in the registry, its name is; so try both.
    resolved = codes.map(registry.area_code).fillna(names.map(registry.area_code))
    bad = resolved.isna()
    if bad.any():
        i = bad.idxmax()
        raise DataValidationError(
            path, f"London authority {codes[i]!r} ({names[i]!r}) is not a known borough or the City of London",
            row=int(i) + 2, column=column,
        )
    return resolved


def _london(raw: pd.DataFrame, column: str, path: Path) -> pd.DataFrame:
    """The London local authority rows (``E09`` codes); a file with none is refused."""
    london = raw[raw[column].str.strip().str.startswith("E09")]
    if london.empty:
        raise DataValidationError(
            path, "no London local authority rows (codes starting E09): is this the table for another area?",
            column=column,
        )
    return london


def _read_2011(path: Path, raw: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    raw = _london(raw, "geography code", path)
    count_cols = [c for c in raw.columns if c.startswith("Ethnic Group:")]
    # The index still counts from the first data line, so errors name the file's own lines.
    counts = _counts(raw[count_cols], path)

    detail = {code: counts[_nomis(label)] for code, label in _NOMIS_2011.items()}
    total = sum(detail.values())
    mismatch = total != counts[_nomis(_NOMIS_ALL)]
    if mismatch.any():
        i = mismatch.idxmax()
        raise DataValidationError(
            path,
            f"the 18 ethnic group categories add up to {int(total[i]):,} but 'All categories' is "
            f"{int(counts.at[i, _nomis(_NOMIS_ALL)]):,} for {raw.at[i, 'geography']}",
            row=int(i) + 2,
        )
    for broad in BROAD_GROUPS:
        part = sum(detail[c.code] for c in CATEGORIES_2011 if c.broad_group == broad)
        off = part != counts[_nomis(broad)]
        if off.any():
            i = off.idxmax()
            raise DataValidationError(
                path,
                f"the {broad} categories add up to {int(part[i]):,} but the {broad} total is "
                f"{int(counts.at[i, _nomis(broad)]):,} for {raw.at[i, 'geography']}",
                row=int(i) + 2, column=_nomis(broad),
            )

    areas = _area_codes(raw["geography code"].str.strip(), raw["geography"], path, "geography code", registry)
    rows = [
        pd.DataFrame(
            {
                "census_year": 2011,
                "area_code": areas,
                "category_code": cat.code,
                "category": cat.label,
                "broad_group": cat.broad_group,
                "population": detail[cat.code],
            }
        )
        for cat in CATEGORIES_2011
    ]
    return _typed(pd.concat(rows, ignore_index=True))


def _read_2021(path: Path, raw: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    raw = _london(raw, "Upper tier local authorities Code", path)
    code = raw[_CODE_2021].str.strip()
    known = {c.code: c for c in CATEGORIES_2021}
    unknown = ~code.isin([*known, _DOES_NOT_APPLY])
    if unknown.any():
        i = unknown.idxmax()
        raise DataValidationError(
            path,
            f"unknown ethnic group category code {code[i]!r}; Census 2021 '8 categories' codes are "
            "1 to 7 (and -8 'Does not apply')",
            row=int(i) + 2, column=_CODE_2021,
        )
    counts = _counts(raw[["Observation"]].apply(lambda s: s.str.strip()), path)["Observation"]
    stray = (code == _DOES_NOT_APPLY) & (counts != 0)
    if stray.any():
        i = stray.idxmax()
        raise DataValidationError(
            path,
            f"category -8 'Does not apply' has {int(counts[i]):,} people; for usual residents it must be 0 "
            "(is this a different Census table?)",
            row=int(i) + 2, column="Observation",
        )
    keep = code != _DOES_NOT_APPLY
    areas = _area_codes(
        raw["Upper tier local authorities Code"].str.strip(), raw["Upper tier local authorities"], path,
        "Upper tier local authorities Code", registry,
    )
    out = pd.DataFrame(
        {
            "census_year": 2021,
            "area_code": areas[keep],
            "category_code": code[keep],
            "category": code[keep].map(lambda c: known[c].label),
            "broad_group": code[keep].map(lambda c: known[c].broad_group),
            "population": counts[keep],
        }
    )
    present = out.groupby("area_code")["category_code"].agg(set)
    for area, got in present.items():
        missing = sorted(set(known) - got, key=int)
        if missing:
            raise DataValidationError(
                path, f"{area} has no row for Census 2021 ethnic group code(s) {', '.join(missing)}",
                column=_CODE_2021,
            )
    return _typed(out)


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    return df.astype(
        {"census_year": "int64", "area_code": "str", "category_code": "str", "category": "str",
         "broad_group": "str", "population": "int64"}
    )
