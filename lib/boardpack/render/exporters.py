"""nbconvert exporters for board packs, registered as ``boardpack_html``, ``boardpack_pdf`` and
``boardpack_audit``.

An analyst can run ``jupyter nbconvert --to boardpack_pdf executed.ipynb`` and get the same
PDF the batch builds; ``--to boardpack_audit`` writes ``executed.audit.html``, the audit edition
with every cell's code and outputs.
"""

from __future__ import annotations

from pathlib import Path

from nbconvert.preprocessors import TagRemovePreprocessor
from traitlets import default

from .audit import BoardPackAuditExporter, render_audit
from .page import TemplatePageExporter
from .pdf import html_to_pdf
from .preprocess import BoardPackMetaPreprocessor, TagPrefixRemovePreprocessor

TEMPLATES = Path(__file__).resolve().parent / "templates"
# The analyst-facing introduction and the parameters cells are not part of the board pack.
HIDDEN_TAGS = {"parameters", "injected-parameters", "intro"}
# Cells tagged ``compute-…`` show the working tables behind a section: the audit edition only.
HIDDEN_TAG_PREFIXES = ("compute-",)

__all__ = ["BoardPackHTMLExporter", "BoardPackPDFExporter", "BoardPackAuditExporter", "render_audit",
           "HIDDEN_TAGS", "HIDDEN_TAG_PREFIXES"]


class BoardPackHTMLExporter(TemplatePageExporter):
    """Self-contained, accessible HTML of a board pack: no code, no parameters or compute cells."""

    export_from_notebook = "SNB board pack (HTML)"

    @default("template_name")
    def _template_name_default(self):
        return "boardpack"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self):
        return [str(TEMPLATES)]

    @default("exclude_input")
    def _exclude_input_default(self):
        return True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.register_preprocessor(
            TagRemovePreprocessor(remove_cell_tags=HIDDEN_TAGS, enabled=True), enabled=True
        )
        self.register_preprocessor(
            TagPrefixRemovePreprocessor(prefixes=list(HIDDEN_TAG_PREFIXES), enabled=True), enabled=True
        )
        self.register_preprocessor(BoardPackMetaPreprocessor(enabled=True), enabled=True)


class BoardPackPDFExporter(BoardPackHTMLExporter):
    """Tagged A4 PDF (PDF/UA-1) of a board pack, rendered by WeasyPrint from the HTML twin."""

    export_from_notebook = "SNB board pack (PDF)"
    output_mimetype = "application/pdf"

    @default("file_extension")
    def _file_extension_default(self):
        return ".pdf"

    @default("template_file")
    def _template_file_default(self):
        # The PDF is drawn from the HTML twin, so it uses the HTML template, not index.pdf.j2.
        return "index.html.j2"

    def from_notebook_node(self, nb, resources=None, **kw):
        """Render the HTML twin, then draw it as PDF reading only the notebook's folder."""
        html, resources = super().from_notebook_node(nb, resources=resources, **kw)
        build_dir = (resources.get("metadata") or {}).get("path") or None
        pdf = html_to_pdf(html, build_dir=build_dir)
        resources["output_extension"] = ".pdf"
        return pdf, resources
