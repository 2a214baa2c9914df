"""Atomic publication: a run killed midway never leaves a half-written pack."""

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
