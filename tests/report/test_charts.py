import io

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.text import Text
from PIL import Image

from boardpack.report.charts import (
    BOROUGH,
    DPI,
    OTHER_POINT,
    chart_data,
    figure_png,
    funnel_bands,
    funnel_outliers,
    plot_bars,
    plot_funnel,
    plot_group_lines,
    plot_ranked_bars,
    plot_ranked_intervals,
    plot_trend,
)


def test_trend_chart_data_is_what_was_plotted():
    df = pd.DataFrame({"m": ["a", "b", "c"], "x": [1, 2, 3], "y": [300, 200, 100]})
    fig = plot_trend(df, "m", {"Borough": "x", "MPS": "y"}, "t", "n", secondary={"MPS"})
    data = chart_data(fig)
    assert {"kind": "line", "label": "Borough", "y": [1.0, 2.0, 3.0]} in data
    assert {"kind": "line", "label": "MPS", "y": [300.0, 200.0, 100.0]} in data
    assert figure_png(fig)[:8] == b"\x89PNG\r\n\x1a\n"


def test_ranked_bars_data_in_table_order():
    df = pd.DataFrame({"n": ["A", "B", "C"], "v": [9.0, 5.0, -2.0]})
    fig = plot_ranked_bars(df, "n", "v", "B", "t", "x", reference=4.0)
    bars = [d for d in chart_data(fig) if d["kind"] == "bars"][0]
    assert bars == {"kind": "bars", "labels": ["A", "B", "C"], "values": [9.0, 5.0, -2.0]}


def test_plain_bars():
    df = pd.DataFrame({"n": ["X", "Y"], "v": [3, 4]})
    bars = chart_data(plot_bars(df, "n", "v", "t", "x"))[0]
    assert bars["labels"] == ["X", "Y"] and bars["values"] == [3.0, 4.0]


def _kind(data, kind):
    return [d for d in data if d["kind"] == kind]


def test_ranked_bars_marks_beyond_each_bar_and_none_when_empty():
    df = pd.DataFrame({"n": ["A", "B", "C"], "v": [9.0, 5.0, -2.0], "m": ["*", "", "*†"]})
    data = chart_data(plot_ranked_bars(df, "n", "v", "B", "t", "x", marks="m"))
    assert _kind(data, "marks") == [{"kind": "marks", "labels": ["A", "C"], "marks": ["*", "*†"]}]
    assert _kind(data, "bars")[0]["labels"] == ["A", "B", "C"]
    assert not _kind(chart_data(plot_ranked_bars(df, "n", "v", "B", "t", "x")), "marks")


def test_ranked_bars_mark_sits_past_the_end_of_its_bar():
    df = pd.DataFrame({"n": ["A", "C"], "v": [9.0, -2.0], "m": ["*", "†"]})
    fig = plot_ranked_bars(df, "n", "v", "A", "t", "x", marks="m")
    fig.canvas.draw()
    ax = fig.axes[0]
    bars = {t.get_text(): p for t, p in zip(ax.get_yticklabels(), ax.patches)}
    for text in ax.texts:
        box = text.get_window_extent()
        bar = bars["A" if text.get_text() == "*" else "C"].get_window_extent()
        assert box.x0 >= bar.x1 - 0.5 if text.get_text() == "*" else box.x1 <= bar.x0 + 0.5


INTERVALS = pd.DataFrame({"n": ["A", "B", "C", "D"], "v": [80.0, 75.0, 70.0, 60.0], "lo": [76, 71, 66, 55.0],
                          "hi": [84, 79, 74, 65.0], "vs": ["above", "similar", "similar", "below"]})


def test_ranked_intervals_draw_each_interval_in_table_order():
    data = chart_data(plot_ranked_intervals(INTERVALS, "n", "v", "lo", "hi", "B", "t", "Per cent", reference=72.0,
                                            verdict="vs"))
    (interval,) = _kind(data, "interval")
    assert interval == {"kind": "interval", "label": "95% confidence interval", "labels": ["A", "B", "C", "D"],
                        "low": [76.0, 71.0, 66.0, 55.0], "high": [84.0, 79.0, 74.0, 65.0]}
    assert _kind(data, "reference") == [{"kind": "reference", "label": "MPS average", "x": 72.0}]
    points = {p["label"]: p for p in _kind(data, "points")}
    drawn = {name: x for p in points.values() for name, x in zip(p["labels"], p["x"])}
    assert drawn == {"A": 80.0, "B": 75.0, "C": 70.0, "D": 60.0}
    # top first: A is drawn above D
    ys = {name: y for p in points.values() for name, y in zip(p["labels"], p["y"])}
    assert ys["A"] < ys["B"] < ys["C"] < ys["D"]


