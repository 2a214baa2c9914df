"""police.uk stop and search records (archive CSV or API JSON), assigned to boroughs.

Each input file holds one month of MPS searches. Records carry a snapped latitude and
longitude but no borough, so every record is placed in a borough polygon (see
:mod:`boardpack.loaders.geography`). Records without a location, or outside the 32
boroughs, are kept and labelled, never dropped: the MPS totals must include them.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..errors import DataValidationError
from ..registry import Registry
from ..validation import check_not_future, validate
from . import geography
from ._io import read_csv, read_json, require_rows
from .discovery import BOUNDARY_STEM, discover_stop_search
from .discovery import search_file_format as _format_of

discover = discover_stop_search  # the source's files (found without parsing: see .discovery)

# police.uk stamps searches in UTC, but files are cut by London local time: a search at
# 2018-04-30T23:05+00:00 (00:05 BST) is in the May file. Months are therefore London months.
LOCAL_TZ = "Europe/London"

# Officer-defined ethnicity is the officer's 4+1 "ethnic appearance" code. "Mixed" is not
# an appearance code and has not appeared in MPS files; if it does, it joins "Other",
# the group the reference pack uses for everything outside White/Black/Asian.
ETHNIC_GROUPS = {"White": "White", "Black": "Black", "Asian": "Asian", "Other": "Other", "Mixed": "Other"}
NOT_RECORDED = "Not recorded"

# police.uk renamed outcomes in 2018-01; older CSVs and API responses use the first labels.
OUTCOME_GROUPS = {
    "Arrest": "Arrest",
    "Suspect arrested": "Arrest",
    "A no further action disposal": "No further action",
    "Nothing found - no further action": "No further action",
    "Community resolution": "Community resolution",
    "Local resolution": "Community resolution",
    "Khat or Cannabis warning": "Drugs warning",
    "Offender given drugs possession warning": "Drugs warning",
    "Penalty Notice for Disorder": "Penalty notice",
    "Offender given penalty notice": "Penalty notice",
    "Summons / charged by post": "Summons or charge",
    "Suspect summonsed to court": "Summons or charge",
    "Caution (simple or conditional)": "Caution",
    "Offender cautioned": "Caution",
    "Article found - Detailed outcome unavailable": "Other outcome",
}
ARREST_OUTCOMES = frozenset(label for label, group in OUTCOME_GROUPS.items() if group == "Arrest")

COLUMNS = [
    "month", "datetime", "type", "latitude", "longitude", "area_code", "location_status",
    "officer_ethnicity", "ethnic_group", "legislation", "object_of_search", "outcome",
    "outcome_group", "is_arrest", "source_format",
]  # fmt: skip

# Canonical field -> the name the published format gives it (used in error messages).
CSV_NAMES = {
    "datetime": "Date", "type": "Type", "latitude": "Latitude", "longitude": "Longitude",
    "officer_ethnicity": "Officer-defined ethnicity", "legislation": "Legislation",
    "object_of_search": "Object of search", "outcome": "Outcome",
}  # fmt: skip
JSON_NAMES = {
    "datetime": "datetime", "type": "type", "latitude": "location.latitude",
    "longitude": "location.longitude", "officer_ethnicity": "officer_defined_ethnicity",
    "legislation": "legislation", "object_of_search": "object_of_search", "outcome": "outcome",
}  # fmt: skip
_JSON_KEYS = ("datetime", "type", "location", "officer_defined_ethnicity", "legislation", "object_of_search", "outcome")
_NAME_MONTH = re.compile(r"(?<!\d)(\d{4})-(0[1-9]|1[0-2])(?!\d)")
# A file of MPS searches whose located records mostly fall outside London is not a file of
# MPS searches as read: most often its latitude and longitude columns are swapped.
MAX_OUTSIDE_SHARE = 0.5


def load(paths: list[Path], registry: Registry) -> dict[str, pd.DataFrame]:
    """Read, validate and borough-assign every stop and search file.

    Parameters
    ----------
    paths : list of Path
        As returned by :func:`discover`.
    registry : Registry
        Resolves the shapefile's polygons to borough codes (or ``CITY``).

    Returns
    -------
    dict
        ``{"stop_search": DataFrame}`` with the columns of docs/data.md, one row per search.

    Raises
    ------
    DataValidationError
        On any bad input file (named with line or record and column), a month found in
        two files, or missing or unusable boundaries.
    """
    paths = [Path(p) for p in paths]
    records = [p for p in paths if _format_of(p)]
    shps = [p for p in paths if p.name == BOUNDARY_STEM + ".shp"]
    if not records:
        return {"stop_search": _empty_table()}
    if len(shps) != 1:
        where = shps[1] if shps else records[0]
        rule = "more than one borough boundary shapefile was given; keep one copy" if shps else (
            "the borough boundaries are needed to assign each search to a borough, but no "
            f"{BOUNDARY_STEM}.shp was given"
        )
        raise DataValidationError(where, rule)
    frames = [read_file(p) for p in sorted(records)]
    _check_months_unique(frames, sorted(records))
    boundaries = geography.read_boundaries(shps[0])
    polygon_codes = _polygon_area_codes(boundaries, shps[0], registry)
    assigned = []
    for path, frame in zip(sorted(records), frames):
        index = _locate(frame, boundaries)
        check_mostly_in_london(path, frame, index, boundaries)
        assigned.append(_with_areas(frame, index, polygon_codes, registry))
    return {"stop_search": pd.concat(assigned, ignore_index=True)}


def read_file(path: Path) -> pd.DataFrame:
    """Read and validate one month file (CSV or API JSON) into canonical columns.

    Parameters
    ----------
    path : Path
        A ``.csv``, ``.csv.gz``, ``.json`` or ``.json.gz`` file.

    Returns
    -------
    DataFrame
        Every canonical column except ``area_code`` and ``location_status``.

    Raises
    ------
    DataValidationError
        Truncated file, wrong delimiter, missing column or field, a latitude or longitude
        that is not a number or out of range, a date that does not parse, an unknown
        ethnicity or outcome label, a month that disagrees with the file name, or a month
        later than the current month.
    EmptyInputError
        If the file is empty, has only its header, or is an empty JSON list.
    """
    path = Path(path)
    fmt = _format_of(path)
    if fmt == "csv":
        raw = read_csv(path, required=list(CSV_NAMES.values()), dtype=str, keep_default_na=False, na_values=[""])
        names, line_offset = CSV_NAMES, 2
    else:
        raw = _json_frame(path)
        names, line_offset = JSON_NAMES, 1
    require_rows(path, raw, None if fmt == "csv" else "the file has no data rows (an empty list of search records)")
    try:
        checked = validate(raw, _schema(names), path, line_offset=line_offset)
        checked = validate(checked, _rules(names), path, line_offset=line_offset)
        when = _parse_datetimes(checked[names["datetime"]], path, names["datetime"], line_offset)
        _check_coordinates_paired(checked, names, path, line_offset)
    except DataValidationError as exc:
        if fmt == "csv":
            raise
        # A JSON response is one line; the record number is what a reader can find.
        raise DataValidationError(path, f"record {exc.row}: {exc.rule}", column=exc.column) from None
    month = when.dt.tz_convert(LOCAL_TZ).dt.strftime("%Y-%m")
    _check_single_month(month, path, names["datetime"], line_offset, fmt)
    _check_not_future(month, path, names["datetime"], line_offset, fmt)
    out = pd.DataFrame({
        "month": month.astype("str"),
        "datetime": when,
        "type": checked[names["type"]].astype("str"),
        "latitude": checked[names["latitude"]].astype("float64"),
        "longitude": checked[names["longitude"]].astype("float64"),
        "officer_ethnicity": checked[names["officer_ethnicity"]].astype("str"),
        "legislation": checked[names["legislation"]].astype("str"),
        "object_of_search": checked[names["object_of_search"]].astype("str"),
        "outcome": checked[names["outcome"]].astype("str"),
    })  # fmt: skip
    out["ethnic_group"] = out["officer_ethnicity"].map(ETHNIC_GROUPS).fillna(NOT_RECORDED).astype("str")
    out["outcome_group"] = out["outcome"].map(OUTCOME_GROUPS).fillna(NOT_RECORDED).astype("str")
    out["is_arrest"] = out["outcome"].isin(ARREST_OUTCOMES).astype("bool")
    out["source_format"] = "csv" if fmt == "csv" else "api_json"
    return out


def assign_areas(table: pd.DataFrame, shp_path: Path, registry: Registry) -> pd.DataFrame:
    """Add ``area_code`` and ``location_status`` by point-in-polygon on the borough shapefile.

    Parameters
    ----------
    table : DataFrame
        Rows from :func:`read_file`.
    shp_path : Path
        ``London_Borough_Excluding_MHW.shp``.
    registry : Registry
        Resolves each polygon's ``GSS_CODE`` (or, for the City, its ``NAME``).

    Returns
    -------
    DataFrame
        With the canonical columns in order. ``location_status`` is ``borough``,
        ``no_location`` (no latitude/longitude) or ``outside_boroughs`` (a location in no
        borough polygon, or in the City of London, whose ``area_code`` is ``CITY``).

    Raises
    ------
    DataValidationError
        If the shapefile is unusable or a polygon is neither a borough nor the City.
    """
    boundaries = geography.read_boundaries(shp_path)
    polygon_codes = _polygon_area_codes(boundaries, shp_path, registry)
    return _with_areas(table, _locate(table, boundaries), polygon_codes, registry)


def _locate(table: pd.DataFrame, boundaries: geography.BoundaryPolygons) -> np.ndarray:
    return geography.locate_points(table["longitude"].to_numpy(), table["latitude"].to_numpy(), boundaries)


def _with_areas(table: pd.DataFrame, index: np.ndarray, polygon_codes: np.ndarray, registry: Registry) -> pd.DataFrame:
    """``table`` with ``area_code`` and ``location_status`` from each record's polygon index."""
    codes = np.where(index >= 0, polygon_codes[np.maximum(index, 0)], None)
    boroughs = set(registry.codes)
    has_location = table["latitude"].notna().to_numpy()
    in_borough = np.array([c in boroughs for c in codes], dtype=bool)
    status = np.where(in_borough, "borough", np.where(has_location, "outside_boroughs", "no_location"))
    out = table.copy()
    out["area_code"] = pd.Series(codes, index=table.index, dtype="str")
    out["location_status"] = pd.Series(status, index=table.index, dtype="str")
    return out[COLUMNS]


