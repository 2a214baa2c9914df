"""A pack's HTML twin and the London overview, opened in headless Chromium.

axe-core (WCAG 2.1 A and AA, and best practice) finds no violation on either; the overview's columns
sort in the browser, and stay alphabetical with scripts off; every link opens a file of the run or a
place on the page; and neither page asks for anything over the network.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from boardpack import overview

pytestmark = pytest.mark.slow

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# axe.run rejects (an unknown tag, say) rather than failing: pass the error back instead of waiting out
# the script timeout.
AXE_RUN = ("var done = arguments[arguments.length - 1];"
           "axe.run(document, {runOnly: {type: 'tag', values: %s}})"
           ".then(function (r) { done(r); }, function (e) { done({error: String(e)}); });")


def open_page(chrome, path: Path) -> None:
    chrome.get_log("performance")  # empty the logs, so what they hold next is this page's
    chrome.get_log("browser")
    chrome.get(path.as_uri())


def axe_results(chrome) -> dict:
    from selenium_axe_python import Axe

    axe = Axe(chrome)
    axe.inject()
    results = chrome.execute_async_script(AXE_RUN % json.dumps(AXE_TAGS))
    assert "error" not in results, results.get("error")
    return results


# The browser's own pages (its new-tab page loads its scripts as it starts), not a page of the run.
BROWSER_PAGES = ("chrome", "chrome-untrusted", "devtools")


def requests_made(chrome) -> list[str]:
    """Every URL the pages asked for since the page was opened (Chromium's performance log), but for what
    the browser's own pages load."""
    urls = []
    for entry in chrome.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] != "Network.requestWillBeSent":
            continue
        params = message["params"]
        if urlsplit(params.get("documentURL", "")).scheme not in BROWSER_PAGES:
            urls.append(params["request"]["url"])
    return urls


def console_errors(chrome) -> list[str]:
    """What the page wrote to the console as errors: a script the page's policy refused shows here."""
    return [e["message"] for e in chrome.get_log("browser") if e["level"] == "SEVERE"]


def broken_links(chrome, page: Path) -> list[str]:
    """Each link that does not open a file that exists, or a place on its page that exists."""
    broken = []
    for href in chrome.execute_script("return Array.from(document.querySelectorAll('a[href]'), a => a.href);"):
        url = urlsplit(href)
        if url.scheme != "file":
            broken.append(f"{href}: not a file of the run")
            continue
        target = Path(unquote(url.path))
        if not target.is_file():
            broken.append(f"{href}: no such file")
        elif url.fragment and target == page and not chrome.execute_script(
                "return document.getElementById(arguments[0]) !== null;", unquote(url.fragment)):
            broken.append(f"{href}: no element with that id")
    return broken


def check_page(chrome, page: Path) -> None:
    open_page(chrome, page)
    results = axe_results(chrome)
    from selenium_axe_python import Axe

    assert results["violations"] == [], f"{page.name}: " + Axe.report(results["violations"])
    assert results["passes"], "axe checked nothing"
    assert broken_links(chrome, page) == []
    assert console_errors(chrome) == []
    requested = requests_made(chrome)
    assert page.as_uri() in requested, "the performance log recorded no request at all"
    assert [u for u in requested if urlsplit(u).scheme not in ("file", "data")] == []


# Two demo packs, and two real ones to February 2019 where the real data is there.
RUNS = ["demo_packs", pytest.param("real_packs", marks=pytest.mark.real_data)]


@pytest.mark.parametrize("packs", RUNS)
def test_the_pack_html_twin_passes_axe_and_stays_offline(chromium, packs, request):
    run = request.getfixturevalue(packs)
    assert run.results
    for result in run.results:
        check_page(chromium, run.period_dir / result.slug / "board_pack.html")


@pytest.mark.parametrize("packs", RUNS)
def test_the_overview_passes_axe_and_stays_offline(chromium, packs, request):
    run = request.getfixturevalue(packs)
    check_page(chromium, run.period_dir / "index.html")


