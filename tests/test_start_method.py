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


def test_a_chosen_method_holds_within_its_block_and_an_unchosen_one_keeps_the_outer(monkeypatch):
    monkeypatch.setenv(sm.START_ENV, "fork")
    assert sm.current_start_method() == "fork"
    with sm.chosen("spawn") as method:
        assert method == sm.current_start_method() == "spawn"
        with sm.chosen(None) as inner:  # run_all(start_method=None) inside the command line's choice
            assert inner == sm.current_start_method() == "spawn"
        assert sm.current_start_method() == "spawn"
    assert sm.current_start_method() == "fork"
    with pytest.raises(ConfigurationError, match="the start method is 'thread'"), sm.chosen("thread"):
        pass
    assert sm.current_start_method() == "fork"


@pytest.mark.parametrize("before", [None, "fork"])
def test_the_method_asked_for_holds_for_the_demo_data_and_the_run_and_leaves_the_environment_alone(
        monkeypatch, tmp_path, before):
    from boardpack import batch, cli

    if before is None:
        monkeypatch.delenv(sm.START_ENV, raising=False)
    else:
        monkeypatch.setenv(sm.START_ENV, before)
    seen = []

    def demo_data_folder():
        seen.append(("demo data", sm.current_start_method()))
        return tmp_path / "data"

    def run_all(*args, **kwargs):
        seen.append(("run", sm.current_start_method()))
        raise ConfigurationError("stop here")

    monkeypatch.setattr(batch, "run_all", run_all)
    monkeypatch.setattr(cli, "demo_data_folder", demo_data_folder)
    assert cli.main(["--boroughs", "camden", "--start-method", "spawn", "--no-progress"]) == 2
    assert seen == [("demo data", "spawn"), ("run", "spawn")]
    assert os.environ.get(sm.START_ENV) == before
    assert sm.current_start_method() == (before or sm.default_start_method())


def test_a_worker_is_given_the_runs_method(monkeypatch, tmp_path):
    from boardpack.batch.workers import ONE_THREAD, worker_env

    monkeypatch.setenv(sm.START_ENV, "fork")
    with sm.chosen("spawn"):
        env = worker_env(tmp_path)
    assert env[sm.START_ENV] == "spawn"
    assert all(env[name] == "1" for name in ONE_THREAD)  # native thread pools at one thread


def test_the_runs_start_method_decides_whether_preparing_the_data_forks_a_helper(monkeypatch, tmp_path):
    from boardpack import side_lane
    from boardpack.batch import run
    from boardpack.demo import generate

    monkeypatch.setenv(sm.START_ENV, "fork")
    monkeypatch.setattr(side_lane.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(side_lane.threading, "active_count", lambda: 1)
    asked = []
    real = side_lane.side_by_side

    def recording(side, here):
        asked.append(side_lane.can_fork_here())
        return real(side, here)

    monkeypatch.setattr(side_lane, "side_by_side", recording)
    monkeypatch.setattr(generate, "side_by_side", recording)
    store_dir = tmp_path / "store"
    real_prepare = run.prepare_store
    monkeypatch.setattr(run, "prepare_store", lambda path, **kw: real_prepare(path, store_dir, **kw))
    with sm.chosen("spawn"):
        data = generate.generate_demo_data(tmp_path / "data")
        run.prepare_data(data)
    assert asked == [False, False]  # the demo's search months, then the store: both in this process
