"""Section 3: public confidence (PAS) and victim satisfaction (USS), ranked and over time."""

from __future__ import annotations

from ..metrics.confidence import percent
from ..periods import month_label
from ..report import alt_text
from ..report.charts import (
    BOROUGH,
    MPS,
    SERIES,
    plot_ranked_bars,
    plot_ranked_intervals,
    plot_small_multiples,
    plot_trend,
)
from ..report.html import data_to_line, not_available_box, paragraph
from ..report.narrative import plural
from ..report.survey_narrative import (
    confidence_sentence,
    gap_uncertainty_sentence,
    level,
    quarter_label,
    satisfaction_sentence,
)
from .section import Section, guarded, require

PAS_SOURCE = "MOPAC Public Attitude Survey (PAS), rolling 12 months"
USS_SOURCE = "MPS User Satisfaction Survey (USS), rolling 12 months"
CELL = "compute-confidence"


# The interval columns of a ranking's recorded table, beside borough, value, rank and mps.
INTERVAL_TABLE = ["ci_low", "ci_high", "respondents", "respondents_source", "vs_mps", "rank_best", "rank_worst"]


def _source(assumed: bool, data_file: str) -> str:
    return "assumed" if assumed else data_file


def _ranked(pack, ranking, fig_id: str, section: str, what: str, title: str, source: str,
            data_file: str = "uss.csv") -> str:
    mps = percent(ranking.mps / 100)
    df = ranking.boroughs.assign(value=ranking.boroughs["value"].map(lambda v: percent(v / 100)))
    if not ranking.has_intervals:
        fig = plot_ranked_bars(df, "borough", "value", pack.borough.name, title, "Per cent", reference=mps,
                               percent=True)
        alt = alt_text.ranked_alt(df, "borough", "value", pack.borough.name, what, mps, percent=True)
        pack.record.add_table(fig_id.replace("fig-", ""), df[["borough", "value", "rank"]].assign(mps=mps))
        return pack.figure(fig_id, section, fig, title, alt, source)
    df = df.assign(respondents_source=[_source(a, data_file) for a in df["respondents_assumed"]])
    fig = plot_ranked_intervals(df, "borough", "value", "ci_low", "ci_high", pack.borough.name, title, "Per cent",
                                reference=mps, percent=True, verdict="vs_mps",
                                interval_label=f"{level(ranking.alpha)} interval")
    row = df[df["borough"] == pack.borough.name]
    alt = alt_text.intervals_alt(df, "borough", "value", "ci_low", "ci_high", pack.borough.name, what,
                                 reference=mps, verdict="vs_mps", percent=True, level=level(ranking.alpha),
                                 rank_range=(int(row["rank_best"].iloc[0]), int(row["rank_worst"].iloc[0])))
    pack.record.add_table(fig_id.replace("fig-", ""),
                          df[["borough", "value", "rank"]].assign(mps=mps).join(df[INTERVAL_TABLE]))
    return pack.figure(fig_id, section, fig, title, alt, source)


def _record(pack, section: str, ranking, row, data_file: str) -> None:
    """The borough's value, MPS value, rank and, with intervals, its interval and rank range."""
    values = {"quarter_end": ranking.quarter_end, "value": percent(row["value"] / 100),
              "mps": percent(ranking.mps / 100), "rank": int(row["rank"])}
    if ranking.has_intervals:
        values.update({
            "ci_low": float(row["ci_low"]), "ci_high": float(row["ci_high"]), "respondents": int(row["respondents"]),
            "respondents_source": _source(bool(row["respondents_assumed"]), data_file),
            "vs_mps": str(row["vs_mps"]), "rank_best": int(row["rank_best"]), "rank_worst": int(row["rank_worst"]),
            "alpha": float(ranking.alpha),
        })
    for key, v in values.items():
        pack.record.set(section, key, v)


def _borough_row(pack, ranking):
    return ranking.boroughs[ranking.boroughs["area_code"] == pack.borough.gss_code].iloc[0]


