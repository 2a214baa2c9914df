"""The exporters return the page as the template wrote it, and every image on it has alt text."""

import base64
import logging
from html.parser import HTMLParser

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from boardpack.render.exporters import BoardPackAuditExporter, BoardPackHTMLExporter
from boardpack.render.page import DEFAULT_ALT, with_alt_text

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode("ascii")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
EXPORTERS = [BoardPackHTMLExporter, BoardPackAuditExporter]


class Tags(HTMLParser):
    """Every ``<img>``'s attributes, and the non-void elements written as ``<tag/>``."""

    def __init__(self, page):
        super().__init__()
        self.images, self.self_closed = [], []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID:
            self.self_closed.append(tag)
        self.handle_starttag(tag, attrs)


def notebook():
    """A heading, text, and images with and without alt text: in markdown, as HTML and as PNG outputs."""
    return new_notebook(cells=[
        new_markdown_cell(f'## Recorded crime\n\nOffences recorded.\n\n<img src="data:image/png;base64,{PNG}">'),
        new_code_cell("chart()", execution_count=1, outputs=[
            new_output("display_data", data={"text/html": f'<div class="figure"><img src="data:image/png;base64,{PNG}"'
                                                          ' alt="Line chart of offences"/></div>'}),
            new_output("display_data", data={"text/html": f'<div><img src="data:image/png;base64,{PNG}"></div>'}),
            new_output("display_data", data={"image/png": PNG}),
        ]),
    ])


def export(exporter_cls):
    body, _ = exporter_cls().from_notebook_node(notebook(), resources={"metadata": {"name": "board_pack"}})
    return body


@pytest.fixture
def no_reparse(monkeypatch):
    """Fail if nbconvert's parse-and-rewrite of the whole page runs."""
    import nbconvert.exporters.html

    def reparse(*args, **kwargs):
        raise AssertionError("the page was parsed and written again")

    monkeypatch.setattr(nbconvert.exporters.html, "BeautifulSoup", reparse)


@pytest.mark.parametrize("exporter_cls", EXPORTERS)
def test_the_page_is_not_parsed_and_written_again(exporter_cls, no_reparse):
    page = export(exporter_cls)
    # A rewrite would spell these as <meta charset="utf-8"/> and <br/>.
    assert '<meta charset="utf-8">' in page
    assert "<br/>" not in page and "tabindex" not in page


@pytest.mark.parametrize("exporter_cls", EXPORTERS)
def test_every_image_has_alt_text_and_no_element_is_self_closed(exporter_cls, caplog):
    with caplog.at_level(logging.WARNING):
        tags = Tags(export(exporter_cls))
    assert len(tags.images) >= 3
    assert all(img.get("alt") for img in tags.images), tags.images
    assert "Line chart of offences" in [img["alt"] for img in tags.images]
    assert DEFAULT_ALT in [img["alt"] for img in tags.images]  # the notebook's images that had none
    assert "Alternative text is missing" in caplog.text
    assert tags.self_closed == []


def test_with_alt_text_adds_alt_only_where_it_is_missing():
    page = ('<p>a</p><img src="a.png"><img src="b.png" title="x > alt=y"/><img ALT="c" src="c.png">'
            '<img alt src="d.png"><img\nsrc=e.png\n/>')
    out = with_alt_text(page)
    assert out == (f'<p>a</p><img src="a.png" alt="{DEFAULT_ALT}">'
                   f'<img src="b.png" title="x > alt=y" alt="{DEFAULT_ALT}"/><img ALT="c" src="c.png">'
                   f'<img alt src="d.png"><img\nsrc=e.png alt="{DEFAULT_ALT}"\n/>')
    assert all("alt" in img for img in Tags(out).images)


def test_with_alt_text_leaves_comments_scripts_and_styles_alone():
    page = '<!-- <img src="a.png"> --><script>s = "<img src=b.png>";</script><style>/* <img> */</style>'
    assert with_alt_text(page) == page
    assert with_alt_text("<p>No images</p>") == "<p>No images</p>"
