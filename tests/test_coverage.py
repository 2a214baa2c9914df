"""Section coverage per period, over small hand-made canonical tables."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from boardpack.coverage import PARTS, SECTIONS, data_periods, describe_months, section_coverage
from boardpack.errors import BoardPackError, CoverageError
from boardpack.periods import month_range
from boardpack.store import Store

def _codes():
    from boardpack.registry import load_registry

    return list(load_registry().codes)


BOROUGHS = _codes()


class FakeStore:
    """The has/table interface of boardpack.store.Store over in-memory tables."""

    def __init__(self, sources=None, **tables):
        self.tables = tables
        self.sources = sources or {}

    def has(self, name):
        return name in self.tables

    def table(self, name):
        return self.tables[name].copy()


def months(first, last):
    return [str(p) for p in pd.period_range(first, last, freq="M")]


def crime(vintage, first, last):
    return pd.DataFrame([{"vintage": vintage, "area_code": b, "major": "X", "minor": "Y", "month": m, "count": 1}
                         for m in months(first, last) for b in BOROUGHS])


def per_borough(ms, **cols):
    return pd.DataFrame([{"area_code": b, "month": m, **cols} for m in ms for b in BOROUGHS])


def stop_search(first, last, unlocated=()):
    rows = []
    for m in months(first, last):
        for i in range(4):
            status = "no_location" if m in unlocated and i < 3 else "borough"
            rows.append({"month": m, "location_status": status,
                         "area_code": None if status != "borough" else "E09000003"})
    return pd.DataFrame(rows)


def quarters(column, ends, **cols):
    return pd.DataFrame([{"area_code": b, column: q, **cols} for q in ends for b in BOROUGHS])


def survey(ends, measure):
    """Survey results the pack can rank: all 32 boroughs and the MPS at each quarter end."""
    return pd.DataFrame([{"area_code": a, "quarter_end": q, "measure": measure, "proportion": 0.5}
                         for q in ends for a in [*BOROUGHS, "MPS"]])


GOOD_JOB = '"Good Job" local'


CENSUS = pd.DataFrame({"census_year": [2011], "area_code": ["E09000003"], "population": [1]})


@pytest.fixture
def full_store():
    """Every section present for periods to February 2019."""
    return FakeStore(
        crime=pd.concat([crime("ho_2008", "2008-01", "2018-12"), crime("upper_2010", "2010-04", "2019-06")]),
        asb=per_borough(months("2017-03", "2019-02"), calls=1),
        pas=survey(["2018-09", "2018-12"], GOOD_JOB),
        victim_satisfaction=survey(["2018-12"], "overall"),
        complaint_allegations=per_borough(months("2017-03", "2019-02"), allegation_type="Other", allegations=1),
        complaint_outcomes=per_borough(months("2017-03", "2019-02"), outcome="Withdrawn", allegations=1),
        workforce=per_borough(["2019-01"], workforce=100.0),
        stop_search=stop_search("2017-12", "2019-02", unlocated={"2018-02", "2018-03"}),
        census_ethnicity=CENSUS,
        custody_visits=quarters("quarter_end", ["2018-09"], visits_scheduled=1),
        criminal_justice=pd.DataFrame({"measure": ["m", "m"], "period_end": ["2018-03", "2018-03"],
                                       "area": ["London", "England and Wales"], "value": [1.0, 2.0],
                                       "unit": ["days", "days"]}),
        commitments=pd.DataFrame({"plan": ["Police and Crime Plan 2017-21"], "strategy": ["Police and Crime Plan"],
                                  "theme": ["t"], "commitment_id": ["C1"], "title": ["x"], "status": ["complete"],
                                  "as_at": ["2018-12"]}),
    )


def test_all_sections_available_for_feb_2019(full_store):
    cov = section_coverage(full_store, "2019-02")
    assert list(cov) == [*SECTIONS, *PARTS]
    assert {s: cov[s].available for s in SECTIONS} == {s: True for s in SECTIONS}
    assert cov["recorded_crime"].data_to == "2019-02"
    assert cov["recorded_crime"].months_needed == month_range("2019-02", 24)
    assert cov["confidence"].data_to == "2018-12"
    assert cov["custody_visits"].data_to == "2018-09"
    assert cov["criminal_justice"].data_to == "2018-03"
    assert cov["commitments"].data_to == "2018-12"  # the latest tracker at or before the period
    assert cov["stop_search"].sources == ["stop_search"]
    assert cov["stop_search_ethnicity"].sources == ["stop_search", "census_ethnicity"]
    assert cov["stop_search_ethnicity"].details == {"census_year": 2011, "census_note": ""}


def test_stop_search_notes_months_without_locations(full_store):
    reason = section_coverage(full_store, "2019-02")["stop_search"].reason
    assert "too few of the searches in February 2018 to March 2018 can be placed in a borough" in reason


def test_stop_search_missing_months_in_plain_english(full_store):
    cov = section_coverage(full_store, "2019-06")["stop_search"]
    assert not cov.available and cov.data_to is None
    assert cov.months_missing == months("2019-03", "2019-06")
    assert cov.reason == "No stop and search records for March 2019 to June 2019 in the data folder"


def test_only_the_ethnicity_part_needs_the_census(full_store):
    del full_store.tables["census_ethnicity"]
    cov = section_coverage(full_store, "2019-02")
    assert cov["stop_search"].available
    assert not cov["stop_search_ethnicity"].available
    assert "census_ethnicity/" in cov["stop_search_ethnicity"].reason


def test_census_2021_falls_back_to_2011_and_says_so(full_store):
    full_store.tables["stop_search"] = stop_search("2022-01", "2023-02")
    cov = section_coverage(full_store, "2023-02")["stop_search_ethnicity"]
    assert cov.available and cov.details["census_year"] == 2011
    assert "no Census 2021 ethnicity file" in cov.details["census_note"]
    assert "Census 2011 populations" in cov.details["census_note"]


def test_census_fallback_names_the_empty_file(full_store):
    full_store.tables["stop_search"] = stop_search("2022-01", "2023-02")
    full_store.sources = {"census": {"status": "ok", "empty_files": ["census_ethnicity/Census_2021_ethnicity.csv"]}}
    note = section_coverage(full_store, "2023-02")["stop_search_ethnicity"].details["census_note"]
    assert "census_ethnicity/Census_2021_ethnicity.csv held no data rows" in note


def test_no_usable_census_year_is_not_available(full_store):
    full_store.tables["census_ethnicity"] = CENSUS.assign(census_year=2021)
    cov = section_coverage(full_store, "2019-02")["stop_search_ethnicity"]
    assert not cov.available and "Census 2011" in cov.reason


def test_empty_source_names_its_file(full_store):
    del full_store.tables["pas"]
    full_store.sources = {"pas": {"status": "empty", "problem": "pas_confidence/PAS_buroughs.csv has no data rows"}}
    cov = section_coverage(full_store, "2019-02")["confidence"]
    assert not cov.available
    assert cov.reason.startswith("pas_confidence/PAS_buroughs.csv has no data rows")


def test_rates_and_homicide_parts(full_store):
    cov = section_coverage(full_store, "2019-02")
    assert not cov["crime_rates"].available and "population/" in cov["crime_rates"].reason
    assert not cov["homicide_victims"].available and "mps_homicide/" in cov["homicide_victims"].reason
    full_store.tables["population"] = pd.DataFrame(
        [{"area_code": c, "year": y, "population": 10} for c in _all_codes() for y in (2017, 2020)])
    full_store.tables["homicide"] = pd.DataFrame({"month": ["2018-12"], "area_code": ["E09000003"], "victims": [1]})
    cov = section_coverage(full_store, "2019-02")
    assert cov["crime_rates"].available and cov["crime_rates"].details == {"population_year": 2017}
    assert not cov["homicide_victims"].available
    assert cov["homicide_victims"].reason == "The homicide file ends in December 2018, before February 2019"
    assert section_coverage(full_store, "2018-12")["homicide_victims"].available


def _all_codes():
    from boardpack.registry import load_registry

    return load_registry().codes


def test_recorded_crime_needs_one_vintage_with_all_24_months(full_store):
    assert section_coverage(full_store, "2019-06")["recorded_crime"].available
    # Together the two vintages hold every month, but neither holds all 24 to 2019-02.
    full_store.tables["crime"] = pd.concat([crime("ho_2008", "2008-01", "2017-12"),
                                            crime("upper_2010", "2018-01", "2019-06")])
    cov = section_coverage(full_store, "2019-02")["recorded_crime"]
    assert not cov.available
    assert cov.months_missing == months("2017-03", "2017-12")  # against upper_2010, the closer vintage
    assert cov.reason.startswith("No recorded crime for March 2017 to December 2017 in the data folder")


def test_confidence_quarter_must_fall_in_the_three_months(full_store):
    cov = section_coverage(full_store, "2019-03")["confidence"]
    assert not cov.available
    assert "latest is December 2018" in cov.reason


def test_absent_documented_inputs_say_what_to_supply(full_store):
    for table in ("asb", "victim_satisfaction", "custody_visits", "criminal_justice", "workforce"):
        del full_store.tables[table]
    cov = section_coverage(full_store, "2019-02")
    assert cov["asb"].reason == "ASB calls are not published by borough; supply asb/asb_calls.csv (see docs/data.md)"
    assert not cov["asb"].available and cov["asb"].months_missing == cov["asb"].months_needed
    assert "victim_satisfaction/uss.csv" in cov["victim_satisfaction"].reason
    assert "complaints/workforce.csv" in cov["complaints"].reason
    assert "custody_visits/icv_reports.csv" in cov["custody_visits"].reason
    assert "moj/criminal_justice.csv" in cov["criminal_justice"].reason


def test_asb_shorter_series_is_available_with_a_note(full_store):
    full_store.tables["asb"] = per_borough(months("2018-01", "2019-02"), calls=1)
    cov = section_coverage(full_store, "2019-02")["asb"]
    assert cov.available
    assert cov.months_missing == months("2017-03", "2017-12")
    assert "shows 14 of 24 months" in cov.reason


def test_asb_needs_the_current_twelve_months_for_every_borough(full_store):
    asb = per_borough(months("2017-03", "2019-02"), calls=1)
    full_store.tables["asb"] = asb[~((asb["area_code"] == "E09000031") & (asb["month"] == "2019-01"))]
    cov = section_coverage(full_store, "2019-02")["asb"]
    assert not cov.available and cov.months_missing == ["2019-01"]
    assert "January 2019" in cov.reason


def test_complaints_need_workforce_at_or_before_period(full_store):
    full_store.tables["workforce"] = per_borough(["2019-06"], workforce=1.0)
    full_store.tables["complaint_allegations"] = per_borough(months("2017-03", "2019-06"), allegation_type="Other",
                                                            allegations=1)
    assert not section_coverage(full_store, "2019-02")["complaints"].available
    assert section_coverage(full_store, "2019-06")["complaints"].available


def test_custody_visits_within_six_months(full_store):
    assert section_coverage(full_store, "2019-02")["custody_visits"].available  # 2018-09 is 6 months back
    assert not section_coverage(full_store, "2019-03")["custody_visits"].available


def test_period_with_no_section_raises_with_supported_periods(full_store):
    with pytest.raises(CoverageError) as info:
        section_coverage(full_store, "2030-01")
    text = str(info.value)
    assert "January 2030" in text and "Stop and search: December 2018 to February 2019" in text


def test_bad_period_text():
    with pytest.raises(BoardPackError):
        section_coverage(FakeStore(), "Feb 2019")


def test_empty_store_raises_coverage_error():
    with pytest.raises(CoverageError, match="none of the files"):
        section_coverage(FakeStore(), "2019-02")


def test_data_periods(full_store):
    periods = data_periods(full_store)
    assert periods["stop_search"] == [("2018-12", "2019-02")]
    assert periods["recorded_crime"] == [("2009-12", "2019-06")]
    assert periods["confidence"] == [("2018-09", "2019-02")]
    assert periods["custody_visits"] == [("2018-09", "2019-02")]
    assert periods["criminal_justice"] == [("2018-03", "2019-02")]
    assert periods["asb"] == [("2018-02", "2019-02")]  # 12 current months needed, 24 shown when present


def test_describe_months():
    assert describe_months(["2018-02", "2018-03"]) == "February 2018 to March 2018"
    assert describe_months(["2018-06", "2018-02", "2018-04"]) == "February 2018, April 2018 and June 2018"


def test_works_over_a_real_store(tmp_path):
    # The Store reads Parquet through an index file, as prepare_store writes it.
    tables = {"pas": survey(["2018-12"], GOOD_JOB)}
    paths = {}
    for name, df in tables.items():
        paths[name] = str(tmp_path / f"{name}.parquet")
        df.to_parquet(paths[name], index=False)
    index = {"data_dir": str(tmp_path), "demo": False,
             "sources": {"pas": {"description": "", "files": [], "status": "ok", "tables": paths}}}
    (tmp_path / "index.json").write_text(json.dumps(index))
    cov = section_coverage(Store(tmp_path / "index.json"), "2019-02")
    assert cov["confidence"].available and not cov["recorded_crime"].available


@pytest.mark.real_data
@pytest.mark.slow
def test_real_data_supports_the_documented_periods(real_data_dir, tmp_path):
    # The figures in docs/data.md "Which periods each real source supports".
    from boardpack.loaders import PUBLIC_SOURCES
    from boardpack.store import prepare_store

    sources = [s for s in PUBLIC_SOURCES if s.name in ("crime", "pas", "census", "stop_search")]
    store = Store(prepare_store(real_data_dir, tmp_path / "store", sources=sources))
    periods = data_periods(store)
    assert periods["recorded_crime"] == [("2009-12", "2025-11"), ("2026-06", "2026-06")]
    assert periods["confidence"] == [("2014-12", "2024-02")]
    assert periods["stop_search"] == [("2018-12", "2019-02")]
    cov = section_coverage(store, "2019-02")
    assert all(cov[s].available for s in ("recorded_crime", "confidence", "stop_search"))
    assert "February 2018 to March 2018 can be placed in a borough" in cov["stop_search"].reason


def test_cached_coverage_is_reused_and_keyed_by_the_index(tmp_path, monkeypatch):
    import boardpack.coverage_cache as coverage_module
    from boardpack.store import Store

    data = tmp_path / "data" / "asb"
    data.mkdir(parents=True)
    from boardpack.registry import load_registry

    names = [b.name for b in load_registry().boroughs]
    rows = ["borough,month,calls"] + [f"{name},{m},5" for name in names for m in
                                      [f"2018-{i:02d}" for i in range(1, 13)] + [f"2019-{i:02d}" for i in range(1, 13)]]
    (data / "asb_calls.csv").write_text("\n".join(rows) + "\n")
    import boardpack.coverage as rules
    from boardpack.loaders import DOCUMENTED_INPUTS
    from boardpack.store import prepare_store

    asb = [s for s in DOCUMENTED_INPUTS if s.name == "asb"]
    store = Store(prepare_store(tmp_path / "data", tmp_path / "store", asb))
    first = coverage_module.cached_section_coverage(store, "2019-12")
    calls = []
    worked_out = rules.section_coverage
    monkeypatch.setattr(rules, "section_coverage", lambda *a: calls.append(a) or worked_out(*a))
    again = coverage_module.cached_section_coverage(store, "2019-12")
    assert again == first and not calls
    assert again["asb"].available and not again["recorded_crime"].available
    # Changed rules are never served an answer from the old ones: the cache is keyed by their source too.
    edited = tmp_path / "coverage.py"
    edited.write_bytes(coverage_module._RULES.read_bytes() + b"\n# edited\n")
    monkeypatch.setattr(coverage_module, "_RULES", edited)
    assert coverage_module.cached_section_coverage(store, "2019-12") == first and len(calls) == 1


def test_a_cached_answer_is_read_without_the_rules(tmp_path, loaded_by):
    # A run whose coverage is cached (every run after the first on the same data) loads neither the
    # rules nor pandas to read it.
    from boardpack.coverage_cache import cached_section_coverage
    from boardpack.loaders import DOCUMENTED_INPUTS
    from boardpack.registry import load_registry
    from boardpack.store import Store, prepare_store

    data = tmp_path / "data" / "asb"
    data.mkdir(parents=True)
    names = [b.name for b in load_registry().boroughs]
    rows = ["borough,month,calls"] + [f"{name},2019-{i:02d},5" for name in names for i in range(1, 13)]
    (data / "asb_calls.csv").write_text("\n".join(rows) + "\n")
    index = prepare_store(tmp_path / "data", tmp_path / "store", [s for s in DOCUMENTED_INPUTS if s.name == "asb"])
    first = cached_section_coverage(Store(index), "2019-12")
    assert first == section_coverage(Store(index), "2019-12")
    code = (
        "from boardpack.coverage_cache import cached_section_coverage\n"
        "from boardpack.store import Store\n"
        f"print(cached_section_coverage(Store({str(index)!r}), '2019-12') == {first!r})"
    )
    assert loaded_by("from boardpack.coverage_record import Coverage\n" + code, ["boardpack.coverage", "pandas"]) == (
        "True", [])


def test_a_borough_missing_from_asb_is_named(full_store):
    asb = full_store.tables["asb"]
    full_store.tables["asb"] = asb[asb["area_code"] != "E09000007"]
    cov = section_coverage(full_store, "2019-02")["asb"]
    assert not cov.available
    assert "missing for Camden in the data" in cov.reason


def test_a_borough_without_workforce_is_named(full_store):
    wf = full_store.tables["workforce"]
    full_store.tables["workforce"] = wf[~wf["area_code"].isin(["E09000007", "E09000005"])]
    cov = section_coverage(full_store, "2019-02")["complaints"]
    assert not cov.available
    assert "for Brent and Camden" in cov.reason


def test_supported_periods_stop_at_the_current_month(full_store, monkeypatch):
    import boardpack.periods as periods

    monkeypatch.setattr(periods, "current_month", lambda: pd.Period("2019-01", freq="M"))
    runs = data_periods(full_store)
    assert max(last for spans in runs.values() for _, last in spans) == "2019-01"


# --- rules the metrics used to enforce by raising; coverage now decides them before any metric runs ---


def test_pas_quarter_without_one_borough_names_it(full_store):
    pas = full_store.tables["pas"]
    full_store.tables["pas"] = pas[~((pas["area_code"] == "E09000003") & (pas["quarter_end"] == "2018-12"))]
    full_store.sources = {"pas": {"status": "ok", "files": [{"path": "pas_confidence/PAS_buroughs.csv"}]}}
    cov = section_coverage(full_store, "2019-02")["confidence"]
    assert not cov.available
    assert "quarter ending December 2018" in cov.reason and "for Barnet" in cov.reason
    assert "pas_confidence/PAS_buroughs.csv" in cov.reason and GOOD_JOB in cov.reason
    # The earlier quarter is complete, so a pack to it is built.
    assert section_coverage(full_store, "2018-11")["confidence"].available


def test_pas_quarter_without_the_mps_value_or_measure_is_refused(full_store):
    pas = full_store.tables["pas"]
    full_store.tables["pas"] = pas[pas["area_code"] != "MPS"]
    cov = section_coverage(full_store, "2019-02")["confidence"]
    assert not cov.available and "for the MPS;" in cov.reason
    full_store.tables["pas"] = pas.assign(measure="Trust MPS")
    cov = section_coverage(full_store, "2019-02")["confidence"]
    assert not cov.available and "for the MPS, Barking and Dagenham" in cov.reason


def test_uss_overall_needs_every_borough(full_store):
    uss = full_store.tables["victim_satisfaction"]
    full_store.tables["victim_satisfaction"] = uss[~uss["area_code"].isin(["E09000007", "E09000005"])]
    cov = section_coverage(full_store, "2019-02")["victim_satisfaction"]
    assert not cov.available
    assert "User Satisfaction Survey results for the quarter ending December 2018" in cov.reason
    assert "'overall' value for Brent and Camden" in cov.reason


def test_population_needs_every_borough_in_one_year(full_store):
    codes = _all_codes()
    rows = [{"area_code": c, "year": 2018, "population": 10} for c in codes[:-1]]
    rows += [{"area_code": "E09000001", "year": 2018, "population": 10}]  # the City is not one of the 32
    full_store.tables["population"] = pd.DataFrame(rows)
    full_store.sources = {"population": {"status": "ok", "files": [{"path": "population/mye.xlsx"}]}}
    cov = section_coverage(full_store, "2019-02")["crime_rates"]
    assert not cov.available
    assert cov.reason == ("The population file (population/mye.xlsx) has no mid-year estimate for every borough "
                          "at or before 2019")


def test_population_year_is_the_metric_s_year():
    from boardpack.metrics.rates import population_for

    codes = _all_codes()
    table = pd.DataFrame([{"area_code": c, "year": y, "population": 10} for c in codes for y in (2016, 2017)]
                         + [{"area_code": codes[0], "year": 2018, "population": 11}])
    store = FakeStore(crime=crime("upper_2010", "2017-03", "2019-02"), population=table)
    cov = section_coverage(store, "2019-02")["crime_rates"]
    assert cov.details["population_year"] == 2017 == population_for(table, codes, "2019-02")[0]


def test_homicide_file_ending_early_is_the_part_s_reason(full_store):
    full_store.tables["homicide"] = pd.DataFrame({"month": ["2018-11"], "area_code": ["E09000003"], "victims": [1]})
    cov = section_coverage(full_store, "2019-02")["homicide_victims"]
    assert not cov.available and cov.reason == "The homicide file ends in November 2018, before February 2019"


def test_criminal_justice_needs_london_and_england_and_wales(full_store):
    cj = full_store.tables["criminal_justice"]
    full_store.tables["criminal_justice"] = cj[cj["area"] == "London"]
    cov = section_coverage(full_store, "2019-02")["criminal_justice"]
    assert not cov.available
    assert "No criminal justice figures with both London and England and Wales values" in cov.reason


def test_custody_report_is_the_borough_s_own(full_store):
    from boardpack.coverage import for_borough

    visits = full_store.tables["custody_visits"]
    full_store.tables["custody_visits"] = pd.concat([
        visits[visits["area_code"] != "E09000003"],
        pd.DataFrame([{"area_code": "E09000003", "quarter_end": "2018-03", "visits_scheduled": 1}]),
    ])
    full_store.sources = {"custody_visits": {"status": "ok", "files": [{"path": "custody_visits/icv_reports.csv"}]}}
    cov = section_coverage(full_store, "2019-02")
    assert cov["custody_visits"].available  # other boroughs have a report in the window
    barnet = for_borough(cov, "E09000003", "Barnet")["custody_visits"]
    assert not barnet.available
    assert barnet.reason == ("No custody visiting report for Barnet for September 2018 to February 2019 in the data "
                             "folder (custody_visits/icv_reports.csv); its latest is for the quarter ending March 2018")
    camden = for_borough(cov, "E09000007", "Camden")["custody_visits"]
    assert camden.available and camden.data_to == "2018-09"
    assert for_borough(cov, "E09000007", "Camden")["confidence"] == cov["confidence"]


def test_asb_and_complaints_windows_are_the_metrics_windows(full_store):
    """The metrics' own completeness rules never fire on data coverage passes."""
    from boardpack.metrics import asb, complaints
    from boardpack.registry import load_registry

    registry = load_registry()
    names = {c: registry.by_code(c).name for c in registry.codes}
    full_store.tables["asb"] = per_borough(months("2018-03", "2019-02"), calls=1)
    cov = section_coverage(full_store, "2019-02")
    assert cov["asb"].available and cov["complaints"].available
    asb.twelve_month_change(asb.monthly_calls(full_store.table("asb"), "E09000007", "2019-02", registry.codes),
                            "2019-02")
    complaints.per_100_workforce(full_store.table("complaint_allegations"), full_store.table("workforce"), "2019-02",
                                 names)
    complaints.pct_change_by_borough(full_store.table("complaint_allegations"), "2019-02", names)


def test_commitments_need_a_tracker_at_or_before_the_period(full_store):
    cov = section_coverage(full_store, "2018-11")
    assert not cov["commitments"].available and "the first is as at December 2018" in cov["commitments"].reason
    assert cov["local_priorities"].available == cov["recorded_crime"].available
    assert cov["confidence_drivers"].available == cov["confidence"].available
