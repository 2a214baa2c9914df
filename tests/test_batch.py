"""Unit tests of batch planning, incremental keys and the summary (no notebook is executed)."""

import datetime as dt
import errno
import json
import os
import pickle
import signal
from pathlib import Path

import nbformat
import pytest

from boardpack import batch
from boardpack.batch import (BuildJob, BuildResult, build, is_up_to_date, job_key, notebook_parameters,
                             select_boroughs, workers)
from boardpack.errors import (DataValidationError, EmptyInputError, OptionError, OutputsBusyError, RunInterrupted,
                              RunStoppedError, UnknownBoroughError)
from boardpack.summary import summary_table


class FakeStore:
    def __init__(self, sha="a" * 64):
        self.sources = {"crime": {"files": [{"path": "c.csv", "sha256": sha}]}}


def test_parameters_merge_defaults_then_borough(registry):
    b = registry.get("camden")
    params = notebook_parameters({"notebook": {"census_fold": "mps", "borough": "ignored"}}, b, "2019-02", "/d",
                                 "i.json", "/o", overrides={"census_fold": "mixed_to_other"})
    assert params == {"census_fold": "mixed_to_other", "borough": "Camden", "period": "2019-02", "data_dir": "/d",
                      "store_index": "i.json", "output_dir": "/o"}


def test_job_key_changes_with_data_code_and_parameters():
    base = job_key("code", FakeStore(), {"borough": "Camden", "period": "2019-02"})
    assert base == job_key("code", FakeStore(), {"borough": "Camden", "period": "2019-02", "output_dir": "/elsewhere"})
    assert base != job_key("code2", FakeStore(), {"borough": "Camden", "period": "2019-02"})
    assert base != job_key("code", FakeStore("b" * 64), {"borough": "Camden", "period": "2019-02"})
    assert base != job_key("code", FakeStore(), {"borough": "Camden", "period": "2019-03"})


def test_up_to_date_needs_same_key_and_every_output(tmp_path, registry):
    job = BuildJob(registry.get("camden"), "2019-02", {}, tmp_path, "key1")
    assert not is_up_to_date(job)
    for name in batch.OUTPUT_FILES:
        (tmp_path / name).write_text("x")
    (tmp_path / batch.STAMP).write_text(json.dumps({"input_key": "key1", "files": {}}))
    assert is_up_to_date(job)
    assert not is_up_to_date(BuildJob(job.borough, job.period, {}, tmp_path, "key2"))
    assert not is_up_to_date(BuildJob(job.borough, job.period, {}, tmp_path, "key1", force=True))
    (tmp_path / "board_pack.pdf").unlink()
    assert not is_up_to_date(job)


def test_select_boroughs_by_name_or_slug_in_registry_order(registry):
    assert [b.slug for b in select_boroughs(["westminster", "Barnet", "E09000003"])] == ["barnet", "westminster"]
    assert len(select_boroughs(None)) == 32
    with pytest.raises(UnknownBoroughError, match="Gotham"):
        select_boroughs(["Gotham"])


def test_summary_table_lists_status_time_and_output():
    class Report:
        results = [BuildResult("Camden", "camden", "E09000007", "built", "/o/camden", {}, timings={"total": 9.5}),
                   BuildResult("Brent", "brent", "E09000005", "failed", "/o/brent", {}, error="ValueError: boom",
                               timings={"total": 1.0})]
        seconds = 12.0
        period_dir = Path("/o")

    text = summary_table(Report())
    assert "Camden" in text and "built" in text and "9.5" in text and "/o/camden" in text
    assert "ValueError: boom" in text
    assert "1 built, 0 skipped (unchanged), 1 failed" in text


