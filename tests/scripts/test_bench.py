import json
from pathlib import Path

import pytest

from tests.conftest import load_script

BENCH = Path(__file__).resolve().parents[2] / "scripts" / "bench.py"


@pytest.fixture(scope="module")
def bench():
    return load_script(BENCH, "bench_script")


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


def test_bounds_say_which_targets_the_packs_own_work_leaves_in_reach(bench):
    # 32 boroughs of 4.5 s on 2 processes: at least 72 s, 2.4 times a 30 s floor.
    lines = bench.bound_lines(work=4.5, own=1.8, floor_s=30.0, boroughs=32, jobs=2, naive_first=23.0)
    assert lines == [
        "  cold / floor                 >=  2.40   target <= 1.5   out of reach",
        "  one borough / its own PDF    >=  2.50   target <= 2     out of reach",
        "  naive one borough / rebuild  <=  5.11   target >= 5     reachable",
    ]
    lines = bench.bound_lines(work=2.0, own=1.8, floor_s=30.0, boroughs=32, jobs=2, naive_first=None)
    assert [line.split()[-1] for line in lines] == ["reachable", "reachable"]


@pytest.mark.slow
def test_own_work_runs_the_packs_cells_again_and_makes_the_same_pack(bench, demo_packs, tmp_path):
    built = demo_packs.period_dir / "waltham-forest"
    times = bench.own_work(built / "board_pack.ipynb", tmp_path / "again")
    assert set(times) == {"cells", "html", "audit", "pdf", "total"}
    assert all(seconds > 0 for seconds in times.values())
    assert times["total"] == pytest.approx(sum(v for k, v in times.items() if k != "total"))
    # The timed work is the pack's: the cells write the same figures and tables, and the PDF is the same.
    again = tmp_path / "again"
    for name in ("figures.json", "board_pack.pdf", "board_pack.html", "board_pack.audit.html"):
        assert (again / name).read_bytes() == (built / name).read_bytes(), name
    tables = sorted(p.name for p in (built / "tables").glob("*.csv"))
    assert tables and tables == sorted(p.name for p in (again / "tables").glob("*.csv"))
    assert all((again / "tables" / t).read_bytes() == (built / "tables" / t).read_bytes() for t in tables)


def test_own_work_says_which_cell_failed(bench, tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")])
    path = tmp_path / "board_pack.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(SystemExit, match="(?s)own work failed.*1 / 0"):
        bench.own_work(path, tmp_path / "again")
