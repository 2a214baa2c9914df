"""The prepared store parses each input once, keyed by its hashes, and never keeps bad input."""

import os
import json

import pandas as pd
import pytest

from boardpack.errors import BoardPackError, DataValidationError
from boardpack.loaders.source import Source
from boardpack.side_lane import two_lanes
from boardpack.start_method import chosen
from boardpack.store import DEMO_MARKER, Store, prepare_store


class CountingSource:
    """A source over data_dir/things/*.csv that counts how often it is parsed."""

    def __init__(self):
        self.loads = 0

    def discover(self, data_dir):
        return sorted((data_dir / "things").glob("*.csv"))

    def load(self, paths, registry):
        self.loads += 1
        df = pd.concat([pd.read_csv(p) for p in paths], ignore_index=True)
        if (df["n"] < 0).any():
            raise DataValidationError(paths[0], "negative count")
        return {"things": df}

    def source(self):
        return Source("things", "test source", self.discover, self.load)


@pytest.fixture
def data(tmp_path):
    (tmp_path / "data" / "things").mkdir(parents=True)
    (tmp_path / "data" / "things" / "a.csv").write_text("n\n1\n2\n")
    return tmp_path / "data"


def test_unchanged_input_is_not_parsed_again(data, tmp_path):
    counting = CountingSource()
    sources = [counting.source()]
    first = prepare_store(data, tmp_path / "store", sources)
    second = prepare_store(data, tmp_path / "store", sources)
    assert counting.loads == 1 and first == second
    store = Store(second)
    assert store.table("things")["n"].tolist() == [1, 2]
    assert store.sources["things"]["files"][0]["path"] == "things/a.csv"
    assert len(store.sources["things"]["files"][0]["sha256"]) == 64


def test_changed_input_is_parsed_again(data, tmp_path):
    counting = CountingSource()
    prepare_store(data, tmp_path / "store", [counting.source()])
    (data / "things" / "a.csv").write_text("n\n5\n")
    store = Store(prepare_store(data, tmp_path / "store", [counting.source()]))
    assert counting.loads == 2
    assert store.table("things")["n"].tolist() == [5]


def test_bad_input_raises_and_writes_no_tables(data, tmp_path):
    (data / "things" / "a.csv").write_text("n\n-1\n")
    with pytest.raises(DataValidationError, match="negative count"):
        prepare_store(data, tmp_path / "store", [CountingSource().source()])
    assert not list((tmp_path / "store").glob("things-*"))


def test_absent_source_is_recorded_not_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    store = Store(prepare_store(tmp_path / "empty", tmp_path / "store", [CountingSource().source()]))
    assert store.sources["things"]["status"] == "absent"
    assert not store.has("things")
    with pytest.raises(BoardPackError, match="not available"):
        store.table("things")


def test_demo_marker_and_missing_folder(data, tmp_path):
    assert not Store(prepare_store(data, tmp_path / "s", [])).is_demo
    (data / DEMO_MARKER).write_text("SYNTHETIC")
    assert Store(prepare_store(data, tmp_path / "s", [])).is_demo
    with pytest.raises(BoardPackError, match="does not exist"):
        prepare_store(tmp_path / "nowhere", tmp_path / "s", [])


def test_tables_are_copies(data, tmp_path):
    store = Store(prepare_store(data, tmp_path / "store", [CountingSource().source()]))
    store.table("things").loc[0, "n"] = 99
    assert store.table("things")["n"].tolist() == [1, 2]
    # shallow copies under copy-on-write: no way of changing one reaches the parsed table
    changed = store.table("things")
    changed["n"] += 10
    changed.iloc[0, changed.columns.get_loc("n")] = -1
    changed.loc[:, "n"] = 0
    assert store.table("things")["n"].tolist() == [1, 2]
    assert json.loads(store.index_path.read_text())["sources"]["things"]["status"] == "ok"


class EmptyAwareSource:
    """A source named ``name`` over data_dir/<name>/*.csv whose empty files raise EmptyInputError."""

    def __init__(self, name, needs_all=False):
        self.name = name
        self.needs_all = needs_all

    def discover(self, data_dir):
        return sorted((data_dir / self.name).glob("*.csv"))

    def load(self, paths, registry):
        from boardpack.errors import EmptyInputError

        frames = []
        for p in paths:
            df = pd.read_csv(p)
            if df.empty:
                raise EmptyInputError(p)
            frames.append(df)
        if self.needs_all and len(paths) < 2:
            raise DataValidationError(paths[0], "needs its companion file")
        return {self.name: pd.concat(frames, ignore_index=True)}

    def source(self):
        return Source(self.name, "test source", self.discover, self.load)


