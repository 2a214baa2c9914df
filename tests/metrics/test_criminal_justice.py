"""Criminal justice: latest London against England and Wales per measure and the trend.

The labels and sentences made from them are tested in tests/report/test_justice_narrative.py.
"""

from __future__ import annotations

import pandas as pd
import pytest
from boardpack.errors import CoverageError
from boardpack.metrics import criminal_justice as cj

ROWS = [
    ("offence_to_completion_days", "2018-09", "London", 158.0, "days"),
    ("offence_to_completion_days", "2018-09", "England and Wales", 151.0, "days"),
    ("offence_to_completion_days", "2018-12", "London", 160.0, "days"),
    ("offence_to_completion_days", "2018-12", "England and Wales", 150.0, "days"),
    ("offence_to_completion_days", "2019-03", "London", 170.0, "days"),
    ("offence_to_completion_days", "2019-03", "England and Wales", 149.0, "days"),
    ("charge_to_completion_days", "2018-09", "London", 60.5, "days"),
    ("charge_to_completion_days", "2018-09", "England and Wales", 61.5, "days"),
    ("charge_to_completion_days", "2018-12", "London", 62.0, "days"),  # no England and Wales value yet
    ("proven_reoffending_rate", "2017-03", "London", 27.5, "percent"),
    ("proven_reoffending_rate", "2017-03", "England and Wales", 29.0, "percent"),
    ("reoffences_per_reoffender", "2017-03", "London", 3.9, "count"),
    ("reoffences_per_reoffender", "2017-03", "England and Wales", 4.0, "count"),
]


@pytest.fixture
def table():
    return pd.DataFrame(ROWS, columns=["measure", "period_end", "area", "value", "unit"])


def test_latest_comparison(table):
    t = cj.latest_comparison(table, "2019-01").set_index("measure")
    assert list(t.index) == list(cj.MEASURES)
    assert t.loc["offence_to_completion_days", ["period_end", "london", "england_wales", "difference"]].tolist() == [
        "2018-12", 160.0, 150.0, 10.0]
    # December has London only, so September (both areas) is shown.
    assert t.loc["charge_to_completion_days", ["period_end", "difference"]].tolist() == ["2018-09", -1.0]
    assert t.loc["proven_reoffending_rate", "difference"] == -1.5
    assert t.loc["reoffences_per_reoffender", "difference"] == -0.1  # exact, not -0.10000000000000009
    assert list(t.reset_index().columns) == ["measure", "unit", "period_end", "london", "england_wales", "difference"]


def test_latest_comparison_nothing_in_time(table):
    with pytest.raises(CoverageError, match="January 2016"):
        cj.latest_comparison(table, "2016-01")
    only = cj.latest_comparison(table, "2017-06")
    assert only["measure"].tolist() == ["proven_reoffending_rate", "reoffences_per_reoffender"]


def test_trend(table):
    t = cj.trend(table, "offence_to_completion_days")
    assert t["period_end"].tolist() == ["2018-09", "2018-12", "2019-03"]
    assert t["london"].tolist() == [158.0, 160.0, 170.0] and t["england_wales"].tolist() == [151.0, 150.0, 149.0]
    assert cj.trend(table, "offence_to_completion_days", "2019-01")["period_end"].tolist() == ["2018-09", "2018-12"]
    gap = cj.trend(table, "charge_to_completion_days")
    assert pd.isna(gap["england_wales"].iloc[-1])
    with pytest.raises(CoverageError):
        cj.trend(table, "offence_to_completion_days", "2010-01")
