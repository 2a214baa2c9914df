"""The warm worker: each borough built in a child forked from it, whatever happens to the child."""

from __future__ import annotations

import os
import signal
import sys

import pytest

from boardpack.batch import BuildJob, BuildResult, warm

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forking needs a system that can fork")


def _job(registry, tmp_path):
    return BuildJob(registry.get("camden"), "2019-02", {"borough": "Camden"}, tmp_path / "2019-02" / "camden", "k1")


def test_the_childs_result_comes_back_and_its_kernel_was_offered(tmp_path, registry, monkeypatch):
    def run_borough(job, kernel):
        assert kernel.unused  # forked, waiting to become the kernel
        kernel.discard()
        return BuildResult.for_job(job, "built", timings={"execute": 1.5}, files={"f": os.getpid()})

    monkeypatch.setattr(warm, "run_borough", run_borough)
    result = warm.build_in_child(_job(registry, tmp_path))
    assert result.status == "built" and result.timings == {"execute": 1.5}
    assert result.files["f"] != os.getpid()  # built in another process


def test_an_error_in_the_child_fails_the_borough_with_its_message(tmp_path, registry, monkeypatch):
    def run_borough(job, kernel):
        raise RuntimeError("the template exploded")

    monkeypatch.setattr(warm, "run_borough", run_borough)
    result = warm.build_in_child(_job(registry, tmp_path))
    assert result.status == "failed" and result.error == "RuntimeError: the template exploded"


def test_a_child_that_dies_fails_only_its_borough_and_leaves_no_build_folder(tmp_path, registry, monkeypatch):
    import psutil

    job = _job(registry, tmp_path)

    def run_borough(job, kernel):
        build = job.output_dir.parent / f".build-{job.output_dir.name}-x"
        build.mkdir(parents=True)
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would

    before = {p.pid for p in psutil.Process().children(recursive=True)}
    monkeypatch.setattr(warm, "run_borough", run_borough)
    result = warm.build_in_child(job)
    assert result.status == "failed"
    assert result.error.startswith("the process building this borough stopped unexpectedly (killed by signal 9)")
    assert not list(job.output_dir.parent.glob(".build-*"))
    left = [p for p in psutil.Process().children(recursive=True) if p.pid not in before]
    _, alive = psutil.wait_procs(left, timeout=5)
    assert not alive  # the kernel it had forked went with it
    # and this process can build the next borough
    monkeypatch.setattr(warm, "run_borough", lambda job, kernel: BuildResult.for_job(job, "built"))
    assert warm.build_in_child(job).status == "built"


def test_the_child_does_not_keep_the_workers_line_to_its_parent(tmp_path, registry, monkeypatch):
    # If it did, the parent would not see the worker die while a borough was being built.
    read, write = os.pipe()

    def run_borough(job, kernel):
        kernel.discard()
        try:
            os.fstat(write)
        except OSError:
            return BuildResult.for_job(job, "built")
        return BuildResult.for_job(job, "failed", error="kept the descriptor")

    monkeypatch.setattr(warm, "run_borough", run_borough)
    try:
        assert warm.build_in_child(_job(registry, tmp_path), close_fds=(write,)).status == "built"
    finally:
        os.close(read)
        os.close(write)


def test_a_worker_that_did_not_warm_up_splits_the_warm_up_between_the_child_and_the_kernel(tmp_path, registry,
                                                                                            monkeypatch):
    job = _job(registry, tmp_path)
    job.parameters["store_index"] = "index.json"
    marks = tmp_path / "marks"

    def mark(what):
        with marks.open("a") as f:
            f.write(f"{what} {os.getpid()}\n")

    monkeypatch.setattr(warm, "warm_kernel_side", lambda store_index: mark(f"kernel-side:{store_index}"))
    monkeypatch.setattr(warm, "warm_build_side", lambda: mark("build-side"))

    def run_borough(job, kernel):
        pid = kernel.pid
        kernel.discard()  # it prepares before it reads that it is not needed
        return BuildResult.for_job(job, "built", files={"child": os.getpid(), "kernel": pid})

    monkeypatch.setattr(warm, "run_borough", run_borough)
    result = warm.build_in_child(job, warmed=False)
    assert result.status == "built"
    done = dict(line.split()[::-1] for line in marks.read_text().splitlines())
    assert done == {str(result.files["kernel"]): "kernel-side:index.json", str(result.files["child"]): "build-side"}

    marks.unlink()
    assert warm.build_in_child(job).status == "built"  # a warm worker's child and kernel import nothing more
    assert not marks.exists()


def test_warming_up_imports_the_suite_and_reads_the_store_once(monkeypatch):
    from boardpack import store

    import pandas as pd

    monkeypatch.setattr(store, "_TABLES", {})
    read = []
    monkeypatch.setattr(pd, "read_parquet", lambda path: read.append(path) or pd.DataFrame({"a": [1]}))

    class FakeStore:
        def __init__(self, index):
            self._table_paths = {"crime": __file__, "asb": os.__file__}

        preload = store.Store.preload

    monkeypatch.setattr(store, "Store", FakeStore)
    warm.warm_up("index.json")
    assert all(name in sys.modules for name in warm.WARM_MODULES)
    assert sorted(read) == sorted([__file__, os.__file__])
    assert store.read_table(__file__).equals(pd.DataFrame({"a": [1]}))
    assert len(read) == 2  # read again only from the cache
