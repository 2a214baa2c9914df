"""The command line refuses what it cannot use before any work, in one plain line, and turns OS
errors into one line naming the path and what to do. Each case runs ``run_all.py`` as a user
does (its own process, its exit status, its stderr)."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from jupyter_core.paths import jupyter_runtime_dir

from boardpack import cli
from tests.robustness.conftest import RUN_ALL, CliRun, assert_refused

TRACEBACK = "Traceback (most recent call last)"


@pytest.fixture
def untouched(tmp_path):
    """Checks, after the case, that nothing was written outside the output folder it named."""
    runtime = Path(jupyter_runtime_dir())
    before = set(runtime.iterdir()) if runtime.is_dir() else set()
    yield
    cwd = tmp_path / "cwd"
    assert not cwd.exists() or not any(cwd.iterdir()), sorted(cwd.iterdir())
    after = set(runtime.iterdir()) if runtime.is_dir() else set()
    assert not {p for p in after - before if p.name.startswith(("kernel-", "k-"))}


def one_line(run: CliRun, *needles: str, status: int = 2) -> str:
    line = assert_refused(run, *needles, status=status)
    assert line.startswith("run_all.py: "), line
    assert len(run.error_lines()) == 1, run.stderr
    return line


# --- options refused before any work ------------------------------------------------------------

@pytest.mark.parametrize("value", ["-1", "abc"])
def test_jobs_must_be_a_whole_number_of_one_or_more(run_cli, tmp_path, untouched, value):
    out = tmp_path / "out"
    line = one_line(run_cli("--jobs", value, "--output-dir", str(out), "--no-progress"), "--jobs", repr(value))
    assert "1 or more, or 0 for one per core" in line
    assert not out.exists()  # refused before anything was made


@pytest.mark.parametrize("value", ["2019-13", "Feb 2019"])
def test_period_must_be_a_month(run_cli, tmp_path, untouched, value):
    out = tmp_path / "out"
    line = one_line(run_cli("--period", value, "--output-dir", str(out), "--no-progress"), "--period", repr(value))
    assert "YYYY-MM" in line and "e.g. --period 2019-02" in line
    assert not out.exists()


def test_period_in_the_future_is_refused(run_cli, tmp_path, untouched):
    out = tmp_path / "out"
    line = one_line(run_cli("--period", "2096-01", "--output-dir", str(out), "--no-progress"), "--period", "'2096-01'")
    assert "later than the current month" in line
    assert not out.exists()


def test_unknown_borough_is_refused_with_the_registrys_message(run_cli, tmp_path, untouched):
    out = tmp_path / "out"
    line = one_line(run_cli("--boroughs", "camden", "Gotham", "--output-dir", str(out), "--no-progress"),
                    "--boroughs", "unknown borough 'Gotham'")
    assert "expected one of the 32 MPS boroughs" in line
    assert not out.exists()


def test_missing_data_dir(run_cli, tmp_path, untouched):
    missing = tmp_path / "no-such-data"
    line = one_line(run_cli("--data-dir", str(missing), "--output-dir", str(tmp_path / "out"), "--no-progress"),
                    "--data-dir", str(missing))
    assert "no such folder" in line
    assert not (tmp_path / "out").exists()


def test_data_dir_that_is_a_file(run_cli, tmp_path, untouched):
    a_file = tmp_path / "data.csv"
    a_file.write_text("Month,Count\n")
    line = one_line(run_cli("--data-dir", str(a_file), "--no-progress"), "--data-dir", str(a_file))
    assert "is a file, not a folder" in line


def test_demo_and_data_dir_together(run_cli, demo_copy, untouched):
    one_line(run_cli("--demo", "--data-dir", str(demo_copy), "--no-progress"), "--demo", "--data-dir",
             "cannot be used together")


def _template_lacking(tmp_path, *names):
    import nbformat

    from boardpack.paths import NOTEBOOK

    nb = nbformat.read(NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = "\n".join(line for line in cell.source.splitlines() if line.split("=")[0].strip() not in names)
    path = tmp_path / "my_template.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("case, needle", [
    ("missing", "no such file"),
    ("not-a-notebook", "not a Jupyter notebook"),
    ("lacks-parameters", "lacks the template's parameters store_index, census_fold"),
])
def test_template_that_cannot_be_built_from(run_cli, tmp_path, untouched, case, needle):
    if case == "missing":
        template = tmp_path / "no-such-template.ipynb"
    elif case == "not-a-notebook":
        template = tmp_path / "notes.ipynb"
        template.write_text("borough = 'Camden'\n")
    else:
        template = _template_lacking(tmp_path, "store_index", "census_fold")
    out = tmp_path / "out"
    line = one_line(run_cli("--template", str(template), "--output-dir", str(out), "--no-progress"),
                    f"--template {template}", needle)
    assert " — " in line  # says what to do
    assert not out.exists()  # refused before anything was made


def test_verbose_does_not_add_to_a_refusal(run_cli, tmp_path, untouched):
    one_line(run_cli("--jobs", "-1", "--verbose", "--output-dir", str(tmp_path / "out")), "--jobs")


def test_output_dir_that_is_a_file(run_cli, tmp_path, untouched):
    a_file = tmp_path / "outputs.txt"
    a_file.write_text("notes")
    line = one_line(run_cli("--output-dir", str(a_file), "--no-progress"), "--output-dir", str(a_file))
    assert "is a file, not a folder" in line
    assert a_file.read_text() == "notes"


def test_output_dir_under_a_file(run_cli, tmp_path, untouched):
    a_file = tmp_path / "outputs.txt"
    a_file.write_text("notes")
    line = one_line(run_cli("--output-dir", str(a_file / "packs"), "--no-progress"), "--output-dir",
                    str(a_file / "packs"))
    assert f"{a_file} is a file, so no folder can be made inside it" in line


def test_output_dir_that_cannot_be_written(run_cli, tmp_path, untouched):
    # Permission bits do not stop root, so as root the command runs without the capabilities
    # that let root ignore them (setpriv): a folder it may enter but not write is then honest.
    read_only = tmp_path / "packs"
    read_only.mkdir()
    read_only.chmod(0o555)
    prefix = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: permission bits cannot stop this process")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
    work = tmp_path / "cwd"
    work.mkdir()
    try:
        proc = subprocess.run([*prefix, sys.executable, str(RUN_ALL), "--output-dir", str(read_only), "--no-progress"],
                              cwd=work, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        line = one_line(CliRun(proc.returncode, proc.stdout, proc.stderr), "--output-dir", str(read_only))
        assert line == (f"run_all.py: --output-dir {read_only}: permission denied — choose a folder you can write "
                        "to, or ask for write access to this one")
        assert not any(read_only.iterdir())
    finally:
        read_only.chmod(0o755)


def test_unwritable_output_dir_is_refused_before_the_data_is_prepared(tmp_path, monkeypatch, capsys):
    # The same refusal in-process, with the probe write failing as it does for a read-only folder.
    from boardpack import batch

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), kwargs.get("dir"))

    def no_work(*args, **kwargs):
        raise AssertionError("the run started although the output folder cannot be written")

    monkeypatch.setattr(cli.tempfile, "mkstemp", denied)
    monkeypatch.setattr(batch, "run_all", no_work)
    out = tmp_path / "out"
    assert cli.main(["--output-dir", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and TRACEBACK not in err
    assert err.startswith(f"run_all.py: --output-dir {out}: permission denied — choose a folder you can write to")


def test_a_second_run_into_the_same_output_folder_is_refused(run_cli, tmp_path, untouched):
    out = tmp_path / "out"
    out.mkdir()
    held = os.open(out, os.O_RDONLY)  # as a run in progress holds it
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        line = one_line(run_cli("--boroughs", "camden", "--output-dir", str(out), "--no-progress"), str(out))
        assert "another run is building packs into this folder" in line
    finally:
        os.close(held)
    assert sorted(p.name for p in out.iterdir()) == []  # nothing of the running build was touched


# --- errors during the run ------------------------------------------------------------------------

def test_unexpected_error_is_one_line_and_debug_shows_the_traceback(run_cli, tmp_path, untouched):
    # A hand-edited params/defaults.yaml that YAML cannot read: nothing in boardpack expects it.
    params = tmp_path / "params"
    shutil.copytree(Path(cli.__file__).resolve().parents[2] / "params", params)
    (params / "defaults.yaml").write_text("notebook:\n  census_fold: [mps\n")
    env = {"BOARDPACK_PARAMS_DIR": str(params)}
    out = tmp_path / "out"
    run = run_cli("--boroughs", "camden", "--output-dir", str(out), "--no-progress", env=env)
    line = one_line(run, "unexpected error", "run again with --debug for the traceback", status=1)
    assert "ParserError" in line or "ScannerError" in line
    debug = run_cli("--boroughs", "camden", "--output-dir", str(out), "--no-progress", "--debug", env=env)
    assert debug.returncode == 1 and TRACEBACK in debug.stderr and "yaml" in debug.stderr
    assert not (out / ".runtime").exists()


def _sha256s(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_full_disk_while_publishing_stops_the_run_and_keeps_the_earlier_pack(run_cli, tmp_path, untouched):
    out = tmp_path / "out"
    first = run_cli("--boroughs", "camden", "--output-dir", str(out), "--jobs", "2", "--no-progress")
    assert first.returncode == 0, first.stderr
    (period_dir,) = [p for p in out.iterdir() if not p.name.startswith(".")]
    before = _sha256s(period_dir / "camden")
    # The disk fills as the worker swaps the new pack in: the build folder's rename fails.
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(textwrap.dedent("""
        import errno, os
        _rename = os.rename
        def rename(src, dst, *a, **k):
            if os.path.basename(str(src)).startswith(".build-"):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
            return _rename(src, dst, *a, **k)
        os.rename = rename
    """))
    run = run_cli("--boroughs", "camden", "--output-dir", str(out), "--jobs", "2", "--no-progress", "--force",
                  env={"PYTHONPATH": str(hook)})
    line = one_line(run, str(period_dir / "camden"), "the disk is full", status=2)
    assert "free some space" in line
    assert _sha256s(period_dir / "camden") == before  # the earlier pack is untouched
    assert not [p.name for p in period_dir.iterdir() if p.name.startswith((".build-", ".old-"))]
    assert not (out / ".runtime").exists()
    entry = next(b for b in json.loads((period_dir / "manifest.json").read_text())["boroughs"] if b["slug"] == "camden")
    assert entry["status"] == "failed" and "the disk is full" in entry["error"]


def test_os_error_during_the_run_is_one_line_and_debug_shows_the_traceback(tmp_path, monkeypatch, capsys):
    # The disk fills while the parent writes the manifest: no borough is to blame, the run cannot go on.
    from boardpack import batch

    manifest = tmp_path / "out" / "2019-02" / "manifest.json"

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(manifest))

    monkeypatch.setattr(batch, "run_all", full_disk)
    assert cli.main(["--output-dir", str(tmp_path / "out"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err == (f"run_all.py: {manifest}: the disk is full (no space left on device) — free some space, or choose "
                   "an --output-dir on another disk, and run again\n")
    with pytest.raises(OSError):
        cli.main(["--output-dir", str(tmp_path / "out"), "--no-progress", "--debug"])
