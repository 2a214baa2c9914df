"""Real public data to February 2019, Lambeth and Waltham Forest built end to end.

Skipped when ../shared/data (or $BOARDPACK_REAL_DATA) is absent. The expected numbers come from
tests/notebook/recompute.py, which reads the raw files with csv/pandas/pyshp/pyproj/shapely and
never calls the boardpack loaders, metrics or sections. No real figure is written into this file
except the published Census totals docs/method.md quotes for the reference pack.
"""

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.real_data]

SLUGS = ["lambeth", "waltham-forest"]
PERIOD = "2019-02"
# Not built from these data (no public borough file), so each must say why instead of a figure.
NOT_PUBLISHED = ("asb", "victim_satisfaction", "complaints", "custody_visits", "criminal_justice")


@pytest.fixture(params=SLUGS)
def pack(request, real_built):
    return real_built[request.param]


def test_both_boroughs_built(real_built):
    assert sorted(real_built) == sorted(SLUGS)


def test_notebook_has_no_error_output_and_every_section_cell(pack, template_tags):
    cells = pack.notebook.cells
    errors = [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(cells) if c.cell_type == "code"
              for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    executed = [t for c in cells if c.cell_type == "code" for t in c.metadata.get("tags", [])]
    assert [t for t in executed if t in template_tags] == template_tags


def test_pdf_has_every_section_heading(pack, template_headings):
    for heading in template_headings:
        assert heading in pack.pdf_text, heading
        assert heading in pack.outline_titles, heading


def test_pdf_prints_the_key_figures(pack, recompute):
    sentences = recompute.key_sentences(pack.figures)
    assert len(sentences) == 4  # crime, confidence (2), stop and search; no complaints file
    for sentence in sentences:
        assert sentence in pack.pdf_text, sentence
    assert "DEMO" not in pack.pdf_text


def test_header(pack, recompute, real_data_dir):
    recompute.check_header(pack.figures, real_data_dir, pack.figures["gss_code"], PERIOD)
    assert pack.figures["data"] == "real"


def test_sections_without_public_data_say_why(pack):
    for section in NOT_PUBLISHED:
        rec = pack.figures[section]
        assert rec["available"] is False and rec["reason"], section


def test_recorded_crime_equals_raw_wide_files(pack, recompute):
    # docs/method.md: mixed_2010 is the vintage used from 2019 to January 2024.
    assert pack.figures["recorded_crime"]["vintage"] == "mixed_2010"
    recompute.check_recorded_crime(pack.figures, pack.data_dir)
    recompute.check_rates(pack.figures, pack.data_dir)


def test_confidence_equals_raw_pas(pack, recompute):
    expected = recompute.check_confidence(pack.figures, pack.data_dir)
    assert expected["quarter_end"] == "2018-12"
    table = pack.table("confidence-ranked")
    assert list(zip(table["borough"], table["value"], table["rank"])) == \
        [(n, v, r) for n, v, r in expected["ranking"]]


def test_stop_search_equals_raw_records(pack, recompute):
    recompute.check_stop_search(pack.figures, pack.data_dir)


def test_census_fold_reproduces_the_reference_pack_population(real_built, recompute, real_data_dir):
    # docs/method.md: Waltham Forest's printed Figure 12 populations, reproduced only by the "mps" fold.
    assert recompute.census_population(real_data_dir, "E09000031", 2011) == \
        {"White": 134799, "Black": 51762, "Asian": 54412, "Other": 17276}
    pop = real_built["waltham-forest"].figures["stop_search"]["population"]
    assert (pop["White"], pop["Black"], pop["Asian"], pop["Other"]) == (134799, 51762, 54412, 17276)
