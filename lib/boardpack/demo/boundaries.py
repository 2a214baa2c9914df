"""A synthetic borough boundary shapefile: 33 rectangles on a tile map of London in EPSG:27700.

Real boundaries are Ordnance Survey derived; the demo uses a schematic grid instead
(roughly where each borough lies) so no real geometry is copied. Rectangles share
edges but never overlap, and some grid cells are left empty so that a few demo
stop-and-search points fall outside every borough, as real snap points do.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapefile

from .areas import london_areas

FOLDER = Path("boundaries") / "demo"
BASENAME = "London_Borough_Excluding_MHW"
# British National Grid extent of the tile map (London's real extent is about this).
WEST, SOUTH = 503_000, 155_000
TILE_W, TILE_H = 7_375, 7_666
COLUMNS, ROWS = 8, 6
# (column, row) of each authority, row 0 at the north; a schematic of London's layout.
TILES = {
    "E09000010": (4, 0),
    "E09000015": (2, 1), "E09000003": (3, 1), "E09000014": (4, 1), "E09000031": (5, 1),
    "E09000017": (0, 2), "E09000005": (1, 2), "E09000007": (2, 2), "E09000019": (3, 2),
    "E09000012": (4, 2), "E09000026": (5, 2), "E09000016": (6, 2),
    "E09000009": (0, 3), "E09000013": (1, 3), "E09000020": (2, 3), "E09000033": (3, 3),
    "E09000001": (4, 3), "E09000030": (5, 3), "E09000025": (6, 3), "E09000002": (7, 3),
    "E09000018": (0, 4), "E09000027": (1, 4), "E09000032": (2, 4), "E09000022": (3, 4),
    "E09000028": (4, 4), "E09000023": (5, 4), "E09000011": (6, 4), "E09000004": (7, 4),
    "E09000021": (1, 5), "E09000024": (2, 5), "E09000029": (3, 5), "E09000008": (4, 5),
    "E09000006": (5, 5),
}
# ESRI WKT of EPSG:27700 (British National Grid), as GIS tools write it next to a .shp.
PRJ_EPSG_27700 = (
    'PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936",'
    'SPHEROID["Airy_1830",6377563.396,299.3249646]],PRIMEM["Greenwich",0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",400000],PARAMETER["False_Northing",-100000],'
    'PARAMETER["Central_Meridian",-2],PARAMETER["Scale_Factor",0.999601272],'
    'PARAMETER["Latitude_Of_Origin",49],UNIT["Meter",1]]'
)
# dBASE header "last update" date (years since 1900, month, day); pyshp writes today's.
_DBF_DATE = bytes([126, 10, 1])


def tile_bounds(col: int, row: int) -> tuple[float, float, float, float]:
    """``(xmin, ymin, xmax, ymax)`` in metres of one grid cell."""
    xmin = WEST + col * TILE_W
    ymax = SOUTH + (ROWS - row) * TILE_H
    return xmin, ymax - TILE_H, xmin + TILE_W, ymax


def area_bounds() -> dict[str, tuple[float, float, float, float]]:
    """Each authority's rectangle, by GSS code."""
    return {code: tile_bounds(*cell) for code, cell in TILES.items()}


def empty_tiles() -> list[tuple[float, float, float, float]]:
    """Grid cells inside the tile map's extent that belong to no authority."""
    used = set(TILES.values())
    return [tile_bounds(c, r) for r in range(ROWS) for c in range(COLUMNS) if (c, r) not in used]


def sample_in(bounds: tuple[float, float, float, float], n: int, rng: np.random.Generator,
              inset: float = 250.0) -> np.ndarray:
    """``n`` points strictly inside a rectangle (``inset`` metres from its edges).

    Returns
    -------
    numpy.ndarray
        Shape ``(n, 2)``: easting, northing.
    """
    xmin, ymin, xmax, ymax = bounds
    x = rng.uniform(xmin + inset, xmax - inset, n)
    y = rng.uniform(ymin + inset, ymax - inset, n)
    return np.column_stack([x, y])


def write_boundaries(out: Path) -> list[Path]:
    """Write ``London_Borough_Excluding_MHW.{shp,shx,dbf,prj}`` under ``boundaries/demo/``.

    Parameters
    ----------
    out : Path
        The dataset folder.

    Returns
    -------
    list of Path
    """
    folder = out / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / BASENAME
    bounds = area_bounds()
    w = shapefile.Writer(str(base), shapeType=shapefile.POLYGON)
    w.field("NAME", "C", 22)
    w.field("GSS_CODE", "C", 9)
    w.field("HECTARES", "N", 12, 3)
    w.field("NONLD_AREA", "N", 12, 3)
    w.field("ONS_INNER", "C", 1)
    w.field("SUB_2009", "C", 7)
    w.field("SUB_2006", "C", 10)
    for area in london_areas():
        xmin, ymin, xmax, ymax = bounds[area.code]
        # Outer rings run clockwise in the shapefile format.
        w.poly([[(xmin, ymin), (xmin, ymax), (xmax, ymax), (xmax, ymin), (xmin, ymin)]])
        hectares = round((xmax - xmin) * (ymax - ymin) / 10_000, 3)
        w.record(area.name, area.code, hectares, 0.0, "T" if area.inner else "F", "", "")
    w.close()
    dbf = base.with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    raw[1:4] = _DBF_DATE
    dbf.write_bytes(bytes(raw))
    prj = base.with_suffix(".prj")
    prj.write_text(PRJ_EPSG_27700, encoding="ascii")
    return [base.with_suffix(s) for s in (".dbf", ".prj", ".shp", ".shx")]
