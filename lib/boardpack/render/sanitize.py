"""An allow-list HTML sanitizer for notebook outputs shown in the audit edition.

Outputs and rendered markdown are re-written from a parse, keeping only known elements and
attributes: no scripts, no event handlers, no styles that load anything, no links or images that
reach outside the page (the only ``src`` kept is a ``data:image/…;base64`` URI and the only
``href`` a ``#fragment``). Text is escaped again on the way out, and every element opened is
closed, so an output cannot break out of the block it is shown in.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

ALLOWED_TAGS = frozenset({
    "a", "abbr", "aside", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul", "var",
})
VOID_TAGS = frozenset({"br", "col", "hr", "img"})
# Elements dropped together with everything inside them.
DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "iframe", "object", "embed", "noscript", "template", "title", "textarea",
    "select", "svg", "math", "frame", "frameset", "noframes", "applet", "head", "xmp", "plaintext",
    "noembed",
})
ALLOWED_ATTRS = frozenset({
    "class", "id", "title", "lang", "dir", "role", "scope", "colspan", "rowspan", "headers", "align",
    "valign", "border", "alt", "width", "height", "start", "reversed", "span", "open", "style",
})
_ATTR_NAME = re.compile(r"^(?:aria|data)-[a-z0-9-]+$")
_DATA_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]+$")
_SAFE_STYLE = re.compile(r"^[\sa-zA-Z0-9#%.,:;()\-]*$")
_STYLE_FORBIDDEN = re.compile(r"url|image|expression|behavior|binding|@", re.IGNORECASE)


def safe_style(value: str) -> bool:
    """Whether an inline style only sets plain properties (nothing it could load or run)."""
    return bool(_SAFE_STYLE.match(value)) and not _STYLE_FORBIDDEN.search(value)


def safe_data_image(value: str) -> bool:
    """Whether ``value`` is a base64 ``data:image/…`` URI (the only image source the audit keeps)."""
    return bool(_DATA_IMAGE.match(value.strip()))


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class _Sanitizer(HTMLParser):
    def __init__(self, heading_shift: int = 0):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping = 0
        self.heading_shift = heading_shift

    def _shift(self, tag: str) -> str:
        if self.heading_shift and tag in _HEADINGS:
            return f"h{min(6, max(1, int(tag[1]) + self.heading_shift))}"
        return tag

    def _attrs(self, tag, attrs) -> str | None:
        kept = []
        for name, value in attrs:
            name = (name or "").lower()
            value = "" if value is None else str(value)
            if name.startswith("on"):
                continue
            if tag == "a" and name == "href":
                if value.strip().startswith("#"):
                    kept.append((name, value.strip()))
                continue
            if tag == "img" and name == "src":
                if safe_data_image(value):
                    kept.append((name, re.sub(r"\s+", "", value)))
                continue
            if name == "style" and not safe_style(value):
                continue
            if name in ALLOWED_ATTRS or _ATTR_NAME.match(name):
                kept.append((name, value))
        if tag == "img" and not any(n == "src" for n, _ in kept):
            return None  # an image from anywhere but a data: URI is left out
        return "".join(f' {n}="{html.escape(v, quote=True)}"' for n, v in kept)

    def handle_starttag(self, tag, attrs):
        tag = self._shift(tag.lower())
        if self.dropping:
            if tag in DROPPED_WITH_CONTENT:
                self.dropping += 1
            return
        if tag in DROPPED_WITH_CONTENT:
            self.dropping = 1
            return
        if tag not in ALLOWED_TAGS:
            return
        rendered = self._attrs(tag, attrs)
        if rendered is None:
            return
        self.out.append(f"<{tag}{rendered}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        tag = self._shift(tag.lower())
        if tag in DROPPED_WITH_CONTENT:
            return  # ``<svg/>``: nothing inside to drop
        self.handle_starttag(tag, attrs)
        if not self.dropping and tag in ALLOWED_TAGS and tag not in VOID_TAGS and self.open and self.open[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        tag = self._shift(tag.lower())
        if self.dropping:
            if tag in DROPPED_WITH_CONTENT:
                self.dropping -= 1
            return
        if tag not in self.open:
            return
        while self.open:
            top = self.open.pop()
            self.out.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
        return "".join(self.out)


def sanitize_html(text: str, heading_shift: int = 0) -> str:
    """Re-write an HTML fragment keeping only allow-listed, self-contained markup.

    Parameters
    ----------
    text : str
        An HTML fragment, e.g. a ``text/html`` output or rendered markdown.
    heading_shift : int
        Levels to move headings down (1: ``h1`` becomes ``h2``), so a fragment's headings sit
        under the page's own; levels stop at ``h6``.

    Returns
    -------
    str
        The fragment without scripts, event handlers, external links, external images or
        styles that load anything; all text escaped and every element closed.
    """
    parser = _Sanitizer(heading_shift)
    parser.feed(str(text))
    return parser.result()
