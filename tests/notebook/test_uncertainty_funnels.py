"""The funnel plots of built packs, recomputed independently from the raw files and the formula.

Counts and exposures come from the raw crime, population and complaints files (tests/notebook/
recompute.py, which does not import boardpack); the control limits are found again by a direct
search for the Poisson quantile written here (scipy.special.pdtr, not scipy.stats), checked against
the normal approximation θ0 ± z sqrt(θ0 / E), and every borough's recorded position is checked
against them. Runs on the demo packs and, when ../shared/data is present, on the real packs to
February 2019.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtri, pdtr

pytestmark = pytest.mark.slow

TAILS = {"low95": 0.025, "high95": 0.975, "low998": 0.001, "high998": 0.999}


def poisson_quantile(p: float, mu: float) -> int:
    """The smallest r with P(X <= r) >= p for X ~ Poisson(mu), by bisection on the integers."""
    low, high = -1, int(mu + 20 * math.sqrt(mu) + 20)
    while high - low > 1:  # invariant: cdf(low) < p <= cdf(high)
        mid = (low + high) // 2
        if pdtr(mid, mu) >= p:
            high = mid
        else:
            low = mid
    return high


def spiegelhalter_limit(p: float, theta: float, exposure: float) -> float:
    """(r_p - α) / E with α = (F(r_p) - p) / (F(r_p) - F(r_p - 1)), not below 0."""
    mu = theta * exposure
    r = poisson_quantile(p, mu)
    f_r = pdtr(r, mu)
    f_below = pdtr(r - 1, mu) if r > 0 else 0.0
    alpha = (f_r - p) / (f_r - f_below)
    return max((r - alpha) / exposure, 0.0)


def band(rate: float, limits: dict) -> str:
    if rate > limits["high998"]:
        return "above 99.8%"
    if rate > limits["high95"]:
        return "above 95%"
    if rate < limits["low998"]:
        return "below 99.8%"
    if rate < limits["low95"]:
        return "below 95%"
    return "within"


def check_funnel(record: dict, table: pd.DataFrame, per: float, name: str) -> None:
    """Target, limits at every borough's exposure, positions, outliers and φ, against the recorded ones."""
    theta = table["count"].sum() / table["exposure"].sum()
    assert record["target"] == pytest.approx(theta * per, rel=1e-12)
    assert len(table) == 32 and record["areas"] == 32
    for _, row in table.iterrows():
        e = float(row["exposure"])
        limits = {}
        for col, p in TAILS.items():
            exact = spiegelhalter_limit(p, theta, e)
            assert row[col] == pytest.approx(exact * per, rel=1e-9, abs=1e-12), (row["borough"], col)
            normal = max(theta + ndtri(p) * math.sqrt(theta / e), 0.0)
            assert abs(exact - normal) * e < 2.0, (row["borough"], col)  # within two events of the normal limit
            limits[col] = exact * per
        rate = row["count"] / e * per
        assert row["rate"] == pytest.approx(rate, rel=1e-12)
        assert row["position"] == band(rate, limits), row["borough"]
    own = table[table["borough"] == name].iloc[0]
    assert record["position"] == own["position"] and record["rate"] == pytest.approx(own["rate"])
    outside = table[table["position"].isin(["above 99.8%", "below 99.8%"])]
    assert sorted(o["borough"] for o in record["outliers"]) == sorted(outside["borough"])
    assert record["outside_998"] == len(outside)
    assert record["outside_95"] == int((table["position"] != "within").sum())
    # Spiegelhalter's over-dispersion factor: mean square of the z-scores, the 3 (10% of 32) at each end
    # set to the 4th from that end.
    z = np.sort(((table["count"] / table["exposure"] - theta) / np.sqrt(theta / table["exposure"])).to_numpy())
    k = int(0.1 * len(z))
    wins = np.clip(z, z[k], z[len(z) - 1 - k])
    assert record["phi"] == pytest.approx(float(np.mean(wins ** 2)), rel=1e-9)


