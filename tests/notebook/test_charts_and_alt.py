"""Every chart's drawn data equals the table printed or saved beside it, and its alt text describes it.

figures.json["charts"] holds what each matplotlib figure actually drew (read back from its
artists); tables/<id>.csv holds the numbers of the matching table. Runs on the demo packs and,
when ../shared/data is present, on the real packs to February 2019.
"""

import math
import re

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.slow

RANKED = {  # ranked borough chart -> (its table, figures.json key of the value its dashed line marks)
    "fig-confidence-ranked": ("confidence-ranked", ("confidence", "mps")),
    "fig-satisfaction-ranked": ("satisfaction-ranked", ("victim_satisfaction", "mps")),
    "fig-complaints-ranked": ("complaints_by_borough", ("complaints", "mps_average_allegations")),
    "fig-complaints-change": ("complaints_change", ("complaints", "mps_pct_change")),
    "fig-complaints-rate": ("complaints_rate", ("complaints", "mps_rate_per_100_workforce")),
    "fig-satisfaction-gap": ("satisfaction-gap-ranked", ("victim_satisfaction", "mps_gap")),
}
FUNNELS = {"fig-crime-funnel": "recorded_crime_funnel", "fig-complaints-funnel": "complaints_funnel"}
RANKED_VALUE = {"confidence-ranked": "value", "satisfaction-ranked": "value", "complaints_by_borough": "allegations",
                "complaints_change": "pct_change", "complaints_rate": "rate", "satisfaction-gap-ranked": "gap"}


def _values(seq) -> list:
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in seq]


def _line(label: str, values) -> dict:
    return {"kind": "line", "label": label, "y": _values(values)}


def _bars(df: pd.DataFrame, label: str, value: str) -> dict:
    return {"kind": "bars", "labels": df[label].astype(str).tolist(), "values": _values(df[value])}


def expected_chart(pack, fig_id: str) -> list[dict]:
    """What the chart should draw, from its table (the reference line of ranked charts is checked apart).

    Only lines and bars: intervals, points and marks are checked by ``test_intervals_points_and_marks_...``.
    """
    name = pack.figures["borough"]
    kinds = {d["kind"] for d in pack.figures["charts"][fig_id]["data"]}
    if fig_id in FUNNELS or (fig_id in RANKED and "interval" in kinds and "bars" not in kinds):
        return []  # a funnel plot or a ranked interval chart: no bars, no time-series line
    if fig_id == "fig-crime-trend":
        t = pack.table("recorded_crime_monthly")
        assert t.to_dict(orient="records") == pack.figures["recorded_crime"]["monthly"]
        return [_line(name, t["borough"]), _line("MPS", t["mps"])]
    if fig_id == "fig-asb-trend":
        t = pack.table("asb_monthly")
        return [_line(name, t["borough"]), _line("MPS", t["mps"])]
    if fig_id == "fig-confidence-trend":
        t = pack.table("confidence_satisfaction_trend")
        # Interval columns ("<series> low/high") are the shaded bands, checked in test_trend_bands_draw_their_table.
        return [_line(c, t[c]) for c in t.columns if c != "quarter_end" and not c.endswith((" low", " high"))]
    if fig_id == "fig-stop-search-monthly":
        t = pack.table("stop_search_monthly")
        rows = t[["month", "searches", "mps"]].astype(object)
        assert rows.where(rows.notna(), None).to_dict(orient="records") == pack.figures["stop_search"]["monthly"]
        return [_line(name, t["searches"]), _line("MPS", t["mps"])]
    if fig_id == "fig-disproportionality":
        t = pack.table("stop_search_disproportionality").pivot(index="month", columns="group", values="ratio")
        return [_line(g, t[g]) for g in ("White", "Black", "Asian", "Other")]
    if fig_id == "fig-local-priorities":
        t = pack.table("local_priorities_monthly")
        return [_line(c, t[c]) for c in t.columns if c != "month"]
    if fig_id == "fig-confidence-drivers-trend":
        t = pack.table("confidence_drivers_trend")
        return [_line(c, t[c]) for c in t.columns if c != "quarter_end"]
    if fig_id == "fig-confidence-drivers":
        return []  # intervals and points: _check_drivers
    if fig_id == "fig-london-map":
        return []  # filled areas, no lines or bars: tests/notebook/test_figures_plan.py checks the rates
    if fig_id == "fig-justice-trend":
        t = pack.table("criminal_justice_trend")
        return [_line("London", t["london"]), _line("England and Wales", t["england_wales"])]
    if fig_id == "fig-complaints-type":
        return [_bars(pack.table("complaints_by_type"), "type", "allegations")]
    if fig_id == "fig-complaints-outcome":
        return [_bars(pack.table("complaints_by_outcome"), "outcome", "allegations")]
    if fig_id in RANKED:
        table_id = RANKED[fig_id][0]
        t = pack.table(table_id).dropna(subset=[RANKED_VALUE[table_id]])
        return [_bars(t, "borough", RANKED_VALUE[table_id])]
    raise AssertionError(f"{fig_id}: no table is known for this chart; add it to expected_chart")


