"""A headless Chromium for the browser tests, driven through selenium; the tests skip without it.

The browser and its driver are the system's (Debian: ``apt-get install chromium chromium-driver``), found
on PATH or named by $BOARDPACK_CHROMIUM and $BOARDPACK_CHROMEDRIVER. Both paths are given to selenium, so
it looks nothing up on the network. Where $BOARDPACK_REQUIRE_BROWSER is set, a missing browser fails the
tests instead of skipping them. Chromium starts with its background services off, so any request the
performance log records was made by the page itself.
"""

from __future__ import annotations

import os
import shutil

import pytest

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--window-size=1280,1024")


def _browser_paths() -> tuple[str | None, str | None]:
    browser = os.environ.get("BOARDPACK_CHROMIUM") or next(filter(None, map(shutil.which, BROWSERS)), None)
    driver = os.environ.get("BOARDPACK_CHROMEDRIVER") or shutil.which("chromedriver")
    return browser, driver


def start_chromium(user_data_dir, scripts: bool = True):
    """A new headless Chromium; ``scripts=False`` starts it with JavaScript off for the pages it opens."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    browser, driver = _browser_paths()
    options = Options()
    options.binary_location = browser
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={user_data_dir}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    if not scripts:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    chrome.set_script_timeout(300)
    return chrome


def _require_browser() -> None:
    """Skip, in one line that says what is missing, where there is no browser to drive; fail instead
    where $BOARDPACK_REQUIRE_BROWSER is set (CI sets it once it has installed the browser)."""
    browser, driver = _browser_paths()
    missing = None if browser and driver else \
        "no chromium and chromedriver on PATH (Debian: apt-get install chromium chromium-driver)"
    if os.environ.get("BOARDPACK_REQUIRE_BROWSER") and missing:
        pytest.fail(f"BOARDPACK_REQUIRE_BROWSER is set, but there is {missing}")
    if missing:
        pytest.skip(missing)


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """A headless Chromium for one test module, quit (its driver process reaped) at the module's end, so no
    later test finds a child process of the test run it did not start."""
    _require_browser()
    chrome = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield chrome
    chrome.quit()


@pytest.fixture
def chromium_without_scripts(tmp_path_factory):
    """A headless Chromium with JavaScript off, for one test."""
    _require_browser()
    chrome = start_chromium(tmp_path_factory.mktemp("chromium-no-scripts"), scripts=False)
    yield chrome
    chrome.quit()
