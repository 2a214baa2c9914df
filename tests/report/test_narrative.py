import pytest

from boardpack.report.narrative import change_phrase, compare_phrase, count_sentence, plural


@pytest.mark.parametrize(
    "pct, text",
    [(5.2, "an increase of 5.2% in offences"), (-26.0, "a decrease of 26% in offences"),
     (0.0, "no change in offences"), (None, "no comparable figure for offences (the previous period had none)")],
)
def test_change_phrase(pct, text):
    assert change_phrase(pct, "offences") == text


@pytest.mark.parametrize(
    "value, ref, text",
    [(69, 67, "above the MPS average (67%)"), (60, 67, "below the MPS average (67%)"),
     (80, 80, "the same as the MPS average (80%)")],
)
def test_compare_phrase(value, ref, text):
    assert compare_phrase(value, ref) == text


def test_singular_and_plural():
    assert plural(1, "borough") == "1 borough"
    assert plural(6, "borough") == "6 boroughs"
    assert plural(2, "search", "searches") == "2 searches"
    assert count_sentence(1, "borough", "has", "have") == "1 borough has"
    assert count_sentence(6, "borough", "has", "have") == "6 boroughs have"
