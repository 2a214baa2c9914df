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
