"""Ctrl-C, SIGTERM and SIGKILL during a run: the run stops cleanly, publishes nothing half-made,
keeps earlier packs byte for byte, records exactly what it finished, and leaves no process and
no kernel file behind. Each case runs ``run_all.py`` in its own process and signals it while a
borough is being built (its build folder and its kernel's connection file exist)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest
from jupyter_core.paths import jupyter_runtime_dir

from boardpack.processes import recorded
from tests.robustness.conftest import RUN_ALL, CliRun, assert_refused

pytestmark = pytest.mark.slow
TRACEBACK = "Traceback (most recent call last)"


def sha256s(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def wait_for(condition, what: str, timeout: float = 120):
    """Poll ``condition`` until it holds; fail naming ``what`` if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"gave up waiting for {what}")


def gone(pids) -> bool:
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                return False
        except psutil.NoSuchProcess:
            pass
    return True


def using(folder: Path) -> list[int]:
    """Processes whose command line names ``folder`` (a run's kernels name their connection file)."""
    found = []
    for proc in psutil.process_iter(["pid", "cmdline"]):
        try:
            named = any(str(folder) in part for part in proc.info["cmdline"] or [])
            if named and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc.pid)
        except psutil.Error:
            pass
    return found


@pytest.fixture(scope="module")
def camden_built(tmp_path_factory):
    """Camden built once on the demo data; each case starts from a copy of this output folder."""
    out = tmp_path_factory.mktemp("signals-base") / "out"
    work = out.parent / "cwd"
    work.mkdir()
    proc = subprocess.run([sys.executable, str(RUN_ALL), "--boroughs", "camden", "--output-dir", str(out),
                           "--jobs", "2", "--no-progress"], cwd=work, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    return out


class Run:
    """``run_all.py`` started in the background on a copy of the Camden outputs."""

    def __init__(self, base: Path, tmp_path: Path, *args: str, env: dict | None = None):
        self.out = tmp_path / "out"
        shutil.copytree(base, self.out)
        (self.period_dir,) = [p for p in self.out.iterdir() if not p.name.startswith(".")]
        self.camden = sha256s(self.period_dir / "camden")
        self.manifest_before = json.loads((self.period_dir / "manifest.json").read_text())
        self.work = tmp_path / "cwd"
        self.work.mkdir()
        runtime = Path(jupyter_runtime_dir())
        self.home_runtime = set(runtime.iterdir()) if runtime.is_dir() else set()
        self.proc = subprocess.Popen(
            [sys.executable, str(RUN_ALL), *args, "--output-dir", str(self.out), "--no-progress"],
            cwd=self.work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})}, start_new_session=True,
        )
        self.family: set[int] = set()

    def building(self) -> bool:
        """A borough is mid-build: its build folder and its kernel's connection file exist."""
        assert self.proc.poll() is None, self.proc.communicate()
        builds = list(self.period_dir.glob(".build-*"))
        kernels = list((self.out / ".runtime").glob("*/k-*.json"))
        self.note_family()
        return bool(builds and kernels)

    def note_family(self) -> None:
        try:
            self.family |= {p.pid for p in psutil.Process(self.proc.pid).children(recursive=True)}
        except psutil.Error:
            pass

    def finish(self, timeout: float = 120) -> CliRun:
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            raise
        return CliRun(self.proc.returncode, out, err)

    def assert_clean(self, spare=()) -> dict:
        """Nothing left behind, and the manifest in step with the packs on disk; returns the manifest.

        ``spare``: pids of processes the run did not start (bystanders), which must not count.
        """
        wait_for(lambda: gone(self.family - set(spare)), "the workers and kernels to exit", timeout=30)
        assert not set(using(self.out / ".runtime")) - set(spare), "a kernel of the run is still alive"
        assert not (self.out / ".runtime").exists(), sorted((self.out / ".runtime").rglob("*"))
        assert not [p.name for p in self.period_dir.iterdir() if p.name.startswith((".build-", ".old-"))]
        assert not any(self.work.iterdir()), sorted(self.work.iterdir())  # nothing in the working directory
        runtime = Path(jupyter_runtime_dir())
        after = set(runtime.iterdir()) if runtime.is_dir() else set()
        assert not {p for p in after - self.home_runtime if p.name.startswith(("kernel-", "k-"))}
        doc = json.loads((self.period_dir / "manifest.json").read_text())
        for entry in doc["boroughs"]:
            if entry["status"] in ("built", "skipped"):
                on_disk = sha256s(self.period_dir / entry["slug"])
                assert all(on_disk.get(name) == sha for name, sha in entry["files"].items()), entry["slug"]
        for slug in doc["run"]["not_done"]:
            if slug == "camden":
                assert sha256s(self.period_dir / "camden") == self.camden  # earlier pack byte-identical
            else:
                assert not (self.period_dir / slug).exists(), f"{slug}: half-made pack published"
        return doc


