"""ASB calls: the monthly series against the MPS, the 12-month change and its sentence."""

from __future__ import annotations

import pandas as pd
import pytest
from boardpack.errors import CoverageError
from boardpack.metrics import asb
from boardpack.periods import month_range
from boardpack.report.narrative import asb_change_sentence

WF = "E09000031"
PERIOD = "2015-10"


def table(registry, borough_prev=10, borough_cur=9, others=1, months=24):
    """Made-up calls: Waltham Forest ``borough_prev`` a month in the earlier year and ``borough_cur``
    in the later one; every other borough ``others`` a month."""
    rows = []
    span = month_range(PERIOD, months)
    for i, m in enumerate(span):
        for code in registry.codes:
            if code == WF:
                calls = borough_cur if i >= len(span) - 12 else borough_prev
            else:
                calls = others
            rows.append((code, m, calls))
    return pd.DataFrame(rows, columns=["area_code", "month", "calls"])


def test_monthly_series_mps_is_sum_of_32(registry):
    s = asb.monthly_calls(table(registry), WF, PERIOD, registry.codes)
    assert list(s.columns) == ["month", "borough", "mps"]
    assert list(s["month"]) == month_range(PERIOD, 24)
    assert s["borough"].tolist() == [10] * 12 + [9] * 12
    # 31 other boroughs with 1 call each, plus Waltham Forest.
    assert s["mps"].tolist() == [41] * 12 + [40] * 12


def test_twelve_month_change_hand_worked(registry):
    s = asb.monthly_calls(table(registry), WF, PERIOD, registry.codes)
    c = asb.twelve_month_change(s, PERIOD)
    assert (c.current_12m, c.previous_12m, c.pct_change) == (108, 120, -10.0)
    # MPS: 480 against 492 -> -2.439...% -> -2.4
    assert (c.mps_current_12m, c.mps_previous_12m, c.mps_pct_change) == (480, 492, -2.4)


def test_change_rounds_half_up(registry):
    # 17 calls against 16 is +6.25%, printed 6.3 (round-half-even would print 6.2).
    df = table(registry, borough_prev=0, borough_cur=0)
    prev_months = month_range(PERIOD, 24)[:12]
    df.loc[(df.area_code == WF) & (df.month == prev_months[0]), "calls"] = 16
    df.loc[(df.area_code == WF) & (df.month == PERIOD), "calls"] = 17
    c = asb.twelve_month_change(asb.monthly_calls(df, WF, PERIOD, registry.codes), PERIOD)
    assert c.pct_change == 6.3


def test_sentence_decrease_increase_and_no_change(registry):
    s = asb.monthly_calls(table(registry), WF, PERIOD, registry.codes)
    text = asb_change_sentence("Waltham Forest", asb.twelve_month_change(s, PERIOD), PERIOD)
    assert text == ("Waltham Forest recorded 108 ASB calls in the 12 months to October 2015, a decrease of 10% "
                    "in ASB calls on the previous 12 months. Across the MPS there was a decrease of 2.4% in ASB calls.")
    up = asb.twelve_month_change(asb.monthly_calls(table(registry, 9, 10), WF, PERIOD, registry.codes), PERIOD)
    assert "an increase of 11.1% in ASB calls" in asb_change_sentence("Waltham Forest", up, PERIOD)
    same = asb.twelve_month_change(asb.monthly_calls(table(registry, 5, 5), WF, PERIOD, registry.codes), PERIOD)
    text = asb_change_sentence("Waltham Forest", same, PERIOD)
    assert "no change in ASB calls on the previous 12 months" in text
    assert "Across the MPS there was no change in ASB calls." in text


def test_sentence_singular_and_no_previous_calls(registry):
    c = asb.AsbChange(1, 0, None, 100, 90, 11.1)
    text = asb_change_sentence("Barnet", c, PERIOD)
    assert text.startswith("Barnet recorded 1 ASB call in the 12 months")
    assert "against none in the previous 12 months" in text


def test_incomplete_earlier_month_is_left_out(registry):
    df = table(registry)
    first = month_range(PERIOD, 24)[0]
    df = df[~((df.area_code == "E09000003") & (df.month == first))]
    s = asb.monthly_calls(df, WF, PERIOD, registry.codes)
    assert len(s) == 23 and first not in set(s["month"])
    c = asb.twelve_month_change(s, PERIOD)
    assert c.previous_12m is None and c.pct_change is None and c.mps_pct_change is None
    assert "no change can be given" in asb_change_sentence("Waltham Forest", c, PERIOD)


def test_incomplete_current_month_is_an_error(registry):
    df = table(registry)
    df = df[~((df.area_code == "E09000003") & (df.month == "2015-06"))]
    with pytest.raises(CoverageError, match="June 2015"):
        asb.monthly_calls(df, WF, PERIOD, registry.codes)


def test_unknown_borough(registry):
    with pytest.raises(CoverageError, match="not one of the 32"):
        asb.monthly_calls(table(registry), "E09000001", PERIOD, registry.codes)


# --- issue 10: the 12-month changes tested ----------------------------------------------------

