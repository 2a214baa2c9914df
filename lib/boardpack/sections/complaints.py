"""Complaints against borough officers and staff: totals, change, rate per workforce, types and outcomes."""

from __future__ import annotations

import pandas as pd

from ..metrics.significance import TEST_COLUMNS
from ..periods import month_label, rolling_windows
from ..report import alt_text
from ..report import complaints_narrative as words
from ..report.charts import plot_bars, plot_ranked_bars
from ..report.html import data_to_line, paragraph, source_line
from ..report.narrative import significance_key
from ..report.tables import (
    Column,
    change_class,
    fmt_count,
    fmt_pct,
    html_table,
    marked_change,
)
from .section import Section, guarded, require

SECTION = "complaints"
CELL = "compute-complaints"
SOURCE = "Metropolitan Police Service, public complaints management information (supplied by the board's analyst)"
WORKFORCE_SOURCE = SOURCE + "; borough workforce (officers and staff)"

ABOUT_ALLEGATIONS = (
    "An allegation is one part of a complaint about how an officer or member of staff behaved. "
    "Allegations are counted for each officer or member of staff involved: a complaint making one "
    "allegation about two officers counts as two allegations."
)


def _windows(pack) -> tuple[str, str]:
    previous, current = rolling_windows(pack.period)
    return _span(previous), _span(current)


def _span(months: list[str]) -> str:
    return f"{month_label(months[0])} – {month_label(months[-1])}"


def _tested(df: pd.DataFrame) -> bool:
    """Whether a computed table carries its tests of change (the columns and ``attrs["alpha"]``)."""
    return set(TEST_COLUMNS) <= set(df.columns) and "alpha" in df.attrs


def _mark(row: pd.Series) -> str:
    """``*`` for a significant change, ``†`` for small numbers (see :func:`significance_key`)."""
    return ("*" if bool(row["significant"]) else "") + ("†" if bool(row["small_numbers"]) else "")


def _marked_alt(df: pd.DataFrame, marks: pd.Series) -> str:
    """The chart's marks in words, for its alt text."""
    parts = []
    for symbol, meaning in (("*", "statistically significant change"), ("†", "small numbers")):
        names = df.loc[marks.str.contains(symbol, regex=False), "borough"].tolist()
        if names:
            parts.append(f"Marked {symbol} ({meaning}): {', '.join(names)}.")
    return " ".join(parts) or "No borough's change is statistically significant."


@guarded(SECTION, "public complaint allegations", cell=CELL)
def summary(pack, ranked, average) -> Section:
    """Figure: allegations in the last 12 months for every borough, ranked, with the borough's total.

    ``ranked`` is the table of :func:`boardpack.metrics.complaints.allegations_by_borough` and
    ``average`` the MPS average per borough (:func:`~boardpack.metrics.complaints.average_per_borough`).
    Records ``complaints.total``, ``rank``, ``mps_average_allegations`` and the table
    ``complaints_by_borough``.
    """
    ranked, average = require(ranked), require(average)
    name = pack.borough.name
    own = ranked[ranked["area_code"] == pack.borough.gss_code].iloc[0]
    _, current = _windows(pack)

    title = f"Public complaint allegations by borough, {current}"
    fig = plot_ranked_bars(ranked, "borough", "allegations", name, title, "Allegations in 12 months",
                           reference=average, reference_label="MPS average per borough")
    alt = alt_text.ranked_alt(ranked, "borough", "allegations", name,
                              f"public complaint allegations, {current}", reference=average)
    pack.record.set(SECTION, "available", True)
    pack.record.set(SECTION, "current_window", current)
    pack.record.set(SECTION, "total", int(own["allegations"]))
    pack.record.set(SECTION, "rank", int(own["rank"]))
    pack.record.set(SECTION, "mps_average_allegations", average)
    pack.record.add_table("complaints_by_borough", ranked)
    return Section(
        [
            data_to_line(pack.period_label),
            paragraph(ABOUT_ALLEGATIONS),
            paragraph(words.total_sentence(name, int(own["allegations"]))
                      + f" The chart below shows {name} against the other MPS boroughs."),
            pack.figure("fig-complaints-ranked", SECTION, fig, title, alt, SOURCE),
        ],
        SECTION, pack.is_demo,
    )


