"""The processes a run starts: recorded with their start times, and only they are ever stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from boardpack import processes
from boardpack.processes import ProcessRecord, record, recorded, start_time, stop, stop_recorded

SLEEP = [sys.executable, "-c", "import time; time.sleep(120)"]


@pytest.fixture
def started():
    """Start sleeping processes (``started(**popen_options)``); any still running is killed at the end."""
    made = []

    def start(**options):
        proc = subprocess.Popen(SLEEP, **options)
        made.append(proc)
        return proc

    yield start
    for proc in made:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def test_a_process_is_recorded_with_its_group_and_start_time(tmp_path, started):
    proc = started(start_new_session=True)
    entry = record(tmp_path, proc.pid, "kernel", "camden")
    assert entry == ProcessRecord(proc.pid, proc.pid, start_time(proc.pid), "kernel", "camden")
    assert recorded(tmp_path) == [entry]
    assert recorded(tmp_path, borough="camden", roles={"kernel"}) == [entry]
    assert recorded(tmp_path, borough="sutton") == recorded(tmp_path, roles={"worker"}) == []
    assert entry.is_running()


def test_nothing_is_recorded_without_a_run_folder_or_for_a_process_gone(tmp_path, started):
    proc = started()
    assert record(None, proc.pid, "kernel") is None
    proc.kill()
    proc.wait()
    assert record(tmp_path, proc.pid, "kernel") is None
    assert start_time(proc.pid) is None


def test_a_zombie_counts_as_gone(tmp_path, started):
    proc = started()
    entry = record(tmp_path, proc.pid, "kernel")
    os.kill(proc.pid, signal.SIGKILL)
    os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)  # exited, not yet reaped
    assert not entry.is_running()
    assert stop([entry]) == []


def test_stopping_kills_a_recorded_process_and_the_group_it_leads(tmp_path, started):
    import time

    # A kernel in a session of its own, which started a process (in its group).
    code = ("import subprocess, sys, time\n"
            "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
            "print(child.pid, flush=True)\ntime.sleep(120)")
    leader = subprocess.Popen([sys.executable, "-c", code], start_new_session=True, stdout=subprocess.PIPE, text=True)
    try:
        member = int(leader.stdout.readline())
        plain = started()
        stopped = stop([record(tmp_path, leader.pid, "kernel"), record(tmp_path, plain.pid, "worker")])
        assert sorted(stopped) == sorted([leader.pid, plain.pid])
        for proc in (leader, plain):
            assert proc.wait(timeout=10) == -signal.SIGKILL
        deadline = time.monotonic() + 10
        while start_time(member) is not None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert start_time(member) is None  # gone with its group
    finally:
        if leader.poll() is None:
            leader.kill()
        leader.wait()
        leader.stdout.close()


def test_a_pid_now_held_by_another_process_is_left_alone(tmp_path, started):
    # The recorded process ended and the system gave its pid to a program the run did not start.
    other = started()
    entry = ProcessRecord(other.pid, other.pid, "1", "kernel", "camden")
    assert not entry.is_running()
    assert stop([entry]) == []
    assert other.poll() is None


def test_stop_recorded_stops_only_the_chosen_borough_and_roles(tmp_path, started):
    camden, sutton, worker = started(), started(), started()
    record(tmp_path, camden.pid, "kernel", "camden")
    record(tmp_path, sutton.pid, "kernel", "sutton")
    record(tmp_path, worker.pid, "worker")
    assert stop_recorded(tmp_path, borough="camden") == [camden.pid]
    assert stop_recorded(tmp_path, roles={"worker"}) == [worker.pid]
    assert sutton.poll() is None
    assert stop_recorded(tmp_path) == [sutton.pid]
    assert stop_recorded(tmp_path / "elsewhere") == stop_recorded(None) == []


def test_a_record_half_written_by_a_killed_process_is_skipped(tmp_path, started):
    proc = started()
    entry = record(tmp_path, proc.pid, "kernel")
    (tmp_path / processes.RECORDS / "kernel-9-9.json").write_text('{"pid": 9')
    assert recorded(tmp_path) == [entry]


def test_this_process_and_its_own_group_are_never_signalled(tmp_path):
    me = record(tmp_path, os.getpid(), "worker")
    assert stop([me]) == []
