"""Section 3: public confidence (PAS) and victim satisfaction (USS), ranked and over time."""

from __future__ import annotations

import pandas as pd

from ..errors import CoverageError
from ..periods import month_label
from ..metrics.confidence import GOOD_JOB, borough_ranking, comparison, latest_quarter, percent, quarter_label, trend
from ..report import alt_text
from ..report.charts import BOROUGH, MPS, SERIES, plot_ranked_bars, plot_trend
from ..report.html import data_to_line, not_available_box, paragraph
from ..report.narrative import plural
from .section import Section, guarded, unavailable

PAS_SOURCE = "MOPAC Public Attitude Survey (PAS), rolling 12 months"
USS_SOURCE = "MPS User Satisfaction Survey (USS), rolling 12 months"
USS_MEASURES = {
    "overall": "Overall satisfaction",
    "ease_of_contact": "Ease of contact",
    "police_actions": "Police actions",
    "treatment": "Treatment",
    "follow_up": "Follow-up",
}


def _ranked(pack, ranking, fig_id: str, section: str, what: str, title: str, source: str) -> str:
    df = ranking.boroughs.assign(value=ranking.boroughs["value"].map(lambda v: percent(v / 100)))
    fig = plot_ranked_bars(df, "borough", "value", pack.borough.name, title, "Per cent", reference=percent(ranking.mps / 100),
                           percent=True)
    alt = alt_text.ranked_alt(df, "borough", "value", pack.borough.name, what, percent(ranking.mps / 100), percent=True)
    pack.record.add_table(fig_id.replace("fig-", ""), df[["borough", "value", "rank"]].assign(mps=percent(ranking.mps / 100)))
    return pack.figure(fig_id, section, fig, title, alt, source)


@guarded("confidence", "public confidence")
def confidence(pack) -> Section:
    """Figure: confidence by borough, ranked, with the MPS average and the comparison sentence.

    Records ``confidence``: quarter_end, value, mps, rank, boroughs.
    """
    missing = unavailable(pack, "confidence", "public confidence")
    if missing:
        return missing
    pas = pack.store.table("pas")
    quarter = latest_quarter(pas, pack.period)
    ranking = borough_ranking(pas, quarter, GOOD_JOB)
    row = ranking.boroughs[ranking.boroughs["area_code"] == pack.borough.gss_code].iloc[0]
    value, mps = percent(row["value"] / 100), percent(ranking.mps / 100)
    label = quarter_label(quarter, capitalise=False)
    for key, v in {"quarter_end": quarter, "measure": GOOD_JOB, "value": value, "mps": mps,
                   "rank": int(row["rank"]), "boroughs": len(ranking.boroughs)}.items():
        pack.record.set("confidence", key, v)
    intro = paragraph(
        "Confidence is the percentage of Public Attitude Survey respondents who say the police in their area do "
        "an excellent or good job."
    )
    sentence = paragraph(
        f"Most recent (rolling 12 months to {label}) PAS results in {pack.borough.name} show confidence currently at "
        f"{value}%. This is {comparison(row['value'], ranking.mps)} the MPS average ({mps}%). {pack.borough.name} ranks "
        f"{int(row['rank'])} of {len(ranking.boroughs)} boroughs."
    )
    title = f"Public confidence by borough, rolling 12 months to {label}"
    chart = _ranked(pack, ranking, "fig-confidence-ranked", "confidence", "public confidence", title, PAS_SOURCE)
    return Section([data_to_line(quarter_label(quarter)), intro, sentence, chart], "confidence", pack.is_demo)


@guarded("victim_satisfaction", "victim satisfaction")
def satisfaction(pack) -> Section:
    """Figure: overall victim satisfaction by borough, ranked, and the white–BME gap sentence.

    Records ``victim_satisfaction``: quarter_end, value, mps, rank, white, bme, gap, mps_gap.
    """
    missing = unavailable(pack, "victim_satisfaction", "victim satisfaction")
    if missing:
        return missing
    uss = pack.store.table("victim_satisfaction")
    quarter = latest_quarter(uss, pack.period)
    ranking = borough_ranking(uss, quarter, "overall")
    row = ranking.boroughs[ranking.boroughs["area_code"] == pack.borough.gss_code].iloc[0]
    value, mps = percent(row["value"] / 100), percent(ranking.mps / 100)
    label = quarter_label(quarter, capitalise=False)
    rec = {"quarter_end": quarter, "value": value, "mps": mps, "rank": int(row["rank"])}
    parts = [
        data_to_line(quarter_label(quarter)),
        paragraph(
            f"Most recent (rolling 12 months to {label}) USS results in {pack.borough.name} show overall satisfaction "
            f"currently at {value}%. This is {comparison(row['value'], ranking.mps)} the MPS average ({mps}%)."
        ),
        _ranked(pack, ranking, "fig-satisfaction-ranked", "victim_satisfaction", "overall victim satisfaction",
                f"Victim satisfaction by borough, rolling 12 months to {label}", USS_SOURCE),
    ]
    gap = _gap(uss, quarter, pack.borough.gss_code)
    if gap is None:
        parts.append(not_available_box("white and BME satisfaction gap",
                                       f"The data has no white and BME satisfaction for {pack.borough.name} in {label}."))
    else:
        white, bme, mps_gap = gap
        diff = white - bme
        rec.update({"white": white, "bme": bme, "gap": diff, "mps_gap": mps_gap})
        if diff == 0:
            text = f"There is no gap between the satisfaction of white and Black and Minority Ethnic (BME) victims in {pack.borough.name} (both {white}%)."
        else:
            higher = "white" if diff > 0 else "BME"
            text = (f"There is a {plural(abs(diff), 'percentage point')} gap in satisfaction levels of white and Black and "
                    f"Minority Ethnic (BME) victims in {pack.borough.name} (white {white}%, BME {bme}%), with {higher} "
                    f"victims more satisfied.")
        if mps_gap is not None:
            text += f" The MPS gap is {plural(abs(mps_gap), 'percentage point')}."
        parts.append(paragraph(text))
        gaps = _gap_ranking(uss, quarter)
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


