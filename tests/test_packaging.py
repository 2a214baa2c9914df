"""Packaging: pip, conda and the lock files agree; the wheel works installed normally, not only editable."""

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
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

PROJECT_DIR = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = PROJECT_DIR / "requirements.lock"
INSTALLER_LOCK = PROJECT_DIR / "installer.lock"
LOCK_TOOL_LOCK = PROJECT_DIR / "lock-tool.lock"


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _declared() -> set[str]:
    project = PYPROJECT["project"]
    names = {_name(d) for d in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        names |= {_name(d) for d in extra}
    return names


def _declared_ranges() -> dict[str, SpecifierSet]:
    """[project].dependencies and every extra as {name: range}."""
    project = PYPROJECT["project"]
    specs = [*project["dependencies"], *(d for extra in project["optional-dependencies"].values() for d in extra)]
    return {_name(s): Requirement(s).specifier for s in specs}


def _conda_ranges() -> dict[str, SpecifierSet]:
    env = yaml.safe_load((PROJECT_DIR / "environment.yml").read_text(encoding="utf-8"))
    ranges = {}
    pip_section = next((d["pip"] for d in env["dependencies"] if isinstance(d, dict)), [])
    for dep in env["dependencies"] + [d for d in pip_section if not d.startswith("-")]:
        if isinstance(dep, str) and _name(dep) not in {"python", "pip"}:
            ranges[_name(dep)] = SpecifierSet(dep[len(_name(dep)):].strip())
    return ranges


def test_pip_and_conda_dependencies_agree():
    conda = _conda_ranges()
    assert _declared() == set(conda)
    assert {n: str(r) for n, r in _declared_ranges().items()} == {n: str(r) for n, r in conda.items()}


def test_conda_names_the_python_the_lock_is_resolved_for():
    env = yaml.safe_load((PROJECT_DIR / "environment.yml").read_text(encoding="utf-8"))
    assert "python=3.11" in env["dependencies"]


def _next_major(version: Version) -> Version:
    """The release after which an API may break: the next major, or for 0.x the next minor."""
    major, minor = (version.release + (0,))[:2]
    return Version(f"{major + 1}") if major else Version(f"0.{minor + 1}")


def test_every_dependency_has_a_range_that_holds_the_locked_version_and_stops_before_its_next_major():
    pins = _locked_versions()
    for name, spec in _declared_ranges().items():
        lower = [s for s in spec if s.operator == ">="]
        upper = [Version(s.version) for s in spec if s.operator == "<"]
        assert lower and upper, f"{name}: {spec or 'no range'} (a lower and an upper bound are needed)"
        assert spec.contains(pins[name]), f"{name}: locked {pins[name]} is outside {spec}"
        assert max(upper) <= _next_major(Version(pins[name])), f"{name}: {spec} admits a release past its next major"


def test_the_next_major_of_a_release():
    assert _next_major(Version("70.0")) == Version("71")
    assert _next_major(Version("3.10.9")) == Version("4")
    assert _next_major(Version("0.35.0")) == Version("0.36")
    assert _next_major(Version("2026.6")) == Version("2027")


def test_test_tools_are_an_extra_not_a_dependency():
    project = PYPROJECT["project"]
    main = {_name(d) for d in project["dependencies"]}
    assert {"pytest", "pypdf", "import-linter"} <= {_name(d) for d in project["optional-dependencies"]["test"]}
    assert not {"pytest", "pypdf", "import-linter", "ruff"} & main
    assert "seaborn" in main


def _locked(lock: Path = LOCK) -> dict[str, list[str]]:
    """A lock file as {name: [sha256 hashes]}."""
    pins: dict[str, list[str]] = {}
    current = None
    for line in lock.read_text(encoding="utf-8").splitlines():
        pin = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line)
        if pin:
            current = pin.group(1).lower().replace("_", "-")
            pins[current] = []
        for digest in re.findall(r"--hash=sha256:([0-9a-f]{64})", line):
            pins[current].append(digest)
    return pins


def _locked_versions(lock: Path = LOCK) -> dict[str, str]:
    text = lock.read_text(encoding="utf-8")
    return {m.group(1).lower().replace("_", "-"): m.group(2)
            for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)", text, flags=re.MULTILINE)}


def test_the_lock_pins_every_dependency_with_hashes():
    pins = _locked()
    assert _declared() <= set(pins), sorted(_declared() - set(pins))
    assert all(pins.values()), [n for n, h in pins.items() if not h]
    assert "boardpack" not in pins  # the project itself installs with --no-deps -e .


def test_the_lock_holds_the_build_backend_the_editable_install_uses():
    """`make install` builds the suite without build isolation, with the setuptools of the lock."""
    backend = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
    group = [Requirement(r) for r in PYPROJECT["dependency-groups"]["build"]]
    pins = _locked_versions()
    assert {_name(r.name) for r in backend} == {_name(r.name) for r in group}
    for req in backend + group:
        assert req.specifier.contains(pins[_name(req.name)]), f"{req}: locked {pins.get(_name(req.name))}"


@pytest.mark.parametrize(("lock", "tool"), [(INSTALLER_LOCK, "pip"), (LOCK_TOOL_LOCK, "uv")])
def test_the_installer_and_the_lock_tool_are_pinned_with_hashes(lock, tool):
    pins = _locked(lock)
    assert list(pins) == [tool]
    assert pins[tool], f"{lock.name}: {tool} has no hash"


def test_the_installer_is_a_pip_that_keeps_an_extra_to_the_pins():
    """pip before 23.3 took the newest release of a package asked for through an extra (tests/test_install.py)."""
    assert Version(_locked_versions(INSTALLER_LOCK)["pip"]) >= Version("23.3")


def test_the_pre_commit_hooks_use_the_locked_ruff():
    hooks = yaml.safe_load((PROJECT_DIR / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    pinned = [dep for repo in hooks["repos"] for hook in repo["hooks"] if hook["id"] == "ruff"
              for dep in hook.get("additional_dependencies", [])]
    assert pinned == [f"ruff=={_locked_versions()['ruff']}"]


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