def test_ranked_intervals_mark_significant_areas_by_shape_with_words():
    fig = plot_ranked_intervals(INTERVALS, "n", "v", "lo", "hi", "B", "t", "Per cent", reference=72.0, verdict="vs")
    points = {p["label"]: p["labels"] for p in _kind(chart_data(fig), "points")}
    assert points == {"significantly above the MPS average": ["A"], "significantly below the MPS average": ["D"],
                      "not significantly different from the MPS average": ["B", "C"]}
    shapes = {c._bp_label if hasattr(c, "_bp_label") else c.get_label(): c.get_paths()[0].vertices.round(3).tolist()
              for c in fig.axes[0].collections if type(c).__name__ == "PathCollection"}
    assert len({str(v) for v in shapes.values()}) == 3  # three different marker shapes
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "significantly above the MPS average" in legend and "significantly below the MPS average" in legend


def test_ranked_intervals_highlight_in_borough_colour_and_bold():
    fig = plot_ranked_intervals(INTERVALS, "n", "v", "lo", "hi", "C", "t", "Per cent")
    ax = fig.axes[0]
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert bold == ["C"]
    coll = next(c for c in ax.collections if type(c).__name__ == "PathCollection")
    colours = [to_hex(c) for c in coll.get_facecolors()]
    assert colours == [OTHER_POINT.lower(), OTHER_POINT.lower(), BOROUGH.lower(), OTHER_POINT.lower()]
    assert not _kind(chart_data(fig), "reference")


def test_group_lines_unchanged_without_the_new_arguments():
    df = pd.DataFrame({"m": ["Jan", "Feb"], "w": [1.0, 1.0], "b": [3.0, 4.0]})
    data = chart_data(plot_group_lines(df, "m", {"White": "w", "Black": "b"}, "t", "r", baseline=1.0))
    assert data == [{"kind": "line", "label": "White", "y": [1.0, 1.0]},
                    {"kind": "line", "label": "Black", "y": [3.0, 4.0]}]


def test_group_lines_intervals_dodged_and_small_points_hollow_grey():
    df = pd.DataFrame({"m": ["Jan", "Feb", "Mar"], "a": [3.0, np.nan, 5.0], "al": [2.0, np.nan, 4.0],
                       "ah": [4.5, np.nan, 6.2], "b": [2.0, 2.5, 1.5], "bl": [1.5, 2.0, 0.5], "bh": [2.5, 3.1, 3.0],
                       "bs": [False, True, True]})
    fig = plot_group_lines(df, "m", {"Black": "a", "Asian": "b"}, "t", "r", baseline=1.0,
                           intervals={"Black": ("al", "ah"), "Asian": ("bl", "bh")}, small={"Asian": "bs"})
    data = chart_data(fig)
    intervals = {d["label"]: d for d in _kind(data, "interval")}
    assert intervals["Black"]["labels"] == ["Jan", "Feb", "Mar"]
    assert intervals["Black"]["low"][0] == 2.0 and np.isnan(intervals["Black"]["low"][1])
    assert intervals["Asian"]["high"] == [2.5, 3.1, 3.0]
    (small,) = _kind(data, "points")
    assert small["label"] == "Asian: fewer than 10 searches: small numbers"
    assert small["labels"] == ["Feb", "Mar"] and small["y"] == [2.5, 1.5]
    ax = fig.axes[0]
    black, asian = ax.get_lines()[:2]
    assert list(black.get_xdata()) != list(asian.get_xdata())  # dodged apart
    assert small["x"] == list(asian.get_xdata()[1:])  # on the Asian line's own points
    coll = next(c for c in ax.collections if type(c).__name__ == "PathCollection")
    assert to_hex(coll.get_facecolors()[0]) == "#ffffff" and to_hex(coll.get_edgecolors()[0]) == OTHER_POINT.lower()
    assert "fewer than 10 searches: small numbers" in [t.get_text() for t in fig.legends[0].get_texts()]


def _funnel():
    sizes = np.array([100.0, 400.0, 900.0, 1600.0, 2500.0])
    points = pd.DataFrame({"label": ["P", "Q", "R", "S", "T"], "x": sizes, "y": [0.5, 0.62, 0.5, 0.3, 0.52]})
    grid = pd.DataFrame({"x": sizes})
    se = np.sqrt(0.5 * 0.5 / grid["x"])
    limits = grid.assign(low95=0.5 - 1.96 * se, high95=0.5 + 1.96 * se, low998=0.5 - 3.09 * se,
                         high998=0.5 + 3.09 * se)
    return points, limits


