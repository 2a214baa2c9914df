"""Section 5: stop and search — monthly volume, ethnic disproportionality, last-month outcomes."""

from __future__ import annotations

import pandas as pd
from matplotlib.ticker import FuncFormatter

from ..metrics.stop_search import BASELINE_GROUP, GROUPS, KEY_CRIME_TARGET_PCT, MEASURES, TARGETS, WEAPONS_TARGET_PCT
from ..metrics.significance import SMALL_COUNT
from ..periods import month_label, parse_month
from ..report import alt_text
from ..report.charts import BOROUGH, MPS, plot_group_lines, plot_trend
from ..report.html import data_to_line, paragraph, source_line
from ..report.narrative import change_phrase
from ..report.tables import Column, fmt_count, fmt_pct, html_table
from .section import Section, guarded, require

SECTION = "stop_search"
CELL = "compute-stop-search"
SOURCE = "police.uk stop and search records (Metropolitan Police Service)"
CENSUS_SOURCE = "ONS Census"
# An en dash held to its neighbours by word joiners (U+2060), so a narrow cell never breaks an interval.
_RANGE = "\u2060–\u2060"


def _month_header(months: list[str]) -> list[tuple[str, int]]:
    groups: list[tuple[str, int]] = [("", 1)]
    for m in months:
        year = m[:4]
        if groups[-1][0] == year:
            groups[-1] = (year, groups[-1][1] + 1)
        else:
            groups.append((year, 1))
    return groups


def _wide(rows: dict[str, list], months: list[str], fmt, css=None) -> tuple[pd.DataFrame, list[Column]]:
    df = pd.DataFrame([{"label": label, **dict(zip(months, values))} for label, values in rows.items()])
    cols = [Column("label", "Measure", str, numeric=False)] + [Column(m, parse_month(m).strftime("%b"), fmt, css=css)
                                                        for m in months]
    return df, cols


def _level(alpha: float) -> str:
    """``0.05`` -> ``"95%"``: the confidence level of an interval at 1 - alpha."""
    return f"{round((1 - alpha) * 100, 6):g}%"


def _is_true(value) -> bool:
    """A flag that may be a numpy, pandas or missing boolean."""
    return not pd.isna(value) and bool(value)


def _stacked(_value) -> str:
    """CSS class of a cell whose text has a second line (its interval)."""
    return "ci"


def _year_on_year_sentence(name: str, change: pd.DataFrame) -> str:
    """The sentence on searches this month against the same month a year before, borough then MPS."""
    b, m = change.iloc[0], change.iloc[1]
    now, before = month_label(b["current_month"]), month_label(b["previous_month"])
    if b["reason"] is not None:
        missing = [x for x, v in ((b["previous_month"], b["previous"]), (b["current_month"], b["current"]))
                   if v is None]
        where = " and ".join(month_label(x) for x in missing)
        why = (f"in {where} most searches were published without a location, so they cannot be placed in a borough"
               if b["reason"] == "unsplittable" else f"{where} {'is' if len(missing) == 1 else 'are'} not in the data")
        text = f"No comparison of {now} with {before} is given for {name}: {why}."
        if m["reason"] is None:
            text += (f" Across the MPS there were {fmt_count(m['current'])} searches in {now} against "
                     f"{fmt_count(m['previous'])} in {before}, {_change_words(m)}.")
        return text
    text = (f"{name} recorded {fmt_count(b['current'])} searches (excluding section 60) in {now} against "
            f"{fmt_count(b['previous'])} in {before}, {_change_words(b)}.")
    if m["reason"] is None:
        text += (f" Across the MPS there were {fmt_count(m['current'])} against {fmt_count(m['previous'])}, "
                 f"{_change_words(m)}.")
    return text


def _change_words(row: pd.Series) -> str:
    if row["previous"] == 0:
        return "so no percentage change can be given"
    return change_phrase(row["pct_change"], "searches", significant=bool(row["significant"]),
                         small=bool(row["small_numbers"]), test=row["test"])


def _change_record(row: pd.Series) -> dict:
    keys = ("previous_month", "current_month", "previous", "current", "pct_change", "p_value", "q_value",
            "significant", "small_numbers", "dispersion", "test", "reason")
    return {k: row[k] for k in keys}


