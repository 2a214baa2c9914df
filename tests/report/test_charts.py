import pandas as pd

from boardpack.report.charts import chart_data, figure_png, plot_bars, plot_ranked_bars, plot_trend


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
