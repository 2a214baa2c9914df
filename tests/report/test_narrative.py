import pytest

from boardpack.report.narrative import (
    change_phrase,
    compare_phrase,
    count_sentence,
    ordinal,
    plural,
    rank_phrase,
    significance_key,
)


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


QUASI = "not statistically significant once the usual month-to-month variation is allowed for"
EXACT = "not statistically significant: chance variation alone could give it"


@pytest.mark.parametrize(("pct", "significant", "small", "test", "text"), [
    (-15.4, True, False, "quasi-poisson", "a statistically significant fall of 15.4% in burglary"),
    (12.1, True, False, "exact-poisson", "a statistically significant rise of 12.1% in burglary"),
    (0.5, False, False, "quasi-poisson", f"an increase of 0.5% in burglary, {QUASI}"),
    (-0.5, False, False, "quasi-poisson", f"a decrease of 0.5% in burglary, {QUASI}"),
    (-0.5, False, False, "exact-poisson", f"a decrease of 0.5% in burglary, {EXACT}"),
    (33.3, False, True, "exact-poisson", f"an increase of 33.3% in burglary (small numbers), {EXACT}"),
    (33.3, False, True, None, f"an increase of 33.3% in burglary (small numbers), {EXACT}"),
    (-80.0, True, True, "exact-poisson", "a statistically significant fall of 80% in burglary (small numbers)"),
    (0.0, False, True, "quasi-poisson", "no change in burglary"),
    (None, False, False, "quasi-poisson", "no comparable figure for burglary (the previous period had none)"),
    (4.0, None, False, None, "an increase of 4% in burglary"),  # not tested: the bare phrase
])
def test_change_phrase_with_its_test(pct, significant, small, test, text):
    assert change_phrase(pct, "burglary", significant=significant, small=small, test=test) == text


def test_significance_key_names_the_level_both_marks_the_test_and_the_number_of_tests():
    key = significance_key(0.05)
    assert "5% level" in key and "*" in key and "†" in key
    assert "month-to-month variation" in key and "number of rows tested in the column" in key
    assert "1% level" in significance_key(0.01)
    exact_alone = significance_key(0.05, "exact-poisson", family=False)
    assert "exact Poisson test" in exact_alone and "rows tested" not in exact_alone


@pytest.mark.parametrize(("n", "word"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                         (13, "13th"), (21, "21st"), (22, "22nd"), (32, "32nd"), (111, "111th")])
def test_ordinal(n, word):
    assert ordinal(n) == word


def test_rank_phrase():
    assert rank_phrase(2, 9, 32) == "between 2nd and 9th of 32"
    assert rank_phrase(3, 3, 32) == "3rd of 32"


# --- issue 10: the recorded crime sentence says what each change's test says ----------------------

import pandas as pd  # noqa: E402
from boardpack.report.narrative import recorded_crime_sentence  # noqa: E402

_LEAD = "Waltham Forest recorded 23,890 notifiable offences in the 12 months to February 2019, "
_CHANCE = ", not statistically significant once the usual month-to-month variation is allowed for"
_EXACT = ", not statistically significant: chance variation alone could give it"


def _tno(pct, sig, small, mps_pct=2.5, mps_sig=True, mps_small=False, test="quasi-poisson"):
    return {"pct_change": pct, "significant": sig, "small_numbers": small, "test": test,
            "mps_pct_change": mps_pct, "mps_significant": mps_sig, "mps_small_numbers": mps_small,
            "mps_test": "quasi-poisson"}


@pytest.mark.parametrize("change, expected", [
    (_tno(4.3, True, False),
     _LEAD + "a statistically significant rise of 4.3% in recorded offences on the previous 12 months. "
             "Across the MPS there was a statistically significant rise of 2.5% in recorded offences."),
    (_tno(-15.4, True, False, -0.5, False),
     _LEAD + "a statistically significant fall of 15.4% in recorded offences on the previous 12 months. "
             f"Across the MPS there was a decrease of 0.5% in recorded offences{_CHANCE}."),
    (_tno(-0.5, False, False, -1.2, True),
     _LEAD + f"a decrease of 0.5% in recorded offences on the previous 12 months{_CHANCE}. "
             "Across the MPS there was a statistically significant fall of 1.2% in recorded offences."),
    (_tno(166.7, False, True, 0.4, False, test="exact-poisson"),
     _LEAD + f"an increase of 166.7% in recorded offences on the previous 12 months (small numbers){_EXACT}. "
             f"Across the MPS there was an increase of 0.4% in recorded offences{_CHANCE}."),
    (_tno(0.0, False, False, 0.0, False),
     _LEAD + "no change in recorded offences on the previous 12 months. "
             "Across the MPS there was no change in recorded offences."),
    (_tno(None, True, True, float("nan"), pd.NA, pd.NA),
     _LEAD + "no comparable figure for recorded offences on the previous 12 months (the previous period had "
             "none). Across the MPS there was no comparable figure for recorded offences (the previous period had "
             "none)."),
    ({"pct_change": -0.5, "mps_pct_change": 2.5},  # not tested: the bare phrases
     _LEAD + "a decrease of 0.5% in recorded offences on the previous 12 months. "
             "Across the MPS there was an increase of 2.5% in recorded offences."),
])
def test_recorded_crime_sentence_grammar(change, expected):
    assert recorded_crime_sentence("Waltham Forest", "23,890", "February 2019", change) == expected
