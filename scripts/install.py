"""Install the suite from its lock into a venv: `make install` runs this with the Python you have.

The lock is installed by a pip whose own version is pinned and hash-checked (installer.lock), never
by whatever pip the interpreter ships: a shipped pip that resolves dependencies itself can reach past
the lock when a dependency releases (pip before 23.3 took the newest release of a package that
another asks for through an extra, such as WeasyPrint's ``fonttools[woff]``, and refused it for want
of a hash). The lock is complete, so nothing is resolved at install time: every distribution is
installed as the exact wheel it names (``--no-deps --only-binary :all:``), a distribution the lock no
longer names is removed, then the lock is resolved against what is installed, downloading nothing,
and ``pip check`` run, so that a lock missing anything fails loudly. The suite itself is installed
editable with the build backend the lock pinned, without build isolation, so the editable install
fetches nothing either.

Standard library only. pip runs with your own configuration (index, proxy, certificates).
Usage: ``python3.11 scripts/install.py [--venv DIR] [--lock FILE] [--installer-lock FILE]``.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The version the lock is resolved for (`make lock` passes it to uv too).
PYTHON_VERSION = (3, 11)
KERNEL_NAME = "python3"
KERNEL_DISPLAY_NAME = "Python 3 (boardpack)"
# Pinned pip prints no advice to upgrade itself: its version is the lock's choice.
PIP = ["-m", "pip", "--disable-pip-version-check"]


class InstallError(Exception):
    """A step that failed; its message is the one line printed."""


class WrongPython(InstallError):
    """The interpreter is not the version the lock is resolved for."""


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        check_python(sys.version_info, sys.executable)
        python = create_venv(args.venv)
        fetch_installer(python, args.installer_lock, args.cache)
        install_installer(python, args.installer_lock, args.cache)
        install_lock(python, args.lock)
        remove_unlocked(python, args.lock)
        check_lock_complete(python, args.lock)
        if args.project is not None:
            install_project(python, args.project)
            install_kernel(python)
            compile_project(python, args.project)
        check_environment(python)
    except InstallError as exc:
        print(f"install.py: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, WrongPython) else 1
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="install.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, default=PROJECT_DIR / ".venv", help="the venv to create or update")
    parser.add_argument("--lock", type=Path, default=PROJECT_DIR / "requirements.lock",
                        help="the complete, hashed list of what to install")
    parser.add_argument("--installer-lock", type=Path, default=PROJECT_DIR / "installer.lock",
                        help="the hashed pin of the pip that installs the lock")
    parser.add_argument("--cache", type=Path, default=PROJECT_DIR / ".cache" / "installer",
                        help="where the installer's hash-checked wheel is kept")
    parser.add_argument("--project", type=Path, default=PROJECT_DIR,
                        help="the project installed editable after the lock")
    parser.add_argument("--no-project", dest="project", action="store_const", const=None,
                        help="install the lock only: no project, kernel or bytecode")
    return parser.parse_args(argv)


def check_python(version_info: tuple, executable: str) -> None:
    """Refuse any Python but the one the lock is resolved for, saying how to name the right one."""
    if tuple(version_info[:2]) != PYTHON_VERSION:
        wanted = ".".join(map(str, PYTHON_VERSION))
        found = ".".join(map(str, version_info[:3]))
        raise WrongPython(f"Python {wanted} is needed (requirements.lock is resolved for it) but {executable} is "
                          f"{found} — point PYTHON= at a {wanted} interpreter, e.g. make install PYTHON=python{wanted}")


def create_venv(venv: Path) -> Path:
    """Create the venv with the interpreter's own pip (or keep the one there); return its python."""
    run([sys.executable, "-m", "venv", str(venv)],
        f"could not create the venv {venv} (on Debian and Ubuntu: apt-get install python3-venv)")
    return venv / "bin" / "python"


def fetch_installer(python: Path, installer_lock: Path, cache: Path) -> None:
    """Download the pinned pip's wheel into the cache, checked against its hashes (the venv's stock pip)."""
    run([python, *PIP, "download", "--quiet", "--require-hashes", "--no-deps", "--only-binary", ":all:",
         "--dest", str(cache), "-r", str(installer_lock)],
        f"could not download the installer pinned in {installer_lock}")


