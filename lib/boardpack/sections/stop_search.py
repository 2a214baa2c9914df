"""Section 5: stop and search — monthly volume, ethnic disproportionality, last-month outcomes."""

from __future__ import annotations

import pandas as pd
from matplotlib.ticker import FuncFormatter

from ..metrics.stop_search import GROUPS, KEY_CRIME_TARGET_PCT, WEAPONS_TARGET_PCT
from ..periods import month_label, parse_month
from ..report import alt_text
from ..report.charts import BOROUGH, MPS, plot_group_lines, plot_trend
from ..report.html import data_to_line, paragraph, source_line
from ..report.tables import Column, fmt_count, fmt_pct, html_table
from .section import Section, guarded, part_unavailable, require, unavailable

SECTION = "stop_search"
CELL = "compute-stop-search"
SOURCE = "police.uk stop and search records (Metropolitan Police Service)"
CENSUS_SOURCE = "ONS Census"


def _month_header(months: list[str]) -> list[tuple[str, int]]:
    groups: list[tuple[str, int]] = [("", 1)]
    for m in months:
        year = m[:4]
        if groups[-1][0] == year:
            groups[-1] = (year, groups[-1][1] + 1)
        else:
            groups.append((year, 1))
    return groups


def _wide(rows: dict[str, list], months: list[str], fmt) -> tuple[pd.DataFrame, list[Column]]:
    df = pd.DataFrame([{"label": label, **dict(zip(months, values))} for label, values in rows.items()])
    cols = [Column("label", "", str, numeric=False)] + [Column(m, parse_month(m).strftime("%b"), fmt) for m in months]
    return df, cols


@guarded(SECTION, "stop and search", cell=CELL)
def volume(pack, monthly, unsplit) -> Section:
    """Figure and table: searches per month over 13 months, borough and MPS (section 60 excluded).

    ``monthly`` is the table of :func:`boardpack.metrics.stop_search.monthly_searches` with the
    months in ``unsplit`` (:func:`~boardpack.metrics.stop_search.unsplittable_months`) masked by
    :func:`~boardpack.metrics.stop_search.mask_monthly`. Records ``stop_search.monthly[]``
    (month, searches, mps).
    """
    missing = unavailable(pack, SECTION, "stop and search")
    if missing:
        return missing
    df, unsplit = require(monthly), require(unsplit)
    months = df["month"].tolist()
    pack.record.set(SECTION, "monthly", df[["month", "searches", "mps"]])
    pack.record.add_table("stop_search_monthly", df)
    name = pack.borough.name
    plot_df = df.assign(label=[month_label(m, "short") for m in months])
    title = f"Stop and searches per month in {name} (excluding section 60)"
    series = {name: "searches", "MPS": "mps"}
    fig = plot_trend(plot_df, "label", series, title, f"Searches in {name}", colours={name: BOROUGH, "MPS": MPS},
                     secondary={"MPS"})
    alt = alt_text.trend_alt(plot_df, "label", series, "stop and searches per month")
    chart = pack.figure("fig-stop-search-monthly", SECTION, fig, title, alt, SOURCE)  # numbered before the table
    table_df, cols = _wide({name: df["searches"].tolist(), "MPS": df["mps"].tolist()}, months, fmt_count)
    caption = pack.table_caption("tbl-stop-search-monthly",
                                 f"Stop and searches per month, {name} and the MPS (excluding section 60)")
    table = html_table(table_df, cols, caption, "tbl-stop-search-monthly", header_groups=_month_header(months),
                       wide=True)
    parts = [data_to_line(pack.period_label),
             paragraph("Each search is placed in a borough by its recorded location. Searches of unattended vehicles "
                       "are included; section 60 searches are not. The MPS figure counts every Met search, including "
                       "those with no location."),
             chart, table, source_line(SOURCE)]
    if unsplit:
        parts.append(paragraph(
            f"n/a: in {', '.join(month_label(m) for m in unsplit)} most searches were published without a location, "
            "so they cannot be placed in a borough.", "footnote"))
    return Section(parts, SECTION, pack.is_demo)


