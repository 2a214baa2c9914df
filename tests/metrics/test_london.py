"""Every borough's rate interval from the month-to-month variation of its counts, and the ranks it allows."""

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from boardpack.loaders import crime as crime_loader
from boardpack.loaders.mappings import crime_mappings
from boardpack.metrics import crime as c
from boardpack.metrics import london
from boardpack.registry import load_registry

MAPPINGS = crime_mappings(c.MAPPABLE_ROWS)


def test_dispersion_is_the_variance_over_the_mean_and_at_least_one():
    assert london.monthly_dispersion([10] * 12) == 1.0
    assert london.monthly_dispersion([5, 15] * 6) == pytest.approx((25 * 12 / 11) / 10)
    assert london.monthly_dispersion([]) == 1.0


def test_ranks_and_intervals_on_the_fixture():
    data = Path(__file__).resolve().parent.parent / "data" / "crime"
    crime = crime_loader.load(crime_loader.discover(data), load_registry())["crime"]
    counts = c.area_row_counts(crime, MAPPINGS, "ho_2008")
    tno = counts[(counts["row"] == c.TNO) & counts["month"].between("2013-11", "2014-10")]
    totals = tno.groupby("area_code")["count"].sum()
    codes = ["E09000022", "E09000028"]
    assert set(codes) <= set(totals.index)
    table = pd.DataFrame({"area_code": codes, "borough": ["Lambeth", "Southwark"],
                          "count": [float(totals[x]) for x in codes], "rate": [110.0, 100.0]})
    ranks = london.crime_ranks(SimpleNamespace(table=table), crime, MAPPINGS, "2014-10", vintage="ho_2008")
    assert ranks["borough"].tolist() == ["Lambeth", "Southwark"] and ranks["rank"].tolist() == [1, 2]
    mine = ranks.set_index("borough").loc["Southwark"]
    phi = london.monthly_dispersion(tno[tno["area_code"] == "E09000028"].sort_values("month")["count"])
    assert mine["dispersion"] == pytest.approx(phi)
    half = 1.959964 * (phi / mine["count"]) ** 0.5
    assert (mine["ci_low"], mine["ci_high"]) == pytest.approx((100 * 2.718281828 ** -half, 100 * 2.718281828 ** half))
    assert (ranks["rank_best"] <= ranks["rank"]).all() and (ranks["rank"] <= ranks["rank_worst"]).all()
