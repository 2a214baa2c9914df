"""Section 1: recorded crime, rolling 12 months against the previous 12, borough and MPS."""

from __future__ import annotations

import pandas as pd

from ..metrics.significance import TEST_COLUMNS
from ..periods import month_label, rolling_windows
from ..report import alt_text
from ..report.charts import BOROUGH, MPS, plot_trend
from ..report.html import data_to_line, paragraph, source_line
from ..report.narrative import recorded_crime_sentence, significance_key
from ..report.tables import Column, change_class, fmt_count, html_table, marked_change
from .section import Section, guarded, record_parts, require

SECTION = "recorded_crime"
SOURCE = "Metropolitan Police Service, MPS Borough Level Crime (London Datastore)"
GROUP_LABELS = {"total": "", "mopac7": "MOPAC 7 crime", "mopac7_total": "", "other": "Other crime"}
CELL = "compute-recorded-crime"
RECORDED = ["category", "previous_12m", "current_12m", "pct_change", "mps_pct_change", "available", "note"]


def _marks(test: dict) -> str:
    """`` *``, `` †`` or `` *†`` after a figure whose change was tested (see :func:`significance_key`)."""
    marks = ("*" if test.get("significant") else "") + ("†" if test.get("small_numbers") else "")
    return f" {marks}" if marks else ""


@guarded(SECTION, "recorded crime", cell=CELL)
def table(pack, crime) -> Section:
    """Figure: the recorded crime table with the opening sentence.

    ``crime`` is the table of :func:`boardpack.metrics.crime.recorded_crime_table`, computed
    in the notebook. Records ``recorded_crime.rows[]`` (category, previous_12m, current_12m,
    pct_change, mps_pct_change) and, when the table carries the tests of
    :func:`boardpack.metrics.crime.change_tests`, each row's test columns (``p_value, q_value,
    significant, small_numbers, dispersion, test``), their ``mps_`` twins and the MPS counts
    ``mps_previous_12m, mps_current_12m``, with the section's ``change_test``,
    ``test_description``, ``family`` and ``alpha`` (taken from the table); also the vintage used and the
    windows.
    """
    df = require(crime)
    vintage = df.attrs.get("vintage") or (df["vintage"].iloc[0] if "vintage" in df else None)
    previous, current = rolling_windows(pack.period)
    prev_label = f"{month_label(previous[0], 'short')} – {month_label(previous[-1], 'short')}"
    curr_label = f"{month_label(current[0], 'short')} – {month_label(current[-1], 'short')}"

    rows = df.assign(category=df["row"])
    tested = all(c in df for c in TEST_COLUMNS) and "alpha" in df.attrs
    # With the tests, the MPS counts they rest on too, so every p-value can be checked from the record.
    extra = ([f"{p}{c}" for p in ("", "mps_") for c in TEST_COLUMNS] + ["mps_previous_12m", "mps_current_12m"]
             if tested else [])
    rec = rows[RECORDED + extra]
    pack.record.set(SECTION, "available", True)
    pack.record.set(SECTION, "vintage", vintage)
    pack.record.set(SECTION, "previous_window", [previous[0], previous[-1]])
    pack.record.set(SECTION, "current_window", [current[0], current[-1]])
    pack.record.set(SECTION, "rows", rec)
    if tested:
        pack.record.set(SECTION, "change_test", df.attrs.get("change_test"))
        pack.record.set(SECTION, "test_description", df.attrs.get("test"))
        pack.record.set(SECTION, "family", df.attrs.get("family"))
        pack.record.set(SECTION, "alpha", df.attrs["alpha"])
    pack.record.add_table("recorded_crime", rec)

    shown = rows.assign(group_label=rows["group"].map(GROUP_LABELS).fillna(""))
    columns = [
        Column("category", "Category", str, numeric=False),
        Column("previous_12m", prev_label, fmt_count),
        Column("current_12m", curr_label, fmt_count),
        _change_column("pct_change", "% change", ""),
        _change_column("mps_pct_change", "MPS % change", "mps_"),
    ]
    caption = pack.table_caption("tbl-recorded-crime",
                                 f"Recorded crime in {pack.borough.name}, 12 months to {pack.period_label}")
    html_tbl = html_table(
        shown, columns, caption, "tbl-recorded-crime", group_col="group_label",
        row_class=lambda r: "subtotal" if r["group"] in ("total", "mopac7_total") else "",
    )
    tno = rows[rows["group"] == "total"].iloc[0]
    lead = recorded_crime_sentence(pack.borough.name, fmt_count(tno["current_12m"]), pack.period_label, tno.to_dict())
    key = paragraph(
        "▲ marks a year-on-year increase and ▼ a decrease; the colours repeat the same information. "
        "n/a marks a category the published data cannot supply (see the notes on method)."
    )
    legend = paragraph(significance_key(df.attrs["alpha"], df.attrs.get("change_test"))) if tested else ""
    notes = [paragraph(f"{r['category']}: {r['note']}", "footnote") for _, r in rows.iterrows()
             if not r["available"] and r["note"]]
    unavailable_list = ""
    if notes:
        unavailable_list = paragraph(
            "Not available from the published borough files: "
            + ", ".join(rows.loc[~rows["available"].astype(bool), "row"]) + ".", "footnote")
    return Section(
        [data_to_line(pack.period_label), paragraph(lead), html_tbl, source_line(SOURCE), key, legend,
         unavailable_list],
        SECTION, pack.is_demo,
    )


