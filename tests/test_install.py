"""`make install` (scripts/install.py) installs exactly what the lock names, whatever is released later.

The slow tests build a small local index: ``beta`` asks for ``alpha[fast]``, the lock pins alpha 1.0,
and the index also holds alpha 2.0, released "after the lock was made" (as WeasyPrint asks for
``fonttools[woff]`` and fonttools released after requirements.lock). The install step is run against
that index alone, with the pinned pip whose hash-checked wheel ``make install`` keeps in
.cache/installer.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import load_script

PROJECT_DIR = Path(__file__).resolve().parents[1]
INSTALL = PROJECT_DIR / "scripts" / "install.py"
INSTALLER_LOCK = PROJECT_DIR / "installer.lock"
INSTALLER_CACHE = PROJECT_DIR / ".cache" / "installer"
# pip 23.3 was the first to keep a package asked for through an extra to the version pinned for it.
FIRST_FIXED_PIP = (23, 3)


@pytest.fixture(scope="module")
def install():
    return load_script(INSTALL, "install_script")


def test_another_python_is_refused_in_one_line_that_says_what_to_do(install):
    with pytest.raises(install.WrongPython) as refused:
        install.check_python((3, 12, 1, "final", 0), "/usr/bin/python3")
    message = str(refused.value)
    assert "\n" not in message
    assert "Python 3.11 is needed" in message and "3.12.1" in message and "PYTHON=" in message
    install.check_python((3, 11, 7, "final", 0), "/usr/bin/python3")


def test_the_refusal_comes_before_any_step(install, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(install.sys, "version_info", (3, 13, 0, "final", 0))
    assert install.main(["--venv", str(tmp_path / "venv")]) == 2
    assert not (tmp_path / "venv").exists()
    err = capsys.readouterr().err
    assert err.startswith("install.py: Python 3.11 is needed") and err.count("\n") == 1


def _wheel(folder: Path, name: str, version: str, requires=(), extras=None) -> Path:
    """A pure-Python wheel of one module, ``name``, written by hand (only the standard library)."""
    dist_info = f"{name}-{version}.dist-info"
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    metadata += [f"Requires-Dist: {r}" for r in requires]
    for extra, needs in (extras or {}).items():
        metadata.append(f"Provides-Extra: {extra}")
        metadata += [f'Requires-Dist: {r}; extra == "{extra}"' for r in needs]
    files = {
        f"{name}.py": f"VERSION = {version!r}\n",
        f"{dist_info}/METADATA": "\n".join(metadata) + "\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(text.encode())}")
    files[f"{dist_info}/RECORD"] = "\n".join([*record, f"{dist_info}/RECORD,,"]) + "\n"
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for path, text in files.items():
            zf.writestr(path, text)
    return wheel


def _pin(wheel: Path) -> str:
    name, version = wheel.name.split("-")[:2]
    return f"{name}=={version} --hash=sha256:{hashlib.sha256(wheel.read_bytes()).hexdigest()}\n"


def _installer_wheel() -> Path | None:
    """The pinned pip's wheel that `make install` kept, if its sha256 is one installer.lock names."""
    hashes = set(re.findall(r"--hash=sha256:([0-9a-f]{64})", INSTALLER_LOCK.read_text(encoding="utf-8")))
    for wheel in sorted(INSTALLER_CACHE.glob("pip-*.whl")):
        if hashlib.sha256(wheel.read_bytes()).hexdigest() in hashes:
            return wheel
    return None


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """A folder of wheels (the only index the tests see) and a lock of alpha 1.0, beta and gamma."""
    installer = _installer_wheel()
    if installer is None:
        pytest.skip(f"the pinned pip's wheel is not in {INSTALLER_CACHE}: make install keeps it there")
    root = tmp_path_factory.mktemp("index")
    wheels = root / "wheels"
    wheels.mkdir()
    shutil.copy(installer, wheels / installer.name)
    locked = [_wheel(wheels, "alpha", "1.0", extras={"fast": ["gamma"]}),
              _wheel(wheels, "beta", "1.0", requires=["alpha[fast]>=1.0"]),
              _wheel(wheels, "gamma", "1.0")]
    _wheel(wheels, "alpha", "2.0", extras={"fast": ["gamma"]})  # released after the lock
    lock = root / "requirements.lock"
    lock.write_text("".join(_pin(w) for w in locked), encoding="utf-8")
    wider = root / "wider.lock"  # an older lock that also named delta
    wider.write_text("".join(_pin(w) for w in [*locked, _wheel(wheels, "delta", "1.0")]), encoding="utf-8")
    incomplete = root / "incomplete.lock"  # gamma, which alpha[fast] needs, left out
    incomplete.write_text("".join(_pin(w) for w in locked[:2]), encoding="utf-8")
    return {"wheels": wheels, "lock": lock, "incomplete": incomplete, "wider": wider}