def check_mostly_in_london(path: Path, frame: pd.DataFrame, index: np.ndarray,
                           boundaries: geography.BoundaryPolygons) -> None:
    """Refuse a file whose searches with a location mostly fall outside the boundaries.

    A few located searches outside the polygons are normal (the river, the airports, the
    edge of London) and are kept as ``outside_boroughs``. When more than half are outside,
    the file cannot be read as MPS searches: counting it would print "0 searches" for
    boroughs. The usual cause is latitude and longitude swapped, which the message checks.

    Parameters
    ----------
    path : Path
        The month file, named in the error.
    frame : DataFrame
        Its rows from :func:`read_file`, in file order.
    index : numpy.ndarray of int
        The polygon of each row from :func:`geography.locate_points` (-1 for none).
    boundaries : geography.BoundaryPolygons
        The polygons, to test the swapped reading.

    Raises
    ------
    DataValidationError
        Naming the file, the first line (or record) outside and the share outside.
    """
    located = frame["latitude"].notna().to_numpy()
    outside = located & (index < 0)
    if outside.sum() <= MAX_OUTSIDE_SHARE * located.sum():
        return
    i = int(np.flatnonzero(outside)[0])
    lat, lon = frame["latitude"].to_numpy()[outside], frame["longitude"].to_numpy()[outside]
    swapped = (geography.locate_points(lat, lon, boundaries) >= 0).mean() > MAX_OUTSIDE_SHARE
    cause = ("read the other way round they fall in London, so latitude and longitude appear to be swapped"
             if swapped else "latitude and longitude may be swapped, or the file is not of MPS searches")
    csv = frame["source_format"].iat[0] == "csv"
    names = CSV_NAMES if csv else JSON_NAMES
    where = "" if csv else f"record {i + 1}: "
    rule = (f"{where}{int(outside.sum()):,} of the {int(located.sum()):,} searches with a location fall outside "
            f"London's boroughs (this one is at latitude {frame['latitude'].iat[i]:g}, longitude "
            f"{frame['longitude'].iat[i]:g}); {cause}")
    raise DataValidationError(path, rule, row=i + 2 if csv else None, column=names["latitude"])


