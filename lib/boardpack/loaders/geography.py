"""Borough polygons from the GLA boundary shapefile, and point-in-polygon assignment.

police.uk gives each stop and search a latitude and longitude but no borough. The GLA
"Statistical GIS Boundary Files for London" hold the borough polygons in British National
Grid (EPSG:27700), so points are projected to that grid and tested against the polygons
with a shapely STRtree (vectorised; no per-point Python loop).
"""

from __future__ import annotations

import functools
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyproj
import shapefile
import shapely

from ..errors import DataValidationError, EmptyInputError
from ._io import require_bytes

BRITISH_NATIONAL_GRID = 27700
WGS84 = 4326
# The GLA .prj is ESRI WKT with a truncated scale factor, so pyproj only matches it to
# EPSG:27700 at reduced confidence; 20 still rejects any other projection.
_PRJ_MIN_CONFIDENCE = 20
_REQUIRED_FIELDS = ("NAME", "GSS_CODE")


@dataclass(frozen=True)
class BoundaryPolygons:
    """Area polygons in British National Grid, one row per shapefile record.

    Attributes
    ----------
    gss_codes : numpy.ndarray of str
        The ``GSS_CODE`` field of each record.
    names : numpy.ndarray of str
        The ``NAME`` field of each record.
    geometries : numpy.ndarray of shapely geometries
        (Multi)polygons in EPSG:27700 metres.
    """

    gss_codes: np.ndarray
    names: np.ndarray
    geometries: np.ndarray


def read_boundaries(shp_path: Path) -> BoundaryPolygons:
    """Read the borough polygons of one shapefile and check it is in British National Grid.

    Parameters
    ----------
    shp_path : Path
        The ``.shp`` file; its ``.dbf`` and ``.prj`` must sit beside it.

    Returns
    -------
    BoundaryPolygons

    Raises
    ------
    DataValidationError
        If a part is missing or unreadable, the projection is not EPSG:27700, a required
        field (``NAME``, ``GSS_CODE``) is missing, or a shape is not a polygon.
    EmptyInputError
        If the ``.shp`` or ``.dbf`` part is 0 bytes, or the shapefile has no records.
    """
    shp_path = Path(shp_path)
    for suffix in (".dbf", ".prj"):
        if not shp_path.with_suffix(suffix).is_file():
            raise DataValidationError(shp_path, f"the shapefile's {suffix} part is missing beside it")
    _check_projection(shp_path.with_suffix(".prj"))
    for suffix in (".shp", ".dbf"):
        require_bytes(shp_path.with_suffix(suffix))
    try:
        codes, names, geoms = _read_polygons(shp_path)
    except DataValidationError:
        raise
    except (shapefile.ShapefileException, OSError, ValueError, KeyError, struct.error) as exc:
        # pyshp reports a corrupt file as whatever its parser trips over first.
        raise DataValidationError(shp_path, f"not a readable shapefile ({type(exc).__name__}: {exc})") from None
    if not geoms:
        raise EmptyInputError(shp_path, "the shapefile has no polygons (no data rows)")
    geometries = np.array(geoms, dtype=object)
    shapely.prepare(geometries)
    return BoundaryPolygons(np.array(codes, dtype=object), np.array(names, dtype=object), geometries)


def _read_polygons(shp_path: Path) -> tuple[list, list, list]:
    with shapefile.Reader(str(shp_path)) as reader:
        fields = [f[0] for f in reader.fields[1:]]
        for name in _REQUIRED_FIELDS:
            if name not in fields:
                raise DataValidationError(shp_path, f"required attribute field {name!r} is missing", column=name)
        codes, names, geoms = [], [], []
        for i, item in enumerate(reader.iterShapeRecords()):
            geo = item.shape.__geo_interface__
            if geo.get("type") not in ("Polygon", "MultiPolygon"):
                raise DataValidationError(shp_path, f"record {i + 1} is a {geo.get('type')}, expected a polygon")
            codes.append(str(item.record["GSS_CODE"]).strip())
            names.append(str(item.record["NAME"]).strip())
            geoms.append(shapely.geometry.shape(geo))
    return codes, names, geoms


def _check_projection(prj_path: Path) -> None:
    try:
        crs = pyproj.CRS.from_wkt(prj_path.read_text(encoding="ascii", errors="replace"))
    except pyproj.exceptions.CRSError as exc:
        raise DataValidationError(prj_path, f"projection file cannot be read ({exc})") from None
    if crs.to_epsg(min_confidence=_PRJ_MIN_CONFIDENCE) != BRITISH_NATIONAL_GRID:
        raise DataValidationError(
            prj_path, f"boundaries must be in British National Grid (EPSG:27700), found {crs.name!r}"
        )


@functools.lru_cache(maxsize=1)
def _to_grid() -> pyproj.Transformer:
    # Building a transformer costs tens of milliseconds (PROJ reads its database); a month of
    # searches is one file, so one is made per process, not per file.
    return pyproj.Transformer.from_crs(WGS84, BRITISH_NATIONAL_GRID, always_xy=True)


def locate_points(longitude, latitude, boundaries: BoundaryPolygons) -> np.ndarray:
    """Return, for each WGS84 point, the index of the polygon that covers it.

    Parameters
    ----------
    longitude, latitude : array-like of float
        WGS84 (EPSG:4326) degrees; NaN where a record has no location.
    boundaries : BoundaryPolygons

    Returns
    -------
    numpy.ndarray of int
        Polygon index per point, or -1 when the point has no location or lies in no polygon.
        A point on a shared edge goes to the polygon listed first in the shapefile, so the
        result does not depend on query order.
    """
    lon = np.asarray(longitude, dtype="float64")
    lat = np.asarray(latitude, dtype="float64")
    result = np.full(lon.shape, -1, dtype="int64")
    has_point = ~(np.isnan(lon) | np.isnan(lat))
    if not has_point.any():
        return result
    x, y = _to_grid().transform(lon[has_point], lat[has_point])
    points = shapely.points(x, y)
    tree = shapely.STRtree(boundaries.geometries)
    point_idx, poly_idx = tree.query(points, predicate="covered_by")
    # A point on a shared edge matches two polygons: keep the lowest polygon index.
    order = np.lexsort((poly_idx, point_idx))
    point_idx, poly_idx = point_idx[order], poly_idx[order]
    first = np.unique(point_idx, return_index=True)[1]
    located = np.full(points.shape, -1, dtype="int64")
    located[point_idx[first]] = poly_idx[first]
    result[has_point] = located
    return result