def _files(data, name, **contents):
    (data / name).mkdir(parents=True, exist_ok=True)
    for file, text in contents.items():
        (data / name / f"{file}.csv").write_text(text)


def test_empty_optional_source_is_recorded_with_its_file(tmp_path):
    data = tmp_path / "data"
    _files(data, "pas", a="n\n")
    store = Store(prepare_store(data, tmp_path / "store", [EmptyAwareSource("pas").source()]))
    entry = store.sources["pas"]
    assert entry["status"] == "empty" and entry["empty_files"] == ["pas/a.csv"]
    assert entry["problem"].startswith("pas/a.csv has no data rows")
    assert not store.has("pas")


def test_empty_file_of_a_dependent_source_costs_the_whole_source(tmp_path):
    data = tmp_path / "data"
    _files(data, "pas", a="n\n1\n", b="n\n")
    store = Store(prepare_store(data, tmp_path / "store", [EmptyAwareSource("pas").source()]))
    assert store.sources["pas"]["status"] == "empty" and store.sources["pas"]["empty_files"] == ["pas/b.csv"]


def test_empty_file_of_a_separable_source_is_set_aside(tmp_path):
    data = tmp_path / "data"
    _files(data, "census", a="n\n7\n", b="n\n")
    index = prepare_store(data, tmp_path / "store", [EmptyAwareSource("census").source()])
    store = Store(index)
    assert store.sources["census"]["status"] == "ok"
    assert store.sources["census"]["empty_files"] == ["census/b.csv"]
    assert store.table("census")["n"].tolist() == [7]
    # Served from the prepared tables the second time, still naming the file set aside.
    again = Store(prepare_store(data, tmp_path / "store", [EmptyAwareSource("census").source()]))
    assert again.sources["census"]["empty_files"] == ["census/b.csv"]


def test_separable_source_whose_rest_cannot_stand_alone_is_empty(tmp_path):
    data = tmp_path / "data"
    _files(data, "stop_search", a="n\n7\n", b="n\n")
    store = Store(prepare_store(data, tmp_path / "store", [EmptyAwareSource("stop_search", needs_all=True).source()]))
    assert store.sources["stop_search"]["status"] == "empty"


def test_empty_crime_file_refuses_the_run(tmp_path):
    from boardpack.errors import EmptyInputError

    data = tmp_path / "data"
    _files(data, "crime", a="n\n")
    with pytest.raises(EmptyInputError, match="a.csv"):
        prepare_store(data, tmp_path / "store", [EmptyAwareSource("crime").source()])


def test_a_data_folder_without_crime_files_is_refused(tmp_path):
    data = tmp_path / "data"
    _files(data, "pas", a="n\n1\n")
    sources = [EmptyAwareSource("crime").source(), EmptyAwareSource("pas").source()]
    with pytest.raises(DataValidationError, match="no recorded crime file was found") as err:
        prepare_store(data, tmp_path / "store", sources)
    assert err.value.file.endswith("mps_borough_crime")


def test_optional_source_that_cannot_be_found_whole_is_absent_with_its_reason(tmp_path):
    def discover(data_dir):
        raise DataValidationError(data_dir / "boundaries", "the borough boundaries are needed")

    store = Store(prepare_store(tmp_path, tmp_path / "store", [Source("stop_search", "t", discover, None)]))
    assert store.sources["stop_search"]["status"] == "absent"
    assert store.sources["stop_search"]["problem"] == "boundaries: the borough boundaries are needed"


def test_a_table_is_parsed_once_per_process_and_again_when_its_file_changes(tmp_path):
    import pandas as pd

    from boardpack.store import read_table

    path = tmp_path / "t.parquet"
    pd.DataFrame({"a": [1, 2]}).to_parquet(path)
    first = read_table(path)
    assert read_table(path) is first  # the same parse
    pd.DataFrame({"a": [1, 2, 3]}).to_parquet(path)
    os.utime(path, ns=(1, 1))  # a new modification time even on a coarse clock
    assert read_table(path)["a"].tolist() == [1, 2, 3]


class PidSource:
    """A source over data_dir/<name>/*.csv that notes which process parsed it (in data_dir/<name>.pid)."""

    def __init__(self, name, fail=False):
        self.name, self.fail = name, fail

    def discover(self, data_dir):
        return sorted((data_dir / self.name).glob("*.csv"))

    def load(self, paths, registry):
        (paths[0].parent.parent / f"{self.name}.pid").write_text(str(os.getpid()))
        if self.fail:
            raise DataValidationError(paths[0], f"{self.name} is bad")
        return {self.name: pd.concat([pd.read_csv(p) for p in paths], ignore_index=True)}

    def source(self):
        return Source(self.name, f"{self.name} source", self.discover, self.load)


