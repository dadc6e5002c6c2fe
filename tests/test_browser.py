"""The app in a real browser: Streamlit server + Debian's Chromium driven by Playwright.

AppTest cannot render components, so this is where the cytoscape graph is checked: the test
opens the campaigns page, opens the top campaign and waits until the graph component has drawn
non-blank pixels into its ``<canvas>``. The component ships its JavaScript, and Chromium runs
with background networking off, so a graph that needed a CDN would fail here.

Screenshots of every page go to ``$LINKGRAPH_SCREENSHOTS`` (``docs/screenshots`` when
regenerating the docs) or the test's temp dir.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_support import (
    CHROMIUM,
    app_server,
    chromium_browser,
    screenshots_dir,
    wait_for_painted_graph,
)
from tests.test_app_support import copy_store

REPO = Path(__file__).resolve().parent.parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing: apt-get install -y chromium"
    ),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    db = copy_store(root, root / "store.duckdb")
    with app_server(root, {"LINKGRAPH_DB": str(db)}) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return screenshots_dir(tmp_path_factory, "screenshots")


@pytest.fixture(scope="module")
def browser():
    with chromium_browser(ARGS) as b:
        yield b


SCROLL_TOP = """() => { for (const el of document.querySelectorAll('[data-testid="stMain"], section.main, html'))
  el.scrollTo(0, 0); }"""


def _settle(page) -> None:
    """Wait until Streamlit has finished the script run (no 'Running…' status)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )


def test_campaigns_to_campaign_graph_in_chromium(server, browser, shots):
    page = browser.new_page(viewport={"width": 1500, "height": 2400})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Campaigns", exact=True).wait_for(timeout=60_000)
    page.get_by_text("Campaigns shown").wait_for()
    _settle(page)
    # the shipped settings apply: a minimal toolbar, no Deploy button
    assert page.get_by_text("Deploy", exact=True).count() == 0
    page.screenshot(path=str(shots / "campaigns.png"), full_page=True)

    page.get_by_role("button", name="Open campaign").click()
    page.get_by_role("heading", name="Campaign detail", exact=True).wait_for(timeout=30_000)
    _settle(page)
    frame_el = page.locator("iframe[title*='st_link_analysis']").first
    drawn = wait_for_painted_graph(page, frame_el)
    assert drawn["canvases"] >= 1 and drawn["painted"] >= 1, drawn
    page.wait_for_timeout(800)  # let the layout finish before the picture
    frame_el.screenshot(path=str(shots / "campaign_graph.png"))
    page.evaluate(SCROLL_TOP)
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "campaign.png"), full_page=True)

    page.get_by_role("button", name="Open account").click()
    page.get_by_role("heading", name="Account", exact=True).wait_for(timeout=30_000)
    _settle(page)
    acc_frame = page.locator("iframe[title*='st_link_analysis']").first
    acc_frame.wait_for(timeout=30_000)
    acc_frame.content_frame.locator("canvas").first.wait_for(state="attached", timeout=30_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(shots / "account.png"), full_page=True)

    for link, heading, name in (
        ("Decisions", "Decisions", "decisions.png"),
        ("Load & export", "Load & export", "load_export.png"),
    ):
        page.get_by_role("link", name=link).click()
        page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=30_000)
        _settle(page)
        page.screenshot(path=str(shots / name), full_page=True)
    assert not errors, errors
    page.close()
