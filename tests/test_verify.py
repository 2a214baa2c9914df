"""Reproducible builds: two builds give the same bytes, and `run_all.py verify` checks that."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from boardpack.verify import Verdict, changed_code, changed_inputs, compare, input_hashes

RUN_ALL = Path(__file__).resolve().parents[1] / "run_all.py"
PERIOD = "2026-09"
PACK_FILES = ("board_pack.pdf", "board_pack.html", "board_pack.audit.html", "board_pack.ipynb", "figures.json")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(RUN_ALL), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL)


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "build.json"}


# --- the comparisons themselves ---------------------------------------------------------------------

def test_compare_names_changed_missing_and_extra_files():
    assert compare({"a": "1", "b": "2"}, {"a": "1", "b": "3", "c": "4"}) == ["b", "c"]
    assert compare({"a": "1"}, {"a": "1"}) == []


def test_changed_inputs_in_words():
    run = {"inputs": {"asb": {"files": [{"path": "asb/a.csv", "sha256": "1"}]},
                      "pas": {"files": [{"path": "pas/p.csv", "sha256": "2"}]}}}
    again = {"inputs": {"asb": {"files": [{"path": "asb/a.csv", "sha256": "9"}]},
                        "moj": {"files": [{"path": "moj/m.csv", "sha256": "3"}]}}}
    assert input_hashes(run) == {"asb/a.csv": "1", "pas/p.csv": "2"}
    assert changed_inputs(input_hashes(run), input_hashes(again)) == [
        "asb/a.csv changed", "pas/p.csv removed", "moj/m.csv added"]


def test_changed_code_names_commit_template_lock_and_versions():
    before = {"git_commit": "a", "template_sha256": "t", "lock_sha256": "l", "package_versions": {"pandas": "2.2"}}
    after = {"git_commit": "b", "template_sha256": "u", "lock_sha256": "l", "package_versions": {"pandas": "3.0"}}
    assert changed_code(before, after) == ["git commit a → b", "the template notebook changed", "pandas 2.2 → 3.0"]
    assert changed_code(before, before) == []


def test_verdict_lines():
    assert Verdict("Camden", "camden", "identical", 30).line() == "Camden: identical (30 files)"
    line = Verdict("Camden", "camden", "differs", 30, ["board_pack.pdf"], "the input data changed").line()
    assert line == "Camden: differs: board_pack.pdf — the input data changed"


# --- end to end: three builds, then verify ----------------------------------------------------------

@pytest.fixture(scope="module")
def data(tmp_path_factory):
    from boardpack.demo import ensure_demo_data

    folder = tmp_path_factory.mktemp("verify-data") / "data"
    shutil.copytree(ensure_demo_data(), folder)
    return folder


# How Camden is built each time: its kernel forked from a worker that warmed up for two boroughs
# (one worker for both), forked by a worker with Camden alone (whose kernel imports while the
# worker's child does), and started as a new Python.
BUILDS = (("fork", ("camden", "sutton"), ("--jobs", "1")), ("fork", ("camden",), ()), ("spawn", ("camden",), ()))


@pytest.fixture(scope="module")
def builds(data, tmp_path_factory):
    """Camden built from the same data into different folders, a pause apart, each way :data:`BUILDS` says."""
    work = tmp_path_factory.mktemp("verify-cwd")
    outs = []
    for i, (method, boroughs, extra) in enumerate(BUILDS):
        out = tmp_path_factory.mktemp(f"verify-out-{i}")
        proc = run("--data-dir", str(data), "--boroughs", *boroughs, "--output-dir", str(out), "--no-progress",
                   "--start-method", method, *extra, cwd=work)
        assert proc.returncode == 0, proc.stderr
        outs.append(out)
        time.sleep(1.5)
    return outs


@pytest.mark.slow
def test_every_way_of_building_gives_the_same_bytes(builds):
    first, *others = (digests(out / PERIOD / "camden") for out in builds)
    assert set(PACK_FILES) <= set(first)
    assert any(name.startswith("tables/") for name in first)
    for other in others:
        assert first == other, [name for name in first if first[name] != other.get(name)]


@pytest.mark.slow
def test_no_machine_path_in_the_pack(builds, data):
    pack = builds[0] / PERIOD / "camden"
    for name in ("board_pack.pdf", "board_pack.html", "figures.json"):
        raw = (pack / name).read_bytes()
        for path in (str(builds[0]), str(data), str(Path.home())):
            assert path.encode() not in raw, (name, path)


@pytest.mark.slow
def test_verify_passes_then_names_a_flipped_byte_then_blames_changed_data(builds, data, tmp_path):
    out = builds[1]
    proc = run("verify", "--output-dir", str(out), "--no-progress", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Camden: identical" in proc.stdout
    assert not list(out.glob(".verify-*"))  # the scratch folder is gone

    pdf = out / PERIOD / "camden" / "board_pack.pdf"
    raw = bytearray(pdf.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    pdf.write_bytes(bytes(raw))
    proc = run("verify", "--output-dir", str(out), "--period", PERIOD, "--boroughs", "camden", "--no-progress",
               cwd=tmp_path)
    assert proc.returncode == 1
    assert "Camden: differs: board_pack.pdf — board_pack.pdf on disk no longer matches" in proc.stdout
    pdf.write_bytes(bytes(raw[:len(raw) // 2]) + bytes([raw[len(raw) // 2] ^ 0xFF]) + bytes(raw[len(raw) // 2 + 1:]))

    asb = data / "asb" / "asb_calls.csv"
    lines = asb.read_text(encoding="utf-8").splitlines(keepends=True)
    borough, month, calls = lines[1].rstrip("\n").split(",")
    lines[1] = f"{borough},{month},{int(calls) + 1}\n"
    asb.write_text("".join(lines), encoding="utf-8")
    proc = run("verify", "--output-dir", str(out), "--no-progress", cwd=tmp_path)
    assert proc.returncode == 1
    assert "the input data changed since the build: asb/asb_calls.csv changed" in proc.stdout


def test_verify_with_nothing_built_is_refused(tmp_path):
    proc = run("verify", "--output-dir", str(tmp_path), "--no-progress", cwd=tmp_path)
    assert proc.returncode == 2
    assert "no built packs to verify" in proc.stderr and "Traceback" not in proc.stderr
