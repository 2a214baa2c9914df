"""Funnel plots comparing boroughs fairly: crime per 1,000 residents and complaint allegations per 100 workforce.

Each render function draws a :class:`boardpack.metrics.funnel.Funnel` computed in a compute cell
(``compute-recorded-crime``, ``compute-complaints``): every borough's rate against its size around
the London (MPS) rate. Boroughs differ by far more than chance, so where they do (φ > 1) the 95% and
99.8% limits drawn allow for the usual spread between boroughs (additive over-dispersion,
FunnelPlotR's default for ratios), and the limits for chance alone are drawn faintly beside them;
the borough's position, the outlier list and the sentences all use the limits drawn. They sit
beside the ranked charts and tables of their sections, not in their place.
"""

from __future__ import annotations

import pandas as pd

from ..report import alt_text
from ..report.charts import plot_funnel
from ..report.html import paragraph
from .section import Section, guarded, require

CRIME = "recorded_crime"
COMPLAINTS = "complaints"
CRIME_SOURCE = "MPS Borough Level Crime (London Datastore); ONS mid-year population estimates"
COMPLAINTS_SOURCE = ("Metropolitan Police Service, public complaints management information; "
                     "borough workforce (officers and staff)")
# Why boroughs differ by more than chance, for the sentences.
CRIME_REASONS = "in town centres, visitors and commuters, and the make-up of their populations, for example"
COMPLAINTS_REASONS = "in the work their officers do and the people they meet, for example"

# Where a borough lies, against limits allowing for the usual spread between boroughs ...
_SPREAD = {
    "within": "within the usual spread between boroughs around {target}",
    "above 95%": "above the 95% limit of the usual spread between boroughs around {target}, though within the "
                 "99.8% limit",
    "below 95%": "below the 95% limit of the usual spread between boroughs around {target}, though within the "
                 "99.8% limit",
    "above 99.8%": "above the 99.8% limit: higher than the usual spread between boroughs around {target} would give",
    "below 99.8%": "below the 99.8% limit: lower than the usual spread between boroughs around {target} would give",
}
# ... and against limits for chance alone (used where the boroughs spread no more than chance would).
_CHANCE = {
    "within": "within the range expected from chance variation around {target}",
    "above 95%": "above the 95% limit around {target} but within the 99.8% limit: higher than chance would "
                 "usually give, though not so high that chance is ruled out",
    "below 95%": "below the 95% limit around {target} but within the 99.8% limit: lower than chance would "
                 "usually give, though not so low that chance is ruled out",
    "above 99.8%": "above the 99.8% limit around {target}: higher than chance variation alone would explain",
    "below 99.8%": "below the 99.8% limit around {target}: lower than chance variation alone would explain",
}


def position_phrase(position: str, target: str, adjusted: bool = True) -> str:
    """Plain words for a funnel position (``within``, ``above 95%`` …) against ``target`` ("the London rate").

    ``adjusted``: the limits allow for the usual spread between boroughs (else chance alone).
    """
    return (_SPREAD if adjusted else _CHANCE)[position].format(target=target)


def _names(rows: pd.DataFrame) -> str:
    names = rows["borough"].astype(str).tolist()
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _outlier_parts(funnel, what: str) -> tuple[list[str], list[dict]]:
    """The list of boroughs outside the 99.8% limits drawn (paragraphs) and their records."""
    out = funnel.outside("99.8")
    high, low = out[out["position"] == "above 99.8%"], out[out["position"] == "below 99.8%"]
    beyond = "the usual spread between boroughs" if funnel.adjusted else "chance alone"
    parts = []
    if out.empty:
        parts.append(paragraph("No borough lies outside the 99.8% limits."))
    if not high.empty:
        parts.append(paragraph(f"Above the 99.8% limits ({what} higher than {beyond} would give): {_names(high)}."))
    if not low.empty:
        parts.append(paragraph(f"Below the 99.8% limits ({what} lower than {beyond} would give): "
                               f"{_names(low.sort_values('rate'))}."))
    records = [{"borough": r["borough"], "area_code": r["area_code"], "rate": float(r["rate"]),
                "position": r["position"]} for _, r in out.iterrows()]
    return parts, records


