"""Homicide loader: dashboard layout, borough cleaning and broken inputs."""

from __future__ import annotations

import shutil

import pytest

from boardpack.errors import DataValidationError
from boardpack.loaders import homicide


@pytest.fixture
def hom_dir(tmp_path, test_data):
    folder = tmp_path / "mps_homicide"
    folder.mkdir()
    shutil.copy(test_data / "homicide" / "Homicides.csv", folder)
    return tmp_path


def _load(data_dir, registry):
    return homicide.load(homicide.discover(data_dir), registry)["homicide"]


def _edit(data_dir, old, new):
    path = data_dir / "mps_homicide" / "Homicides.csv"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_canonical_table(hom_dir, registry):
    t = _load(hom_dir, registry)
    assert list(t.columns) == ["month", "area_code", "victims", "method", "domestic_abuse", "offence_type"]
    assert t.month.tolist() == ["2003-01", "2003-12", "2019-06", "2022-02"]
    assert t.area_code.tolist() == ["E09000002", "E09000005", "AIRPORTS", "E09000021"]
    assert t.victims.tolist() == [1, 2, 1, 1] and str(t.victims.dtype) == "int64"
    assert t.domestic_abuse.tolist() == [False, True, False, False]
    assert t.method.iloc[1] == "Physical Assault, no weapon"
    assert t.offence_type.iloc[1] == "Manslaughter"


def test_malformed_recorded_date(hom_dir, registry):
    _edit(hom_dir, "Dec-03", "2003-12")
    with pytest.raises(DataValidationError, match="'2003-12' is not a month in the form Mon-YY") as err:
        _load(hom_dir, registry)
    assert (err.value.row, err.value.column) == (3, "Recorded Date")


def test_unknown_borough(hom_dir, registry):
    _edit(hom_dir, "Brent ,", "Brentford,")
    with pytest.raises(DataValidationError, match="unknown borough 'Brentford'") as err:
        _load(hom_dir, registry)
    assert err.value.row == 3


def test_bad_domestic_abuse_flag(hom_dir, registry):
    _edit(hom_dir, "Not Domestic Abuse,Jun-19", "Yes,Jun-19")
    with pytest.raises(DataValidationError, match="Domestic Abuse is 'Yes'") as err:
        _load(hom_dir, registry)
    assert err.value.row == 4


def test_victim_count_must_be_positive(hom_dir, registry):
    _edit(hom_dir, "2,45 to 54", "0,45 to 54")
    with pytest.raises(DataValidationError, match="below the minimum") as err:
        _load(hom_dir, registry)
    assert (err.value.row, err.value.column) == (3, "Count of Victims")


def test_victim_count_not_a_whole_number(hom_dir, registry):
    _edit(hom_dir, "2,45 to 54", "1.5,45 to 54")
    with pytest.raises(DataValidationError, match="'1.5' cannot be read as") as err:
        _load(hom_dir, registry)
    assert (err.value.row, err.value.column) == (3, "Count of Victims")


def test_missing_column(hom_dir, registry):
    _edit(hom_dir, "Homicide Offence Type", "Offence")
    with pytest.raises(DataValidationError, match="'Homicide Offence Type' is missing"):
        _load(hom_dir, registry)


@pytest.mark.real_data
def test_real_homicide_totals(real_data_dir, registry):
    t = _load(real_data_dir, registry)
    by_year = t.groupby(t.month.str[:4]).victims.sum()
    assert (by_year["2003"], by_year["2019"], by_year["2022"]) == (216, 153, 108)
    assert len(t) == 2912 and int(t.domestic_abuse.sum()) == 493
    assert (t.method == "Knife or Sharp Implement").sum() == 1504
    assert t.month.min() == "2003-01"
    assert set(t.area_code) - set(registry.codes) == {"AIRPORTS"}
