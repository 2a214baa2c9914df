import pandas as pd
import pytest
from boardpack.errors import CoverageError
from boardpack.metrics.rates import homicide_victims, population_for, rate_per_1000

POP = pd.DataFrame({"area_code": ["A", "B", "A", "B", "A"], "year": [2017, 2017, 2018, 2018, 2019],
                    "population": [100, 200, 110, 210, 120]})


def test_population_uses_latest_complete_year_not_after_the_period():
    assert population_for(POP, ["A", "B"], "2019-06") == (2018, 320)  # 2019 lacks B
    assert population_for(POP, ["A"], "2019-06") == (2019, 120)
    assert population_for(POP, ["A"], "2018-01") == (2018, 110)
    with pytest.raises(CoverageError):
        population_for(POP, ["A"], "2016-12")


def test_rate_rounds_half_up():
    assert rate_per_1000(21062, 258249) == 81.6  # 81.557...
    assert rate_per_1000(1, 8000) == 0.1  # 0.125 -> 0.1
    assert rate_per_1000(3, 8000, 2) == 0.38  # 0.375 -> 0.38 half up


def test_homicide_windows_and_mps():
    months = ["2018-02", "2018-03", "2019-02", "2019-02", "2017-02"]
    df = pd.DataFrame({"month": months, "area_code": ["A", "B", "A", "AIRPORTS", "A"], "victims": [1, 2, 1, 1, 5]})
    # 12 months to Feb 2019 = Mar 2018..Feb 2019; the 12 before = Mar 2017..Feb 2018; Feb 2017 is in neither.
    assert homicide_victims(df, "A", "2019-02") == {"previous_12m": 1, "current_12m": 1,
                                                   "mps_previous_12m": 1, "mps_current_12m": 4}
    with pytest.raises(CoverageError, match="ends in 2019-02"):
        homicide_victims(df, "A", "2019-03")


def test_crime_rates_use_the_year_every_borough_has():
    """The borough's later estimate is not used: borough and MPS take the year all areas have (coverage's rule)."""
    from boardpack.metrics.rates import crime_rates

    table = pd.DataFrame([{"current_12m": 11, "mps_current_12m": 32}])
    r = crime_rates(table, POP, "A", ["A", "B"], "2019-06")
    assert r["population_year"] == 2018 and r["population"] == 110 and r["mps_population"] == 320
    assert r["borough"] == 100.0 and r["mps"] == 100.0


def test_crime_rates_carry_the_exact_poisson_interval_of_each_rate():
    """10 offences among 1,000 residents: Garwood's tabulated 95% limits of 10 (4.7954, 18.3904) per 1,000."""
    from boardpack.metrics.rates import crime_rates

    pop = pd.DataFrame({"area_code": ["A", "B"], "year": [2018, 2018], "population": [1000, 1000]})
    table = pd.DataFrame([{"current_12m": 10, "mps_current_12m": 0}])
    r = crime_rates(table, pop, "A", ["A", "B"], "2019-06")
    assert (r["borough"], r["ci_low"], r["ci_high"]) == (10.0, 4.8, 18.4)
    assert (r["mps"], r["mps_ci_low"], r["mps_ci_high"]) == (0.0, 0.0, 1.8)  # 3.6889 of 2,000 -> 1.8
    assert r["alpha"] == 0.05
    assert crime_rates(table, pop, "A", ["A", "B"], "2019-06", alpha=0.01)["ci_high"] > 18.4


def _fixture_crime():
    from pathlib import Path

    from boardpack.loaders import crime as crime_loader
    from boardpack.registry import load_registry

    data = Path(__file__).resolve().parent.parent / "data" / "crime"
    return crime_loader.load(crime_loader.discover(data), load_registry())["crime"]


def test_borough_crime_counts_and_funnel_on_the_fixture_files():
    """Every borough's 12-month total from the raw rows; the target is the boroughs' total over their residents."""
    from boardpack.loaders.mappings import crime_mappings
    from boardpack.metrics import crime as cm
    from boardpack.metrics.rates import borough_crime_counts, crime_funnel
    from boardpack.periods import rolling_windows

    crime, mappings = _fixture_crime(), crime_mappings(cm.MAPPABLE_ROWS)
    boroughs = {"E09000022": "Lambeth", "E09000028": "Southwark"}
    pop = pd.DataFrame({"area_code": list(boroughs) * 2, "year": [2013] * 2 + [2014] * 2,
                        "population": [310_000, 290_000, 320_000, 300_000]})
    got = borough_crime_counts(crime, mappings, pop, boroughs, "2014-10")
    vintage = got.attrs["vintage"]
    _, months = rolling_windows("2014-10")
    raw = crime[(crime["vintage"] == vintage) & crime["month"].isin(months)].groupby("area_code")["count"].sum()
    assert got["area_code"].tolist() == list(boroughs) and got["borough"].tolist() == list(boroughs.values())
    assert got["offences"].tolist() == [int(raw.get(c, 0)) for c in boroughs]
    for code in boroughs:  # the same as the recorded crime table's Total Notifiable Offences
        table = cm.recorded_crime_table(crime, mappings, code, "2014-10")
        assert int(got.set_index("area_code").loc[code, "offences"]) == int(table.iloc[0]["current_12m"])
    assert got["population"].tolist() == [320_000, 300_000] and got.attrs["population_year"] == 2014

    f = crime_funnel(crime, mappings, pop, boroughs, "2014-10")
    assert f.per == 1000 and f.table.attrs["population_year"] == 2014
    assert f.target == pytest.approx(got["offences"].sum() / 620_000 * 1000)
    assert f.table["rate"].tolist() == pytest.approx((got["offences"] / got["population"] * 1000).tolist())
    assert set(f.table["position"]) <= {"within", "above 95%", "below 95%", "above 99.8%", "below 99.8%"}
    # A borough with no rows in the vintage is a gap, not a count of 0 (Camden is not in the 2008 scheme's file).
    with_camden = {"E09000007": "Camden", **boroughs}
    pop3 = pd.concat([pop, pd.DataFrame({"area_code": ["E09000007"], "year": [2014], "population": [230_000]})])
    assert vintage == "ho_2008"
    with pytest.raises(CoverageError, match="Camden"):
        borough_crime_counts(crime, mappings, pop3, with_camden, "2014-10")


def test_crime_funnel_refuses_a_year_without_every_borough():
    from boardpack.loaders.mappings import crime_mappings
    from boardpack.metrics import crime as cm
    from boardpack.metrics.rates import crime_funnel

    pop = pd.DataFrame({"area_code": ["E09000007"], "year": [2014], "population": [230_000]})
    with pytest.raises(CoverageError):
        crime_funnel(_fixture_crime(), crime_mappings(cm.MAPPABLE_ROWS), pop,
                     {"E09000007": "Camden", "E09000022": "Lambeth"}, "2014-10")