def _spread_sentence(funnel, reasons: str) -> str:
    """How many boroughs lie outside the limits drawn, and what the limits allow for (φ, τ²)."""
    n = len(funnel.table)
    n95, n998 = len(funnel.outside("95")), len(funnel.outside("99.8"))
    verb = "lies" if n998 == 1 else "lie"
    text = f"{n998} of the {n} boroughs {verb} outside the 99.8% limits and {n95} outside the 95% limits."
    if funnel.adjusted:
        chance = int(funnel.table["unadjusted_position"].isin(["above 99.8%", "below 99.8%"]).sum())
        text += (f" Boroughs really do differ ({reasons}), so these limits screen each borough against the usual "
                 f"spread between boroughs, not against chance alone: the middle {funnel.areas_kept} boroughs' rates "
                 f"spread {funnel.phi:,.1f} times as widely as chance alone would spread them (the dispersion φ, a "
                 f"ratio of variances), and the limits add a between-borough variance τ² = {funnel.tau2:.4f} on the "
                 f"log scale. Against limits for chance alone (the faint lines), {chance} of the {n} boroughs would "
                 "lie outside the 99.8% limits, which says only that boroughs are not alike.")
    else:
        text += (f" The boroughs' rates spread no more widely than chance alone would (the dispersion φ = "
                 f"{funnel.phi:,.2f}, at most 1), so the limits are those for chance alone: by chance about 1 "
                 "borough in 20 would lie outside the 95% limits and about 1 in 500 outside the 99.8% limits.")
    return text


def _record(funnel, own: pd.Series, outliers: list[dict], extra: dict) -> dict:
    limits_here = {k: float(own[k]) for k in ("low95", "high95", "low998", "high998")}
    t = funnel.table
    points = [{"borough": r["borough"], "area_code": r["area_code"], "observed": float(r["count"]),
               "expected": float(r["expected"]), "z": float(r["z"]), "kept": bool(r["kept"]),
               "outside_95": bool(r["outside_95"]), "outside_998": bool(r["outside_998"])} for _, r in t.iterrows()]
    return {
        "target": float(funnel.target),
        "london_rate": float(funnel.target),
        "per": float(funnel.per),
        "rate": float(own["rate"]),
        "count": float(own["count"]),
        "exposure": float(own["exposure"]),
        "expected": float(own["expected"]),
        "position": own["position"],
        "unadjusted_position": own["unadjusted_position"],
        "limits_at_borough": limits_here,
        "outliers": outliers,
        "areas_outside_95": int(len(funnel.outside("95"))),
        "areas_outside_998": int(len(funnel.outside("99.8"))),
        "areas": int(len(t)),
        "phi": float(funnel.phi),
        "tau2": float(funnel.tau2),
        "areas_kept": int(funnel.areas_kept),
        "trim": float(funnel.trim),
        "adjusted": bool(funnel.adjusted),
        "method": funnel.limits_method,
        "limits": ["95%", "99.8%"],
        "points": points,
        **extra,
    }


def _points(funnel) -> pd.DataFrame:
    t = funnel.table
    # The band each borough lies in, worked out exactly at its own size, decides the chart's outliers,
    # so the chart, its alt text and the list under it name the same boroughs.
    return pd.DataFrame({"label": t["borough"], "x": t["exposure"], "y": t["rate"], "band": t["position"]})


def _own(pack, funnel) -> pd.Series:
    rows = funnel.table[funnel.table["area_code"] == pack.borough.gss_code]
    return rows.iloc[0]


def _lead(name: str, f, own: pd.Series, measure: str, target: str, size: str, own_rate: str,
          reference: str) -> str:
    """The sentence above a funnel plot: what it compares, what its limits mean, where the borough lies."""
    where = position_phrase(own["position"], reference, f.adjusted)
    if f.adjusted:
        return (f"The funnel plot below compares each borough's {measure} with {target}, allowing for the size of its "
                f"{size}: the dashed and dotted lines show the range within which 95% and 99.8% of boroughs would lie "
                f"given the usual spread between boroughs around {reference}, so a borough outside them differs more "
                f"than boroughs usually do, not merely more than chance. {name}'s rate of {own_rate} is {where}.")
    return (f"The funnel plot below compares each borough's {measure} with {target}, allowing for the size of its "
            f"{size}: the dashed and dotted lines show the range within which 95% and 99.8% of boroughs would lie if "
            f"every borough's true rate were {reference} and only chance made them differ (the boroughs spread no "
            f"more than that here). {name}'s rate of {own_rate} is {where}.")


