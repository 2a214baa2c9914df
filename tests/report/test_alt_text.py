import pandas as pd

from boardpack.report.alt_text import bars_alt, ranked_alt, trend_alt


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
