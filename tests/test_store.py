"""The prepared store parses each input once, keyed by its hashes, and never keeps bad input."""

import json

import pandas as pd
import pytest

from boardpack.errors import BoardPackError, DataValidationError
from boardpack.loaders.source import Source
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
    assert json.loads(store.index_path.read_text())["sources"]["things"]["status"] == "ok"
