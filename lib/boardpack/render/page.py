"""nbconvert's HTML export without its second pass over the page.

``HTMLExporter.from_notebook_node`` adds two filters for nbconvert's own templates (code
highlighting and the widget-output choice), renders the template, then parses the whole page
again to give each ``<img>`` without ``alt`` a default text and to make the cells of nbconvert's
own templates focusable, and writes the parse back out. The board-pack templates use neither
filter and draw none of those cells, so on a page of 1–2 MB that pass changed nothing but the
spelling of the markup, and took most of the render time. :class:`TemplatePageExporter` is an
``HTMLExporter`` (its template paths, resources and ``markdown2html`` filter) that renders
through ``TemplateExporter.from_notebook_node``, the public method of the class it is built on,
and returns the page as the template wrote it; :func:`with_alt_text` keeps the alt-text
guarantee with a scan of the ``<img>`` tags.
"""

from __future__ import annotations

import logging
import re

from nbconvert.exporters import HTMLExporter, TemplateExporter

# nbconvert's text for an image that has none, so a page reads as it did before.
DEFAULT_ALT = "No description has been provided for this image"
_ATTR = r"""[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
# Comments, scripts and styles are skipped whole (an "<img" inside them is text, not a tag).
_IMG_TAG = re.compile(
    rf"<(?:!--.*?-->|(script|style)\b.*?</\1\s*>|img(?P<attrs>(?:\s+{_ATTR}|\s*/(?!>))*)(?P<end>\s*/?>))",
    re.IGNORECASE | re.DOTALL,
)
_ATTR_NAME = re.compile(rf"({_ATTR})")


def _has_alt(attrs: str) -> bool:
    return any(m.group(1).split("=", 1)[0].strip().lower() == "alt" for m in _ATTR_NAME.finditer(attrs))


def with_alt_text(html: str, log: logging.Logger | None = None) -> str:
    """The page with every ``<img>`` carrying an ``alt`` attribute.

    An image without one gets nbconvert's default text (:data:`DEFAULT_ALT`) and a warning, as
    nbconvert's own HTML export gives it; the rest of the page is returned as it is.

    Parameters
    ----------
    html : str
        A rendered page or fragment.
    log : logging.Logger, optional
        Where the warning goes; this module's logger when not given.

    Returns
    -------
    str
        ``html``, unchanged when every image already has alt text.
    """
    missing = 0

    def add_alt(match: re.Match) -> str:
        nonlocal missing
        if match.group("end") is None or _has_alt(match.group("attrs")):
            return match.group(0)
        missing += 1
        return f'<img{match.group("attrs")} alt="{DEFAULT_ALT}"{match.group("end")}'

    out = _IMG_TAG.sub(add_alt, html)
    if missing:
        (log or logging.getLogger(__name__)).warning("Alternative text is missing on %s image(s).", missing)
    return out


class TemplatePageExporter(HTMLExporter):
    """An HTML exporter that returns the page as its template renders it.

    Its templates may use what an ``HTMLExporter`` gives a template (resources, ``markdown2html``
    and nbconvert's other default filters) but not the two filters ``HTMLExporter`` adds only
    while it renders (``highlight_code``, ``filter_data_type``); the only change made to the
    result is alt text for an image without it (:func:`with_alt_text`).
    """

    def from_notebook_node(self, nb, resources=None, **kw):
        """Render the notebook through the template; the page is not parsed and written again."""
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return with_alt_text(html, self.log), resources
