"""London criminal justice context: court timeliness and proven reoffending against England and Wales."""

from __future__ import annotations

from ..periods import month_label
from ..report import alt_text
from ..report.charts import MPS, SERIES, plot_trend
from ..report.html import bullet_list, paragraph, source_line
from ..report.justice_narrative import LABELS, difference_sentence, format_value, labelled
from ..report.tables import Column, html_table
from .section import Section, guarded, require

SECTION = "criminal_justice"
CELL = "compute-criminal-justice"
TITLE = "criminal justice context"
SOURCE = ("Ministry of Justice, criminal court statistics and proven reoffending statistics "
          "(supplied by the board's analyst)")
UNIT_SUFFIX = {"days": " days", "percent": "%", "count": ""}
AXIS_LABEL = {"days": "Days", "percent": "% of offenders", "count": "Reoffences per reoffender"}
POINT_NOTE = {
    "days": "Each point is the quarter ending in the month shown.",
    "percent": "Each point is the group of offenders in the 12 months ending in the month shown.",
    "count": "Each point is the group of offenders in the 12 months ending in the month shown.",
}


def _value(value: float, unit: str) -> str:
    return format_value(value) + UNIT_SUFFIX[unit]


def _signed(value: float, unit: str) -> str:
    if value == 0:
        return _value(0.0, unit)
    sign = "+" if value > 0 else "−"
    suffix = " pts" if unit == "percent" else UNIT_SUFFIX[unit]
    return sign + _value(abs(value), "count") + suffix


@guarded(SECTION, "criminal justice context", cell=CELL)
def context(pack, latest, series) -> Section:
    """Table of each measure, London against England and Wales, and a trend chart of one measure.

    ``latest`` is the table of :func:`boardpack.metrics.criminal_justice.latest_comparison` (its
    labels and sentences come from :mod:`boardpack.report.justice_narrative`) and
    ``series`` that of :func:`~boardpack.metrics.criminal_justice.headline_trend` (its
    ``attrs["measure"]`` names the measure drawn).

    The figures are London-wide: the Ministry of Justice does not publish them by borough.
    Records under ``criminal_justice``: ``measures[]`` (measure, label, unit, period_end,
    london, england_wales, difference), ``trend_measure``, ``trend[]``, and the tables
    ``criminal_justice`` and ``criminal_justice_trend``.
    """
    latest = require(latest)
    pack.record.set(SECTION, "available", True)
    latest = labelled(latest)
    record = latest[["measure", "label", "unit", "period_end", "london", "england_wales", "difference"]]
    pack.record.set(SECTION, "measures", record)
    pack.record.add_table("criminal_justice", record)

    shown = latest.assign(
        london_text=[_value(v, u) for v, u in zip(latest["london"], latest["unit"])],
        ew_text=[_value(v, u) for v, u in zip(latest["england_wales"], latest["unit"])],
        diff_text=[_signed(v, u) for v, u in zip(latest["difference"], latest["unit"])],
    )
    columns = [
        Column("label", "Measure", str, numeric=False),
        Column("period_label", "Period", str, numeric=False),
        Column("london_text", "London"),
        Column("ew_text", "England and Wales"),
        Column("diff_text", "London minus England and Wales"),
    ]
    caption = pack.table_caption("tbl-criminal-justice", f"Criminal justice in London against England and Wales, "
                                 f"latest figures to {pack.period_label}")
    parts = [
        paragraph("These figures are for London as a whole: court timeliness and reoffending are not published "
                  "by borough. Each measure is shown for the latest period published by the pack's month; "
                  "reoffending figures follow a group of offenders for a year or more, so they are older."),
        html_table(shown, columns, caption, "tbl-criminal-justice"),
        source_line(SOURCE),
        bullet_list([difference_sentence(r) for _, r in latest.iterrows()]),
    ]

    series = require(series)
    measure = series.attrs["measure"]
    unit = str(latest.loc[latest["measure"] == measure, "unit"].iloc[0])
    series = series.assign(label=[month_label(p, "short") for p in series["period_end"]])
    plotted = {"London": "london", "England and Wales": "england_wales"}
    title = f"{LABELS[measure]}, London and England and Wales"
    fig = plot_trend(series, "label", plotted, title, AXIS_LABEL[unit],
                     colours={"London": SERIES[0], "England and Wales": MPS}, percent=unit == "percent")
    alt = alt_text.trend_alt(series, "label", plotted, LABELS[measure][0].lower() + LABELS[measure][1:],
                             percent=unit == "percent")
    trend_record = series[["period_end", "london", "england_wales"]]
    pack.record.set(SECTION, "trend_measure", measure)
    pack.record.set(SECTION, "trend", trend_record)
    pack.record.add_table("criminal_justice_trend", trend_record)
    parts.append(pack.figure("fig-justice-trend", SECTION, fig, title, alt, SOURCE))
    parts.append(paragraph(POINT_NOTE[unit], "footnote"))
    return Section(parts, SECTION, pack.is_demo)
