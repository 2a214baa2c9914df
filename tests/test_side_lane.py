"""Two parts of the data preparation at once: one in a forked child, one in this process."""

import os
import threading
import time

import pytest

from boardpack import processes, side_lane
from boardpack.side_lane import NOT_DONE, side_by_side, two_lanes
from boardpack.start_method import START_ENV


class _OneThread:
    """Stands in for :mod:`threading` here: threads earlier tests left behind (a progress bar's
    monitor, say) would otherwise turn the child off."""

    @staticmethod
    def active_count():
        return 1


@pytest.fixture(autouse=True)
def forking(monkeypatch):
    monkeypatch.setenv(START_ENV, "fork")
    monkeypatch.setattr(side_lane.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(side_lane, "threading", _OneThread)
    monkeypatch.setattr(processes, "threading", _OneThread)


def _no_children_left():
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_the_side_part_runs_in_a_child_while_this_process_does_its_own():
    me = os.getpid()
    side, here = side_by_side(lambda: os.getpid(), lambda: os.getpid())
    assert here == me
    assert isinstance(side, int) and side != me
    _no_children_left()


def test_a_side_part_that_raises_is_not_done_and_left_to_the_caller():
    def side():
        raise ValueError("bad file")

    side_result, here = side_by_side(side, lambda: "mine")
    assert side_result is NOT_DONE and here == "mine"
    _no_children_left()


def test_a_child_that_dies_before_it_reports_is_not_done():
    side_result, here = side_by_side(lambda: os._exit(3), lambda: "mine")
    assert side_result is NOT_DONE and here == "mine"
    _no_children_left()


def test_when_this_side_raises_the_child_is_stopped_tidily_and_reaped(tmp_path):
    marker = tmp_path / "tidied"

    def side():
        try:
            time.sleep(60)
        finally:
            marker.write_text("yes")

    def here():
        time.sleep(0.3)  # the child is inside its work
        raise RuntimeError("this side failed")

    start = time.monotonic()
    with pytest.raises(RuntimeError, match="this side failed"):
        side_by_side(side, here)
    assert time.monotonic() - start < 10
    assert marker.read_text() == "yes"  # the child's finally ran: it was interrupted, not killed
    _no_children_left()


def test_a_large_result_comes_back_whole():
    big = list(range(200_000))  # more than a pipe holds: the child waits until this side reads
    side, here = side_by_side(lambda: big, lambda: "mine")
    assert side == big and here == "mine"


@pytest.mark.parametrize("why", ["spawn", "one core", "another thread"])
def test_no_child_is_forked_under_spawn_on_one_core_or_beside_another_thread(monkeypatch, why):
    if why == "spawn":
        monkeypatch.setenv(START_ENV, "spawn")
    elif why == "one core":
        monkeypatch.setattr(side_lane.os, "cpu_count", lambda: 1)
    else:
        monkeypatch.setattr(side_lane, "threading", threading)
    called = []
    release = threading.Event()
    other = threading.Thread(target=release.wait) if why == "another thread" else None
    if other is not None:
        other.start()
    try:
        side, here = side_by_side(lambda: called.append("side"), lambda: os.getpid())
    finally:
        release.set()
        if other is not None:
            other.join()
    assert side is NOT_DONE and here == os.getpid()
    assert called == []  # the caller runs the side part itself, in order


def test_two_lanes_runs_the_slow_task_in_a_child_and_the_rest_here_in_order():
    me, order = os.getpid(), []
    tasks = {"a": lambda: order.append("a") or os.getpid(), "slow": lambda: os.getpid(),
             "b": lambda: order.append("b") or os.getpid()}
    done = two_lanes("slow")(tasks)
    assert done["a"] == done["b"] == me and done["slow"] != me
    assert order == ["a", "b"]
    _no_children_left()


def test_two_lanes_returns_a_failure_here_and_runs_nothing_after_it():
    def bad():
        raise ValueError("a is bad")

    done = two_lanes("slow")({"a": bad, "b": lambda: "never", "slow": lambda: "side"})
    assert isinstance(done["a"], ValueError) and "b" not in done and done["slow"] == "side"


def test_two_lanes_leaves_out_a_slow_task_its_child_did_not_finish():
    done = two_lanes("slow")({"a": lambda: 1, "slow": lambda: os._exit(3)})
    assert done == {"a": 1}  # the caller runs "slow" itself, and raises its error there


@pytest.mark.parametrize("tasks", [{"a": lambda: 1}, {"slow": lambda: 1}, {}])
def test_two_lanes_with_nothing_beside_runs_nothing(tasks):
    assert two_lanes("slow")(tasks) == {}


def test_forking_is_refused_while_another_thread_runs(monkeypatch):
    monkeypatch.undo()  # the real threading module
    release = threading.Event()
    other = threading.Thread(target=release.wait, name="lingering", daemon=True)
    other.start()
    try:
        with pytest.raises(RuntimeError, match=r"refusing to fork while other threads run \(.*lingering"):
            processes.fork()
    finally:
        release.set()
        other.join()
