"""Complaint allegations: rankings, change, rate per workforce, types, outcomes and their sentences.

Made-up numbers, worked by hand. Period October 2015: the current window is November 2014 to
October 2015, the previous one November 2013 to October 2014. Every borough but Waltham Forest
(registry index i) has (i mod 5) Incivility allegations a month now and 2 a month before.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from boardpack.errors import CoverageError
from boardpack.metrics import complaints as c
from boardpack.periods import month_range
from boardpack.report import complaints_narrative as words

WF = "E09000031"
PERIOD = "2015-10"
WF_NOW = {"Failures in Duty": 43, "Oppressive Behaviour": 26, "Incivility": 20, "Discrimination": 5,
          "Malpractice": 3, "Traffic Irregularity": 2, "Other": 1}
WF_BEFORE = {"Failures in Duty": 68, "Oppressive Behaviour": 27, "Incivility": 16, "Discrimination": 5,
             "Malpractice": 0, "Traffic Irregularity": 4, "Other": 1}
WF_OUTCOMES = {"No Case to Answer": 263, "Disapplication": 19, "Local Resolution": 15, "Withdrawn": 10,
               "Discontinuance": 6, "Case to Answer": 3}


def allegations_table(registry) -> pd.DataFrame:
    span = month_range(PERIOD, 24)
    rows = []
    for i, code in enumerate(registry.codes):
        for k, m in enumerate(span):
            if code != WF:
                rows.append((code, m, "Incivility", i % 5 if k >= 12 else 2))
            elif m == PERIOD:
                rows.extend((code, m, t, n) for t, n in WF_NOW.items())
            elif m == span[11]:
                rows.extend((code, m, t, n) for t, n in WF_BEFORE.items())
            else:
                rows.append((code, m, "Other", 0))
    return pd.DataFrame(rows, columns=["area_code", "month", "allegation_type", "allegations"])


def workforce_table(registry) -> pd.DataFrame:
    rows = [(code, "2015-01", 100.0) for code in registry.codes if code != WF]
    rows += [(WF, "2015-01", 400.0), (WF, "2015-06", 1600.0), (WF, "2015-12", 9999.0)]
    return pd.DataFrame(rows, columns=["area_code", "month", "workforce"])


def outcomes_table(counts=WF_OUTCOMES) -> pd.DataFrame:
    rows = [(WF, PERIOD, o, n) for o, n in counts.items()] + [(WF, "2014-10", "Withdrawn", 50)]
    return pd.DataFrame(rows, columns=["area_code", "month", "outcome", "allegations"])


def boroughs(registry):
    return {code: registry.by_code(code).name for code in registry.codes}


@pytest.fixture
def allegations(registry):
    return allegations_table(registry)


def test_share_rounds_half_up():
    from boardpack.metrics.change import share

    assert share(1, 16) == 6.3  # 6.25
    assert share(1, 8) == 12.5 and share(1, 3) == 33.3 and share(2, 3) == 66.7
    assert share(0, 0) is None


def test_allegations_by_borough_ranked(allegations, registry):
    r = c.allegations_by_borough(allegations, PERIOD, boroughs(registry))
    assert len(r) == 32 and set(r.area_code) == set(registry.codes)
    assert r.iloc[0]["borough"] == "Waltham Forest" and r.iloc[0]["allegations"] == 100 and r.iloc[0]["rank"] == 1
    by_value = r.groupby("allegations")["rank"].agg(["min", "max", "size"])
    # 48 x5 (ranks 2), 36 x6 (7), 24 x6 (13), 12 x7 (19), 0 x7 (26); ties share the best rank.
    assert by_value.loc[48].tolist() == [2, 2, 5]
    assert by_value.loc[36].tolist() == [7, 7, 6]
    assert by_value.loc[0].tolist() == [26, 26, 7]
    tied = r[r["rank"] == 2]["borough"].tolist()
    assert tied == sorted(tied)
    assert c.average_per_borough(r) == 24.5  # 784 / 32


def test_missing_borough_month_is_an_error(allegations, registry):
    df = allegations[~((allegations.area_code == "E09000003") & (allegations.month == "2015-03"))]
    with pytest.raises(CoverageError, match="Barnet"):
        c.allegations_by_borough(df, PERIOD, boroughs(registry))


def test_pct_change_by_borough(allegations, registry):
    ch = c.pct_change_by_borough(allegations, PERIOD, boroughs(registry)).set_index("area_code")
    assert ch.loc[WF, ["previous_12m", "current_12m"]].tolist() == [121, 100]
    assert ch.loc[WF, "pct_change"] == -17.4  # -21/121 = -17.355...
    assert ch.loc["E09000002", "pct_change"] == -100.0  # index 0: 0 against 24
    assert ch.loc["E09000006", "pct_change"] == 100.0  # index 4: 48 against 24
    assert ch.loc["E09000004", "pct_change"] == 0.0
    assert c.boroughs_with_increase(ch) == 11  # indices with i mod 5 in (3, 4), Waltham Forest excluded
    assert c.mps_pct_change(ch) == -9.4  # 784 against 865


def test_per_100_workforce(allegations, registry):
    r = c.per_100_workforce(allegations, workforce_table(registry), PERIOD, boroughs(registry))
    wf = r.set_index("area_code").loc[WF]
    # The latest workforce at or before October 2015 is June's 1,600; 100 / 1600 * 100 = 6.25 -> 6.3.
    assert (wf["workforce"], wf["workforce_month"], wf["rate"], wf["rank"]) == (1600.0, "2015-06", 6.3, 25)
    assert r.attrs["mps_rate"] == 16.7  # 784 / 4,700 * 100 = 16.68
    assert r["rate"].is_monotonic_decreasing


def test_per_100_workforce_needs_every_borough(allegations, registry):
    wf = workforce_table(registry)
    with pytest.raises(CoverageError, match="Barnet"):
        c.per_100_workforce(allegations, wf[wf.area_code != "E09000003"], PERIOD, boroughs(registry))


def test_by_type(allegations):
    t = c.by_type(allegations, WF, PERIOD)
    assert t["allegation_type"].tolist()[:3] == ["Failures in Duty", "Oppressive Behaviour", "Incivility"]
    row = t.set_index("allegation_type")
    assert row.loc["Failures in Duty", ["allegations", "pct", "previous_12m", "pct_change"]].tolist() == [
        43, 43.0, 68, -36.8]
    assert row.loc["Oppressive Behaviour", "pct_change"] == -3.7
    assert row.loc["Incivility", "pct_change"] == 25.0
    assert pd.isna(row.loc["Malpractice", "pct_change"])  # none before
    assert t["allegations"].sum() == 100 and len(t) == 7


EXACT = "not statistically significant: chance variation alone could give it"


def test_type_sentence(allegations):
    # by_type tests each change and the sentence says what the test says. 68 -> 43 alone has p = 0.022, but
    # tested with the other six types its q-value is 7 x 0.022 = 0.15: not significant. Each type has its
    # allegations in two months only, so the exact test is used. Without the tests it reads as before.
    text = words.type_sentence(c.by_type(allegations, WF, PERIOD))
    assert text == (
        "Failures in Duty allegations account for the highest proportion (43.0%) of all public complaint "
        f"allegations. Failures in Duty allegations decreased by 36.8% ({EXACT}) on the previous "
        "12 months. Oppressive Behaviour allegations account for 26.0% of all public complaint allegations. "
        f"Oppressive Behaviour allegations decreased by 3.7% ({EXACT}) "
        "on the previous 12 months."
    )
    untested = c.by_type(allegations, WF, PERIOD).drop(columns=["p_value", "significant", "small_numbers"])
    assert words.type_sentence(untested) == (
        "Failures in Duty allegations account for the highest proportion (43.0%) of all public complaint "
        "allegations. Failures in Duty allegations decreased by 36.8% on the previous 12 months. "
        "Oppressive Behaviour allegations account for 26.0% of all public complaint allegations. "
        "Oppressive Behaviour allegations decreased by 3.7% on the previous 12 months."
    )


def _types(now: dict, before: dict, tested: bool = False) -> pd.DataFrame:
    rows = [("X", PERIOD, t, n) for t, n in now.items()] + [("X", "2014-10", t, n) for t, n in before.items()]
    df = c.by_type(pd.DataFrame(rows, columns=["area_code", "month", "allegation_type", "allegations"]), "X", PERIOD)
    return df if tested else df.drop(columns=["p_value", "significant", "small_numbers"])


@pytest.mark.parametrize("now, before, expected", [
    ({"Incivility": 40}, {"Incivility": 80},  # significant fall
     "Incivility allegations decreased by 50% (statistically significant) on the previous 12 months."),
    ({"Incivility": 80}, {"Incivility": 40},  # significant rise
     "Incivility allegations increased by 100% (statistically significant) on the previous 12 months."),
    ({"Incivility": 42}, {"Incivility": 40},  # within chance
     f"Incivility allegations increased by 5% ({EXACT}) on the previous 12 months."),
    ({"Incivility": 3}, {"Incivility": 4},  # small numbers
     f"Incivility allegations decreased by 25% (small numbers; {EXACT}) on the previous 12 months."),
    ({"Incivility": 2}, {"Incivility": 14},  # significant on small numbers: p = 2 * 137 / 2**16
     "Incivility allegations decreased by 85.7% (small numbers; statistically significant) on the previous 12 "
     "months."),
    ({"Incivility": 7}, {"Incivility": 7},  # no change: nothing to test
     "The number of Incivility allegations did not change on the previous 12 months."),
    ({"Incivility": 7}, {},  # no previous
     "There were no Incivility allegations in the previous 12 months to compare with."),
])
def test_type_sentence_with_its_tests(now, before, expected):
    assert expected in words.type_sentence(_types(now, before, tested=True))


def test_type_sentence_ties_single_and_none():
    tie = words.type_sentence(_types({"Incivility": 5, "Other": 5, "Malpractice": 2}, {"Incivility": 4, "Other": 5}))
    assert tie.startswith("Incivility and Other allegations account for the highest proportion (41.7% each)")
    assert ("Incivility allegations increased by 25% and the number of Other allegations did not change on the "
            "previous 12 months." in tie)
    assert tie.endswith("Malpractice allegations account for 16.7% of all public complaint allegations. There were "
                        "no Malpractice allegations in the previous 12 months to compare with.")
    mixed = words.type_sentence(_types({"Incivility": 5, "Other": 5}, {"Incivility": 4}))
    assert mixed.endswith("Incivility allegations increased by 25% on the previous 12 months, and there were no "
                          "Other allegations in the previous 12 months to compare with.")
    single = words.type_sentence(_types({"Incivility": 1}, {"Incivility": 2}))
    assert single == ("All 1 public complaint allegation over the last 12 months were Incivility allegations. "
                      "Incivility allegations decreased by 50% on the previous 12 months.")
    assert words.type_sentence(_types({}, {"Incivility": 2})) == (
        "No public complaint allegations were recorded over the last 12 months.")


def test_by_outcome_and_reference_sentence():
    o = c.by_outcome(outcomes_table(), WF, PERIOD)
    assert o["outcome"].tolist()[0] == "No Case to Answer" and o["allegations"].sum() == 316
    row = o.set_index("outcome")
    assert row.loc["No Case to Answer", "pct"] == 83.2 and row.loc["Case to Answer", "pct"] == 0.9
    assert words.outcome_sentence(o) == (
        "'No case to answer' accounts for the highest proportion (83.2% or 263), followed by disapplication "
        "(6.0% or 19). 'Case to answer' outcomes account for 0.9% (3)."
    )


@pytest.mark.parametrize("counts, expected", [
    ({"Local Resolution": 4, "Withdrawn": 4, "Case to Answer": 2},
     "Local resolution and 'Withdrawn' share the highest proportion (40.0% or 4 each), followed by "
     "'Case to answer' (20.0% or 2)."),
    ({"Disapplication": 7},
     "Disapplication accounts for every outcome (100.0% or 7). No allegation had a 'Case to answer' outcome."),
    ({"Case to Answer": 9, "Withdrawn": 1},
     "'Case to answer' accounts for the highest proportion (90.0% or 9), followed by 'Withdrawn' (10.0% or 1)."),
    ({"No Case to Answer": 6, "Disapplication": 2, "Discontinuance": 2, "Case to Answer": 1},
     "'No case to answer' accounts for the highest proportion (54.5% or 6), followed by disapplication and "
     "discontinuance (18.2% or 2 each). 'Case to answer' outcomes account for 9.1% (1)."),
    ({}, "No allegation outcomes were recorded over the last 12 months."),
])
def test_outcome_sentence_grammar(counts, expected):
    rows = [(WF, PERIOD, o, n) for o, n in counts.items()]
    df = pd.DataFrame(rows, columns=["area_code", "month", "outcome", "allegations"])
    assert words.outcome_sentence(c.by_outcome(df, WF, PERIOD)) == expected


def test_total_increase_change_and_rate_sentences():
    assert words.total_sentence("Waltham Forest", 298) == (
        "Waltham Forest recorded a total of 298 public complaint allegations over the last 12 months.")
    assert words.total_sentence("Barnet", 1) == (
        "Barnet recorded a total of 1 public complaint allegation over the last 12 months.")
    assert words.total_sentence("Barnet", 0) == (
        "Barnet recorded no public complaint allegations over the last 12 months.")
    assert words.increase_sentence(6).startswith("6 boroughs have recorded an increase in the number of complaint")
    assert words.increase_sentence(1).startswith("1 borough has recorded an increase")
    assert words.increase_sentence(0).startswith("No borough has recorded an increase")
    assert words.change_sentence("Waltham Forest", 400, -26.0) == (
        "Waltham Forest recorded a decrease of 26% in the number of recorded complaint allegations.")
    assert "an increase of 3.5%" in words.change_sentence("X", 10, 3.5)
    assert "no change in the number" in words.change_sentence("X", 10, 0.0)
    assert "no percentage change can be given" in words.change_sentence("X", 0, None)
    assert words.rate_sentence("Waltham Forest", 17.9, 15.2) == (
        "Waltham Forest recorded a rate of 17.9 allegations per 100 workforce. This is above the MPS rate (15.2).")
    assert words.rate_sentence("X", 15.0, 15.0).endswith("This is the same as the MPS rate (15.0).")
    assert words.rate_sentence("X", 6.3, 16.7).endswith("below the MPS rate (16.7).")


# --- issue 10: each change tested ---------------------------------------------------------------

def exact_p(previous: int, current: int) -> float:
    """Two-sided p of the conditional test worked by hand: 2 * P(X <= min) for X ~ Binomial(n, 1/2), at most 1."""
    n, k = previous + current, min(previous, current)
    return min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2**n)


def test_pct_change_by_borough_is_tested(allegations, registry):
    ch = c.pct_change_by_borough(allegations, PERIOD, boroughs(registry), alpha=0.05).set_index("area_code")
    assert ch.attrs["alpha"] == 0.05 and ch.attrs["change_test"] == "quasi-poisson"
    # Every borough's months are constant within each period (or zero in both): no more variation than the
    # month and the change explain, so each takes the exact test of its totals.
    assert (ch["test"] == "exact-poisson").all()
    wf = ch.loc[WF]  # 121 -> 100
    assert wf["p_value"] == pytest.approx(exact_p(121, 100)) and 0.15 < wf["p_value"] < 0.2
    assert not wf["significant"] and not wf["small_numbers"]
    gone = ch.loc["E09000002"]  # 24 -> 0: 2 / 2**24
    assert gone["p_value"] == pytest.approx(2 / 2**24) and gone["significant"] and gone["small_numbers"]
    doubled = ch.loc["E09000006"]  # 24 -> 48
    assert doubled["p_value"] == pytest.approx(exact_p(24, 48)) and doubled["significant"]
    assert ch.loc["E09000004", "p_value"] == 1.0  # 24 -> 24
    from statsmodels.stats.multitest import multipletests

    q = multipletests(ch["p_value"].to_numpy(), method="fdr_bh")[1]  # the 32 boroughs are one family
    assert ch["q_value"].to_numpy() == pytest.approx(q)
    for _, r in ch.iterrows():
        assert r["p_value"] == pytest.approx(exact_p(r["previous_12m"], r["current_12m"]))
        assert r["significant"] == (r["q_value"] <= 0.05)
        assert r["small_numbers"] == (min(r["previous_12m"], r["current_12m"]) < 10)


def test_mps_change_test(allegations, registry):
    t = c.mps_change_test(allegations, PERIOD, boroughs(registry), alpha=0.05)
    assert (t.previous, t.current) == (865, 784)
    assert t.p_value == pytest.approx(exact_p(865, 784)) and 0.04 < t.p_value < 0.06
    assert t.q_value == t.p_value  # tested alone
    assert t.significant == (t.p_value <= 0.05) and not t.small_numbers
    assert c.mps_change_test(allegations, PERIOD, boroughs(registry), alpha=0.01).significant is False
    with pytest.raises(CoverageError):
        c.mps_change_test(allegations[allegations["month"] != PERIOD], PERIOD, boroughs(registry))


def test_by_type_is_tested(allegations):
    t = c.by_type(allegations, WF, PERIOD, alpha=0.05).set_index("allegation_type")
    duty = t.loc["Failures in Duty"]  # 68 -> 43: p = 0.022 alone, q = 7 x p among the seven types
    assert duty["p_value"] == pytest.approx(exact_p(68, 43)) and duty["p_value"] < 0.05
    assert duty["q_value"] == pytest.approx(7 * duty["p_value"]) and not duty["significant"]
    malpractice = t.loc["Malpractice"]  # 0 -> 3: 2 / 8
    assert malpractice["p_value"] == pytest.approx(0.25) and not malpractice["significant"]
    assert malpractice["small_numbers"]
    assert t.loc["Other", "p_value"] == 1.0 and t.loc["Other", "small_numbers"]  # 1 -> 1
    assert not t.loc["Oppressive Behaviour", "small_numbers"]  # 27 -> 26
    assert t.attrs["alpha"] == 0.05


@pytest.mark.parametrize("pct, significant, small, expected", [
    (-26.0, True, False, "Waltham Forest recorded a statistically significant fall of 26% in the number of recorded "
                         "complaint allegations."),
    (12.5, True, False, "Waltham Forest recorded a statistically significant rise of 12.5% in the number of "
                        "recorded complaint allegations."),
    (-17.4, False, False, "Waltham Forest recorded a decrease of 17.4% in the number of recorded complaint "
                          "allegations, not statistically significant once the usual month-to-month variation is "
                          "allowed for."),
    (50.0, False, True, "Waltham Forest recorded an increase of 50% in the number of recorded complaint "
                        "allegations (small numbers), not statistically significant once the usual month-to-month "
                        "variation is allowed for."),
    (0.0, False, False, "Waltham Forest recorded no change in the number of recorded complaint allegations."),
    (None, False, True, "Waltham Forest recorded no complaint allegations in the previous 12 months, so no "
                        "percentage change can be given."),
])
def test_change_sentence_with_its_test(pct, significant, small, expected):
    assert words.change_sentence("Waltham Forest", 0 if pct is None else 10, pct, significant=significant,
                                 small=small, test="quasi-poisson") == expected


@pytest.mark.parametrize("pct, significant, small, expected", [
    (-9.4, True, False, "Across the MPS there was a statistically significant fall of 9.4% in complaint allegations."),
    (3.1, True, False, "Across the MPS there was a statistically significant rise of 3.1% in complaint allegations."),
    (-2.0, False, False, "Across the MPS there was a decrease of 2% in complaint allegations, not statistically "
                         "significant once the usual month-to-month variation is allowed for."),
    (40.0, False, True, "Across the MPS there was an increase of 40% in complaint allegations (small numbers), "
                        "not statistically significant once the usual month-to-month variation is allowed for."),
    (0.0, False, False, "Across the MPS there was no change in complaint allegations."),
    (None, None, False, "Across the MPS no allegations were recorded in the previous 12 months, so no change can "
                        "be given."),
    (-9.4, None, False, "Across the MPS there was a decrease of 9.4% in complaint allegations."),
])
def test_mps_change_sentence(pct, significant, small, expected):
    assert words.mps_change_sentence(pct, significant, small, "quasi-poisson") == expected
