"""Public confidence: ranking, trend and latest quarter (the words: tests/report/test_survey_narrative.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from boardpack.errors import CoverageError
from boardpack.loaders import pas as pas_loader
from boardpack.metrics import confidence as conf
from boardpack.report.survey_narrative import confidence_sentence

GOOD_JOB = '"Good Job" local'


def boroughs(registry):
    return {c: registry.by_code(c).name for c in registry.codes}


@pytest.fixture
def pas(registry):
    """Two quarters for all 32 boroughs; made-up values in steps of 0.02, Barnet and Bexley tied at 0.70."""
    rows = []
    for q, shift in (("2015-06", 0.0), ("2015-09", 0.01)):
        for i, code in enumerate(registry.codes):
            value = 0.30 + i / 50 + shift
            if code in ("E09000003", "E09000004"):
                value = 0.70
            rows.append((q, code, GOOD_JOB, round(value, 2)))
        rows.append((q, "MPS", GOOD_JOB, 0.67))
    rows.append(("2015-09", "E09000003", "Trust MPS", 0.8))
    return pd.DataFrame(rows, columns=["quarter_end", "area_code", "measure", "proportion"])


def test_ranking_has_all_boroughs_and_mps(pas, registry):
    r = conf.borough_ranking(pas, "2015-09", GOOD_JOB, boroughs(registry))
    assert len(r.boroughs) == 32 and set(r.boroughs.area_code) == set(registry.codes)
    assert r.mps == pytest.approx(67.0)
    assert r.boroughs.iloc[0]["rank"] == 1 and r.boroughs.iloc[0]["value"] == pytest.approx(93.0)
    assert r.boroughs["value"].is_monotonic_decreasing


def test_ties_share_the_best_rank(pas, registry):
    b = conf.borough_ranking(pas, "2015-09", GOOD_JOB, boroughs(registry)).boroughs.set_index("borough")
    assert b.loc["Barnet", "rank"] == b.loc["Bexley", "rank"]
    tied = b.loc["Barnet", "rank"]
    assert (b["rank"] == tied).sum() == 2
    assert tied + 2 in set(b["rank"]) and tied + 1 not in set(b["rank"])
    # Alphabetical within a tie.
    assert list(b.index).index("Barnet") < list(b.index).index("Bexley")


def test_ranking_missing_borough_or_quarter(pas, registry):
    with pytest.raises(CoverageError, match="has no value for Sutton"):
        conf.borough_ranking(pas[pas.area_code != "E09000029"], "2015-09", GOOD_JOB, boroughs(registry))
    with pytest.raises(CoverageError, match="quarter ending 2014-12"):
        conf.borough_ranking(pas, "2014-12", GOOD_JOB, boroughs(registry))
    with pytest.raises(CoverageError, match="not in the data"):
        conf.borough_ranking(pas, "2015-09", "Informed local", boroughs(registry))


def test_percent_rounds_halves_up():
    assert conf.percent(0.675) == 68 and conf.percent(0.665) == 67 and conf.percent(0.47) == 47


def test_trend(pas):
    t = conf.trend(pas, "E09000031")
    assert list(t.columns) == ["quarter_end", "borough", "mps"]
    assert t.quarter_end.tolist() == ["2015-06", "2015-09"]
    assert t.mps.tolist() == [pytest.approx(67.0)] * 2
    with pytest.raises(CoverageError):
        conf.trend(pas, "E09000099")


def test_latest_quarter(pas):
    assert conf.latest_quarter(pas, "2015-10") == "2015-09"
    assert conf.latest_quarter(pas, "2015-09") == "2015-09"
    assert conf.latest_quarter(pas, "2015-08") == "2015-06"
    with pytest.raises(CoverageError):
        conf.latest_quarter(pas, "2015-05")


@pytest.mark.real_data
def test_real_reference_sentence(real_data_dir, registry):
    """The reference pack (Waltham Forest, October 2015) prints this sentence."""
    table = pas_loader.load(pas_loader.discover(real_data_dir), registry)["pas"]
    quarter = conf.latest_quarter(table, "2015-10")
    ranking = conf.borough_ranking(table, quarter, GOOD_JOB, boroughs(registry))
    wf = registry.get("Waltham Forest").gss_code
    assert confidence_sentence(ranking, wf, "Waltham Forest") == (
        "Most recent (rolling 12 months to quarter 2 (September) 2015/16) PAS results in Waltham Forest "
        "show confidence currently at 69%. This is above the MPS average (67%)."
    )
    latest = conf.borough_ranking(table, "2023-12", GOOD_JOB, boroughs(registry))
    assert latest.mps == pytest.approx(47.0)
    bottom = latest.boroughs[latest.boroughs["rank"] == latest.boroughs["rank"].max()]
    assert set(bottom.borough) == {"Croydon", "Waltham Forest"}


# --- intervals: Wilson score interval, comparison with the MPS, rank range -------------------

def uss_table(registry, values: dict[str, float], respondents: dict[str, int | None], mps: float = 0.70,
              default: float = 0.70):
    """One USS quarter: every borough at ``default`` unless given; ``respondents`` by GSS code (others empty)."""
    rows = [("2019-03", code, "overall", values.get(code, default), respondents.get(code))
            for code in registry.codes]
    rows.append(("2019-03", "MPS", "overall", mps, None))
    df = pd.DataFrame(rows, columns=["quarter_end", "area_code", "measure", "proportion", "respondents"])
    df["respondents"] = df["respondents"].astype("Int64")
    return df


def test_interval_columns_and_unchanged_ranks(pas, registry):
    plain = conf.borough_ranking(pas, "2015-09", GOOD_JOB, boroughs(registry))
    r = conf.borough_ranking(pas, "2015-09", GOOD_JOB, boroughs(registry), respondents=400, alpha=0.05)
    assert r.has_intervals and not plain.has_intervals and r.alpha == 0.05
    assert list(r.boroughs.columns) == ["area_code", "borough", "value", "rank", *conf.INTERVAL_COLUMNS]
    # The printed rank, order and values are those of the ranking without intervals.
    pd.testing.assert_frame_equal(r.boroughs[list(plain.boroughs.columns)], plain.boroughs)
    assert (r.boroughs["respondents"] == 400).all() and r.boroughs["respondents_assumed"].all()
    assert ((r.boroughs["ci_low"] < r.boroughs["value"]) & (r.boroughs["value"] < r.boroughs["ci_high"])).all()


def test_wilson_interval_matches_newcombe_worked_example(registry):
    """Newcombe (1998), Table I: 81 of 263 gives the score interval 0.2553 to 0.3662."""
    barnet = "E09000003"
    uss = uss_table(registry, {barnet: 81 / 263}, {barnet: 263})
    b = conf.borough_ranking(uss, "2019-03", "overall", boroughs(registry), respondents=500).boroughs
    row = b.set_index("area_code").loc[barnet]
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(25.53, abs=0.005), pytest.approx(36.62, abs=0.005))
    assert row["respondents"] == 263 and not row["respondents_assumed"]
    assert row["vs_mps"] == "below"


def test_wilson_interval_by_hand_at_the_assumed_400():
    """69% of 400 at 95%: centre (p + z²/2n) / (1 + z²/n), half-width z√(p(1−p)/n + z²/4n²) / (1 + z²/n)."""
    z, n, p = 1.959963984540054, 400, 0.69
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5 / (1 + z * z / n)
    df = pd.DataFrame({"value": [69.0]})
    out = conf.with_intervals(df, 67.0, 400, 0.05).iloc[0]
    assert out["ci_low"] == pytest.approx((centre - half) * 100, abs=1e-5)
    assert out["ci_high"] == pytest.approx((centre + half) * 100, abs=1e-5)
    assert round(out["ci_low"], 1) == 64.3 and round(out["ci_high"], 1) == 73.3
    assert out["vs_mps"] == "similar"  # 67% lies inside 64.3% to 73.3%


def test_alpha_sets_the_level():
    df = pd.DataFrame({"value": [60.0]})
    wide = conf.with_intervals(df, 50.0, 400, 0.01).iloc[0]
    narrow = conf.with_intervals(df, 50.0, 400, 0.10).iloc[0]
    assert wide["ci_low"] < narrow["ci_low"] < 60 < narrow["ci_high"] < wide["ci_high"]


@pytest.mark.parametrize("value, mps, verdict", [(75.0, 67.0, "above"), (60.0, 67.0, "below"), (70.0, 67.0, "similar"),
                                                 (67.0, 67.0, "similar")])
def test_above_or_below_only_when_the_interval_excludes_the_mps(value, mps, verdict):
    assert conf.with_intervals(pd.DataFrame({"value": [value]}), mps, 400).iloc[0]["vs_mps"] == verdict


def test_rank_range_by_hand():
    """Intervals at n = 400: 90% (87.1–92.4) is above all; 60% and 61% overlap; 30% (25.7–34.7) below all."""
    df = pd.DataFrame({"value": [90.0, 61.0, 60.0, 30.0]})
    out = conf.with_intervals(df, 50.0, 400)
    assert list(zip(out["rank_best"], out["rank_worst"])) == [(1, 1), (2, 3), (2, 3), (4, 4)]


def test_respondents_from_the_table_where_given_else_assumed(registry):
    barnet, bexley = "E09000003", "E09000004"
    uss = uss_table(registry, {}, {barnet: 100})
    b = conf.borough_ranking(uss, "2019-03", "overall", boroughs(registry), respondents=516).boroughs
    b = b.set_index("area_code")
    assert b.loc[barnet, "respondents"] == 100 and not b.loc[barnet, "respondents_assumed"]
    assert b.loc[bexley, "respondents"] == 516 and b.loc[bexley, "respondents_assumed"]
    # Fewer respondents, a wider interval around the same value.
    assert b.loc[barnet, "ci_high"] - b.loc[barnet, "ci_low"] > b.loc[bexley, "ci_high"] - b.loc[bexley, "ci_low"]


@pytest.mark.parametrize("bad", [0, -5, 12.5, True])
def test_assumed_respondents_must_be_a_whole_number_above_zero(bad):
    with pytest.raises(ValueError, match="whole number more than 0"):
        conf.with_intervals(pd.DataFrame({"value": [50.0]}), 50.0, bad)


def test_ranking_shows_as_a_table_in_the_compute_cell(pas, registry):
    r = conf.borough_ranking(pas, "2015-09", GOOD_JOB, boroughs(registry), respondents=400, alpha=0.05)
    shown = r._repr_html_()
    assert "<table" in shown and "ci_low" in shown and "intervals at 95%" in shown


@pytest.mark.real_data
def test_real_reference_quarter_with_intervals(real_data_dir, registry):
    """The reference pack's 69% against 67% (Waltham Forest, September 2015): within survey error at 400 interviews."""
    table = pas_loader.load(pas_loader.discover(real_data_dir), registry)["pas"]
    r = conf.borough_ranking(table, "2015-09", GOOD_JOB, boroughs(registry), respondents=400, alpha=0.05)
    wf = r.boroughs.set_index("borough").loc["Waltham Forest"]
    assert (wf["value"], r.mps, wf["rank"]) == (69.0, 67.0, 13)
    assert (round(wf["ci_low"], 1), round(wf["ci_high"], 1), wf["vs_mps"]) == (64.3, 73.3, "similar")
    assert (wf["rank_best"], wf["rank_worst"]) == (3, 29)


