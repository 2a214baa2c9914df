"""The demo dataset is complete, marked as synthetic, reproducible and regenerated only when stale."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from boardpack.demo import DEMO_PERIOD, ensure_demo_data, generator_version, is_current
from boardpack.demo.generate import generate_demo_data
from boardpack.demo.__main__ import main
from boardpack.errors import BoardPackError
from boardpack.periods import month_range
from boardpack.store import DEMO_MARKER

EXPECTED = [
    "DEMO_DATA.txt",
    "mps_borough_crime/demo/MPS Borough Level Crime (Historical).csv",
    "mps_borough_crime/demo/MPS Borough Level Crime (most recent 24 months).csv",
    "pas_confidence/PAS_buroughs.csv",
    "pas_confidence/PAS_Total.csv",
    "census_ethnicity/la-ethnic-groups.csv",
    "census_ethnicity/Census_2021_ethnicity.csv",
    "population/demo-mid-year-estimates-mye4.xlsx",
    "mps_homicide/Homicides_demo.csv",
    *(f"boundaries/demo/London_Borough_Excluding_MHW.{ext}" for ext in ("shp", "shx", "dbf", "prj")),
    "asb/asb_calls.csv",
    "victim_satisfaction/uss.csv",
    "complaints/allegations.csv",
    "complaints/outcomes.csv",
    "complaints/workforce.csv",
    "custody_visits/icv_reports.csv",
    "moj/criminal_justice.csv",
    *(f"stop_search/demo_police_uk_csv/{m}-metropolitan-stop-and-search.csv.gz" for m in month_range(DEMO_PERIOD, 24)),
]


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_every_expected_file_is_written(demo_dir):
    missing = [f for f in EXPECTED if not (demo_dir / f).is_file()]
    assert missing == []


def test_marker_says_synthetic_and_names_the_version(demo_dir):
    text = (demo_dir / DEMO_MARKER).read_text(encoding="utf-8")
    assert "SYNTHETIC" in text and "not official statistics".casefold() in text.casefold()
    assert generator_version() in text
    assert DEMO_PERIOD in text


def test_generating_twice_gives_identical_bytes(demo_dir, tmp_path):
    again = generate_demo_data(tmp_path / "again")
    first, second = _digests(demo_dir), _digests(again)
    assert sorted(first) == sorted(second)
    assert [f for f in first if first[f] != second[f]] == []


def test_no_temporary_folders_are_left_behind(demo_dir):
    leftovers = [p.name for p in demo_dir.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_ensure_regenerates_only_when_the_stamp_differs(tmp_path):
    folder = ensure_demo_data(tmp_path / "demo")
    assert is_current(folder)
    marker = folder / DEMO_MARKER
    before = marker.stat().st_mtime_ns
    ensure_demo_data(folder)
    assert marker.stat().st_mtime_ns == before  # up to date: left alone
    (folder / "DEMO_VERSION").write_text("stale\n", encoding="utf-8")
    (folder / "asb" / "asb_calls.csv").unlink()
    ensure_demo_data(folder)
    assert is_current(folder)
    assert (folder / "asb" / "asb_calls.csv").is_file()


def test_a_folder_that_is_not_demo_data_is_never_replaced(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "keep.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(BoardPackError, match="not a demo dataset"):
        generate_demo_data(real)
    assert (real / "keep.csv").is_file()


def test_command_line_refuses_an_existing_folder_without_force(tmp_path, capsys):
    out = tmp_path / "cli"
    assert main(["--out", str(out)]) == 0
    assert main(["--out", str(out)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["--out", str(out), "--force"]) == 0
    assert is_current(out)


def test_the_later_search_months_written_beside_the_rest_give_the_same_bytes(demo_dir, tmp_path, monkeypatch):
    from boardpack import side_lane
    from boardpack.start_method import START_ENV

    monkeypatch.setattr(side_lane.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(side_lane.threading, "active_count", lambda: 1)  # whatever threads earlier tests left
    monkeypatch.setenv(START_ENV, "fork")
    assert side_lane.can_fork_here()
    forked = _digests(generate_demo_data(tmp_path / "forked"))
    monkeypatch.setenv(START_ENV, "spawn")
    alone = _digests(generate_demo_data(tmp_path / "alone"))
    assert forked == alone == _digests(demo_dir)