def test_funnel_draws_points_limits_and_target():
    points, limits = _funnel()
    data = chart_data(plot_funnel(points, limits, 0.5, "R", "t", "Size", "Share"))
    lines = {d["label"]: d for d in _kind(data, "line")}
    assert set(lines) == {"95% lower limit", "95% upper limit", "99.8% lower limit", "99.8% upper limit"}
    assert lines["99.8% upper limit"]["x"] == limits["x"].tolist()
    assert lines["99.8% upper limit"]["y"] == limits["high998"].tolist()
    assert lines["95% lower limit"]["y"] == limits["low95"].tolist()
    assert _kind(data, "reference") == [{"kind": "reference", "label": "London value", "y": 0.5}]
    pts = {d["label"]: d for d in _kind(data, "points")}
    assert pts["R"] == {"kind": "points", "label": "R", "x": [900.0], "y": [0.5], "labels": ["R"]}
    assert pts["other areas"]["labels"] == ["P", "Q", "S", "T"]
    assert pts["other areas"]["y"] == [0.5, 0.62, 0.3, 0.52]


def test_funnel_names_only_outliers_and_the_highlighted_area():
    points, limits = _funnel()
    # Q: 0.62 at n=400, 99.8% limit 0.5 + 3.09 * 0.025 = 0.577 -> above; S: 0.3 at n=1600 -> below;
    # T: 0.52 at n=2500, limits 0.5 + 1.96 * 0.01 = 0.5196 and 0.5 + 3.09 * 0.01 = 0.5309 -> between them.
    assert funnel_outliers(points, limits) == ["Q", "S"]
    assert funnel_bands(points, limits) == ["within", "above998", "within", "below998", "above95"]
    fig = plot_funnel(points, limits, 0.5, "R", "t", "Size", "Share")
    (names,) = _kind(chart_data(fig), "names")
    assert sorted(names["labels"]) == ["Q", "R", "S"]
    fig.canvas.draw()
    boxes = [Text.get_window_extent(t) for t in fig.axes[0].texts]  # the words, not the leader lines
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert {"95% control limits", "99.8% control limits", "London value"} <= set(legend)


def test_funnel_labels_of_crowded_outliers_do_not_overlap_and_name_the_furthest():
    n = 14
    points = pd.DataFrame({"label": [f"Area {i}" for i in range(n)], "x": [1000.0 + i for i in range(n)],
                           "y": [0.9 + 0.001 * i for i in range(n)]})
    limits = pd.DataFrame({"x": [900.0, 1100.0], "low95": [0.45, 0.45], "high95": [0.55, 0.55],
                           "low998": [0.4, 0.4], "high998": [0.6, 0.6]})
    fig = plot_funnel(points, limits, 0.5, "Area 3", "t", "Size", "Share")
    (names,) = _kind(chart_data(fig), "names")
    # the highlighted area, and the 10 furthest out of the others (the highest values here)
    assert sorted(names["labels"]) == sorted(["Area 3"] + [f"Area {i}" for i in range(4, 14)])
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "named: the 10 furthest outside the 99.8% limits (of 14 outside)" in legend
    fig.canvas.draw()
    boxes = [Text.get_window_extent(t) for t in fig.axes[0].texts]  # the words, not the leader lines
    assert len(boxes) == 11
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    plot = fig.axes[0].get_window_extent()
    assert all(plot.y0 <= b.y0 and b.y1 <= plot.y1 for b in boxes)


def test_new_charts_are_deterministic_png():
    points, limits = _funnel()
    a = figure_png(plot_funnel(points, limits, 0.5, "R", "t", "Size", "Share"))
    b = figure_png(plot_funnel(points, limits, 0.5, "R", "t", "Size", "Share"))
    assert a == b and a[:8] == b"\x89PNG\r\n\x1a\n"
    c = figure_png(plot_ranked_intervals(INTERVALS, "n", "v", "lo", "hi", "B", "t", "x", verdict="vs"))
    d = figure_png(plot_ranked_intervals(INTERVALS, "n", "v", "lo", "hi", "B", "t", "x", verdict="vs"))
    assert c == d


def _savefig_pixels(fig, dpi=DPI):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return np.asarray(Image.open(buf))


def test_png_of_an_opaque_chart_has_savefigs_pixels_without_alpha():
    df = pd.DataFrame({"n": ["A", "B", "C"], "v": [9.0, 5.0, -2.0]})
    reference = _savefig_pixels(plot_ranked_bars(df, "n", "v", "B", "t", "x"))
    assert (reference[..., 3] == 255).all()
    png = Image.open(io.BytesIO(figure_png(plot_ranked_bars(df, "n", "v", "B", "t", "x"))))
    assert png.mode == "RGB"
    assert np.array_equal(np.asarray(png), reference[..., :3])
    assert png.info["dpi"] == pytest.approx((DPI, DPI), abs=0.01)  # the resolution savefig records


