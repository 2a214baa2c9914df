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
