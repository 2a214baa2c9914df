"""Anti-social behaviour calls: the borough's monthly calls against the MPS, with what they count."""

from __future__ import annotations

from ..periods import month_label
from ..report import alt_text
from ..report.charts import BOROUGH, MPS, plot_trend
from ..report.html import bullet_list, data_to_line, paragraph
from ..report.narrative import asb_change_sentence
from ..metrics.significance import TEST_NAMES
from .section import Section, guarded, require

SECTION = "asb"
TITLE = "anti-social behaviour calls"
CELL = "compute-asb"
SOURCE = "Metropolitan Police Service, ASB calls recorded on CAD/CHS (supplied by the board's analyst)"

# What the figures count, in the pack's words (the reference pack gives the same three caveats).
CAVEATS = [
    "The figures are calls from the public that were recorded as anti-social behaviour. They are not "
    "a count of ASB incidents, which the police do not publish; calls are counted under the national "
    "Home Office standard.",
    "Calls are those logged on the MPS Computer Aided Dispatch (CAD) or Contact Handling System (CHS) "
    "as ASB. When several people report the same incident, only one call is counted.",
    "ASB can also be reported to Safer Neighbourhoods Teams, the council or a housing provider, and "
    "those reports may never reach CAD or CHS, so the figures can understate ASB in the borough.",
]


@guarded(SECTION, TITLE, cell=CELL)
def trend(pack, monthly, change) -> Section:
    """Figure: monthly ASB calls, borough against the MPS (right axis), the caveats and the 12-month change.

    ``monthly`` is the series of :func:`boardpack.metrics.asb.monthly_calls` and ``change`` the
    :class:`~boardpack.metrics.asb.AsbChange` of :func:`~boardpack.metrics.asb.twelve_month_change`.
    Records ``asb.monthly[]`` (month, borough, mps), ``total_12m``, ``previous_12m``,
    ``pct_change``, ``mps_total_12m``, ``mps_previous_12m`` and ``mps_pct_change``; when the
    change was tested (``alpha`` given in the compute cell), also ``p_value``, ``significant``,
    ``small_numbers``, their ``mps_`` twins, ``test`` and ``alpha``.
    """
    series, change = require(monthly), require(change)

    name = pack.borough.name
    series = series.assign(label=[month_label(m, "short") for m in series["month"]])
    plotted = {name: "borough", "MPS": "mps"}
    title = f"ASB calls per month, {name} and the MPS"
    fig = plot_trend(series, "label", plotted, title, f"Calls in {name}",
                     colours={name: BOROUGH, "MPS": MPS}, secondary={"MPS"})
    alt = alt_text.trend_alt(series, "label", plotted, "anti-social behaviour calls per month")

    monthly = series[["month", "borough", "mps"]]
    pack.record.set(SECTION, "available", True)
    pack.record.set(SECTION, "monthly", monthly)
    pack.record.set(SECTION, "total_12m", change.current_12m)
    pack.record.set(SECTION, "previous_12m", change.previous_12m)
    pack.record.set(SECTION, "pct_change", change.pct_change)
    pack.record.set(SECTION, "mps_total_12m", change.mps_current_12m)
    pack.record.set(SECTION, "mps_previous_12m", change.mps_previous_12m)
    pack.record.set(SECTION, "mps_pct_change", change.mps_pct_change)
    if change.alpha is not None:
        for key, value in change.tests().items():
            pack.record.set(SECTION, key, value)
        pack.record.set(SECTION, "change_test", change.change_test)
        pack.record.set(SECTION, "test_description", TEST_NAMES[change.change_test])
        pack.record.set(SECTION, "alpha", change.alpha)
    pack.record.add_table("asb_monthly", monthly)

    parts = [
        data_to_line(pack.period_label),
        bullet_list(CAVEATS),
        paragraph(asb_change_sentence(name, change, pack.period)),
        pack.figure("fig-asb-trend", SECTION, fig, title, alt, SOURCE),
    ]
    coverage = pack.coverage.get(SECTION)
    if coverage is not None and coverage.months_missing:
        # Earlier months missing from the data shorten the chart; say so under it.
        parts.append(paragraph(coverage.reason + ".", "footnote"))
    return Section(parts, SECTION, pack.is_demo)
