"""House-style charts. Each ``plot_*`` returns a matplotlib Figure and never shows or saves it.

One colour-blind-safe palette (Okabe–Ito): the borough is always vermillion, the MPS always
blue, other boroughs grey; titles and axis labels are plain words. Colour is never the only
cue: the borough's tick label is bold, a significant difference has its own marker shape, and
small numbers are drawn hollow, each with a legend entry in words.

The style is seaborn's theme, set once here with the house settings on top (DejaVu Sans, the
sizes below, no top or right spines, a light grid, a fixed SVG hash salt). Everything is drawn with
matplotlib in that theme:

- bars, lines and points with ``Axes.barh``, ``Axes.plot`` and ``Axes.scatter``. They were drawn
  with ``sns.barplot``, ``sns.lineplot`` and ``sns.scatterplot``, but with one value per bar or
  point seaborn estimated nothing, and its overhead (one bar call per label, data frames, tick
  labels read back to name the axes) was about half of a ranked bar chart's build time. The calls
  here make the artists seaborn made, with the arguments it passed, so the charts are
  pixel-identical to the seaborn ones (tests/report/test_charts_render.py compares them), and
  keep its rules on data: a missing or infinite bar value draws no bar, a point with a missing or
  infinite coordinate is left out, and a line with no missing value is joined across an infinite one;
- intervals (whiskers) with ``Axes.errorbar``: the pack's intervals are computed in the compute
  cells (Wilson, exact Poisson), and seaborn only draws error bars it estimates itself from raw
  observations (``sns.pointplot`` included);
- a line with missing values keeps them, so it has a gap at a missing month rather than a line
  bridging it (``sns.lineplot`` dropped them).

Every call is deterministic (no bootstrap, no jitter, fixed order), so a rebuild gives the same
bytes. :func:`chart_data` reads back what a figure draws, for figures.json and the tests.
"""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.container import ErrorbarContainer  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402
from PIL import Image  # noqa: E402

BOROUGH = "#D55E00"
MPS = "#0072B2"
OTHER = "#BBBBBB"
SERIES = ["#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
WIDTH_IN = 6.8  # the A4 text width at 2 cm margins
OTHER_POINT = "#777777"  # grey points and whiskers: darker than OTHER so a small marker stays visible
LIMIT = "#555555"  # funnel control limits

SMALL_LABEL = "fewer than 10 searches: small numbers"
MAX_NAMED = 10  # funnel outliers named on the chart at most; the pack's text lists them all
MARKERS = {"above": "^", "below": "v", "similar": "o"}  # shape, not colour, says which side of the reference

# The resolution every chart is drawn at (figure_png), and so also the one it is laid out and
# measured at: tight layout, fitted titles and the placing of point names then measure the text
# exactly as it is drawn, and matplotlib's text measurements, cached per resolution, serve the
# drawing too (a borough's 16 charts built and drawn in about 0.25 s less than when laid out at
# 100 dpi and drawn at 130).
DPI = 130

HOUSE_RC = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 9.5,
    "axes.labelsize": 8.5,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#E5E5E5",
    "axes.axisbelow": True,
    "figure.dpi": DPI,
    "svg.hashsalt": "boardpack",
}

# The theme once, at import: seaborn's white-grid style and the house palette, then the house settings.
sns.set_theme(context="notebook", style="whitegrid", palette=SERIES, font="DejaVu Sans", rc=HOUSE_RC)

_thousands = FuncFormatter(lambda v, _: f"{v:,.0f}")
_percent = FuncFormatter(lambda v, _: f"{v:.0f}%")


def _tag(artist, label: str | None = None, labels: list | None = None, with_x: bool = False):
    """Name what an artist stands for, for :func:`chart_data` (kept apart from its legend label)."""
    if label is not None:
        artist._bp_label = label
    if labels is not None:
        artist._bp_labels = [str(v) for v in labels]
    if with_x:
        artist._bp_with_x = True
    return artist


def _name(artist) -> str | None:
    """The recorded label: the tag if any, else the legend label; None for unnamed helper artists."""
    tagged = getattr(artist, "_bp_label", None)
    if tagged is not None:
        return tagged
    label = artist.get_label()
    return None if not label or label.startswith("_") else label


def _floats(values) -> list[float]:
    return [float(v) for v in values]


def _axis_format(percent: bool) -> FuncFormatter:
    return _percent if percent else _thousands


def _bold_tick(ax, highlight: str) -> None:
    for tick in ax.get_yticklabels():
        if tick.get_text() == highlight:
            tick.set_fontweight("bold")


def _fitted_title(fig: Figure, title: str, share: float = 0.88) -> str:
    """``title`` broken into lines that each fit ``share`` of the figure's width, so none is cut off.

    Measured with the figure's renderer at the title font size (deterministic: greedy, word by word).
    A title that fits whole is one line without measuring each word: the glyphs of a leading part
    of a line sit where they sit in the whole line, so no leading part is wider than the whole.
    """
    renderer = fig.canvas.get_renderer()
    font = FontProperties(family=plt.rcParams["font.family"], size=plt.rcParams["axes.titlesize"])
    room = share * fig.get_figwidth() * fig.dpi

    def width(text: str) -> float:
        return renderer.get_text_width_height_descent(text, font, ismath=False)[0]

    whole = " ".join(title.split())
    if width(whole) <= room:
        return whole
    lines: list[str] = []
    for word in title.split():
        if lines and width(f"{lines[-1]} {word}") <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def _set_title(fig: Figure, ax, title: str) -> None:
    """The chart's title, left-aligned over the axes and broken into lines that fit (:func:`_fitted_title`).

    Its height is fixed at the top of the axes (``y=1.0``), which is where matplotlib's automatic
    placement puts it on these charts (tick labels below the axes, no offset text on a y axis: every
    y axis has its own formatter); fixing it spares that placement measuring every tick label of the
    axes and its twin again on each layout pass and draw.
    """
    ax.set_title(_fitted_title(fig, title), loc="left", y=1.0)


