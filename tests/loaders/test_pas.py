"""PAS loader: published layouts, the MPS de-duplication and broken inputs."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from boardpack.errors import DataValidationError
from boardpack.loaders import pas

GOOD_JOB = '"Good Job" local'


@pytest.fixture
def pas_dir(tmp_path, test_data):
    folder = tmp_path / "pas_confidence"
    folder.mkdir()
    for name in ("PAS_buroughs.csv", "PAS_Total.csv"):
        shutil.copy(test_data / "pas" / name, folder / name)
    return tmp_path


def _load(data_dir, registry):
    return pas.load(pas.discover(data_dir), registry)["pas"]


def _write(tmp_path, text, name="PAS_buroughs.csv"):
    folder = tmp_path / "pas_confidence"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return tmp_path


HEADER = "Date;Survey;Borough;Measure;Proportion;MPS\n"


def test_reads_both_forms_into_canonical_table(pas_dir, registry):
    table = _load(pas_dir, registry)
    assert list(table.columns) == ["quarter_end", "area_code", "measure", "proportion"]
    assert set(table["measure"]) == {GOOD_JOB, "Trust MPS"}
    westminster = table[(table.area_code == "E09000033") & (table.quarter_end == "2015-09")
                        & (table.measure == GOOD_JOB)]
    assert westminster["proportion"].tolist() == [pytest.approx(0.58)]
    # Both Richmond spellings land on one code.
    assert set(table.loc[table.area_code == "E09000027", "measure"]) == {GOOD_JOB, "Trust MPS"}


def test_mps_rows_are_not_duplicated(pas_dir, registry):
    table = _load(pas_dir, registry)
    mps = table[table.area_code == "MPS"]
    assert not mps.duplicated(["quarter_end", "measure"]).any()
    assert len(mps) == 3
    assert mps.set_index(["quarter_end", "measure"]).loc[("2015-12", GOOD_JOB), "proportion"] == pytest.approx(0.65)


def test_mps_only_from_borough_file(tmp_path, test_data, registry):
    folder = tmp_path / "pas_confidence"
    folder.mkdir()
    shutil.copy(test_data / "pas" / "PAS_buroughs.csv", folder)
    mps = _load(tmp_path, registry).query("area_code == 'MPS'")
    assert len(mps) == 3


def test_mps_disagreement_between_files_is_an_error(pas_dir, registry):
    total = pas_dir / "pas_confidence" / "PAS_Total.csv"
    total.write_bytes(total.read_bytes().replace(b"MPS;Trust MPS;0,79", b"MPS;Trust MPS;0,70"))
    with pytest.raises(DataValidationError, match="different values"):
        _load(pas_dir, registry)


def test_point_decimals_read_the_same(tmp_path, registry):
    _write(tmp_path, HEADER + '31/03/2016;PAS;Barnet;"""Good Job"" local";0.7;0.66\n')
    table = _load(tmp_path, registry)
    assert table.set_index("area_code").loc["E09000003", "proportion"] == pytest.approx(0.7)


def test_comma_separated_file_is_rejected(tmp_path, registry):
    _write(tmp_path, "Date,Survey,Borough,Measure,Proportion,MPS\n31/03/2016,PAS,Barnet,Trust MPS,0.7,0.66\n")
    with pytest.raises(DataValidationError, match="separated by commas") as err:
        _load(tmp_path, registry)
    assert err.value.row == 1


def test_proportion_out_of_range(tmp_path, registry):
    _write(tmp_path, HEADER + "31/03/2016;PAS;Barnet;Trust MPS;0,7;0,66\n31/03/2016;PAS;Brent;Trust MPS;71;0,66\n")
    with pytest.raises(DataValidationError, match="outside the allowed range") as err:
        _load(tmp_path, registry)
    assert (err.value.row, err.value.column) == (3, "proportion")


def test_unknown_borough_names_line(tmp_path, registry):
    _write(tmp_path, HEADER + "31/03/2016;PAS;Barnet;Trust MPS;0,7;0,66\n31/03/2016;PAS;Gotham;Trust MPS;0,7;0,66\n")
    with pytest.raises(DataValidationError, match="unknown borough 'Gotham'") as err:
        _load(tmp_path, registry)
    assert err.value.row == 3


def test_date_must_be_quarter_end(tmp_path, registry):
    _write(tmp_path, HEADER + "30/04/2016;PAS;Barnet;Trust MPS;0,7;0,66\n")
    with pytest.raises(DataValidationError, match="not a quarter end") as err:
        _load(tmp_path, registry)
    assert err.value.row == 2


def test_missing_column(tmp_path, registry):
    _write(tmp_path, "Date;Survey;Borough;Proportion\n31/03/2016;PAS;Barnet;0,7\n")
    with pytest.raises(DataValidationError, match="'Measure' is missing"):
        _load(tmp_path, registry)


def test_not_a_number(tmp_path, registry):
    _write(tmp_path, HEADER + "31/03/2016;PAS;Barnet;Trust MPS;n/a;0,66\n")
    with pytest.raises(DataValidationError, match="not a number") as err:
        _load(tmp_path, registry)
    assert err.value.column == "Proportion"


def test_no_files_gives_empty_table(tmp_path, registry):
    assert pas.discover(tmp_path) == []
    assert list(pas.load([], registry)["pas"].columns) == ["quarter_end", "area_code", "measure", "proportion"]


@pytest.mark.real_data
def test_real_pas_figures(real_data_dir, registry):
    table = _load(real_data_dir, registry)
    good = table[table.measure == GOOD_JOB].set_index(["quarter_end", "area_code"])["proportion"]
    assert good[("2023-12", "MPS")] == pytest.approx(0.47)
    assert good[("2014-12", "MPS")] == pytest.approx(0.67)
    latest = good.xs("2023-12", level="quarter_end").drop("MPS")
    assert len(latest) == 32
    lowest = latest[latest == latest.min()]
    assert latest.min() == pytest.approx(0.38)
    assert set(lowest.index) == {registry.get("Croydon").gss_code, registry.get("Waltham Forest").gss_code}
    assert not table.duplicated(["quarter_end", "area_code", "measure"]).any()
    assert isinstance(table["quarter_end"].iloc[0], str) and pd.notna(table["proportion"]).all()
