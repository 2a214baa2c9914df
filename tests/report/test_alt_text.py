import pandas as pd

from boardpack.report.alt_text import bars_alt, funnel_alt, intervals_alt, ranked_alt, trend_alt


def test_trend_alt_states_range_and_latest():
    df = pd.DataFrame({"m": ["Jan", "Feb", "Mar"], "b": [10, 30, 20]})
    text = trend_alt(df, "m", {"Camden": "b"}, "offences per month")
    assert text.startswith("Line chart of offences per month from Jan to Mar.")
    assert "ranged from 10 (Jan) to 30 (Feb)" in text and "was 20 in Mar" in text


def test_ranked_alt_gives_the_borough_position():
    df = pd.DataFrame({"name": ["A", "B", "C"], "v": [70, 60, 50]})
    text = ranked_alt(df, "name", "v", "B", "confidence", reference=65, percent=True)
    assert "from A (70%) to C (50%)" in text
    assert "B is 2nd of 3 at 60%" in text
    assert "65%" in text


def test_bars_alt_lists_every_bar():
    df = pd.DataFrame({"t": ["Incivility", "Other"], "n": [3, 1]})
    assert bars_alt(df, "t", "n", "allegations") == "Bar chart of allegations. Incivility: 3; Other: 1."


INTERVALS = pd.DataFrame({"n": ["A", "B", "C", "D"], "v": [80.0, 75.0, 70.0, 60.0], "lo": [76, 71, 66, 55.0],
                          "hi": [84, 79, 74, 65.0], "vs": ["above", "similar", "similar", "below"]})


def test_intervals_alt_names_the_significant_areas_and_the_borough_interval():
    text = intervals_alt(INTERVALS, "n", "v", "lo", "hi", "B", "confidence", reference=72.0, verdict="vs",
                         rank_range=(1, 3))
    assert "from A (80%) to D (60%)" in text
    assert "B is 2nd of 4 at 75% (95% interval 71% to 79%); allowing for the intervals, its rank is between 1st " \
           "and 3rd of 4." in text
    assert "B is not significantly different from the MPS average." in text
    assert "The MPS average, 72%, is marked by a dashed line." in text
    assert "Significantly above the MPS average: A." in text and "Significantly below the MPS average: D." in text


def test_intervals_alt_says_none_and_follows_the_level():
    df = INTERVALS.assign(vs="similar")
    text = intervals_alt(df, "n", "v", "lo", "hi", "D", "confidence", reference=72.0, verdict="vs", level="90%")
    assert "Significantly above the MPS average: none." in text and "with its 90% confidence interval" in text
    assert "D is 4th of 4 at 60% (90% interval 55% to 65%)." in text


def _funnel():
    points = pd.DataFrame({"label": ["P", "Q", "R", "S", "T"], "x": [100.0, 400, 900, 1600, 2500],
                           "y": [50.0, 62, 50, 30, 52]})
    se = (50 * 50 / points["x"]) ** 0.5
    limits = pd.DataFrame({"x": points["x"], "low95": 50 - 1.96 * se, "high95": 50 + 1.96 * se,
                           "low998": 50 - 3.09 * se, "high998": 50 + 3.09 * se})
    return points, limits


def test_funnel_alt_gives_target_position_and_outliers():
    points, limits = _funnel()
    text = funnel_alt(points, limits, 50.0, "T", "the share", "sample size", percent=True)
    assert text.startswith("Funnel plot of the share against sample size for 5 areas, with 95% and 99.8% control "
                           "limits around the London value of 50.0%.")
    assert "T, at 52.0%, is above the 95% limit but within the 99.8% limit." in text
    assert "Above the 99.8% limits: Q." in text and "Below the 99.8% limits: S." in text


def test_funnel_alt_within_and_no_outliers():
    points, limits = _funnel()
    calm = points[points["label"].isin(["P", "R"])]
    text = funnel_alt(calm, limits, 50.0, "R", "the rate", "population")
    assert "R, at 50.0, is within the 95% limits, so consistent with the London value." in text
    assert "No area lies outside the 99.8% limits." in text


def test_funnel_alt_uses_exact_bands_when_given():
    points, limits = _funnel()
    exact = points.assign(band=["within", "within", "within", "below 99.8%", "within"])
    text = funnel_alt(exact, limits, 50.0, "T", "the share", "sample size", percent=True)
    assert "T, at 52.0%, is within the 95% limits" in text
    assert "Below the 99.8% limits: S." in text and "Above the 99.8% limits" not in text
