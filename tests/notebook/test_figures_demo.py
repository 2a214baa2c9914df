"""Demo data, Waltham Forest and Camden built end to end: every figure recomputed from the raw files.

The expected numbers come from tests/notebook/recompute.py, which reads the demo dataset's raw
files with csv/pandas/pyshp and never calls the boardpack loaders, metrics or sections.
"""

import pytest

pytestmark = pytest.mark.slow

SLUGS = ["waltham-forest", "camden"]


@pytest.fixture(params=SLUGS)
def pack(request, demo_built):
    return demo_built[request.param]


def test_both_boroughs_built(demo_built):
    assert sorted(demo_built) == sorted(SLUGS)


def test_notebook_has_no_error_output_and_every_section_cell(pack, template_tags):
    cells = pack.notebook.cells
    errors = [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(cells) if c.cell_type == "code"
              for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    stderr = [o.text for c in cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.output_type == "stream" and o.name == "stderr" and "Traceback" in o.text]
    assert stderr == []
    executed = [t for c in cells if c.cell_type == "code" for t in c.metadata.get("tags", [])]
    assert [t for t in executed if t in template_tags] == template_tags
    assert all(c.get("execution_count") for c in cells if c.cell_type == "code")


def test_pdf_has_every_section_heading(pack, template_headings):
    for heading in template_headings:
        assert heading in pack.pdf_text, heading
        assert heading in pack.outline_titles, heading


def test_pdf_prints_the_key_figures(pack, recompute):
    sentences = recompute.key_sentences(pack.figures)
    assert len(sentences) == 5  # crime, confidence (2), stop and search, complaints: all built on the demo data
    for sentence in sentences:
        assert sentence in pack.pdf_text, sentence


def test_header(pack, recompute, demo_data_dir):
    recompute.check_header(pack.figures, demo_data_dir, pack.figures["gss_code"], "2026-09")
    assert pack.figures["data"] == "demo"


def test_recorded_crime_equals_raw_wide_files(pack, recompute):
    assert pack.figures["recorded_crime"]["vintage"] == "upper_2010"  # the demo copies that layout only
    recompute.check_recorded_crime(pack.figures, pack.data_dir)
    recompute.check_rates(pack.figures, pack.data_dir)


def test_confidence_equals_raw_pas(pack, recompute):
    expected = recompute.check_confidence(pack.figures, pack.data_dir)
    table = pack.table("confidence-ranked")
    assert list(zip(table["borough"], table["value"], table["rank"])) == \
        [(n, v, r) for n, v, r in expected["ranking"]]
    assert set(table["mps"]) == {expected["mps"]}


def test_stop_search_equals_raw_records(pack, recompute):
    expected = recompute.check_stop_search(pack.figures, pack.data_dir)
    # The demo's schematic tiles place most records; every month is in the data.
    assert all(m["searches"] > 0 for m in expected["monthly"])


def test_complaints_equal_raw_csvs(pack, recompute):
    recompute.check_complaints(pack.figures, pack.data_dir)
