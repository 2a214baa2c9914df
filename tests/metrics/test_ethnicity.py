"""Census ethnicity folds into the four police groups."""

from __future__ import annotations

import shutil

import pytest
from boardpack.errors import ConfigurationError, CoverageError
from boardpack.loaders import census
from boardpack.metrics.ethnicity import FoldApproximationWarning, fold_census


@pytest.fixture
def table(tmp_path, test_data, registry):
    folder = tmp_path / "census_ethnicity"
    folder.mkdir()
    for f in (test_data / "census").iterdir():
        shutil.copy(f, folder / f.name)
    return census.load(census.discover(tmp_path), registry)["census_ethnicity"]


def _groups(folded, area):
    return folded[folded.area_code == area].set_index("group")["population"].to_dict()


def test_mps_fold_2011(table):
    folded = fold_census(table, 2011, "mps")
    assert list(folded.columns) == ["area_code", "group", "population"]
    # Fixture Waltham Forest: Black takes two Mixed categories, Asian one, Other takes
    # Chinese and Other Mixed.
    assert _groups(folded, "E09000031") == {"White": 1194, "Black": 517, "Asian": 543, "Other": 173}
    assert folded.groupby("area_code").population.sum()["E09000031"] == 2427


def test_mixed_to_other_fold_2011(table):
    assert _groups(fold_census(table, 2011, "mixed_to_other"), "E09000031") == {
        "White": 1194, "Black": 447, "Asian": 543, "Other": 243}


def test_2021_mps_falls_back_with_warning(table):
    with pytest.warns(FoldApproximationWarning, match="cannot be applied exactly"):
        folded = fold_census(table, 2021, "mps")
    assert _groups(folded, "E09000003") == {"White": 2420, "Black": 300, "Asian": 900, "Other": 360}


def test_group_order_and_every_group_present(table):
    folded = fold_census(table, 2011)
    assert (folded.groupby("area_code")["group"].apply(list)
            .map(lambda g: g == ["White", "Black", "Asian", "Other"]).all())


def test_unknown_fold_and_missing_year(table):
    with pytest.raises(ConfigurationError, match="unknown ethnicity fold"):
        fold_census(table, 2011, "ons")
    with pytest.raises(CoverageError, match="no Census 2001"):
        fold_census(table, 2001)


@pytest.mark.real_data
def test_real_waltham_forest_matches_reference_figure_12(real_data_dir, registry):
    real = census.load(census.discover(real_data_dir), registry)["census_ethnicity"]
    folded = fold_census(real, 2011, "mps")
    wf = _groups(folded, registry.get("Waltham Forest").gss_code)
    assert wf == {"White": 134_799, "Black": 51_762, "Asian": 54_412, "Other": 17_276}
    assert sum(wf.values()) == 258_249
    # Other Mixed anywhere else than Other would break the printed totals.
    assert _groups(fold_census(real, 2011, "mixed_to_other"), registry.get("Waltham Forest").gss_code) != wf


def test_the_fold_warning_is_a_boardpack_warning():
    from boardpack.errors import BoardPackWarning
    from boardpack.metrics.ethnicity import FoldApproximationWarning

    assert issubclass(FoldApproximationWarning, BoardPackWarning)