@guarded("confidence", "public confidence", cell=CELL)
def confidence(pack, ranking) -> Section:
    """Figure: confidence by borough, ranked with each borough's interval, the MPS average and the sentence.

    ``ranking`` is the :class:`~boardpack.metrics.confidence.Ranking` of
    :func:`~boardpack.metrics.confidence.borough_ranking` (with ``respondents`` and ``alpha``, so
    that it carries the intervals). Records ``confidence``: quarter_end, measure, value, mps,
    rank, boroughs and, with intervals, ci_low, ci_high (in %), respondents, respondents_source
    ("assumed"), vs_mps, rank_best, rank_worst, alpha.
    """
    ranking = require(ranking)
    quarter = ranking.quarter_end
    row = _borough_row(pack, ranking)
    label = quarter_label(quarter, capitalise=False)
    _record(pack, "confidence", ranking, row, "PAS")
    pack.record.set("confidence", "measure", ranking.measure)
    pack.record.set("confidence", "boroughs", len(ranking.boroughs))
    intro = paragraph(
        "Confidence is the percentage of Public Attitude Survey respondents who say the police in their area do "
        "an excellent or good job."
    )
    text = confidence_sentence(ranking, pack.borough.gss_code, pack.borough.name)
    if not ranking.has_intervals:
        text += f" {pack.borough.name} ranks {int(row['rank'])} of {len(ranking.boroughs)} boroughs."
    title = f"Public confidence by borough, rolling 12 months to {label}"
    chart = _ranked(pack, ranking, "fig-confidence-ranked", "confidence", "public confidence", title, PAS_SOURCE)
    return Section([data_to_line(quarter_label(quarter)), intro, paragraph(text), chart], "confidence",
                   pack.is_demo)


@guarded("victim_satisfaction", "victim satisfaction", cell=CELL)
def satisfaction(pack, ranking, gap, gaps) -> Section:
    """Figure: overall victim satisfaction by borough, ranked with intervals, and the white–BME gap sentence.

    ``ranking`` is the USS overall :class:`~boardpack.metrics.confidence.Ranking` (with intervals
    from the input's ``respondents`` or the assumed number), ``gap`` the dict of
    :func:`~boardpack.metrics.confidence.satisfaction_gap` and ``gaps`` the table of
    :func:`~boardpack.metrics.confidence.gap_ranking` (either None when the data lacks it).
    Records ``victim_satisfaction``: quarter_end, value, mps, rank, the interval keys of
    :func:`confidence` (respondents_source "uss.csv" or "assumed"), white, bme, gap, mps_gap.
    """
    ranking, gap, gaps = require(ranking), require(gap), require(gaps)
    quarter = ranking.quarter_end
    row = _borough_row(pack, ranking)
    label = quarter_label(quarter, capitalise=False)
    _record(pack, "victim_satisfaction", ranking, row, "uss.csv")
    rec = {}
    parts = [
        data_to_line(quarter_label(quarter)),
        paragraph(satisfaction_sentence(ranking, pack.borough.gss_code, pack.borough.name)),
        _ranked(pack, ranking, "fig-satisfaction-ranked", "victim_satisfaction", "overall victim satisfaction",
                f"Victim satisfaction by borough, rolling 12 months to {label}", USS_SOURCE),
    ]
    if gap is None:
        parts.append(not_available_box(
            "white and BME satisfaction gap",
            f"The data has no white and BME satisfaction for {pack.borough.name} in {label}."))
    else:
        white, bme, mps_gap, diff = gap["white"], gap["bme"], gap["mps_gap"], gap["gap"]
        rec.update({"white": white, "bme": bme, "gap": diff, "mps_gap": mps_gap})
        if diff == 0:
            text = ("There is no gap between the satisfaction of white and Black and Minority Ethnic (BME) victims "
                    f"in {pack.borough.name} (both {white}%).")
        else:
            higher = "white" if diff > 0 else "BME"
            text = (f"There is a {plural(abs(diff), 'percentage point')} gap in satisfaction levels of white and "
                    "Black and "
                    f"Minority Ethnic (BME) victims in {pack.borough.name} (white {white}%, BME {bme}%), with {higher} "
                    f"victims more satisfied.")
        if mps_gap is not None:
            text += f" The MPS gap is {plural(abs(mps_gap), 'percentage point')}."
        if "alpha" in gap:
            rec.update({k: gap[k] for k in ("white_respondents", "bme_respondents", "gap_ci_low", "gap_ci_high",
                                            "gap_significant")})
            text += " " + gap_uncertainty_sentence(gap)
        parts.append(paragraph(text))
        if gaps is not None:
            title = f"Gap between white and BME victim satisfaction by borough, rolling 12 months to {label}"
            fig = plot_ranked_bars(gaps, "borough", "gap", pack.borough.name, title,
                                   "White minus BME satisfaction (percentage points)", reference=mps_gap,
                                   reference_label="MPS gap")
            alt = alt_text.ranked_alt(gaps, "borough", "gap", pack.borough.name,
                                      "the gap between white and BME victim satisfaction in percentage points",
                                      reference=mps_gap, reference_label="The MPS gap")
            pack.record.add_table("satisfaction-gap-ranked", gaps)
            parts.append(pack.figure("fig-satisfaction-gap", "victim_satisfaction", fig, title, alt, USS_SOURCE))
    for key, v in rec.items():
        pack.record.set("victim_satisfaction", key, v)
    return Section(parts, "victim_satisfaction", pack.is_demo)


