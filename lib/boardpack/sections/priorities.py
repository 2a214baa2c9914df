"""The Police and Crime Plan: the borough's local priorities and, under the 2013-16 plan, the MOPAC 7 target."""

from __future__ import annotations

import pandas as pd

from ..metrics.significance import TEST_COLUMNS
from ..periods import month_label, rolling_windows
from ..report import alt_text
from ..report.charts import plot_small_multiples
from ..report.html import bullet_list, data_to_line, paragraph, source_line
from ..report.narrative import change_phrase, significance_key
from ..report.tables import Column, change_class, fmt_count, fmt_pct, html_table, marked_change
from .section import Section, guarded, require

SECTION = "local_priorities"
CELL = "compute-local-priorities"
SOURCE = ("MOPAC Police and Crime Plan (params/local_priorities.yaml); MPS Borough Level Crime; MPS crime "
          "dashboard other crime measures and ASB calls (supplied by the board's analyst)")
ROWS = ["priority", "available", "reason", "source", "previous_12m", "current_12m", "pct_change",
        "mps_previous_12m", "mps_current_12m", "mps_pct_change", "mps_source"]


def _plan_words(pack, plan) -> list[str]:
    words = [f"The {plan.label} is in force for a pack to {pack.period_label} (as configured: "
             f"{month_label(plan.first_month)} to {month_label(plan.last_month)})."]
    if plan.ended:
        words[0] = (f"The {plan.label} ended in {month_label(plan.last_month)}; no later plan is configured, so "
                    f"the pack reports against its priorities.")
    if plan.volume_crimes:
        chosen = " and ".join(plan.volume_crimes)
        if plan.as_configured:
            words.append(f"Priorities as configured: {chosen} are the default volume crimes of "
                         "params/local_priorities.yaml, not a published choice of the borough; the borough's "
                         "agreed priorities replace them there.")
        else:
            words.append(f"{pack.borough.name} chose {chosen} as its volume crime priorities ({plan.source}).")
    return words


@guarded(SECTION, "local priorities", cell=CELL)
def priorities(pack, table, sparks, plan) -> Section:
    """Table and sparklines: each priority's last 12 months against the 12 before, the borough and the MPS.

    ``table`` is :func:`boardpack.metrics.priorities.priority_table`, ``sparks`` the borough's monthly
    counts (:func:`~boardpack.metrics.priorities.sparklines`) and ``plan`` the
    :class:`~boardpack.plan_config.PlanInForce`. Records ``local_priorities``: ``plan``, ``plan_months``,
    ``as_configured``, ``volume_crimes``, ``rows[]`` (:data:`ROWS` and the test columns with their
    ``mps_`` twins), ``alpha``, ``change_test``, ``vintage``; the tables ``local_priorities`` and
    ``local_priorities_monthly``.
    """
    df, sparks = require(table), require(sparks)
    previous, current = rolling_windows(pack.period)
    rec = df[ROWS + [f"{p}{c}" for p in ("", "mps_") for c in TEST_COLUMNS]]
    for key, value in (("available", True), ("plan", plan.label), ("plan_months", [plan.first_month, plan.last_month]),
                       ("plan_ended", plan.ended), ("as_configured", plan.as_configured),
                       ("volume_crimes", list(plan.volume_crimes)), ("volume_crimes_source", plan.source),
                       ("vintage", df.attrs.get("vintage")), ("alpha", df.attrs.get("alpha")),
                       ("change_test", df.attrs.get("change_test")), ("rows", rec), ("monthly", sparks)):
        pack.record.set(SECTION, key, value)
    pack.record.add_table("local_priorities", rec)
    pack.record.add_table("local_priorities_monthly", sparks)

    shown = df.assign(note=[r["reason"] if not r["available"] else "" for _, r in df.iterrows()])
    columns = [
        Column("priority", "Priority", str, numeric=False),
        Column("previous_12m", f"{month_label(previous[0], 'short')} – {month_label(previous[-1], 'short')}",
               fmt_count),
        Column("current_12m", f"{month_label(current[0], 'short')} – {month_label(current[-1], 'short')}", fmt_count),
        Column("pct_change", "% change", css=change_class,
               row_fmt=marked_change("pct_change", "significant", "small_numbers")),
        Column("mps_pct_change", "MPS % change", css=change_class,
               row_fmt=marked_change("mps_pct_change", "mps_significant", "mps_small_numbers")),
    ]
    caption = pack.table_caption("tbl-local-priorities",
                                 f"Local priorities in {pack.borough.name}, 12 months to {pack.period_label}")
    parts = [data_to_line(pack.period_label), *[paragraph(w) for w in _plan_words(pack, plan)],
             html_table(shown, columns, caption, "tbl-local-priorities"), source_line(SOURCE)]
    sentences = []
    for _, r in df[df["available"].astype(bool)].iterrows():
        def said(prefix: str, r=r) -> str:
            sig = r[f"{prefix}significant"]
            return change_phrase(r[f"{prefix}pct_change"], r["priority"].lower() if prefix == "" else "the MPS",
                                 significant=None if pd.isna(sig) else bool(sig),
                                 small=bool(r[f"{prefix}small_numbers"]) if pd.notna(r[f"{prefix}small_numbers"])
                                 else False, test=r[f"{prefix}test"])
        sentences.append(f"{r['priority']}: {said('')}; across the MPS, {said('mps_')}.")
    parts.append(bullet_list(sentences))
    if "alpha" in df.attrs:
        parts.append(paragraph(significance_key(df.attrs["alpha"], df.attrs.get("change_test")), "footnote"))
    missing = df[~df["available"].astype(bool)]
    if len(missing):
        parts.append(paragraph("Not available: " + "; ".join(f"{r['priority']} ({r['reason']})"
                                                              for _, r in missing.iterrows()) + ".", "footnote"))
    series = [c for c in sparks.columns if c != "month"]
    if series:
        labelled = sparks.assign(label=[month_label(m, "short") for m in sparks["month"]])
        title = f"Local priorities in {pack.borough.name}, each month of the last 24, each on its own scale"
        fig = plot_small_multiples(labelled, "label", {s: s for s in series}, title)
        alt = ("Small multiples, one chart per priority, each on its own scale. "
               + alt_text.trend_alt(labelled, "label", {s: s for s in series},
                                    f"recorded offences or calls per month in {pack.borough.name}"))
        parts.append(pack.figure("fig-local-priorities", SECTION, fig, title, alt, SOURCE))
    return Section(parts, SECTION, pack.is_demo)


