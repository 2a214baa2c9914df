"""Every section's compute cell shows its tables in the executed notebook, never in the pack."""

from __future__ import annotations

import nbformat
import pytest

from .conftest import TEMPLATE

SECTIONS = ("recorded-crime", "asb", "confidence", "complaints", "stop-search", "custody", "criminal-justice")


def compute_cells(nb) -> dict[str, object]:
    return {tag[len("compute-"):]: cell for cell in nb.cells for tag in cell.metadata.get("tags", [])
            if tag.startswith("compute-")}


def test_the_template_has_a_compute_cell_for_every_section():
    cells = compute_cells(nbformat.read(str(TEMPLATE), as_version=4))
    assert set(SECTIONS) <= set(cells)
    for name, cell in cells.items():
        assert "metrics." in cell.source or "pack.compute" in cell.source, name
        assert not cell.get("outputs"), name  # committed without outputs


@pytest.mark.slow
@pytest.mark.parametrize("slug", ["waltham-forest", "camden"])
def test_compute_tables_are_in_the_notebook_and_audit_but_not_the_pack(demo_built, slug):
    pack = demo_built[slug]
    executed = nbformat.read(str(pack.folder / "board_pack.ipynb"), as_version=4)
    for name, cell in compute_cells(executed).items():
        tables = [o for o in cell.outputs if "<table" in o.get("data", {}).get("text/html", "")]
        assert tables, f"compute-{name} shows no table"
    twin = (pack.folder / "board_pack.html").read_text(encoding="utf-8")
    audit = (pack.folder / "board_pack.audit.html").read_text(encoding="utf-8")
    assert 'class="dataframe' not in twin
    assert 'class="dataframe' in audit
    for name in SECTIONS:
        assert f"compute-{name}" in audit
