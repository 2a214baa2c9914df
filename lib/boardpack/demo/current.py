"""Whether a demo dataset is current, and regenerating it when it is not.

Checking is cheap (a hash over the generator's code), so every build without ``--data-dir``
does it; the writers (:mod:`.generate`, which need pandas and openpyxl) load only when the
dataset has to be written again.
"""

from __future__ import annotations

from pathlib import Path

from ..hashing import file_sha256, text_sha256
from ..paths import DEMO_DATA_DIR
from ..registry import params_file
from ..store import DEMO_MARKER

VERSION_FILE = "DEMO_VERSION"
_SOURCE_DIR = Path(__file__).resolve().parent


def generator_version() -> str:
    """A stamp that changes whenever the generator's code or the borough registry changes.

    Returns
    -------
    str
        16 hex digits over ``boardpack/demo/*.py`` and ``params/boroughs.yaml``.
    """
    parts = [f"{p.name}:{file_sha256(p)}" for p in sorted(_SOURCE_DIR.glob("*.py"))]
    parts.append(f"boroughs.yaml:{file_sha256(params_file('boroughs.yaml'))}")
    return text_sha256(*parts)[:16]


def is_current(out_dir: str | Path) -> bool:
    """Whether ``out_dir`` holds a demo dataset made by this version of the generator.

    Parameters
    ----------
    out_dir : str or Path

    Returns
    -------
    bool
    """
    stamp = Path(out_dir) / VERSION_FILE
    return (Path(out_dir) / DEMO_MARKER).is_file() and stamp.is_file() and \
        stamp.read_text(encoding="utf-8").strip() == generator_version()


def ensure_demo_data(out_dir: str | Path = DEMO_DATA_DIR) -> Path:
    """Return the demo dataset folder, generating it when missing or out of date.

    Parameters
    ----------
    out_dir : str or Path, optional
        The project's ``.cache/demo-data`` by default.

    Returns
    -------
    Path
        The resolved folder.

    Raises
    ------
    BoardPackError
        If ``out_dir`` holds something other than a demo dataset.
    """
    out_dir = Path(out_dir).resolve()
    if not is_current(out_dir):
        from .generate import generate_demo_data

        generate_demo_data(out_dir)
    return out_dir