@guarded(SECTION, "stop and search by ethnic group", cell=CELL)
def disproportionality_table(pack, ratios, share, pop) -> Section:
    """Figure and tables: ratio of each group's search rate to the White rate, per month, with counts.

    Only renders: ``pop`` is the borough's population by group from
    :func:`boardpack.metrics.ethnicity.borough_population` (the Census fold), ``ratios`` the
    table of :func:`boardpack.metrics.stop_search.disproportionality` and ``share`` that of
    :func:`~boardpack.metrics.stop_search.not_recorded_share`, both with unsplittable months
    masked (:func:`~boardpack.metrics.stop_search.mask_ratios`, ``mask_not_recorded``).
    Records ``stop_search.disproportionality[]`` (month, group, ratio, searches),
    ``stop_search.not_recorded[]`` and ``stop_search.population``.
    """
    missing = unavailable(pack, SECTION, "stop and search by ethnic group")
    if missing:
        return missing
    missing = part_unavailable(pack, "stop_search_ethnicity", SECTION, "Stop and search by ethnic group")
    if missing:
        return missing
    ratios, share, pop = require(ratios), require(share), require(pop)
    census = pack.coverage["stop_search_ethnicity"].details
    year = pop.attrs.get("census_year", census["census_year"])
    fold, fold_used, fold_warning = pop.attrs["fold_requested"], pop.attrs["fold"], pop.attrs["fold_note"]
    months = sorted(ratios["month"].unique())
    name = pack.borough.name

    rec = ratios.rename(columns={"ethnic_group": "group"})[["month", "group", "ratio_2dp", "searches", "rate_per_1000"]]
    rec = rec.rename(columns={"ratio_2dp": "ratio"})
    pack.record.set(SECTION, "disproportionality", rec)
    pack.record.set(SECTION, "not_recorded", share)
    pack.record.set(SECTION, "population", {"census_year": year, "fold": fold_used, "fold_requested": fold,
                                            **{g: int(pop[g]) for g in GROUPS}})
    pack.record.add_table("stop_search_disproportionality", rec)
    pack.record.add_table("stop_search_population", pop.reset_index())

    def cell(r):
        if pd.isna(r["searches"]):
            return "n/a"
        if pd.isna(r["ratio_2dp"]):
            return f"– ({int(r['searches'])})"
        return f"{r['ratio_2dp']:.2f} ({int(r['searches'])})"

    wide = ratios.pivot(index="month", columns="ethnic_group", values="ratio_2dp").reindex(months)
    plot_df = wide.reset_index()
    plot_df["label"] = [month_label(m, "short") for m in months]
    series = {g: g for g in GROUPS}
    title = f"Disproportionality ratio by ethnic group, {name} (White = 1.00)"
    fig = plot_group_lines(plot_df, "label", series, title, "Ratio to White search rate", baseline=1.0)
    fig.axes[0].yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.1f}"))
    alt = alt_text.trend_alt(plot_df, "label", series, "each group's search rate divided by the White search rate",
                             decimals=2)
    chart = pack.figure("fig-disproportionality", SECTION, fig, title, alt, SOURCE)  # numbered before the tables
    rows = {g: [cell(r) for _, r in ratios[ratios["ethnic_group"] == g].sort_values("month").iterrows()]
            for g in GROUPS}
    rows["% ethnicity not recorded"] = ["n/a" if pd.isna(r["not_recorded"]) else
                                        f"{fmt_pct(r['pct_not_recorded'])} ({int(r['not_recorded'])})"
                                        for _, r in share.sort_values("month").iterrows()]
    table_df, cols = _wide(rows, months, str)
    caption = pack.table_caption("tbl-disproportionality",
                                 f"Disproportionality ratio (searches) by officer-defined ethnicity, {name}, "
                                 f"Census {year}")
    table = html_table(table_df, cols, caption, "tbl-disproportionality", header_groups=_month_header(months),
                       wide=True)

    pop_df = pd.DataFrame({"group": list(GROUPS) + ["Total"],
                           "population": [int(pop[g]) for g in GROUPS] + [int(pop.sum())]})
    pop_caption = pack.table_caption("tbl-population", f"Resident population by ethnic group, {name}, Census {year}")
    pop_table = html_table(pop_df, [Column("group", "Ethnic group", numeric=False),
                                    Column("population", "Population", fmt_count)],
                           pop_caption, "tbl-population")

    fold_note = {
        "mps": "White = all White groups; Black = Black groups plus Mixed White and Black Caribbean and White and "
               "Black "
               "African; Asian = Indian, Pakistani, Bangladeshi and other Asian plus Mixed White and Asian; Other = "
               "Chinese, Arab, other Mixed and any other group.",
        "mixed_to_other": "the Census broad groups White, Black and Asian are used as they are, and Mixed is "
                          "counted with Other.",
    }[fold_used]
    notes = [paragraph(
        "The ratio is the group's searches per 1,000 residents of that group divided by the same rate for White "
        f"residents, on Census {year} populations. Officer-defined ethnicity has no Mixed group, so the Census groups "
        f"are folded: {fold_note} Vehicle-only and section 60 searches are excluded. Resident population may not "
        "reflect the people on the borough's streets.", "footnote")]
    if fold_warning:
        notes.append(paragraph(fold_warning, "footnote"))
    if census["census_note"]:
        notes.append(paragraph(census["census_note"], "footnote"))
    return Section([chart, table,
                    source_line(f"{SOURCE}; {CENSUS_SOURCE} {year}"), pop_table, *notes], SECTION, pack.is_demo)