def test_nothing_to_do_starts_no_worker(tmp_path, registry, monkeypatch):
    jobs = []
    for slug in ("camden", "brent"):
        out = tmp_path / slug
        out.mkdir()
        for name in batch.OUTPUT_FILES:
            (out / name).write_text("x")
        (out / batch.STAMP).write_text(json.dumps({"input_key": "k", "files": {"board_pack.pdf": "abc"}}))
        jobs.append(BuildJob(registry.get(slug), "2019-02", {"borough": slug}, out, "k"))

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started for a run with nothing to build")

    monkeypatch.setattr(workers, "_Worker", no_pool)
    monkeypatch.setattr(workers, "run_borough", no_pool)
    results = batch.execute_jobs(jobs, workers=2, progress=False)
    assert [r.status for r in results] == ["skipped", "skipped"]
    assert results[0].files == {"board_pack.pdf": "abc"}


@pytest.mark.parametrize("exc", [
    OptionError("--jobs", "give 1 or more"),
    OutputsBusyError("/o: another run"),
    RunStoppedError("/o/camden: the disk is full — free some space"),
    RunInterrupted(signal.SIGTERM, batch.RunReport("2019-02", Path("/o/2019-02"), [], 1.0, not_done=["camden"])),
    DataValidationError("f.csv", "bad", 3, "Month"),
    EmptyInputError("f.csv"),
])
def test_errors_survive_a_pickle_round_trip(exc):
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is type(exc) and str(back) == str(exc) and back.__dict__.keys() == exc.__dict__.keys()
    if isinstance(exc, RunInterrupted):
        assert back.signum == signal.SIGTERM and back.exit_status == 143 and back.report.not_done == ["camden"]
        assert isinstance(back, KeyboardInterrupt) and not isinstance(back, Exception)  # no `except Exception` eats it
    if isinstance(exc, OptionError):
        assert (back.option, back.problem) == ("--jobs", "give 1 or more")


def test_stop_request_raises_at_once_outside_the_build_loop_and_defers_inside_it():
    stop = batch.StopRequest()
    try:
        with pytest.raises(RunInterrupted) as caught:
            stop(signal.SIGINT, None)
        assert caught.value.exit_status == 130
        stop.signum = None
        stop.deferred = True
        stop(signal.SIGTERM, None)  # recorded, not raised: the loop stops the workers itself
        assert stop.signum == signal.SIGTERM and os.read(stop.fileno(), 10)
        stop.deferred = False
        stop(signal.SIGINT, None)  # a second signal while stopping is ignored
        assert stop.signum == signal.SIGTERM
    finally:
        stop.close()


def _job(registry, out, key="k1"):
    return BuildJob(registry.get("camden"), "2019-02", {"borough": "Camden"}, out, key)


def _old_pack(out):
    out.mkdir(parents=True)
    for name in batch.OUTPUT_FILES:
        (out / name).write_text("old " + name)


def test_a_full_disk_fails_the_borough_plainly_keeps_the_old_pack_and_stops_the_run(tmp_path, registry, monkeypatch):
    out = tmp_path / "2019-02" / "camden"
    _old_pack(out)

    def execute(job, build_dir, kernel=None):
        (build_dir / "board_pack.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
        return build_dir / "board_pack.ipynb"

    def full_disk(html, build_dir):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(build_dir / "board_pack.pdf"))

    monkeypatch.setattr(build, "execute_template", execute)
    monkeypatch.setattr(build, "render_html", lambda nb: "<html></html>")
    monkeypatch.setattr(build, "render_audit_edition", lambda nb: nb.parent / batch.AUDIT_NAME)
    monkeypatch.setattr(build, "render_pdf", full_disk)
    result = batch.run_borough(_job(registry, out))
    assert result.status == "failed" and result.stop_run
    assert result.error.endswith("board_pack.pdf: the disk is full (no space left on device) — free some space, "
                                 "or choose an --output-dir on another disk, and run again")
    assert "stop_run" not in result.as_dict() and "OSError" not in result.error
    assert sorted(p.name for p in out.parent.iterdir()) == ["camden"]  # the build folder is gone
    assert all((out / n).read_text() == "old " + n for n in batch.OUTPUT_FILES)
    assert not (out / "board_pack.failed.ipynb").exists()