def test_twelve_month_change_tested_by_hand(registry):
    s = asb.monthly_calls(table(registry, borough_prev=1, borough_cur=0, others=1), WF, PERIOD, registry.codes)
    c = asb.twelve_month_change(s, PERIOD, alpha=0.05)
    # Borough 12 -> 0: p = 2 / 2**12, significant; 0 is under 10, so small numbers.
    assert (c.previous_12m, c.current_12m) == (12, 0)
    assert c.p_value == pytest.approx(2 / 2**12) and c.significant is True and c.small_numbers is True
    # MPS 384 -> 372: 2 * P(X <= 372), X ~ Binomial(756, 1/2), worked with exact integers.
    import math

    want = min(1.0, 2 * sum(math.comb(756, i) for i in range(373)) / 2**756)
    assert c.mps_p_value == pytest.approx(want) and c.mps_significant is False and c.mps_small_numbers is False
    assert c.alpha == 0.05 and c.change_test == "quasi-poisson"
    # Neither can take the quasi-Poisson test: the borough's later total is 0, and the MPS's months vary not
    # at all (the model fits them exactly: no variation to measure): both take the exact test, each tested
    # alone (q = p).
    assert c.tests() == {"p_value": c.p_value, "q_value": c.p_value, "significant": True, "small_numbers": True,
                         "dispersion": None, "test": "exact-poisson",
                         "mps_p_value": c.mps_p_value, "mps_q_value": c.mps_p_value, "mps_significant": False,
                         "mps_small_numbers": False, "mps_dispersion": None, "mps_test": "exact-poisson"}


def test_twelve_month_change_allows_for_the_calls_month_to_month_variation(registry):
    swings = [40, 90, 35, 85, 50, 95, 30, 80, 45, 100, 40, 90]
    s = asb.monthly_calls(table(registry), WF, PERIOD, registry.codes)
    # A rise of 17%, in calls that swing from month to month differently each year (no seasonal pattern to
    # take out: the second year's swings run the other way).
    s["borough"] = swings + [v + 12 for v in reversed(swings)]
    c = asb.twelve_month_change(s, PERIOD, alpha=0.05)
    assert c.test == "quasi-poisson" and c.dispersion > 5 and not c.significant
    exact = asb.twelve_month_change(s, PERIOD, alpha=0.05, change_test="exact-poisson")
    assert exact.test == "exact-poisson" and exact.significant and exact.change_test == "exact-poisson"


def test_twelve_month_change_untested_without_alpha_or_previous_year(registry):
    s = asb.monthly_calls(table(registry), WF, PERIOD, registry.codes)
    assert asb.twelve_month_change(s, PERIOD).p_value is None
    short = asb.monthly_calls(table(registry, months=12), WF, PERIOD, registry.codes, months=12)
    c = asb.twelve_month_change(short, PERIOD, alpha=0.05)
    assert c.previous_12m is None and c.p_value is None and c.significant is None and c.alpha is None


def made_change(pct, significant, small, mps_pct=-2.4, mps_significant=False, previous=120, test="quasi-poisson"):
    return asb.AsbChange(108, previous, pct, 480, 492, mps_pct, p_value=0.5, significant=significant,
                         small_numbers=small, test=test, mps_p_value=0.5, mps_significant=mps_significant,
                         mps_small_numbers=False, mps_test="quasi-poisson", alpha=0.05)


LEAD = "Waltham Forest recorded 108 ASB calls in the 12 months to October 2015, "
CHANCE = ", not statistically significant once the usual month-to-month variation is allowed for"
EXACT = ", not statistically significant: chance variation alone could give it"


@pytest.mark.parametrize("change, expected", [
    (made_change(12.5, True, False, 3.0, True),
     LEAD + "a statistically significant rise of 12.5% in ASB calls on the previous 12 months. "
            "Across the MPS there was a statistically significant rise of 3% in ASB calls."),
    (made_change(-10.0, True, False),
     LEAD + "a statistically significant fall of 10% in ASB calls on the previous 12 months. "
            f"Across the MPS there was a decrease of 2.4% in ASB calls{CHANCE}."),
    (made_change(-10.0, False, False, -2.4, True),
     LEAD + f"a decrease of 10% in ASB calls on the previous 12 months{CHANCE}. "
            "Across the MPS there was a statistically significant fall of 2.4% in ASB calls."),
    (made_change(33.3, False, True, test="exact-poisson"),
     LEAD + f"an increase of 33.3% in ASB calls on the previous 12 months (small numbers){EXACT}. "
            f"Across the MPS there was a decrease of 2.4% in ASB calls{CHANCE}."),
    (made_change(0.0, False, False, 0.0, False),
     LEAD + "no change in ASB calls on the previous 12 months. Across the MPS there was no change in ASB calls."),
    (asb.AsbChange(108, None, None, 480, None, None),
     LEAD[:-2] + "; the 12 months before are not all in the data, so no change can be given."),
    (made_change(None, False, True, previous=0),
     LEAD[:-2] + ", against none in the previous 12 months, so no percentage change can be given."),
])
def test_sentence_says_what_the_test_says(change, expected):
    assert asb_change_sentence("Waltham Forest", change, PERIOD) == expected