def test_every_chart_draws_its_table(pack):
    charts = pack.figures["charts"]
    assert charts, "no chart recorded"
    for fig_id, chart in charts.items():
        # Lines and bars against the table; intervals, points and marks are checked by the tests of their sections.
        drawn = [d for d in chart["data"] if d["kind"] in ("line", "bars") and "x" not in d]
        drawn = [{**d, "y": _values(d["y"])} if d["kind"] == "line" else {**d, "values": _values(d["values"])}
                 for d in drawn]
        assert drawn == expected_chart(pack, fig_id), fig_id


def _close(drawn, table_values) -> bool:
    """Equal lists, missing in the same places and the rest equal to rounding error."""
    a, b = _values(drawn), _values(table_values)
    return len(a) == len(b) and all((x is None and y is None) or (x is not None and y is not None and
                                                                  x == pytest.approx(y)) for x, y in zip(a, b))


def _check_ranked_intervals(pack, fig_id: str, data: list[dict]) -> None:
    table_id = RANKED[fig_id][0]
    t = pack.table(table_id).dropna(subset=[RANKED_VALUE[table_id]])
    (interval,) = [d for d in data if d["kind"] == "interval"]
    assert interval["labels"] == t["borough"].tolist(), fig_id  # the table's order, top first
    assert interval["low"] == pytest.approx(t["ci_low"].tolist()), fig_id
    assert interval["high"] == pytest.approx(t["ci_high"].tolist()), fig_id
    points = [d for d in data if d["kind"] == "points"]
    drawn = {lab: x for d in points for lab, x in zip(d["labels"], d["x"])}
    assert drawn == pytest.approx(dict(zip(t["borough"], t[RANKED_VALUE[table_id]].astype(float)))), fig_id
    for side in ("above", "below"):
        marked = [lab for d in points if d["label"].startswith(f"significantly {side}") for lab in d["labels"]]
        assert sorted(marked) == sorted(t.loc[t["vs_mps"] == side, "borough"]), (fig_id, side)


def _check_funnel(pack, fig_id: str, data: list[dict]) -> None:
    name = pack.figures["borough"]
    t = pack.table(FUNNELS[fig_id])
    points = [d for d in data if d["kind"] == "points"]
    drawn = {lab: (x, y) for d in points for lab, x, y in zip(d["labels"], d["x"], d["y"])}
    expected = {b: (float(x), float(y)) for b, x, y in zip(t["borough"], t["exposure"], t["rate"]) if pd.notna(y)}
    assert drawn.keys() == expected.keys(), fig_id
    for borough, xy in expected.items():
        assert drawn[borough] == pytest.approx(xy), (fig_id, borough)
    assert [d["labels"] for d in points if d["label"] == name] == [[name]], fig_id
    curves = {d["label"]: d for d in data if d["kind"] == "line"}
    for col, label in (("low95", "95% lower limit"), ("high95", "95% upper limit"),
                       ("low998", "99.8% lower limit"), ("high998", "99.8% upper limit")):
        at = np.interp(t["exposure"].astype(float), curves[label]["x"], curves[label]["y"])
        assert at == pytest.approx(t[col].astype(float).to_numpy(), rel=2e-3), (fig_id, label)
    (names,) = [d["labels"] for d in data if d["kind"] == "names"]
    outliers = set(t.loc[t["position"].astype(str).str.contains("99.8"), "borough"])
    assert name in names and set(names) - {name} <= outliers, (fig_id, names)


