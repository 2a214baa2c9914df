"""Atomic publication of a borough's outputs.

A pack is built in a temporary folder beside its final one and swapped in with renames, so a
run killed midway leaves the previous complete outputs in place and never a half-written PDF.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

BUILD_PREFIX = ".build-"
OLD_PREFIX = ".old-"


def make_build_dir(final: Path) -> Path:
    """A fresh temporary folder on the same file system as ``final``."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f"{BUILD_PREFIX}{final.name}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    return tmp


def publish_dir(tmp: Path, final: Path) -> None:
    """Replace ``final`` with ``tmp`` using renames only.

    The old folder is first renamed aside, then ``tmp`` takes its name, then the old one is
    deleted. If the process dies between the two renames, :func:`recover` restores the old one.
    """
    old = None
    if final.exists():
        old = final.parent / f"{OLD_PREFIX}{final.name}-{uuid.uuid4().hex[:8]}"
        os.rename(final, old)
    os.rename(tmp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def keep_file(src: Path, final_dir: Path, name: str) -> Path:
    """Move one file into ``final_dir`` atomically (``os.replace``)."""
    final_dir.mkdir(parents=True, exist_ok=True)
    target = final_dir / name
    os.replace(src, target)
    return target


def recover(period_dir: Path) -> list[Path]:
    """Tidy a period folder after an interrupted run.

    Restores any borough folder that was renamed aside but not replaced, and removes
    abandoned temporary build folders.

    Returns
    -------
    list of Path
        The folders restored.
    """
    restored = []
    if not period_dir.is_dir():
        return restored
    for old in sorted(period_dir.glob(f"{OLD_PREFIX}*")):
        name = old.name[len(OLD_PREFIX):].rsplit("-", 1)[0]
        final = period_dir / name
        if not final.exists():
            os.rename(old, final)
            restored.append(final)
        else:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in period_dir.glob(f"{BUILD_PREFIX}*"):
        shutil.rmtree(tmp, ignore_errors=True)
    return restored
