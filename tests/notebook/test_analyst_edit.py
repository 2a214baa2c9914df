"""An analyst's edit of a compute cell takes effect, and every recorded figure names the cell that made it.

A copy of the template whose ``compute-recorded-crime`` cell drops a row of the crime table and
shortens the trend window to 12 months is built end to end: the PDF text, figures.json, the table
CSV and the chart data all show the edit, and the unedited demo pack (the session's
``demo_built``) shows the same borough without it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

# --import-mode=importlib gives test folders no package, so the conftest helpers are loaded by path.
_spec = importlib.util.spec_from_file_location("boardpack_notebook_tests_conftest",
                                               Path(__file__).resolve().parent / "conftest.py")
_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_conftest)
TEMPLATE, BuiltPack = _conftest.TEMPLATE, _conftest.BuiltPack

pytestmark = pytest.mark.slow

DROPPED = "Shoplifting"
EDIT = f'\ncrime = crime[crime["row"] != "{DROPPED}"].reset_index(drop=True)  # the analyst\'s edit\n'


def _compute_cell(nb, tag):
    return next(c for c in nb.cells if tag in c.metadata.get("tags", []))


@pytest.fixture(scope="module")
def edited(tmp_path_factory, demo_data_dir):
    from boardpack.batch import run_all

    folder = tmp_path_factory.mktemp("analyst-edit")
    nb = nbformat.read(TEMPLATE, as_version=4)
    cell = _compute_cell(nb, "compute-recorded-crime")
    assert "months=24" in cell.source and "display(crime" in cell.source
    lines = cell.source.replace("months=24", "months=12").splitlines()
    # The edit goes before the cell's closing display, so the displayed tables are the edited ones.
    cell.source = "\n".join(lines[:-1]) + EDIT + lines[-1]
    template = folder / "edited.ipynb"
    nbformat.write(nb, template)
    report = run_all(["Waltham Forest"], data_dir=demo_data_dir, output_dir=folder / "out", jobs=1, progress=False,
                     template=template)
    assert report.ok, [(r.borough, r.error, r.failing_cell) for r in report.results]
    return BuiltPack(report.period_dir / report.results[0].slug, demo_data_dir)


def test_a_dropped_row_is_gone_from_pdf_figures_and_table(edited, demo_built):
    original = demo_built["waltham-forest"]
    assert DROPPED in [r["category"] for r in original.figures["recorded_crime"]["rows"]]
    assert DROPPED in original.pdf_text
    rows = [r["category"] for r in edited.figures["recorded_crime"]["rows"]]
    assert DROPPED not in rows and len(rows) == len(original.figures["recorded_crime"]["rows"]) - 1
    assert DROPPED not in edited.table("recorded_crime")["category"].tolist()
    assert DROPPED not in edited.pdf_text
    # Everything else in the table is untouched.
    assert [r for r in original.figures["recorded_crime"]["rows"] if r["category"] != DROPPED] == \
        edited.figures["recorded_crime"]["rows"]


def test_a_changed_window_shows_in_figures_and_chart(edited, demo_built):
    original = demo_built["waltham-forest"]
    assert len(original.figures["recorded_crime"]["monthly"]) == 24
    monthly = edited.figures["recorded_crime"]["monthly"]
    assert len(monthly) == 12
    assert monthly == original.figures["recorded_crime"]["monthly"][-12:]
    lines = [d for d in edited.figures["charts"]["fig-crime-trend"]["data"] if d["kind"] == "line"]
    assert lines and all(len(d["y"]) == 12 for d in lines)
    assert [float(m["borough"]) for m in monthly] in [d["y"] for d in lines]
    assert len(edited.table("recorded_crime_monthly")) == 12


def test_the_executed_notebook_keeps_the_edit_and_its_output(edited):
    cell = _compute_cell(edited.notebook, "compute-recorded-crime")
    assert "the analyst's edit" in cell.source
    assert cell.outputs and all(o.output_type != "error" for o in cell.outputs)


def test_every_recorded_figure_names_its_cell(demo_built, template_tags):
    figures = demo_built["waltham-forest"].figures
    compute = {t for t in template_tags if t.startswith("compute-")}
    assert compute == {"compute-recorded-crime", "compute-local-priorities", "compute-commitments", "compute-london",
                       "compute-asb",
                       "compute-confidence", "compute-complaints", "compute-stop-search", "compute-custody",
                       "compute-criminal-justice"}
    header = {"borough", "gss_code", "period_end", "data", "built", "options", "inputs", "charts", "tables",
              "table_cells", "table_schemas"}
    for section, values in figures.items():
        if section in header:
            continue
        cells = values.get("cells", {})
        assert set(cells) == set(values) - {"cells"}, section
        assert set(cells.values()) <= set(template_tags), section
    assert figures["recorded_crime"]["cells"]["rows"] == "compute-recorded-crime"
    assert figures["stop_search"]["cells"]["disproportionality"] == "compute-stop-search"
    for fig_id, chart in figures["charts"].items():
        assert chart["cell"] in compute, fig_id
    assert set(figures["table_cells"]) == set(figures["tables"]) == set(figures["table_schemas"])
    assert set(figures["table_cells"].values()) <= set(template_tags)