# The search source in a forked child, the others here, as a run prepares its store.
BESIDE = two_lanes("stop_search")


def test_without_a_way_to_load_every_source_is_loaded_here_in_order(two_sources, tmp_path):
    sources = [PidSource("things").source(), PidSource("stop_search").source()]
    Store(prepare_store(two_sources, tmp_path / "store", sources))
    assert int((two_sources / "stop_search.pid").read_text()) == os.getpid()


@pytest.fixture
def two_sources(tmp_path, monkeypatch):
    from boardpack import side_lane
    from boardpack.start_method import START_ENV

    monkeypatch.setenv(START_ENV, "fork")
    monkeypatch.setattr(side_lane.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(side_lane.threading, "active_count", lambda: 1)  # whatever threads earlier tests left
    for name in ("things", "stop_search"):
        (tmp_path / "data" / name).mkdir(parents=True)
        (tmp_path / "data" / name / "a.csv").write_text("n\n1\n2\n")
    return tmp_path / "data"


def test_the_stop_search_source_is_loaded_beside_the_others_into_the_same_store(two_sources, tmp_path):
    sources = [PidSource("things").source(), PidSource("stop_search").source()]
    forked = Store(prepare_store(two_sources, tmp_path / "forked", sources, load=BESIDE))
    assert int((two_sources / "stop_search.pid").read_text()) != os.getpid()
    assert int((two_sources / "things.pid").read_text()) == os.getpid()
    with chosen("spawn"):
        alone = Store(prepare_store(two_sources, tmp_path / "alone", sources, load=BESIDE))
    assert int((two_sources / "stop_search.pid").read_text()) == os.getpid()
    assert json.dumps(forked.sources).replace("forked", "X") == json.dumps(alone.sources).replace("alone", "X")
    for name in ("things", "stop_search"):
        pd.testing.assert_frame_equal(forked.table(name), alone.table(name))


def test_a_bad_file_of_the_source_loaded_beside_is_reported_as_without_it(two_sources, tmp_path):
    sources = [PidSource("things").source(), PidSource("stop_search", fail=True).source()]
    with pytest.raises(DataValidationError, match="stop_search is bad") as caught:
        prepare_store(two_sources, tmp_path / "store", sources, load=BESIDE)
    assert caught.value.file == str(two_sources / "stop_search" / "a.csv")
    assert not list((tmp_path / "store").glob("stop_search-*"))  # nothing kept of it, no temporary folder


def test_the_first_bad_source_in_order_is_the_one_reported(two_sources, tmp_path):
    both_bad = [PidSource("stop_search", fail=True).source(), PidSource("things", fail=True).source()]
    with pytest.raises(DataValidationError, match="stop_search is bad"):
        prepare_store(two_sources, tmp_path / "a", both_bad, load=BESIDE)
    both_bad.reverse()
    with pytest.raises(DataValidationError, match="things is bad"):
        prepare_store(two_sources, tmp_path / "b", both_bad, load=BESIDE)


def test_each_table_with_months_has_its_last_month_in_the_index(data, tmp_path):
    counting = CountingSource()
    (data / "things" / "a.csv").write_text("n,month\n1,2019-02\n2,2019-04\n3,2019-03\n")
    store = Store(prepare_store(data, tmp_path / "store", [counting.source()]))
    assert store.sources["things"]["last_months"] == {"things": "2019-04"}
    assert store.last_month("things") == "2019-04"


def test_a_last_month_not_in_the_index_is_read_from_the_table(data, tmp_path):
    counting = CountingSource()
    (data / "things" / "a.csv").write_text("n,month\n1,2019-02\n2,2019-04\n")
    index = prepare_store(data, tmp_path / "store", [counting.source()])
    entry = json.loads(index.read_text())
    del entry["sources"]["things"]["last_months"]
    index.write_text(json.dumps(entry))
    assert Store(index).last_month("things") == "2019-04"


def test_checking_a_current_store_and_its_period_loads_no_pandas(tmp_path, loaded_by):
    # A rebuild, or a run with nothing to build, checks the store and finds its period from the index:
    # pandas, pandera and the parsers load only in the processes that read tables.
    from boardpack.demo import ensure_demo_data
    from boardpack.store import latest_period

    demo = ensure_demo_data()
    index = prepare_store(demo, tmp_path / "store")
    assert latest_period(Store(index)) == str(Store(index).table("crime")["month"].max())
    code = (
        "from boardpack.store import Store, latest_period, prepare_store\n"
        f"print(latest_period(Store(prepare_store({str(demo)!r}, {str(tmp_path / 'store')!r}))))"
    )
    assert loaded_by(code, ["pandas", "pandera", "pyarrow"]) == (latest_period(Store(index)), [])
