"""Every chart's drawn data equals the table printed or saved beside it, and its alt text describes it.

figures.json["charts"] holds what each matplotlib figure actually drew (read back from its
artists); tables/<id>.csv holds the numbers of the matching table. Runs on the demo packs and,
when ../shared/data is present, on the real packs to February 2019.
"""

import math
import re

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

CASES = [
    pytest.param(("demo", "waltham-forest"), id="demo-waltham-forest"),
    pytest.param(("demo", "camden"), id="demo-camden"),
    pytest.param(("real", "lambeth"), id="real-lambeth", marks=pytest.mark.real_data),
    pytest.param(("real", "waltham-forest"), id="real-waltham-forest", marks=pytest.mark.real_data),
]
RANKED = {  # ranked borough chart -> (its table, figures.json key of the value its dashed line marks)
    "fig-confidence-ranked": ("confidence-ranked", ("confidence", "mps")),
    "fig-satisfaction-ranked": ("satisfaction-ranked", ("victim_satisfaction", "mps")),
    "fig-complaints-ranked": ("complaints_by_borough", ("complaints", "mps_average_allegations")),
    "fig-complaints-change": ("complaints_change", ("complaints", "mps_pct_change")),
    "fig-complaints-rate": ("complaints_rate", ("complaints", "mps_rate_per_100_workforce")),
    "fig-satisfaction-gap": ("satisfaction-gap-ranked", ("victim_satisfaction", "mps_gap")),
}
RANKED_VALUE = {"confidence-ranked": "value", "satisfaction-ranked": "value", "complaints_by_borough": "allegations",
                "complaints_change": "pct_change", "complaints_rate": "rate", "satisfaction-gap-ranked": "gap"}


@pytest.fixture(params=CASES)
def pack(request):
    kind, slug = request.param
    return request.getfixturevalue(f"{kind}_built")[slug]


def _values(seq) -> list:
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in seq]


def _line(label: str, values) -> dict:
    return {"kind": "line", "label": label, "y": _values(values)}


def _bars(df: pd.DataFrame, label: str, value: str) -> dict:
    return {"kind": "bars", "labels": df[label].astype(str).tolist(), "values": _values(df[value])}


def expected_chart(pack, fig_id: str) -> list[dict]:
    """What the chart should draw, from its table (the reference line of ranked charts is checked apart)."""
    name = pack.figures["borough"]
    if fig_id == "fig-crime-trend":
        t = pack.table("recorded_crime_monthly")
        assert t.to_dict(orient="records") == pack.figures["recorded_crime"]["monthly"]
        return [_line(name, t["borough"]), _line("MPS", t["mps"])]
    if fig_id == "fig-asb-trend":
        t = pack.table("asb_monthly")
        return [_line(name, t["borough"]), _line("MPS", t["mps"])]
    if fig_id == "fig-confidence-trend":
        t = pack.table("confidence_satisfaction_trend")
        return [_line(c, t[c]) for c in t.columns if c != "quarter_end"]
    if fig_id == "fig-stop-search-monthly":
        t = pack.table("stop_search_monthly")
        rows = t[["month", "searches", "mps"]].astype(object)
        assert rows.where(rows.notna(), None).to_dict(orient="records") == pack.figures["stop_search"]["monthly"]
        return [_line(name, t["searches"]), _line("MPS", t["mps"])]
    if fig_id == "fig-disproportionality":
        t = pack.table("stop_search_disproportionality").pivot(index="month", columns="group", values="ratio")
        return [_line(g, t[g]) for g in ("White", "Black", "Asian", "Other")]
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
        drawn = [d for d in chart["data"] if d["kind"] != "reference"]
        drawn = [{**d, "y": _values(d["y"])} if d["kind"] == "line" else {**d, "values": _values(d["values"])}
                 for d in drawn]
        assert drawn == expected_chart(pack, fig_id), fig_id


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
        for line in (d for d in chart["data"] if d["kind"] == "line"):
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