def _only(wheels: Path) -> dict[str, str]:
    """The environment with no pip configuration of this machine's or user's: the index folder alone."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheels),
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def _run(cmd, env) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], env=env, capture_output=True, text=True, timeout=600)


def _versions(python: Path, names) -> dict[str, str | None]:
    code = ("import importlib.metadata as m, json, sys\n"
            "def v(n):\n    try: return m.version(n)\n    except m.PackageNotFoundError: return None\n"
            "print(json.dumps({n: v(n) for n in sys.argv[1:]}))")
    return json.loads(subprocess.run([str(python), "-c", code, *names], capture_output=True, text=True,
                                     check=True).stdout)


def _install_step(index, tmp_path, lock):
    return _run([sys.executable, INSTALL, "--venv", tmp_path / "venv", "--lock", lock,
                 "--cache", tmp_path / "cache", "--no-project"], _only(index["wheels"]))


@pytest.mark.slow
def test_the_install_step_installs_the_locked_release_an_extra_asks_for(index, tmp_path):
    proc = _install_step(index, tmp_path, index["lock"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pinned_pip = re.search(r"^pip==(\S+)", INSTALLER_LOCK.read_text(encoding="utf-8"), re.MULTILINE).group(1)
    assert _versions(tmp_path / "venv" / "bin" / "python", ["alpha", "beta", "gamma", "pip"]) == {
        "alpha": "1.0", "beta": "1.0", "gamma": "1.0", "pip": pinned_pip}
    assert _installer_wheel().name in {p.name for p in (tmp_path / "cache").iterdir()}


@pytest.mark.slow
def test_the_install_step_fails_loudly_on_an_incomplete_lock(index, tmp_path):
    proc = _install_step(index, tmp_path, index["incomplete"])
    assert proc.returncode == 1
    assert "gamma" in proc.stderr
    assert proc.stderr.rstrip().splitlines()[-1].startswith("install.py: incomplete.lock is incomplete")


@pytest.mark.slow
def test_the_old_command_with_the_stock_pip_does_not_keep_to_the_lock(index, tmp_path):
    """The fixture reproduces the failure `make install` had: the venv's own pip, `--require-hashes -r lock`."""
    venv = tmp_path / "stock"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    stock = _versions(python, ["pip"])["pip"]
    if tuple(int(p) for p in stock.split(".")[:2]) >= FIRST_FIXED_PIP:
        pytest.skip(f"this Python's stock pip is {stock}, which keeps an extra to the pins: nothing to reproduce")
    proc = _run([python, "-m", "pip", "install", "--require-hashes", "-r", index["lock"]], _only(index["wheels"]))
    assert proc.returncode != 0 or _versions(python, ["alpha"])["alpha"] != "1.0"
    assert "alpha[fast]" in proc.stderr  # the newer alpha, asked for through the extra, is what it tripped on


@pytest.mark.slow
def test_a_distribution_the_lock_no_longer_names_is_removed(index, tmp_path):
    assert _install_step(index, tmp_path, index["wider"]).returncode == 0
    python = tmp_path / "venv" / "bin" / "python"
    assert _versions(python, ["delta"]) == {"delta": "1.0"}
    proc = _install_step(index, tmp_path, index["lock"])  # the same venv, after the lock dropped delta
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "removing what requirements.lock no longer names: delta" in proc.stdout
    assert _versions(python, ["alpha", "beta", "gamma", "delta"]) == {
        "alpha": "1.0", "beta": "1.0", "gamma": "1.0", "delta": None}
