"""Local priorities and the MOPAC 7 baseline on the hand-made crime fixture (Southwark, 24 months to October 2014)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from boardpack.errors import CoverageError
from boardpack.loaders import crime as crime_loader
from boardpack.loaders.mappings import crime_mappings
from boardpack.metrics import crime as c
from boardpack.metrics import priorities as p
from boardpack.periods import month_range
from boardpack.registry import load_registry

SOUTHWARK, CAMDEN = "E09000028", "E09000007"
PERIOD = "2014-10"
MAPPINGS = crime_mappings(c.MAPPABLE_ROWS)
COMBOS = {"Sexual violence": ("Rape", "Other Sexual Offences")}


@pytest.fixture(scope="module")
def crime():
    data = Path(__file__).resolve().parent.parent / "data" / "crime"
    return crime_loader.load(crime_loader.discover(data), load_registry())["crime"]


def knife(months, boroughs=(SOUTHWARK, CAMDEN)):
    rows = [{"area_code": code, "month": m, "measure": "Knife Crime", "offences": i + 1 + 100 * k}
            for k, code in enumerate(boroughs) for i, m in enumerate(months)]
    return pd.DataFrame(rows)


def months_of(crime, other=None, asb=None, names=("Burglary (Total)", "Sexual violence", "Anti-social behaviour",
                                                   "Knife Crime")):
    return p.priority_months(list(names), COMBOS, crime, MAPPINGS, SOUTHWARK, PERIOD, [SOUTHWARK, CAMDEN],
                             asb=asb, other_crime=other)


def test_priority_counts_are_the_crime_rows_and_their_sums(crime):
    table = p.priority_table(months_of(crime, knife(month_range(PERIOD, 24))))
    crime_table = c.recorded_crime_table(crime, MAPPINGS, SOUTHWARK, PERIOD).set_index("row")
    rows = table.set_index("priority")
    for key in ("previous_12m", "current_12m", "mps_previous_12m", "mps_current_12m"):
        assert rows.loc["Burglary (Total)", key] == crime_table.loc["Burglary (Total)", key]
        assert rows.loc["Sexual violence", key] == crime_table.loc["Rape", key] + crime_table.loc[
            "Other Sexual Offences", key]
    # Knife crime: Southwark 1..24, Camden 101..124; the MPS is their sum (no MPS rows in the file).
    assert (rows.loc["Knife Crime", "previous_12m"], rows.loc["Knife Crime", "current_12m"]) == (78, 222)
    assert rows.loc["Knife Crime", "mps_previous_12m"] == 78 + 1278
    assert rows.loc["Knife Crime", "mps_source"] == "sum of the 32 boroughs"
    assert rows.loc["Burglary (Total)", "pct_change"] == crime_table.loc["Burglary (Total)", "pct_change"]
    assert table["test"].notna().sum() == 3 and table.attrs["family"].startswith("Benjamini")


def test_rows_without_their_input_say_which_file_to_add(crime):
    table = p.priority_table(months_of(crime)).set_index("priority")
    asb, blade = table.loc["Anti-social behaviour"], table.loc["Knife Crime"]
    assert not asb["available"] and "asb/asb_calls.csv" in asb["reason"] and pd.isna(asb["current_12m"])
    assert not blade["available"] and "other_crime/other_crime.csv" in blade["reason"]
    short = knife(month_range(PERIOD, 24)[1:])  # the borough lacks the first month
    reason = p.priority_table(months_of(crime, short)).set_index("priority").loc["Knife Crime", "reason"]
    assert "every one of the 24 months" in reason


def test_sparklines_are_the_borough_months_in_order(crime):
    months = months_of(crime, knife(month_range(PERIOD, 24)))
    sparks = p.sparklines(months)
    assert list(sparks.columns) == ["month", "Burglary (Total)", "Sexual violence", "Knife Crime"]
    assert sparks["Knife Crime"].tolist() == list(range(1, 25))


def test_mopac7_against_a_baseline_year(crime):
    base = p.against_baseline(crime, MAPPINGS, SOUTHWARK, PERIOD, ("2012-11", "2013-10"), -20.0)
    crime_table = c.recorded_crime_table(crime, MAPPINGS, SOUTHWARK, PERIOD).set_index("row")
    total = base.set_index("row").loc["MOPAC 7"]
    assert total["baseline"] == crime_table.loc["MOPAC 7", "previous_12m"]
    assert total["current_12m"] == crime_table.loc["MOPAC 7", "current_12m"]
    assert total["target"] == round(total["baseline"] * 0.8, 1)
    assert bool(total["meets_target"]) == (total["current_12m"] <= total["baseline"] * 0.8)
    assert base["row"].tolist() == [*c.MOPAC7_ROWS, "MOPAC 7"] and base["p_value"].notna().all()
    assert p.against_baseline(crime, MAPPINGS, SOUTHWARK, PERIOD, None) is None
    with pytest.raises(CoverageError, match="the MOPAC 7 baseline needs one edition"):
        p.against_baseline(crime, MAPPINGS, SOUTHWARK, PERIOD, ("2011-04", "2012-03"))