@guarded(SECTION, "stop and search outcomes", cell=CELL)
def last_month(pack, summary) -> Section:
    """Table: the last month's search volume, arrest rate, % weapons and % key crime, borough and MPS.

    ``summary`` is the table of :func:`boardpack.metrics.stop_search.last_month_summary`.
    Records ``stop_search.last_month`` with the borough's and ``mps`` figures and the targets.
    """
    missing = unavailable(pack, SECTION, "stop and search outcomes")
    if missing:
        return missing
    df = require(summary)
    name = pack.borough.name
    b, m = df.iloc[0], df.iloc[1]
    keys = ("searches", "arrest_rate", "pct_weapons", "pct_key_crime")
    pack.record.set(SECTION, "last_month", {"month": pack.period, **{k: b[k] for k in keys},
                                            "mps": {k: m[k] for k in keys},
                                            "targets": {"pct_weapons": WEAPONS_TARGET_PCT,
                                                        "pct_key_crime": KEY_CRIME_TARGET_PCT}})
    shown = pd.DataFrame({"area": [name, "MPS", "Target"], "searches": [b["searches"], m["searches"], None],
                          "arrest_rate": [b["arrest_rate"], m["arrest_rate"], None],
                          "pct_weapons": [b["pct_weapons"], m["pct_weapons"], WEAPONS_TARGET_PCT],
                          "pct_key_crime": [b["pct_key_crime"], m["pct_key_crime"], KEY_CRIME_TARGET_PCT]})
    pack.record.add_table("stop_search_last_month", shown)
    def dash(f):
        return lambda v: "–" if v is None or pd.isna(v) else f(v)
    cols = [Column("area", "", str, numeric=False), Column("searches", "Search volume (all powers)", dash(fmt_count)),
            Column("arrest_rate", "Arrest rate", dash(fmt_pct)),
            Column("pct_weapons", "% weapons searches", dash(fmt_pct)),
            Column("pct_key_crime", "% key crime (MOPAC 7) searches", dash(fmt_pct))]
    caption = pack.table_caption("tbl-stop-search-last-month",
                                 f"Arrest rate, weapons and key crime searches, {month_label(pack.period)} only")
    w = "above" if b["pct_weapons"] > WEAPONS_TARGET_PCT else "below" if b["pct_weapons"] < WEAPONS_TARGET_PCT else "at"
    k = ("above" if b["pct_key_crime"] > KEY_CRIME_TARGET_PCT
         else "below" if b["pct_key_crime"] < KEY_CRIME_TARGET_PCT else "at")
    text = paragraph(
        f"In {month_label(pack.period)}, {fmt_count(b['searches'])} searches were recorded in {name}; "
        f"{fmt_pct(b['arrest_rate'])} led to an arrest (MPS {fmt_pct(m['arrest_rate'])}). Weapons searches were "
        f"{fmt_pct(b['pct_weapons'])} of all searches, {w} the {WEAPONS_TARGET_PCT:g}% target, and key crime searches "
        f"{fmt_pct(b['pct_key_crime'])}, {k} the {KEY_CRIME_TARGET_PCT:g}% target."
    )
    return Section([text, html_table(shown, cols, caption, "tbl-stop-search-last-month"), source_line(SOURCE)],
                   SECTION, pack.is_demo)


def glossary(pack) -> Section:
    """The stop and search definitions."""
    from .glossary import topic

    return topic(pack, "stop_search")


