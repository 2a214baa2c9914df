"""The London overview (index.html, overview.csv): each column read from the packs' figures.json, sortable, offline."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
from html.parser import HTMLParser

import pytest
from boardpack import overview

FIGURES = {
    "borough": "Camden", "gss_code": "E09000007",
    "recorded_crime": {
        "rate_per_1000": {"borough": 120.5, "ci_low": 119.0, "ci_high": 122.0},
        "funnel": {"position": "within"},
        "rows": [{"category": "Total Notifiable Offences", "available": True, "pct_change": -3.2, "significant": True}],
    },
    "confidence": {"available": True, "value": 61, "vs_mps": "above"},
    "stop_search": {"disproportionality": [
        {"month": "2019-01", "group": "Black", "ratio": 3.1, "ci_low": 2.5, "ci_high": 3.8},
        {"month": "2019-02", "group": "Black", "ratio": 3.4, "ci_low": 2.8, "ci_high": 4.1},
        {"month": "2019-02", "group": "White", "ratio": 1.0, "ci_low": None, "ci_high": None}]},
}


def test_a_row_is_the_packs_own_figures():
    row = overview.borough_row(FIGURES)
    assert (row["crime_per_1000"], row["crime_per_1000_ci_low"], row["funnel_position"]) == (120.5, 119.0, "within")
    assert (row["tno_pct_change"], row["tno_significant"]) == (-3.2, True)
    assert (row["confidence"], row["confidence_vs_mps"]) == (61, "above")
    assert (row["black_white_ratio"], row["black_white_ci_high"], row["black_white_month"]) == (3.4, 4.1, "2019-02")
    assert row["reasons"] == {}


def test_a_figure_the_pack_could_not_give_carries_its_reason():
    figures = {**FIGURES, "confidence": {"available": False, "reason": "No PAS file"},
               "stop_search": {"parts": {"stop_search_ethnicity": {"available": False, "reason": "No Census"}}},
               "recorded_crime": {**FIGURES["recorded_crime"], "rate_per_1000": None,
                                  "parts": {"crime_rates": {"available": False, "reason": "No population"}}}}
    row = overview.borough_row(figures)
    assert row["confidence"] is None and row["reasons"]["confidence"] == "No PAS file"
    assert row["black_white_ratio"] is None and row["reasons"]["black_white_ratio"] == "No Census"
    assert row["crime_per_1000"] is None and row["reasons"]["crime_per_1000"] == "No population"
    page = overview.overview_html([{**row, "slug": "camden", "files": []}], "February 2019", False, [])
    assert "No PAS file" in page and "No Census" in page and "n/a" in page


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.links, self.sources, self.scripts, self.csp, self._script = [], [], [], [], None, False
        self.landmarks = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th") and self.rows and "data-value" in a:
            self.rows[-1].append(a["data-value"])
        if tag == "a":
            self.links.append(a["href"])
        if "src" in a:
            self.sources.append(a["src"])
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy":
            self.csp = a["content"]
        if tag in ("main", "header"):
            self.landmarks.append(tag)
        self._script = tag == "script"

    def handle_data(self, data):
        if self._script:
            self.scripts.append(data)
            self._script = False


@pytest.mark.slow
def test_the_period_page_lists_every_pack_with_its_figures(demo_packs):
    period_dir = demo_packs.period_dir
    page = _Page()
    page.feed((period_dir / "index.html").read_text(encoding="utf-8"))
    figures = {r.slug: json.loads((period_dir / r.slug / "figures.json").read_text(encoding="utf-8"))
               for r in demo_packs.results}
    # Each row's sort values are the pack's own figures, alphabetical by borough.
    rows = [r for r in page.rows if r]
    assert [r[0] for r in rows] == sorted(f["borough"] for f in figures.values())
    for cells in rows:
        f = next(f for f in figures.values() if f["borough"] == cells[0])
        tno = next(r for r in f["recorded_crime"]["rows"] if r["category"] == "Total Notifiable Offences")
        assert float(cells[1]) == f["recorded_crime"]["rate_per_1000"]["borough"]
        assert cells[2] == f["recorded_crime"]["funnel"]["position"]
        assert float(cells[3]) == tno["pct_change"]
        assert int(cells[4]) == f["confidence"]["value"]
    # Every link resolves to a file of the run; nothing is fetched from anywhere.
    assert page.links and all((period_dir / href).is_file() for href in page.links)
    assert page.sources and all(s.startswith("data:image/png;base64,") for s in page.sources)
    assert not re.search(r"https?://", (period_dir / "index.html").read_text())
    # The inline sorting script is the only one the page's policy allows, by its hash.
    (script,) = page.scripts
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    assert f"script-src 'sha256-{digest}'" in page.csp and "default-src 'none'" in page.csp
    assert page.landmarks == ["header", "main"]
    # overview.csv holds the same figures.
    table = list(csv.DictReader(io.StringIO((period_dir / "overview.csv").read_text(encoding="utf-8"))))
    assert [t["borough"] for t in table] == [r[0] for r in rows]
    assert list(table[0]) == [key for key, _, _ in overview.COLUMNS]
    for t in table:
        f = next(f for f in figures.values() if f["borough"] == t["borough"])
        assert float(t["crime_per_1000"]) == f["recorded_crime"]["rate_per_1000"]["borough"]
        assert t["gss_code"] == f["gss_code"]


def test_maps_and_trends_are_drawn_or_say_why():
    import pandas as pd

    shapes = pd.DataFrame({"area_code": ["E09000007"] * 4, "name": ["Camden"] * 4, "ring": [0] * 4,
                           "point": range(4), "x": [0.0, 1.0, 1.0, 0.0], "y": [0.0, 0.0, 1.0, 1.0]})
    row = {**overview.borough_row(FIGURES), "slug": "camden", "files": []}
    monthly = {"Camden": [{"month": f"2018-{m:02d}", "borough": 100 + m, "mps": 1000} for m in range(1, 13)]}
    drawn = overview.charts_html([row], monthly, shapes, "February 2019")
    assert drawn.count("<img") == 3 and "Highest: Camden 120.5" in drawn
    missing = overview.charts_html([row], monthly, None, "February 2019")
    assert missing.count("<img") == 1 and "Maps not available" in missing


@pytest.mark.slow
def test_every_page_of_the_demo_overview_pdf_says_it_is_demo_data(demo_packs):
    from pypdf import PdfReader

    pages = PdfReader(demo_packs.period_dir / "overview.pdf").pages
    assert len(pages) > 1
    assert all("DEMO DATA – NOT OFFICIAL STATISTICS" in p.extract_text() for p in pages)


@pytest.mark.slow
def test_the_period_folder_is_a_valid_data_package(demo_packs):
    from frictionless import Package

    period_dir = demo_packs.period_dir
    descriptor = json.loads((period_dir / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in descriptor["resources"]]
    assert names[0] == "overview" and descriptor["resources"][0]["schema"]["primaryKey"] == ["gss_code"]
    for r in demo_packs.results:  # every table of every pack is described, with its borough's GSS code
        tables = sorted(p.stem for p in (period_dir / r.slug / "tables").glob("*.csv"))
        described = [d for d in descriptor["resources"] if d["path"].startswith(f"{r.slug}/tables/")]
        assert sorted(d["path"].split("/")[-1][:-4] for d in described) == tables
        assert {d["gss_code"] for d in described} == {json.loads((period_dir / r.slug / "figures.json")
                                                                 .read_text())["gss_code"]}
    report = Package(str(period_dir / "datapackage.json")).validate()
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])[:10]


def test_the_inputs_key_names_everything_the_overview_is_made_from(tmp_path):
    folder = tmp_path / "camden"
    (folder / "tables").mkdir(parents=True)
    (folder / "figures.json").write_text(json.dumps(FIGURES))
    built = [{"borough": "Camden", "slug": "camden", "status": "built"}]

    def key(entries=built, label="February 2019", demo=False, boundaries="ab12"):
        return overview.inputs_key(tmp_path, entries, label, demo, boundaries)

    first = key()
    assert key([{**built[0], "status": "skipped"}]) == first  # built this run or before: the same overview
    others = [key([{**built[0], "status": "failed", "error": "boom"}]), key(label="March 2019"), key(demo=True),
              key(boundaries="cd34"), key(boundaries="")]
    (folder / "board_pack.pdf").write_bytes(b"%PDF")
    others.append(key())
    (folder / "tables" / "crime.csv").write_text("a\n")
    others.append(key())
    (folder / "figures.json").write_text(json.dumps({**FIGURES, "borough": "Camden "}))
    others.append(key())
    assert len({first, *others}) == len(others) + 1
    row = {**overview.borough_row(FIGURES), "slug": "camden", "files": []}
    page = overview.overview_html([row], "February 2019", False, [], key=first)
    assert f'<meta name="{overview.KEY_META}" content="{first}">' in page
    printed = overview._for_print(page)
    assert overview.SORT_HINT in page and overview.SORT_HINT not in printed and "<button" not in printed
