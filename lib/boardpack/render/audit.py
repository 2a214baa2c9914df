"""The audit edition of a board pack: the executed notebook with every cell's code and every output.

It opens with a header stating the borough and period, the parameters the notebook ran with,
the sha256 of each input file, the package version, the git commit and the notes on method for
each part of the pack; then every cell follows in order, code as escaped text and outputs below
it (the compute tables included). Only the raw metadata output of the setup cell is left out —
its facts are the header.

The page is self-contained and reads nothing: CSS inline, images as ``data:`` URIs, no scripts.
Code and text outputs are escaped; HTML outputs and rendered markdown pass through the
allow-list sanitizer in :mod:`.sanitize`.

Registered as the nbconvert exporter ``boardpack_audit``; the batch calls :func:`render_audit`.
"""

from __future__ import annotations

import ast
import base64
import html
import json
import re
from functools import lru_cache
from importlib import resources as importlib_resources
from pathlib import Path

import yaml
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from nbconvert.preprocessors import Preprocessor
from traitlets import default

from ..meta import META_MIMETYPE
from .page import TemplatePageExporter
from .preprocess import BoardPackMetaPreprocessor
from .sanitize import safe_data_image, sanitize_html

TEMPLATES = Path(__file__).resolve().parent / "templates"
_HEADING2 = re.compile(r"^##\s+(.+?)\s*#*\s*$", re.MULTILINE)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
# Tag prefixes naming the kind of cell; what follows names the part (``compute-recorded-crime``).
_TAG_KINDS = ("compute-", "tbl-", "fig-", "glossary-")
_SECTION_ATTR = re.compile(r'data-section="([a-z0-9_]+)"')
_RASTER = ("image/png", "image/jpeg", "image/gif", "image/webp")
# The notebook's headings sit one level below the page's own (its title is an h2, sections h3).
NOTEBOOK_HEADING_SHIFT = 1


def esc(value) -> str:
    """HTML-escape any value's text."""
    return html.escape(str(value), quote=True)


def strip_ansi(text: str) -> str:
    """Text without terminal colour codes (tracebacks carry them)."""
    return _ANSI.sub("", str(text))


