"""The HTML twin's headings carry whole (hidden) anchor links, so the PDF drawn from it is whole.

nbconvert writes an empty anchor link as ``<a … />``, which an HTML5 parser (WeasyPrint's) reads
as an open link that swallows the rest of the section; the twin's links hold nbconvert's "¶",
which the page's style hides.
"""

import io
import re

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pypdf import PdfReader

from boardpack.meta import META_MIMETYPE
from boardpack.render.exporters import BoardPackHTMLExporter, BoardPackPDFExporter

META = {"borough": "Camden", "gss_code": "E09000007", "period": "2019-02", "period_label": "February 2019",
        "built": "2019-03-01T10:00:00", "demo": True}


def notebook():
    return new_notebook(cells=[
        new_code_cell("pack.cover()", execution_count=1,
                      outputs=[new_output("display_data", data={META_MIMETYPE: META, "text/plain": "cover"})]),
        new_markdown_cell("## Recorded crime\n\nOffences recorded by the MPS.", id="aaaa1111"),
        new_markdown_cell("## Stop *and* search\n\nSearches in the borough.", id="bbbb2222"),
        new_markdown_cell("### Outcomes\n\nWhat followed each search.", id="cccc3333"),
    ])


def export(exporter_cls, **config):
    body, _ = exporter_cls(**config).from_notebook_node(notebook(), resources={"metadata": {"name": "board_pack"}})
    return body


def test_headings_keep_their_ids_and_whole_anchor_links():
    page = export(BoardPackHTMLExporter)
    assert re.search(r'<h2 id="Recorded-crime">Recorded crime<a class="anchor-link" href="#Recorded-crime">'
                     r"(¶|&#182;)</a></h2>", page)
    assert '<h3 id="Outcomes">' in page
    assert not re.search(r"<a\b[^>]*/>", page)
    assert "a.anchor-link { display: none; }" in page  # the "¶" is neither shown nor read out


def test_the_contents_link_to_elements_on_the_page():
    page = export(BoardPackHTMLExporter)
    targets = re.findall(r'<a class="toc" href="#([^"]+)"', page)
    assert targets == ["cell-aaaa1111", "cell-bbbb2222"]
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    assert set(targets) <= ids


def test_the_pdf_keeps_every_section_and_no_pilcrow():
    pdf = export(BoardPackPDFExporter)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for words in ("Offences recorded by the MPS", "Searches in the borough", "What followed each search"):
        assert words in text
    assert "¶" not in text