def _check_disproportionality(pack, data: list[dict]) -> None:
    t = pack.table("stop_search_disproportionality").sort_values("month", kind="stable")
    for d in (d for d in data if d["kind"] == "interval"):
        rows = t[t["group"] == d["label"]]
        assert _close(d["low"], rows["ci_low"]) and _close(d["high"], rows["ci_high"]), d["label"]
    for d in (d for d in data if d["kind"] == "points"):
        group = d["label"].split(":")[0]
        rows = t[(t["group"] == group) & t["small_base"].fillna(False).astype(bool)]
        assert d["label"] == f"{group}: fewer than 10 searches: small numbers"
        assert d["y"] == pytest.approx(rows["ratio"].tolist()), group


def _check_marks(pack, fig_id: str, data: list[dict]) -> None:
    table_id = RANKED[fig_id][0]
    t = pack.table(table_id).dropna(subset=[RANKED_VALUE[table_id]])
    expected = {b: ("*" if s else "") + ("†" if m else "")
                for b, s, m in zip(t["borough"], t["significant"], t["small_numbers"]) if s or m}
    (marks,) = [d for d in data if d["kind"] == "marks"]
    assert dict(zip(marks["labels"], marks["marks"])) == expected, fig_id
    assert marks["labels"] == [b for b in t["borough"] if b in expected], fig_id  # top first


def _check_drivers(pack, data: list[dict]) -> None:
    """Each PAS measure's interval, its value and the MPS value drawn as confidence_drivers.csv gives them."""
    t = pack.table("confidence_drivers")
    (interval,) = [d for d in data if d["kind"] == "interval"]
    assert interval["labels"] == t["measure"].tolist()
    assert interval["low"] == pytest.approx(t["ci_low"].tolist()) and interval["high"] == pytest.approx(
        t["ci_high"].tolist())
    points = [d for d in data if d["kind"] == "points"]
    mps = [d for d in points if d["label"] == "MPS value"]
    assert len(mps) == 1 and mps[0]["x"] == pytest.approx(t["mps"].astype(float).tolist())
    drawn = {lab: x for d in points if d["label"] != "MPS value" for lab, x in zip(d["labels"], d["x"])}
    assert drawn == pytest.approx(dict(zip(t["measure"], t["value"].astype(float))))
    for side in ("above", "below"):
        marked = [lab for d in points if d["label"].startswith(f"significantly {side}") for lab in d["labels"]]
        assert sorted(marked) == sorted(t.loc[t["vs_mps"] == side, "measure"]), side


def test_intervals_points_and_marks_draw_their_table(pack):
    for fig_id, chart in pack.figures["charts"].items():
        data = chart["data"]
        kinds = {d["kind"] for d in data}
        if fig_id in FUNNELS:
            _check_funnel(pack, fig_id, data)
        elif fig_id == "fig-disproportionality":
            _check_disproportionality(pack, data)
        elif fig_id == "fig-confidence-drivers":
            _check_drivers(pack, data)
        elif fig_id in RANKED and "interval" in kinds:
            _check_ranked_intervals(pack, fig_id, data)
        elif "marks" in kinds:
            _check_marks(pack, fig_id, data)
        else:
            assert not kinds & {"interval", "points", "marks"}, (fig_id, kinds)


def test_every_table_listed_in_figures_json_was_written(pack):
    assert pack.figures["tables"]
    for table_id in pack.figures["tables"]:
        assert (pack.folder / "tables" / f"{table_id}.csv").is_file(), table_id