@guarded("confidence", "confidence and satisfaction trend", cell=CELL,
         any_of=("confidence", "victim_satisfaction"))
def trends(pack, confidence_trend, satisfaction_trend, confidence_bands=None, satisfaction_bands=None) -> Section:
    """Figure: confidence and the satisfaction measures in the borough since the first period available.

    ``confidence_trend`` and ``satisfaction_trend`` are tables of
    :func:`~boardpack.metrics.confidence.measure_trends` (printed percentages by quarter);
    either may be NotAvailable, and the chart draws what there is. ``confidence_bands`` and
    ``satisfaction_bands`` are tables of :func:`~boardpack.metrics.confidence.trend_intervals`
    (the Wilson interval of a series at each quarter), drawn as shaded bands behind their lines
    and recorded with the trend.
    """
    frames, band_frames = [], []
    if pack.coverage["confidence"].available:
        frames.append(require(confidence_trend))
        if confidence_bands is not None:
            band_frames.append(require(confidence_bands))
    if pack.coverage["victim_satisfaction"].available:
        frames.append(require(satisfaction_trend))
        if satisfaction_bands is not None:
            band_frames.append(require(satisfaction_bands))
    series = [c for f in frames for c in f.columns if c != "quarter_end"]
    df = frames[0]
    for f in frames[1:]:
        df = df.merge(f, on="quarter_end", how="outer")
    df = df.sort_values("quarter_end").reset_index(drop=True)[["quarter_end", *series]]
    bands, band_cols, alpha = {}, [], None
    for f in band_frames:
        alpha = f.attrs.get("alpha", alpha)
        df = df.merge(f, on="quarter_end", how="left")
        for col in f.columns:
            if col.endswith(" low") and col[:-4] in series:
                bands[col[:-4]] = (col, col[:-4] + " high")
                band_cols += [col, col[:-4] + " high"]
    df["label"] = [month_label(q, "short") for q in df["quarter_end"]]
    cols = {name: name for name in series}
    colours = {name: SERIES[i % len(SERIES)] for i, name in enumerate(series)}
    colours["Confidence (PAS)"] = MPS
    if "Overall satisfaction (USS)" in colours:
        colours["Overall satisfaction (USS)"] = BOROUGH
    title = f"Public confidence and victim satisfaction in {pack.borough.name}"
    band_label = f"{level(alpha)} interval" if alpha is not None else "interval"
    fig = plot_trend(df, "label", cols, title, "Per cent", colours=colours, percent=True, bands=bands,
                     band_label=band_label)
    alt = alt_text.trend_alt(df, "label", cols, f"confidence and satisfaction measures in {pack.borough.name}",
                             percent=True)
    if bands:
        alt += (f" Shaded bands show the {band_label} of " + " and ".join(bands) + " at each quarter.")
    recorded = df.drop(columns="label")[["quarter_end", *series, *band_cols]]
    pack.record.set("confidence", "trend", recorded)
    pack.record.add_table("confidence_satisfaction_trend", recorded)
    first = df["quarter_end"].iloc[0]
    shown = " and ".join(w for w, ok in (("public confidence", "Confidence (PAS)" in series),
                                          ("victim satisfaction", any("(USS)" in k for k in series))) if ok)
    words = (f"The chart sets out {shown} in {pack.borough.name} "
             f"since {quarter_label(first, capitalise=False)}, the first quarter in the data.")
    if bands:
        words += (f" The shaded bands are the {band_label}s of " + " and ".join(b.lower() for b in bands)
                  + " (Wilson score method, from the survey's stated or assumed respondents): a rise or fall that"
                  " stays inside the band may be survey error.")
    text = paragraph(words)
    source = " and ".join(s for s, ok in ((PAS_SOURCE, "Confidence (PAS)" in series),
                                           (USS_SOURCE, len(series) > ("Confidence (PAS)" in series))) if ok)
    return Section([text, pack.figure("fig-confidence-trend", "confidence", fig, title, alt, source)], "confidence",
                   pack.is_demo)


