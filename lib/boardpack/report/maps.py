"""Choropleth maps of London's boroughs, drawn with matplotlib from the GLA boundary polygons.

Each borough is filled by its value on a colour-blind-safe palette (cividis for a level, a
blue–orange diverging palette centred on 0 for a change), with a colour bar; areas that are not
MPS boroughs (the City of London) are drawn in light grey without a value. The values themselves
are in the table beside the map, and :func:`choropleth_alt` names the highest and lowest.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.figure import Figure

from .charts import WIDTH_IN, _fitted_title

NO_VALUE = "#e6e6e6"
OUTLINE = "#ffffff"
HIGHLIGHT = "#000000"


def _rings(shapes: pd.DataFrame):
    """(area_code, name, ring as an n x 2 array) for each ring of the ``borough_shapes`` table, in its order."""
    for (code, name, _), ring in shapes.groupby(["area_code", "name", "ring"], sort=False):
        yield code, name, ring.sort_values("point")[["x", "y"]].to_numpy(dtype=float)


def plot_choropleth(shapes: pd.DataFrame, values: dict, title: str, label: str, diverging: bool = False,
                    highlight: str | None = None, fmt: str = "{:.1f}") -> Figure:
    """A map of the areas of ``shapes`` filled by ``values``.

    Parameters
    ----------
    shapes : DataFrame
        The ``borough_shapes`` table (``area_code, name, ring, point, x, y``, British National Grid metres).
    values : dict
        GSS code -> value; an area without one is drawn grey (not an MPS borough, or not available).
    title, label : str
        The chart's title and the colour bar's label.
    diverging : bool
        A change: a diverging palette centred on 0; otherwise a sequential one.
    highlight : str, optional
        A GSS code outlined in black and named on the map.
    fmt : str
        How the colour bar's ticks are written.
    """
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 4.6))
    codes = set(shapes["area_code"])
    shown = [v for c, v in values.items() if v is not None and c in codes]
    lo, hi = (min(shown), max(shown)) if shown else (0.0, 1.0)
    if diverging:
        edge = max(abs(lo), abs(hi), 1e-9)
        norm, cmap = TwoSlopeNorm(vcenter=0.0, vmin=-edge, vmax=edge), plt.get_cmap("PuOr_r")
    else:
        norm, cmap = Normalize(vmin=lo, vmax=hi if hi > lo else lo + 1), plt.get_cmap("cividis")
    rings = list(_rings(shapes))
    colours = [NO_VALUE if values.get(code) is None else cmap(norm(values[code])) for code, _, _ in rings]
    ax.add_collection(PolyCollection([r for _, _, r in rings], facecolors=colours, edgecolors=OUTLINE,
                                     linewidths=0.6))
    mine = [(name, r) for code, name, r in rings if code == highlight]
    for _, ring in mine:
        ax.plot(ring[:, 0], ring[:, 1], color=HIGHLIGHT, linewidth=1.8, label="_nolegend_")
    if mine:
        name, ring = max(mine, key=lambda m: len(m[1]))
        ax.annotate(str(name), (float(ring[:, 0].mean()), float(ring[:, 1].mean())), ha="center", va="center",
                    fontsize=8, fontweight="bold", color=HIGHLIGHT,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": HIGHLIGHT, "lw": 0.6})
    ax.autoscale_view()
    ax.set_aspect("equal")
    ax.axis("off")
    bar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.7, pad=0.02)
    bar.set_label(label)
    bar.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: fmt.format(v)))
    ax.set_title(_fitted_title(fig, title), loc="left")
    fig.subplots_adjust(left=0.02, right=0.95, top=0.9, bottom=0.03)
    return fig


def choropleth_alt(values: dict, names: dict, what: str, fmt: str = "{:.1f}", highlight: str | None = None) -> str:
    """Alt text of a map: what it shows, the highest and lowest areas, and the highlighted one's value."""
    shown = sorted(((v, names[c]) for c, v in values.items() if v is not None and c in names), reverse=True)
    if not shown:
        return f"Map of London's boroughs: {what}; no borough has a value."
    top = "; ".join(f"{n} {fmt.format(v)}" for v, n in shown[:3])
    bottom = "; ".join(f"{n} {fmt.format(v)}" for v, n in shown[-3:][::-1])
    text = (f"Map of London's {len(shown)} boroughs shaded by {what}. Highest: {top}. Lowest: {bottom}. "
            "Every borough's value is in the table.")
    if highlight in values and values[highlight] is not None:
        text += f" {names[highlight]} (outlined): {fmt.format(values[highlight])}."
    return text
