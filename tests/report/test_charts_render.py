"""How the charts are rendered: no draw while building, one draw to save, and the same pixels as the
seaborn calls the bars, lines and points replaced."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import seaborn as sns
from matplotlib.figure import Figure

from boardpack.report import charts
from boardpack.report.charts import (
    chart_data,
    figure_png,
    plot_bars,
    plot_funnel,
    plot_group_lines,
    plot_ranked_bars,
    plot_ranked_intervals,
    plot_trend,
)

RANKED = pd.DataFrame({"n": ["Kensington and Chelsea", "B", "C"], "v": [80.0, 70.0, -5.0], "lo": [76, 66.0, -9.0],
                       "hi": [84, 74.0, -1.0], "vs": ["above", "similar", "below"], "m": ["*", "", "†"]})
MONTHS = pd.DataFrame({"m": ["Jan", "Feb", "Mar", "Apr"], "a": [3.0, np.nan, 5.0, 4.0],
                       "b": [200.0, 250.0, 150.0, 90.0], "al": [2.0, np.nan, 4.0, 3.0], "ah": [4.5, np.nan, 6.2, 5.0],
                       "s": [False, True, True, False]})


def _funnel():
    sizes = np.array([100.0, 400.0, 900.0, 1600.0, 2500.0])
    points = pd.DataFrame({"label": ["P", "Q", "R", "S", "T"], "x": sizes, "y": [0.5, 0.62, 0.5, 0.3, 0.52]})
    se = np.sqrt(0.5 * 0.5 / sizes)
    limits = pd.DataFrame({"x": sizes, "low95": 0.5 - 1.96 * se, "high95": 0.5 + 1.96 * se,
                           "low998": 0.5 - 3.09 * se, "high998": 0.5 + 3.09 * se})
    return points, limits


CHARTS = {
    "ranked bars": lambda: plot_ranked_bars(RANKED, "n", "v", "B", "A title", "x", reference=10.0, marks="m"),
    "bars": lambda: plot_bars(RANKED, "n", "v", "A title", "x"),
    "ranked intervals": lambda: plot_ranked_intervals(RANKED, "n", "v", "lo", "hi", "B", "A title", "x",
                                                      reference=72.0, verdict="vs"),
    "trend": lambda: plot_trend(MONTHS, "m", {"A": "a", "MPS": "b"}, "A title", "n", secondary={"MPS"}),
    "group lines": lambda: plot_group_lines(MONTHS, "m", {"A": "a"}, "A title", "r", baseline=1.0,
                                            intervals={"A": ("al", "ah")}, small={"A": "s"}),
    "funnel": lambda: plot_funnel(*_funnel(), 0.5, "R", "A title", "Size", "Share"),
}


@pytest.mark.parametrize("kind", CHARTS)
def test_building_a_chart_draws_nothing_and_saving_it_draws_once(kind, monkeypatch):
    draws = []
    real_draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda fig, renderer: draws.append(fig) or real_draw(fig, renderer))
    fig = CHARTS[kind]()
    assert draws == []
    assert fig.get_layout_engine() is None  # else savefig would first run a whole layout draw
    figure_png(fig)
    assert len(draws) == 1


@pytest.mark.parametrize("kind", CHARTS)
def test_the_title_sits_where_matplotlib_would_place_it(kind):
    fig = CHARTS[kind]()
    ax = fig.axes[0]
    fig.canvas.draw()
    fixed = ax._left_title.get_window_extent().bounds
    ax._autotitlepos = True  # matplotlib's automatic placement, as without y=1.0
    fig.canvas.draw()
    assert ax._left_title.get_window_extent().bounds == fixed
    plt.close(fig)


def _greedy(fig, title, share):
    """The word-by-word wrap, measuring every candidate line."""
    renderer = fig.canvas.get_renderer()
    font = charts.FontProperties(family=plt.rcParams["font.family"], size=plt.rcParams["axes.titlesize"])
    room = share * fig.get_figwidth() * fig.dpi
    lines = []
    for word in title.split():
        if lines and renderer.get_text_width_height_descent(f"{lines[-1]} {word}", font, ismath=False)[0] <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def test_a_title_that_fits_whole_is_wrapped_as_word_by_word():
    fig, _ = plt.subplots(figsize=(charts.WIDTH_IN, 3))
    words = ("Change in public complaint allegations by borough, October 2025 – September 2026 against "
             "Kensington and Chelsea (White = 1.00) AVAT Wyvern To. ffl").split()
    titles = ["", "One", "  Two   spaced\nwords ", "x" * 200] + [" ".join(words[:k]) for k in range(1, len(words) + 1)]
    for share in (0.3, 0.6, 0.88):
        for title in titles:
            assert charts._fitted_title(fig, title, share) == _greedy(fig, title, share)
    plt.close(fig)


def _pixels(fig):
    fig.canvas.draw()
    out = np.asarray(fig.canvas.buffer_rgba()).copy()
    plt.close(fig)
    return out


def _pair():
    return [plt.subplots(figsize=(4, 2.5)) for _ in range(2)]


def _unname(ax):
    ax.set_xlabel("")  # seaborn names the axes after its variables; the charts set their own names
    ax.set_ylabel("")


@pytest.mark.parametrize("values", [[3.0, np.nan, -1.0, 2.5], [3.0, np.inf, 1.0, 0.0], [np.nan] * 4])
def test_bars_are_the_seaborn_barplot_bars(values):
    labels = ["A", "Bee", "C", "D"]
    palette = {"A": charts.OTHER, "Bee": charts.BOROUGH, "C": charts.OTHER, "D": charts.MPS}
    (fig, ax), (ref, ref_ax) = _pair()
    charts._barh(ax, labels, values, palette, height=0.75)
    frame = pd.DataFrame({"label": pd.Categorical(labels, categories=labels, ordered=True), "value": values})
    sns.barplot(frame, x="value", y="label", hue="label", palette=palette, order=labels, hue_order=labels,
                legend=False, errorbar=None, dodge=False, width=0.75, saturation=1, orient="y", ax=ref_ax)
    _unname(ref_ax)
    assert chart_data(fig) == chart_data(ref)
    assert (_pixels(fig) == _pixels(ref)).all()


@pytest.mark.parametrize("hollow", [False, True])
def test_points_are_the_seaborn_scatterplot_points(hollow):
    xs, ys = np.array([1.0, 2.0, np.nan, 4.0, 5.0]), np.array([3.0, np.inf, 1.0, 2.0, 2.5])
    colours = [charts.OTHER_POINT, charts.BOROUGH, charts.OTHER_POINT, charts.BOROUGH, charts.OTHER_POINT]
    (fig, ax), (ref, ref_ax) = _pair()
    charts._points(ax, xs, ys, colours, "^", "points", list("abcde"), size=26, hollow=hollow)
    keep = np.isfinite(xs) & np.isfinite(ys)
    kept = [c for c, k in zip(colours, keep) if k]
    sns.scatterplot(x=xs[keep], y=ys[keep], ax=ref_ax, marker="^", s=26, c=None if hollow else kept,
                    facecolors="white" if hollow else None, edgecolors=kept if hollow else "white",
                    linewidth=1.1 if hollow else 0.4, zorder=4, label="points", legend=False)
    _unname(ref_ax)
    assert [c.get_label() for c in ax.collections] == [c.get_label() for c in ref_ax.collections]
    assert (_pixels(fig) == _pixels(ref)).all()


@pytest.mark.parametrize("ys", [[1.0, 3.0, 2.0, 4.0], [1.0, np.inf, 2.0, 4.0]])
def test_a_line_without_gaps_is_the_seaborn_lineplot_line(ys):
    xs, ys = np.arange(4, dtype=float), np.array(ys)
    style = {"marker": "o", "markersize": 2.5, "linewidth": 1.6, "color": charts.MPS, "linestyle": "--",
             "markeredgecolor": charts.MPS, "markeredgewidth": 1.0}
    (fig, ax), (ref, ref_ax) = _pair()
    charts._line(ax, xs, ys, "MPS", charts.MPS, "--")
    sns.lineplot(x=xs, y=ys, ax=ref_ax, estimator=None, sort=False, label="MPS", legend=False, **style)
    _unname(ref_ax)
    assert chart_data(fig) == chart_data(ref)
    assert (_pixels(fig) == _pixels(ref)).all()