@guarded("confidence", "what drives confidence", cell=CELL, part="confidence_drivers")
def drivers(pack, measures, trends) -> Section:
    """Figure: the borough against the MPS on each PAS measure, with intervals, and each measure's trend.

    ``measures`` is :func:`boardpack.metrics.confidence.drivers` and ``trends`` the borough's series of
    :func:`~boardpack.metrics.confidence.measure_trends` over :data:`~boardpack.metrics.confidence.PAS_DRIVERS`.
    Records ``confidence_drivers``: ``quarter_end``, ``alpha``, ``rows[]`` (measure, value, mps, ci_low,
    ci_high, vs_mps, respondents), ``trend``; the tables ``confidence_drivers`` and
    ``confidence_drivers_trend``.
    """
    df, trends = require(measures), require(trends)
    quarter = df.attrs["quarter_end"]
    level_words = level(df.attrs["alpha"])
    pack.record.set("confidence_drivers", "available", True)
    pack.record.set("confidence_drivers", "quarter_end", quarter)
    pack.record.set("confidence_drivers", "alpha", df.attrs["alpha"])
    pack.record.set("confidence_drivers", "rows", df)
    pack.record.set("confidence_drivers", "trend", trends)
    pack.record.add_table("confidence_drivers", df)
    pack.record.add_table("confidence_drivers_trend", trends)
    label = quarter_label(quarter, capitalise=False)
    title = f"What drives confidence: {pack.borough.name} against the MPS, rolling 12 months to {label}"
    shown = df.assign(value=df["value"].astype(float))
    fig = plot_ranked_intervals(shown, "measure", "value", "ci_low", "ci_high", "", title, "Per cent",
                                percent=True, verdict="vs_mps", interval_label=f"{level_words} interval",
                                row_references=df["mps"].astype(float).tolist())
    words = {"above": "above", "below": "below", "similar": "similar to"}
    alt = (f"{pack.borough.name}'s value on each of {len(df)} Public Attitude Survey measures with its "
           f"{level_words} interval, and the MPS value: " + "; ".join(
               f"{r['measure']} {r['value']}% ({r['ci_low']:.0f}% to {r['ci_high']:.0f}%), MPS {r['mps']}%, "
               f"{words[r['vs_mps']]} the MPS" for _, r in df.iterrows()) + ".")
    parts = [paragraph("MOPAC's confidence dashboard follows the measures that drive confidence: whether the police "
                       "treat everyone fairly, listen to local concerns, can be relied on to be there, understand "
                       "local issues, keep people informed, and whether people trust the MPS. A measure is above or "
                       "below the MPS only when its interval excludes the MPS value."),
             pack.figure("fig-confidence-drivers", "confidence", fig, title, alt, PAS_SOURCE)]
    series = [c for c in trends.columns if c != "quarter_end"]
    if series:
        labelled = trends.assign(label=[month_label(q, "short") for q in trends["quarter_end"]])
        t_title = f"The PAS measures in {pack.borough.name} by quarter, each on its own scale"
        t_fig = plot_small_multiples(labelled, "label", {s: s for s in series}, t_title, percent=True)
        t_alt = ("Small multiples, one chart per Public Attitude Survey measure, each on its own scale. "
                 + alt_text.trend_alt(labelled, "label", {s: s for s in series},
                                      f"the PAS measures in {pack.borough.name} by quarter", percent=True))
        parts.append(pack.figure("fig-confidence-drivers-trend", "confidence", t_fig, t_title, t_alt, PAS_SOURCE))
    missing = df.attrs.get("missing") or []
    if missing:
        parts.append(paragraph(f"Not in the PAS file for {label}: {', '.join(missing)}.", "footnote"))
    return Section(parts, "confidence", pack.is_demo)