class Bystanders:
    """Processes the run did not start, which it must leave alone: one working inside a folder of the
    run (as a user's shell that went in to look), one whose command line names a folder of the run (as
    a user's ``tail -f`` of a file there)."""

    def __init__(self, cwd: Path, named: Path):
        sleep = [sys.executable, "-c", "import time; time.sleep(300)"]
        self.procs = [subprocess.Popen(sleep, cwd=cwd, start_new_session=True),
                      subprocess.Popen([*sleep, str(named / "k-0000.json")], start_new_session=True)]
        self.pids = [p.pid for p in self.procs]

    def alive(self) -> bool:
        return all(p.poll() is None for p in self.procs)

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()


def _interrupt(camden_built, tmp_path, send, boroughs, how, status):
    run = Run(camden_built, tmp_path, "--boroughs", *boroughs, "--jobs", "2", "--force")
    wait_for(run.building, "a borough to be mid-build")
    send(run.proc.pid)
    result = run.finish()
    line = assert_refused(result, f"interrupted by {how}", "nothing half-made was published", status=status)
    assert len(result.error_lines()) == 1 and result.stdout == "", result.stderr
    doc = run.assert_clean()
    assert how in doc["run"]["stopped"]
    finished = doc["run"]["boroughs_this_run"]
    assert sorted(finished + doc["run"]["not_done"]) == sorted(boroughs)
    assert f"after {len(finished)} of {len(boroughs)} boroughs" in line or (
        not finished and f"before any of the {len(boroughs)} boroughs was finished" in line)
    if "camden" in doc["run"]["not_done"]:  # keeps its previous entry
        assert next(b for b in doc["boroughs"] if b["slug"] == "camden") == next(
            b for b in run.manifest_before["boroughs"] if b["slug"] == "camden")
    return run, doc


def test_ctrl_c_mid_build_stops_cleanly(camden_built, tmp_path):
    _interrupt(camden_built, tmp_path, lambda pid: os.kill(pid, signal.SIGINT), ["camden", "brent", "barnet"],
               "Ctrl-C", 130)


def test_ctrl_c_leaves_processes_it_did_not_start_alone(camden_built, tmp_path):
    run = Run(camden_built, tmp_path, "--boroughs", "camden", "--jobs", "1", "--force")
    wait_for(run.building, "a borough to be mid-build")
    build = next(run.period_dir.glob(".build-*"))
    (runtime,) = (run.out / ".runtime").iterdir()
    kernels = wait_for(lambda: [e.pid for e in recorded(runtime, roles={"kernel"}) if e.is_running()],
                       "the run to record its kernel")
    bystanders = Bystanders(cwd=build, named=runtime)
    try:
        os.kill(run.proc.pid, signal.SIGINT)
        assert run.finish().returncode == 130
        run.assert_clean(spare=bystanders.pids)
        assert kernels and gone(kernels)  # the run's kernels were stopped
        assert bystanders.alive()
    finally:
        bystanders.close()


def test_sigterm_mid_build_stops_cleanly(camden_built, tmp_path):
    _interrupt(camden_built, tmp_path, lambda pid: os.kill(pid, signal.SIGTERM), ["camden", "brent"],
               "a termination request (SIGTERM)", 143)


def test_ctrl_c_from_a_terminal_reaches_the_whole_process_group(camden_built, tmp_path):
    # A terminal sends Ctrl-C to every process in the foreground group, not to the parent alone.
    _interrupt(camden_built, tmp_path, lambda pid: os.killpg(os.getpgid(pid), signal.SIGINT), ["camden"],
               "Ctrl-C", 130)


