"""The real loaders read the demo dataset into canonical tables covering all 32 boroughs."""

from __future__ import annotations

from boardpack.registry import load_registry
from boardpack.store import Store, prepare_store

BOROUGH_TABLES = [
    "crime", "pas", "stop_search", "census_ethnicity", "population", "homicide", "asb",
    "victim_satisfaction", "complaint_allegations", "complaint_outcomes", "workforce", "custody_visits",
]


def test_prepare_store_reads_the_demo_dataset_for_all_32_boroughs(demo_dir, tmp_path):
    store = Store(prepare_store(demo_dir, store_dir=tmp_path / "store"))
    assert store.is_demo
    assert {name: e["status"] for name, e in store.sources.items() if e["status"] != "ok"} == {}
    boroughs = set(load_registry().codes)
    for table in BOROUGH_TABLES:
        codes = set(store.table(table)["area_code"].dropna())
        assert boroughs <= codes, f"{table} lacks {sorted(boroughs - codes)}"
    cj = store.table("criminal_justice")
    assert set(cj["area"]) == {"London", "England and Wales"}
    ss = store.table("stop_search")
    assert set(ss["location_status"]) == {"borough", "no_location", "outside_boroughs"}
