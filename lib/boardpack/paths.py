"""Where things are: the package's own files, and the project's folders.

The package's own files (render templates, crime mappings, the pack's text, the fetch catalogue,
the demo's calibration) ship inside it as package data and are found from the package itself
(:func:`package_path`), so the suite works installed from a wheel as well as in editable mode.

The *project* folder is not part of the package: it holds ``params/`` (the boroughs and run
defaults) and ``notebooks/board_pack.ipynb`` (the template), and by default ``outputs/`` and
``.cache/``. It is found, in this order:

1. ``BOARDPACK_PROJECT_DIR``, when set (worker processes and kernels inherit it);
2. the working directory, or the nearest folder above it, that holds both ``params/boroughs.yaml``
   and ``notebooks/board_pack.ipynb`` (so a notebook opened in ``notebooks/`` finds it too);
3. the source checkout the package is imported from, in an editable install (``lib/boardpack``
   two folders below the project).

When none holds ``params/``, the working directory is taken and the first read of a params file
fails with a :class:`~boardpack.errors.ConfigurationError` naming the folder it expected
(:func:`boardpack.registry.params_file`, with :func:`missing_message` from here).
``BOARDPACK_PARAMS_DIR`` points at another params folder, ``BOARDPACK_CACHE_DIR`` at another cache.

This module sits at the bottom of the layers beside ``errors`` and imports no other module of
the package.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

PROJECT_ENV = "BOARDPACK_PROJECT_DIR"
PARAMS_ENV = "BOARDPACK_PARAMS_DIR"
CACHE_ENV = "BOARDPACK_CACHE_DIR"
TEMPLATE_RELATIVE = Path("notebooks") / "board_pack.ipynb"
# The files that together mark a folder as a board-pack project.
PROJECT_MARKERS = (Path("params") / "boroughs.yaml", TEMPLATE_RELATIVE)

PACKAGE_DIR = Path(__file__).resolve().parent


def package_path(*parts: str) -> Path:
    """A file or folder shipped inside the package (package data), found through the package.

    Parameters
    ----------
    *parts : str
        Path parts below the package, e.g. ``"text", "glossary.yaml"``.
    """
    return Path(str(resources.files(__package__).joinpath(*parts)))


def _cwd() -> Path | None:
    try:
        return Path.cwd()
    except OSError:  # the working directory was removed
        return None


def _is_project(folder: Path) -> bool:
    return all((folder / marker).is_file() for marker in PROJECT_MARKERS)


def find_project_dir(environ: dict | None = None, start: Path | None = None) -> Path | None:
    """The project folder, by the rules in the module docstring; None when no folder qualifies.

    ``BOARDPACK_PROJECT_DIR`` is returned when set, whether or not it holds ``params/``: the
    error on first use then names it.
    """
    environ = os.environ if environ is None else environ
    if environ.get(PROJECT_ENV):
        return Path(environ[PROJECT_ENV]).expanduser().resolve()
    start = start if start is not None else _cwd()
    if start is not None:
        start = start.resolve()
        for folder in (start, *start.parents):
            if _is_project(folder):
                return folder
    checkout = PACKAGE_DIR.parent.parent
    if PACKAGE_DIR.parent.name == "lib" and _is_project(checkout):
        return checkout
    return None


_FOUND = find_project_dir()
PROJECT_FOUND = _FOUND is not None
PROJECT_DIR = _FOUND if _FOUND is not None else (_cwd() or Path(".").absolute())
PARAMS_DIR = Path(os.environ.get(PARAMS_ENV) or PROJECT_DIR / "params")
NOTEBOOK = PROJECT_DIR / TEMPLATE_RELATIVE
OUTPUTS_DIR = PROJECT_DIR / "outputs"
# Generated, git-ignored: the demo dataset and the prepared Parquet store.
CACHE_DIR = Path(os.environ.get(CACHE_ENV) or PROJECT_DIR / ".cache")
DEMO_DATA_DIR = CACHE_DIR / "demo-data"
STORE_DIR = CACHE_DIR / "store"


def missing_message(path: Path) -> str:
    """What to say when a file or folder of the project is absent: where it was expected and how to point at it."""
    if os.environ.get(PARAMS_ENV) and Path(path).is_relative_to(PARAMS_DIR):
        how = f"{PARAMS_ENV} is set to {PARAMS_DIR} — point it at a folder holding boroughs.yaml and defaults.yaml"
    elif os.environ.get(PROJECT_ENV):
        how = (f"{PROJECT_ENV} is set to {PROJECT_DIR} — point it at the project folder, the one holding params/ "
               "and notebooks/")
    elif not PROJECT_FOUND:
        how = (f"no project folder (one holding params/ and notebooks/) was found in the working directory "
               f"{PROJECT_DIR} or the folders above it — run from the project folder, "
               f"or set {PROJECT_ENV}=/path/to/project")
    else:
        how = (f"the project folder is {PROJECT_DIR} — restore the file, or set {PROJECT_ENV} to another project "
               "folder")
    return f"{path}: no such file or folder; {how}"


def project_env() -> dict[str, str]:
    """The environment that makes worker processes and kernels find this same project folder."""
    return {PROJECT_ENV: str(PROJECT_DIR)} if PROJECT_FOUND else {}
