"""HTML to tagged A4 PDF with WeasyPrint, reading nothing but the page itself and its build folder."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint
from weasyprint.urls import URLFetcher

from ..clock import fixed_time
from ..errors import RenderError
from .pdf_images import png_rows_passed_through


class BuildFolderFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves ``data:`` URLs and files inside one folder only.

    Anything else — http(s), ftp, files elsewhere on disk — is refused, so rendering never
    touches the network or reads outside the build.

    Parameters
    ----------
    build_dir : str or Path, optional
        The only folder files may be read from; None allows no files at all.
    """

    def __init__(self, build_dir: str | Path | None = None, **kwargs):
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False, **kwargs)
        self.root = Path(build_dir).resolve() if build_dir else None

    def fetch(self, url, headers=None):
        """Fetch ``url`` if :meth:`allows` it, else refuse with :class:`RenderError`."""
        if not self.allows(url):
            raise RenderError(f"refused to fetch {url!r}: the renderer reads only the page and its build folder")
        return super().fetch(url, headers)

    def allows(self, url: str) -> bool:
        """Whether ``url`` is a data URL or a file inside the build folder."""
        if url.startswith("data:"):
            return True
        parsed = urlparse(url)
        if parsed.scheme != "file" or self.root is None:
            return False
        path = Path(unquote(parsed.path)).resolve()
        return path == self.root or self.root in path.parents


def html_to_pdf(html: str, build_dir: str | Path | None = None) -> bytes:
    """Render HTML to a PDF/UA-1 tagged A4 PDF.

    Parameters
    ----------
    html : str
        A complete document with ``lang`` and ``<title>`` set (they become the PDF's
        language and title).
    build_dir : str or Path, optional
        The only folder files may be read from.

    Returns
    -------
    bytes
        The PDF, with bookmarks from the headings and figure alt text in its tags.
    """
    base = Path(build_dir).resolve().as_uri() + "/" if build_dir else None
    doc = weasyprint.HTML(string=html, base_url=base, url_fetcher=BuildFolderFetcher(build_dir))
    # Font subsets carry SOURCE_DATE_EPOCH, not the clock: same bytes on a rebuild. Plain PNG
    # charts go into the PDF with their own compressed rows (.pdf_images).
    with fixed_time(), png_rows_passed_through():
        return doc.write_pdf(pdf_variant="pdf/ua-1")
