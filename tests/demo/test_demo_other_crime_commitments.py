"""The demo "other crime" and commitments files load through the real loaders and hold the intended figures."""

from __future__ import annotations

import pandas as pd
import pytest

from boardpack.demo import DEMO_PERIOD
from boardpack.demo.calibration import (
    KNIFE_CRIME_STRATEGY_COMMITMENTS,
    KNIFE_CRIME_STRATEGY_COMPLETE,
    OTHER_CRIME_LONDON_MONTHLY,
    PCP_2017_COMMITMENTS,
    PCP_2017_COMPLETE_OR_ON_TRACK,
)
from boardpack.demo.coverage import INPUT_MONTHS, quarters_since
from boardpack.demo.inputs import HATE_STRANDS, OTHER_CRIME_SUBSETS
from boardpack.loaders import DOCUMENTED_INPUTS
from boardpack.loaders.inputs import COMMITMENT_STATUSES, OTHER_CRIME_MEASURES
from boardpack.metrics.commitments import summary
from boardpack.periods import month_range

SOURCES = {s.name: s for s in DOCUMENTED_INPUTS}


def _load(name: str, demo_dir, registry) -> pd.DataFrame:
    source = SOURCES[name]
    return source.load(source.discover(demo_dir), registry)[name]


@pytest.fixture(scope="module")
def other_crime(demo_dir, registry) -> pd.DataFrame:
    return _load("other_crime", demo_dir, registry)


@pytest.fixture(scope="module")
def commitments(demo_dir, registry) -> pd.DataFrame:
    return _load("commitments", demo_dir, registry)


def _header(path) -> str:
    return path.read_bytes().split(b"\n", 1)[0].decode("utf-8")


def test_headers_follow_docs_data_md(demo_dir):
    assert _header(demo_dir / "other_crime" / "other_crime.csv") == "borough,month,measure,offences"
    assert _header(demo_dir / "commitments" / "commitments.csv") == \
        "plan,strategy,theme,commitment_id,title,status,as_at"


def test_calibration_names_every_measure():
    assert tuple(OTHER_CRIME_LONDON_MONTHLY) == OTHER_CRIME_MEASURES


def test_other_crime_covers_every_borough_measure_and_month(other_crime, registry):
    assert set(other_crime["area_code"]) == set(registry.codes)  # the 32 boroughs, no MPS rows
    assert set(other_crime["measure"]) == set(OTHER_CRIME_MEASURES)
    assert sorted(other_crime["month"].unique()) == month_range(DEMO_PERIOD, INPUT_MONTHS)
    assert len(other_crime) == 32 * len(OTHER_CRIME_MEASURES) * INPUT_MONTHS


def test_other_crime_london_levels_are_near_the_illustrative_ones(other_crime):
    monthly = other_crime.groupby("measure")["offences"].sum() / INPUT_MONTHS
    for measure, level in OTHER_CRIME_LONDON_MONTHLY.items():
        assert 0.7 * level < monthly[measure] < 1.3 * level, measure


def test_other_crime_subsets_and_hate_crime_are_consistent(other_crime):
    wide = other_crime.pivot_table(index=["area_code", "month"], columns="measure", values="offences")
    for part, whole in OTHER_CRIME_SUBSETS.items():
        assert (wide[part] <= wide[whole]).all(), part
    for strand in HATE_STRANDS:
        assert (wide["Hate Crime"] >= wide[strand]).all(), strand


def test_commitments_titles_say_demo_and_statuses_are_known(commitments):
    assert commitments["title"].str.startswith("DEMO (synthetic): ").all()
    assert set(commitments["status"]) <= set(COMMITMENT_STATUSES)


def test_2017_21_plan_has_the_published_counts(commitments):
    s = summary(commitments, DEMO_PERIOD, "Police and Crime Plan 2017-21")
    assert s["as_at"] == "2021-03"
    plan, knife = s["strategies"]
    assert (plan["strategy"], knife["strategy"]) == ("Police and Crime Plan", "Knife Crime Strategy")
    assert plan["total"] == s["total"] == PCP_2017_COMMITMENTS == 119
    good = plan["by_status"]["complete"] + plan["by_status"]["on track"]
    assert abs(good / plan["total"] - PCP_2017_COMPLETE_OR_ON_TRACK) < 0.01
    assert knife["total"] == KNIFE_CRIME_STRATEGY_COMMITMENTS == 39
    assert knife["by_status"]["complete"] == KNIFE_CRIME_STRATEGY_COMPLETE == 37
    mid = summary(commitments, "2020-12", "Police and Crime Plan 2017-21")
    assert mid["as_at"] == "2019-03" and mid["total"] == 119


def test_2022_25_tracker_runs_every_quarter_to_the_demo_period(commitments):
    plan = commitments[commitments["plan"] == "Police and Crime Plan 2022-25"]
    assert sorted(plan["as_at"].unique()) == quarters_since("2022-06")
    assert plan.groupby("as_at").size().nunique() == 1  # every commitment in every tracker
    assert summary(commitments, DEMO_PERIOD, "Police and Crime Plan 2022-25")["as_at"] == DEMO_PERIOD


def test_no_status_goes_back_from_complete(commitments):
    for _, rows in commitments.sort_values("as_at").groupby(["plan", "strategy", "commitment_id"]):
        statuses = rows["status"].tolist()
        if "complete" in statuses:
            first = statuses.index("complete")
            assert set(statuses[first:]) == {"complete"}, rows
