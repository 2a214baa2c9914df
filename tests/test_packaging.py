"""Packaging: pip, conda and the lock file agree; the wheel works installed normally, not only editable."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = PROJECT_DIR / "requirements.lock"


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _declared() -> set[str]:
    project = PYPROJECT["project"]
    names = {_name(d) for d in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        names |= {_name(d) for d in extra}
    return names


def test_pip_and_conda_dependencies_agree():
    env = yaml.safe_load((PROJECT_DIR / "environment.yml").read_text(encoding="utf-8"))
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert _declared() == conda


def test_test_tools_are_an_extra_not_a_dependency():
    project = PYPROJECT["project"]
    main = {_name(d) for d in project["dependencies"]}
    assert {"pytest", "pypdf", "import-linter"} <= {_name(d) for d in project["optional-dependencies"]["test"]}
    assert not {"pytest", "pypdf", "import-linter", "ruff"} & main
    assert "seaborn" in main


def _locked() -> dict[str, list[str]]:
    """requirements.lock as {name: [sha256 hashes]}."""
    pins: dict[str, list[str]] = {}
    current = None
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        pin = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line)
        if pin:
            current = pin.group(1).lower().replace("_", "-")
            pins[current] = []
        for digest in re.findall(r"--hash=sha256:([0-9a-f]{64})", line):
            pins[current].append(digest)
    return pins


def test_the_lock_pins_every_dependency_with_hashes():
    pins = _locked()
    assert _declared() <= set(pins), sorted(_declared() - set(pins))
    assert all(pins.values()), [n for n, h in pins.items() if not h]
    assert "boardpack" not in pins  # the project itself installs with --no-deps -e .


def test_the_manifest_records_the_lock_file():
    from boardpack.manifest import build_manifest
    from boardpack.provenance import lock_sha256

    expected = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    assert lock_sha256() == expected
    run = build_manifest({}, [], {})["run"]
    assert run["lock_sha256"] == expected
    assert "package_versions" in run


def test_nbconvert_exporters_are_registered():
    from importlib.metadata import entry_points

    names = {ep.name for ep in entry_points(group="nbconvert.exporters")}
    assert {"boardpack_pdf", "boardpack_html"} <= names


def _run(cmd, **kw):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.mark.slow
def test_the_wheel_installed_in_a_fresh_venv_builds_a_demo_borough(tmp_path):
    """Build the wheel from a clean copy of the sources, install it (and only it) into a new venv that
    sees this venv's dependencies, then build one demo borough from a project folder elsewhere."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(PROJECT_DIR / name, src / name)
    shutil.copytree(PROJECT_DIR / "lib", src / "lib",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"))
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp_path / "dist", src], timeout=600)
    wheel = next((tmp_path / "dist").glob("boardpack-*.whl"))
    shipped = set(zipfile.ZipFile(wheel).namelist())
    for data in ("boardpack/text/glossary.yaml", "boardpack/mappings/crime_ho_2008.csv",
                 "boardpack/fetch_catalogue.yaml"):
        assert data in shipped
    assert any(n.startswith("boardpack/render/templates/") for n in shipped)

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    py = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", py, "install", "--no-deps", "--quiet", wheel], timeout=600)
    site = Path(_run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    # The dependencies come from this venv, after the new venv's own site-packages (so after the wheel);
    # a plain path line does not run this venv's .pth files, so the editable install stays out of sight.
    (site / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([py, "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"])
    # nbconvert's own base templates are data files of this venv's nbconvert, not importable code.
    (venv / "share" / "jupyter" / "nbconvert").symlink_to(Path(sys.prefix) / "share" / "jupyter" / "nbconvert")

    project = tmp_path / "project"
    project.mkdir()
    for folder in ("params", "notebooks"):
        shutil.copytree(PROJECT_DIR / folder, project / folder, ignore=shutil.ignore_patterns("tables", "figures.json"))
    shutil.copy(LOCK, project / LOCK.name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOARDPACK_", "JUPYTER_", "PYTHONPATH"))}
    env["JUPYTER_DATA_DIR"] = str(tmp_path / "jupyter-user")  # no user-wide kernel: the new venv's python3 runs
    where = _run([py, "-c", "import boardpack; print(boardpack.__file__)"], cwd=project, env=env).stdout.strip()
    assert Path(where).is_relative_to(venv), where

    out = tmp_path / "outputs"  # outside the project: the kernels must be told where the project is
    _run([venv / "bin" / "boardpack", "--boroughs", "camden", "--output-dir", out, "--jobs", "1", "--no-progress"],
         cwd=project, env=env, timeout=900)
    pdfs = list(out.glob("*/camden/board_pack.pdf"))
    assert pdfs and pdfs[0].stat().st_size > 10_000
    manifest = yaml.safe_load(next(out.glob("*/manifest.json")).read_text(encoding="utf-8"))
    assert manifest["run"]["lock_sha256"] == hashlib.sha256(LOCK.read_bytes()).hexdigest()
    assert manifest["run"]["package_versions"]["boardpack"] == PYPROJECT["project"]["version"]
