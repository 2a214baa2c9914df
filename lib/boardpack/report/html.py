"""Small, escaped HTML fragments that sections are assembled from.

Every piece of data-derived text passes through :func:`esc`, so a borough or category
label can never inject markup into the pack.
"""

from __future__ import annotations

import base64
import html
import re


def esc(text) -> str:
    """HTML-escape any value's text."""
    return html.escape(str(text), quote=True)


def slugify(text: str) -> str:
    """A stable id for an anchor or a file name: ``"Stop and search"`` -> ``"stop-and-search"``."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).casefold()).strip("-")


def paragraph(text: str, cls: str | None = None) -> str:
    """One escaped paragraph."""
    attr = f' class="{esc(cls)}"' if cls else ""
    return f"<p{attr}>{esc(text)}</p>"


def bullet_list(items: list[str]) -> str:
    """An escaped bulleted list."""
    return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def source_line(text: str) -> str:
    """The "Source: …" line under a chart or table."""
    return f'<p class="source">Source: {esc(text)}</p>'


def data_to_line(label: str) -> str:
    """The "Data to …" line that opens a section."""
    return f'<p class="data-to">Data to {esc(label)}</p>'


def not_available_box(title: str, reason: str, needed: str | None = None) -> str:
    """The box a section shows instead of a chart or table when its data is missing.

    Parameters
    ----------
    title : str
        What is missing, e.g. "Anti-social behaviour calls".
    reason : str
        Why, in plain words.
    needed : str, optional
        What would make it available (which input, where it is documented).
    """
    extra = f"<p>{esc(needed)}</p>" if needed else ""
    return (
        f'<div class="not-available" role="note"><p class="na-title">Not available: {esc(title)}</p>'
        f"<p>{esc(reason)}</p>{extra}</div>"
    )


def figure(png: bytes, alt: str, caption: str, source: str, fig_id: str) -> str:
    """An embedded PNG chart with alt text, a numbered caption and its source line."""
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure class="chart" id="{esc(fig_id)}">'
        f'<figcaption>{esc(caption)}</figcaption>'
        f'<img src="data:image/png;base64,{data}" alt="{esc(alt)}"/>'
        f"{source_line(source)}</figure>"
    )


def section_block(parts: list[str], section_id: str, demo: bool) -> str:
    """Wrap a section's fragments; demo packs carry the marking on the section itself too."""
    marker = '<p class="demo-flag">DEMO DATA – NOT OFFICIAL STATISTICS</p>' if demo else ""
    return f'<div class="pack-section" data-section="{esc(section_id)}">{marker}{"".join(parts)}</div>'
