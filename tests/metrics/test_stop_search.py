"""Stop and search metrics: hand-worked tables, the reference pack's Figures 12 and 13, real data."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest
from boardpack.errors import BoardPackError, CoverageError
from boardpack.metrics import stop_search as m
from boardpack.metrics.change import round_half_up

BOROUGH = "E09000031"
OTHER_BOROUGH = "E09000022"
PACE = "Police and Criminal Evidence Act 1984 (section 1)"
S60 = "Criminal Justice and Public Order Act 1994 (section 60)"


def _rec(month, area=BOROUGH, group="White", legislation=PACE, type_="Person search", obj="Stolen goods", arrest=False):
    status = "borough" if area and area.startswith("E09") else ("no_location" if area is None else "outside_boroughs")
    return {
        "month": month, "area_code": area, "location_status": status, "ethnic_group": group,
        "legislation": legislation, "type": type_, "object_of_search": obj, "is_arrest": arrest,
    }  # fmt: skip


@pytest.fixture
def small():
    rows = [
        _rec("2019-01"),
        _rec("2019-01", group="Black", arrest=True, obj="Offensive weapons"),
        _rec("2019-01", group="Black", legislation=S60, obj="Anything to threaten or harm anyone"),
        _rec("2019-01", group="Not recorded", type_="Vehicle search", obj="Controlled drugs"),
        _rec("2019-01", area=OTHER_BOROUGH, group="Asian", obj="Articles for use in criminal damage", arrest=True),
        _rec("2019-01", area=None, group="Other", obj="Firearms"),
        _rec("2019-01", area="CITY", group="White", obj="Controlled drugs"),
        _rec("2019-02", group="Asian", obj="Evidence of offences under the Act"),
        _rec("2019-02", group="Not recorded"),
    ]
    return pd.DataFrame(rows)


# --- hand-worked --------------------------------------------------------------------


def test_monthly_searches(small):
    out = m.monthly_searches(small, BOROUGH, "2019-02", months=3)
    assert out["month"].tolist() == ["2018-12", "2019-01", "2019-02"]
    # s60 left out by default; the MPS column counts unlocated and City records too
    assert out["searches"].tolist() == [pd.NA, 3, 2]
    assert out["mps"].tolist() == [pd.NA, 6, 2]
    with_s60 = m.monthly_searches(small, BOROUGH, "2019-02", months=3, exclude_s60=False)
    assert with_s60["searches"].tolist()[1:] == [4, 2] and with_s60["mps"].tolist()[1:] == [7, 2]


def test_monthly_searches_outside_data(small):
    with pytest.raises(CoverageError):
        m.monthly_searches(small, BOROUGH, "2020-12")


def test_searches_by_group_leaves_out_s60_and_vehicle_only(small):
    out = m.searches_by_group(small, BOROUGH, "2019-02", months=2)
    jan = out[out["month"] == "2019-01"].set_index("ethnic_group")["searches"].to_dict()
    assert jan == {"White": 1, "Black": 1, "Asian": 0, "Other": 0, "Not recorded": 0}
    feb = out[out["month"] == "2019-02"].set_index("ethnic_group")["searches"].to_dict()
    assert feb == {"White": 0, "Black": 0, "Asian": 1, "Other": 0, "Not recorded": 1}


def _counts(rows):
    return pd.DataFrame(rows, columns=["month", "ethnic_group", "searches"])


def _month(searches: dict, month: str = "2019-01") -> pd.DataFrame:
    return _counts([(month, group, n) for group, n in searches.items()])


def test_disproportionality_hand_worked():
    counts = _counts([("2019-01", "White", 10), ("2019-01", "Black", 12), ("2019-01", "Asian", 3),
                      ("2019-01", "Other", 0), ("2019-01", "Not recorded", 5)])  # fmt: skip
    pop = pd.Series({"White": 10_000, "Black": 4_000, "Asian": 2_000, "Other": 1_000})
    out = m.disproportionality(counts, pop).set_index("ethnic_group")
    assert out.index.tolist() == ["White", "Black", "Asian", "Other"]
    assert out["rate_per_1000"].tolist() == pytest.approx([1.0, 3.0, 1.5, 0.0])
    assert out["ratio_2dp"].tolist() == [1.0, 3.0, 1.5, 0.0]


def test_disproportionality_rounds_half_up_exactly():
    # 417/1000 over 200/1000 is exactly 2.085; binary floats would round it down to 2.08.
    counts = _month({"White": 200, "Black": 417, "Asian": 1, "Other": 1})
    pop = {"White": 1000, "Black": 1000, "Asian": 1000, "Other": 1000}
    out = m.disproportionality(counts, pop).set_index("ethnic_group")
    assert round(417 / 200, 2) == 2.08
    assert out.loc["Black", "ratio_2dp"] == 2.09


def test_disproportionality_without_white_searches_has_no_ratio():
    counts = _month({"White": 0, "Black": 4, "Asian": 1, "Other": 1})
    pop = {"White": 1000, "Black": 1000, "Asian": 1000, "Other": 1000}
    out = m.disproportionality(counts, pop)
    assert out["ratio"].isna().all() and out["ratio_2dp"].isna().all()


def test_disproportionality_accepts_fold_census_frame():
    counts = _month({"White": 2, "Black": 2, "Asian": 2, "Other": 2})
    pop = pd.DataFrame({"area_code": [BOROUGH] * 4, "group": ["White", "Black", "Asian", "Other"],
                        "population": [100, 50, 25, 200]})  # fmt: skip
    out = m.disproportionality(counts, pop).set_index("ethnic_group")
    assert out["ratio_2dp"].tolist() == [1.0, 2.0, 4.0, 0.5]


def test_disproportionality_needs_every_population():
    counts = _counts([("2019-01", "White", 2)])
    with pytest.raises(BoardPackError, match="Other"):
        m.disproportionality(counts, {"White": 1, "Black": 1, "Asian": 1})
    with pytest.raises(BoardPackError, match="Black"):
        m.disproportionality(counts, {"White": 1, "Black": 0, "Asian": 1, "Other": 1})


def test_not_recorded_share():
    counts = _counts([("2019-01", "White", 331), ("2019-01", "Not recorded", 1),
                      ("2019-02", "White", 0), ("2019-02", "Not recorded", 0)])  # fmt: skip
    out = m.not_recorded_share(counts)
    assert out["searches"].tolist() == [332, 0]
    assert out["pct_not_recorded"].iloc[0] == 0.3
    assert pd.isna(out["pct_not_recorded"].iloc[1])


def test_last_month_summary(small):
    out = m.last_month_summary(small, BOROUGH, "2019-01").set_index("area_code")
    # borough: 4 searches (s60 and vehicle-only included), 1 arrest, 2 weapons (offensive
    # weapons, the s60 object), 1 key crime (stolen goods)
    assert out.loc[BOROUGH, ["searches", "arrests", "weapons", "key_crime"]].tolist() == [4, 1, 2, 1]
    assert out.loc[BOROUGH, ["arrest_rate", "pct_weapons", "pct_key_crime"]].tolist() == [25.0, 50.0, 25.0]
    # MPS: all 7 records; weapons adds Firearms, key crime counts stolen goods and criminal damage
    assert out.loc["MPS", ["searches", "arrests", "weapons", "key_crime"]].tolist() == [7, 2, 3, 2]
    assert out.loc["MPS", "arrest_rate"] == 28.6  # 2/7 = 28.571...
    assert (m.WEAPONS_TARGET_PCT, m.KEY_CRIME_TARGET_PCT) == (20.0, 40.0)


def test_last_month_summary_month_missing(small):
    with pytest.raises(CoverageError):
        m.last_month_summary(small, BOROUGH, "2018-01")


def test_coverage_helpers(small):
    assert m.months_present(small) == ["2019-01", "2019-02"]
    cov = m.borough_coverage(small).set_index("month")
    assert cov.loc["2019-01", ["records", "borough", "no_location", "outside_boroughs"]].tolist() == [7, 5, 1, 1]
    assert cov.loc["2019-01", "share_borough"] == pytest.approx(5 / 7)
    assert cov["borough_split_ok"].tolist() == [False, True]


# --- reference pack (Waltham Forest, October 2015), Figure 12 ------------------------

REF_MONTHS = ["2014-10", "2014-11", "2014-12", "2015-01", "2015-02", "2015-03", "2015-04",
              "2015-05", "2015-06", "2015-07", "2015-08", "2015-09", "2015-10"]  # fmt: skip
REF_POPULATION = {"White": 134_799, "Black": 51_762, "Asian": 54_412, "Other": 17_276}
# (searches, printed ratio) per month; None where the pack prints an empty "()".
REF_COUNTS = {
    "White": [187, 180, 142, 183, 158, 229, 175, 146, 177, 224, 221, 214, 289],
    "Black": [150, 162, 120, 144, 124, 200, 180, 126, 170, 164, 155, 150, 172],
    "Asian": [107, 104, 113, 108, 94, 135, 129, 98, 125, 130, 124, 105, 154],
    "Other": [4, 4, None, 4, 3, 7, 4, 9, 8, 5, 6, 5, 6],
    "Not recorded": [None, None, 1, 3, 2, 1, None, 1, 2, 1, 1, 2, 2],
}
REF_RATIOS = {
    "Black": [2.09, 2.34, 2.20, 2.05, 2.04, 2.27, 2.68, 2.25, 2.50, 1.91, 1.83, 1.83, 1.55],
    "Asian": [1.42, 1.43, 1.97, 1.46, 1.47, 1.46, 1.83, 1.66, 1.75, 1.44, 1.39, 1.22, 1.32],
    "Other": [0.17, 0.17, None, 0.17, 0.15, 0.24, 0.18, 0.48, 0.35, 0.17, 0.21, 0.18, 0.16],
}
REF_PCT_NOT_RECORDED = [0.0, 0.0, 0.3, 0.7, 0.5, 0.2, 0.0, 0.3, 0.4, 0.2, 0.2, 0.4, 0.3]
# Figure 11, "PACE and Other S&S" (all searches excluding s60, vehicle-only included).
REF_FIG11 = [456, 458, 381, 444, 387, 575, 494, 386, 489, 533, 511, 478, 635]
# Cells the pack prints as "()" although the searches count is 0, where we print 0.00.
KNOWN_DIFFERENCES = {("2014-12", "Other")}


@pytest.fixture
def reference_counts():
    rows = [
        (month, group, counts[i] or 0)  # "()" is a month with no searches of that group
        for group, counts in REF_COUNTS.items()
        for i, month in enumerate(REF_MONTHS)
    ]
    return _counts(rows)


def test_reference_figure12_ratios_all_months(reference_counts):
    out = m.disproportionality(reference_counts, REF_POPULATION).set_index(["month", "ethnic_group"])
    assert (out.xs("White", level="ethnic_group")["ratio_2dp"] == 1.0).all()
    mismatches = []
    for group, printed in REF_RATIOS.items():
        for month, value in zip(REF_MONTHS, printed):
            ours = out.loc[(month, group), "ratio_2dp"]
            if value is None:
                assert (month, group) in KNOWN_DIFFERENCES
                assert ours == 0.0 and out.loc[(month, group), "searches"] == 0
            elif ours != value:
                mismatches.append((month, group, value, ours))
    assert mismatches == []


def test_reference_figure12_not_recorded_share(reference_counts):
    out = m.not_recorded_share(reference_counts)
    assert out["month"].tolist() == REF_MONTHS
    assert out["pct_not_recorded"].tolist() == REF_PCT_NOT_RECORDED


def test_reference_figure12_is_a_subset_of_figure11(reference_counts):
    # Figure 12 leaves out vehicle-only searches, so its monthly totals never exceed Figure
    # 11's; the gap (8 in Oct 2014, 12 in Oct 2015) cannot be checked from printed figures.
    totals = reference_counts.groupby("month")["searches"].sum()
    gaps = [fig11 - int(totals[mo]) for mo, fig11 in zip(REF_MONTHS, REF_FIG11)]
    assert all(g >= 0 for g in gaps)
    assert (gaps[0], gaps[-1]) == (8, 12)


# --- reference pack, Figure 13 ------------------------------------------------------


def _whole_counts(pct: float, volume: int) -> list[int]:
    """Whole counts whose share of ``volume`` rounds half-up (1 dp) to ``pct``."""
    return [n for n in range(volume + 1) if round_half_up(Fraction(100 * n, volume), 1) == pct]


def test_reference_figure13_borough_counts_are_recoverable():
    # 635 searches: each printed percentage is reached by exactly one whole count.
    assert _whole_counts(14.6, 635) == [93]
    assert _whole_counts(11.3, 635) == [72]
    assert _whole_counts(18.3, 635) == [116]
    rows = [
        _rec("2015-10", arrest=i < 93,
             obj="Offensive weapons" if i < 72 else "Stolen goods" if i < 72 + 116 else "Controlled drugs")
        for i in range(635)
    ]  # fmt: skip
    out = m.last_month_summary(pd.DataFrame(rows), BOROUGH, "2015-10").set_index("area_code")
    printed = out.loc[BOROUGH, ["searches", "arrest_rate", "pct_weapons", "pct_key_crime"]].tolist()
    assert printed == [635, 14.6, 11.3, 18.3]


def test_reference_figure13_mps_counts_are_not_recoverable():
    # 14,914 searches: 0.1% is ~15 searches, so many whole counts print the same figure and
    # the MPS arrests, weapons and key crime searches cannot be derived from the pack.
    for pct in (18.0, 14.8, 22.2):
        assert len(_whole_counts(pct, 14_914)) > 1


# --- real data ----------------------------------------------------------------------


@pytest.mark.real_data
def test_real_lambeth_black_white_ratio(real_data_dir, registry):
    from boardpack.loaders import stop_search as loader

    table = loader.load(loader.discover(real_data_dir), registry)["stop_search"]
    census = pd.read_csv(real_data_dir / "census_ethnicity" / "la-ethnic-groups.csv")
    lambeth = census[census["geography code"] == "E09000022"].iloc[0]
    population = {
        "White": int(lambeth["Ethnic Group: White; measures: Value"]),
        "Black": int(lambeth["Ethnic Group: Black; measures: Value"]),
        "Asian": int(lambeth["Ethnic Group: Asian; measures: Value"]),
        "Other": int(lambeth["Ethnic Group: Other; measures: Value"]),
    }
    assert (population["White"], population["Black"]) == (173_025, 78_542)
    # The README's figures count every Lambeth search in Mar-2018..Feb-2019 (s60 and
    # vehicle searches included) as one period, so count here rather than per month.
    year = table[table["month"].between("2018-03", "2019-02") & (table["area_code"] == "E09000022")]
    counts = year.groupby("ethnic_group").size().reindex(m.GROUPS, fill_value=0)
    frame = pd.DataFrame({"month": "2018-03..2019-02", "ethnic_group": counts.index, "searches": counts.values})
    out = m.disproportionality(frame, population).set_index("ethnic_group")
    # The README prints 1 dp; points snapped onto a borough edge can fall either side
    # depending on the GIS tool and projection grid, so allow a few tenths per 1,000.
    assert out.loc["Black", "rate_per_1000"] == pytest.approx(87.0, abs=0.3)
    assert out.loc["White", "rate_per_1000"] == pytest.approx(15.5, abs=0.3)
    assert out.loc["Black", "ratio"] == pytest.approx(5.6, abs=0.05)


# --- uncertainty: ratio intervals, small bases, Wilson verdicts, year on year ---------


def test_ratio_interval_from_clopper_pearson_limits():
    # 10 Black and 10 White searches: the Clopper-Pearson 95% limits of 10/20 are the tabulated
    # 0.2720 and 0.7280; each limit pi gives a ratio pi / (1 - pi) x P_white / P_black, and the
    # Black population being half the White one doubles it: 0.7471 and 5.354 around a ratio of 2.
    counts = _month({"White": 10, "Black": 10, "Asian": 0, "Other": 5})
    pop = {"White": 1000, "Black": 500, "Asian": 1000, "Other": 1000}
    out = m.disproportionality(counts, pop).set_index("ethnic_group")
    assert out.loc["Black", "ratio_2dp"] == 2.0
    low, high = out.loc["Black", ["ci_low", "ci_high"]]
    assert low == pytest.approx(0.27195785 / 0.72804215 * 2, rel=1e-7)
    assert high == pytest.approx(0.72804215 / 0.27195785 * 2, rel=1e-7)
    assert (round(low, 4), round(high, 3)) == (0.7471, 5.354)


def test_ratio_interval_of_a_zero_count_has_the_closed_form_upper_limit():
    # 0 of 10 + 0: lower limit 0; upper limit pi = 1 - (alpha/2)^(1/n) with n = 0 + 10 White
    # searches is the exact one-sided Clopper-Pearson bound.
    counts = _month({"White": 10, "Black": 0, "Asian": 1, "Other": 1})
    pop = {"White": 1000, "Black": 1000, "Asian": 1000, "Other": 1000}
    out = m.disproportionality(counts, pop).set_index("ethnic_group")
    pi = 1 - 0.025 ** (1 / 10)
    assert out.loc["Black", "ratio_2dp"] == 0.0
    assert out.loc["Black", "ci_low"] == 0.0
    assert out.loc["Black", "ci_high"] == pytest.approx(pi / (1 - pi), rel=1e-9)


def test_ratio_interval_follows_alpha():
    counts = _month({"White": 40, "Black": 30, "Asian": 20, "Other": 10})
    pop = {"White": 1000, "Black": 1000, "Asian": 1000, "Other": 1000}
    wide = m.disproportionality(counts, pop, alpha=0.01).set_index("ethnic_group")
    narrow = m.disproportionality(counts, pop, alpha=0.2).set_index("ethnic_group")
    assert wide.attrs["alpha"] == 0.01 and narrow.attrs["alpha"] == 0.2
    assert wide.attrs["method"] == m.RATIO_METHOD
    for g in ("Black", "Asian", "Other"):
        assert wide.loc[g, "ci_low"] < narrow.loc[g, "ci_low"] < narrow.loc[g, "ratio"]
        assert narrow.loc[g, "ratio"] < narrow.loc[g, "ci_high"] < wide.loc[g, "ci_high"]


def test_small_base_at_9_and_10_and_white_has_no_interval():
    counts = _month({"White": 20, "Black": 9, "Asian": 10, "Other": 11})
    pop = {"White": 1000, "Black": 1000, "Asian": 1000, "Other": 1000}
    out = m.disproportionality(counts, pop).set_index("ethnic_group")
    assert out["small_base"].tolist() == [False, True, False, False]
    # White is 1 by definition: no interval; every other group has one around its ratio.
    assert out.loc["White", "ratio"] == 1.0
    assert pd.isna(out.loc["White", "ci_low"]) and pd.isna(out.loc["White", "ci_high"])
    for g in ("Black", "Asian", "Other"):
        assert out.loc[g, "ci_low"] < out.loc[g, "ratio"] < out.loc[g, "ci_high"]
    small_white = m.disproportionality(_month({"White": 9, "Black": 20, "Asian": 1, "Other": 1}), pop)
    assert small_white.set_index("ethnic_group").loc["White", "small_base"]


def test_no_white_searches_means_no_interval():
    counts = _month({"White": 0, "Black": 4, "Asian": 1, "Other": 0})
    pop = {"White": 1000, "Black": 1000, "Asian": 1000, "Other": 1000}
    out = m.disproportionality(counts, pop)
    assert out["ci_low"].isna().all() and out["ci_high"].isna().all()
    assert out["small_base"].tolist() == [True, True, True, True]


def test_mask_ratios_blanks_the_interval_and_the_flag():
    counts = pd.concat([_month({"White": 20, "Black": 30, "Asian": 5, "Other": 1}, "2018-02"),
                        _month({"White": 20, "Black": 30, "Asian": 5, "Other": 1}, "2018-04")])
    pop = {"White": 1000, "Black": 1000, "Asian": 1000, "Other": 1000}
    out = m.mask_ratios(m.disproportionality(counts, pop, alpha=0.1), ["2018-02"])
    hidden, shown = out[out["month"] == "2018-02"], out[out["month"] == "2018-04"]
    assert hidden["ci_low"].isna().all() and hidden["ci_high"].isna().all()
    assert hidden["small_base"].isna().all()
    assert shown["small_base"].tolist() == [False, False, True, True]
    assert shown["ci_low"].notna().sum() == 3
    assert out.attrs["alpha"] == 0.1


def test_reference_figure12_ratios_lie_in_their_intervals(reference_counts):
    out = m.disproportionality(reference_counts, REF_POPULATION)
    groups = out[out["ethnic_group"] != "White"]
    assert ((groups["ci_low"] <= groups["ratio"]) & (groups["ratio"] <= groups["ci_high"])).all()
    # October 2015: 172 Black and 289 White searches; Other had 6, a small base.
    oct15 = out[out["month"] == "2015-10"].set_index("ethnic_group")
    assert oct15.loc["Black", "ratio_2dp"] == 1.55 and not oct15.loc["Black", "small_base"]
    assert oct15.loc["Other", "small_base"]


def _wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson (1927) score interval, written out."""
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def _last_month_rows(n: int, arrests: int, weapons: int, key: int, area: str = BOROUGH) -> list[dict]:
    return [_rec("2019-02", area=area, arrest=i < arrests,
                 obj="Offensive weapons" if i < weapons else "Stolen goods" if i < weapons + key
                 else "Controlled drugs") for i in range(n)]  # fmt: skip


