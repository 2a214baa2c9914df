"""The words of the survey figures: comparison on printed percentages, quarter names, the sentence."""

from __future__ import annotations

import pandas as pd
import pytest
from boardpack.errors import BoardPackError
from boardpack.metrics import confidence as conf
from boardpack.report import survey_narrative as words
from boardpack.report.custody_narrative import quarter_label as custody_quarter

GOOD_JOB = conf.GOOD_JOB


@pytest.mark.parametrize(
    "value, mps, word",
    [(69.0, 67.0, "above"), (64.0, 67.0, "below"), (67.0, 67.0, "the same as"),
     (67.4, 66.6, "the same as"), (67.5, 67.4, "above"), (66.5, 66.6, "the same as")],
)
def test_comparison_on_printed_percentages(value, mps, word):
    assert words.comparison(value, mps) == word


def test_sentence(registry):
    rows = [("2015-09", code, GOOD_JOB, 0.70 if code == "E09000003" else 0.40 + i / 100)
            for i, code in enumerate(registry.codes)] + [("2015-09", "MPS", GOOD_JOB, 0.67)]
    pas = pd.DataFrame(rows, columns=["quarter_end", "area_code", "measure", "proportion"])
    names = {c: registry.by_code(c).name for c in registry.codes}
    r = conf.borough_ranking(pas, "2015-09", GOOD_JOB, names)
    assert words.confidence_sentence(r, "E09000003", "Barnet") == (
        "Most recent (rolling 12 months to quarter 2 (September) 2015/16) PAS results in Barnet "
        "show confidence currently at 70%. This is above the MPS average (67%)."
    )
    low = r.boroughs.iloc[-1]
    assert words.confidence_sentence(r, low.area_code, low.borough).endswith("This is below the MPS average (67%).")


@pytest.mark.parametrize(
    "quarter, label",
    [("2015-09", "Quarter 2 (September) 2015/16"), ("2015-06", "Quarter 1 (June) 2015/16"),
     ("2015-12", "Quarter 3 (December) 2015/16"), ("2016-03", "Quarter 4 (March) 2015/16"),
     ("2000-03", "Quarter 4 (March) 1999/00")],
)
def test_quarter_label(quarter, label):
    assert words.quarter_label(quarter) == label


def test_quarter_label_rejects_other_months():
    with pytest.raises(BoardPackError, match="not a quarter end"):
        words.quarter_label("2015-10")


def test_custody_quarter_labels():
    assert custody_quarter("2015-03") == "January – March 2015"
    assert custody_quarter("2018-12") == "October – December 2018"