def _polygon_area_codes(boundaries: geography.BoundaryPolygons, shp_path: Path, registry: Registry) -> np.ndarray:
    codes = []
    for gss, name in zip(boundaries.gss_codes, boundaries.names):
        # The City has a GSS code but is not an MPS borough; the registry knows it by name.
        code = registry.area_code(gss) if gss in registry.codes else registry.area_code(name)
        if code not in set(registry.codes) | {"CITY"}:
            raise DataValidationError(
                shp_path, f"polygon {name!r} ({gss}) is neither one of the 32 boroughs nor the City of London",
                column="GSS_CODE",
            )
        codes.append(code)
    return np.array(codes, dtype=object)


def _json_frame(path: Path) -> pd.DataFrame:
    data = read_json(path)
    if not isinstance(data, list):
        raise DataValidationError(path, f"expected a JSON list of search records, found a {type(data).__name__}")
    rows = []
    for i, rec in enumerate(data, start=1):
        if not isinstance(rec, dict):
            raise DataValidationError(path, f"record {i}: expected an object, found {type(rec).__name__}")
        for key in _JSON_KEYS:
            if key not in rec:
                raise DataValidationError(path, f"record {i}: required field {key!r} is missing", column=key)
        loc = rec["location"]
        if loc is not None and not isinstance(loc, dict):
            raise DataValidationError(
                path, f"record {i}: location must be null or have latitude and longitude", column="location"
            )
        for key in ("latitude", "longitude"):
            if loc is not None and key not in loc:
                raise DataValidationError(
                    path, f"record {i}: required field 'location.{key}' is missing (location must be null "
                    "or have latitude and longitude)", column=f"location.{key}",
                )
        loc = loc or {}
        rows.append({
            "datetime": rec["datetime"], "type": rec["type"],
            "location.latitude": loc.get("latitude"), "location.longitude": loc.get("longitude"),
            "officer_defined_ethnicity": rec["officer_defined_ethnicity"], "legislation": rec["legislation"],
            "object_of_search": rec["object_of_search"], "outcome": _json_outcome(rec),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=list(JSON_NAMES.values()), dtype=object)


def _json_outcome(rec: dict) -> str | None:
    # API versions differ: a label string, an {"id", "name"} object, or false/null for
    # "no outcome recorded" (then outcome_object may still carry the label).
    for value in (rec.get("outcome"), rec.get("outcome_object")):
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _schema(names: dict[str, str]) -> pa.DataFrameSchema:
    # Types are checked before ranges so that "abc" in Latitude is reported as not a
    # number, rather than as a failed range comparison on a text column.
    return pa.DataFrameSchema({
        names["datetime"]: pa.Column(nullable=False),
        names["latitude"]: pa.Column(float, nullable=True, coerce=True),
        names["longitude"]: pa.Column(float, nullable=True, coerce=True),
    })  # fmt: skip


def _rules(names: dict[str, str]) -> pa.DataFrameSchema:
    def text(*checks):
        return pa.Column(checks=list(checks), nullable=True)

    return pa.DataFrameSchema({
        names["type"]: text(),
        names["latitude"]: pa.Column(float, pa.Check.in_range(-90, 90), nullable=True),
        names["longitude"]: pa.Column(float, pa.Check.in_range(-180, 180), nullable=True),
        names["officer_ethnicity"]: text(pa.Check.isin(list(ETHNIC_GROUPS))),
        names["legislation"]: text(),
        names["object_of_search"]: text(),
        names["outcome"]: text(pa.Check.isin(list(OUTCOME_GROUPS))),
    })  # fmt: skip


def _parse_datetimes(values: pd.Series, path: Path, column: str, line_offset: int) -> pd.Series:
    when = pd.to_datetime(values, utc=True, format="ISO8601", errors="coerce")
    bad = when.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataValidationError(
            path, f"value {values.iloc[i]!r} is not a date-time such as 2018-05-01T00:05:00+00:00",
            row=i + line_offset, column=column,
        )  # fmt: skip
    return when.dt.as_unit("ns")


def _check_coordinates_paired(df: pd.DataFrame, names: dict[str, str], path: Path, line_offset: int) -> None:
    lat, lon = df[names["latitude"]].isna(), df[names["longitude"]].isna()
    odd = (lat != lon).to_numpy()
    if odd.any():
        i = int(np.flatnonzero(odd)[0])
        column = names["latitude"] if lat.iloc[i] else names["longitude"]
        raise DataValidationError(
            path,
            "a location needs both latitude and longitude; one of them is missing",
            row=i + line_offset,
            column=column,
        )


def _check_single_month(month: pd.Series, path: Path, column: str, line_offset: int, fmt: str) -> None:
    found = _NAME_MONTH.search(path.name)
    expected = "-".join(found.groups()) if found else month.iloc[0]
    odd = (month != expected).to_numpy()
    if not odd.any():
        return
    i = int(np.flatnonzero(odd)[0])
    why = f"the file name says {expected}" if found else f"the file's first record is in {expected}"
    rule = f"search is dated {month.iloc[i]} (London time) but {why}; each file must hold one month"
    if fmt == "csv":
        raise DataValidationError(path, rule, row=i + line_offset, column=column)
    raise DataValidationError(path, f"record {i + line_offset}: {rule}", column=column)


def _check_not_future(month: pd.Series, path: Path, column: str, line_offset: int, fmt: str) -> None:
    try:
        check_not_future(path, month.to_numpy(), rows=month.index + line_offset, columns=column)
    except DataValidationError as exc:
        if fmt == "csv":
            raise
        raise DataValidationError(path, f"record {exc.row}: {exc.rule}", column=column) from None


def _check_months_unique(frames: list[pd.DataFrame], paths: list[Path]) -> None:
    seen: dict[str, Path] = {}
    for frame, path in zip(frames, paths):
        month = frame["month"].iloc[0]
        if month in seen:
            raise DataValidationError(
                path, f"month {month} is already loaded from {seen[month]}; keep one file per month"
            )
        seen[month] = path


def _empty_table() -> pd.DataFrame:
    dtypes = {c: "str" for c in COLUMNS}
    dtypes.update(latitude="float64", longitude="float64", is_arrest="bool", datetime="datetime64[ns, UTC]")
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in dtypes.items()})[COLUMNS]
