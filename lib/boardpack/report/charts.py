"""House-style charts. Each ``plot_*`` returns a matplotlib Figure and never shows or saves it.

One colour-blind-safe palette (Okabe–Ito): the borough is always vermillion, the MPS always
blue, other boroughs grey; titles and axis labels are plain words.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

BOROUGH = "#D55E00"
MPS = "#0072B2"
OTHER = "#BBBBBB"
SERIES = ["#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
WIDTH_IN = 6.8  # the A4 text width at 2 cm margins

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 8.5,
        "axes.titlesize": 9.5,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#E5E5E5",
        "axes.axisbelow": True,
        "figure.dpi": 100,
        "svg.hashsalt": "boardpack",
    }
)

_thousands = FuncFormatter(lambda v, _: f"{v:,.0f}")


def plot_trend(
    df: pd.DataFrame, x: str, series: dict[str, str], title: str, ylabel: str,
    colours: dict[str, str] | None = None, secondary: set[str] | None = None, percent: bool = False,
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
    """
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 3.2))
    colours = colours or {}
    secondary = secondary or set()
    ax2 = ax.twinx() if secondary else None
    xs = list(range(len(df)))
    handles = []
    for i, (label, col) in enumerate(series.items()):
        target = ax2 if label in secondary else ax
        (line,) = target.plot(xs, df[col].astype(float).tolist(), marker="o", markersize=2.5, linewidth=1.6,
                              color=colours.get(label, SERIES[i % len(SERIES)]), label=label,
                              linestyle="--" if label in secondary else "-")
        handles.append(line)
    step = max(1, len(xs) // 12)
    ax.set_xticks(xs[::step])
    ax.set_xticklabels([str(v) for v in df[x].tolist()][::step], rotation=45, ha="right")
    ax.set_title(title, loc="left")
    ax.set_ylabel(ylabel)
    fmt = FuncFormatter(lambda v, _: f"{v:.0f}%") if percent else _thousands
    ax.yaxis.set_major_formatter(fmt)
    if ax2 is not None:
        ax2.yaxis.set_major_formatter(fmt)
        ax2.set_ylabel(", ".join(sorted(secondary)) + " (right axis)")
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
    _legend_below(fig, handles)
    return fig


def _legend_below(fig: Figure, handles: list) -> None:
    """A legend in rows under the plot, clear of the rotated tick labels."""
    ncol = min(len(handles), 3)
    rows = -(-len(handles) // ncol)
    fig.legend(handles=handles, loc="lower center", ncol=ncol, frameon=False, fontsize=7.5)
    fig.tight_layout(rect=(0, 0.045 * rows + 0.02, 1, 1))


def plot_ranked_bars(
    df: pd.DataFrame, label: str, value: str, highlight: str, title: str, xlabel: str,
    reference: float | None = None, reference_label: str = "MPS average", percent: bool = False,
) -> Figure:
    """Horizontal bars of all boroughs, ranked, with one highlighted and a reference line.

    Parameters
    ----------
    df : DataFrame
        One row per borough, already in the order to draw (top first).
    label, value : str
        Columns of bar labels and values.
    highlight : str
        The label to draw in the borough colour.
    reference : float, optional
        Drawn as a vertical dashed line in the MPS colour.
    """
    n = len(df)
    fig, ax = plt.subplots(figsize=(WIDTH_IN, max(2.5, 0.16 * n + 0.9)))
    labels = df[label].astype(str).tolist()[::-1]
    values = df[value].astype(float).tolist()[::-1]
    colours = [BOROUGH if lab == highlight else OTHER for lab in labels]
    ax.barh(range(n), values, color=colours, height=0.75)
    ax.set_yticks(range(n))
    ax.set_yticklabels(labels, fontsize=7)
    for tick in ax.get_yticklabels():
        if tick.get_text() == highlight:
            tick.set_fontweight("bold")
    ax.set_ylim(-0.6, n - 0.4)
    if reference is not None and pd.notna(reference):
        ax.axvline(reference, color=MPS, linestyle="--", linewidth=1.4, label=f"{reference_label}")
        ax.legend(loc="lower right", frameon=True, fontsize=7)
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}%") if percent else _thousands)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def plot_bars(df: pd.DataFrame, label: str, value: str, title: str, xlabel: str, colour: str = BOROUGH,
              percent: bool = False) -> Figure:
    """Simple horizontal bars in the given order (e.g. allegations by type)."""
    n = len(df)
    fig, ax = plt.subplots(figsize=(WIDTH_IN, max(1.8, 0.3 * n + 0.8)))
    labels = df[label].astype(str).tolist()[::-1]
    values = df[value].astype(float).tolist()[::-1]
    ax.barh(range(n), values, color=colour, height=0.6)
    ax.set_yticks(range(n))
    ax.set_yticklabels(labels)
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}%") if percent else _thousands)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def plot_group_lines(df: pd.DataFrame, x: str, groups: dict[str, str], title: str, ylabel: str,
                     baseline: float | None = None) -> Figure:
    """Lines per group against a categorical x (e.g. disproportionality by month), with a baseline."""
    fig = plot_trend(df, x, groups, title, ylabel)
    if baseline is not None:
        fig.axes[0].axhline(baseline, color="#555555", linewidth=0.8)
    return fig


def figure_png(fig: Figure, dpi: int = 130) -> bytes:
    """Render a Figure to PNG bytes and close it (charts are never kept open between cells)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def chart_data(fig: Figure) -> list[dict]:
    """What a Figure actually draws, read back from its artists.

    Returns
    -------
    list of dict
        One entry per line (``kind="line"``, ``label``, ``y``), per vertical reference
        line (``kind="reference"``, ``label``, ``x``) and per bar group (``kind="bars"``,
        ``labels``, ``values``), in drawing order. Tests compare these
        with the tables printed beside the chart.
    """
    out = []
    for ax in fig.axes:
        for line in ax.get_lines():
            label = line.get_label()
            if label.startswith("_"):
                continue
            xs, ys = list(line.get_xdata()), list(line.get_ydata())
            if len(xs) == 2 and xs[0] == xs[1] and [float(v) for v in ys] == [0.0, 1.0]:
                # axvline: its y data are axes fractions; where it stands is the x value
                out.append({"kind": "reference", "label": label, "x": float(xs[0])})
                continue
            out.append({"kind": "line", "label": label, "y": [float(v) for v in ys]})
        bars = [p for p in ax.patches if hasattr(p, "get_width")]
        if bars:
            horizontal = all(abs(b.get_x()) < 1e-9 for b in bars)
            ticks = [t.get_text() for t in ax.get_yticklabels()] if horizontal else []
            values = [float(b.get_width() if horizontal else b.get_height()) for b in bars]
            out.append({"kind": "bars", "labels": ticks[::-1], "values": values[::-1]})
    return out
