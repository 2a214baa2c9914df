"""The Police and Crime Plan's commitments: how many are complete or on track, by theme, and those at risk."""

from __future__ import annotations

import pandas as pd

from ..metrics.commitments import STATUSES
from ..periods import month_label
from ..report.html import data_to_line, paragraph, source_line
from ..report.narrative import plural
from ..report.tables import Column, fmt_count, html_table
from .section import Section, guarded, require

SECTION = "commitments"
CELL = "compute-commitments"
SOURCE = "MOPAC, Police and Crime Plan commitments tracker (supplied by the board's analyst)"


def _strategy_parts(pack, strategy: dict, n: int, as_at: str) -> list[str]:
    name, total, counts = strategy["strategy"], strategy["total"], strategy["by_status"]
    done = counts["complete"] + counts["on track"]
    share = round(100 * done / total) if total else 0
    parts = [paragraph(f"{name}: {plural(total, 'commitment')}; {fmt_count(counts['complete'])} complete and "
                       f"{fmt_count(counts['on track'])} on track ({share}% complete or on track), "
                       f"{fmt_count(counts['at risk'])} at risk and {fmt_count(counts['not started'])} not started.")]
    themes = pd.DataFrame(strategy["by_theme"], columns=["theme", "total", *STATUSES])
    table_id = f"tbl-commitments-{n}"
    caption = pack.table_caption(table_id, f"{name} commitments by theme, as at {month_label(as_at)}")
    columns = [Column("theme", "Theme", str, numeric=False), Column("total", "Commitments", fmt_count),
               *[Column(s, s.capitalize(), fmt_count) for s in STATUSES]]
    parts.append(html_table(themes, columns, caption, table_id))
    pack.record.add_table(f"commitments_by_theme_{n}", themes.assign(strategy=name))
    if strategy["at_risk"]:
        risk = pd.DataFrame(strategy["at_risk"], columns=["commitment_id", "theme", "title"])
        risk_id = f"tbl-commitments-at-risk-{n}"
        caption = pack.table_caption(risk_id, f"{name} commitments at risk")
        parts.append(html_table(risk, [Column("commitment_id", "Commitment", str, numeric=False),
                                       Column("theme", "Theme", str, numeric=False),
                                       Column("title", "Title", str, numeric=False)], caption, risk_id))
        pack.record.add_table(f"commitments_at_risk_{n}", risk.assign(strategy=name))
    else:
        parts.append(paragraph(f"No {name} commitment is at risk.", "footnote"))
    return parts


@guarded(SECTION, "the plan's commitments", cell=CELL)
def commitments(pack, summary) -> Section:
    """Tables: the commitments of the plan in force (and of each strategy under it) by status and theme.

    ``summary`` is :func:`boardpack.metrics.commitments.summary`. Records ``commitments``: ``available``,
    ``plan``, ``as_at``, ``total``, ``by_status`` (adding up to ``total``), ``by_theme[]``, ``at_risk[]``
    (the plan's own strategy) and ``strategies[]`` (each strategy's same figures).
    """
    s = require(summary)
    for key in ("plan", "as_at", "total", "by_status", "by_theme", "at_risk", "strategies"):
        pack.record.set(SECTION, key, s[key])
    pack.record.set(SECTION, "available", True)
    parts = [data_to_line(month_label(s["as_at"])),
             paragraph(f"The {s['plan']}'s commitments as MOPAC's tracker stood at {month_label(s['as_at'])}. "
                       "The figures are London-wide: every borough's pack shows the same.")]
    for n, strategy in enumerate(s["strategies"], start=1):
        parts += _strategy_parts(pack, strategy, n, s["as_at"])
    parts.append(source_line(SOURCE))
    return Section(parts, SECTION, pack.is_demo)