def load_method_notes() -> dict:
    """The method notes printed in the pack, ``{part: {"source", "method"}}``, from ``text/method.yaml``."""
    text = importlib_resources.files("boardpack").joinpath("text", "method.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text) or {}


def _literal(node, source: str):
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return ast.get_source_segment(source, node)


def parameters_from_cell(source: str) -> dict:
    """The ``name = value`` assignments of a parameters cell (values as literals where they are)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    params = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    params[target.id] = _literal(stmt.value, source)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            params[stmt.target.id] = _literal(stmt.value, source)
    return params


def notebook_parameters(nb) -> tuple[dict, str]:
    """The parameters the notebook ran with, and where they were read from.

    papermill records them in ``nb.metadata.papermill.parameters``; without it they are read from
    the ``parameters`` cell, overridden by an ``injected-parameters`` cell when there is one.
    """
    papermill = nb.get("metadata", {}).get("papermill") or {}
    if isinstance(papermill.get("parameters"), dict):
        return dict(papermill["parameters"]), "papermill metadata"
    params, found = {}, []
    for tag in ("parameters", "injected-parameters"):
        for cell in nb.cells:
            if cell.cell_type == "code" and tag in (cell.get("metadata", {}).get("tags") or []):
                params.update(parameters_from_cell(cell.source))
                found.append(f"the {tag} cell")
    return params, " and ".join(found) if found else "not recorded"


def show(value) -> str:
    """A header value as plain text: strings as they are, other values as JSON."""
    if value is None:
        return "not recorded"
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return str(value)


def method_keys(cell, notes: dict) -> list[str]:
    """The method-note parts a code cell belongs to: its outputs' ``data-section`` and its tags."""
    found = []
    for out in cell.get("outputs", []):
        snippet = (out.get("data") or {}).get("text/html")
        if snippet:
            found += _SECTION_ATTR.findall("".join(snippet) if isinstance(snippet, list) else str(snippet))
    for tag in cell.get("metadata", {}).get("tags") or []:
        for kind in _TAG_KINDS:
            if str(tag).startswith(kind):
                found.append(str(tag)[len(kind):].replace("-", "_"))
    keys = []
    for key in found:
        if key in notes and key not in keys:
            keys.append(key)
        else:
            # ``compute-recorded-crime-by-month`` belongs to recorded_crime, ``compute-custody`` to custody_visits.
            for known in notes:
                if (key.startswith(known + "_") or known.startswith(key + "_")) and known not in keys:
                    keys.append(known)
    return keys


def cell_anchor(cell, index: int) -> str:
    """The element id of a cell in the audit page."""
    cell_id = cell.get("id")
    return f"cell-{cell_id}" if cell_id else f"cell-{index}"


class AuditPreprocessor(Preprocessor):
    """Gather the audit header and each cell's label and part into ``resources["audit"]``.

    Runs after :class:`BoardPackMetaPreprocessor`, which lifts the cover metadata (and its
    ``audit`` facts) out of the setup cell's outputs.
    """

    def preprocess(self, nb, resources):
        """Build the header rows, the sections with their method notes, and the cell labels."""
        meta = (resources.get("boardpack") or {}).get("meta") or {}
        facts = meta.get("audit") or {}
        notes = load_method_notes()
        params, params_from = notebook_parameters(nb)
        papermill = nb.get("metadata", {}).get("papermill") or {}
        kernel = nb.get("metadata", {}).get("kernelspec") or {}
        language = nb.get("metadata", {}).get("language_info") or {}

        borough = meta.get("borough")
        run = [
            ("Borough", f"{borough} ({meta.get('gss_code')})" if borough else None),
            ("Period", f"{meta.get('period')} (data to {meta.get('period_label')})" if meta.get("period") else None),
            ("Built", meta.get("built")),
            ("Data", ("DEMO DATA – NOT OFFICIAL STATISTICS (synthetic demo dataset)" if meta.get("demo")
                      else "Published data (see the input files below)") if meta else None),
            ("boardpack version", facts.get("boardpack_version")),
            ("Git commit", facts.get("git_commit")),
            ("Notebook", f"{(resources.get('metadata') or {}).get('name', 'notebook')}.ipynb"),
            ("Kernel", (f"{kernel.get('display_name') or kernel.get('name')} (Python {language.get('version')})"
                        if language.get("version") else kernel.get("display_name")) if kernel else None),
        ]
        if papermill:
            run += [("papermill version", papermill.get("version"))]
            if papermill.get("start_time"):  # a batch build keeps its times in build.json instead
                run += [("Run started", papermill.get("start_time")), ("Run ended", papermill.get("end_time"))]
            else:
                run += [("Run times", "kept in build.json beside the pack, so that a rebuild gives the same bytes")]

        inputs = []
        for source, record in sorted((facts.get("inputs") or {}).items()):
            record = record or {}
            notes_text = []
            if record.get("problem"):
                notes_text.append(show(record["problem"]))
            if record.get("empty_files"):
                notes_text.append("Empty files: " + ", ".join(map(str, record["empty_files"])))
            files = [(show(f.get("path")), show(f.get("sha256"))) for f in record.get("files") or [] if f]
            inputs.append({"source": source, "status": show(record.get("status")),
                           "files": files or [("no files", "")], "note": "; ".join(notes_text)})

        sections, current, cells = [], None, []
        for index, cell in enumerate(nb.cells):
            anchor = cell_anchor(cell, index)
            tags = [str(t) for t in cell.get("metadata", {}).get("tags") or []]
            label = [f"Cell {index + 1}", cell.cell_type]
            section = None
            if cell.cell_type == "markdown":
                headings = _HEADING2.findall(cell.source)
                if headings:
                    current = section = {"anchor": anchor, "title": headings[0], "keys": []}
                    sections.append(current)
            elif cell.cell_type == "code":
                if cell.get("execution_count") is not None:
                    label.append(f"In [{cell.execution_count}]")
                if current is not None:
                    current["keys"] += [k for k in method_keys(cell, notes) if k not in current["keys"]]
                duration = (cell.get("metadata", {}).get("papermill") or {}).get("duration")
                if isinstance(duration, (int, float)):
                    label.append(f"ran in {duration:.2f} s")
            if tags:
                label.append("tags: " + ", ".join(tags))
            cells.append({"anchor": anchor, "label": " · ".join(label), "section": section,
                          "meta_removed": index in resources.get("audit_meta_cells", ())})

        placed = {k: s for s in sections for k in s["keys"]}
        coverage = facts.get("coverage") or {}
        method = []
        for key, note in notes.items():
            cov = coverage.get(key) or {}
            shown = None
            if cov:
                shown = "Yes" if cov.get("available") else f"No: {show(cov.get('reason'))}"
            method.append({
                "key": key, "section": placed.get(key),
                "source": show((note or {}).get("source")), "method": show((note or {}).get("method")),
                "shown": shown or "not recorded",
            })

        title = (f"Audit edition: {borough} Safer Neighbourhood Board performance summary, "
                 f"data to {meta.get('period_label')}") if borough else \
            f"Audit edition: {(resources.get('metadata') or {}).get('name', 'notebook')}"
        resources["audit"] = {
            "title": title, "meta": meta, "demo": bool(meta.get("demo")), "run": [(k, show(v)) for k, v in run],
            "parameters": [(k, show(v) if isinstance(v, str) else repr(v)) for k, v in params.items()],
            "parameters_from": params_from,
            "options": [(k, show(v)) for k, v in sorted((facts.get("options") or {}).items())],
            "inputs": inputs, "method": method, "sections": sections, "cells": cells,
            "has_facts": bool(facts),
        }
        return nb, resources


class AuditMetaPreprocessor(BoardPackMetaPreprocessor):
    """Lift the cover metadata out as the pack does, noting which cells displayed it.

    The audit edition says where the metadata output was, so nothing disappears unannounced.
    """

    def preprocess(self, nb, resources):
        """Record the indices of the cells with a metadata output, then lift it out."""
        resources["audit_meta_cells"] = [
            i for i, cell in enumerate(nb.cells)
            if any(META_MIMETYPE in (out.get("data") or {}) for out in cell.get("outputs", []))
        ]
        return super().preprocess(nb, resources)


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def render_output(output, alt: str = "Image output") -> str:
    """One cell output as safe HTML: text escaped, HTML sanitized, images as ``data:`` URIs."""
    kind = output.get("output_type")
    if kind == "stream":
        name = "stderr" if output.get("name") == "stderr" else "stdout"
        return f'<pre class="output-text {name}">{esc(strip_ansi(_joined(output.get("text", ""))))}</pre>'
    if kind == "error":
        trace = "\n".join(strip_ansi(line) for line in output.get("traceback") or [])
        head = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
        return f'<pre class="output-text error">{esc(trace or head)}</pre>'
    data = output.get("data") or {}
    if "text/html" in data:
        return f'<div class="output-html">{sanitize_notebook_html(_joined(data["text/html"]))}</div>'
    for mime in _RASTER:
        if mime in data:
            uri = f"data:{mime};base64," + re.sub(r"\s+", "", _joined(data[mime]))
            if safe_data_image(uri):
                return f'<img class="output-image" src="{esc(uri)}" alt="{esc(alt)}">'
    if "image/svg+xml" in data:
        svg = base64.b64encode(_joined(data["image/svg+xml"]).encode("utf-8")).decode("ascii")
        return f'<img class="output-image" src="data:image/svg+xml;base64,{svg}" alt="{esc(alt)}">'
    if "text/markdown" in data:
        return ('<div class="output-html">'
                f'{sanitize_notebook_html(markdown2html_mistune(_joined(data["text/markdown"])))}</div>')
    if "text/plain" in data:
        return f'<pre class="output-text">{esc(strip_ansi(_joined(data["text/plain"])))}</pre>'
    for mime, value in data.items():
        if mime.endswith("json"):
            return f'<pre class="output-text">{esc(json.dumps(value, indent=1, ensure_ascii=False, default=str))}</pre>'
    types = ", ".join(sorted(data)) or "none"
    return f'<p class="output-note">An output with no text or image form (MIME types: {esc(types)}).</p>'


def sanitize_notebook_html(text: str) -> str:
    """Sanitize HTML from the notebook (markdown, outputs), its headings below the page's."""
    return sanitize_html(text, heading_shift=NOTEBOOK_HEADING_SHIFT)


class BoardPackAuditExporter(TemplatePageExporter):
    """The audit edition: every cell's code and outputs under a header of the run's facts."""

    export_from_notebook = "SNB board pack (audit edition)"

    @default("file_extension")
    def _file_extension_default(self):
        return ".audit.html"

    @default("template_name")
    def _template_name_default(self):
        return "boardpack_audit"

    @default("template_file")
    def _template_file_default(self):
        # nbconvert would look for index.audit.html.j2 after the file extension.
        return "index.html.j2"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self):
        return [str(TEMPLATES)]

    @default("exclude_input")
    def _exclude_input_default(self):
        return False

    @default("exclude_anchor_links")
    def _exclude_anchor_links_default(self):
        # An empty "¶" link per heading would be noise to a screen reader; the contents link the sections.
        return True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.register_preprocessor(AuditMetaPreprocessor(enabled=True), enabled=True)
        self.register_preprocessor(AuditPreprocessor(enabled=True), enabled=True)

    def default_filters(self):
        """nbconvert's HTML filters, and the audit's sanitizer and output renderer."""
        yield from super().default_filters()
        yield ("sanitize_notebook_html", sanitize_notebook_html)
        yield ("audit_output", render_output)


def render_audit(notebook_path: str | Path) -> str:
    """The audit edition of an executed board-pack notebook, as one self-contained HTML page.

    Parameters
    ----------
    notebook_path : str or Path
        The executed ``board_pack.ipynb``.

    Returns
    -------
    str
        The HTML; the caller writes it (the batch as ``board_pack.audit.html``).
    """
    html_text, _ = audit_exporter().from_filename(str(notebook_path))
    return html_text


@lru_cache(maxsize=1)
def audit_exporter() -> BoardPackAuditExporter:
    """The exporter :func:`render_audit` uses: its templates load once per process (a batch worker reuses it)."""
    return BoardPackAuditExporter()
