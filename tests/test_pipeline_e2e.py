"""End to end on the demo data: two boroughs built in parallel, PDF and HTML checked, reruns skipped,
and one borough forced to fail while the other still builds."""

import hashlib
import json
import re
import subprocess
import sys

import nbformat
import pytest
from pypdf import PdfReader

from boardpack import cli
from boardpack.batch import run_all
from boardpack.demo import ensure_demo_data
from boardpack.paths import NOTEBOOK

pytestmark = pytest.mark.slow
BOROUGHS = ["Waltham Forest", "camden"]
HEADINGS = ["Recorded crime", "Anti-social behaviour", "Public confidence and victim satisfaction",
            "Complaints against borough officers and staff", "Stop and search", "Independent custody visits",
            "London criminal justice context", "Further sources of information", "Glossary", "Notes on method and data"]


def struct_alt_texts(node, seen=None) -> list[str]:
    """Every /Alt string in a tagged PDF's structure tree."""
    seen = set() if seen is None else seen
    node = node.get_object() if hasattr(node, "get_object") else node
    if id(node) in seen:
        return []
    seen.add(id(node))
    found = []
    if isinstance(node, dict):
        if "/Alt" in node:
            found.append(str(node["/Alt"]))
        kids = node.get("/K")
        if kids is not None:
            found += struct_alt_texts(kids, seen)
    elif isinstance(node, list):
        for kid in node:
            found += struct_alt_texts(kid, seen)
    return found


@pytest.fixture(scope="module")
def built(demo_packs):
    return demo_packs


def test_every_borough_built(built):
    assert built.ok, [(r.borough, r.error) for r in built.results]
    assert [r.status for r in built.results] == ["built", "built"]
    for r in built.results:
        for name in ("board_pack.ipynb", "board_pack.html", "board_pack.pdf", "board_pack.audit.html", "figures.json"):
            assert (built.period_dir / r.slug / name).is_file()
        assert r.timings["audit"] > 0 and list(r.timings)[:4] == ["execute", "html", "audit", "pdf"]


@pytest.mark.parametrize("slug, name", [("waltham-forest", "Waltham Forest"), ("camden", "Camden")])
def test_pdf_is_tagged_a4_with_the_sections(built, slug, name):
    reader = PdfReader(built.period_dir / slug / "board_pack.pdf")
    assert len(reader.pages) > 8
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "en-GB"
    assert name in reader.metadata.title
    assert "/Outlines" in root  # bookmarks
    text = " ".join(p.extract_text() for p in reader.pages)
    assert name in text
    for heading in HEADINGS:
        assert heading in text, heading
    for number, page in enumerate(reader.pages, start=1):  # the demo marking is on every page
        assert "DEMO DATA – NOT OFFICIAL STATISTICS" in page.extract_text(), f"page {number}"
    assert re.search(r"Page \d+ of \d+", text)
    figures = json.loads((built.period_dir / slug / "figures.json").read_text())
    alts = struct_alt_texts(root["/StructTreeRoot"])
    assert {c["alt"] for c in figures["charts"].values()} <= set(alts)  # every chart's alt text is tagged


def test_html_twin_is_self_contained_and_accessible(built):
    html = (built.period_dir / "camden" / "board_pack.html").read_text()
    assert '<html lang="en-GB">' in html
    assert not re.search(r'<(img|script|link)[^>]+(src|href)="https?:', html)
    imgs = re.findall(r"<img [^>]*>", html)
    assert imgs and all(re.search(r'alt="[^"]{20,}"', i) for i in imgs)
    assert all('src="data:image/png;base64,' in i for i in imgs)
    assert "borough = " not in html and "pack.cover()" not in html  # no code, no parameters
    assert "DEMO DATA – NOT OFFICIAL STATISTICS" in html


