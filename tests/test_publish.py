"""Atomic publication: a run killed midway never leaves a half-written pack."""

import json
import os

import pytest

from boardpack import publish
from boardpack.publish import keep_file, make_build_dir, publish_dir, recover


def _pack(folder, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "board_pack.pdf").write_text(text)
    (folder / "board_pack.html").write_text(text)


def test_publish_replaces_the_whole_folder(tmp_path):
    final = tmp_path / "2019-02" / "camden"
    _pack(final, "old")
    tmp = make_build_dir(final)
    _pack(tmp, "new")
    publish_dir(tmp, final)
    assert (final / "board_pack.pdf").read_text() == "new"
    assert sorted(p.name for p in final.parent.iterdir()) == ["camden"]


def test_killed_between_renames_recovers_the_previous_pack(tmp_path, monkeypatch):
    final = tmp_path / "2019-02" / "camden"
    _pack(final, "old")
    tmp = make_build_dir(final)
    _pack(tmp, "new")
    real_rename = os.rename
    calls = []

    def dying_rename(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:  # the old pack is aside, the new one not yet in place
            raise KeyboardInterrupt("killed")
        return real_rename(src, dst)

    monkeypatch.setattr(publish.os, "rename", dying_rename)
    with pytest.raises(KeyboardInterrupt):
        publish_dir(tmp, final)
    monkeypatch.setattr(publish.os, "rename", real_rename)
    assert not final.exists()
    restored = recover(final.parent)
    assert restored == [final]
    assert (final / "board_pack.pdf").read_text() == "old"
    assert sorted(p.name for p in final.parent.iterdir()) == ["camden"]  # the abandoned build is gone


def test_a_failed_build_leaves_earlier_outputs_intact(tmp_path):
    final = tmp_path / "p" / "camden"
    _pack(final, "old")
    tmp = make_build_dir(final)
    (tmp / "board_pack.pdf").write_text("half")  # killed here: never published
    recover(final.parent)
    assert (final / "board_pack.pdf").read_text() == "old"
    assert not tmp.exists()


def test_keep_file_moves_atomically(tmp_path):
    src = tmp_path / "a.ipynb"
    src.write_text("x")
    target = keep_file(src, tmp_path / "out", "board_pack.failed.ipynb")
    assert target.read_text() == "x" and not src.exists()


def test_run_folder_is_private_locked_and_removed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with publish.RunFolder(out) as run:
        assert run.path.parent == out / ".runtime" and run.path.is_dir()
        assert run.path.stat().st_mode & 0o777 == 0o700 and run.path.parent.stat().st_mode & 0o777 == 0o700
        with pytest.raises(publish.OutputsBusyError, match="another run is building packs into this folder"):
            publish.RunFolder(out)  # a second run into the same folder is refused, not let loose on the first
    assert sorted(p.name for p in out.iterdir()) == []


def test_a_killed_runs_folder_and_recorded_kernel_are_removed_by_the_next_run_and_nothing_else(tmp_path):
    import dataclasses
    import subprocess
    import sys

    import psutil

    from boardpack.processes import record

    out = tmp_path / "out"
    stale = out / ".runtime" / "dead0001"
    stale.mkdir(parents=True)
    (stale / "k-1234.json").write_text('{"key": "secret"}')
    sleep = [sys.executable, "-c", "import time; time.sleep(120)"]
    # The dead run's kernel, which it recorded; a process naming its folder, and one whose pid the dead run
    # recorded for a process that ended (the same pid, another start time), which it did not start.
    kernel = subprocess.Popen(sleep + ["-f", str(stale / "k-1234.json")], start_new_session=True)
    bystanders = [subprocess.Popen(sleep + ["-f", str(stale / "k-1234.json")], start_new_session=True),
                  subprocess.Popen(sleep, start_new_session=True)]
    record(stale, kernel.pid, "kernel", "camden")
    reused = record(stale, bystanders[1].pid, "kernel", "camden")
    (stale / "processes" / "kernel-reused.json").write_text(json.dumps(dataclasses.asdict(reused) | {"started": "1"}))
    (stale / "processes" / f"kernel-{bystanders[1].pid}-{reused.started}.json").unlink()
    try:
        with publish.RunFolder(out) as run:
            assert run.stale == [stale] and not stale.exists()
            kernel.wait(timeout=10)
            assert kernel.returncode == -9
            assert all(b.poll() is None for b in bystanders)
            assert [p.name for p in (out / ".runtime").iterdir()] == [run.path.name]
    finally:
        for proc in (kernel, *bystanders):
            if proc.poll() is None:
                proc.kill()
            proc.wait()
    assert not psutil.pid_exists(kernel.pid)


def test_a_failed_swap_puts_the_previous_pack_back(tmp_path, monkeypatch):
    import errno

    final = tmp_path / "2019-02" / "camden"
    _pack(final, "old")
    tmp = make_build_dir(final)
    _pack(tmp, "new")
    real_rename = os.rename

    def full_disk(src, dst):
        if os.path.basename(src).startswith(publish.BUILD_PREFIX):
            raise OSError(errno.ENOSPC, "No space left on device", str(src))
        return real_rename(src, dst)

    monkeypatch.setattr(publish.os, "rename", full_disk)
    with pytest.raises(OSError):
        publish_dir(tmp, final)
    assert (final / "board_pack.pdf").read_text() == "old"
    assert not any(p.name.startswith(publish.OLD_PREFIX) for p in final.parent.iterdir())


def test_recover_one_borough_leaves_the_others_building(tmp_path):
    period = tmp_path / "2019-02"
    camden = make_build_dir(period / "camden")
    brent = make_build_dir(period / "brent")
    north = make_build_dir(period / "camden-north")  # a name that merely starts the same
    old = period / f"{publish.OLD_PREFIX}camden-1234abcd"
    _pack(old, "old")
    assert recover(period, only="camden") == [period / "camden"]
    assert not camden.exists() and brent.exists() and north.exists()
    assert (period / "camden" / "board_pack.pdf").read_text() == "old"


# --- one helper writes a single file atomically (manifest, index, store index, downloads) --------

def test_atomic_write_replaces_whole_files_with_an_ordinary_mode(tmp_path):
    from boardpack.atomic import write_bytes_atomic, write_json_atomic, write_text_atomic

    target = tmp_path / "manifest.json"
    target.write_text("old")
    write_json_atomic(target, {"a": "é"})
    assert target.read_text(encoding="utf-8") == '{\n  "a": "é"\n}'
    mask = os.umask(0o022)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's owner-only 0o600
    assert write_text_atomic(tmp_path / "index.html", "<p>").read_text() == "<p>"
    assert write_bytes_atomic(tmp_path / "a.bin", b"\x00\x01").read_bytes() == b"\x00\x01"
    write_json_atomic(tmp_path / "new" / "folder" / "m.json", [])  # makes the folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin", "index.html", "manifest.json", "new"]


def test_a_failed_atomic_write_keeps_the_previous_file_and_leaves_no_temporary_one(tmp_path):
    from boardpack.atomic import open_atomic

    target = tmp_path / "data.csv"
    target.write_text("previous")
    with pytest.raises(KeyboardInterrupt), open_atomic(target, "w", suffix=".part") as fh:
        fh.write("half")
        raise KeyboardInterrupt  # a stop mid-write
    with pytest.raises(OSError), open_atomic(tmp_path / "missing" / "x.csv") as fh:
        fh.write("no folder")
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]
