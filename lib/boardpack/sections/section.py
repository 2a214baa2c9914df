"""The displayable result of a section builder."""

from __future__ import annotations

import functools

from ..errors import CoverageError
from ..pack import NotAvailable
from ..report.html import not_available_box, section_block


class Section:
    """HTML for one part of the pack; Jupyter and nbconvert show it via ``_repr_html_``.

    Parameters
    ----------
    html_parts : list of str
        Escaped HTML fragments, in order.
    section_id : str
        The section it belongs to (``recorded_crime`` …).
    demo : bool
        Marks the block as built from demo data.
    """

    def __init__(self, html_parts: list[str], section_id: str, demo: bool):
        self.html = section_block(html_parts, section_id, demo)
        self.section_id = section_id

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:  # no memory address: the executed notebook is the same bytes on a rebuild
        return f"<Section {self.section_id}>"


def unavailable(pack, section_id: str, title: str) -> Section | None:
    """The "not available" Section when the section's data does not cover the period, else None.

    A section built from several cells says so once: its first cell shows the box, the
    others show nothing.
    """
    cov = pack.coverage.get(section_id)
    if cov is not None and cov.available:
        return None
    if pack.record.sections.get(section_id, {}).get("available") is False:
        return Section([], section_id, pack.is_demo)
    reason = cov.reason if cov is not None else "No data for this section was found."
    pack.record.set(section_id, "available", False)
    pack.record.set(section_id, "reason", reason)
    return Section([not_available_box(title, reason)], section_id, pack.is_demo)


def record_parts(pack, section_id: str, parts: dict) -> None:
    """Record in ``figures.json`` whether each part of a section was shown, and why not.

    ``parts`` maps a part id of ``coverage.PARTS`` to its Coverage; they are kept under
    ``<section>.parts.<part>`` as ``{"available": bool, "reason": str}``.
    """
    record = dict(pack.record.sections.get(section_id, {}).get("parts", {}))
    for part_id, cov in parts.items():
        record[part_id] = {"available": bool(cov.available), "reason": cov.reason}
    pack.record.set(section_id, "parts", record)


def part_unavailable(pack, part_id: str, section_id: str, title: str) -> Section | None:
    """The "not available" box for one part of a section (see ``coverage.PARTS``), else None.

    The rest of the section is still built, and the part's state is recorded (:func:`record_parts`).
    """
    cov = pack.coverage[part_id]
    record_parts(pack, section_id, {part_id: cov})
    if cov.available:
        return None
    return Section([not_available_box(title, cov.reason)], section_id, pack.is_demo)


def require(value):
    """``value``, or the CoverageError the safety net shows as the box when it is :class:`NotAvailable`.

    Render functions call it on each compute result they draw; a result that coverage itself
    ruled out never gets here (the section's or part's box is shown first).
    """
    if isinstance(value, NotAvailable):
        raise CoverageError(value.reason)
    return value


def gap_reason(value) -> str | None:
    """The reason a compute result is :class:`NotAvailable`, else None."""
    return value.reason if isinstance(value, NotAvailable) else None


def guarded(section_id: str, title: str, cell: str | None = None):
    """Decorate a render function: provenance for what it records, and the safety net.

    ``cell`` is the tag of the compute cell whose results the function renders by default
    (``compute-recorded-crime`` …); a call may name another with ``cell="compute-…"``, as an
    analyst does who computes a variant in a cell of their own. Everything the call records
    in ``figures.json`` is traced to that tag (see :class:`~boardpack.report.recorder.FiguresRecord`).

    Coverage owns every availability rule and decides up front which sections and parts the data
    supports (a borough missing from a survey quarter, say, is coverage's reason); this is the
    net beneath it. A :class:`~boardpack.errors.CoverageError` that a calculation still raises
    (an analyst's own variant in a compute cell, or a rule coverage does not know) becomes the
    "not available" box with the error's words, and ``figures.json`` lists it under
    ``<section>.gaps``.
    """

    def wrap(build):
        @functools.wraps(build)
        def run(pack, *args, cell: str | None = cell, **kwargs):
            with pack.record.cell(cell):
                return _run(build, pack, *args, **kwargs)

        return run

    def _run(build, pack, *args, **kwargs):
        try:
            return build(pack, *args, **kwargs)
        except CoverageError as exc:
            reason = str(exc)
            reason = reason[:1].upper() + reason[1:]
            gaps = list(pack.record.sections.get(section_id, {}).get("gaps", []))
            gaps.append({"figure": build.__name__, "title": title, "reason": reason})
            pack.record.set(section_id, "gaps", gaps)
            return Section([not_available_box(title[:1].upper() + title[1:], reason)], section_id, pack.is_demo)

    return wrap
