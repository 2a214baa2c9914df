"""The audit edition shows every cell's code and outputs, safely; the pack hides compute cells."""

import re
from html.parser import HTMLParser
from importlib.metadata import entry_points

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from boardpack.meta import META_MIMETYPE
from boardpack.render.audit import load_method_notes, notebook_parameters, render_output
from boardpack.render.exporters import (
    BoardPackAuditExporter,
    BoardPackHTMLExporter,
    BoardPackPDFExporter,
    render_audit,
)

SCRIPT = "<script>alert(1)</script>"
ONERROR = '<img src=x onerror="alert(2)">'
SHA = "ab" * 32

FACTS = {
    "options": {"census_fold": "mps", "crime_vintage": "auto"},
    "inputs": {
        "crime": {"status": "ok", "files": [{"path": "mps_borough_crime/MPS_Borough_Level_Crime.csv", "sha256": SHA}]},
        "asb": {"status": "absent", "files": [], "problem": "no asb/asb_calls.csv"},
        "pas": {"status": "empty", "files": [{"path": "pas_confidence/pas.csv", "sha256": "cd" * 32}],
                "empty_files": ["pas_confidence/pas.csv"]},
    },
    "boardpack_version": "0.1.0",
    "git_commit": "0123456789abcdef0123456789abcdef01234567",
    "coverage": {"recorded_crime": {"available": True, "reason": ""},
                 "asb": {"available": False, "reason": "ASB calls are not published by borough"}},
}


def _meta(**over):
    meta = {"borough": "Camden", "gss_code": "E09000007", "period": "2019-02", "period_label": "February 2019",
            "built": "2019-03-01T10:00:00", "demo": True, "audit": FACTS}
    meta.update(over)
    return meta


def _frame_html(df):
    return df._repr_html_()  # what Jupyter displays for a DataFrame: a <style scoped> block and the table


