"""Custody visiting: the latest quarter's report and its percentages (the quarter's name: tests/report)."""

from __future__ import annotations

import pandas as pd
import pytest
from boardpack.errors import CoverageError
from boardpack.metrics import custody

WF = "E09000031"
COLUMNS = ["area_code", "quarter_end", "custody_suites", "visits_scheduled", "visits_conducted", "detainees_held",
           "detainees_spoken_to", "observations", "issues_raised"]


@pytest.fixture
def visits():
    rows = [
        (WF, "2015-06", "Leyton – weekly visits", 12, 12, 80, 40, "Made-up observation A.", ""),
        (WF, "2015-09", "Leyton – weekly visits", 13, 10, 100, 54, "Made-up observation B.", "Made-up issue."),
        (WF, "2015-12", "Leyton – weekly visits", 13, 13, 90, 45, "Later.", ""),
        ("E09000003", "2015-09", "", 8, 0, 0, 0, "", ""),
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def test_latest_report_on_or_before_period(visits):
    r = custody.latest_report(visits, WF, "2015-10")
    assert r.quarter_end == "2015-09"
    assert (r.visits_scheduled, r.visits_conducted, r.pct_visits_conducted) == (13, 10, 77)  # 76.9
    assert (r.detainees_held, r.detainees_spoken_to, r.pct_detainees_spoken_to) == (100, 54, 54)
    assert r.custody_suites == "Leyton – weekly visits" and r.issues_raised == "Made-up issue."
    assert r.as_dict()["pct_visits_conducted"] == 77
    assert custody.latest_report(visits, WF, "2015-12").quarter_end == "2015-12"


def test_zero_bases_give_no_percentage(visits):
    r = custody.latest_report(visits, "E09000003", "2015-10")
    assert r.pct_visits_conducted == 0 and r.pct_detainees_spoken_to is None
    assert r.observations == "" and r.custody_suites == ""


def test_whole_pct_rounds_half_up():
    assert custody.whole_pct(1, 8) == 13  # 12.5
    assert custody.whole_pct(3, 8) == 38  # 37.5
    assert custody.whole_pct(0, 0) is None


def test_old_or_missing_report_is_refused(visits):
    with pytest.raises(CoverageError, match="no custody visiting report"):
        custody.latest_report(visits, "E09000004", "2015-10")
    # June's report is the latest by August, but falls outside a one-month window.
    with pytest.raises(CoverageError, match="in the 1 month to August 2015"):
        custody.latest_report(visits, WF, "2015-08", within_months=1)
    assert custody.latest_report(visits, WF, "2015-08", within_months=3).quarter_end == "2015-06"
    with pytest.raises(CoverageError):
        custody.latest_report(visits, WF, "2015-09", within_months=0)


def test_the_report_shows_as_a_table():
    from boardpack.metrics.custody import CustodyReport

    report = CustodyReport("2026-09", "Leyton", 10, 9, 90, 20, 15, 75, "", "")
    frame = report.to_frame()
    assert list(frame.columns) == ["measure", "value"]
    assert dict(zip(frame["measure"], frame["value"]))["visits_conducted"] == "9"