def _gap_table(white_n, bme_n):
    rows = [("E09000031", "white", 0.80, white_n), ("E09000031", "bme", 0.60, bme_n),
            ("MPS", "white", 0.78, None), ("MPS", "bme", 0.70, None)]
    return pd.DataFrame({"area_code": [r[0] for r in rows], "quarter_end": "2018-12",
                         "measure": [r[1] for r in rows], "proportion": [r[2] for r in rows],
                         "respondents": pd.array([r[3] for r in rows], dtype="Int64")})


def test_satisfaction_gap_interval_is_newcombes_hybrid_score_interval():
    from boardpack.metrics.confidence import satisfaction_gap
    from statsmodels.stats.proportion import proportion_confint

    gap = satisfaction_gap(_gap_table(200, 100), "2018-12", "E09000031", alpha=0.05)
    assert (gap["white"], gap["bme"], gap["gap"], gap["mps_gap"]) == (80, 60, 20, 8)
    # Newcombe's method 10 written out from the two Wilson intervals.
    l1, u1 = proportion_confint(160, 200, method="wilson")
    l2, u2 = proportion_confint(60, 100, method="wilson")
    low = 0.2 - ((0.8 - l1) ** 2 + (u2 - 0.6) ** 2) ** 0.5
    high = 0.2 + ((u1 - 0.8) ** 2 + (0.6 - l2) ** 2) ** 0.5
    assert gap["gap_ci_low"] == round(low * 100, 1) and gap["gap_ci_high"] == round(high * 100, 1)
    assert gap["gap_significant"] is True
    assert (gap["white_respondents"], gap["bme_respondents"]) == (200, 100)
    small = satisfaction_gap(_gap_table(20, 10), "2018-12", "E09000031", alpha=0.05)
    assert small["gap_ci_low"] < 0 < small["gap_ci_high"] and small["gap_significant"] is False