def install_installer(python: Path, installer_lock: Path, cache: Path) -> None:
    """Replace the venv's stock pip with the pinned one, from the cache only, hashes checked again."""
    run([python, *PIP, "install", "--quiet", "--require-hashes", "--no-deps", "--only-binary", ":all:",
         "--no-index", "--find-links", str(cache), "-r", str(installer_lock)],
        f"could not install the installer pinned in {installer_lock}")


def install_lock(python: Path, lock: Path) -> None:
    """Install every distribution of the lock, as the exact hashed wheel it names, resolving nothing."""
    print(f"install.py: installing {lock.name} with the pinned pip")
    run([python, *PIP, "install", "--quiet", "--require-hashes", "--no-deps", "--only-binary", ":all:",
         "-r", str(lock)],
        f"could not install {lock}")


def locked_names(lock: Path) -> set[str]:
    """The distributions a lock pins (``name==version`` lines), by their normalised names."""
    pins = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", lock.read_text(encoding="utf-8"), re.MULTILINE)
    return {normalise(name) for name in pins}


def normalise(name: str) -> str:
    """A distribution's name as the package index compares names (lower case, runs of ``-_.`` as ``-``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def remove_unlocked(python: Path, lock: Path) -> None:
    """Uninstall what the venv holds but the lock no longer names (the installer and editable installs stay)."""
    listed = subprocess.run([str(python), *PIP, "list", "--format=json", "--exclude-editable"],
                            capture_output=True, text=True)
    if listed.returncode != 0:
        raise InstallError(f"could not list the venv's distributions: {listed.stderr.strip()[-300:]}")
    keep = locked_names(lock) | {"pip"}
    extra = sorted(d["name"] for d in json.loads(listed.stdout) if normalise(d["name"]) not in keep)
    if extra:
        print(f"install.py: removing what {lock.name} no longer names: {', '.join(extra)}")
        run([python, *PIP, "uninstall", "--quiet", "--yes", *extra], "could not remove " + ", ".join(extra))


def check_lock_complete(python: Path, lock: Path) -> None:
    """Resolve the lock against what is installed, downloading nothing: fail if it left anything out.

    ``pip check`` alone would miss a package that one distribution asks for through another's extra.
    ``--isolated --no-index``: the check reads the venv only, never an index or your pip configuration.
    """
    run([python, *PIP, "install", "--quiet", "--dry-run", "--isolated", "--no-index", "-r", str(lock)],
        f"{lock.name} is incomplete: the package named above is needed but not locked (run make lock)")


def install_project(python: Path, project: Path) -> None:
    """Install the project editable, built by the locked setuptools, fetching nothing."""
    run([python, *PIP, "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index", "-e", str(project)],
        f"could not install {project} editable")


def install_kernel(python: Path) -> None:
    """Register the venv's Jupyter kernel inside the venv, under the name the template asks for."""
    run([python, "-m", "ipykernel", "install", "--sys-prefix", "--name", KERNEL_NAME,
         "--display-name", KERNEL_DISPLAY_NAME],
        "could not register the Jupyter kernel", quiet=True)


def compile_project(python: Path, project: Path) -> None:
    """Compile the suite's modules once, as pip compiles what it installs (the Makefile's `bytecode`)."""
    run([python, "-m", "compileall", "-q", str(project / "lib")], "could not compile lib/ to bytecode", quiet=True)


def check_environment(python: Path) -> None:
    """Fail if an installed distribution needs something the venv lacks: the lock was incomplete."""
    run([python, *PIP, "check"], "pip check failed: the lock is missing a dependency (run make lock)", quiet=True)


def run(cmd: list, error: str, quiet: bool = False) -> None:
    """Run one step; on failure raise `error` (the tool has printed its own message above it)."""
    proc = subprocess.run([str(c) for c in cmd], stdout=subprocess.PIPE if quiet else None,
                          stderr=subprocess.STDOUT if quiet else None, text=True)
    if proc.returncode != 0:
        if quiet and proc.stdout:
            sys.stderr.write(proc.stdout)
        raise InstallError(f"{error} (exit status {proc.returncode}; the message above says why)")


if __name__ == "__main__":
    sys.exit(main())
