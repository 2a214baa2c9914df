"""Boundary shapefile reading and point-in-polygon assignment (fixture: tests/data/boundaries)."""

from __future__ import annotations

import shutil

import numpy as np
import pyproj
import pytest
import shapefile
import shapely

from boardpack.errors import DataValidationError
from boardpack.loaders import geography

NAN = float("nan")
# (latitude, longitude) of the fixture points; see tests/data/boundaries/README.md.
WESTMINSTER = (51.504220, -0.142754)
WESTMINSTER_ISLAND = (51.536461, -0.191909)
LAMBETH = (51.481178, -0.107685)
LAMBETH_HOLE = (51.470118, -0.118942)
CITY = (51.512514, -0.099181)
OUTSIDE = (51.416326, -0.275751)


@pytest.fixture
def shp(test_data):
    return test_data / "boundaries" / "fixture" / "London_Borough_Excluding_MHW.shp"


def _copy(shp, tmp_path):
    folder = tmp_path / "b"
    shutil.copytree(shp.parent, folder)
    return folder / shp.name


def _locate(points, boundaries):
    lat = [p[0] for p in points]
    lon = [p[1] for p in points]
    return geography.locate_points(lon, lat, boundaries).tolist()


def test_read_boundaries(shp):
    b = geography.read_boundaries(shp)
    assert b.gss_codes.tolist() == ["E09000033", "E09000022", "E09000001"]
    assert b.names.tolist() == ["Westminster", "Lambeth", "City of London"]
    assert [g.geom_type for g in b.geometries] == ["MultiPolygon", "Polygon", "Polygon"]
    assert len(b.geometries[1].interiors) == 1  # Lambeth's hole survives the read
    assert b.geometries[0].area == pytest.approx(2000 * 2000 + 1000 * 1000)


def test_locate_points_inside_each_polygon_outside_and_missing(shp):
    b = geography.read_boundaries(shp)
    points = [WESTMINSTER, WESTMINSTER_ISLAND, LAMBETH, LAMBETH_HOLE, CITY, OUTSIDE, (NAN, NAN)]
    assert _locate(points, b) == [0, 0, 1, -1, 2, -1, -1]


def test_locate_points_all_missing(shp):
    b = geography.read_boundaries(shp)
    assert _locate([(NAN, NAN)], b) == [-1]


def test_point_on_shared_edge_goes_to_first_listed_polygon(shp, tmp_path):
    # Build boundaries whose shared edge passes exactly through a projected fixture point.
    to_grid = pyproj.Transformer.from_crs(4326, 27700, always_xy=True)
    x, y = to_grid.transform(WESTMINSTER[1], WESTMINSTER[0])
    w = shapefile.Writer(str(tmp_path / "London_Borough_Excluding_MHW"), shapeType=shapefile.POLYGON)
    w.field("NAME", "C")
    w.field("GSS_CODE", "C")
    w.poly([[(x - 10, y), (x - 10, y + 10), (x + 10, y + 10), (x + 10, y), (x - 10, y)]])
    w.record("North", "E09000033")
    w.poly([[(x - 10, y - 10), (x - 10, y), (x + 10, y), (x + 10, y - 10), (x - 10, y - 10)]])
    w.record("South", "E09000022")
    w.close()
    shutil.copy(shp.with_suffix(".prj"), tmp_path / "London_Borough_Excluding_MHW.prj")
    b = geography.read_boundaries(tmp_path / "London_Borough_Excluding_MHW.shp")
    covered = [g.covers(shapely.points(x, y)) for g in b.geometries]
    assert covered == [True, True]
    assert _locate([WESTMINSTER], b) == [0]


def test_missing_prj_is_an_error(shp, tmp_path):
    copy = _copy(shp, tmp_path)
    copy.with_suffix(".prj").unlink()
    with pytest.raises(DataValidationError, match=r"\.prj part is missing"):
        geography.read_boundaries(copy)


def test_wrong_projection_is_an_error(shp, tmp_path):
    copy = _copy(shp, tmp_path)
    copy.with_suffix(".prj").write_text(pyproj.CRS(4326).to_wkt("WKT1_ESRI"))
    with pytest.raises(DataValidationError, match="British National Grid"):
        geography.read_boundaries(copy)


def test_missing_gss_code_field_is_an_error(shp, tmp_path):
    w = shapefile.Writer(str(tmp_path / "London_Borough_Excluding_MHW"), shapeType=shapefile.POLYGON)
    w.field("NAME", "C")
    w.poly([[(0, 0), (0, 1), (1, 1), (1, 0), (0, 0)]])
    w.record("Somewhere")
    w.close()
    shutil.copy(shp.with_suffix(".prj"), tmp_path / "London_Borough_Excluding_MHW.prj")
    with pytest.raises(DataValidationError, match="'GSS_CODE' is missing") as err:
        geography.read_boundaries(tmp_path / "London_Borough_Excluding_MHW.shp")
    assert err.value.column == "GSS_CODE"


def test_point_shapefile_is_an_error(shp, tmp_path):
    w = shapefile.Writer(str(tmp_path / "London_Borough_Excluding_MHW"), shapeType=shapefile.POINT)
    w.field("NAME", "C")
    w.field("GSS_CODE", "C")
    w.point(530000, 180000)
    w.record("Pin", "E09000033")
    w.close()
    shutil.copy(shp.with_suffix(".prj"), tmp_path / "London_Borough_Excluding_MHW.prj")
    with pytest.raises(DataValidationError, match="expected a polygon"):
        geography.read_boundaries(tmp_path / "London_Borough_Excluding_MHW.shp")


@pytest.mark.filterwarnings("ignore:Declared file size")
def test_corrupt_shp_is_an_error(shp, tmp_path):
    copy = _copy(shp, tmp_path)
    copy.write_bytes(b"not a shapefile at all" * 10)
    with pytest.raises(DataValidationError):
        geography.read_boundaries(copy)


def test_locate_points_returns_int_array(shp):
    b = geography.read_boundaries(shp)
    out = geography.locate_points(np.array([WESTMINSTER[1]]), np.array([WESTMINSTER[0]]), b)
    assert out.dtype == np.int64
