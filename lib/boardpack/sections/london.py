"""London at a glance: the borough on the map of every borough's crime rate, with its rank as a range."""

from __future__ import annotations

from ..report.html import data_to_line, paragraph
from ..report.maps import choropleth_alt, plot_choropleth
from ..report.narrative import rank_phrase
from .funnels import position_phrase
from .section import Section, guarded, require

SECTION = "recorded_crime"
CELL = "compute-london"
SOURCE = "MPS Borough Level Crime; ONS mid-year population estimates; GLA Statistical GIS Boundary Files for London"


@guarded(SECTION, "London at a glance", cell=CELL, part="london_glance")
def glance(pack, ranks, shapes, funnel) -> Section:
    """Figure: the map of offences per 1,000 residents with the borough outlined, its rank range and the funnel's words.

    ``ranks`` is :func:`boardpack.metrics.london.crime_ranks`, ``shapes`` the ``borough_shapes`` table and
    ``funnel`` the crime funnel. Records ``london_glance``: ``rate``, ``ci_low``, ``ci_high``, ``rank``,
    ``rank_best``, ``rank_worst``, ``dispersion``, ``boroughs``, ``position``, ``alpha``; the table ``london_ranks``.
    """
    ranks, shapes, funnel = require(ranks), require(shapes), require(funnel)
    name, code = pack.borough.name, pack.borough.gss_code
    own = ranks[ranks["area_code"] == code].iloc[0]
    position = funnel.table.loc[funnel.table["area_code"] == code, "position"].iloc[0]
    record = {"rate": float(own["rate"]), "ci_low": float(own["ci_low"]), "ci_high": float(own["ci_high"]),
              "rank": int(own["rank"]), "rank_best": int(own["rank_best"]), "rank_worst": int(own["rank_worst"]),
              "dispersion": float(own["dispersion"]), "boroughs": len(ranks), "position": position,
              "alpha": ranks.attrs["alpha"]}
    for key, value in record.items():
        pack.record.set("london_glance", key, value)
    pack.record.set("london_glance", "available", True)
    pack.record.add_table("london_ranks", ranks)
    values = dict(zip(ranks["area_code"], ranks["rate"].round(1)))
    names = dict(zip(ranks["area_code"], ranks["borough"]))
    title = f"Offences per 1,000 residents by borough, 12 months to {pack.period_label}, {name} outlined"
    fig = plot_choropleth(shapes, values, title, "Offences per 1,000 residents", highlight=code, fmt="{:.0f}")
    alt = choropleth_alt(values, names, "offences per 1,000 residents", "{:.1f}", highlight=code)
    level = f"{(1 - ranks.attrs['alpha']) * 100:g}%"
    text = (f"{name} recorded {own['rate']:.1f} offences per 1,000 residents in the 12 months to {pack.period_label} "
            f"({level} interval {own['ci_low']:.1f} to {own['ci_high']:.1f}, allowing for the month-to-month "
            f"variation of its counts). Its rank among the {len(ranks)} boroughs, 1 the highest, is "
            f"{rank_phrase(int(own['rank_best']), int(own['rank_worst']), len(ranks))}. Its rate is "
            f"{position_phrase(position, 'the London rate', funnel.adjusted)}.")
    return Section([data_to_line(pack.period_label), paragraph(text),
                    pack.figure("fig-london-map", SECTION, fig, title, alt, SOURCE)], SECTION, pack.is_demo)
