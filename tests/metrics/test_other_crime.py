"""The other crime input's monthly counts: the borough's full series, the MPS from its rows or the boroughs' sum."""

import pandas as pd
from boardpack.metrics.other_crime import measure_months
from boardpack.periods import month_range

A, B = "E09000001", "E09000002"
MONTHS = month_range("2019-02", 24)


def frame(rows):
    return pd.DataFrame(rows, columns=["area_code", "month", "measure", "offences"])


def test_mps_rows_win_over_the_boroughs_sum():
    rows = [(a, m, "Gun Crime", n) for m in MONTHS for a, n in ((A, 1), (B, 2), ("MPS", 10))]
    out = measure_months(frame(rows), A, "2019-02", [A, B])
    assert out["borough"].tolist() == [1] * 24 and out["mps"].tolist() == [10.0] * 24
    assert out.attrs["mps_source"] == {"Gun Crime": "MPS rows"}


def test_boroughs_sum_and_what_is_left_out():
    rows = [(A, m, "Hate Crime", 3) for m in MONTHS] + [(B, m, "Hate Crime", 4) for m in MONTHS[1:]]
    rows += [(A, m, "Knife Crime", 5) for m in MONTHS[1:]]  # the borough lacks a month: left out
    out = measure_months(frame(rows), A, "2019-02", [A, B])
    assert set(out["row"]) == {"Hate Crime"}
    assert out["mps"].isna().all() and out.attrs["mps_source"]["Hate Crime"] == "not available"
    full = [(B, MONTHS[0], "Hate Crime", 4)]
    out = measure_months(frame(rows + full), A, "2019-02", [A, B])
    assert out["mps"].tolist() == [7.0] * 24


def test_no_file_gives_no_rows():
    assert measure_months(None, A, "2019-02", [A, B]).empty
