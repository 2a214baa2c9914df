"""Survey figures with their uncertainty: every recorded Wilson interval recomputed from the raw files.

For the built packs (demo, and real to February 2019 when ../shared/data is present), each
borough's confidence interval is worked out here from the raw PAS file with the Wilson score
formula written out (not the boardpack function), from the published proportion and the
assumed 400 interviews; the comparison with the MPS value and the range of ranks follow from
those intervals. Victim satisfaction (demo only: no public USS file exists) is recomputed the
same way from the raw uss.csv, with its respondents column.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ASSUMED_PAS = 400  # params/defaults.yaml: pas_respondents (12,800 interviews a year / 32 boroughs)
ALPHA = 0.05  # params/defaults.yaml: alpha
GOOD_JOB = '"Good Job" local'



def expected(values: dict[str, float], respondents: dict[str, float], mps: float, alpha: float,
             recompute) -> dict[str, dict]:
    """Interval, verdict against the MPS value and rank range of every borough (values as proportions)."""
    limits = {b: recompute.wilson(p, respondents[b], alpha) for b, p in values.items()}
    out = {}
    for b, (low, high) in limits.items():
        verdict = "above" if low > mps * 100 else "below" if high < mps * 100 else "similar"
        wholly_above = sum(1 for o_low, _ in limits.values() if o_low > high)
        wholly_below = sum(1 for _, o_high in limits.values() if o_high < low)
        out[b] = {"ci_low": low, "ci_high": high, "vs_mps": verdict,
                  "rank_best": 1 + wholly_above, "rank_worst": len(limits) - wholly_below}
    return out


def pas_expected(pack, recompute) -> tuple[dict[str, dict], float]:
    rows = [r for r in recompute.pas_rows(pack.data_dir)
            if r["measure"] == GOOD_JOB and r["quarter_end"] == pack.figures["confidence"]["quarter_end"]]
    names = recompute.borough_names()
    values = {names[r["area"]]: float(r["proportion"]) for r in rows if r["area"] not in (None, "MPS")}
    mps = max(float(r["proportion"]) for r in rows if r["area"] == "MPS")
    assert len(values) == 32
    return expected(values, dict.fromkeys(values, ASSUMED_PAS), mps, ALPHA, recompute), mps


def uss_expected(pack, recompute) -> tuple[dict[str, dict], dict[str, int], float]:
    quarter = pack.figures["victim_satisfaction"]["quarter_end"]
    text = Path(pack.data_dir, "victim_satisfaction", "uss.csv").read_text(encoding="utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["quarter_end"] == quarter and r["measure"] == "overall"]
    values = {r["borough"]: float(r["satisfied_pct"]) / 100 for r in rows if r["borough"] != "MPS"}
    counts = {r["borough"]: int(r["respondents"]) for r in rows if r["borough"] != "MPS"}
    mps = next(float(r["satisfied_pct"]) / 100 for r in rows if r["borough"] == "MPS")
    assert len(values) == 32
    return expected(values, counts, mps, ALPHA, recompute), counts, mps


def check_record(got: dict, want: dict) -> None:
    assert got["ci_low"] == pytest.approx(want["ci_low"], abs=1e-4)
    assert got["ci_high"] == pytest.approx(want["ci_high"], abs=1e-4)
    for key in ("vs_mps", "rank_best", "rank_worst"):
        assert got[key] == want[key], key


def check_table(table, want: dict[str, dict]) -> None:
    assert sorted(table["borough"]) == sorted(want)
    for row in table.to_dict(orient="records"):
        check_record(row, want[row["borough"]])
        assert row["rank_best"] <= row["rank"] <= row["rank_worst"], row


def test_confidence_intervals_equal_the_raw_pas(pack, recompute):
    want, _mps = pas_expected(pack, recompute)
    got = pack.figures["confidence"]
    assert (got["respondents"], got["respondents_source"], got["alpha"]) == (ASSUMED_PAS, "assumed", ALPHA)
    check_record(got, want[pack.figures["borough"]])
    table = pack.table("confidence-ranked")
    assert set(table["respondents"]) == {ASSUMED_PAS} and set(table["respondents_source"]) == {"assumed"}
    check_table(table, want)


def test_confidence_sentence_says_the_interval_and_the_rank_range(pack, recompute):
    want, mps = pas_expected(pack, recompute)
    name = pack.figures["borough"]
    mine = want[name]
    words = {"above": "above", "below": "below", "similar": "similar to"}[mine["vs_mps"]]
    assert (f"(95% interval {mine['ci_low']:.1f}% to {mine['ci_high']:.1f}%, from an assumed 400 interviews), "
            f"this is {words} the MPS average ({round(mps * 100)}%).") in pack.pdf_text
    best, worst = mine["rank_best"], mine["rank_worst"]
    tail = "Even allowing for survey error, its rank is" if best == worst else \
        "Given the survey error, its rank lies between"
    assert f"{name} ranks {pack.figures['confidence']['rank']} of 32 boroughs. {tail}" in pack.pdf_text


@pytest.mark.parametrize("fig_id", ["fig-confidence-ranked", "fig-satisfaction-ranked"])
def test_ranked_charts_draw_the_intervals_and_mark_the_verdicts(pack, recompute, fig_id):
    chart = pack.figures["charts"].get(fig_id)
    if chart is None:  # no USS data in the real packs
        assert fig_id == "fig-satisfaction-ranked" and not pack.figures["victim_satisfaction"].get("available", True)
        return
    want = pas_expected(pack, recompute)[0] if fig_id == "fig-confidence-ranked" else uss_expected(pack, recompute)[0]
    (whiskers,) = [d for d in chart["data"] if d["kind"] == "interval"]
    assert len(whiskers["labels"]) == 32
    for borough, low, high in zip(whiskers["labels"], whiskers["low"], whiskers["high"]):
        assert (low, high) == (pytest.approx(want[borough]["ci_low"], abs=1e-4),
                               pytest.approx(want[borough]["ci_high"], abs=1e-4)), borough
    points = [d for d in chart["data"] if d["kind"] == "points"]
    table = pack.table(fig_id.replace("fig-", "")).set_index("borough")
    drawn = {b: x for d in points for b, x in zip(d["labels"], d["x"])}
    assert drawn == table["value"].astype(float).to_dict()  # each point at the printed value
    shapes = {d["label"]: set(d["labels"]) for d in points}
    for verdict in ("above", "below"):
        marked = set().union(*(names for label, names in shapes.items() if f"significantly {verdict}" in label))
        assert marked == {b for b, w in want.items() if w["vs_mps"] == verdict}, verdict


@pytest.mark.parametrize("slug", ["waltham-forest", "camden"])
def test_satisfaction_intervals_equal_the_raw_uss(demo_built, slug, recompute):
    pack = demo_built[slug]
    want, counts, _mps = uss_expected(pack, recompute)
    got = pack.figures["victim_satisfaction"]
    name = pack.figures["borough"]
    assert (got["respondents"], got["respondents_source"], got["alpha"]) == (counts[name], "uss.csv", ALPHA)
    check_record(got, want[name])
    table = pack.table("satisfaction-ranked")
    assert dict(zip(table["borough"], table["respondents"])) == counts
    check_table(table, want)
    assert f"from {counts[name]:,} interviews), this is" in pack.pdf_text