def test_sigkill_mid_publish_then_the_next_run_cleans_up(camden_built, tmp_path):
    # The worker stops between the two renames of the swap (the old pack aside, the new one not
    # yet in place) and the parent is killed outright there.
    marker = tmp_path / "publishing"
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(textwrap.dedent(f"""
        import os, time
        _rename = os.rename
        def rename(src, dst, *a, **k):
            if os.path.basename(str(src)).startswith(".build-"):
                open({str(marker)!r}, "w").close()
                time.sleep(600)
            return _rename(src, dst, *a, **k)
        os.rename = rename
    """))
    run = Run(camden_built, tmp_path, "--boroughs", "camden", "--jobs", "2", "--force", env={"PYTHONPATH": str(hook)})
    wait_for(lambda: run.note_family() or marker.exists(), "the worker to reach the swap", timeout=180)
    run.note_family()
    os.kill(run.proc.pid, signal.SIGKILL)
    killed = run.finish()
    assert killed.returncode == -signal.SIGKILL
    # The worker notices its parent is gone and exits: nothing goes on building or publishing.
    wait_for(lambda: gone(run.family), "the orphaned worker to exit", timeout=30)
    assert not (run.period_dir / "camden").exists()  # aside, mid-swap: what a kill leaves
    assert list(run.period_dir.glob(".old-camden-*")) and list(run.period_dir.glob(".build-camden-*"))
    (stale,) = (run.out / ".runtime").iterdir()  # the killed run's private folder
    # A user looks into what the killed run left: a shell in its build folder, a viewer of its run folder.
    bystanders = Bystanders(cwd=next(run.period_dir.glob(".build-camden-*")), named=stale)

    work = tmp_path / "cwd"
    try:
        proc = subprocess.run([sys.executable, str(RUN_ALL), "--boroughs", "camden", "--output-dir", str(run.out),
                               "--no-progress"], cwd=work, capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL)
        assert proc.returncode == 0 and TRACEBACK not in proc.stderr, proc.stderr
        assert "1 skipped (unchanged)" in proc.stdout  # the earlier pack is back, complete and current
        assert bystanders.alive()  # the recovery stopped only what the killed run had recorded
        doc = run.assert_clean(spare=bystanders.pids)
    finally:
        bystanders.close()
    assert sha256s(run.period_dir / "camden") == run.camden
    assert next(b for b in doc["boroughs"] if b["slug"] == "camden")["status"] == "skipped"


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_a_worker_killed_from_outside_fails_only_its_borough(camden_built, tmp_path, start_method):
    run = Run(camden_built, tmp_path, "--boroughs", "camden", "brent", "--jobs", "2", "--force",
              "--start-method", start_method)
    wait_for(lambda: run.building() and list(run.period_dir.glob(".build-camden-*")), "Camden to be mid-build")
    build = next(run.period_dir.glob(".build-camden-*"))
    # papermill runs a borough with its working directory set to the build folder, a moment after
    # the folder is made: in the worker itself (spawn), or in the child it forked for it (fork).
    worker = wait_for(lambda: next((p for p in psutil.Process(run.proc.pid).children() if _builds_in(p, build)), None),
                      "Camden's worker to enter its build folder")
    worker.kill()  # as the out-of-memory killer would
    _assert_only_camden_failed(run, "stopped unexpectedly (killed by signal 9)")


def test_a_borough_process_killed_from_outside_fails_only_its_borough(camden_built, tmp_path):
    # With the fork start method a borough is built in a child of its worker: killing that child
    # (not the worker) fails the borough, stops its kernel, and the worker builds the next one.
    run = Run(camden_built, tmp_path, "--boroughs", "camden", "brent", "--jobs", "1", "--force",
              "--start-method", "fork")
    wait_for(lambda: run.building() and list(run.period_dir.glob(".build-camden-*")), "Camden to be mid-build")
    build = next(run.period_dir.glob(".build-camden-*"))
    (worker,) = psutil.Process(run.proc.pid).children()
    child = wait_for(lambda: next((p for p in worker.children() if _cwd_is(p, build)), None),
                     "Camden's process to enter its build folder")
    child.kill()
    _assert_only_camden_failed(run, "the process building this borough stopped unexpectedly (killed by signal 9)")


def _assert_only_camden_failed(run: Run, message: str) -> None:
    result = run.finish(timeout=300)
    assert result.returncode == 1 and TRACEBACK not in result.stderr, result.stderr
    assert "stopped unexpectedly (killed by signal 9)" in result.stdout
    doc = json.loads((run.period_dir / "manifest.json").read_text())
    assert message in next(b for b in doc["boroughs"] if b["slug"] == "camden")["error"]
    status = {b["slug"]: b["status"] for b in doc["boroughs"]}
    assert status == {"camden": "failed", "brent": "built"}
    assert sha256s(run.period_dir / "camden") == run.camden  # the earlier pack is kept
    run.assert_clean()


def _builds_in(proc, folder: Path) -> bool:
    """``proc`` or a process it started works in ``folder``."""
    try:
        return any(_cwd_is(p, folder) for p in [proc, *proc.children(recursive=True)])
    except psutil.Error:
        return False


def _cwd_is(proc, folder: Path) -> bool:
    try:
        return Path(proc.cwd()) == folder
    except psutil.Error:
        return False



@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads a process's threads from /proc")
def test_a_forking_worker_runs_one_thread_while_its_borough_builds(camden_built, tmp_path):
    # A fork copies only the thread that forks: a worker forks each borough, so no other thread of its
    # own may run then (a Python thread watching its parent used to), nor a pool of native threads.
    run = Run(camden_built, tmp_path, "--boroughs", "camden", "--jobs", "1", "--force", "--start-method", "fork")
    wait_for(run.building, "a borough to be mid-build")
    (runtime,) = (run.out / ".runtime").iterdir()
    (worker,) = [e.pid for e in recorded(runtime, roles={"worker"})]
    threads = [(Path(task) / "comm").read_text().strip() for task in Path(f"/proc/{worker}/task").iterdir()]
    environ = dict(v.split("=", 1) for v in Path(f"/proc/{worker}/environ").read_text().split("\0") if "=" in v)
    assert run.finish().returncode == 0
    # pyarrow's allocator (jemalloc) keeps a thread of its own; jemalloc readies itself for a fork (its own handlers).
    assert [name for name in threads if name != "jemalloc_bg_thd"] == ["python"]
    assert environ["OPENBLAS_NUM_THREADS"] == environ["OMP_NUM_THREADS"] == "1"