def notebook(meta=None, extra_cells=()):
    """A small executed board-pack-like notebook: parameters, setup (metadata), a section, a compute cell."""
    compute_df = pd.DataFrame({"category": ["Burglary", SCRIPT], "count": [12, 3]})
    cells = [
        new_markdown_cell("# Safer Neighbourhood Board performance summary", metadata={"tags": ["intro"]}),
        new_code_cell('borough = "Camden"\nperiod = "2019-02"', metadata={"tags": ["parameters"]}, execution_count=1),
        new_code_cell("pack = BoardPack.open(borough, period)\npack.cover()", metadata={"tags": ["setup"]},
                      execution_count=2,
                      outputs=[new_output("display_data", data={META_MIMETYPE: meta or _meta(),
                                                                 "text/plain": "Camden cover"})]),
        new_markdown_cell("## Recorded crime\n\nOffences recorded by the MPS."),
        new_code_cell("crime_frame = compute_recorded_crime(pack)\ncrime_frame", execution_count=3,
                      metadata={"tags": ["compute-recorded-crime"]},
                      outputs=[new_output("execute_result", execution_count=3,
                                          data={"text/html": _frame_html(compute_df),
                                                "text/plain": compute_df.to_string()})]),
        new_code_cell("sections.recorded_crime.table(pack)", execution_count=4,
                      metadata={"tags": ["tbl-recorded-crime"]},
                      outputs=[new_output("display_data", data={
                          "text/html": '<div class="pack-section" data-section="recorded_crime">'
                                       '<table id="tbl-recorded-crime"><caption>Figure 1</caption></table></div>',
                          "text/plain": "<Section>"})]),
        *extra_cells,
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return nb


def export(exporter_cls, nb):
    body, _ = exporter_cls().from_notebook_node(nb, resources={"metadata": {"name": "board_pack"}})
    return body


class Outline(HTMLParser):
    """Tags, attributes and text of a page, for structural checks."""

    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.text, self.title = [], [], [], None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title = (self.title or "") + data
        self.text.append(data)


def outline(page):
    parser = Outline()
    parser.feed(page)
    return parser


# -- the pack hides compute cells ------------------------------------------------------------

def test_pack_html_hides_compute_cells_but_audit_shows_them():
    nb = notebook()
    pack = export(BoardPackHTMLExporter, nb)
    assert "Burglary" not in pack and "compute_recorded_crime" not in pack
    assert 'id="tbl-recorded-crime"' in pack  # the section's own table stays
    audit = export(BoardPackAuditExporter, nb)
    assert "Burglary" in audit and 'class="dataframe' in audit
    assert "crime_frame = compute_recorded_crime(pack)" in audit
    assert audit.count("<style") == 1  # the page's own; pandas' scoped style is dropped


def test_prefix_matches_any_compute_tag_only():
    extra = [new_code_cell("x", metadata={"tags": ["compute-stop-search-by-month", "other"]},
                           outputs=[new_output("display_data", data={"text/html": "<p>HIDDEN-1</p>"})]),
             new_code_cell("y", metadata={"tags": ["recompute-note"]},
                           outputs=[new_output("display_data", data={"text/html": "<p>SHOWN-2</p>"})])]
    pack = export(BoardPackHTMLExporter, notebook(extra_cells=extra))
    assert "HIDDEN-1" not in pack
    assert "SHOWN-2" in pack


def test_pdf_hides_compute_cells_too():
    import io

    from pypdf import PdfReader

    pdf = export(BoardPackPDFExporter, notebook())
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Recorded crime" in text and "Burglary" not in text


# -- the audit edition's content ------------------------------------------------------------------

def test_audit_shows_every_cell_and_the_header_facts():
    nb = notebook()
    page = export(BoardPackAuditExporter, nb)
    doc = outline(page)
    # Every code cell's source is in a <pre>, escaped.
    assert page.count('<pre class="source">') == sum(c.cell_type == "code" for c in nb.cells)
    assert "pack = BoardPack.open(borough, period)" in page
    # Markdown rendered, its headings one level below the page's own.
    assert re.search(r"<h3[^>]*>Recorded crime", page)
    # The raw metadata output is the only thing left out, and the setup cell says so.
    assert "Camden cover" not in page and META_MIMETYPE not in page
    setup = page[page.index("pack = BoardPack.open"):]
    assert setup.index("cover metadata; its facts are the header above") < setup.index("</section>")
    # Header: borough, period, parameters, hashes, version, commit.
    text = " ".join(doc.text)
    assert "Camden (E09000007)" in text and "2019-02 (data to February 2019)" in text
    assert SHA in text and "mps_borough_crime/MPS_Borough_Level_Crime.csv" in text
    assert "no asb/asb_calls.csv" in text and "Empty files: pas_confidence/pas.csv" in text
    assert FACTS["git_commit"] in text and "0.1.0" in text
    assert "census_fold" in text
    assert doc.title.startswith("Audit edition: Camden")
    assert 'lang="en-GB"' in page
    # Parameters from the parameters cell when papermill recorded none.
    assert "from the parameters cell" in text


def test_one_h1_and_no_skipped_heading_levels():
    page = export(BoardPackAuditExporter, notebook())
    levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", page)]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels


def test_method_notes_are_placed_with_their_section():
    page = export(BoardPackAuditExporter, notebook())
    notes = load_method_notes()
    assert notes["recorded_crime"]["method"].split(".")[0] in page
    row = re.search(r'<tr id="method-recorded_crime">(.*?)</tr>', page, re.S).group(1)
    assert "Recorded crime</a>" in row and ">Yes<" in row
    asb = re.search(r'<tr id="method-asb">(.*?)</tr>', page, re.S).group(1)
    assert "not in any section" in asb and "No: ASB calls are not published by borough" in asb
    # Next to the section, a link to its notes.
    assert re.search(r'Method notes for this section:\s*<a href="#method-recorded_crime">', page)


def test_method_notes_follow_compute_tags_when_outputs_do_not_say():
    extra = [new_markdown_cell("## Independent custody visits"),
             new_code_cell("visits", metadata={"tags": ["compute-custody"]}, outputs=[
                 new_output("display_data", data={"text/html": "<table><tr><td>3</td></tr></table>"})])]
    page = export(BoardPackAuditExporter, notebook(extra_cells=extra))
    row = re.search(r'<tr id="method-custody_visits">(.*?)</tr>', page, re.S).group(1)
    assert "Independent custody visits</a>" in row


def test_papermill_parameters_win_over_the_cell():
    nb = notebook()
    nb.metadata["papermill"] = {"parameters": {"borough": "Hackney", "jobs": 2}, "version": "2.6.0"}
    params, where = notebook_parameters(nb)
    assert params == {"borough": "Hackney", "jobs": 2} and where == "papermill metadata"
    page = export(BoardPackAuditExporter, nb)
    assert re.search(r'<th scope="row">borough</th><td>Hackney</td>', page)


class HeaderCells(HTMLParser):
    """Every <th> of the page outside cell outputs, with its scope."""

    VOID = {"br", "hr", "img", "col", "meta", "input", "link"}

    def __init__(self):
        super().__init__()
        self.stack, self.th = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        inside = any("output-html" in (c or "") for _, c in self.stack)
        if tag == "th" and not inside:
            self.th.append(attrs.get("scope"))
        if tag not in self.VOID:
            self.stack.append((tag, attrs.get("class")))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def test_header_tables_have_th_scope_and_caption():
    page = export(BoardPackAuditExporter, notebook())
    cells = HeaderCells()
    cells.feed(page)
    assert len(cells.th) > 20
    assert all(scope in ("row", "col", "rowgroup", "colgroup") for scope in cells.th), cells.th
    header = page[page.index("<header>"):page.index("</header>")]
    assert header.count("<table") == header.count("<caption>") == 5


# -- safety ---------------------------------------------------------------------------------------

HOSTILE = [SCRIPT, ONERROR, '<a href="javascript:alert(3)">x</a>', '<div onclick="alert(4)">d</div>',
           '<iframe src="https://evil.example/"></iframe>', '<link rel="stylesheet" href="https://evil.example/a.css">',
           '<p style="background:url(https://evil.example/b.png)">s</p>',
           '<svg onload="alert(5)"><script>alert(6)</script></svg>',
           '<img src="https://evil.example/c.png" alt="c">', '</div></section></main><script>alert(7)</script>']


def hostile_notebook():
    df = pd.DataFrame({"borough": [SCRIPT, ONERROR], "note": ["ok", "<b>x</b>"]})
    extra = [
        new_markdown_cell("## Notes\n\n" + SCRIPT + "\n\n" + ONERROR + "\n\n[out](https://evil.example/)"),
        new_code_cell("print(free_text)", execution_count=5, outputs=[
            new_output("stream", name="stdout", text=SCRIPT + "\n"),
            new_output("display_data", data={"text/html": "".join(HOSTILE)}),
            new_output("display_data", data={"text/html": df.to_html()}),
            new_output("display_data", data={"text/markdown": SCRIPT + ONERROR}),
            new_output("display_data", data={"text/plain": ONERROR}),
            new_output("error", ename="ValueError", evalue=SCRIPT, traceback=["\x1b[31m" + SCRIPT + "\x1b[0m"]),
        ]),
    ]
    return notebook(meta=_meta(borough=SCRIPT, period_label=ONERROR), extra_cells=extra)


def test_hostile_outputs_are_escaped_or_dropped():
    page = export(BoardPackAuditExporter, hostile_notebook())
    doc = outline(page)
    assert "script" not in doc.tags and "iframe" not in doc.tags and "link" not in doc.tags and "svg" not in doc.tags
    assert not [a for a in doc.attrs if a[1].startswith("on")]
    assert "<script" not in page.lower().replace("&lt;script", "")
    assert "javascript:" not in page
    # The strings are still there for the auditor to read, as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=" in page
    # Structure survives an output that tries to close the page's elements.
    assert page.rstrip().endswith("</html>") and page.count("</main>") == 1


def test_no_network_urls_are_fetched():
    page = export(BoardPackAuditExporter, hostile_notebook())
    doc = outline(page)
    for tag, name, value in doc.attrs:
        if name in ("src", "href", "srcset", "poster", "data", "action", "background"):
            assert value.startswith(("#", "data:image/")), (tag, name, value)
    assert not re.search(r"url\s*\(|@import", page, re.I)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)