@guarded(SECTION, "change in complaint allegations", cell=CELL)
def change(pack, changes, n_up, mps, mps_test=None) -> Section:
    """Figure: % change in allegations on the previous 12 months for every borough, ranked.

    ``changes`` is the table of :func:`boardpack.metrics.complaints.pct_change_by_borough`,
    ``n_up`` the number of boroughs with an increase, ``mps`` the MPS change and ``mps_test``
    its test (:func:`~boardpack.metrics.complaints.mps_change_test`). Records
    ``complaints.previous_total``, ``pct_change``, ``mps_pct_change``,
    ``boroughs_with_increase`` and the table ``complaints_change``; when ``changes`` carries its
    tests, also the borough's ``p_value``, ``significant``, ``small_numbers``, ``test`` and
    ``alpha`` (from ``changes``), and with ``mps_test`` the ``mps_`` twins. The chart marks each
    borough's bar with ``*`` or ``†`` and a footnote gives the legend.
    """
    changes, n_up, mps, mps_test = require(changes), require(n_up), require(mps), require(mps_test)
    name = pack.borough.name
    own = changes[changes["area_code"] == pack.borough.gss_code].iloc[0]
    own_pct = None if pd.isna(own["pct_change"]) else float(own["pct_change"])
    previous, current = _windows(pack)

    tested = _tested(changes)
    # A borough with no allegations in the previous 12 months has no percentage to draw.
    drawn = changes.dropna(subset=["pct_change"])
    if tested:
        drawn = drawn.assign(mark=[_mark(r) for _, r in drawn.iterrows()])
    title = f"Change in public complaint allegations by borough, {current} against {previous}"
    fig = plot_ranked_bars(drawn, "borough", "pct_change", name, title, "% change on the previous 12 months",
                           reference=mps, reference_label="MPS change", percent=True,
                           marks="mark" if tested else None)
    alt = alt_text.ranked_alt(drawn, "borough", "pct_change", name,
                              "percentage change in public complaint allegations", reference=mps, percent=True,
                              decimals=1, reference_label="The MPS change")
    if tested:
        alt += " " + _marked_alt(drawn, drawn["mark"])
    pack.record.set(SECTION, "available", True)
    pack.record.set(SECTION, "previous_window", previous)
    pack.record.set(SECTION, "previous_total", int(own["previous_12m"]))
    pack.record.set(SECTION, "pct_change", own_pct)
    pack.record.set(SECTION, "mps_pct_change", mps)
    pack.record.set(SECTION, "boroughs_with_increase", n_up)
    pack.record.add_table("complaints_change", changes)
    sentence = words.change_sentence(name, int(own["previous_12m"]), own_pct)
    if tested:
        for key in TEST_COLUMNS:
            pack.record.set(SECTION, key, own[key])
        pack.record.set(SECTION, "change_test", changes.attrs.get("change_test"))
        pack.record.set(SECTION, "test_description", changes.attrs.get("test"))
        pack.record.set(SECTION, "family", changes.attrs.get("family"))
        pack.record.set(SECTION, "alpha", changes.attrs["alpha"])
        sentence = words.change_sentence(name, int(own["previous_12m"]), own_pct,
                                         significant=bool(own["significant"]), small=bool(own["small_numbers"]),
                                         test=own["test"])
    if mps_test is not None:
        for key, value in mps_test.as_dict().items():
            pack.record.set(SECTION, f"mps_{key}", value)
        sentence += " " + words.mps_change_sentence(mps, mps_test.significant, mps_test.small_numbers,
                                                    mps_test.test)

    parts = [
        paragraph(f"The chart below shows the percentage change in allegations recorded over the last 12 months "
                  f"({current}) against the 12 months before ({previous}). {words.increase_sentence(n_up)}"),
        paragraph(sentence),
        pack.figure("fig-complaints-change", SECTION, fig, title, alt, SOURCE),
    ]
    if tested:
        parts.append(paragraph(significance_key(changes.attrs["alpha"], changes.attrs.get("change_test")),
                               "footnote"))
    left_out = changes.loc[changes["pct_change"].isna(), "borough"].tolist()
    if left_out:
        parts.append(paragraph("Not drawn (no allegations in the previous 12 months): " + ", ".join(left_out) + ".",
                               "footnote"))
    return Section(parts, SECTION, pack.is_demo)


@guarded(SECTION, "complaint allegations per 100 workforce", cell=CELL)
def rate(pack, rates) -> Section:
    """Figure: allegations per 100 workforce for every borough, ranked, with the borough's rate.

    ``rates`` is the table of :func:`boardpack.metrics.complaints.per_100_workforce`.
    Records ``complaints.rate_per_100_workforce``, ``rate_rank``, ``workforce``,
    ``workforce_month``, ``mps_rate_per_100_workforce`` and the table ``complaints_rate``.
    """
    rates = require(rates)
    name = pack.borough.name
    own = rates[rates["area_code"] == pack.borough.gss_code].iloc[0]
    mps_rate = rates.attrs["mps_rate"]
    _, current = _windows(pack)

    title = f"Public complaint allegations per 100 workforce by borough, {current}"
    fig = plot_ranked_bars(rates, "borough", "rate", name, title, "Allegations per 100 workforce",
                           reference=mps_rate, reference_label="MPS rate")
    alt = alt_text.ranked_alt(rates, "borough", "rate", name, "public complaint allegations per 100 workforce",
                              reference=mps_rate, decimals=1, reference_label="The MPS rate")
    pack.record.set(SECTION, "available", True)
    pack.record.set(SECTION, "rate_per_100_workforce", float(own["rate"]))
    pack.record.set(SECTION, "rate_rank", int(own["rank"]))
    pack.record.set(SECTION, "workforce", float(own["workforce"]))
    pack.record.set(SECTION, "workforce_month", own["workforce_month"])
    pack.record.set(SECTION, "mps_rate_per_100_workforce", mps_rate)
    pack.record.add_table("complaints_rate", rates)
    return Section(
        [
            paragraph("The chart below shows allegations per 100 workforce (officers and staff), which allows "
                      "boroughs with large and small workforces to be compared. "
                      + words.rate_sentence(name, float(own["rate"]), mps_rate)),
            pack.figure("fig-complaints-rate", SECTION, fig, title, alt, WORKFORCE_SOURCE),
        ],
        SECTION, pack.is_demo,
    )


