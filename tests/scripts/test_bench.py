import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "scripts" / "bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_script", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _manifest(tmp_path, boroughs):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"run": {}, "boroughs": boroughs}), encoding="utf-8")
    return path


def _borough(slug, status, execute, pdf):
    total = execute + 0.1 + 0.2 + pdf
    return {"slug": slug, "status": status,
            "timings": {"execute": execute, "html": 0.1, "audit": 0.2, "pdf": pdf, "total": total}}


def test_stage_means_over_the_built_boroughs_only(bench, tmp_path):
    manifest = _manifest(tmp_path, [_borough("a", "built", 3.0, 2.0), _borough("b", "built", 4.0, 1.0),
                                    _borough("c", "failed", 9.0, 9.0), _borough("d", "skipped", 9.0, 9.0)])
    means = bench.stage_means(manifest)
    assert means == pytest.approx({"execute": 3.5, "html": 0.1, "audit": 0.2, "pdf": 1.5, "total": 5.3})
    assert bench.stage_line(means) == "execute 3.50, html 0.10, audit 0.20, pdf 1.50; total 5.30 s"


def test_stage_means_of_one_borough(bench, tmp_path):
    manifest = _manifest(tmp_path, [_borough("a", "built", 3.0, 2.0), _borough("b", "built", 4.0, 1.0)])
    assert bench.stage_means(manifest, "b")["execute"] == 4.0
    assert bench.stage_means(manifest, "z") == {}


def test_no_manifest_or_no_built_borough_is_said_not_raised(bench, tmp_path):
    assert bench.stage_means(None) == {}
    assert bench.stage_means(tmp_path / "missing.json") == {}
    failed = _manifest(tmp_path, [_borough("a", "failed", 3.0, 2.0)])
    assert bench.stage_line(bench.stage_means(failed)) == "none recorded (no borough was built)"