def test_satisfaction_gap_without_respondents_has_no_interval():
    from boardpack.metrics.confidence import satisfaction_gap

    gap = satisfaction_gap(_gap_table(None, 100), "2018-12", "E09000031", alpha=0.05)
    assert gap["gap_ci_low"] is None and gap["gap_significant"] is None and gap["gap"] == 20
    assert "alpha" not in satisfaction_gap(_gap_table(200, 100), "2018-12", "E09000031")


def test_trend_intervals_give_each_quarter_its_wilson_interval():
    from boardpack.metrics.confidence import trend_intervals

    table = pd.DataFrame({"area_code": ["E09000031"] * 3 + ["MPS"], "quarter_end": ["2018-06", "2018-09", "2018-12",
                                                                                    "2018-12"],
                          "measure": ["overall"] * 4, "proportion": [0.5, 0.8, 0.9, 0.7],
                          "respondents": pd.array([100, None, 50, None], dtype="Int64")})
    out = trend_intervals(table, {"Overall": "overall"}, "E09000031", "2018-09", respondents=400, alpha=0.05)
    assert out["quarter_end"].tolist() == ["2018-06", "2018-09"]  # later quarters left out
    z = 1.959963984540054

    def wilson(p, n):
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
        return (centre - half) * 100, (centre + half) * 100

    for (p, n), (_, row) in zip([(0.5, 100), (0.8, 400)], out.iterrows()):  # 2018-09 has no respondents: assumed 400
        low, high = wilson(p, n)
        assert row["Overall low"] == pytest.approx(low, abs=1e-5)
        assert row["Overall high"] == pytest.approx(high, abs=1e-5)
    assert out.attrs["alpha"] == 0.05
    assert trend_intervals(table, {"X": "none"}, "E09000031", "2018-12", 400, skip_missing=True).empty
    with pytest.raises(ValueError):
        trend_intervals(table, {"Overall": "overall"}, "E09000031", "2018-12", respondents=0)