def _change_column(pct: str, label: str, prefix: str) -> Column:
    """A % change column; the row formatter adds the * and † marks when the row carries its test."""
    fmt = marked_change(pct, f"{prefix}significant", f"{prefix}small_numbers")
    return Column(pct, label, css=change_class, row_fmt=fmt)


@guarded(SECTION, "recorded crime trend", cell=CELL)
def trend(pack, monthly) -> Section:
    """Figure: monthly total notifiable offences, borough against the MPS.

    ``monthly`` is the series of :func:`boardpack.metrics.crime.monthly_series` (24 months in the template).
    """
    series = require(monthly)
    series = series.assign(label=[month_label(m, "short") for m in series["month"]])
    name = pack.borough.name
    plotted = {name: "borough", "MPS": "mps"}
    title = f"Total notifiable offences per month, {name} and the MPS"
    fig = plot_trend(series, "label", plotted, title, f"Offences in {name}",
                     colours={name: BOROUGH, "MPS": MPS}, secondary={"MPS"})
    alt = alt_text.trend_alt(series, "label", plotted, "total notifiable offences per month")
    pack.record.set(SECTION, "monthly", pd.DataFrame({"month": series["month"], "borough": series["borough"],
                                                      "mps": series["mps"]}))
    pack.record.add_table("recorded_crime_monthly", series[["month", "borough", "mps"]])
    return Section([pack.figure("fig-crime-trend", SECTION, fig, title, alt, SOURCE)], SECTION, pack.is_demo)


@guarded(SECTION, "crime rates", cell=CELL)
def rates(pack, crime_rates, homicides) -> Section:
    """Table: offences per 1,000 residents and homicide victims, borough against the MPS.

    ``crime_rates`` is the dict of :func:`boardpack.metrics.rates.crime_rates` and ``homicides``
    that of :func:`boardpack.metrics.rates.homicide_victims`, with its test of change when the
    compute cell added it (:func:`boardpack.metrics.crime.homicide_change_tests`); either may be
    NotAvailable. Records ``recorded_crime.rate_per_1000`` (borough, mps, population,
    population_year) and ``recorded_crime.homicide_victims`` (the counts, and the test columns with
    their ``mps_`` twins and ``change_test`` when tested) when the homicide data covers the period.
    """
    parts, rows = [], []
    notes = []
    rates_cov, homicide_cov = pack.coverage["crime_rates"], pack.coverage["homicide_victims"]
    if rates_cov.available:
        r = require(crime_rates)
        year, b_rate, m_rate = r["population_year"], r["borough"], r["mps"]
        pack.record.set(SECTION, "rate_per_1000", {k: r[k] for k in (
            "borough", "mps", "population", "mps_population", "population_year",
            "ci_low", "ci_high", "mps_ci_low", "mps_ci_high", "alpha") if k in r})
        level = f"{(1 - r['alpha']) * 100:g}% interval " if "alpha" in r else ""

        def with_interval(rate, low, high):
            return f"{rate:.1f} ({level}{low:.1f} to {high:.1f})" if level else f"{rate:.1f}"

        rows.append({"measure": f"Total notifiable offences per 1,000 residents (mid-{year} population)",
                     "borough": with_interval(b_rate, r.get("ci_low"), r.get("ci_high")),
                     "mps": with_interval(m_rate, r.get("mps_ci_low"), r.get("mps_ci_high"))})
    else:
        notes.append(f"Rates per 1,000 residents are not shown: {rates_cov.reason}.")
    if homicide_cov.available:
        h = require(homicides)
        pack.record.set(SECTION, "homicide_victims", {k: v for k, v in h.items() if k != "alpha"})
        b_test = {k: h.get(k) for k in TEST_COLUMNS}
        m_test = {k: h.get(f"mps_{k}") for k in TEST_COLUMNS}
        rows.append({"measure": "Homicide victims, 12 months (MPS homicide dashboard)",
                     "borough": f"{h['current_12m']:,} (previous 12 months {h['previous_12m']:,}){_marks(b_test)}",
                     "mps": f"{h['mps_current_12m']:,} (previous 12 months {h['mps_previous_12m']:,})"
                            f"{_marks(m_test)}"})
        if "alpha" in h:
            notes.append("Homicide victims are compared with the previous 12 months, each change tested alone. "
                         + significance_key(h["alpha"], h.get("change_test"), family=False))
    else:
        notes.append(f"Homicide victims are not shown: {homicide_cov.reason}.")
    record_parts(pack, SECTION, {"crime_rates": rates_cov, "homicide_victims": homicide_cov})
    if rows:
        df = pd.DataFrame(rows)
        pack.record.add_table("recorded_crime_rates", df)
        caption = pack.table_caption(
            "tbl-crime-rates", f"Crime per 1,000 residents and homicide victims, {pack.borough.name} and the MPS")
        cols = [Column("measure", "Measure", str, numeric=False), Column("borough", pack.borough.name, str),
                Column("mps", "MPS", str)]
        parts.append(html_table(df, cols, caption, "tbl-crime-rates"))
        parts.append(source_line("MPS Borough Level Crime; ONS mid-year population estimates; "
                                 "MPS homicide dashboard data"))
    parts += [paragraph(n, "footnote") for n in notes]
    return Section(parts, SECTION, pack.is_demo)
