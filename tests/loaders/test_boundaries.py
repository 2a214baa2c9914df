"""The boundary shapefile kept as borough outlines for maps."""

from pathlib import Path

import pytest
from boardpack.errors import DataValidationError
from boardpack.loaders import boundaries
from boardpack.registry import load_registry

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "boundaries" / "fixture"


def test_outlines_are_closed_rings_in_metres():
    table = boundaries.load(sorted(FIXTURE.iterdir()), load_registry())["borough_shapes"]
    assert list(table.columns) == boundaries.COLUMNS
    assert table["area_code"].str.startswith("E09").all()
    for _, ring in table.groupby(["area_code", "ring"]):
        ring = ring.sort_values("point")
        assert len(ring) >= 4 and tuple(ring[["x", "y"]].iloc[0]) == tuple(ring[["x", "y"]].iloc[-1])
    assert table["x"].between(490_000, 570_000).all() and table["y"].between(150_000, 210_000).all()


def test_no_shapefile_is_refused():
    with pytest.raises(DataValidationError, match="no .shp part"):
        boundaries.load([FIXTURE / "London_Borough_Excluding_MHW.dbf"], load_registry())