def _gap(uss: pd.DataFrame, quarter: str, gss: str) -> tuple[int, int, int | None] | None:
    q = uss[uss["quarter_end"] == quarter]

    def val(area, measure):
        s = q.loc[(q["area_code"] == area) & (q["measure"] == measure), "proportion"]
        return percent(float(s.iloc[0])) if len(s) else None

    white, bme = val(gss, "white"), val(gss, "bme")
    if white is None or bme is None:
        return None
    mw, mb = val("MPS", "white"), val("MPS", "bme")
    return white, bme, (mw - mb) if mw is not None and mb is not None else None


def _gap_ranking(uss: pd.DataFrame, quarter: str) -> pd.DataFrame | None:
    """White minus BME satisfaction (printed whole percentages) for every borough, largest first.

    None when any of the 32 boroughs lacks either value for the quarter.
    """
    from ..registry import load_registry

    registry = load_registry()
    q = uss[(uss["quarter_end"] == quarter) & uss["measure"].isin(["white", "bme"])
            & uss["area_code"].isin(registry.codes)]
    wide = q.pivot(index="area_code", columns="measure", values="proportion")
    if len(wide) < len(registry.codes) or wide[["white", "bme"]].isna().any().any():
        return None
    df = pd.DataFrame({"area_code": wide.index,
                       "gap": [percent(w) - percent(b) for w, b in zip(wide["white"], wide["bme"])]})
    df["borough"] = df["area_code"].map(lambda c: registry.by_code(c).name)
    df["rank"] = df["gap"].rank(method="min", ascending=False).astype("int64")
    return df.sort_values(["rank", "borough"]).reset_index(drop=True)[["area_code", "borough", "gap", "rank"]]


@guarded("confidence", "confidence and satisfaction trend")
def trends(pack) -> Section:
    """Figure: confidence and the satisfaction measures in the borough since the first period available."""
    series: dict[str, pd.Series] = {}
    if pack.coverage["confidence"].available:
        t = trend(pack.store.table("pas"), pack.borough.gss_code, GOOD_JOB)
        t = t[t["quarter_end"] <= pack.period]
        series["Confidence (PAS)"] = t.set_index("quarter_end")["borough"]
    if pack.coverage["victim_satisfaction"].available:
        uss = pack.store.table("victim_satisfaction")
        for measure, label in USS_MEASURES.items():
            try:
                t = trend(uss, pack.borough.gss_code, measure)
            except CoverageError:
                continue
            t = t[t["quarter_end"] <= pack.period]
            series[f"{label} (USS)"] = t.set_index("quarter_end")["borough"]
    if not series:
        return unavailable(pack, "confidence", "confidence and satisfaction trend") or Section([], "confidence", pack.is_demo)
    wide = pd.DataFrame(series).sort_index()
    wide = wide.map(lambda v: percent(v / 100) if pd.notna(v) else v)
    wide.index.name = "quarter_end"
    df = wide.reset_index()
    df["label"] = [month_label(q, "short") for q in df["quarter_end"]]
    cols = {name: name for name in series}
    colours = {name: SERIES[i % len(SERIES)] for i, name in enumerate(series)}
    colours["Confidence (PAS)"] = MPS
    if "Overall satisfaction (USS)" in colours:
        colours["Overall satisfaction (USS)"] = BOROUGH
    title = f"Public confidence and victim satisfaction in {pack.borough.name}"
    fig = plot_trend(df, "label", cols, title, "Per cent", colours=colours, percent=True)
    alt = alt_text.trend_alt(df, "label", cols, f"confidence and satisfaction measures in {pack.borough.name}", percent=True)
    pack.record.set("confidence", "trend", df.drop(columns="label"))
    pack.record.add_table("confidence_satisfaction_trend", df.drop(columns="label"))
    first = df["quarter_end"].iloc[0]
    shown = " and ".join(w for w, ok in (("public confidence", "Confidence (PAS)" in series),
                                          ("victim satisfaction", any("(USS)" in k for k in series))) if ok)
    text = paragraph(f"The chart sets out {shown} in {pack.borough.name} "
                     f"since {quarter_label(first, capitalise=False)}, the first quarter in the data.")
    source = " and ".join(s for s, ok in ((PAS_SOURCE, "Confidence (PAS)" in series),
                                           (USS_SOURCE, len(series) > ("Confidence (PAS)" in series))) if ok)
    return Section([text, pack.figure("fig-confidence-trend", "confidence", fig, title, alt, source)], "confidence", pack.is_demo)