def test_a_pack_published_just_before_its_worker_was_killed_counts_as_built(tmp_path, registry):
    out = tmp_path / "camden"
    _old_pack(out)
    job = _job(registry, out, key="new")
    before = dt.datetime.now(dt.UTC)
    stamp = {"input_key": "new", "files": {"board_pack.pdf": "abc"}, "built": before.isoformat()}
    (out / batch.STAMP).write_text(json.dumps(stamp))
    result = batch.settled_on_disk(job, before)
    assert result.status == "built" and result.files == {"board_pack.pdf": "abc"}
    assert batch.settled_on_disk(job, before + dt.timedelta(seconds=1)) is None  # an earlier run's pack
    assert batch.settled_on_disk(_job(registry, out, key="other"), before) is None
    (out / "board_pack.pdf").unlink()
    assert batch.settled_on_disk(job, before) is None


def test_a_stopped_run_records_only_finished_boroughs_and_the_sections(tmp_path, registry, monkeypatch):
    from boardpack.coverage import Coverage

    period_dir = tmp_path / "2019-02"
    period_dir.mkdir()
    earlier = {"run": {}, "boroughs": [{"borough": "Brent", "slug": "brent", "status": "built", "files": {}},
                                        {"borough": "Camden", "slug": "camden", "status": "built", "files": {}}]}
    (period_dir / "manifest.json").write_text(json.dumps(earlier))

    class Store:
        sources = {"crime": {"status": "ok", "files": []}, "asb": {"status": "absent", "files": []}}
        is_demo = True

        def has(self, table):
            return False

    coverage = {"asb": Coverage("asb", False, None, ["2019-02"], ["2019-02"], "no ASB file: asb/*.csv", [])}
    camden = BuildResult("Camden", "camden", "E09000007", "built", str(period_dir / "camden"), {}, files={"x": "1"})
    report = batch.RunReport("2019-02", period_dir, [camden], 3.0, not_done=["brent"],
                             stopped="interrupted by Ctrl-C (SIGINT)")
    assert not report.ok
    batch.record_run(report, Store(), tmp_path, 2, False, coverage)
    doc = json.loads((period_dir / "manifest.json").read_text())
    assert doc["run"]["stopped"] == "interrupted by Ctrl-C (SIGINT)" and doc["run"]["not_done"] == ["brent"]
    assert doc["run"]["boroughs_this_run"] == ["camden"]
    assert doc["run"]["sections"] == {"asb": {"available": False, "reason": "no ASB file: asb/*.csv", "data_to": None}}
    assert doc["run"]["inputs"]["asb"]["status"] == "absent"
    by_slug = {b["slug"]: b for b in doc["boroughs"]}
    assert by_slug["brent"] == earlier["boroughs"][0]  # not finished: its previous entry stands
    assert by_slug["camden"]["files"] == {"x": "1"}
    files = ["datapackage.json", "index.html", "manifest.json", "overview.csv", "overview.pdf"]
    for name in files:
        assert (period_dir / name).stat().st_mode & 0o044 == 0o044 & ~_umask()  # readable like any new file
    assert sorted(p.name for p in period_dir.iterdir()) == files


def _umask():
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_workers_report_each_borough_in_job_order_and_leave_no_process(tmp_path, registry):
    import psutil

    # A template that does not exist fails every borough fast, inside real worker processes.
    jobs = [BuildJob(registry.get(slug), "2019-02", {"borough": slug}, tmp_path / slug, "k",
                     template=tmp_path / "missing.ipynb") for slug in ("camden", "brent", "barnet")]
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    # Only the processes this run starts count: other tests of the session may have their own.
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    results = batch.execute_jobs(jobs, workers=2, progress=False, runtime_dir=runtime)
    assert [r.slug for r in results] == ["camden", "brent", "barnet"]
    assert all(r.status == "failed" and "missing.ipynb" in r.error for r in results)
    left = [p for p in psutil.Process().children(recursive=True) if p.pid not in before]
    _, alive = psutil.wait_procs(left, timeout=5)
    assert not alive
    # Every worker and borough process was recorded in the run's folder, and none is running.
    from boardpack.processes import recorded

    entries = recorded(runtime)
    assert {e.role for e in entries} >= {"worker"} and len([e for e in entries if e.role == "worker"]) == 2
    assert not any(e.is_running() for e in entries)


