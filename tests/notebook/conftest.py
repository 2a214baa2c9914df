"""Fixtures for the notebook-level figure tests: built packs (demo and real) and the recompute helpers."""

from __future__ import annotations

import importlib.util
import json
import re
from functools import cached_property
from pathlib import Path

import nbformat
import pandas as pd
import pytest

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE.parent.parent / "notebooks" / "board_pack.ipynb"


def _load_recompute():
    # --import-mode=importlib gives test folders no package, so the helper module is loaded by path.
    spec = importlib.util.spec_from_file_location("boardpack_notebook_tests_recompute", HERE / "recompute.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def recompute():
    """The independent recomputation module (tests/notebook/recompute.py)."""
    return _load_recompute()


class BuiltPack:
    """One borough's published outputs: figures.json, tables/*.csv, the executed notebook and the PDF."""

    def __init__(self, folder: Path, data_dir: Path):
        self.folder = Path(folder)
        self.data_dir = Path(data_dir)

    @cached_property
    def figures(self) -> dict:
        return json.loads((self.folder / "figures.json").read_text(encoding="utf-8"))

    def table(self, table_id: str) -> pd.DataFrame:
        return pd.read_csv(self.folder / "tables" / f"{table_id}.csv")

    @cached_property
    def notebook(self):
        return nbformat.read(self.folder / "board_pack.ipynb", as_version=4)

    @cached_property
    def pdf(self):
        from pypdf import PdfReader

        return PdfReader(self.folder / "board_pack.pdf")

    @cached_property
    def pdf_text(self) -> str:
        # Line breaks fall anywhere in a paragraph, so all white space is made one space.
        return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in self.pdf.pages))

    @cached_property
    def outline_titles(self) -> list[str]:
        def walk(items):
            for item in items:
                if isinstance(item, list):
                    yield from walk(item)
                else:
                    yield item.title

        return list(walk(self.pdf.outline))


def _packs(report, data_dir: Path) -> dict[str, BuiltPack]:
    assert report.ok, [(r.borough, r.error, r.failing_cell) for r in report.results]
    return {r.slug: BuiltPack(report.period_dir / r.slug, data_dir) for r in report.results}


@pytest.fixture(scope="session")
def demo_data_dir() -> Path:
    """The generated demo dataset the demo packs are built from."""
    from boardpack.demo import ensure_demo_data

    return Path(ensure_demo_data())


@pytest.fixture(scope="session")
def demo_built(demo_packs, demo_data_dir) -> dict[str, BuiltPack]:
    """The two demo packs of tests/conftest.py's ``demo_packs``, by slug."""
    return _packs(demo_packs, demo_data_dir)


@pytest.fixture(scope="session")
def real_built(real_packs, real_data_dir) -> dict[str, BuiltPack]:
    """The two real packs, by slug."""
    return _packs(real_packs, real_data_dir)


# Each notebook-level figure test runs on these packs: two demo boroughs, and two real ones when
# ../shared/data is present.
CASES = [
    pytest.param(("demo", "waltham-forest"), id="demo-waltham-forest"),
    pytest.param(("demo", "camden"), id="demo-camden"),
    pytest.param(("real", "lambeth"), id="real-lambeth", marks=pytest.mark.real_data),
    pytest.param(("real", "waltham-forest"), id="real-waltham-forest", marks=pytest.mark.real_data),
]


@pytest.fixture(params=CASES)
def pack(request) -> BuiltPack:
    """One built pack of :data:`CASES`."""
    kind, slug = request.param
    return request.getfixturevalue(f"{kind}_built")[slug]


@pytest.fixture(scope="session")
def template_headings() -> list[str]:
    """The section headings (``## ...``) of the template notebook."""
    nb = nbformat.read(TEMPLATE, as_version=4)
    return [line[3:].strip() for cell in nb.cells if cell.cell_type == "markdown"
            for line in cell.source.splitlines() if line.startswith("## ")]


@pytest.fixture(scope="session")
def template_tags() -> list[str]:
    """The tag of every code cell of the template, in order."""
    nb = nbformat.read(TEMPLATE, as_version=4)
    return [t for cell in nb.cells if cell.cell_type == "code" for t in cell.metadata.get("tags", [])]


@pytest.fixture(scope="session")
def real_2015(real_data_dir, tmp_path_factory) -> BuiltPack:
    """Waltham Forest on the real data to December 2015: a period of the 2013-16 plan (skipped without the data)."""
    from boardpack.batch import run_all

    out = tmp_path_factory.mktemp("real-2015")
    report = run_all(["Waltham Forest"], data_dir=real_data_dir, period="2015-12", output_dir=out, jobs=1,
                     progress=False)
    return _packs(report, real_data_dir)["waltham-forest"]