# A page of four boroughs, one with no figures at all: its cells have no sort value.
def _row(borough: str, rate, position, change, confidence, ratio) -> dict:
    row = {key: None for key, _, _ in overview.COLUMNS}
    row.update(borough=borough, gss_code="E09000000", slug=borough.lower(), files=[], reasons={})
    if rate is not None:
        row.update(crime_per_1000=rate, crime_per_1000_ci_low=rate - 1, crime_per_1000_ci_high=rate + 1,
                   funnel_position=position, tno_pct_change=change, tno_significant=False,
                   confidence=confidence, confidence_vs_mps="similar", black_white_ratio=ratio,
                   black_white_ci_low=ratio - 0.5, black_white_ci_high=ratio + 0.5, black_white_month="2026-09")
    return row


ROWS = [_row("Camden", 95.5, "within", -3.2, 71, 3.4), _row("Hackney", 120.25, "above", 12.0, 64, 2.9),
        _row("Islington", 9.5, "below", -10.5, 80, 4.15), _row("Lambeth", None, None, None, None, None)]


def _table(chrome) -> list[list[str]]:
    return chrome.execute_script(
        "return Array.from(document.querySelector('tbody').rows,"
        " r => Array.from(r.cells).slice(0, 6).map(c => c.getAttribute('data-value')));")


def _expected(values: list[str], ascending: bool) -> list[str]:
    given = [v for v in values if v != ""]
    key = float if all(v.replace(".", "", 1).lstrip("-").isdigit() for v in given) else str
    return sorted(given, key=key, reverse=not ascending) + [""] * (len(values) - len(given))


@pytest.fixture
def overview_page(tmp_path) -> Path:
    page = tmp_path / "index.html"
    page.write_text(overview.overview_html(ROWS, "September 2026", False, []), encoding="utf-8")
    return page


def test_each_column_sorts_both_ways_with_rows_kept_whole(chromium, overview_page):
    from selenium.webdriver.common.by import By

    open_page(chromium, overview_page)
    start = _table(chromium)
    assert [r[0] for r in start] == ["Camden", "Hackney", "Islington", "Lambeth"]  # alphabetical to begin with
    whole = {tuple(r) for r in start}
    headings = chromium.find_elements(By.CSS_SELECTOR, "th[data-sort]")
    assert len(headings) == 6
    for i, heading in enumerate(headings):
        button = heading.find_element(By.TAG_NAME, "button")
        # The borough column starts ascending, so its first click turns it round.
        for ascending in ((False, True) if i == 0 else (True, False)):
            button.click()
            rows = _table(chromium)
            assert [r[i] for r in rows] == _expected([r[i] for r in start], ascending), heading.text
            assert {tuple(r) for r in rows} == whole
            assert heading.get_attribute("aria-sort") == ("ascending" if ascending else "descending")
            assert [h.get_attribute("aria-sort") for h in headings].count(None) == len(headings) - 1
    assert console_errors(chromium) == []


def test_without_scripts_the_table_stays_alphabetical(chromium_without_scripts, overview_page):
    from selenium.webdriver.common.by import By

    chrome = chromium_without_scripts
    chrome.get(overview_page.as_uri())
    chrome.find_elements(By.CSS_SELECTOR, "th[data-sort] button")[1].click()
    names = [c.text for c in chrome.find_elements(By.CSS_SELECTOR, "tbody th")]
    assert names == ["Camden", "Hackney", "Islington", "Lambeth"]
    headings = chrome.find_elements(By.CSS_SELECTOR, "th[data-sort]")
    assert [h.get_attribute("aria-sort") for h in headings][:2] == ["ascending", None]


def test_the_checks_find_what_they_look_for(chromium, tmp_path):
    """A page with a picture without alt text, a dead link, a missing anchor, and a request to a server."""
    (tmp_path / "here.csv").write_text("a\n1\n")
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body><main>'
                    '<img src="data:image/png;base64,iVBORw0KGgo="><a href="here.csv">here</a>'
                    '<a href="gone.csv">gone</a><a href="#nowhere">nowhere</a>'
                    '<img src="http://127.0.0.1:9/chart.png" alt="chart"></main></body></html>', encoding="utf-8")
    open_page(chromium, page)
    assert "image-alt" in [v["id"] for v in axe_results(chromium)["violations"]]
    assert [b.split(": ")[1] for b in broken_links(chromium, page)] == ["no such file", "no element with that id"]
    assert "http://127.0.0.1:9/chart.png" in requests_made(chromium)
