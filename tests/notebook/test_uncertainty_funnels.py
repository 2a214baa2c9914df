"""The funnel plots of built packs, recomputed independently from the raw files and the formula.

Counts and exposures come from the raw crime, population and complaints files (tests/notebook/
recompute.py, which does not import boardpack). The over-dispersion is worked out again by hand,
FunnelPlotR's default for ratios: z = sqrt(E) log(O/E), ranks (ties averaged) put in ten groups and
the lowest and highest set aside, φ the mean of the kept z², τ² DerSimonian and Laird's estimate with
weights E. Where φ > 1 the limits are θ exp(± z_p sqrt(1/E + τ²)); where φ ≤ 1, and always for the
limits for chance alone, they are found again by a direct search for the Poisson quantile written
here (scipy.special.pdtr, not scipy.stats), checked against the normal approximation
θ0 ± z sqrt(θ0 / E). Every borough's recorded position is checked against them. Runs on the demo
packs and, when ../shared/data is present, on the real packs to February 2019.
"""

from __future__ import annotations

import math

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


def average_ranks(values) -> list[float]:
    """1-based ranks, ties given the mean of the ranks they span (R's rank(ties.method = "average"))."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def over_dispersion(observed, expected) -> tuple[list[float], list[bool], float, float]:
    """z, which were kept, φ and τ², FunnelPlotR's SR/SHMI way (trim 0.1), written out."""
    z = [math.sqrt(e) * math.log(o / e) if o > 0 else -math.inf for o, e in zip(observed, expected)]
    finite = [i for i, v in enumerate(z) if math.isfinite(v)]
    ranks = average_ranks([z[i] for i in finite])
    kept = [False] * len(z)
    for i, r in zip(finite, ranks):
        group = math.floor(r * 10 / (len(finite) + 1))
        kept[i] = 0 < group < 9
    chosen = [i for i, k in enumerate(kept) if k]
    n = len(chosen)
    phi = sum(z[i] ** 2 for i in chosen) / n
    if n * phi < n - 1:
        return z, kept, phi, 0.0
    w = [expected[i] for i in chosen]  # 1 / s^2 with s = 1 / sqrt(E)
    tau2 = max(0.0, (n * phi - (n - 1)) / (sum(w) - sum(x * x for x in w) / sum(w)))
    return z, kept, phi, tau2


def check_funnel(record: dict, table: pd.DataFrame, per: float, name: str) -> None:
    """Target, φ, τ², limits at every borough's exposure, positions and outliers, against the recorded ones."""
    theta = table["count"].sum() / table["exposure"].sum()
    assert record["target"] == record["london_rate"] == pytest.approx(theta * per, rel=1e-12)
    assert len(table) == 32 and record["areas"] == 32
    observed = table["count"].astype(float).tolist()
    expected = (table["exposure"].astype(float) * theta).tolist()
    z, kept, phi, tau2 = over_dispersion(observed, expected)
    assert record["phi"] == pytest.approx(phi, rel=1e-9)
    assert record["tau2"] == pytest.approx(tau2, rel=1e-9, abs=1e-15)
    assert record["adjusted"] is (phi > 1) and record["areas_kept"] == sum(kept)
    points = {p["borough"]: p for p in record["points"]}
    assert len(points) == 32
    for i, (_, row) in enumerate(table.iterrows()):
        e = float(row["exposure"])
        chance, drawn = {}, {}
        for col, p in TAILS.items():
            exact = spiegelhalter_limit(p, theta, e)
            normal = max(theta + ndtri(p) * math.sqrt(theta / e), 0.0)
            assert abs(exact - normal) * e < 2.0, (row["borough"], col)  # within two events of the normal limit
            chance[col] = exact * per
            drawn[col] = theta * math.exp(ndtri(p) * math.sqrt(1 / expected[i] + tau2)) * per if phi > 1 \
                else chance[col]
            assert row[col] == pytest.approx(drawn[col], rel=1e-9, abs=1e-12), (row["borough"], col)
        rate = row["count"] / e * per
        assert row["rate"] == pytest.approx(rate, rel=1e-12)
        assert row["position"] == band(rate, drawn), row["borough"]
        assert row["unadjusted_position"] == band(rate, chance), row["borough"]
        point = points[row["borough"]]
        assert point["observed"] == observed[i] and point["expected"] == pytest.approx(expected[i], rel=1e-12)
        assert point["z"] == pytest.approx(z[i], rel=1e-9) and point["kept"] is kept[i]
        assert point["outside_998"] is (row["position"] in ("above 99.8%", "below 99.8%"))
        assert point["outside_95"] is (row["position"] != "within")
    own = table[table["borough"] == name].iloc[0]
    assert record["position"] == own["position"] and record["rate"] == pytest.approx(own["rate"])
    outside = table[table["position"].isin(["above 99.8%", "below 99.8%"])]
    assert sorted(o["borough"] for o in record["outliers"]) == sorted(outside["borough"])
    assert record["areas_outside_998"] == len(outside)
    assert record["areas_outside_95"] == int((table["position"] != "within").sum())


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


SPREAD = {"within": "within the usual spread between boroughs around",
          "above 95%": "above the 95% limit of the usual spread between boroughs around",
          "below 95%": "below the 95% limit of the usual spread between boroughs around",
          "above 99.8%": "above the 99.8% limit: higher than the usual spread between boroughs around",
          "below 99.8%": "below the 99.8% limit: lower than the usual spread between boroughs around"}
CHANCE = {"within": "within the range expected from chance variation around",
          "above 95%": "above the 95% limit around", "below 95%": "below the 95% limit around",
          "above 99.8%": "above the 99.8% limit around", "below 99.8%": "below the 99.8% limit around"}


def test_pdf_names_the_position_and_the_outliers(pack):
    name = pack.figures["borough"]
    text = " ".join(pack.pdf_text.split())
    for section, unit, target in (("recorded_crime", "per 1,000 residents", "the London rate"),
                                  ("complaints", "allegations per 100 workforce", "the MPS rate")):
        funnel = pack.figures[section].get("funnel")
        if funnel is None:
            continue
        phrases = SPREAD if funnel["adjusted"] else CHANCE
        sentence = f"{name}'s rate of {funnel['rate']:.1f} {unit} is {phrases[funnel['position']]} {target}"
        assert sentence in text, (section, sentence)
        verb = "lies" if funnel["areas_outside_998"] == 1 else "lie"
        assert f"{funnel['areas_outside_998']} of the 32 boroughs {verb} outside the 99.8% limits" in text
        for outlier in funnel["outliers"]:
            assert outlier["borough"] in text
        if funnel["adjusted"]:
            assert "not against chance alone" in text and f"τ² = {funnel['tau2']:.4f}" in text
        else:
            assert "so the limits are those for chance alone" in text
