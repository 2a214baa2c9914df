"""Shared fixtures. Real-data tests look for ../shared/data or $BOARDPACK_REAL_DATA and skip without it."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from boardpack.registry import load_registry

PROJECT_DIR = Path(__file__).resolve().parent.parent
TEST_DATA = Path(__file__).resolve().parent / "data"


def _real_data_dir() -> Path | None:
    env = os.environ.get("BOARDPACK_REAL_DATA")
    candidates = [Path(env)] if env else [PROJECT_DIR.parent / "shared" / "data"]
    for c in candidates:
        if c.is_dir() and any(c.iterdir()):
            return c
    return None


@pytest.fixture(scope="session")
def real_data_dir() -> Path:
    """The real public data folder; the test is skipped when it is absent."""
    path = _real_data_dir()
    if path is None:
        pytest.skip("real data not found (../shared/data or $BOARDPACK_REAL_DATA)")
    return path


def load_script(path: Path, name: str):
    """A script of ``scripts/`` loaded as a module named ``name``, so its tests can call its functions."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session", autouse=True)
def no_progress_monitor_thread():
    """Keep tqdm from starting its monitor thread in this process: tests fork it (as a worker forks),
    and the suite refuses to fork while another thread runs (boardpack.processes.fork)."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0
    yield


@pytest.fixture(scope="session")
def registry():
    return load_registry()


@pytest.fixture
def loaded_by():
    """``loaded_by(code, modules) -> (printed, loaded)``: run ``code`` in a fresh Python process.

    ``printed`` is what the code printed; ``loaded`` lists which of ``modules`` the process had
    imported by its end (nothing this test session imported counts).
    """

    def run(code: str, modules) -> tuple[str, list[str]]:
        probe = f"\nimport sys as _sys\nprint(sorted(m for m in {tuple(modules)!r} if m in _sys.modules))\n"
        done = subprocess.run([sys.executable, "-c", code + probe], capture_output=True, text=True, check=True)
        *printed, last = done.stdout.strip().splitlines()
        return "\n".join(printed), ast.literal_eval(last)

    return run


@pytest.fixture
def test_data() -> Path:
    return TEST_DATA


@pytest.fixture(scope="session")
def demo_packs(tmp_path_factory):
    """Two boroughs built end to end on the demo data, once per test session (slow)."""
    from boardpack.batch import run_all
    from boardpack.demo import ensure_demo_data

    out = tmp_path_factory.mktemp("demo-outputs")
    return run_all(["Waltham Forest", "camden"], data_dir=ensure_demo_data(), output_dir=out, jobs=2, progress=False)


@pytest.fixture(scope="session")
def real_packs(real_data_dir, tmp_path_factory):
    """Lambeth and Waltham Forest built end to end on the real data to February 2019 (skipped without it)."""
    from boardpack.batch import run_all

    out = tmp_path_factory.mktemp("real-outputs")
    return run_all(["Lambeth", "Waltham Forest"], data_dir=real_data_dir, period="2019-02", output_dir=out, jobs=2,
                   progress=False)
