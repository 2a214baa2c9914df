"""nbconvert preprocessor: lift the pack's metadata and contents out of the executed notebook."""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor
from traitlets import List, Unicode

from ..meta import META_MIMETYPE

_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$", re.MULTILINE)


class BoardPackMetaPreprocessor(Preprocessor):
    """Collect the cover metadata and the contents (level-2 headings) into ``resources["boardpack"]``.

    The metadata output the setup cell displays is removed, so it never prints in the pack.
    """

    def preprocess(self, nb, resources):
        """Move the metadata output into ``resources`` and list the level-2 headings."""
        meta, toc = {}, []
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                for title in _HEADING.findall(cell.source):
                    toc.append({"id": f"cell-{cell.get('id', len(toc))}", "title": title})
            elif cell.cell_type == "code":
                kept = []
                for out in cell.get("outputs", []):
                    data = out.get("data", {})
                    if META_MIMETYPE in data:
                        meta = dict(data[META_MIMETYPE])
                        continue
                    kept.append(out)
                cell.outputs = kept
        resources.setdefault("boardpack", {}).update(
            {"meta": meta, "toc": toc, "page_css": page_css(meta)}
        )
        return nb, resources


def css_string(text: str) -> str:
    """Quote text as a CSS string literal (data-derived text must not break out of it)."""
    escaped = "".join(ch if ch.isalnum() or ch in " -–,.()&'" else f"\\{ord(ch):x} " for ch in str(text))
    return f'"{escaped}"'


def page_css(meta: dict) -> str:
    """The @page rules that carry the borough and period in the running header on every page."""
    if not meta:
        return ""
    header = css_string(f"{meta.get('borough', '')} SNB performance summary · data to {meta.get('period_label', '')}")
    demo = css_string("DEMO DATA – NOT OFFICIAL STATISTICS") if meta.get("demo") else '""'
    return (
        f"@page {{ @top-left {{ content: {header}; }} @top-right {{ content: {demo}; }} "
        "@bottom-right { content: \"Page \" counter(page) \" of \" counter(pages); } }\n"
        "@page :first { @top-left { content: none; } @bottom-right { content: none; } }\n"
    )


class TagPrefixRemovePreprocessor(Preprocessor):
    """Remove whole cells (input and outputs) that carry a tag starting with one of ``prefixes``.

    nbconvert's ``TagRemovePreprocessor`` matches whole tags only; the pack hides every
    ``compute-…`` cell (the working tables behind a section), whatever follows the prefix.
    """

    prefixes = List(Unicode(), default_value=[]).tag(config=True)

    def hides(self, cell) -> bool:
        """Whether any of the cell's tags starts with one of the prefixes."""
        tags = cell.get("metadata", {}).get("tags", []) or []
        return any(str(tag).startswith(p) for tag in tags for p in self.prefixes if p)

    def preprocess(self, nb, resources):
        """Drop the matching cells."""
        nb.cells = [cell for cell in nb.cells if not self.hides(cell)]
        return nb, resources