def test_last_month_wilson_intervals_and_target_verdicts():
    # Borough: 100 searches, 30 weapons (Wilson 21.9-39.6%: above 20%, beyond chance), 20 key
    # crime (13.3-28.9%: below 40%); 25 arrests (17.5-34.3%). Elsewhere 900 searches with 90
    # arrests: the MPS rate is 115/1000 = 11.5%, below the borough's interval.
    rows = _last_month_rows(100, 25, 30, 20) + _last_month_rows(900, 90, 180, 360, area=OTHER_BOROUGH)
    out = m.last_month_summary(pd.DataFrame(rows), BOROUGH, "2019-02").set_index("area_code")
    b = out.loc[BOROUGH]
    for measure, k in (("arrest_rate", 25), ("pct_weapons", 30), ("pct_key_crime", 20)):
        low, high = _wilson(k, 100)
        assert b[f"{measure}_low"] == pytest.approx(low * 100, rel=1e-9)
        assert b[f"{measure}_high"] == pytest.approx(high * 100, rel=1e-9)
    assert (round(b["pct_weapons_low"], 1), round(b["pct_weapons_high"], 1)) == (21.9, 39.6)
    assert b["pct_weapons_vs_target"] == "above"
    assert b["pct_key_crime_vs_target"] == "below"
    assert b["arrest_rate_vs_mps"] == "above"
    mps = out.loc["MPS"]
    assert mps["arrest_rate_vs_mps"] is None
    assert (mps["pct_weapons"], mps["pct_key_crime"]) == (21.0, 38.0)
    assert mps["pct_weapons_vs_target"] == "similar"  # 210/1000: 18.6-23.6% holds 20%
    assert mps["pct_key_crime_vs_target"] == "similar"  # 380/1000: 35.0-41.0% holds 40%
    assert out.attrs == {"alpha": 0.05, "method": m.PROPORTION_METHOD}


