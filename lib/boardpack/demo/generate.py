"""Write the whole synthetic demo dataset, atomically (:mod:`.current` decides when it is stale)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import BoardPackError
from ..side_lane import NOT_DONE, side_by_side
from ..store import DEMO_MARKER
from .boundaries import write_boundaries
from .census import write_census
from .coverage import DEMO_PERIOD
from .current import VERSION_FILE, generator_version
from .crime import write_crime
from .homicide import write_homicide
from .inputs import (
    write_asb,
    write_commitments,
    write_complaints,
    write_custody_visits,
    write_moj,
    write_other_crime,
)
from .population import write_population
from .stop_search import search_months, write_stop_search
from .surveys import write_pas, write_uss

WRITERS = (
    write_crime, write_stop_search, write_pas, write_census, write_population, write_homicide,
    write_boundaries, write_asb, write_uss, write_complaints, write_custody_visits, write_moj,
    write_other_crime, write_commitments,
)


def _marker_text(version: str) -> str:
    return (
        "SYNTHETIC DEMO DATA - NOT OFFICIAL STATISTICS\n"
        "\n"
        "Every figure in this folder was invented by boardpack.demo to show how the packs\n"
        "look. The files copy the published layouts of the real public sources (MPS, MOPAC,\n"
        "ONS, GLA, police.uk) so the real loaders read them, but no row comes from them:\n"
        "levels are calibrated only to a few rounded London-wide aggregates. Boundaries are a\n"
        "schematic grid, not real borough shapes. Do not quote any number from here.\n"
        "\n"
        f"Data to: {DEMO_PERIOD}\n"
        f"Generator version: {version}\n"
        "Regenerate with: python -m boardpack.demo --out DIR --force\n"
    )


def _write_all(folder: Path, version: str) -> None:
    # The stop and search months take most of the time: the later half is written beside the
    # rest, on a second core where there is one (each month has its own random stream).
    searches = search_months()
    earlier, later = searches[:len(searches) // 2], searches[len(searches) // 2:]

    def the_rest() -> None:
        for writer in WRITERS:
            if writer is write_stop_search:
                writer(folder, only=earlier)
            else:
                writer(folder)

    written, _ = side_by_side(lambda: write_stop_search(folder, only=later), the_rest)
    if written is NOT_DONE:
        write_stop_search(folder, only=later)
    (folder / DEMO_MARKER).write_text(_marker_text(version), encoding="utf-8")
    (folder / VERSION_FILE).write_text(version + "\n", encoding="utf-8")


def _is_replaceable(folder: Path) -> bool:
    return not folder.exists() or (folder / DEMO_MARKER).is_file() or (folder.is_dir() and not any(folder.iterdir()))


def generate_demo_data(out_dir: str | Path) -> Path:
    """Write the synthetic demo dataset to ``out_dir``, replacing an older demo dataset there.

    Everything is written to a temporary sibling folder first and renamed into place,
    so an interrupted run never leaves a half-written dataset behind.

    Parameters
    ----------
    out_dir : str or Path
        The folder to create (its parent is created if needed).

    Under the ``fork`` start method (:func:`boardpack.start_method.current_start_method`), the
    later search months are written in a forked child (:mod:`boardpack.side_lane`).

    Returns
    -------
    Path
        ``out_dir``.

    Raises
    ------
    BoardPackError
        If ``out_dir`` exists, is not empty and is not a demo dataset (it has no
        ``DEMO_DATA.txt``): real data is never overwritten.
    """
    out_dir = Path(out_dir).resolve()
    if not _is_replaceable(out_dir):
        raise BoardPackError(
            f"{out_dir} exists and is not a demo dataset (no {DEMO_MARKER}); "
            "choose an empty or new folder for the demo data"
        )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    version = generator_version()
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    old = None
    try:
        _write_all(tmp, version)
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            os.rename(out_dir, old / "data")
        os.rename(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return out_dir