@guarded(SECTION, "complaint allegations by type", cell=CELL)
def by_type(pack, types) -> Section:
    """Figure and table: the borough's allegations by type, with shares and change.

    ``types`` is the table of :func:`boardpack.metrics.complaints.by_type`.
    Records ``complaints.by_type[]`` (type, allegations, pct, previous_12m, pct_change and,
    when ``types`` carries its tests, p_value, significant, small_numbers) and the table
    ``complaints_by_type``; the table's changes carry the ``*``/``†`` marks and their legend.
    """
    types = require(types)
    name = pack.borough.name
    _, current = _windows(pack)
    record = types.rename(columns={"allegation_type": "type"})

    title = f"Public complaint allegations by type, {name}, {current}"
    fig = plot_bars(types, "allegation_type", "allegations", title, "Allegations in 12 months")
    alt = alt_text.bars_alt(types, "allegation_type", "allegations", f"public complaint allegations by type in {name}")
    pack.record.set(SECTION, "available", True)
    pack.record.set(SECTION, "by_type", record)
    pack.record.add_table("complaints_by_type", record)

    columns = [
        Column("allegation_type", "Allegation type", str, numeric=False),
        Column("allegations", "Allegations", fmt_count),
        Column("pct", "% of total", fmt_pct),
        Column("previous_12m", "Previous 12 months", fmt_count),
        Column("pct_change", "% change", css=change_class,
               row_fmt=marked_change("pct_change", "significant", "small_numbers")),
    ]
    # The chart is numbered before the table, in the order they are printed.
    chart = pack.figure("fig-complaints-type", SECTION, fig, title, alt, SOURCE)
    caption = pack.table_caption("tbl-complaints-type", f"Public complaint allegations by type, {name}, {current}")
    return Section(
        [
            paragraph(f"The chart and table below break down the public complaint allegations recorded in {name} "
                      f"over the last 12 months ({current}) by type."),
            paragraph(words.type_sentence(types)),
            chart,
            html_table(types, columns, caption, "tbl-complaints-type"),
            source_line(SOURCE),
            paragraph(significance_key(types.attrs["alpha"], types.attrs.get("change_test")), "footnote")
            if _tested(types) else "",
        ],
        SECTION, pack.is_demo,
    )


@guarded(SECTION, "complaint allegation outcomes", cell=CELL, part="complaint_outcomes")
def by_outcome(pack, outcomes) -> Section:
    """Figure and table: the borough's allegation outcomes with counts and shares.

    ``outcomes`` is the table of :func:`boardpack.metrics.complaints.by_outcome` (the part
    ``complaint_outcomes``: the outcomes file is optional). Records ``complaints.by_outcome[]``
    (outcome, allegations, pct) and the table ``complaints_by_outcome``.
    """
    outcomes = require(outcomes)
    name = pack.borough.name
    _, current = _windows(pack)

    title = f"Outcomes of public complaint allegations, {name}, {current}"
    fig = plot_bars(outcomes, "outcome", "allegations", title, "Allegations finalised in 12 months")
    alt = alt_text.bars_alt(outcomes, "outcome", "allegations", f"outcomes of public complaint allegations in {name}")
    pack.record.set(SECTION, "by_outcome", outcomes)
    pack.record.add_table("complaints_by_outcome", outcomes)

    columns = [
        Column("outcome", "Outcome", str, numeric=False),
        Column("allegations", "Allegations", fmt_count),
        Column("pct", "% of outcomes", fmt_pct),
    ]
    chart = pack.figure("fig-complaints-outcome", SECTION, fig, title, alt, SOURCE)
    caption = pack.table_caption("tbl-complaints-outcome", f"Outcomes of public complaint allegations, {name}, "
                                 f"{current}")
    return Section(
        [
            paragraph(f"The chart and table below show the outcomes of allegations finalised in {name} over the last "
                      f"12 months ({current}); the percentages are of all outcomes recorded in that time."),
            paragraph(words.outcome_sentence(outcomes)),
            chart,
            html_table(outcomes, columns, caption, "tbl-complaints-outcome"),
            source_line(SOURCE),
        ],
        SECTION, pack.is_demo,
    )
