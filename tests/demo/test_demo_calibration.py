"""Demo levels sit near the real data's levels, computed here straight from the raw real files."""

from __future__ import annotations

import pandas as pd
import pytest

pytestmark = pytest.mark.real_data

CRIME = "MPS Borough Level Crime ({}).csv"


def _monthly_totals(folder) -> pd.Series:
    frames = [pd.read_csv(folder / CRIME.format(kind)) for kind in ("Historical", "most recent 24 months")]
    totals = pd.concat([f.iloc[:, 3:].sum() for f in frames])
    return totals.groupby(level=0).sum()


def _stop_search(folder, months) -> pd.DataFrame:
    return pd.concat(
        pd.read_csv(folder / f"{m}-metropolitan-stop-and-search.csv.gz", dtype=str) for m in months
    )


def test_crime_header_matches_the_real_upper_2010_files(real_data_dir, demo_dir):
    for kind in ("Historical", "most recent 24 months"):
        real = pd.read_csv(real_data_dir / "mps_borough_crime" / "to_2025-11" / CRIME.format(kind), nrows=1)
        demo = pd.read_csv(demo_dir / "mps_borough_crime" / "demo" / CRIME.format(kind), nrows=1)
        assert list(demo.columns[:3]) == list(real.columns[:3])
        assert all(c.isdigit() and len(c) == 6 for c in demo.columns[3:])


def test_crime_categories_are_real_category_names(real_data_dir, demo_dir):
    real = pd.read_csv(real_data_dir / "mps_borough_crime" / "to_2025-11" / CRIME.format("most recent 24 months"))
    demo = pd.read_csv(demo_dir / "mps_borough_crime" / "demo" / CRIME.format("most recent 24 months"))
    pairs = lambda df: set(zip(df["MajorText"], df["MinorText"]))  # noqa: E731
    assert pairs(demo) <= pairs(real)
    assert set(demo["BoroughName"]) <= set(real["BoroughName"])


def test_monthly_mps_crime_total_is_near_the_real_2024_25_mean(real_data_dir, demo_dir):
    real = _monthly_totals(real_data_dir / "mps_borough_crime" / "to_2025-11")
    real_mean = real[(real.index >= "202401") & (real.index <= "202511")].mean()
    demo = _monthly_totals(demo_dir / "mps_borough_crime" / "demo")
    assert abs(demo.mean() / real_mean - 1) < 0.20
    assert demo.between(0.8 * real.min(), 1.2 * real.max()).all()


def test_westminster_is_the_largest_borough_as_in_the_real_files(real_data_dir, demo_dir):
    real = pd.read_csv(real_data_dir / "mps_borough_crime" / "to_2025-11" / CRIME.format("most recent 24 months"))
    demo = pd.read_csv(demo_dir / "mps_borough_crime" / "demo" / CRIME.format("most recent 24 months"))
    def share(df: pd.DataFrame) -> pd.Series:
        totals = df.groupby("BoroughName")[list(df.columns[3:])].sum().sum(axis=1)
        return totals / totals.sum()

    r, d = share(real), share(demo)
    assert d.idxmax() == r.idxmax() == "Westminster"
    assert abs(d["Westminster"] - r["Westminster"]) < 0.02


def test_stop_search_ethnic_mix_and_arrest_rate_match_the_real_2018_19_files(real_data_dir, demo_dir):
    months = [str(p) for p in pd.period_range("2018-04", "2019-02", freq="M")]
    real = _stop_search(real_data_dir / "stop_search" / "police_uk_csv_2017-12_to_2019-02", months)
    demo_folder = demo_dir / "stop_search" / "demo_police_uk_csv"
    demo = pd.concat(pd.read_csv(p, dtype=str) for p in sorted(demo_folder.glob("*.csv.gz")))
    for group in ("Black", "White", "Asian"):
        r = (real["Officer-defined ethnicity"] == group).mean()
        d = (demo["Officer-defined ethnicity"] == group).mean()
        assert abs(d - r) < 0.03, group
    arrests = lambda df: df["Outcome"].isin(["Arrest", "Suspect arrested"]).mean()  # noqa: E731
    assert abs(arrests(demo) - arrests(real)) < 0.03
    no_location = lambda df: df["Latitude"].isna().mean()  # noqa: E731
    assert abs(no_location(demo) - no_location(real)) < 0.03
    assert set(demo["Outcome"]) <= set(real["Outcome"])
    assert set(demo["Legislation"]) <= set(real["Legislation"])


def test_pas_good_job_levels_are_in_the_real_range(real_data_dir, demo_dir):
    real = pd.read_csv(real_data_dir / "pas_confidence" / "PAS_buroughs.csv", sep=";", decimal=",")
    demo = pd.read_csv(demo_dir / "pas_confidence" / "PAS_buroughs.csv", sep=";", decimal=",")
    assert list(demo.columns) == list(real.columns)
    assert set(demo["Measure"]) == set(real["Measure"])
    good = demo[demo["Measure"] == '"Good Job" local']
    assert good.groupby("Date")["MPS"].first().between(0.45, 0.70).all()
    real_good = real[real["Measure"] == '"Good Job" local']["Proportion"]
    assert good["Proportion"].between(real_good.min() - 0.05, real_good.max() + 0.05).all()


def test_census_and_population_totals_are_near_london_totals(real_data_dir, demo_dir):
    real = pd.read_csv(real_data_dir / "census_ethnicity" / "la-ethnic-groups.csv")
    demo = pd.read_csv(demo_dir / "census_ethnicity" / "la-ethnic-groups.csv")
    assert list(demo.columns) == list(real.columns)
    total = lambda df: df[df["geography code"].str.startswith("E09")].iloc[:, 4].sum()  # noqa: E731
    assert abs(total(demo) / total(real) - 1) < 0.03
    real21 = pd.read_csv(real_data_dir / "census_ethnicity" / "Census_2021_ethnicity.csv")
    demo21 = pd.read_csv(demo_dir / "census_ethnicity" / "Census_2021_ethnicity.csv")
    assert list(demo21.columns) == list(real21.columns)
    real_pop = pd.read_excel(real_data_dir / "population" / "mye22final.xlsx", sheet_name="MYE4", header=7)
    demo_pop = pd.read_excel(demo_dir / "population" / "demo-mid-year-estimates-mye4.xlsx", sheet_name="MYE4", header=7)
    london = lambda df: df.loc[df["Code"].astype(str).str.startswith("E09"), "Mid-2022"].sum()  # noqa: E731
    assert abs(london(demo_pop) / london(real_pop) - 1) < 0.03


def test_homicide_layout_and_yearly_victims_match_the_real_file(real_data_dir, demo_dir):
    real = pd.read_csv(real_data_dir / "mps_homicide" / "Homicides_2003_2023.csv")
    demo = pd.read_csv(demo_dir / "mps_homicide" / "Homicides_demo.csv")
    assert list(demo.columns) == list(real.columns)
    full_years = demo[~demo["Recorded Date"].str.endswith("-26")]
    per_year = full_years.groupby(full_years["Recorded Date"].str[-2:])["Count of Victims"].sum()
    real_recent = real[real["Recorded Date"].str[-2:].isin(["18", "19", "20", "21", "22"])]
    real_mean = real_recent["Count of Victims"].sum() / 5
    assert abs(per_year.mean() / real_mean - 1) < 0.25