@guarded(SECTION, "MOPAC 7 against the baseline", cell=CELL)
def baseline(pack, table, plan) -> Section:
    """Table: the MOPAC 7 over the last 12 months against the plan's baseline year and its reduction target.

    ``table`` is :func:`boardpack.metrics.priorities.against_baseline`, None when the plan in force sets
    no baseline (then nothing is shown). Records ``local_priorities.mopac7_baseline`` (``baseline_label``,
    ``baseline_months``, ``target_pct``, ``rows[]``) and the table ``mopac7_baseline``.
    """
    if table is None:
        return Section([], SECTION, pack.is_demo)
    df = require(table)
    label = plan.baseline.label
    keep = ["row", "baseline", "current_12m", "pct_vs_baseline", "target", "meets_target",
            "mps_baseline", "mps_current_12m", "mps_pct_vs_baseline", "mps_target", "mps_meets_target",
            *[f"{p}{c}" for p in ("", "mps_") for c in TEST_COLUMNS]]
    rec = df[keep]
    pack.record.set(SECTION, "mopac7_baseline", {
        "baseline_label": label, "baseline_months": list(df.attrs["baseline_months"]),
        "current_months": list(df.attrs["current_months"]), "target_pct": df.attrs["target_pct"],
        "vintage": df.attrs.get("vintage"), "rows": rec})
    pack.record.add_table("mopac7_baseline", rec)
    target = f"{df.attrs['target_pct']:g}%"
    shown = df.assign(met=df["meets_target"].map({True: "yes", False: "no"}),
                      mps_met=df["mps_meets_target"].map({True: "yes", False: "no"}))
    columns = [
        Column("row", "MOPAC 7 crime", str, numeric=False),
        Column("baseline", f"{label} baseline", fmt_count),
        Column("current_12m", "Last 12 months", fmt_count),
        Column("pct_vs_baseline", "% change", css=change_class,
               row_fmt=marked_change("pct_vs_baseline", "significant", "small_numbers")),
        Column("target", f"Target ({target})", lambda v: fmt_count(round(v))),
        Column("met", "Target met", str),
        Column("mps_pct_vs_baseline", "MPS % change", css=change_class,
               row_fmt=marked_change("mps_pct_vs_baseline", "mps_significant", "mps_small_numbers")),
        Column("mps_met", "MPS target met", str),
    ]
    caption = pack.table_caption("tbl-mopac7-baseline",
                                 f"The MOPAC 7 in {pack.borough.name} against the {label} baseline and the "
                                 f"{target} target of the {plan.label}")
    total = df[df["row"] == "MOPAC 7"].iloc[0]
    lead = (f"The {plan.label} set a {abs(df.attrs['target_pct']):g}% reduction in the MOPAC 7 against {label} "
            f"({month_label(df.attrs['baseline_months'][0])} to {month_label(df.attrs['baseline_months'][1])}). "
            f"In the 12 months to {pack.period_label} {pack.borough.name} recorded {fmt_count(total['current_12m'])} "
            f"MOPAC 7 offences against {fmt_count(total['baseline'])} in {label}: "
            f"{fmt_pct(total['pct_vs_baseline'], signed=True)}, "
            f"{'within' if total['meets_target'] else 'short of'} the target.")
    return Section([paragraph(lead), html_table(shown, columns, caption, "tbl-mopac7-baseline"),
                    source_line("MPS Borough Level Crime (London Datastore)"),
                    paragraph(significance_key(df.attrs["alpha"], df.attrs.get("change_test")), "footnote")],
                   SECTION, pack.is_demo)