def _tight_layout(fig: Figure, rect=(0, 0, 1, 1)) -> None:
    """``fig.tight_layout(rect=rect)``, measuring each axes once and leaving no layout engine behind.

    Given a ``rect``, matplotlib measures every axes' tight box twice (once for the margins, again for
    the margins inside ``rect``) with nothing moved in between, so the second measure (all the tick
    labels laid out again) is taken from the first. And ``tight_layout`` leaves a do-nothing placeholder
    engine on the figure, which makes ``savefig`` run a whole extra (unrendered) draw before the real one.
    """
    for ax in fig.axes:
        ax.get_tightbbox = _measured_once(ax.get_tightbbox)
    try:
        fig.tight_layout(rect=rect)
    finally:
        for ax in fig.axes:
            del ax.get_tightbbox  # the class's method again
    with matplotlib.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)  # with these two off, None means no engine at all


def _measured_once(get_tightbbox):
    """``get_tightbbox`` remembering its answer per arguments (the same renderer and options)."""
    seen = {}

    def measured(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        try:
            hash(key)
        except TypeError:  # e.g. a list of extra artists: measure as usual
            return get_tightbbox(*args, **kwargs)
        if key not in seen:
            seen[key] = get_tightbbox(*args, **kwargs)
        return seen[key].frozen() if seen[key] is not None else None

    return measured


def _title_over_labels(fig: Figure, ax) -> None:
    """Start a left-aligned title over the y tick labels, not the plot, so a long one is not cut off.

    Run once the layout is final (ranked charts have long borough names to their left).
    """
    # No draw needed: the tick labels' extents follow from their text and the axes' final position
    # (get_yticklabels updates the ticks), measured with the figure's own renderer as a draw would.
    renderer = fig.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    left = min([t.get_window_extent(renderer).x0 for t in ax.get_yticklabels() if t.get_text()] + [box.x0])
    ax.set_title(ax.get_title(loc="left"), loc="left", x=(left - box.x0) / box.width)


def _reference(ax, reference: float | None, reference_label: str) -> bool:
    """A vertical dashed line in the MPS colour; False when there is no value to draw."""
    if reference is None or pd.isna(reference):
        return False
    ax.axvline(float(reference), color=MPS, linestyle="--", linewidth=1.4, label=reference_label)
    return True


# ---------------------------------------------------------------- lines


def _trend_axes(
    df: pd.DataFrame, x: str, series: dict[str, str], title: str, ylabel: str,
    colours: dict[str, str] | None = None, secondary: set[str] | None = None, percent: bool = False,
    dodge: float = 0.0,
):
    """Draw the lines of :func:`plot_trend`; return the figure, the main axes, x positions per label, handles."""
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 3.2))
    colours = colours or {}
    secondary = secondary or set()
    ax2 = ax.twinx() if secondary else None
    xs = np.arange(len(df), dtype=float)
    positions, handles = {}, []
    for i, (label, col) in enumerate(series.items()):
        target = ax2 if label in secondary else ax
        shift = (i - (len(series) - 1) / 2) * dodge
        positions[label] = xs + shift
        handles.append(_line(target, positions[label], df[col].astype(float).to_numpy(), label,
                             colours.get(label, SERIES[i % len(SERIES)]), "--" if label in secondary else "-"))
    step = max(1, len(xs) // 12)
    ax.set_xticks(xs[::step])
    ax.set_xticklabels([str(v) for v in df[x].tolist()][::step], rotation=45, ha="right")
    _set_title(fig, ax, title)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(_axis_format(percent))
    ax.grid(axis="x", visible=False)
    if ax2 is not None:
        ax2.yaxis.set_major_formatter(_axis_format(percent))
        ax2.set_ylabel(", ".join(sorted(secondary)) + " (right axis)")
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
    return fig, ax, positions, handles


def _line(ax, xs, ys, label: str, colour: str, linestyle: str):
    """One series as a line with small markers; returns its Line2D."""
    style = {"marker": "o", "markersize": 2.5, "linewidth": 1.6, "color": colour, "linestyle": linestyle,
             "markeredgecolor": colour, "markeredgewidth": 1.0}  # seaborn's white marker edge would hide them
    if not np.isnan(ys).any():
        # What sns.lineplot(estimator=None, sort=False) drew for a series without gaps: an infinite
        # value left out (seaborn treats it as missing), the line joined across it.
        keep = np.isfinite(xs) & np.isfinite(ys)
        xs, ys = xs[keep], ys[keep]
    # A series with missing values keeps them, so the line has a gap there, not a bridge.
    (line,) = ax.plot(xs, ys, label=label, **style)
    return line


def plot_trend(
    df: pd.DataFrame, x: str, series: dict[str, str], title: str, ylabel: str,
    colours: dict[str, str] | None = None, secondary: set[str] | None = None, percent: bool = False,
    bands: dict[str, tuple[str, str]] | None = None, band_label: str = "95% interval",
) -> Figure:
    """Monthly or quarterly lines.

    Parameters
    ----------
    df : DataFrame
        One row per time point.
    x : str
        Column of time labels (plotted as categories, in order).
    series : dict
        Legend label -> column to draw.
    title, ylabel : str
    colours : dict, optional
        Legend label -> colour; the house series colours otherwise.
    secondary : set of str, optional
        Labels drawn against a right-hand axis (e.g. the MPS, on a far larger scale).
    percent : bool
        Format the y axis as percentages.
    bands : dict, optional
        Legend label -> (low column, high column): a shaded band in the series' colour behind its
        line (e.g. a survey measure's interval at each quarter), named "<label>: <band_label>".
    band_label : str
        The band's meaning in the legend, e.g. "95% interval".
    """
    fig, ax, pos, handles = _trend_axes(df, x, series, title, ylabel, colours, secondary, percent)
    for label, (low, high) in (bands or {}).items():
        line = next(h for h in handles if h.get_label() == label)
        lows, highs = df[low].astype(float).to_numpy(), df[high].astype(float).to_numpy()
        band = ax.fill_between(pos[label], lows, highs, color=line.get_color(), alpha=0.18, linewidth=0,
                               label=f"{label}: {band_label}", zorder=1)
        band._bp_band = {"kind": "band", "label": f"{label}: {band_label}", "low": _floats(lows),
                         "high": _floats(highs)}
        handles.append(band)
    _legend_below(fig, handles)
    return fig


def plot_small_multiples(df: pd.DataFrame, x: str, series: dict[str, str], title: str, percent: bool = False,
                         columns: int = 3, colour: str = BOROUGH, panel_height: float = 1.35) -> Figure:
    """One small line chart per series, each on its own scale (sparklines for a table's rows).

    Parameters
    ----------
    df : DataFrame
        One row per time point.
    x : str
        Column of time labels; the first and last are written under each panel.
    series : dict
        Panel title -> column to draw, in order.
    title : str
    percent : bool
        Format the y axes as percentages.
    columns : int
        Panels per row.
    colour : str
    panel_height : float
        Inches per row of panels.
    """
    n = max(len(series), 1)
    rows = math.ceil(n / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(WIDTH_IN, 0.7 + panel_height * rows), squeeze=False)
    xs = np.arange(len(df), dtype=float)
    labels = [str(v) for v in df[x].tolist()]
    for ax, (label, col) in zip(axes.flat, series.items()):
        _line(ax, xs, df[col].astype(float).to_numpy(), label, colour, "-")
        ax.set_title(label, fontsize=8, loc="left")
        ax.set_xticks([xs[0], xs[-1]] if len(xs) else [])
        ax.set_xticklabels([labels[0], labels[-1]] if labels else [], fontsize=7)
        ax.tick_params(axis="y", labelsize=7)
        ax.yaxis.set_major_formatter(_axis_format(percent))
        ax.yaxis.set_major_locator(MaxNLocator(3))
        ax.grid(axis="x", visible=False)
    for ax in list(axes.flat)[len(series):]:
        ax.set_visible(False)
    fig.suptitle(_fitted_title(fig, title), fontsize=10)
    # A fixed layout: measuring every panel's labels (tight_layout) costs seconds with 32 panels.
    height = fig.get_figheight()
    fig.subplots_adjust(left=0.08, right=0.98, top=1 - 0.75 / height, bottom=0.3 / height, wspace=0.35,
                        hspace=0.38 / panel_height * 2.2)
    return fig


def _legend_below(fig: Figure, handles: list, columns: int = 3) -> None:
    """A legend in rows of at most ``columns`` under the plot, clear of the rotated tick labels."""
    if not handles:
        _tight_layout(fig)
        return
    ncol = min(len(handles), columns)
    rows = -(-len(handles) // ncol)
    fig.legend(handles=handles, loc="lower center", ncol=ncol, frameon=False, fontsize=7.5)
    _tight_layout(fig, rect=(0, 0.045 * rows + 0.02, 1, 1))


def plot_group_lines(
    df: pd.DataFrame, x: str, groups: dict[str, str], title: str, ylabel: str, baseline: float | None = None,
    intervals: dict[str, tuple[str, str]] | None = None, small: dict[str, str] | None = None,
    small_label: str = SMALL_LABEL,
) -> Figure:
    """Lines per group against a categorical x (e.g. disproportionality by month), with a baseline.

    Parameters
    ----------
    df : DataFrame
        One row per time point.
    x : str
        Column of time labels.
    groups : dict
        Legend label -> column of values.
    baseline : float, optional
        A thin grey horizontal line (e.g. a ratio of 1).
    intervals : dict, optional
        Group label -> (low column, high column), drawn as error bars in the group's colour.
        The groups are then dodged sideways a little so their whiskers do not overlap.
    small : dict, optional
        Group label -> bool column; those points are drawn hollow and grey on top of the line,
        with one legend entry (``small_label``).
    """
    intervals = intervals or {}
    small = small or {}
    dodge = min(0.12, 0.5 / max(1, len(groups))) if intervals else 0.0
    fig, ax, positions, handles = _trend_axes(df, x, groups, title, ylabel, dodge=dodge)
    labels = [str(v) for v in df[x].tolist()]
    colours = {h.get_label(): h.get_color() for h in handles}
    for group, (low_col, high_col) in intervals.items():
        _interval_bars(ax, positions[group], df[groups[group]], df[low_col], df[high_col], colours[group],
                       label=group, labels=labels, vertical=True)
    small_drawn = False
    for group, flag_col in small.items():
        flags = df[flag_col].fillna(False).astype(bool).to_numpy()
        if flags.any():
            _points(ax, positions[group][flags], df[groups[group]].astype(float).to_numpy()[flags],
                    [OTHER_POINT] * int(flags.sum()), "o", f"{group}: {small_label}",
                    [lab for lab, f in zip(labels, flags) if f], size=22, hollow=True, in_legend=False)
            small_drawn = True
    if baseline is not None:
        ax.axhline(baseline, color="#555555", linewidth=0.8)
    if small_drawn:  # one legend entry for every group's small-number points
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=4.5, markerfacecolor="white",
                              markeredgecolor=OTHER_POINT, markeredgewidth=1.1, label=small_label))
    _legend_below(fig, handles)
    return fig