def test_manifest_records_run_and_boroughs(built):
    doc = json.loads((built.period_dir / "manifest.json").read_text())
    run = doc["run"]
    assert run["data"] == "demo" and run["period"] == built.period
    assert run["package_versions"]["papermill"] and "git_commit" in run
    assert run["inputs"]["crime"]["files"][0]["sha256"]
    by_slug = {b["slug"]: b for b in doc["boroughs"]}
    assert set(by_slug) == {"waltham-forest", "camden"}
    for slug, entry in by_slug.items():
        assert entry["status"] == "built" and entry["error"] is None
        assert entry["parameters"]["borough"] and entry["timings"]["execute"] > 0
        assert {"board_pack.pdf", "board_pack.html", "board_pack.audit.html", "figures.json"} <= set(entry["files"])
        for name, sha in entry["files"].items():
            assert hashlib.sha256((built.period_dir / slug / name).read_bytes()).hexdigest() == sha
        stamp = json.loads((built.period_dir / slug / "build.json").read_text())
        assert stamp["files"]["board_pack.audit.html"] == entry["files"]["board_pack.audit.html"]
    index = (built.period_dir / "index.html").read_text()
    assert 'href="camden/board_pack.pdf"' in index
    assert 'href="camden/board_pack.audit.html">Audit<' in index


def test_audit_edition_is_written_beside_the_pack(built):
    audit = (built.period_dir / "camden" / "board_pack.audit.html").read_text(encoding="utf-8")
    assert "Camden" in audit and "<script" not in audit
    assert not re.search(r'<(img|link)[^>]+(src|href)="https?:', audit)  # self-contained


def test_executed_notebook_is_the_audit_record(built):
    nb = nbformat.read(built.period_dir / "camden" / "board_pack.ipynb", as_version=4)
    assert nb.metadata["papermill"]["parameters"]["borough"] == "Camden"
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors


def test_unchanged_rerun_skips_every_borough(built):
    again = run_all(BOROUGHS, data_dir=ensure_demo_data(), output_dir=built.period_dir.parent, jobs=2, progress=False)
    assert [r.status for r in again.results] == ["skipped", "skipped"]
    assert again.ok


def test_analyst_can_render_with_nbconvert(built, tmp_path):
    nb = built.period_dir / "camden" / "board_pack.ipynb"
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "boardpack_pdf", str(nb),
                    "--output-dir", str(tmp_path)], check=True, capture_output=True)
    pdf = PdfReader(tmp_path / "board_pack.pdf")
    assert "Camden" in pdf.metadata.title


def test_one_failing_borough_does_not_stop_the_others(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    setup = next(i for i, c in enumerate(nb.cells) if "setup" in c.metadata.get("tags", []))
    bad = nbformat.v4.new_code_cell('if borough == "Camden":\n    raise RuntimeError("forced failure for the test")')
    bad.metadata["tags"] = ["forced-failure"]
    nb.cells.insert(setup + 1, bad)
    template = tmp_path / "template.ipynb"
    nbformat.write(nb, template)
    report = run_all(BOROUGHS, data_dir=ensure_demo_data(), output_dir=tmp_path / "out", jobs=2, progress=False,
                     template=template)
    status = {r.slug: r for r in report.results}
    assert status["waltham-forest"].status == "built"
    assert status["camden"].status == "failed" and not report.ok
    assert "forced failure for the test" in status["camden"].error
    assert status["camden"].failing_cell["ename"] == "RuntimeError"
    assert "raise RuntimeError" in status["camden"].failing_cell["source"]
    camden_dir = report.period_dir / "camden"
    assert (camden_dir / "board_pack.failed.ipynb").is_file() and not (camden_dir / "board_pack.pdf").exists()
    manifest = json.loads((report.period_dir / "manifest.json").read_text())
    entry = next(b for b in manifest["boroughs"] if b["slug"] == "camden")
    assert entry["status"] == "failed" and entry["failing_cell"]["ename"] == "RuntimeError"


def test_cli_exit_status_is_non_zero_when_a_borough_fails(monkeypatch, tmp_path, capsys):
    from boardpack import batch
    from boardpack.batch import BuildResult, RunReport

    def fake_run_all(*args, **kwargs):
        return RunReport("2026-09", tmp_path, [BuildResult("Camden", "camden", "E09000007", "failed", str(tmp_path), {},
                                                           error="boom")], 1.0)

    monkeypatch.setattr(batch, "run_all", fake_run_all)
    assert cli.main(["--boroughs", "camden", "--no-progress"]) == 1
    assert "1 failed" in capsys.readouterr().out


def test_cli_rejects_bad_input(capsys):
    assert cli.main(["--period", "2019-13", "--boroughs", "camden", "--no-progress"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["--jobs", "many"])