def _funnel_section(pack, f, own: pd.Series, section: str, fig_id: str, table_id: str, lead: str, *, title: str,
                    axes: tuple[str, str], target: tuple[str, str], what: tuple[str, str, str], source: str,
                    reasons: str, extra: dict) -> Section:
    """The chart, its record and table, the spread sentence and the outliers: what both funnels share.

    ``axes`` is (x label, y label); ``target`` the target's (legend, alt text) words; ``what`` the
    measure and the size in the alt text's words, then the rates' name in the outlier lists.
    """
    name = pack.borough.name
    points = _points(f)
    faint = f.unadjusted if f.adjusted else None
    fig = plot_funnel(points, f.limits, f.target, name, title, axes[0], axes[1], target_label=target[0],
                      chance_limits=faint)
    alt = alt_text.funnel_alt(points, f.limits, f.target, name, what[0], what[1], target_label=target[1],
                              spread=f.adjusted)
    outliers, records = _outlier_parts(f, what[2])
    pack.record.set(section, "funnel", _record(f, own, records, extra))
    pack.record.add_table(table_id, f.table)
    return Section(
        [paragraph(lead), pack.figure(fig_id, section, fig, title, alt, source),
         paragraph(_spread_sentence(f, reasons)), *outliers],
        section, pack.is_demo,
    )


@guarded(CRIME, "crime per 1,000 residents funnel plot", cell="compute-recorded-crime", part="crime_rates")
def crime_funnel(pack, funnel) -> Section:
    """Figure: offences per 1,000 residents of every borough against its population, with control limits.

    ``funnel`` is the :class:`~boardpack.metrics.funnel.Funnel` of
    :func:`boardpack.metrics.rates.crime_funnel`. Records ``recorded_crime.funnel`` (the London
    rate, the borough's rate, count, expected count, population and position, the outliers, φ, τ²,
    the method, and ``points[]``: every borough's observed and expected counts, z and whether it
    lies outside the 95% and 99.8% limits drawn) and the table ``recorded_crime_funnel``.
    """
    f = require(funnel)
    name = pack.borough.name
    own = _own(pack, f)
    year = f.table.attrs.get("population_year")
    pop_label = f"mid-{year} population" if year else "resident population"
    lead = _lead(name, f, own, "crime rate", f"the London rate of {f.target:.1f} offences per 1,000 residents",
                 "population", f"{own['rate']:.1f} per 1,000 residents", "the London rate")
    return _funnel_section(
        pack, f, own, CRIME, "fig-crime-funnel", "recorded_crime_funnel", lead,
        title=f"Offences per 1,000 residents by population, 12 months to {pack.period_label}",
        axes=(f"Residents ({pop_label})", "Offences per 1,000 residents"), target=("London rate", "the London rate"),
        what=("total notifiable offences per 1,000 residents", f"resident population ({pop_label})", "crime rates"),
        source=CRIME_SOURCE, reasons=CRIME_REASONS, extra={"population_year": year})


@guarded(COMPLAINTS, "complaint allegations per 100 workforce funnel plot", cell="compute-complaints")
def complaints_funnel(pack, funnel) -> Section:
    """Figure: allegations per 100 workforce of every borough against its workforce, with control limits.

    ``funnel`` is the :class:`~boardpack.metrics.funnel.Funnel` of
    :func:`boardpack.metrics.funnel.complaints_funnel`. Records ``complaints.funnel`` and the
    table ``complaints_funnel``.
    """
    f = require(funnel)
    name = pack.borough.name
    own = _own(pack, f)
    lead = _lead(name, f, own, "allegations per 100 workforce", f"the MPS rate of {f.target:.1f}", "workforce",
                 f"{own['rate']:.1f} allegations per 100 workforce", "the MPS rate")
    return _funnel_section(
        pack, f, own, COMPLAINTS, "fig-complaints-funnel", "complaints_funnel", lead,
        title=f"Allegations per 100 workforce by workforce, 12 months to {pack.period_label}",
        axes=("Workforce (officers and staff)", "Allegations per 100 workforce"), target=("MPS rate", "the MPS rate"),
        what=("public complaint allegations per 100 workforce", "borough workforce", "allegation rates"),
        source=COMPLAINTS_SOURCE, reasons=COMPLAINTS_REASONS, extra={})
