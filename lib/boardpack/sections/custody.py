"""The Independent Custody Visitor panel's report to the board (Figure 14 of the reference pack)."""

from __future__ import annotations

import pandas as pd

from ..report.custody_narrative import quarter_label
from ..report.html import paragraph, source_line
from ..report.tables import Column, fmt_count, html_table
from .section import Section, guarded, require

SECTION = "custody_visits"
CELL = "compute-custody"
TITLE = "independent custody visiting report"
SOURCE = "MOPAC Independent Custody Visiting Scheme, borough panel report (supplied by the board's analyst)"

NOT_SPOKEN_TO = (
    "Visitors cannot always speak to every detainee. A detainee may be asleep, away from the cell "
    "(being interviewed, booked in or released) or with a solicitor or health professional; in a "
    "busy suite the visitors see those they judge most vulnerable first; custody staff may advise "
    "against a visit for safety reasons; and a detainee may decline to talk. Visitors can still "
    "look in on a detainee they do not speak to."
)


def _with_pct(count: int, pct: int | None) -> str:
    return fmt_count(count) if pct is None else f"{fmt_count(count)} ({pct}%)"


def _text(value: str) -> str:
    return value if value else "None recorded"


@guarded(SECTION, "independent custody visits", cell=CELL)
def report(pack, rep) -> Section:
    """Table: the latest quarter's custody visits, detainees seen, observations and issues raised.

    ``rep`` is the :class:`~boardpack.metrics.custody.CustodyReport` of
    :func:`boardpack.metrics.custody.latest_report`; the quarter is named by
    :func:`boardpack.report.custody_narrative.quarter_label`. Records under ``custody_visits``: ``quarter_end``,
    ``quarter_label``, ``custody_suites``,
    ``visits_scheduled``, ``visits_conducted``, ``pct_visits_conducted``, ``detainees_held``,
    ``detainees_spoken_to``, ``pct_detainees_spoken_to``, ``observations``, ``issues_raised``;
    and the table ``custody_visits``.
    """
    rep = require(rep)
    name = pack.borough.name
    pack.record.set(SECTION, "available", True)
    label = quarter_label(rep.quarter_end)
    for key, value in rep.as_dict().items():
        pack.record.set(SECTION, key, value)
        if key == "quarter_end":
            pack.record.set(SECTION, "quarter_label", label)

    rows = [
        ("This report covers the period", label),
        ("Custody suites visited", _text(rep.custody_suites)),
        ("Visits scheduled", fmt_count(rep.visits_scheduled)),
        ("Visits conducted", _with_pct(rep.visits_conducted, rep.pct_visits_conducted)),
        ("Detainees held at the time of visits", fmt_count(rep.detainees_held)),
        ("Detainees spoken to", _with_pct(rep.detainees_spoken_to, rep.pct_detainees_spoken_to)),
        ("General observations", _text(rep.observations)),
        ("Issues raised", _text(rep.issues_raised)),
    ]
    table_df = pd.DataFrame(rows, columns=["item", "value"])
    pack.record.add_table("custody_visits", table_df)
    caption = pack.table_caption("tbl-custody-visits", f"Report from the {name} custody visiting panel, "
                                 f"{label}")
    columns = [Column("item", "Item", str, numeric=False), Column("value", "Panel report", str, numeric=False)]
    table = html_table(table_df, columns, caption, "tbl-custody-visits")
    return Section(
        [
            paragraph(f"Data period {label}", "data-to"),
            table,
            source_line(SOURCE),
            paragraph(NOT_SPOKEN_TO, "footnote"),
        ],
        SECTION, pack.is_demo,
    )
