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


# --- the sentence with intervals (benchmark practice) ----------------------------------------

def ranking_with(registry, values: dict[str, float], default: float = 0.60, mps: float = 0.67,
                 respondents: dict[str, int] | None = None, measure: str = GOOD_JOB, alpha: float = 0.05):
    """A one-quarter table: every borough at ``default`` unless given; ``respondents`` fills the column."""
    respondents = respondents or {}
    rows = [("2015-09", c, measure, values.get(c, default), respondents.get(c)) for c in registry.codes]
    rows.append(("2015-09", "MPS", measure, mps, None))
    table = pd.DataFrame(rows, columns=["quarter_end", "area_code", "measure", "proportion", "respondents"])
    if not respondents:
        table = table.drop(columns="respondents")
    else:
        table["respondents"] = table["respondents"].astype("Int64")
    names = {c: registry.by_code(c).name for c in registry.codes}
    return conf.borough_ranking(table, "2015-09", measure, names, respondents=400 if measure == GOOD_JOB else 516,
                                alpha=alpha)


BARNET = "E09000003"


def test_sentence_similar_gives_the_interval_and_the_rank_range(registry):
    r = ranking_with(registry, {BARNET: 0.69})
    assert words.confidence_sentence(r, BARNET, "Barnet") == (
        "Most recent (rolling 12 months to quarter 2 (September) 2015/16) PAS results in Barnet show confidence "
        "currently at 69%. Allowing for survey error (95% interval 64.3% to 73.3%, from an assumed 400 interviews), "
        "this is similar to the MPS average (67%). Barnet ranks 1 of 32 boroughs. Given the survey error, its rank "
        "lies between 1st and 32nd of 32."
    )


def test_sentence_above_with_a_certain_rank(registry):
    r = ranking_with(registry, {BARNET: 0.80})  # 75.8% to 83.6%: above 67%, and above every 60% (55.1–64.7)
    text = words.confidence_sentence(r, BARNET, "Barnet")
    assert "(95% interval 75.8% to 83.6%, from an assumed 400 interviews), this is above the MPS average (67%)." \
        in text
    assert text.endswith("Barnet ranks 1 of 32 boroughs. Even allowing for survey error, its rank is 1st of 32.")


def test_sentence_below_with_a_rank_range(registry):
    bexley = "E09000004"
    r = ranking_with(registry, {BARNET: 0.50, bexley: 0.52})  # both below 67%; they overlap each other
    text = words.confidence_sentence(r, BARNET, "Barnet")
    assert "this is below the MPS average (67%)." in text
    assert text.endswith("Barnet ranks 32 of 32 boroughs. Given the survey error, its rank lies between 31st and "
                         "32nd of 32.")


def test_satisfaction_sentence_with_the_respondents_column(registry):
    r = ranking_with(registry, {BARNET: 0.82}, default=0.80, mps=0.76, measure="overall",
                     respondents={BARNET: 388})
    text = words.satisfaction_sentence(r, BARNET, "Barnet")
    assert text.startswith("Most recent (rolling 12 months to quarter 2 (September) 2015/16) USS results in Barnet "
                           "show overall satisfaction currently at 82%. Allowing for survey error (95% interval ")
    assert ", from 388 interviews), this is above the MPS average (76%)." in text
    assert "assumed" not in text


def test_satisfaction_sentence_without_the_respondents_column(registry):
    r = ranking_with(registry, {BARNET: 0.78}, default=0.76, mps=0.76, measure="overall")
    text = words.satisfaction_sentence(r, BARNET, "Barnet")
    assert ", from an assumed 516 interviews), this is similar to the MPS average (76%)." in text


def test_the_level_follows_alpha(registry):
    r = ranking_with(registry, {BARNET: 0.69}, alpha=0.10)
    assert "(90% interval " in words.confidence_sentence(r, BARNET, "Barnet")
    assert words.level(0.01) == "99%" and words.level(0.05) == "95%"


@pytest.mark.parametrize("verdict, text", [("above", "above the MPS average (67%)"),
                                           ("below", "below the MPS average (67%)"),
                                           ("similar", "similar to the MPS average (67%)")])
def test_benchmark_phrase(verdict, text):
    assert words.benchmark_phrase(verdict, 67) == text


def test_benchmark_phrase_rejects_other_words():
    with pytest.raises(ValueError, match="unknown comparison"):
        words.benchmark_phrase("the same as", 67)


def test_limits_are_printed_to_one_decimal():
    # 61.76% is below a whole 62%: printed whole it would read "to 62%" beside "below the MPS average (62%)".
    assert words.interval_phrase(52.1, 61.76, 400, True, 0.05) == \
        "95% interval 52.1% to 61.8%, from an assumed 400 interviews"
    assert words.interval_phrase(52.1, 61.76, 1200, False, 0.05).endswith("from 1,200 interviews")


@pytest.mark.parametrize(("gap", "text"), [
    ({"alpha": 0.05, "gap_ci_low": 8.1, "gap_ci_high": 30.9, "gap_significant": True, "white_respondents": 1200,
      "bme_respondents": 100},
     "Allowing for survey error (95% interval 8.1 to 30.9 percentage points, from 1,200 white and 100 BME "
     "respondents), the gap is statistically significant."),
    ({"alpha": 0.1, "gap_ci_low": -5.0, "gap_ci_high": 12.5, "gap_significant": False, "white_respondents": 20,
      "bme_respondents": 1},
     "Allowing for survey error (90% interval -5 to 12.5 percentage points, from 20 white and 1 BME respondents), "
     "the gap could be chance: the interval includes no gap."),
    ({"alpha": 0.05, "gap_ci_low": None, "gap_ci_high": None, "gap_significant": None, "white_respondents": None,
      "bme_respondents": None},
     "Its uncertainty cannot be given: the satisfaction input does not say how many white and BME victims were "
     "asked."),
])
def test_gap_uncertainty_sentence(gap, text):
    from boardpack.report.survey_narrative import gap_uncertainty_sentence

    assert gap_uncertainty_sentence(gap) == text