def test_last_month_verdict_not_distinguishable_on_a_small_month():
    # 10 searches, 3 weapons: 30% but the interval (10.8-60.3%) holds the 20% target.
    rows = _last_month_rows(10, 1, 3, 3) + _last_month_rows(50, 5, 10, 20, area=OTHER_BOROUGH)
    b = m.last_month_summary(pd.DataFrame(rows), BOROUGH, "2019-02").set_index("area_code").loc[BOROUGH]
    assert b["pct_weapons"] == 30.0
    assert (round(b["pct_weapons_low"], 1), round(b["pct_weapons_high"], 1)) == (10.8, 60.3)
    assert b["pct_weapons_vs_target"] == "similar"
    assert b["arrest_rate_vs_mps"] == "similar"


def test_last_month_without_borough_searches_has_no_interval():
    rows = _last_month_rows(20, 2, 4, 8, area=OTHER_BOROUGH)
    b = m.last_month_summary(pd.DataFrame(rows), BOROUGH, "2019-02").set_index("area_code").loc[BOROUGH]
    assert b["searches"] == 0 and pd.isna(b["arrest_rate_low"]) and b["pct_weapons_vs_target"] is None


def _monthly(first, last, mps_first=1000, mps_last=1100) -> pd.DataFrame:
    months = ["2018-02", "2018-03", "2018-04", "2018-05", "2018-06", "2018-07", "2018-08", "2018-09",
              "2018-10", "2018-11", "2018-12", "2019-01", "2019-02"]  # fmt: skip
    searches = [first] + [50] * 11 + [last]
    mps = [mps_first] + [1000] * 11 + [mps_last]
    return pd.DataFrame({"month": months, "searches": pd.array(searches, dtype="Int64"),
                         "mps": pd.array(mps, dtype="Int64")})


