"""Finding each source's files needs no parser: the store checks a data folder with pathlib alone."""

from __future__ import annotations

import pytest

from boardpack.errors import DataValidationError
from boardpack.loaders import ALL_SOURCES
from boardpack.loaders.discovery import find_boundary_files


def test_find_boundary_files_lists_the_four_parts(test_data):
    found = find_boundary_files(test_data)
    assert [p.name for p in found] == [
        "London_Borough_Excluding_MHW.dbf",
        "London_Borough_Excluding_MHW.prj",
        "London_Borough_Excluding_MHW.shp",
        "London_Borough_Excluding_MHW.shx",
    ]


def test_find_boundary_files_without_folder(tmp_path):
    assert find_boundary_files(tmp_path) == []


def test_searches_without_boundaries_are_refused_when_found(tmp_path):
    (tmp_path / "stop_search").mkdir()
    (tmp_path / "stop_search" / "2026-09-metropolitan-stop-and-search.csv").write_text("Type\n", encoding="utf-8")
    source = next(s for s in ALL_SOURCES if s.name == "stop_search")
    with pytest.raises(DataValidationError, match="borough boundaries are needed"):
        source.discover(tmp_path)


def test_an_empty_folder_has_no_files_of_any_source(tmp_path):
    assert {s.name: s.discover(tmp_path) for s in ALL_SOURCES} == {s.name: [] for s in ALL_SOURCES}


def test_finding_every_source_loads_no_parser(test_data, loaded_by):
    # Checking that the store is current finds every source's files; pandas, pandera and the
    # geography libraries load only when a source is parsed.
    code = ("from boardpack.loaders import ALL_SOURCES\n"
            f"print(len([p for s in ALL_SOURCES for p in s.discover({str(test_data)!r})]))")
    found = sum(len(s.discover(test_data)) for s in ALL_SOURCES)
    assert found and loaded_by(code, ["pandas", "pandera", "shapely", "pyproj", "openpyxl"]) == (str(found), [])


def test_a_source_is_parsed_by_its_own_module(test_data, registry):
    import pandas as pd

    from boardpack.loaders import stop_search

    source = next(s for s in ALL_SOURCES if s.name == "stop_search")
    files = source.discover(test_data)
    assert files and files == stop_search.discover(test_data)
    pd.testing.assert_frame_equal(source.load(files, registry)["stop_search"],
                                  stop_search.load(files, registry)["stop_search"])
