"""The renderer reads only the page and its build folder, and writes tagged A4 PDF."""

import io

import pytest
from pypdf import PdfReader

from boardpack.errors import RenderError
from boardpack.render.pdf import BuildFolderFetcher, html_to_pdf

PAGE = '<html lang="en-GB"><head><title>T</title></head><body><h1>Heading</h1>{body}</body></html>'


def test_pdf_is_a4_tagged_with_title_and_language():
    pdf = html_to_pdf(PAGE.format(body="<p>Hello board</p>"))
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == "T"
    assert "Hello board" in reader.pages[0].extract_text()


def test_fetcher_refuses_network_and_outside_files(tmp_path):
    fetcher = BuildFolderFetcher(tmp_path)
    for url in ("http://example.com/x.png", "https://example.com/a.css", "file:///etc/passwd",
                (tmp_path.parent / "x.png").as_uri()):
        with pytest.raises(RenderError, match="refused"):
            fetcher.fetch(url)
    inside = tmp_path / "ok.css"
    inside.write_text("p{}")
    assert fetcher.fetch(inside.as_uri()).read() == b"p{}"
    assert fetcher.allows("data:image/png;base64,AAAA")


def test_remote_images_are_not_fetched(tmp_path):
    # The page still renders; the remote image is simply left out.
    pdf = html_to_pdf(PAGE.format(body='<img src="http://127.0.0.1:9/x.png" alt="x"><p>after</p>'), build_dir=tmp_path)
    assert "after" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