def test_png_of_a_chart_with_transparency_keeps_its_alpha():
    df = pd.DataFrame({"n": ["A", "B"], "v": [3.0, 4.0]})
    fig = plot_ranked_bars(df, "n", "v", "B", "t", "x")
    fig.patch.set_alpha(0.0)
    reference = _savefig_pixels(fig, dpi=72)
    assert (reference[..., 3] < 255).any()
    png = Image.open(io.BytesIO(figure_png(fig, dpi=72)))
    assert png.mode == "RGBA"
    assert np.array_equal(np.asarray(png), reference)


def test_long_title_of_a_ranked_chart_is_not_cut_off():
    df = pd.DataFrame({"n": ["Kensington and Chelsea", "B"], "v": [80.0, 70.0], "lo": [76, 66.0], "hi": [84, 74.0]})
    title = "Public confidence by borough, rolling 12 months to quarter 3 (December) 2018/19"
    for fig in (plot_ranked_bars(df, "n", "v", "B", title, "x"),
                plot_ranked_intervals(df, "n", "v", "lo", "hi", "B", title, "x")):
        fig.canvas.draw()
        ax = fig.axes[0]
        box = ax._left_title.get_window_extent()  # the left-aligned title
        assert ax.get_title(loc="left") == title
        assert 0 <= box.x0 and box.x1 <= fig.bbox.width


def test_funnel_bands_given_exactly_are_used_as_given():
    points, limits = _funnel()
    exact = points.assign(band=["within", "above 99.8%", "within", "within", "below 95%"])
    assert funnel_bands(exact, limits) == ["within", "above998", "within", "within", "below95"]
    (names,) = _kind(chart_data(plot_funnel(exact, limits, 0.5, "R", "t", "Size", "Share")), "names")
    assert sorted(names["labels"]) == ["Q", "R"]


def test_ranked_intervals_leave_out_a_missing_value_without_shifting_names():
    df = INTERVALS.assign(v=[80.0, np.nan, 70.0, 60.0])
    data = chart_data(plot_ranked_intervals(df, "n", "v", "lo", "hi", "A", "t", "x", verdict="vs"))
    drawn = {name: x for p in _kind(data, "points") for name, x in zip(p["labels"], p["x"])}
    assert drawn == {"A": 80.0, "C": 70.0, "D": 60.0}


@pytest.mark.parametrize("kind", ["ranked", "trend", "bars"])
def test_a_long_title_is_broken_into_lines_that_fit_the_figure(kind):
    title = ("Change in public complaint allegations by borough, October 2025 – September 2026 against "
             "October 2024 – September 2025")
    df = pd.DataFrame({"b": [f"Borough {i}" for i in range(12)], "v": range(12), "w": range(12)})
    fig = {"ranked": lambda: plot_ranked_bars(df, "b", "v", "Borough 3", title, "x"),
           "trend": lambda: plot_trend(df, "b", {"A": "v", "MPS": "w"}, title, "y", secondary={"MPS"}),
           "bars": lambda: plot_bars(df, "b", "v", title, "x")}[kind]()
    fig.canvas.draw()
    drawn = fig.axes[0].get_title(loc="left")
    assert "\n" in drawn and drawn.replace("\n", " ") == title
    box = fig.axes[0]._left_title.get_window_extent()
    assert 0 <= box.x0 and box.x1 <= fig.get_figwidth() * fig.dpi
    figure_png(fig)  # closes it


def test_trend_bands_are_drawn_behind_their_line_and_recorded():
    df = pd.DataFrame({"q": ["a", "b", "c"], "v": [60.0, 62.0, 61.0], "lo": [55.0, 57.5, np.nan],
                       "hi": [65.0, 66.0, np.nan]})
    fig = plot_trend(df, "q", {"Confidence": "v"}, "t", "Per cent", percent=True, bands={"Confidence": ("lo", "hi")},
                     band_label="95% interval")
    data = chart_data(fig)
    band = [d for d in data if d["kind"] == "band"]
    assert len(band) == 1 and band[0]["label"] == "Confidence: 95% interval"
    assert band[0]["low"][:2] == [55.0, 57.5] and band[0]["high"][:2] == [65.0, 66.0] and np.isnan(band[0]["low"][2])
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Confidence", "Confidence: 95% interval"]
    figure_png(fig)
