"""Borough outlines for maps: the GLA boundary shapefile as a table of simplified rings.

The same shapefile the stop and search records are placed by (:mod:`.geography`), kept as the
canonical table ``borough_shapes`` so that a pack's map and the London overview draw the boroughs
without reading the shapefile again. Rings are simplified to :data:`TOLERANCE_M` metres (a map of
London on an A4 page cannot show less), which keeps the table small.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataValidationError
from ..registry import Registry
from .geography import read_boundaries

TOLERANCE_M = 25.0
COLUMNS = ["area_code", "name", "ring", "point", "x", "y"]


def load(paths: list[Path], registry: Registry) -> dict[str, pd.DataFrame]:
    """``{"borough_shapes": DataFrame}``: ``area_code, name, ring, point, x, y`` in British National Grid metres.

    Every record of the shapefile is kept (the City of London too, drawn without a value); ``ring``
    numbers the outer rings of an area's polygons, ``point`` the vertices of a ring in order.

    Raises
    ------
    DataValidationError
        If no ``.shp`` is among ``paths`` or the shapefile cannot be read (see
        :func:`boardpack.loaders.geography.read_boundaries`).
    """
    shps = [p for p in paths if p.suffix == ".shp"]
    if not shps:
        raise DataValidationError(paths[0] if paths else Path("boundaries"), "no .shp part among the boundary files")
    polygons = read_boundaries(shps[0])
    frames = []
    for code, name, geometry in zip(polygons.gss_codes, polygons.names, polygons.geometries):
        simple = geometry.simplify(TOLERANCE_M, preserve_topology=True)
        for ring, part in enumerate(getattr(simple, "geoms", [simple])):
            xy = list(part.exterior.coords)
            frames.append(pd.DataFrame({"area_code": str(code), "name": str(name), "ring": ring,
                                        "point": range(len(xy)), "x": [p[0] for p in xy], "y": [p[1] for p in xy]}))
    table = pd.concat(frames, ignore_index=True)[COLUMNS]
    return {"borough_shapes": table.astype({"ring": "int64", "point": "int64", "x": "float64", "y": "float64"})}
