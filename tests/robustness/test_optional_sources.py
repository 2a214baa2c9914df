"""Every source but the crime files is optional: an absent or empty one costs only its sections.

Its absence or emptiness is decided once, up front (the store and coverage), shown as the
section's "not available" box naming the file, and recorded in figures.json and the manifest.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from boardpack.coverage import section_coverage
from boardpack.errors import DataValidationError
from boardpack.store import Store, prepare_store

from .conftest import assert_refused

PERIOD = "2026-09"


def header_only(path: Path) -> None:
    """Keep only the first line of a (possibly gzipped) text file."""
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
            first = fh.readline()
        with gzip.open(path, "wt", encoding="utf-8", newline="") as fh:
            fh.write(first)
        return
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
    path.write_text(first, encoding="utf-8", newline="")


def zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def first_stop_search_month(data: Path) -> Path:
    return sorted((data / "stop_search").rglob("*.csv.gz"))[-1]


# (case id, relative path or callable picking the file, how to break it, coverage id, text the reason names)
EMPTY_CASES = [
    ("pas-borough-header-only", "pas_confidence/PAS_buroughs.csv", header_only, "confidence",
     "pas_confidence/PAS_buroughs.csv"),
    ("pas-total-zero-bytes", "pas_confidence/PAS_Total.csv", zero_bytes, "confidence", "pas_confidence/PAS_Total.csv"),
    ("asb-header-only", "asb/asb_calls.csv", header_only, "asb", "asb/asb_calls.csv"),
    ("uss-header-only", "victim_satisfaction/uss.csv", header_only, "victim_satisfaction",
     "victim_satisfaction/uss.csv"),
    ("allegations-header-only", "complaints/allegations.csv", header_only, "complaints", "complaints/allegations.csv"),
    ("workforce-zero-bytes", "complaints/workforce.csv", zero_bytes, "complaints", "complaints/workforce.csv"),
    ("custody-header-only", "custody_visits/icv_reports.csv", header_only, "custody_visits",
     "custody_visits/icv_reports.csv"),
    ("moj-header-only", "moj/criminal_justice.csv", header_only, "criminal_justice", "moj/criminal_justice.csv"),
    ("homicide-header-only", "mps_homicide/Homicides_demo.csv", header_only, "homicide_victims",
     "mps_homicide/Homicides_demo.csv"),
    ("population-zero-bytes", "population/demo-mid-year-estimates-mye4.xlsx", zero_bytes, "crime_rates",
     "population/demo-mid-year-estimates-mye4.xlsx"),
    ("census-both-header-only", None, None, "stop_search_ethnicity", "census_ethnicity/"),
]

ABSENT_CASES = [
    ("pas-absent", "pas_confidence", "confidence", "pas_confidence/"),
    ("asb-absent", "asb", "asb", "asb/asb_calls.csv"),
    ("uss-absent", "victim_satisfaction", "victim_satisfaction", "victim_satisfaction/uss.csv"),
    ("complaints-absent", "complaints", "complaints", "complaints/allegations.csv"),
    ("custody-absent", "custody_visits", "custody_visits", "custody_visits/icv_reports.csv"),
    ("moj-absent", "moj", "criminal_justice", "moj/criminal_justice.csv"),
    ("homicide-absent", "mps_homicide", "homicide_victims", "mps_homicide/"),
    ("population-absent", "population", "crime_rates", "population/"),
    ("census-absent", "census_ethnicity", "stop_search_ethnicity", "census_ethnicity/"),
    ("stop-search-absent", "stop_search", "stop_search", "stop_search/"),
    ("boundaries-absent", "boundaries", "stop_search", "London_Borough_Excluding_MHW.shp"),
]


def coverage_of(data: Path, tmp_path: Path) -> tuple[Store, dict]:
    # The project's store cache is keyed by each file's hash, so the unbroken sources of every
    # copy are parsed once for the whole corpus; the index lives beside the case's data.
    store = Store(prepare_store(data))
    return store, section_coverage(store, PERIOD)


@pytest.mark.parametrize("case", EMPTY_CASES, ids=[c[0] for c in EMPTY_CASES])
def test_empty_optional_file_costs_only_its_section(case, demo_copy, tmp_path):
    _, rel, breaker, cov_id, named = case
    if rel is None:  # both Census files with their header only
        for p in (demo_copy / "census_ethnicity").glob("*.csv"):
            header_only(p)
    else:
        breaker(demo_copy / rel)
    store, cov = coverage_of(demo_copy, tmp_path)
    assert not cov[cov_id].available
    assert named in cov[cov_id].reason
    assert "no data rows" in cov[cov_id].reason
    assert cov["recorded_crime"].available
    broken = [name for name, s in store.sources.items() if s["status"] == "empty"]
    assert len(broken) == 1 and store.sources[broken[0]]["empty_files"]


@pytest.mark.parametrize("case", ABSENT_CASES, ids=[c[0] for c in ABSENT_CASES])
def test_absent_optional_source_costs_only_its_section(case, demo_copy, tmp_path):
    _, folder, cov_id, named = case
    shutil.rmtree(demo_copy / folder)
    store, cov = coverage_of(demo_copy, tmp_path)
    assert not cov[cov_id].available
    assert named in cov[cov_id].reason
    assert cov["recorded_crime"].available
    others = [s for s in ("asb", "confidence", "complaints", "custody_visits") if s != cov_id]
    assert all(cov[s].available for s in others if not (folder == "pas_confidence" and s == "confidence"))


def test_census_2021_missing_falls_back_to_2011(demo_copy, tmp_path):
    (demo_copy / "census_ethnicity" / "Census_2021_ethnicity.csv").unlink()
    _, cov = coverage_of(demo_copy, tmp_path)
    part = cov["stop_search_ethnicity"]
    assert part.available and part.details["census_year"] == 2011
    assert "no Census 2021 ethnicity file" in part.details["census_note"]


def test_census_2021_header_only_falls_back_and_names_the_file(demo_copy, tmp_path):
    header_only(demo_copy / "census_ethnicity" / "Census_2021_ethnicity.csv")
    store, cov = coverage_of(demo_copy, tmp_path)
    part = cov["stop_search_ethnicity"]
    assert part.available and part.details["census_year"] == 2011
    assert "census_ethnicity/Census_2021_ethnicity.csv held no data rows" in part.details["census_note"]
    assert store.sources["census"]["status"] == "ok"


def test_empty_stop_search_month_is_named(demo_copy, tmp_path):
    month = first_stop_search_month(demo_copy)
    header_only(month)
    _, cov = coverage_of(demo_copy, tmp_path)
    assert not cov["stop_search"].available
    assert month.name in cov["stop_search"].reason


def test_crime_folder_absent_refuses_the_run(demo_copy, tmp_path, run_cli):
    shutil.rmtree(demo_copy / "mps_borough_crime")
    with pytest.raises(DataValidationError, match="no recorded crime file"):
        prepare_store(demo_copy, tmp_path / "store")
    run = run_cli("--data-dir", str(demo_copy), "--boroughs", "camden", "--output-dir", str(tmp_path / "out"),
                  "--no-progress")
    assert_refused(run, "mps_borough_crime", "no recorded crime file")
    assert not (tmp_path / "out" / PERIOD).exists()


@pytest.mark.slow
def test_pack_with_empty_and_absent_sources_builds_with_boxes(demo_copy, tmp_path, run_cli):
    """One real build: boxes name the files, the pack says so, figures.json and the manifest record it."""
    from pypdf import PdfReader

    header_only(demo_copy / "pas_confidence" / "PAS_buroughs.csv")
    header_only(demo_copy / "mps_homicide" / "Homicides_demo.csv")
    (demo_copy / "census_ethnicity" / "Census_2021_ethnicity.csv").unlink()
    shutil.rmtree(demo_copy / "asb")
    out = tmp_path / "out"
    run = run_cli("--data-dir", str(demo_copy), "--boroughs", "camden", "--output-dir", str(out), "--no-progress")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    pack = out / PERIOD / "camden"
    figures = json.loads((pack / "figures.json").read_text())
    assert figures["confidence"]["available"] is False
    assert "pas_confidence/PAS_buroughs.csv has no data rows" in figures["confidence"]["reason"]
    assert figures["asb"]["available"] is False and "asb/asb_calls.csv" in figures["asb"]["reason"]
    homicide = figures["recorded_crime"]["parts"]["homicide_victims"]
    assert homicide["available"] is False and "mps_homicide/Homicides_demo.csv" in homicide["reason"]
    assert "homicide_victims" not in {k for k, v in figures["recorded_crime"].items() if k != "parts"}
    assert figures["stop_search"]["population"]["census_year"] == 2011
    assert figures["inputs"]["pas"]["status"] == "empty"
    assert figures["inputs"]["pas"]["empty_files"] == ["pas_confidence/PAS_buroughs.csv"]

    text = " ".join(page.extract_text() for page in PdfReader(pack / "board_pack.pdf").pages)
    text = " ".join(text.split())
    assert "pas_confidence/PAS_buroughs.csv has no data rows" in text
    assert "Homicide victims are not shown: mps_homicide/Homicides_demo.csv has no data rows" in text
    assert "so the rates use Census 2011 populations" in text
    assert "nothing" not in text.split("Homicide victims are not shown")[1][:200]

    manifest = json.loads((out / PERIOD / "manifest.json").read_text())
    assert manifest["run"]["inputs"]["pas"]["status"] == "empty"
    assert manifest["run"]["inputs"]["pas"]["problem"].startswith("pas_confidence/PAS_buroughs.csv")
    assert manifest["run"]["inputs"]["asb"]["status"] == "absent"


def test_a_gap_coverage_cannot_see_costs_one_figure_not_the_pack(demo_copy, tmp_path):
    """PAS rows missing for one borough: coverage itself marks confidence unavailable, naming the borough.

    The ranking needs every borough, so the gap is no longer left for the metric to find: the
    template's compute cell gets coverage's NotAvailable before any metric runs, and its render
    cell shows the box. The rest of the pack is built.
    """
    from boardpack import metrics, sections
    from boardpack.pack import BoardPack, NotAvailable

    pas = demo_copy / "pas_confidence" / "PAS_buroughs.csv"
    lines = pas.read_text(encoding="utf-8").splitlines(keepends=True)
    pas.write_text("".join(line for line in lines if ";Barnet;" not in line), encoding="utf-8")
    pack = BoardPack.open("camden", "", str(demo_copy), "", str(tmp_path / "pack"))
    cov = pack.coverage["confidence"]
    assert not cov.available
    assert "Barnet" in cov.reason and "pas_confidence/PAS_buroughs.csv" in cov.reason

    # The template's compute-confidence cell, then its render cell (fig-confidence-ranked).
    def ranking_not_called(*args, **kwargs):
        raise AssertionError("coverage refused the part, so no metric runs")

    table = pack.table("pas")
    quarter = pack.compute("confidence", metrics.confidence.latest_quarter, table, pack.period)
    ranking = pack.compute("confidence", ranking_not_called, table, quarter, metrics.confidence.GOOD_JOB,
                           pack.boroughs)
    assert isinstance(ranking, NotAvailable) and ranking.from_coverage and ranking.reason == cov.reason
    shown = sections.confidence.confidence(pack, ranking)._repr_html_()
    assert "Barnet" in shown and "class=\"not-available\"" in shown
    record = pack.record.sections["confidence"]
    assert record["available"] is False and "Barnet" in record["reason"]
    assert "gaps" not in record  # decided by coverage, not caught by the safety net
    # The rest of the pack is unaffected.
    assert pack.coverage["victim_satisfaction"].available
    crime = pack.compute("recorded_crime", metrics.crime.recorded_crime_table, pack.table("crime"),
                         pack.crime_mappings(), pack.borough.gss_code, pack.period)
    assert "class=\"not-available\"" not in sections.recorded_crime.table(pack, crime)._repr_html_()