def test_year_on_year_hand_worked():
    # 20 -> 40: under no change 40 | 60 ~ Binomial(60, 1/2); two-sided p = 2 P(X >= 40).
    from math import comb

    out = m.year_on_year(_monthly(20, 40), [], alpha=0.05).set_index("area")
    b = out.loc["borough"]
    p = 2 * sum(comb(60, k) for k in range(40, 61)) / 2**60
    assert (b["previous_month"], b["current_month"], b["previous"], b["current"]) == ("2018-02", "2019-02", 20, 40)
    assert b["pct_change"] == 100.0
    assert b["p_value"] == pytest.approx(p, rel=1e-9) and round(p, 4) == 0.0135
    assert b["significant"] is True and b["small_numbers"] is False and b["reason"] is None
    assert out.loc["MPS", "pct_change"] == 10.0 and out.loc["MPS", "significant"] is True
    # One month against one month: no monthly series, so the exact test, named, tested alone (q = p).
    assert out.attrs == {"alpha": 0.05, "change_test": "exact-poisson", "test": m.TEST_NAMES["exact-poisson"]}
    assert b["test"] == "exact-poisson" and b["q_value"] == b["p_value"] and b["dispersion"] is None
    # At alpha = 0.01 the same change is within chance.
    assert m.year_on_year(_monthly(20, 40), [], alpha=0.01).iloc[0]["significant"] is False


def test_year_on_year_small_numbers():
    b = m.year_on_year(_monthly(9, 12), []).iloc[0]
    assert b["small_numbers"] is True and b["significant"] is False and b["pct_change"] == 33.3


def test_year_on_year_skips_an_unsplittable_or_absent_month():
    masked = m.mask_monthly(_monthly(20, 40), ["2018-02"])
    out = m.year_on_year(masked, ["2018-02"]).set_index("area")
    assert out.loc["borough", "reason"] == "unsplittable"
    assert out.loc["borough", "previous"] is None and out.loc["borough", "current"] == 40
    assert out.loc["borough", "p_value"] is None and out.loc["borough", "significant"] is None
    assert out.loc["MPS", "reason"] is None  # the MPS count does not need a location
    absent = _monthly(20, 40)
    absent.loc[0, ["searches", "mps"]] = pd.NA
    out = m.year_on_year(absent, []).set_index("area")
    assert out["reason"].tolist() == ["not_in_data", "not_in_data"]


def test_year_on_year_needs_thirteen_months():
    with pytest.raises(BoardPackError):
        m.year_on_year(_monthly(1, 2).iloc[1:], [])
