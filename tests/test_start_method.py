"""Choosing how a batch run starts each borough's kernel."""

import os

import pytest

from boardpack import start_method as sm
from boardpack.cli import build_parser
from boardpack.errors import ConfigurationError


def test_fork_on_linux_spawn_elsewhere(monkeypatch):
    monkeypatch.setattr(sm.sys, "platform", "linux")
    assert sm.default_start_method() == "fork"
    for platform in ("darwin", "win32"):
        monkeypatch.setattr(sm.sys, "platform", platform)
        assert sm.default_start_method() == "spawn"


def test_asked_for_then_environment_then_default(monkeypatch):
    monkeypatch.delenv(sm.START_ENV, raising=False)
    assert sm.start_method() == sm.default_start_method()
    monkeypatch.setenv(sm.START_ENV, "spawn")
    assert sm.start_method() == "spawn"
    assert sm.start_method("fork") == "fork"


def test_an_unknown_method_is_refused_naming_where_it_came_from(monkeypatch):
    monkeypatch.setenv(sm.START_ENV, "forkserver")
    with pytest.raises(ConfigurationError, match=r"\$BOARDPACK_START_METHOD is 'forkserver': it must be"):
        sm.start_method()
    with pytest.raises(ConfigurationError, match="the start method is 'thread'"):
        sm.start_method("thread")


def test_fork_is_refused_where_the_system_cannot_fork(monkeypatch):
    monkeypatch.delattr(sm.os, "fork")
    assert sm.default_start_method() == "spawn"
    with pytest.raises(ConfigurationError, match="cannot fork processes: use 'spawn'"):
        sm.start_method("fork")


def test_the_command_line_offers_both(capsys):
    assert build_parser().parse_args(["--start-method", "spawn"]).start_method == "spawn"
    assert build_parser().parse_args([]).start_method is None
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--start-method", "thread"])
    assert "invalid choice" in capsys.readouterr().err


def test_a_run_with_an_unknown_method_stops_before_any_work(monkeypatch, capsys, tmp_path):
    from boardpack import cli

    monkeypatch.setenv(sm.START_ENV, "forkserver")
    monkeypatch.setattr(cli, "demo_data_folder", lambda start_method=None: tmp_path / "data")
    status = cli.main(["--boroughs", "camden", "--output-dir", str(tmp_path / "out"), "--no-progress"])
    assert status == 2
    assert "$BOARDPACK_START_METHOD is 'forkserver': it must be 'fork' or 'spawn'" in capsys.readouterr().err
    assert not list((tmp_path / "out").rglob("*.json"))  # no store, no manifest


@pytest.mark.parametrize("before", [None, "fork"])
def test_the_method_asked_for_reaches_the_data_preparation_and_leaves_the_environment_alone(
        monkeypatch, tmp_path, before):
    from boardpack import batch, cli

    if before is None:
        monkeypatch.delenv(sm.START_ENV, raising=False)
    else:
        monkeypatch.setenv(sm.START_ENV, before)
    seen = []

    def demo_data_folder(start_method=None):
        seen.append(("demo data", start_method))
        return tmp_path / "data"

    def run_all(*args, **kwargs):
        seen.append(("run", kwargs["start_method"]))  # run_all hands it to the store's preparation
        raise ConfigurationError("stop here")

    monkeypatch.setattr(batch, "run_all", run_all)
    monkeypatch.setattr(cli, "demo_data_folder", demo_data_folder)
    assert cli.main(["--boroughs", "camden", "--start-method", "spawn", "--no-progress"]) == 2
    assert seen == [("demo data", "spawn"), ("run", "spawn")]
    assert os.environ.get(sm.START_ENV) == before


def test_the_runs_start_method_decides_whether_preparing_the_data_forks_a_helper(monkeypatch, tmp_path):
    from boardpack import side_lane, store
    from boardpack.batch import run
    from boardpack.demo import generate

    monkeypatch.setenv(sm.START_ENV, "fork")
    monkeypatch.setattr(side_lane.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(side_lane.threading, "active_count", lambda: 1)
    asked = []

    def recording(side, here, method=None):
        asked.append((method, side_lane.can_fork_here(method)))
        return side_lane.side_by_side(side, here, method)

    monkeypatch.setattr(store, "side_by_side", recording)
    monkeypatch.setattr(generate, "side_by_side", recording)
    data = generate.generate_demo_data(tmp_path / "data", start_method="spawn")
    real = store.prepare_store
    monkeypatch.setattr(run, "prepare_store",
                        lambda path, **kw: real(path, tmp_path / "store", **kw))  # a store of its own
    run.prepare_data(data, "spawn")
    assert asked == [("spawn", False), ("spawn", False)]  # the demo's search months, then the store
