"""Fixtures for the robustness corpus: a private copy of the demo data per case, and the
command line run as a user runs it (a separate process, its exit status and its stderr)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
RUN_ALL = PROJECT_DIR / "run_all.py"


@dataclass
class CliRun:
    """What one command-line run left behind."""

    returncode: int
    stdout: str
    stderr: str

    def error_lines(self) -> list[str]:
        """The non-blank lines on stderr (progress bars are off in the corpus)."""
        return [line for line in self.stderr.splitlines() if line.strip()]


def assert_refused(run: CliRun, *needles: str, status: int = 2) -> str:
    """The run exited with ``status``, printed no traceback, and one stderr line names every needle."""
    assert run.returncode == status, (
        f"exit {run.returncode}, expected {status}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}")
    assert "Traceback (most recent call last)" not in run.stderr, run.stderr
    assert "Traceback (most recent call last)" not in run.stdout, run.stdout
    lines = run.error_lines()
    matching = [line for line in lines if all(n in line for n in needles)]
    assert matching, f"no stderr line names {needles!r}:\n{run.stderr}"
    return matching[0]


@pytest.fixture(scope="session")
def demo_source() -> Path:
    """The generated demo dataset (made once; read only)."""
    from boardpack.demo import ensure_demo_data

    return Path(ensure_demo_data())


@pytest.fixture
def demo_copy(demo_source, tmp_path) -> Path:
    """A private, writable copy of the demo dataset that a case may break as it likes."""
    dst = tmp_path / "data"
    shutil.copytree(demo_source, dst)
    return dst


@pytest.fixture
def run_cli(tmp_path):
    """Run ``run_all.py`` in its own process: ``run_cli(*args, timeout=...) -> CliRun``.

    The progress bar is off and the working directory is a scratch folder, so a case can
    check that nothing was written outside the output folder it names.
    """

    def run(*args: str, timeout: float = 600, env: dict | None = None, cwd: Path | None = None) -> CliRun:
        work = cwd or (tmp_path / "cwd")
        work.mkdir(exist_ok=True)
        full_env = {**os.environ, **(env or {})}
        proc = subprocess.run(
            [sys.executable, str(RUN_ALL), *args], cwd=work, env=full_env, capture_output=True, text=True,
            timeout=timeout, stdin=subprocess.DEVNULL,
        )
        return CliRun(proc.returncode, proc.stdout, proc.stderr)

    return run