@guarded(SECTION, "stop and search", cell=CELL)
def volume(pack, monthly, unsplit, change=None) -> Section:
    """Figure and table: searches per month over 13 months, borough and MPS (section 60 excluded).

    ``monthly`` is the table of :func:`boardpack.metrics.stop_search.monthly_searches` with the
    months in ``unsplit`` (:func:`~boardpack.metrics.stop_search.unsplittable_months`) masked by
    :func:`~boardpack.metrics.stop_search.mask_monthly`. ``change`` is the table of
    :func:`~boardpack.metrics.stop_search.year_on_year` (this month against the same month a
    year before, with its test); without it no year-on-year sentence is given. Records
    ``stop_search.monthly[]`` (month, searches, mps) and ``stop_search.year_on_year`` (the
    borough's change, ``mps``, ``alpha`` and ``test``).
    """
    df, unsplit = require(monthly), require(unsplit)
    change = require(change) if change is not None else None
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
    parts = [data_to_line(pack.period_label)]
    if change is not None:
        pack.record.set(SECTION, "year_on_year", {**_change_record(change.iloc[0]),
                                                  "mps": _change_record(change.iloc[1]),
                                                  "alpha": change.attrs["alpha"],
                                                  "change_test": change.attrs["change_test"],
                                                  "test_description": change.attrs["test"]})
        parts.append(paragraph(_year_on_year_sentence(name, change)))
    parts += [paragraph("Each search is placed in a borough by its recorded location. Searches of unattended vehicles "
                        "are included; section 60 searches are not. The MPS figure counts every Met search, including "
                        "those with no location."),
              chart, table, source_line(SOURCE)]
    if unsplit:
        parts.append(paragraph(
            f"n/a: in {', '.join(month_label(m) for m in unsplit)} most searches were published without a location, "
            "so they cannot be placed in a borough.", "footnote"))
    return Section(parts, SECTION, pack.is_demo)