def _interval_bars(ax, positions, values, lows, highs, colour: str, label: str, labels: list, vertical: bool,
                   legend: bool = False) -> ErrorbarContainer:
    """Whiskers from precomputed lows to highs (seaborn cannot take precomputed intervals: see the module note)."""
    values = np.asarray(pd.to_numeric(values), dtype=float)
    lows = np.asarray(pd.to_numeric(lows), dtype=float)
    highs = np.asarray(pd.to_numeric(highs), dtype=float)
    # Distances from the value, as errorbar takes them; the drawn ends are exactly low and high.
    err = np.vstack([values - lows, highs - values])
    kws = {"yerr": err} if vertical else {"xerr": err}
    xs, ys = (positions, values) if vertical else (values, positions)
    cont = ax.errorbar(xs, ys, fmt="none", ecolor=colour, elinewidth=1.1, capsize=0, zorder=2,
                       label=label if legend else "_nolegend_", **kws)
    _tag(cont, label=label, labels=labels)
    cont._bp_ends = (lows.tolist(), highs.tolist())
    return cont


# ---------------------------------------------------------------- bars


def plot_ranked_bars(
    df: pd.DataFrame, label: str, value: str, highlight: str, title: str, xlabel: str,
    reference: float | None = None, reference_label: str = "MPS average", percent: bool = False,
    marks: str | None = None,
) -> Figure:
    """Horizontal bars of all boroughs, ranked, with one highlighted and a reference line.

    Parameters
    ----------
    df : DataFrame
        One row per borough, already in the order to draw (top first).
    label, value : str
        Columns of bar labels and values.
    highlight : str
        The label to draw in the borough colour (its tick label bold).
    reference : float, optional
        Drawn as a vertical dashed line in the MPS colour.
    marks : str, optional
        Column of short text (e.g. ``"*"``, ``"†"``) drawn just beyond the end of each bar;
        nothing is drawn where it is empty.
    """
    n = len(df)
    fig, ax = plt.subplots(figsize=(WIDTH_IN, max(2.5, 0.16 * n + 0.9)))
    labels = df[label].astype(str).tolist()
    values = df[value].astype(float).tolist()
    _barh(ax, labels, values, {lab: BOROUGH if lab == highlight else OTHER for lab in labels}, height=0.75)
    ax.tick_params(axis="y", labelsize=7)
    _bold_tick(ax, highlight)
    ax.set_ylim(n - 0.4, -0.6)  # top first
    if marks is not None:
        _bar_marks(ax, labels, values, df[marks].tolist())
    if _reference(ax, reference, reference_label):
        ax.legend(loc="lower right", frameon=True, fontsize=7)
    _set_title(fig, ax, title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    ax.xaxis.set_major_formatter(_axis_format(percent))
    ax.grid(axis="y", visible=False)
    _tight_layout(fig)
    _title_over_labels(fig, ax)
    return fig


def _barh(ax, labels: list[str], values: list[float], palette: dict[str, str], height: float) -> None:
    """Horizontal bars, one per label, top first (no estimation: one value per bar).

    Drawn with one ``Axes.barh`` call, exactly as ``sns.barplot(hue=label, errorbar=None, saturation=1)``
    drew them (same rectangles, colours and rc style, ticks at 0..n-1 named by the labels, no y grid,
    the first label at the top) at a fraction of the cost: seaborn made one bar call per label.
    """
    if not labels:
        return  # no data: seaborn left the axes untouched
    if len(set(labels)) != len(labels):
        raise ValueError(f"bar labels must be unique: {labels}")
    positions = np.arange(len(labels), dtype=float)
    drawn = [i for i, v in enumerate(values) if math.isfinite(v)]  # as seaborn: none for a missing or infinite value
    ax.barh(positions[drawn] - height / 2, [values[i] for i in drawn], height=height, align="edge",
            color=[palette[labels[i]] for i in drawn])
    ax.set_yticks(positions, labels)
    ax.yaxis.grid(False)
    ax.set_ylim(len(labels) - 0.5, -0.5)


def _bar_marks(ax, labels: list[str], values: list[float], marks: list) -> None:
    """Short text just beyond the end of each bar (left of a negative bar)."""
    for i, (lab, v, m) in enumerate(zip(labels, values, marks)):
        text = "" if m is None or (isinstance(m, float) and math.isnan(m)) else str(m).strip()
        if not text or v is None or math.isnan(v):
            continue
        t = ax.annotate(text, (v, i), xytext=(3 if v >= 0 else -3, 0), textcoords="offset points",
                        ha="left" if v >= 0 else "right", va="center", fontsize=7, fontweight="bold")
        t._bp_mark = (lab, text)
    ax.margins(x=0.06)


def plot_bars(df: pd.DataFrame, label: str, value: str, title: str, xlabel: str, colour: str = BOROUGH,
              percent: bool = False) -> Figure:
    """Simple horizontal bars in the given order (e.g. allegations by type)."""
    n = len(df)
    fig, ax = plt.subplots(figsize=(WIDTH_IN, max(1.8, 0.3 * n + 0.8)))
    labels = df[label].astype(str).tolist()
    _barh(ax, labels, df[value].astype(float).tolist(), dict.fromkeys(labels, colour), height=0.6)
    ax.set_ylim(n - 0.5, -0.5)
    _set_title(fig, ax, title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    ax.xaxis.set_major_formatter(_axis_format(percent))
    ax.grid(axis="y", visible=False)
    _tight_layout(fig)
    _title_over_labels(fig, ax)
    return fig


# ---------------------------------------------------------------- intervals


def plot_ranked_intervals(
    df: pd.DataFrame, label: str, value: str, low: str, high: str, highlight: str, title: str, xlabel: str,
    reference: float | None = None, reference_label: str = "MPS average", percent: bool = True,
    verdict: str | None = None, interval_label: str = "95% confidence interval",
    row_references: list[float] | None = None, row_reference_label: str = "MPS value",
) -> Figure:
    """Each area's value as a point with its interval as a whisker, one row per area, in the given order.

    Parameters
    ----------
    df : DataFrame
        One row per area, already in the order to draw (top first).
    label, value, low, high : str
        Columns of area names, values and interval ends.
    highlight : str
        The area drawn in the borough colour, its tick label bold; others are grey.
    reference : float, optional
        Drawn as a vertical dashed line in the MPS colour (``reference_label``).
    percent : bool
        Format the x axis as percentages (values 0–100).
    verdict : str, optional
        Column of ``"above"``/``"below"``/``"similar"`` (against the reference). Areas
        significantly above are drawn as ▲, below as ▼, others as ●, each shape with a
        legend entry in words, so colour is never the only cue.
    interval_label : str
        Legend text of the whiskers (its level follows the run's alpha).
    row_references : list of float, optional
        A reference value per row (the MPS value of each measure), drawn as a vertical bar in the MPS
        colour and named ``row_reference_label`` in the legend.
    """
    n = len(df)
    fig, ax = plt.subplots(figsize=(WIDTH_IN, max(2.5, 0.16 * n + 1.2)))
    labels = df[label].astype(str).tolist()
    positions = np.arange(n, dtype=float)
    colours = [BOROUGH if lab == highlight else OTHER_POINT for lab in labels]
    whiskers = _interval_bars(ax, positions, df[value], df[low], df[high], OTHER, label=interval_label,
                              labels=labels, vertical=False, legend=True)
    # The highlighted area's whisker again, in its colour and over the grey one.
    mine = [i for i, lab in enumerate(labels) if lab == highlight]
    if mine:
        i = mine[0]
        ax.plot([float(df[low].iloc[i]), float(df[high].iloc[i])], [i, i], color=BOROUGH, linewidth=1.6,
                solid_capstyle="butt", zorder=3, label="_nolegend_")
    verdicts = (df[verdict].fillna("similar").astype(str).tolist() if verdict is not None else ["similar"] * n)
    handles = [whiskers]
    for kind, words in _verdict_words(reference_label, verdict is not None):
        rows = [i for i, v in enumerate(verdicts) if v == kind]
        if not rows:
            continue
        _points(ax, df[value].astype(float).to_numpy()[rows], positions[rows], [colours[i] for i in rows],
                MARKERS[kind], words, [labels[i] for i in rows], size=26)
        # The legend shows the shape alone, in grey, whatever colour the first point happens to be.
        handles.append(Line2D([], [], linestyle="none", marker=MARKERS[kind], markersize=5.5, color=OTHER_POINT,
                              markeredgecolor="white", markeredgewidth=0.4, label=words))
    ax.set_yticks(positions)
    ax.set_yticklabels(labels, fontsize=7)
    _bold_tick(ax, highlight)
    ax.set_ylim(n - 0.4, -0.6)  # top first
    if _reference(ax, reference, reference_label):
        handles.append(ax.get_lines()[-1])
    if row_references is not None:
        handles.append(_tag(ax.scatter([float(v) for v in row_references], positions, marker="|", s=140,
                                       linewidths=2.0, color=MPS, label=row_reference_label, zorder=4),
                            labels=labels))
    _set_title(fig, ax, title)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter(_axis_format(percent))
    ax.grid(axis="y", visible=False)
    _legend_below(fig, handles)
    _title_over_labels(fig, ax)
    return fig


def _verdict_words(reference_label: str, with_verdict: bool) -> list[tuple[str, str]]:
    """(verdict, legend words) in drawing order."""
    if not with_verdict:
        return [("similar", "value")]
    return [("above", f"significantly above the {reference_label}"),
            ("below", f"significantly below the {reference_label}"),
            ("similar", f"not significantly different from the {reference_label}")]


def _points(ax, xs, ys, colours, marker: str, label: str, names: list[str], size: float = 22,
            hollow: bool = False, in_legend: bool = True):
    """One set of points with seaborn (no hue, no jitter), named ``label`` for :func:`chart_data`.

    Points with a missing x or y are left out (with their names). Hollow points have a white
    face and an edge in their colour. Returns the PathCollection.
    """
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    keep = np.isfinite(xs) & np.isfinite(ys)
    colours = [c for c, k in zip(colours, keep) if k]
    coll = ax.scatter(x=xs[keep], y=ys[keep], marker=marker, s=size, c=None if hollow else colours,
                      facecolor="white" if hollow else None, edgecolor=colours if hollow else "white",
                      linewidth=1.1 if hollow else 0.4, zorder=4, label=label if in_legend else "_nolegend_")
    return _tag(coll, label=label, labels=[n for n, k in zip(names, keep) if k])


# ---------------------------------------------------------------- funnel


def plot_funnel(
    points: pd.DataFrame, limits: pd.DataFrame, target: float, highlight: str, title: str, xlabel: str,
    ylabel: str, percent: bool = False, target_label: str = "London value", chance_limits: pd.DataFrame | None = None,
) -> Figure:
    """A funnel plot (Spiegelhalter, 2005): each area's value against its size, with control limits.

    Parameters
    ----------
    points : DataFrame
        ``label, x, y``: one row per area (x the size, e.g. population; y the rate or proportion);
        optionally ``band``, where each lies against the limits computed at its own size (see
        :func:`funnel_bands`), which then decides the outliers.
    limits : DataFrame
        ``x, low95, high95, low998, high998``: the control limits on a grid of sizes, ascending.
        Without ``band``, an area is an outlier when its y lies outside the 99.8% limits at its x
        (interpolated linearly between grid points; exact when the grid includes the areas' sizes).
        At most :data:`MAX_NAMED` outliers are named (the furthest out), besides ``highlight``.
    target : float
        The central value (e.g. the London rate), drawn as a horizontal line in the MPS colour.
    highlight : str
        The area drawn and named in the borough colour.
    percent : bool
        Format the y axis as percentages.
    chance_limits : DataFrame, optional
        Limits for chance alone, drawn faint and labelled as such beside ``limits`` when those allow
        for more than chance (the usual spread between areas); same columns as ``limits``.
    """
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 3.8))
    lim = limits.sort_values("x")
    handles = []
    if chance_limits is not None:
        chance = chance_limits.sort_values("x")
        for low_col, high_col, level in (("low95", "high95", "95%"), ("low998", "high998", "99.8%")):
            (lower,) = ax.plot(chance["x"].astype(float), chance[low_col].astype(float), color=LIMIT, alpha=0.35,
                               linestyle="-", linewidth=0.6, label="_nolegend_")
            (upper,) = ax.plot(chance["x"].astype(float), chance[high_col].astype(float), color=LIMIT, alpha=0.35,
                               linestyle="-", linewidth=0.6, label="_nolegend_")
            _tag(lower, label=f"{level} lower limit for chance alone", with_x=True)
            _tag(upper, label=f"{level} upper limit for chance alone", with_x=True)
        lower.set_label("95% and 99.8% limits for chance alone")
        faint = lower
    allowing = " (usual spread between areas)" if chance_limits is not None else ""
    for low_col, high_col, level, style in (("low95", "high95", "95%", "--"), ("low998", "high998", "99.8%", ":")):
        (lower,) = ax.plot(lim["x"].astype(float), lim[low_col].astype(float), color=LIMIT, linestyle=style,
                           linewidth=1.0, label=f"{level} control limits{allowing}")
        (upper,) = ax.plot(lim["x"].astype(float), lim[high_col].astype(float), color=LIMIT, linestyle=style,
                           linewidth=1.0, label="_nolegend_")
        _tag(lower, label=f"{level} lower limit", with_x=True)
        _tag(upper, label=f"{level} upper limit", with_x=True)
        handles.append(lower)
    if chance_limits is not None:
        handles.append(faint)
    ax.axhline(float(target), color=MPS, linewidth=1.4, label=target_label)
    handles.append(ax.get_lines()[-1])
    pts = points.dropna(subset=["x", "y"]).reset_index(drop=True)  # an area with no value is not drawn
    names = pts["label"].astype(str).tolist()
    is_mine = [n == highlight for n in names]
    others = [i for i, m in enumerate(is_mine) if not m]
    if others:
        handles.append(_points(ax, pts["x"].to_numpy()[others], pts["y"].to_numpy()[others],
                               [OTHER_POINT] * len(others), "o", "other areas", [names[i] for i in others]))
    mine = [i for i, m in enumerate(is_mine) if m]
    if mine:
        handles.append(_points(ax, pts["x"].to_numpy()[mine], pts["y"].to_numpy()[mine], [BOROUGH], "D", highlight,
                               [highlight], size=36))
    _set_title(fig, ax, title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_formatter(_thousands)
    ax.yaxis.set_major_formatter(_axis_format(percent) if percent else FuncFormatter(lambda v, _: f"{v:,.3g}"))
    named = _furthest_out(pts, lim, target, highlight)
    outside = funnel_outliers(pts, lim)
    if len(named) < len([n for n in outside if n != highlight]):
        # A key in words, with no symbol: which outliers are named when not all of them fit.
        handles.append(Line2D([], [], linestyle="none", label=f"named: the {len(named)} furthest outside the 99.8% "
                                                               f"limits (of {len(outside)} outside)"))
    _legend_below(fig, handles, columns=2 if chance_limits is not None else 3)  # longer labels: two a row
    _name_points(ax, pts, named, highlight)
    return fig


def _furthest_out(pts: pd.DataFrame, lim: pd.DataFrame, target: float, highlight: str) -> list[str]:
    """The outliers to name (other than the highlighted area): all, or the furthest :data:`MAX_NAMED` when more.

    "Furthest" is the distance from the target in units of the 99.8% limit's half-width at the
    point's size, so a small area far out and a large one just out are compared fairly.
    """
    lx = lim["x"].astype(float).to_numpy()
    px = pts["x"].astype(float).to_numpy()
    high = np.interp(px, lx, lim["high998"].astype(float)) - target
    low = target - np.interp(px, lx, lim["low998"].astype(float))
    y = pts["y"].astype(float).to_numpy() - target
    reach = np.where(y >= 0, y / np.where(high > 0, high, np.inf), -y / np.where(low > 0, low, np.inf))
    bands = funnel_bands(pts, lim)
    out = [(-float(reach[i]), i) for i, b in enumerate(bands)
           if b.endswith("998") and str(pts["label"].iloc[i]) != highlight]
    keep = sorted(i for _, i in sorted(out)[:MAX_NAMED])
    return [str(pts["label"].iloc[i]) for i in keep]


_BANDS = {"above 99.8%": "above998", "below 99.8%": "below998", "above 95%": "above95", "below 95%": "below95"}


def funnel_bands(points: pd.DataFrame, limits: pd.DataFrame) -> list[str]:
    """Where each point lies against the funnel's limits, in the order of ``points``.

    One of ``"within"`` (inside the 95% limits), ``"above95"``/``"below95"`` (outside the 95%
    but inside the 99.8% limits) and ``"above998"``/``"below998"`` (outside the 99.8% limits);
    the limits at a point's x are interpolated linearly between grid points (exact on them).
    When ``points`` has a ``band`` column (computed exactly at each area's size, in these words
    or as ``"above 99.8%"``, ``"below 95%"``, ``"within"``), it is used as given.
    """
    if "band" in points.columns:
        return [_BANDS.get(str(b).strip(), str(b).strip()) for b in points["band"]]
    lim = limits.sort_values("x")
    lx = lim["x"].astype(float).to_numpy()
    px = points["x"].astype(float).to_numpy()
    at = {col: np.interp(px, lx, lim[col].astype(float)) for col in ("low95", "high95", "low998", "high998")}
    bands = []
    for i, y in enumerate(points["y"].astype(float)):
        if y > at["high998"][i]:
            bands.append("above998")
        elif y < at["low998"][i]:
            bands.append("below998")
        elif y > at["high95"][i]:
            bands.append("above95")
        elif y < at["low95"][i]:
            bands.append("below95")
        else:
            bands.append("within")
    return bands


def funnel_outliers(points: pd.DataFrame, limits: pd.DataFrame) -> list[str]:
    """Labels of the points outside the 99.8% limits, in the order of ``points``."""
    bands = funnel_bands(points, limits)
    return [str(n) for n, b in zip(points["label"], bands) if b.endswith("998")]


def _name_points(ax, pts: pd.DataFrame, names: list[str], highlight: str) -> None:
    """Name the given points and the highlighted area, each label placed where it overlaps nothing.

    Run once the layout is final. Each label (the highlighted area first, then from the top down)
    takes the first free place among: right of its point, left of it, then the same a line
    higher or lower, two lines, and so on; "free" means inside the plot and clear of every label
    already placed and of every dot. A fixed search, so the layout is deterministic. A label that
    moved off its point's line gets a thin leader line.
    """
    named = [n for n in pts["label"].astype(str) if n in names or n == highlight]
    if not named:
        return
    fig = ax.figure
    ax.get_xlim(), ax.get_ylim()  # autoscale now, as a draw would: fixes the limits, so points map to display space
    renderer = fig.canvas.get_renderer()
    labels = pts["label"].astype(str).tolist()
    xy_all = ax.transData.transform(pts[["x", "y"]].astype(float).to_numpy())
    plot = ax.get_window_extent()
    dot = 3.5 * fig.dpi / 72
    taken = [(x - dot, y - dot, x + dot, y + dot) for x, y in xy_all]
    line = 9 * fig.dpi / 72  # one 7-pt line and a little, in pixels
    order = sorted(named, key=lambda n: (n != highlight, -xy_all[labels.index(n)][1]))
    for name in order:
        k = labels.index(name)
        at = tuple(pts[["x", "y"]].astype(float).iloc[k])
        style = {"textcoords": "offset points", "va": "center", "fontsize": 7,
                 "color": BOROUGH if name == highlight else "#333333",
                 "fontweight": "bold" if name == highlight else "normal"}
        probe = ax.annotate(name, at, xytext=(6, 0), ha="left", **style)  # measures each candidate place
        place, box = (6, 0), None
        for dx, dy in _label_places():
            probe.set_horizontalalignment("left" if dx > 0 else "right")
            probe.xyann = (dx, dy * line * 72 / fig.dpi)
            probe.update_positions(renderer)
            b = Text.get_window_extent(probe, renderer)  # the words only, not a leader line
            candidate = (b.x0 - 1, b.y0, b.x1 + 1, b.y1)
            inside = plot.x0 <= b.x0 and b.x1 <= plot.x1 and plot.y0 <= b.y0 and b.y1 <= plot.y1
            if inside and not any(_overlap(candidate, o) for o in taken):
                place, box = (dx, dy), candidate
                break
        probe.remove()
        dx, dy = place
        leader = {"arrowstyle": "-", "color": "#999999", "linewidth": 0.5, "shrinkA": 0, "shrinkB": 2,
                  "relpos": (0.0, 0.5) if dx > 0 else (1.0, 0.5)}
        t = ax.annotate(name, at, xytext=(dx, dy * line * 72 / fig.dpi), ha="left" if dx > 0 else "right",
                        arrowprops=leader if dy else None, **style)
        t._bp_name = name
        if box is None:  # nowhere free: right of the point, as a last resort
            t.update_positions(renderer)
            b = Text.get_window_extent(t, renderer)
            box = (b.x0, b.y0, b.x1, b.y1)
        taken.append(box)


def _label_places(steps: int = 12):
    """Candidate label offsets (points right or left, lines up or down), nearest first."""
    yield 6, 0
    yield -6, 0
    for k in range(1, steps + 1):
        for dy in (k, -k):
            yield 6, dy
            yield -6, dy


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# ---------------------------------------------------------------- output and record


def figure_png(fig: Figure, dpi: int = DPI) -> bytes:
    """Render a Figure to PNG bytes and close it (charts are never kept open between cells).

    The pixels are those ``fig.savefig(format="png", dpi=dpi)`` draws, with the same resolution
    recorded in the file. An opaque figure (every house chart: the theme's figure is white) is
    written without an alpha channel: WeasyPrint writes an alpha channel into the PDF as a second
    image, a soft mask, so an all-opaque one is work for nothing, and an opaque PNG goes into the
    PDF with its own compressed rows (:mod:`boardpack.render.pdf_images`). A figure with any
    transparent pixel keeps its alpha channel. zlib level 3 rather than Pillow's 6: on the
    pack's charts it was both faster (0.15 against 0.23 s for a borough's 16) and smaller.
    """
    try:
        fig.set_dpi(dpi)
        fig.canvas.draw()
        rgba = np.asarray(fig.canvas.buffer_rgba())
        opaque = bool((rgba[..., 3] == 255).all())
        image = Image.fromarray(np.ascontiguousarray(rgba[..., :3]) if opaque else np.array(rgba))
    finally:
        plt.close(fig)
    buf = io.BytesIO()
    image.save(buf, format="png", dpi=(dpi, dpi), compress_level=3)
    return buf.getvalue()


def chart_data(fig: Figure) -> list[dict]:
    """What a Figure actually draws, read back from its artists.

    Returns
    -------
    list of dict
        Per axes, in this order:

        - each named line: ``{"kind": "line", "label", "y"}`` (funnel limit curves, named e.g.
          ``"95% lower limit"``, also carry ``"x"``);
        - each vertical reference line: ``{"kind": "reference", "label", "x"}``, and each
          named horizontal one (e.g. a funnel's target): ``{"kind": "reference", "label", "y"}``;
        - each set of error bars: ``{"kind": "interval", "label", "labels", "low", "high"}``, the
          rows in data order (top first for ranked charts, time order for lines);
        - each set of points: ``{"kind": "points", "label", "x", "y", "labels"}`` (the legend
          words, e.g. ``"significantly above the MPS average"``; hollow small-number points are
          ``"<group>: fewer than 10 searches: small numbers"``);
        - each shaded band of a trend chart: ``{"kind": "band", "label", "low", "high"}``, in time order;
        - bars: ``{"kind": "bars", "labels", "values"}``, top first;
        - bar marks: ``{"kind": "marks", "labels", "marks"}``, only the bars that carry one;
        - names written beside points: ``{"kind": "names", "labels"}``.

        Missing values are NaN. Tests compare these with the tables printed beside the chart.
    """
    out = []
    for ax in fig.axes:
        out += _lines_data(ax)
        out += [_interval_data(c) for c in ax.containers if isinstance(c, ErrorbarContainer) and _name(c)]
        out += [_points_data(c) for c in ax.collections if hasattr(c, "get_offsets") and type(c).__name__ ==
                "PathCollection" and _name(c)]
        out += [c._bp_band for c in ax.collections if hasattr(c, "_bp_band")]
        out += _bars_data(ax)
        marks = [t._bp_mark for t in ax.texts if hasattr(t, "_bp_mark")]
        if marks:
            order = _top_first(ax, [t.xy[1] for t in ax.texts if hasattr(t, "_bp_mark")])
            out.append({"kind": "marks", "labels": [marks[i][0] for i in order], "marks": [marks[i][1] for i in order]})
        names = [t._bp_name for t in ax.texts if hasattr(t, "_bp_name")]
        if names:
            out.append({"kind": "names", "labels": names})
    return out


def _lines_data(ax) -> list[dict]:
    out = []
    for line in ax.get_lines():
        label = _name(line)
        if label is None:
            continue
        xs, ys = list(line.get_xdata()), list(line.get_ydata())
        if line.get_transform() is ax.get_xaxis_transform(which="grid") or (
                len(xs) == 2 and xs[0] == xs[1] and [float(v) for v in ys] == [0.0, 1.0]):
            # axvline: its y data are axes fractions; where it stands is the x value
            out.append({"kind": "reference", "label": label, "x": float(xs[0])})
            continue
        if line.get_transform() is ax.get_yaxis_transform(which="grid"):
            out.append({"kind": "reference", "label": label, "y": float(ys[0])})
            continue
        entry = {"kind": "line", "label": label, "y": _floats(ys)}
        if getattr(line, "_bp_with_x", False):
            entry = {"kind": "line", "label": label, "x": _floats(xs), "y": _floats(ys)}
        out.append(entry)
    return out


def _interval_data(cont: ErrorbarContainer) -> dict:
    ends = getattr(cont, "_bp_ends", None)
    if ends is None:  # error bars drawn elsewhere: read the whisker segments (empty where missing)
        vertical = cont.has_yerr
        segs = cont.lines[2][0].get_segments() if cont.lines[2] else []
        k = 1 if vertical else 0
        ends = ([float(s[0][k]) if len(s) else math.nan for s in segs],
                [float(s[1][k]) if len(s) else math.nan for s in segs])
    entry = {"kind": "interval", "label": _name(cont)}
    if hasattr(cont, "_bp_labels"):
        entry["labels"] = list(cont._bp_labels)
    return {**entry, "low": _floats(ends[0]), "high": _floats(ends[1])}


def _points_data(coll) -> dict:
    offsets = np.asarray(coll.get_offsets(), dtype=float).reshape(-1, 2)
    entry = {"kind": "points", "label": _name(coll), "x": _floats(offsets[:, 0]), "y": _floats(offsets[:, 1])}
    if hasattr(coll, "_bp_labels"):
        entry["labels"] = list(coll._bp_labels)
    return entry


def _top_first(ax, ys: list[float]) -> list[int]:
    """Indices of items at the given y positions, ordered as they read down the page."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    return order if ax.yaxis_inverted() else order[::-1]


def _bars_data(ax) -> list[dict]:
    bars = [p for p in ax.patches if type(p).__name__ == "Rectangle"]
    if not bars:
        return []
    horizontal = all(abs(b.get_x()) < 1e-9 for b in bars)
    if not horizontal:
        values = [float(b.get_height()) for b in bars]
        ticks = [t.get_text() for t in ax.get_xticklabels()]
        return [{"kind": "bars", "labels": ticks, "values": values}]
    positions = np.asarray(ax.get_yticks(), dtype=float)
    texts = [t.get_text() for t in ax.get_yticklabels()]
    centres = [b.get_y() + b.get_height() / 2 for b in bars]
    order = _top_first(ax, centres)
    labels = [texts[int(np.argmin(np.abs(positions - centres[i])))] if texts else "" for i in order]
    return [{"kind": "bars", "labels": labels, "values": [float(bars[i].get_width()) for i in order]}]
