"""Stop and search uncertainty on built packs (demo and real): every recorded interval recomputed here.

Each disproportionality interval is recomputed from the recorded counts and populations with the
Clopper-Pearson limits written as beta quantiles (``scipy.stats.beta.ppf``), each last-month
interval from the recorded counts with the Wilson formula written out, and the year-on-year test
from binomial tail sums (``scipy.stats.binom``); none of it calls boardpack.
"""

from __future__ import annotations

import math
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from scipy.stats import beta, binom

pytestmark = pytest.mark.slow

GROUPS = ("White", "Black", "Asian", "Other")
MEASURES = {"arrest_rate": "arrests", "pct_weapons": "weapons", "pct_key_crime": "key_crime"}
TARGETS = {"pct_weapons": 20.0, "pct_key_crime": 40.0}


def clopper_pearson(x: int, n: int, alpha: float) -> tuple[float, float]:
    """Exact binomial limits of x/n (Clopper and Pearson, 1934), as beta quantiles."""
    low = 0.0 if x == 0 else beta.ppf(alpha / 2, x, n - x + 1)
    high = 1.0 if x == n else beta.ppf(1 - alpha / 2, x + 1, n - x)
    return float(low), float(high)


def verdict(low: float, high: float, benchmark: float) -> str:
    return "above" if low > benchmark else "below" if high < benchmark else "similar"


