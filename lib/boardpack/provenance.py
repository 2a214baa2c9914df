"""Where a build came from: the package versions and the project's git commit.

Kept low in the layers so that the manifest, the pack's audit header and the audit edition
state the same facts the same way.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
from importlib import metadata

from .paths import PROJECT_DIR

PACKAGES = ["boardpack", "papermill", "nbconvert", "nbclient", "ipykernel", "pandas", "pyarrow", "matplotlib",
            "seaborn", "pandera", "weasyprint", "shapely", "pyproj", "pyshp", "openpyxl", "xlrd"]


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that shape the output."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit() -> str | None:
    """The project's git commit, with ``-dirty`` when the work tree has changes; None outside git."""
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_DIR,
                               capture_output=True, text=True).stdout.strip()
        return sha + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None



LOCK_FILE = "requirements.lock"


def lock_sha256() -> str | None:
    """The sha256 of the project's ``requirements.lock`` (the exact dependency versions the suite is installed
    from, ``make lock``); None where the project folder has no lock file."""
    path = PROJECT_DIR / LOCK_FILE
    # hashlib, not boardpack.hashing: the two modules are independent siblings in the layers.
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