def test_ranked_charts_mark_the_reference_value(pack):
    for fig_id, (_table_id, (section, key)) in RANKED.items():
        chart = pack.figures["charts"].get(fig_id)
        if chart is None:
            continue
        value = pack.figures[section][key]
        refs = [d for d in chart["data"] if d["kind"] == "reference"]
        assert len(refs) == 1, fig_id
        # The vertical reference line records where it is drawn, not its axes-fraction extent.
        assert refs[0]["x"] == pytest.approx(value), (fig_id, value, refs[0])


def test_every_chart_has_alt_text_naming_the_borough_or_the_range(pack):
    name = pack.figures["borough"]
    for fig_id, chart in pack.figures["charts"].items():
        alt = chart["alt"].strip()
        assert len(alt) >= 40, fig_id
        ranges = re.search(r"from ([A-Z][a-z]{2} \d{4}) to ([A-Z][a-z]{2} \d{4})", alt)
        assert name in alt or ranges, (fig_id, alt)
        assert chart["title"] and chart["section"] in pack.figures, fig_id


def test_ranked_alt_gives_the_boroughs_rank(pack):
    name = pack.figures["borough"]
    for fig_id, (table_id, _) in RANKED.items():
        chart = pack.figures["charts"].get(fig_id)
        if chart is None:
            continue
        t = pack.table(table_id)
        rank = int(t.loc[t["borough"] == name, "rank"].iloc[0])
        said = re.search(rf"{re.escape(name)} is (?:joint )?(\d+)(?:st|nd|rd|th) of (\d+)", chart["alt"])
        assert said, (fig_id, chart["alt"])
        assert (int(said.group(1)), int(said.group(2))) == (rank, len(t)), (fig_id, chart["alt"], rank)


_NUM = r"(-?[\d,]+(?:\.\d+)?)%?"


def test_line_alt_quotes_the_drawn_values(pack):
    for fig_id, chart in pack.figures["charts"].items():
        if any(d["kind"] == "bars" for d in chart["data"]):
            continue  # a bar chart's only line is its reference, checked above
        for line in (d for d in chart["data"] if d["kind"] == "line" and "x" not in d):  # not funnel limits
            ys = [v for v in line["y"] if v is not None]
            if not ys:
                continue
            said = re.search(rf"{re.escape(line['label'])}(?: ratio)? ranged from {_NUM} \([^)]*\) to {_NUM} "
                             rf"\([^)]*\), and was {_NUM} in", chart["alt"])
            assert said, (fig_id, line["label"], chart["alt"])
            for text, value in zip(said.groups(), (min(ys), max(ys), line["y"][-1])):
                places = len(text.split(".")[1]) if "." in text else 0
                assert float(text.replace(",", "")) == pytest.approx(round(value, places)), (fig_id, line["label"])


def test_disproportionality_alt_quotes_ratios_as_printed(pack):
    # docs/method.md: ratios are printed to 2 decimals; the alt text must not round 7.60 to 8.
    chart = pack.figures["charts"]["fig-disproportionality"]
    black = next(d for d in chart["data"] if d["label"] == "Black")
    last = black["y"][-1]
    assert f"was {last:.2f} in" in chart["alt"], chart["alt"]


def test_trend_bands_draw_their_table(pack):
    """Each shaded band of the confidence trend chart is the interval recorded beside its line."""
    chart = pack.figures["charts"].get("fig-confidence-trend")
    if chart is None:
        pytest.skip("no confidence trend chart in this pack")
    t = pack.table("confidence_satisfaction_trend")
    bands = [d for d in chart["data"] if d["kind"] == "band"]
    series = [c[: -len(" low")] for c in t.columns if c.endswith(" low")]
    assert [b["label"].split(": ")[0] for b in bands] == series
    for band, name in zip(bands, series):
        for end in ("low", "high"):
            drawn = [math.nan if v is None else float(v) for v in band[end]]
            assert drawn == pytest.approx(t[f"{name} {end}"].astype(float).tolist(), nan_ok=True), (name, end)
        values = t[name].astype(float)
        inside = [lo - 0.5 <= v <= hi + 0.5 for lo, v, hi in zip(band["low"], values, band["high"])
                  if v == v and lo is not None]
        assert all(inside), name  # the printed whole % lies within its interval (give or take its rounding)