def half_up(value: Decimal, places: str) -> float:
    return float(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def test_ratio_intervals_recomputed_from_recorded_counts(pack):
    ss = pack.figures["stop_search"]
    alpha = ss["disproportionality_interval"]["alpha"]
    assert alpha == 0.05  # the notebook parameter's default
    pop = ss["population"]
    rows = ss["disproportionality"]
    assert rows
    white = {r["month"]: r["searches"] for r in rows if r["group"] == "White"}
    checked = 0
    for r in rows:
        if r["searches"] is None:  # a month that cannot be split by borough: nothing shown
            assert (r["ci_low"], r["ci_high"], r["small_base"], r["ratio"]) == (None, None, None, None), r
            continue
        assert r["small_base"] is (r["searches"] < 10), r
        w = white[r["month"]]
        if r["group"] == "White" or not w:  # White is 1 by definition; no White searches, no baseline
            assert r["ci_low"] is None and r["ci_high"] is None, r
            continue
        x = r["searches"]
        lo_pi, hi_pi = clopper_pearson(x, x + w, alpha)
        scale = pop["White"] / pop[r["group"]]
        assert r["ci_low"] == pytest.approx(lo_pi / (1 - lo_pi) * scale, rel=1e-9, abs=1e-12), r
        assert r["ci_high"] == pytest.approx(hi_pi / (1 - hi_pi) * scale, rel=1e-9), r
        assert r["ci_low"] <= x * pop["White"] / (pop[r["group"]] * w) <= r["ci_high"], r
        checked += 1
    assert checked >= 3 * 10


def test_ratio_chart_draws_the_recorded_intervals_and_greys_small_bases(pack):
    ss = pack.figures["stop_search"]
    data = pack.figures["charts"]["fig-disproportionality"]["data"]
    intervals = {d["label"]: d for d in data if d["kind"] == "interval"}
    greyed = {d["label"].split(":")[0]: d["labels"] for d in data if d["kind"] == "points"}
    assert sorted(intervals) == ["Asian", "Black", "Other"]
    for group in ("Black", "Asian", "Other"):
        rows = sorted((r for r in ss["disproportionality"] if r["group"] == group), key=lambda r: r["month"])
        drawn = intervals[group]
        for r, low, high in zip(rows, drawn["low"], drawn["high"], strict=True):
            if r["ci_low"] is None:
                assert low is None or math.isnan(low)
            else:
                assert (low, high) == pytest.approx((r["ci_low"], r["ci_high"]))
        assert len(greyed.get(group, [])) == sum(1 for r in rows if r["small_base"])


def test_ratio_table_prints_intervals_and_small_base_marks(pack):
    html = (pack.folder / "board_pack.html").read_text(encoding="utf-8")
    table = html[html.index('id="tbl-disproportionality"'):]
    table = table[:table.index("</table>")]
    for r in pack.figures["stop_search"]["disproportionality"]:
        if r["ci_low"] is not None:
            assert f"{r['ratio']:.2f} ({r['searches']}){'†' if r['small_base'] else ''}\n" \
                   f"{r['ci_low']:.1f}\u2060–\u2060{r['ci_high']:.1f}" in table, r
    if any(r["small_base"] for r in pack.figures["stop_search"]["disproportionality"]):
        assert "† marks a small base: fewer than 10 searches of the group in the month" in pack.pdf_text


def test_last_month_wilson_intervals_and_verdicts(pack, recompute):
    last = pack.figures["stop_search"]["last_month"]
    alpha = last["alpha"]
    assert last["method"] == "Wilson score interval"
    for area in (last, last["mps"]):
        n = area["searches"]
        assert n > 0
        for measure, count in MEASURES.items():
            k = area[count]
            assert area[measure] == half_up(Decimal(k) * 100 / Decimal(n), "0.1")
            low, high = recompute.wilson(k / n, n, alpha)
            got = area["intervals"][measure]
            assert (got["ci_low"], got["ci_high"]) == pytest.approx((low, high), rel=1e-9), (measure, area)
        for measure, target in TARGETS.items():
            got = area["intervals"][measure]
            assert area["vs_target"][measure] == verdict(got["ci_low"], got["ci_high"], target)
    mps_rate = last["mps"]["arrests"] * 100 / last["mps"]["searches"]
    ci = last["intervals"]["arrest_rate"]
    assert last["arrest_rate_vs_mps"] == verdict(ci["ci_low"], ci["ci_high"], mps_rate)
    words = {"above": "above the 20% target, beyond chance", "below": "below the 20% target, beyond chance",
             "similar": "not distinguishable from the 20% target"}[last["vs_target"]["pct_weapons"]]
    assert words in pack.pdf_text
    assert f"led to an arrest (95% interval {ci['ci_low']:.1f}% to {ci['ci_high']:.1f}%)" in pack.pdf_text


def test_year_on_year_change_in_searches(pack):
    ss = pack.figures["stop_search"]
    change, monthly = ss["year_on_year"], ss["monthly"]
    assert change["alpha"] == 0.05
    for got, column in ((change, "searches"), (change["mps"], "mps")):
        assert (got["previous_month"], got["current_month"]) == (monthly[0]["month"], monthly[-1]["month"])
        assert int(got["current_month"][:4]) - int(got["previous_month"][:4]) == 1
        assert got["current_month"][5:] == got["previous_month"][5:]
        prev, cur = monthly[0][column], monthly[-1][column]
        assert (got["previous"], got["current"]) == (prev, cur)
        if prev is None or cur is None:
            assert got["reason"] in ("unsplittable", "not_in_data")
            assert got["p_value"] is None and got["significant"] is None
            continue
        n = prev + cur
        p = 1.0 if cur * 2 == n else min(1.0, 2 * float(min(binom.cdf(cur, n, 0.5), binom.sf(cur - 1, n, 0.5))))
        assert got["p_value"] == pytest.approx(p, rel=1e-6)
        # One month against one month: the exact test, named, tested alone (q = p).
        assert got["test"] == "exact-poisson" and got["q_value"] == got["p_value"] and got["dispersion"] is None
        assert got["significant"] is (p <= 0.05)
        assert got["small_numbers"] is (min(prev, cur) < 10)
        assert got["pct_change"] == (half_up(Decimal(cur - prev) * 100 / Decimal(prev), "0.1") if prev else None)
    now, before = (datetime.strptime(change[k], "%Y-%m").strftime("%B %Y") for k in ("current_month", "previous_month"))
    if change["reason"] == "unsplittable":
        assert f"No comparison of {now} with {before} is given for {pack.figures['borough']}: in " in pack.pdf_text
        assert "most searches were published without a location, so they cannot be placed in a borough" \
            in pack.pdf_text
    elif change["reason"] is None:
        sentence = (f"{pack.figures['borough']} recorded {change['current']:,} searches (excluding section 60) in "
                    f"{now} against {change['previous']:,} in {before},")
        assert sentence in pack.pdf_text
        word = "statistically significant" if change["significant"] else \
            "not statistically significant: chance variation alone could give it"
        start = pack.pdf_text.index(sentence)
        assert word in " ".join(pack.pdf_text[start:start + 500].split())
