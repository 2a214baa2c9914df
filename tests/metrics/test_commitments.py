"""Plan commitments summary: counts by status and theme, strategy order, the at-risk list and the as-at month."""

from __future__ import annotations

import pandas as pd
import pytest

from boardpack.errors import BoardPackError, CoverageError
from boardpack.loaders.inputs import COMMITMENT_STATUSES
from boardpack.metrics.commitments import STATUSES, plans, summary

OLD, NEW = "Police and Crime Plan 2017-21", "Police and Crime Plan 2022-25"
PCP, KNIFE, VAWG = "Police and Crime Plan", "Knife Crime Strategy", "VAWG Strategy"
COLUMNS = ["plan", "strategy", "theme", "commitment_id", "title", "status", "as_at"]


def frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


@pytest.fixture
def commitments() -> pd.DataFrame:
    rows = [
        # 2017-21, Police and Crime Plan strategy: as at 2019-03 ...
        (OLD, PCP, "Theme B", "P-1", "One", "on track", "2019-03"),
        (OLD, PCP, "Theme B", "P-2", "Two", "not started", "2019-03"),
        (OLD, PCP, "Theme A", "P-3", "Three", "at risk", "2019-03"),
        # ... and as at 2021-03 (given out of order on purpose)
        (OLD, PCP, "Theme B", "P-2", "Two", "at risk", "2021-03"),
        (OLD, PCP, "Theme B", "P-1", "One", "complete", "2021-03"),
        (OLD, PCP, "Theme A", "P-3", "Three", "complete", "2021-03"),
        (OLD, PCP, "Theme A", "P-10", "Ten", "at risk", "2021-03"),
        (OLD, PCP, "Theme C", "P-4", "Four", "on track", "2021-03"),
        # strategies under the same plan, listed after the plan's own, alphabetically
        (OLD, VAWG, "Theme V", "V-1", "Vee", "complete", "2021-03"),
        (OLD, KNIFE, "Theme K", "K-2", "Kay two", "at risk", "2021-03"),
        (OLD, KNIFE, "Theme K", "K-1", "Kay one", "complete", "2021-03"),
        (OLD, KNIFE, "Theme K", "K-1", "Kay one", "on track", "2019-03"),
        # another plan: never counted in the 2017-21 figures
        (NEW, PCP, "Theme N", "N-1", "En", "at risk", "2022-06"),
        (NEW, PCP, "Theme N", "N-1", "En", "at risk", "2022-09"),
    ]
    return frame(rows)


def test_statuses_match_the_loaders():
    assert STATUSES == COMMITMENT_STATUSES


def test_plans_are_distinct_and_sorted(commitments):
    assert plans(commitments) == [OLD, NEW]


def test_latest_as_at_at_or_before_the_period(commitments):
    assert summary(commitments, "2026-09", OLD)["as_at"] == "2021-03"
    assert summary(commitments, "2021-03", OLD)["as_at"] == "2021-03"
    assert summary(commitments, "2021-02", OLD)["as_at"] == "2019-03"
    assert summary(commitments, "2022-08", NEW)["as_at"] == "2022-06"


def test_headline_counts_are_the_plans_own_strategy(commitments):
    s = summary(commitments, "2021-06", OLD)
    assert s["available"] is True and s["plan"] == OLD
    assert s["total"] == 5
    assert s["by_status"] == {"complete": 2, "on track": 1, "at risk": 2, "not started": 0}
    assert list(s["by_status"]) == list(STATUSES)
    assert sum(s["by_status"].values()) == s["total"]
    first = s["strategies"][0]
    assert first["strategy"] == PCP
    assert (s["total"], s["by_status"], s["by_theme"], s["at_risk"]) == (
        first["total"], first["by_status"], first["by_theme"], first["at_risk"])


