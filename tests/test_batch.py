"""Unit tests of batch planning, incremental keys and the summary (no notebook is executed)."""

import json
from pathlib import Path

import pytest

from boardpack import batch
from boardpack.batch import BuildJob, BuildResult, is_up_to_date, job_key, notebook_parameters, select_boroughs
from boardpack.errors import UnknownBoroughError
from boardpack.summary import summary_table


class FakeStore:
    def __init__(self, sha="a" * 64):
        self.sources = {"crime": {"files": [{"path": "c.csv", "sha256": sha}]}}


def test_parameters_merge_defaults_then_borough(registry):
    b = registry.get("camden")
    params = notebook_parameters({"notebook": {"census_fold": "mps", "borough": "ignored"}}, b, "2019-02", "/d", "i.json",
                                 "/o", overrides={"census_fold": "mixed_to_other"})
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

    monkeypatch.setattr(batch, "ProcessPoolExecutor", no_pool)
    monkeypatch.setattr(batch, "run_borough", no_pool)
    results = batch.execute_jobs(jobs, workers=2, progress=False)
    assert [r.status for r in results] == ["skipped", "skipped"]
    assert results[0].files == {"board_pack.pdf": "abc"}