def test_crime_funnel_counts_and_populations_equal_the_raw_files(pack, recompute):
    rec = pack.figures["recorded_crime"]
    if not pack.figures["recorded_crime"].get("parts", {}).get("crime_rates", {}).get("available"):
        assert "funnel" not in rec
        return
    funnel = rec["funnel"]
    table = pack.table("recorded_crime_funnel")
    period = pack.figures["period_end"]
    names = recompute.borough_names()
    crime = recompute.crime_long(pack.data_dir, rec["vintage"], recompute.months_to(period, 12))
    labels = recompute.borough_labels()
    crime["gss"] = crime["area"].map(lambda a: recompute.code_of(a, labels))
    offences = crime.groupby("gss")["count"].sum()
    pop = recompute.mid_year_population(pack.data_dir)
    year = max(y for y in {y for (_, y) in pop} if y <= int(period[:4]) and all((c, y) in pop for c in names))
    assert funnel["population_year"] == year
    by_code = table.set_index("area_code")
    assert sorted(by_code.index) == sorted(names)
    for code, name in names.items():
        assert by_code.loc[code, "borough"] == name
        assert int(by_code.loc[code, "count"]) == int(offences.get(code, 0)), name
        assert int(by_code.loc[code, "exposure"]) == pop[(code, year)], name
    assert funnel["count"] == int(offences[pack.figures["gss_code"]])


def test_crime_funnel_limits_and_positions_recomputed(pack):
    rec = pack.figures["recorded_crime"]
    if "funnel" not in rec:
        pytest.skip("no crime rates for this period")
    check_funnel(rec["funnel"], pack.table("recorded_crime_funnel"), 1000, pack.figures["borough"])


def test_complaints_funnel_from_the_raw_csvs_and_recomputed(pack, recompute):
    comp = pack.figures["complaints"]
    if not comp.get("available"):
        assert "funnel" not in comp
        assert "fig-complaints-funnel" not in pack.figures["charts"]
        return
    table = pack.table("complaints_funnel")
    period = pack.figures["period_end"]
    alg = recompute._complaints_csv(pack.data_dir, "allegation_type")
    current = recompute.months_to(period, 12)
    counts = alg[alg["month"].isin(current)].assign(n=lambda d: d["allegations"].astype(int)).groupby("gss")["n"].sum()
    wf = recompute._complaints_csv(pack.data_dir, "workforce")
    wf = wf[wf["month"] <= period].sort_values("month").groupby("gss").tail(1).set_index("gss")
    by_code = table.set_index("area_code")
    for code in recompute.borough_names():
        assert int(by_code.loc[code, "count"]) == int(counts.get(code, 0)), code
        assert float(by_code.loc[code, "exposure"]) == pytest.approx(float(wf.loc[code, "workforce"])), code
    check_funnel(comp["funnel"], table, 100, pack.figures["borough"])


PHRASES = {"within": "within the range expected from chance variation around",
           "above 95%": "above the 95% limit around", "below 95%": "below the 95% limit around",
           "above 99.8%": "above the 99.8% limit around", "below 99.8%": "below the 99.8% limit around"}


def test_pdf_names_the_position_and_the_outliers(pack):
    name = pack.figures["borough"]
    for section, unit, target in (("recorded_crime", "per 1,000 residents", "the London rate"),
                                  ("complaints", "allegations per 100 workforce", "the MPS rate")):
        funnel = pack.figures[section].get("funnel")
        if funnel is None:
            continue
        sentence = f"{name}'s rate of {funnel['rate']:.1f} {unit} is {PHRASES[funnel['position']]} {target}"
        assert sentence in pack.pdf_text, (section, sentence)
        assert f"{funnel['outside_998']} of the 32 boroughs lie outside the 99.8% limits" in pack.pdf_text
        for outlier in funnel["outliers"]:
            assert outlier["borough"] in pack.pdf_text
        if funnel["overdispersed"] and funnel["outside_998"] > 8:
            assert "does not mean that each of them is unusual" in pack.pdf_text
