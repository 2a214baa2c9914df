"""Recorded crime rows (Figure 1) on hand-made fixtures and on the real MPS files."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from boardpack.errors import CoverageError, DataValidationError
from boardpack.loaders import crime as crime_loader
from boardpack.loaders.mappings import crime_mappings, read_crime_mapping
from boardpack.metrics import crime as m
from boardpack.periods import month_range
from boardpack.registry import load_registry

SOUTHWARK, CAMDEN = "E09000028", "E09000007"


@pytest.fixture(scope="module")
def fixture_crime():
    from pathlib import Path

    data = Path(__file__).resolve().parent.parent / "data" / "crime"
    return crime_loader.load(crime_loader.discover(data), load_registry())["crime"]


# The mapping table the metrics are handed (the notebook's pack.crime_mappings()).
MAPPINGS = crime_mappings(m.MAPPABLE_ROWS)


def line(table, row):
    return table.set_index("row").loc[row]


def test_pack_rows_follow_the_reference_order():
    assert m.ROW_NAMES[:9] == [
        "Total Notifiable Offences", "Violence with Injury", "Robbery (Total)", "Burglary (Total)",
        "Theft From Person", "Theft/Taking of Motor Vehicle", "Theft From Motor Vehicle", "Criminal Damage", "MOPAC 7",
    ]
    assert m.FIGURE1_ROWS[-1] == "Faith Hate Crime" and len(m.FIGURE1_ROWS) == 30


@pytest.mark.parametrize("vintage", m.VINTAGES)
def test_every_mapping_loads_and_supplies_mopac7(vintage):
    mapping = read_crime_mapping(vintage, m.MAPPABLE_ROWS)
    assert list(mapping.columns) == ["major", "minor", "row", "note"]
    assert len(m.mapping_of(MAPPINGS, vintage)) == len(mapping)
    assert set(m.MOPAC7_ROWS) <= set(m.available_rows(MAPPINGS, vintage))
    assert not set(m.UNAVAILABLE_ROWS) & set(m.available_rows(MAPPINGS, vintage))


def test_assault_with_injury_only_in_the_2008_scheme():
    assert "Assault with Injury" in m.available_rows(MAPPINGS, "ho_2008")
    for vintage in ("mixed_2010", "upper_2010", "new_2024"):
        assert "not published separately in the " + vintage in m.unavailable_reason("Assault with Injury", MAPPINGS,
                                                                                    vintage)


def test_recorded_crime_table_hand_worked(fixture_crime):
    table = m.recorded_crime_table(fixture_crime, MAPPINGS, SOUTHWARK, "2014-10")
    assert table.attrs["vintage"] == "ho_2008"
    assert table.attrs["current_months"] == ("2013-11", "2014-10")
    assert table["row"].tolist() == m.ROW_NAMES
    # Southwark: previous = 12 months of the Historic file; current = 2 months of it + 10 of the later file.
    tno = line(table, "Total Notifiable Offences")
    assert (tno.previous_12m, tno.current_12m, tno["pct_change"]) == (444, 494, 11.3)
    # MPS adds Lambeth (4 burglaries a month) and the airports row (3 thefts a month).
    assert (tno.mps_previous_12m, tno.mps_current_12m, tno.mps_pct_change) == (528, 578, 9.5)
    burglary = line(table, "Burglary (Total)")
    assert (burglary.previous_12m, burglary.current_12m, burglary["pct_change"]) == (120, 90, -25.0)
    assert (burglary.mps_previous_12m, burglary.mps_current_12m, burglary.mps_pct_change) == (168, 138, -17.9)
    robbery = line(table, "Robbery (Total)")
    assert (robbery.previous_12m, robbery.current_12m, robbery["pct_change"]) == (24, 4, -83.3)
    mopac = line(table, "MOPAC 7")
    assert (mopac.previous_12m, mopac.current_12m, mopac["pct_change"]) == (204, 154, -24.5)
    assert (mopac.mps_previous_12m, mopac.mps_current_12m, mopac.mps_pct_change) == (252, 202, -19.8)
    assert (line(table, "Assault with Injury").current_12m,
            line(table, "Violence with Injury")["pct_change"]) == (60, 0.0)
    tfp = line(table, "Theft From Person")
    assert tfp.available and tfp.current_12m == 0 and pd.isna(tfp["pct_change"])


def test_unavailable_rows_are_missing_not_zero(fixture_crime):
    table = m.recorded_crime_table(fixture_crime, MAPPINGS, SOUTHWARK, "2014-10")
    knife = line(table, "Knife Crime")
    assert not knife.available and knife.note == "not published in the MPS borough-level files"
    assert pd.isna(knife.previous_12m) and pd.isna(knife.current_12m) and pd.isna(knife.mps_current_12m)
    assert not (table.loc[~table.available, ["previous_12m", "current_12m"]] == 0).any().any()
    assert table.available.sum() == len(m.available_rows(MAPPINGS, "ho_2008"))


def test_mps_includes_airports_and_unknown_boroughs_do_not(fixture_crime):
    counts = m.area_row_counts(fixture_crime, MAPPINGS, "upper_2010")
    tno = counts[(counts.row == "Total Notifiable Offences")
                 & (counts.month == "2023-06")].set_index("area_code")["count"]
    # Camden 17 burglaries + 27 violence; Unknown 90 thefts (the later file wins for 2023-06).
    assert tno[CAMDEN] == 44 and tno["UNKNOWN"] == 90 and tno["MPS"] == 134


def test_monthly_series(fixture_crime):
    series = m.monthly_series(fixture_crime, MAPPINGS, SOUTHWARK, "2014-10", months=3)
    assert series["month"].tolist() == ["2014-08", "2014-09", "2014-10"]
    assert series["borough"].tolist() == [42, 42, 42] and series["mps"].tolist() == [49, 49, 49]
    with pytest.raises(CoverageError, match="Knife Crime"):
        m.monthly_series(fixture_crime, MAPPINGS, SOUTHWARK, "2014-10", months=3, row="Knife Crime")


def test_choose_vintage_rule(fixture_crime):
    assert m.choose_vintage(fixture_crime, MAPPINGS, "2014-10") == "ho_2008"
    assert m.choose_vintage(fixture_crime, MAPPINGS, "2023-06", months=4) == "upper_2010"
    # upper_2010 and new_2024 tie on rows: the most recently published wins.
    assert m.choose_vintage(fixture_crime, MAPPINGS, "2023-06", months=2) == "new_2024"
    assert m.choose_vintage(fixture_crime, MAPPINGS, "2023-06", months=2, prefer="upper_2010") == "upper_2010"


def test_coverage_error_names_the_months_per_vintage(fixture_crime):
    with pytest.raises(CoverageError) as info:
        m.choose_vintage(fixture_crime, MAPPINGS, "2020-01")
    msg = str(info.value)
    assert "2018-02 to 2020-01" in msg and "ho_2008 2012-11 to 2014-10" in msg and "new_2024 2023-05 to 2023-08" in msg


def test_vintage_coverage(fixture_crime):
    cov = m.vintage_coverage(fixture_crime).set_index("vintage")
    assert cov.loc["upper_2010", ["first_month", "last_month", "months"]].tolist() == ["2023-01", "2023-06", 6]
    assert cov["complete"].all()


def test_an_unmapped_category_is_an_error(fixture_crime):
    extra = fixture_crime.iloc[:1].assign(vintage="upper_2010", minor="NEW KIND OF CRIME")
    with pytest.raises(DataValidationError,
                       match="'NEW KIND OF CRIME' of vintage upper_2010 is not in the mapping") as info:
        m.area_row_counts(pd.concat([fixture_crime, extra]), MAPPINGS, "upper_2010")
    assert info.value.file.endswith("crime_upper_2010.csv")


# --- real data ---


@pytest.fixture(scope="module")
def real_crime(real_data_dir):
    return crime_loader.load(crime_loader.discover(real_data_dir), load_registry())["crime"]


def tno_sums(table):
    tno = line(table, "Total Notifiable Offences")
    return tno.previous_12m, tno.current_12m, tno.mps_previous_12m, tno.mps_current_12m


@pytest.mark.real_data
def test_real_southwark_2014_in_the_2008_scheme(real_crime):
    # data/README.md §1: Southwark TNO Nov-2012..Oct-2013 = 32,550 and Nov-2013..Oct-2014 = 30,054.
    table = m.recorded_crime_table(real_crime, MAPPINGS, SOUTHWARK, "2014-10", vintage="ho_2008")
    assert tno_sums(table)[:2] == (32550, 30054)


@pytest.mark.real_data
def test_real_camden_and_mps_2025(real_crime):
    # data/README.md §1: Dec-2024..Nov-2025 against the 12 months before.
    table = m.recorded_crime_table(real_crime, MAPPINGS, CAMDEN, "2025-11", vintage="upper_2010")
    assert tno_sums(table) == (42556, 41372, 941506, 912864)
    assert line(table, "Total Notifiable Offences").mps_pct_change == -3.0


@pytest.mark.real_data
def test_real_reference_pack_is_reproduced(real_crime):
    # Waltham Forest pack, Figure 1 (Nov 2014 - Oct 2015): printed borough counts. Later data
    # revisions move them a little, so each available row must agree within 2% (or 3 offences).
    printed = {
        "Total Notifiable Offences": (21173, 21062), "Violence with Injury": (2334, 2395),
        "Robbery (Total)": (714, 676),
        "Burglary (Total)": (2570, 2175), "Theft From Person": (623, 557), "Theft/Taking of Motor Vehicle": (827, 699),
        "Theft From Motor Vehicle": (1847, 1635), "Criminal Damage": (1779, 1871), "MOPAC 7": (10694, 10008),
        "Violence Against the Person": (6003, 6732), "Assault with Injury": (1571, 1656), "Homicide": (3, 3),
        "Burglary (res)": (1843, 1342), "Burglary (non-res)": (727, 833), "Robbery (Personal)": (640, 629),
        "Robbery (Business)": (74, 47), "Motor Vehicle Crime": (2674, 2334), "Rape": (145, 163),
        "Other Sexual Offences": (328, 322),
    }
    table = m.recorded_crime_table(real_crime, MAPPINGS, "E09000031", "2015-10")
    assert table.attrs["vintage"] == "ho_2008"
    for row, (prev, cur) in printed.items():
        got = line(table, row)
        for ours, theirs in ((got.previous_12m, prev), (got.current_12m, cur)):
            assert abs(ours - theirs) <= max(3, 0.02 * theirs), (row, ours, theirs)


@pytest.mark.real_data
def test_real_2019_02_uses_a_vintage_with_all_mopac7_rows(real_crime):
    vintage = m.choose_vintage(real_crime, MAPPINGS, "2019-02")
    months = set(real_crime.loc[real_crime.vintage == vintage, "month"])
    assert set(month_range("2019-02", 24)) <= months and "2017-03" in months
    table = m.recorded_crime_table(real_crime, MAPPINGS, SOUTHWARK, "2019-02")
    mopac = table[table.group.isin(["mopac7", "mopac7_total"])]
    assert mopac.available.all() and mopac.current_12m.notna().all()


# Measured on the real files (docs/method.md): the largest borough-month TNO gap between two
# vintages. upper_2010 moves up to ~12,600 offences a month into "Unknown", so borough figures
# from it differ most from the older schemes; Met-wide totals agree within 3% throughout.
BOROUGH_TOLERANCE = {
    ("ho_2008", "mixed_2010"): 0.08,
    ("new_2024", "upper_2010"): 0.05,
    ("ho_2008", "upper_2010"): 0.20,
    ("mixed_2010", "upper_2010"): 0.25,
}
MPS_TOLERANCE = 0.03


@pytest.mark.real_data
def test_real_vintages_agree_where_they_overlap(real_crime):
    tno = real_crime.groupby(["vintage", "area_code", "month"])["count"].sum()
    boroughs = tno[tno.index.get_level_values("area_code").str.startswith("E09")].unstack("vintage")
    mps = tno.groupby(["vintage", "month"]).sum().unstack("vintage")
    checked = 0
    for a, b in itertools.combinations(sorted(boroughs.columns), 2):
        pair = boroughs[[a, b]].dropna()
        if pair.empty:
            continue
        checked += 1
        assert ((pair[b] / pair[a] - 1).abs() <= BOROUGH_TOLERANCE[(a, b)]).all(), (a, b)
        met = mps[[a, b]].dropna()
        assert ((met[b] / met[a] - 1).abs() <= MPS_TOLERANCE).all(), (a, b)
    assert checked == 4


def test_unknown_vintage_and_row_are_configuration_errors(fixture_crime):
    from boardpack.errors import ConfigurationError
    from boardpack.metrics.crime import mapping_of, monthly_series

    with pytest.raises(ConfigurationError, match="unknown crime vintage"):
        read_crime_mapping("nope")
    with pytest.raises(ConfigurationError, match="unknown crime vintage"):
        mapping_of(MAPPINGS, "nope")
    with pytest.raises(ConfigurationError, match="unknown pack row"):
        monthly_series(fixture_crime, MAPPINGS, "E09000031", str(fixture_crime["month"].max()), months=1,
                       row="No Such Row")


# --- issue 10: the test of each year-on-year change -------------------------------------------

# Reference pack Figure 1 counts (previous, current) and, worked by hand from the binomial
# distribution: p = 2 * P(X <= min) for X ~ Binomial(previous + current, 1/2), capped at 1.
REFERENCE_TESTED = pd.DataFrame({
    "row": ["Burglary (Total)", "Total Notifiable Offences", "Homicide", "Transgender Hate Crime", "Youth Violence"],
    "previous_12m": pd.array([2570, 21173, 3, 3, None], dtype="Int64"),
    "current_12m": pd.array([2175, 21062, 3, 4, None], dtype="Int64"),
    "mps_previous_12m": pd.array([0, 1, 9, 100, None], dtype="Int64"),
    "mps_current_12m": pd.array([5, 9, 9, 200, None], dtype="Int64"),
})


def test_change_tests_on_the_reference_counts():
    table = REFERENCE_TESTED.copy()
    table.attrs["vintage"] = "ho_2008"
    out = m.change_tests(table, alpha=0.05).set_index("row")
    burglary, tno, homicide = (out.loc[r] for r in ("Burglary (Total)", "Total Notifiable Offences", "Homicide"))
    assert burglary["p_value"] < 1e-7 and bool(burglary["significant"]) and not bool(burglary["small_numbers"])
    assert 0.4 < tno["p_value"] < 0.7 and not bool(tno["significant"]) and not bool(tno["small_numbers"])
    assert homicide["p_value"] == 1.0 and not bool(homicide["significant"]) and bool(homicide["small_numbers"])
    # 3 -> 4: 2 * (1 + 7 + 21 + 35) / 128 = 1.0 (capped): far from significant, small numbers.
    assert out.loc["Transgender Hate Crime", "p_value"] == 1.0
    # MPS columns, by hand: 0 -> 5 is 2 / 32; 1 -> 9 is 2 * (1 + 10) / 1024.
    assert out.loc["Burglary (Total)", "mps_p_value"] == pytest.approx(2 / 32)
    assert out.loc["Total Notifiable Offences", "mps_p_value"] == pytest.approx(22 / 1024)
    assert bool(out.loc["Total Notifiable Offences", "mps_significant"])
    assert bool(out.loc["Total Notifiable Offences", "mps_small_numbers"])  # 1 is under 10
    assert not bool(out.loc["Burglary (Total)", "mps_significant"])  # 0.0625 is not under 0.05
    assert bool(out.loc["Transgender Hate Crime", "mps_significant"])
    # A row the data cannot supply keeps n/a: no test at all.
    youth = out.loc["Youth Violence"]
    assert pd.isna(youth["p_value"]) and pd.isna(youth["significant"]) and pd.isna(youth["small_numbers"])
    assert out.attrs["vintage"] == "ho_2008" and out.attrs["alpha"] == 0.05
    assert out.attrs["change_test"] == "quasi-poisson" and "Benjamini" in out.attrs["family"]
    # Without the monthly counts every row takes the exact test of its totals ...
    assert set(out["test"].dropna()) == {"exact-poisson"} and out["dispersion"].isna().all()
    # ... and each column's four tested rows are one family: 1 -> 9 has p = 0.0215 alone, q = 0.0215 x 4 / 2.
    assert out.loc["Total Notifiable Offences", "mps_q_value"] == pytest.approx(22 / 1024 * 4 / 2)
    assert out.loc["Burglary (Total)", "q_value"] == pytest.approx(burglary["p_value"] * 4)
    assert "p_value" not in table  # the input is not changed


def test_change_tests_follow_alpha():
    strict = m.change_tests(REFERENCE_TESTED, alpha=0.01).set_index("row")
    # 1 -> 9 has q = 0.043: significant at 5% but not at 1%.
    assert not bool(strict.loc["Total Notifiable Offences", "mps_significant"])
    assert strict.attrs["alpha"] == 0.01


def test_change_tests_on_the_real_table(fixture_crime):
    crime = m.recorded_crime_table(fixture_crime, MAPPINGS, SOUTHWARK, "2014-10")
    months = m.row_months(fixture_crime, MAPPINGS, SOUTHWARK, "2014-10")
    table = m.change_tests(crime, months, alpha=0.05)
    available = table[table["available"]]
    assert available["p_value"].between(0, 1).all() and (available["q_value"] >= available["p_value"]).all()
    assert (available["significant"] == (available["q_value"] <= 0.05)).all()
    small = (available[["previous_12m", "current_12m"]].min(axis=1) < 10)
    assert (available["small_numbers"] == small).all()
    assert table.loc[~table["available"], "p_value"].isna().all()
    # The 24 monthly counts of each row add up to its two 12-month figures, borough and MPS.
    for _, row in available.iterrows():
        mine = months[months["row"] == row["row"]]
        assert len(mine) == 24 and mine["month"].is_monotonic_increasing
        assert (mine["borough"].iloc[:12].sum(), mine["borough"].iloc[12:].sum()) == (row["previous_12m"],
                                                                                       row["current_12m"])
        assert (mine["mps"].iloc[:12].sum(), mine["mps"].iloc[12:].sum()) == (row["mps_previous_12m"],
                                                                               row["mps_current_12m"])
    assert months.attrs["vintage"] == crime.attrs["vintage"]
    exact = m.change_tests(crime, months, alpha=0.05, method="exact-poisson")
    assert set(exact["test"].dropna()) == {"exact-poisson"}


def test_homicide_change_tests():
    h = {"previous_12m": 3, "current_12m": 12, "mps_previous_12m": 110, "mps_current_12m": 130}
    out = m.homicide_change_tests(h, alpha=0.05)
    # 3 -> 12: 2 * (1 + 15 + 105 + 455) / 2**15 = 0.03515625
    assert out["p_value"] == pytest.approx(1152 / 32768)
    assert out["significant"] is True and out["small_numbers"] is True
    assert out["mps_significant"] is False and out["mps_small_numbers"] is False
    assert {k: out[k] for k in h} == h and out["alpha"] == 0.05
    assert out["test"] == out["mps_test"] == "exact-poisson" and out["q_value"] == out["p_value"]