def test_strategies_plan_first_then_alphabetical(commitments):
    s = summary(commitments, "2021-06", OLD)
    assert [x["strategy"] for x in s["strategies"]] == [PCP, KNIFE, VAWG]
    knife = s["strategies"][1]
    assert knife["total"] == 2
    assert knife["by_status"] == {"complete": 1, "on track": 0, "at risk": 1, "not started": 0}
    for strategy in s["strategies"]:
        assert sum(strategy["by_status"].values()) == strategy["total"]


def test_by_theme_is_sorted_with_every_status(commitments):
    s = summary(commitments, "2021-06", OLD)
    assert s["by_theme"] == [
        {"theme": "Theme A", "total": 2, "complete": 1, "on track": 0, "at risk": 1, "not started": 0},
        {"theme": "Theme B", "total": 2, "complete": 1, "on track": 0, "at risk": 1, "not started": 0},
        {"theme": "Theme C", "total": 1, "complete": 0, "on track": 1, "at risk": 0, "not started": 0},
    ]


def test_at_risk_list_sorted_by_commitment_id(commitments):
    s = summary(commitments, "2021-06", OLD)
    assert s["at_risk"] == [
        {"commitment_id": "P-10", "theme": "Theme A", "title": "Ten"},
        {"commitment_id": "P-2", "theme": "Theme B", "title": "Two"},
    ]


def test_earlier_tracker_is_counted_on_its_own(commitments):
    s = summary(commitments, "2019-03", OLD)
    assert s["total"] == 3 and s["by_status"] == {"complete": 0, "on track": 1, "at risk": 1, "not started": 1}
    assert [x["strategy"] for x in s["strategies"]] == [PCP, KNIFE]
    assert s["strategies"][1]["total"] == 1


def test_only_strategies_present_at_the_as_at_month_are_listed():
    rows = [(OLD, PCP, "T", "P-1", "One", "complete", "2021-03"),
            (OLD, KNIFE, "T", "K-1", "Kay", "complete", "2019-03")]
    assert [x["strategy"] for x in summary(frame(rows), "2021-03", OLD)["strategies"]] == [PCP]


def test_without_the_plans_own_strategy_the_first_strategy_is_the_headline():
    rows = [(OLD, VAWG, "T", "V-1", "Vee", "complete", "2021-03"),
            (OLD, KNIFE, "T", "K-1", "Kay", "at risk", "2021-03"),
            (OLD, KNIFE, "T", "K-2", "Kay two", "on track", "2021-03")]
    s = summary(frame(rows), "2021-03", OLD)
    assert [x["strategy"] for x in s["strategies"]] == [KNIFE, VAWG]
    assert s["total"] == 2 and s["at_risk"] == [{"commitment_id": "K-1", "theme": "T", "title": "Kay"}]


def test_values_are_plain_python(commitments):
    s = summary(commitments, "2021-06", OLD)
    assert type(s["total"]) is int and all(type(v) is int for v in s["by_status"].values())
    assert all(type(t["total"]) is int and type(t["complete"]) is int for t in s["by_theme"])


def test_period_before_the_plans_first_tracker_is_refused(commitments):
    with pytest.raises(CoverageError) as info:
        summary(commitments, "2022-05", NEW)
    message = str(info.value)
    assert "commitments/commitments.csv" in message and NEW in message
    assert "May 2022" in message and "2022-06" in message and "2022-09" in message


def test_unknown_plan_is_refused(commitments):
    with pytest.raises(CoverageError) as info:
        summary(commitments, "2026-09", "Police and Crime Plan 2013-16")
    message = str(info.value)
    assert "commitments/commitments.csv" in message and "2013-16" in message and OLD in message
    assert "2021-03, 2022-06, 2022-09" in message  # the latest as-at months in the file


def test_empty_table_is_refused():
    with pytest.raises(CoverageError, match="commitments/commitments.csv has no rows"):
        summary(frame([]), "2026-09", OLD)


def test_bad_period_is_refused(commitments):
    with pytest.raises(BoardPackError, match="YYYY-MM"):
        summary(commitments, "2021-3", OLD)
