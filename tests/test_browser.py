"""The app in a real browser: Playwright drives Debian's Chromium against `streamlit run` on loopback.

Every page loads without an exception box and draws its charts; a filter click and a drill-down work; a workbook
uploaded through the Import page lands as a snapshot. Without /usr/bin/chromium these tests skip with the reason,
except under CI (CI=true), where a missing browser is a failure: .ci/run installs it.
`PMO_UPDATE_SCREENSHOT=1` writes the overview screenshot the README shows (docs/overview.png).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from workbooks import dutch_register

from pmo_analytics.store import Store

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOAD_TIMEOUT_MS = 120_000
SERVER_DB: dict[str, Path] = {}  # base URL -> the database that server uses

PAGES = [  # (url path, a text the page shows, charts expected at least)
    ("", "Portfolio overview", 3),
    ("schedule", "Schedule", 1),
    ("budget", "Budget", 1),
    ("risks", "Risks", 1),
    ("resources", "Resources", 1),
    ("report", "Management report", 0),
    ("data_import", "Import", 0),
    ("history", "Import history", 0),
    ("data", "Snapshot data", 0),
]


def _need_browser() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "playwright is not installed (pip install -r requirements.txt)"
    else:
        if CHROMIUM.exists():
            return
        reason = f"no Chromium at {CHROMIUM} (apt-get install -y --no-install-recommends chromium fonts-liberation)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    """`streamlit run app.py` on a private copy of the demo database; yields its base URL."""
    _need_browser()
    db = tmp_path_factory.mktemp("browser") / "pmo.duckdb"
    db.write_bytes(demo_db.read_bytes())
    port = _free_port()
    log = open(tmp_path_factory.mktemp("log") / "streamlit.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env={**os.environ, "PMO_DB": str(db)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    SERVER_DB[url] = db
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("streamlit did not start within 60 s")
    yield url
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    tab = context.new_page()
    yield tab
    context.close()


def _open(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=LOAD_TIMEOUT_MS)
    # Streamlit is done when its status widget stops showing "Running".
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=LOAD_TIMEOUT_MS)


def _no_exception(page) -> None:
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, boxes.first.inner_text()


def test_a_deep_link_as_the_first_request_opens_its_page(page, server):
    """The server's very first request is a mailed project link: the router (app.py) must still run."""
    _open(page, f"{server}/project?project=1005")
    _no_exception(page)
    assert "Vervanging financieel systeem" in page.locator('[data-testid="stMain"]').inner_text()

    assert "Overview" in page.locator('[data-testid="stSidebarNav"]').inner_text()


@pytest.mark.parametrize(("path", "text", "charts"), PAGES)
def test_every_page_loads_and_draws(page, server, path, text, charts):
    _open(page, f"{server}/{path}")
    _no_exception(page)
    assert text in page.locator('[data-testid="stMain"] h1').first.inner_text()
    if charts:
        page.wait_for_function(
            f"document.querySelectorAll('[data-testid=\"stPlotlyChart\"]').length >= {charts}", timeout=LOAD_TIMEOUT_MS
        )
        containers = page.locator('[data-testid="stPlotlyChart"]')
        for container in containers.all():  # charts below the fold draw when scrolled to
            if not container.is_visible():  # in a tab not shown
                continue
            container.scroll_into_view_if_needed()
            container.locator(".main-svg").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    if path == "" and os.environ.get("PMO_UPDATE_SCREENSHOT") == "1":
        page.locator('[data-testid="stMain"] h1').first.scroll_into_view_if_needed()
        page.wait_for_timeout(1500)
        page.screenshot(path=str(ROOT / "docs" / "overview.png"))


def _metric(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]', has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def test_a_filter_click_changes_the_overview_and_the_url(page, server):
    _open(page, server)
    assert _metric(page, "Projects") == "40"
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
    page.get_by_role("option", name="Bedrijfsvoering").click()
    page.keyboard.press("Escape")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stMetric\"]')].some("
        "m => m.innerText.startsWith('Projects') && m.innerText.includes('10'))",
        timeout=LOAD_TIMEOUT_MS,
    )
    assert "portfolio=Bedrijfsvoering" in page.url
    # The filtered view can be mailed: opening its URL shows the same figure.
    _open(page, page.url)
    assert _metric(page, "Projects") == "10"


def test_a_mailed_link_opens_its_snapshot(page, server):
    import datetime as dt

    march = Store(SERVER_DB[server]).load_table("projects", dt.date(2026, 3, 31))
    _open(page, f"{server}/?as_of=2026-03-31&portfolio=Bedrijfsvoering")
    expected = int((march["portfolio"] == "Bedrijfsvoering").sum())
    page.wait_for_function(
        "n => [...document.querySelectorAll('[data-testid=\"stMetric\"]')].some(m => m.innerText.startsWith('Projects')"
        " && m.querySelector('[data-testid=\"stMetricValue\"]').innerText.trim() === String(n))",
        arg=expected,
        timeout=LOAD_TIMEOUT_MS,
    )
    assert "as_of=2026-03-31" in page.url


def test_upload_a_workbook_end_to_end(page, server, tmp_path):
    workbook = dutch_register(tmp_path / "projectenregister.xlsx")
    _open(page, f"{server}/data_import")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(workbook))
    page.get_by_role("button", name="Check the files").click(timeout=LOAD_TIMEOUT_MS)
    page.get_by_text("Rows read").first.wait_for(timeout=LOAD_TIMEOUT_MS)
    _no_exception(page)
    assert _metric(page, "Rows read") == "5"
    assert _metric(page, "Rejected") == "2"
    page.get_by_role("button", name="Publish as the snapshot of").click()
    page.get_by_text("Published as import 13").wait_for(timeout=LOAD_TIMEOUT_MS)
    store = Store(SERVER_DB[server])
    newest = store.list_imports().iloc[0]
    assert newest["import_id"] == 13
    assert len(store.load_rejected(13)) == 2
    _open(page, f"{server}/history")
    # The History page opens on the newest import.
    combobox = page.locator('[data-testid="stSelectbox"] input[role="combobox"]').first
    combobox.wait_for(timeout=LOAD_TIMEOUT_MS)
    assert combobox.input_value().startswith("import 13: as of")