def test_images_are_embedded_data_uris():
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    html_out = render_output(new_output("display_data", data={"image/png": png}), alt="Chart")
    assert html_out == f'<img class="output-image" src="data:image/png;base64,{png}" alt="Chart">'
    # Anything but base64 in an image output is not passed into the attribute.
    assert render_output(new_output("display_data", data={"image/png": '" onerror="x'})) == \
        '<p class="output-note">An output with no text or image form (MIME types: image/png).</p>'
    svg = render_output(new_output("display_data", data={"image/svg+xml": "<svg onload='x'></svg>"}))
    assert svg.startswith('<img class="output-image" src="data:image/svg+xml;base64,') and "onload" not in svg


# -- the interface the batch uses ---------------------------------------------------------------

def test_render_audit_reads_a_notebook_file(tmp_path):
    path = tmp_path / "board_pack.ipynb"
    nbformat.write(notebook(), path)
    page = render_audit(path)
    assert page.startswith("<!DOCTYPE html>") and "Burglary" in page


def test_entry_point_and_output_name(tmp_path):
    eps = {ep.name: ep.value for ep in entry_points(group="nbconvert.exporters")}
    assert eps.get("boardpack_audit") == "boardpack.render.exporters:BoardPackAuditExporter"
    from nbconvert.exporters import get_exporter

    assert get_exporter("boardpack_audit") is BoardPackAuditExporter
    assert BoardPackAuditExporter().file_extension == ".audit.html"


@pytest.mark.slow
def test_nbconvert_command_writes_audit_html(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "executed.ipynb"
    nbformat.write(notebook(), path)
    subprocess.run([sys.executable, "-m", "nbconvert", "--to", "boardpack_audit", str(path)],
                   check=True, capture_output=True)
    out = tmp_path / "executed.audit.html"
    assert out.exists() and "Burglary" in out.read_text(encoding="utf-8")