@guarded(SECTION, "stop and search by ethnic group", cell=CELL, part="stop_search_ethnicity")
def disproportionality_table(pack, ratios, share, pop) -> Section:
    """Figure and tables: ratio of each group's search rate to the White rate, per month, with counts.

    Only renders: ``pop`` is the borough's population by group from
    :func:`boardpack.metrics.ethnicity.borough_population` (the Census fold), ``ratios`` the
    table of :func:`boardpack.metrics.stop_search.disproportionality` and ``share`` that of
    :func:`~boardpack.metrics.stop_search.not_recorded_share`, both with unsplittable months
    masked (:func:`~boardpack.metrics.stop_search.mask_ratios`, ``mask_not_recorded``).
    Each ratio is shown with its interval (``ci_low``, ``ci_high``, at 1 - ``ratios.attrs["alpha"]``)
    and a † when its base is small (``small_base``). Records
    ``stop_search.disproportionality[]`` (month, group, ratio, searches, rate_per_1000, ci_low,
    ci_high, small_base), ``stop_search.disproportionality_interval`` (alpha and method),
    ``stop_search.not_recorded[]`` and ``stop_search.population``.
    """
    ratios, share, pop = require(ratios), require(share), require(pop)
    census = pack.coverage["stop_search_ethnicity"].details
    year = pop.attrs.get("census_year", census["census_year"])
    fold, fold_used, fold_warning = pop.attrs["fold_requested"], pop.attrs["fold"], pop.attrs["fold_note"]
    months = sorted(ratios["month"].unique())
    name = pack.borough.name

    alpha, level = ratios.attrs["alpha"], _level(ratios.attrs["alpha"])
    rec = ratios.rename(columns={"ethnic_group": "group"})[["month", "group", "ratio_2dp", "searches", "rate_per_1000",
                                                            "ci_low", "ci_high", "small_base"]]
    rec = rec.rename(columns={"ratio_2dp": "ratio"})
    pack.record.set(SECTION, "disproportionality", rec)
    pack.record.set(SECTION, "disproportionality_interval", {"alpha": alpha, "method": ratios.attrs["method"],
                                                             "small_count": SMALL_COUNT})
    pack.record.set(SECTION, "not_recorded", share)
    pack.record.set(SECTION, "population", {"census_year": year, "fold": fold_used, "fold_requested": fold,
                                            **{g: int(pop[g]) for g in GROUPS}})
    pack.record.add_table("stop_search_disproportionality", rec)
    pack.record.add_table("stop_search_population", pop.reset_index())

    def cell(r):
        if pd.isna(r["searches"]):
            return "n/a"
        flag = "†" if _is_true(r["small_base"]) else ""
        if pd.isna(r["ratio_2dp"]):
            return f"– ({int(r['searches'])}){flag}"
        text = f"{r['ratio_2dp']:.2f} ({int(r['searches'])}){flag}"
        if pd.isna(r["ci_low"]) or pd.isna(r["ci_high"]):
            return text
        return f"{text}\n{r['ci_low']:.1f}{_RANGE}{r['ci_high']:.1f}"

    plot_df, intervals, small = _ratio_plot_frame(ratios, months)
    series = {g: g for g in GROUPS}
    title = f"Disproportionality ratio by ethnic group, {name} (White = 1.00)"
    fig = plot_group_lines(plot_df, "label", series, title, "Ratio to White search rate", baseline=1.0,
                           intervals=intervals, small=small)
    fig.axes[0].yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.1f}"))
    alt = alt_text.trend_alt(plot_df, "label", series, "each group's search rate divided by the White search rate",
                             decimals=2)
    n_small = int(sum(plot_df[c].sum() for c in small.values()))
    n_points = int(sum(plot_df[g].notna().sum() for g in small))
    alt += (f" Error bars show each ratio's {level} confidence interval. {n_small} of the {n_points} ratios "
            f"{'rests' if n_small == 1 else 'rest'} on fewer than {SMALL_COUNT} searches of the group and "
            f"{'is' if n_small == 1 else 'are'} drawn greyed.")
    chart = pack.figure("fig-disproportionality", SECTION, fig, title, alt, SOURCE)  # numbered before the tables
    rows = {g: [cell(r) for _, r in ratios[ratios["ethnic_group"] == g].sort_values("month").iterrows()]
            for g in GROUPS}
    rows["% ethnicity not recorded"] = ["n/a" if pd.isna(r["not_recorded"]) else
                                        f"{fmt_pct(r['pct_not_recorded'])} ({int(r['not_recorded'])})"
                                        for _, r in share.sort_values("month").iterrows()]
    table_df, cols = _wide(rows, months, str, css=_stacked)
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
        f"Under each ratio: its {level} confidence interval, the range of ratios consistent with the month's counts "
        "(exact method for a ratio of two rates). White is the baseline, 1.00 by definition, so it has no interval. "
        f"† marks a small base: fewer than {SMALL_COUNT} searches of the group in the month, so the ratio rests on "
        "few searches; such points are greyed in the chart.", "footnote"), paragraph(
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


def _ratio_plot_frame(ratios: pd.DataFrame, months: list[str]) -> tuple[pd.DataFrame, dict, dict]:
    """The chart's frame: one column per group (printed ratio), its limits and small-base flag, per month."""
    def wide(column: str) -> pd.DataFrame:
        return ratios.pivot(index="month", columns="ethnic_group", values=column).reindex(months)

    ratio, low, high = wide("ratio_2dp"), wide("ci_low"), wide("ci_high")
    small_base = wide("small_base")
    plot_df = ratio.reset_index()
    plot_df.columns.name = None
    intervals, small = {}, {}
    for g in GROUPS:
        if g == BASELINE_GROUP:
            continue
        plot_df[f"{g} low"] = low[g].to_numpy(dtype="float64")
        plot_df[f"{g} high"] = high[g].to_numpy(dtype="float64")
        plot_df[f"{g} small"] = [bool(v) if not pd.isna(v) else False for v in small_base[g]]
        intervals[g] = (f"{g} low", f"{g} high")
        small[g] = f"{g} small"
    plot_df["label"] = [month_label(m, "short") for m in months]
    return plot_df, intervals, small


@guarded(SECTION, "stop and search outcomes", cell=CELL)
def last_month(pack, summary) -> Section:
    """Table: the last month's search volume, arrest rate, % weapons and % key crime, borough and MPS.

    ``summary`` is the table of :func:`boardpack.metrics.stop_search.last_month_summary`, with
    each measure's Wilson interval and the verdicts against the targets and the MPS arrest rate
    (at 1 - ``summary.attrs["alpha"]``). Records ``stop_search.last_month`` with the borough's and
    ``mps`` figures and counts (arrests, weapons, key_crime), each measure's ``ci_low``/``ci_high``
    (in %, under ``intervals``), the verdicts (``vs_target``, ``arrest_rate_vs_mps``), the
    targets, ``alpha`` and ``method``.
    """
    df = require(summary)
    alpha, level = df.attrs["alpha"], _level(df.attrs["alpha"])
    name = pack.borough.name
    b, m = df.iloc[0], df.iloc[1]
    pack.record.set(SECTION, "last_month", {"month": pack.period, **_outcome_record(b),
                                            "arrest_rate_vs_mps": b["arrest_rate_vs_mps"],
                                            "mps": _outcome_record(m),
                                            "targets": dict(TARGETS), "alpha": alpha,
                                            "method": df.attrs["method"]})
    shown = pd.DataFrame({"area": [name, "MPS", "Target"], "searches": [b["searches"], m["searches"], None]})
    for measure in MEASURES:
        shown[measure] = [b[measure], m[measure], TARGETS.get(measure)]
        shown[f"{measure}_low"] = [b[f"{measure}_low"], m[f"{measure}_low"], None]
        shown[f"{measure}_high"] = [b[f"{measure}_high"], m[f"{measure}_high"], None]
    pack.record.add_table("stop_search_last_month", shown)

    def dash(f):
        return lambda v: "–" if v is None or pd.isna(v) else f(v)

    def with_interval(measure):
        def fmt(row):
            value, low, high = row[measure], row[f"{measure}_low"], row[f"{measure}_high"]
            if value is None or pd.isna(value):
                return "–"
            if low is None or pd.isna(low):
                return fmt_pct(value)
            return f"{fmt_pct(value)}\n{low:.1f}–{high:.1f}%"
        return fmt

    labels = {"arrest_rate": "Arrest rate", "pct_weapons": "% weapons searches",
              "pct_key_crime": "% key crime (MOPAC 7) searches"}
    cols = [Column("area", "Area", str, numeric=False),
            Column("searches", "Search volume (all powers)", dash(fmt_count))]
    cols += [Column(k, label, css=_stacked, row_fmt=with_interval(k)) for k, label in labels.items()]
    caption = pack.table_caption("tbl-stop-search-last-month",
                                 f"Arrest rate, weapons and key crime searches, {month_label(pack.period)} only")
    note = paragraph(f"Under each percentage: its {level} confidence interval (Wilson score method). A gap from a "
                     "target or from the MPS is called beyond chance only when the interval leaves it out.",
                     "footnote")
    return Section([paragraph(_last_month_sentence(name, pack.period, b, m, level)),
                    html_table(shown, cols, caption, "tbl-stop-search-last-month"), note, source_line(SOURCE)],
                   SECTION, pack.is_demo)


def _outcome_record(row: pd.Series) -> dict:
    """One area's last-month figures for figures.json: values, intervals (%) and verdicts against the targets."""
    return {"searches": row["searches"], **{k: row[k] for k in ("arrests", "weapons", "key_crime", *MEASURES)},
            "intervals": {k: {"ci_low": row[f"{k}_low"], "ci_high": row[f"{k}_high"]} for k in MEASURES},
            "vs_target": {k: row[f"{k}_vs_target"] for k in TARGETS}}


def _versus(verdict: str | None, benchmark: str) -> str:
    """``"above the 20% target, beyond chance"`` / ``"below …"`` / ``"not distinguishable from the 20% target"``."""
    if verdict in ("above", "below"):
        return f"{verdict} {benchmark}, beyond chance"
    return f"not distinguishable from {benchmark}"


def _last_month_sentence(name: str, period: str, b: pd.Series, m: pd.Series, level: str) -> str:
    """The sentence on the last month's arrest rate and search targets, each with its interval and verdict."""
    month = month_label(period)
    if not b["searches"]:
        return f"In {month}, no searches were recorded in {name}."

    def ci(measure):
        return f"{b[f'{measure}_low']:.1f}% to {b[f'{measure}_high']:.1f}%"

    mps_rate = f"the MPS rate of {fmt_pct(m['arrest_rate'])}"
    return (
        f"In {month}, {fmt_count(b['searches'])} searches were recorded in {name}; {fmt_pct(b['arrest_rate'])} led "
        f"to an arrest ({level} interval {ci('arrest_rate')}), {_versus(b['arrest_rate_vs_mps'], mps_rate)}. Weapons "
        f"searches were {fmt_pct(b['pct_weapons'])} of all searches ({ci('pct_weapons')}), "
        f"{_versus(b['pct_weapons_vs_target'], f'the {WEAPONS_TARGET_PCT:g}% target')}; key crime searches were "
        f"{fmt_pct(b['pct_key_crime'])} ({ci('pct_key_crime')}), "
        f"{_versus(b['pct_key_crime_vs_target'], f'the {KEY_CRIME_TARGET_PCT:g}% target')}."
    )
