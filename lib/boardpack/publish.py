"""Atomic publication of a borough's outputs.

A pack is built in a temporary folder beside its final one and swapped in with renames, so a
run killed midway leaves the previous complete outputs in place and never a half-written PDF.

:class:`RunFolder` is the run's private folder inside the output folder (kernels' connection
files and sockets), and its lock: one run at a time per output folder.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from .errors import OutputsBusyError

BUILD_PREFIX = ".build-"
OLD_PREFIX = ".old-"
RUNTIME_DIR = ".runtime"


def make_build_dir(final: Path) -> Path:
    """A fresh temporary folder on the same file system as ``final``."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f"{BUILD_PREFIX}{final.name}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    return tmp


def publish_dir(tmp: Path, final: Path) -> None:
    """Replace ``final`` with ``tmp`` using renames only.

    The old folder is first renamed aside, then ``tmp`` takes its name, then the old one is
    deleted. If the second rename fails (a full or read-only disk), the old folder is put back
    before the error goes on; if the process dies between the two renames, :func:`recover`
    restores it.
    """
    old = None
    if final.exists():
        old = final.parent / f"{OLD_PREFIX}{final.name}-{uuid.uuid4().hex[:8]}"
        os.rename(final, old)
    try:
        os.rename(tmp, final)
    except OSError:
        if old is not None and not final.exists():
            os.rename(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def keep_file(src: Path, final_dir: Path, name: str) -> Path:
    """Move one file into ``final_dir`` atomically (``os.replace``)."""
    final_dir.mkdir(parents=True, exist_ok=True)
    target = final_dir / name
    os.replace(src, target)
    return target


def recover(period_dir: Path, only: str | None = None) -> list[Path]:
    """Tidy a period folder after an interrupted run.

    Restores any borough folder that was renamed aside but not replaced, and removes
    abandoned temporary build folders.

    Parameters
    ----------
    period_dir : Path
    only : str, optional
        Tidy after this one borough folder (e.g. ``"camden"``) only: its worker died while the
        others go on building.

    Returns
    -------
    list of Path
        The folders restored.
    """
    restored = []
    if not period_dir.is_dir():
        return restored

    def left(prefix: str) -> list[Path]:  # ".old-<name>-<hex>" -> <name>, for the chosen borough
        found = sorted(period_dir.glob(f"{prefix}*"))
        return [p for p in found if only is None or p.name[len(prefix):].rsplit("-", 1)[0] == only]

    for old in left(OLD_PREFIX):
        name = old.name[len(OLD_PREFIX):].rsplit("-", 1)[0]
        final = period_dir / name
        if not final.exists():
            os.rename(old, final)
            restored.append(final)
        else:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in left(BUILD_PREFIX):
        shutil.rmtree(tmp, ignore_errors=True)
    return restored


class RunFolder:
    """The run's own folder, ``<output-dir>/.runtime/<run-id>/`` (mode 0o700), and its lock.

    Opening it takes an exclusive lock on the output folder, so a second run building into
    the same folder is refused instead of deleting the first one's build folders. The lock
    dies with the process, so any run folder found while holding it belongs to a run that is
    over (killed outright): the processes it recorded that still run (its workers and kernels,
    recognised by their start times) are stopped, and the folder removed.

    Parameters
    ----------
    output_root : Path
        The output folder (it must exist).
    """

    def __init__(self, output_root: Path):
        import fcntl

        self.output_root = Path(output_root)
        self._lock = os.open(self.output_root, os.O_RDONLY)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock)
            raise OutputsBusyError(
                f"{self.output_root}: another run is building packs into this folder — wait for it to "
                "finish, or choose another --output-dir") from None
        self.stale = self._remove_stale()
        self.path = self.output_root / RUNTIME_DIR / uuid.uuid4().hex[:8]
        self.path.mkdir(mode=0o700, parents=True)
        os.chmod(self.path.parent, 0o700)
        os.chmod(self.path, 0o700)  # whatever the umask: the connection files hold HMAC keys

    def _remove_stale(self) -> list[Path]:
        from .processes import stop_recorded

        root = self.output_root / RUNTIME_DIR
        removed = []
        if root.is_dir():
            for old in sorted(root.iterdir()):
                if old.is_dir():
                    stop_recorded(old)
                if old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    old.unlink(missing_ok=True)
                removed.append(old)
        return removed

    def close(self) -> None:
        """Remove the run folder (and ``.runtime`` when empty) and release the lock."""
        try:
            shutil.rmtree(self.path, ignore_errors=True)
            try:
                self.path.parent.rmdir()
            except OSError:
                pass
        finally:
            if self._lock is not None:
                os.close(self._lock)  # releases the flock
                self._lock = None

    def __enter__(self) -> RunFolder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
