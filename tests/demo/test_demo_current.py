"""Checking that the demo dataset is current does not load the writers."""

from __future__ import annotations

from boardpack.demo import ensure_demo_data


def test_a_current_dataset_is_checked_without_loading_the_writers(demo_dir, loaded_by):
    # Every build without --data-dir checks the demo data; only writing it needs the writers and openpyxl.
    code = f"from boardpack.demo import ensure_demo_data\nensure_demo_data({str(demo_dir)!r})"
    assert loaded_by(code, ["boardpack.demo.generate", "openpyxl"]) == ("", [])


def test_a_stale_dataset_is_written_again_through_the_writers(demo_dir, tmp_path, monkeypatch):
    import boardpack.demo.generate as generate

    written = []
    monkeypatch.setattr(generate, "generate_demo_data", lambda out, method=None: written.append(out))
    ensure_demo_data(tmp_path / "missing")
    assert written == [(tmp_path / "missing").resolve()]
