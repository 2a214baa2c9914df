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


def record_parts(pack, section_id: str, parts: dict) -> None:
    """Record in ``figures.json`` whether each part of a section was shown, and why not.

    ``parts`` maps a part id of ``coverage.PARTS`` to its Coverage; they are kept under
    ``<section>.parts.<part>`` as ``{"available": bool, "reason": str}``.
    """
    record = dict(pack.record.sections.get(section_id, {}).get("parts", {}))
    for part_id, cov in parts.items():
        record[part_id] = {"available": bool(cov.available), "reason": cov.reason}
    pack.record.set(section_id, "parts", record)


def require(value):
    """``value``, or the CoverageError that :func:`guarded` shows as the box when it is :class:`NotAvailable`.

    Render functions call it on each compute result they draw. A result that coverage itself
    ruled out never gets here: the guard shows the section's (or part's) box first.
    """
    if isinstance(value, NotAvailable):
        raise CoverageError(value.reason)
    return value


def guarded(section_id: str, title: str, cell: str | None = None, part: str | None = None,
            any_of: tuple[str, ...] = ()):
    """Decorate a render function: the one path by which a figure says it is not available.

    Before the function runs, the coverage rules decide: when the section ``section_id`` (or the
    part ``part`` of it, see ``coverage.PARTS``) cannot be built for the period, the function is not
    called and the "not available" box is shown with coverage's reason, recorded as
    ``<section>.available = False`` and ``<section>.reason`` (or under ``<section>.parts``). A
    section drawn by several render cells says so once: the later cells show nothing. ``any_of``
    names sections of which one is enough (a chart that draws whichever it has).

    Inside the function, :func:`require` turns a compute result that is still
    :class:`NotAvailable` into a :class:`~boardpack.errors.CoverageError`, and so does a
    calculation with a gap coverage did not foresee (an analyst's own variant in a compute cell);
    the guard shows the box with the error's words and lists it under ``<section>.gaps``.

    ``cell`` is the tag of the compute cell whose results the function renders by default
    (``compute-recorded-crime`` …); a call may name another with ``cell="compute-…"``, as an
    analyst does who computes a variant in a cell of their own. Everything the call records in
    ``figures.json`` is traced to that tag (see :class:`~boardpack.report.recorder.FiguresRecord`).
    """

    def wrap(build):
        @functools.wraps(build)
        def run(pack, *args, cell: str | None = cell, **kwargs):
            with pack.record.cell(cell):
                box = _ruled_out(pack, section_id, title, part, any_of)
                return box if box is not None else _run(build, pack, *args, **kwargs)

        return run

    def _run(build, pack, *args, **kwargs):
        try:
            return build(pack, *args, **kwargs)
        except CoverageError as exc:
            reason = _capital(str(exc))
            gaps = list(pack.record.sections.get(section_id, {}).get("gaps", []))
            gaps.append({"figure": build.__name__, "title": title, "reason": reason})
            pack.record.set(section_id, "gaps", gaps)
            return Section([not_available_box(_capital(title), reason)], section_id, pack.is_demo)

    return wrap


def _ruled_out(pack, section_id: str, title: str, part: str | None, any_of: tuple[str, ...]) -> Section | None:
    """The box when coverage rules the section (or part) out for the period, else None."""
    ids = any_of or (section_id,)
    if not any(_covered(pack, s) for s in ids):
        if pack.record.sections.get(section_id, {}).get("available") is False:
            return Section([], section_id, pack.is_demo)  # the section's first cell showed the box
        cov = pack.coverage.get(section_id)
        reason = cov.reason if cov is not None else "No data for this section was found."
        pack.record.set(section_id, "available", False)
        pack.record.set(section_id, "reason", reason)
        return Section([not_available_box(_capital(title), reason)], section_id, pack.is_demo)
    if part is not None:
        cov = pack.coverage[part]
        record_parts(pack, section_id, {part: cov})
        if not cov.available:
            return Section([not_available_box(_capital(title), cov.reason)], section_id, pack.is_demo)
    return None


def _covered(pack, section_id: str) -> bool:
    cov = pack.coverage.get(section_id)
    return cov is not None and cov.available


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
