"""What the coverage rules (:mod:`boardpack.coverage`) answer for one section of the pack.

The record stands apart from the rules so that a cached answer (:mod:`boardpack.coverage_cache`)
is read back without loading what working it out needs (pandas, the metrics).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Coverage:
    """Whether one section of the pack can be built for a period.

    Attributes
    ----------
    section : str
        Section id, one of :data:`boardpack.coverage.SECTIONS`.
    available : bool
        True when the section can be built.
    data_to : str or None
        The last month (``YYYY-MM``) of data the section shows; None when unavailable.
    months_needed : list of str
        The months (or quarter ends) the section reads.
    months_missing : list of str
        Those of ``months_needed`` that the data lacks.
    reason : str
        Plain English: what the section shows, or what is missing and how to supply it.
    sources : list of str
        The canonical tables the section reads that the data folder has.
    details : dict
        Choices made for the section that the pack must state (e.g. ``census_year`` and
        ``census_note`` for stop and search by ethnic group).
    """

    section: str
    available: bool
    data_to: str | None
    months_needed: list[str]
    months_missing: list[str]
    reason: str
    sources: list[str]
    details: dict = field(default_factory=dict)