@pytest.mark.parametrize("boroughs, jobs, lone", [(("camden",), 2, [True]), (("camden", "brent"), 1, [False])])
def test_a_worker_is_told_when_it_has_one_borough_to_build(tmp_path, registry, monkeypatch, boroughs, jobs, lone):
    # Such a worker does not warm up for boroughs it will never build (boardpack.batch.warm).
    started = []

    class Recorded(workers._Worker):
        def __init__(self, runtime_dir, lone=False):
            started.append(lone)
            super().__init__(runtime_dir, lone)

    monkeypatch.setattr(workers, "_Worker", Recorded)
    todo = [BuildJob(registry.get(slug), "2019-02", {"borough": slug}, tmp_path / slug, "k",
                     template=tmp_path / "missing.ipynb") for slug in boroughs]
    results = batch.execute_jobs(todo, workers=jobs, progress=False, runtime_dir=tmp_path)
    assert all(r.status == "failed" and "missing.ipynb" in r.error for r in results)
    assert started == lone


def test_a_worker_is_started_with_the_interpreter_options_of_the_run():
    import ast
    import os
    import subprocess
    import sys

    code = "from boardpack.batch.workers import interpreter_options; print(interpreter_options())"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}  # options only, no PYTHON* settings

    def options(*flags):
        done = subprocess.run([sys.executable, *flags, "-c", code], capture_output=True, text=True, check=True,
                              env=env)
        return ast.literal_eval(done.stdout.strip())

    assert options("-B", "-OO", "-X", "dev", "-W", "error::UserWarning") == [
        "-B", "-OO", "-X", "dev", "-Wdefault", "-Werror::UserWarning"]  # development mode adds -Wdefault
    assert options("-I") == ["-I"]
    assert options() == []


def test_the_overview_is_rewritten_only_when_what_it_is_made_from_changed(tmp_path):
    period_dir = tmp_path / "2019-02"
    (period_dir / "camden").mkdir(parents=True)

    class Store:
        sources = {}
        is_demo = True

        def has(self, table):
            return False

    def run(status):
        camden = BuildResult("Camden", "camden", "E09000007", status, str(period_dir / "camden"), {}, files={})
        batch.record_run(batch.RunReport("2019-02", period_dir, [camden], 1.0), Store(), tmp_path, 1, False, {})

    figures = {"borough": "Camden", "gss_code": "E09000007", "confidence": {"available": True, "value": 61,
                                                                          "vs_mps": "above"}}
    (period_dir / "camden" / "figures.json").write_text(json.dumps(figures))
    run("built")
    index = period_dir / "index.html"
    os.utime(index, ns=(0, 0))
    run("skipped")  # nothing changed: the overview stands
    run("built")  # rebuilt, to the same figures: the same overview, so it stands too
    assert index.stat().st_mtime_ns == 0
    (period_dir / "camden" / "figures.json").write_text(json.dumps({**figures, "confidence": {
        "available": True, "value": 62, "vs_mps": "above"}}))
    run("built")
    assert index.stat().st_mtime_ns > 0 and ">62% (above)<" in index.read_text()
    os.utime(index, ns=(0, 0))
    (period_dir / "overview.pdf").unlink()  # a file of the overview is missing: all are written again
    run("skipped")
    assert index.stat().st_mtime_ns > 0 and (period_dir / "overview.pdf").is_file()
