"""Page times in a real browser: a running Streamlit server, Debian's Chromium via Playwright.

A page's time is from navigation (or, for the account page, from entering an account id) to the
moment Streamlit has finished the script run and the page's content is on screen. Every visit
is a new browser context, i.e. a new Streamlit session; the server keeps running between
visits. Each page is visited twice: the first visit also pays the server's data caches for that
page (as the first analyst after a load/detect does), the second is a new session on a warm
server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linkgraph.app.launch import streamlit_command

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run"]
REPO = Path(__file__).resolve().parent.parent
RUNNING = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


@dataclass
class Visit:
    page: str
    first: float  # first visit: new session, the server's caches cold for this page
    again: float  # second visit: new session, warm server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def streamlit_server(db: str, log: Path) -> Iterator[str]:
    """``streamlit run`` the app on ``db``; yields its URL once it answers its health check."""
    port = _free_port()
    env = dict(os.environ, LINKGRAPH_DB=db, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    env.pop("LINKGRAPH_APP_PASSWORD", None)
    # as `linkgraph app` starts it, with the shipped Streamlit settings
    cmd = streamlit_command(
        {"server.port": str(port), "server.address": "127.0.0.1", "server.headless": "true"}
    )
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, proc)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _wait_healthy(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:  # noqa: S310 - local
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not start")


def _settled(page: Any, heading: str) -> None:
    """The page's heading is there and Streamlit has finished the run (its status widget gone)."""
    page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=120_000)
    page.wait_for_timeout(100)  # the status widget appears a moment after the first paint
    page.wait_for_function(RUNNING, timeout=120_000)


def _timed(browser: Any, action: Callable[[Any], float]) -> float:
    """The visit's time, or infinity when the page did not finish within the wait (reported)."""
    from playwright.sync_api import TimeoutError as PageTimeout

    context = browser.new_context(viewport={"width": 1500, "height": 1800})
    try:
        return action(context.new_page())
    except PageTimeout:
        return float("inf")
    finally:
        context.close()


def _goto(url: str, heading: str, wait_for: str | None = None) -> Callable[[Any], float]:
    def run(page: Any) -> float:
        t = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded")
        _settled(page, heading)
        if wait_for:
            page.get_by_text(wait_for).first.wait_for(timeout=120_000)
        return time.perf_counter() - t

    return run


def _account(url: str, account_id: str) -> Callable[[Any], float]:
    def run(page: Any) -> float:
        page.goto(f"{url}/account", wait_until="domcontentloaded")
        _settled(page, "Account")
        box = page.get_by_label("Account id")
        t = time.perf_counter()
        box.fill(account_id)
        box.press("Enter")
        page.get_by_role("heading", name="Neighbourhood").wait_for(timeout=120_000)
        page.wait_for_timeout(100)
        page.wait_for_function(RUNNING, timeout=120_000)
        return time.perf_counter() - t

    return run


def visit_pages(url: str, top: str, largest: str, account_id: str) -> list[Visit]:
    from playwright.sync_api import sync_playwright

    pages: list[tuple[str, Callable[[Any], float]]] = [
        # reference: a page that reads almost nothing (the session start and Streamlit's own cost)
        ("account, no id (floor)", _goto(f"{url}/account", "Account")),
        ("campaigns", _goto(url, "Campaigns", "Campaigns shown")),
        (f"campaign {top} (top)", _goto(f"{url}/campaign?cluster={top}", "Campaign detail")),
        (f"campaign {largest} (largest)", _goto(f"{url}/campaign?cluster={largest}", "Campaign detail")),
        (f"account {account_id}", _account(url, account_id)),
        ("decisions", _goto(f"{url}/decisions", "Decisions")),
        ("load & export", _goto(f"{url}/load_export", "Load & export")),
    ]
    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            for name, action in pages:
                first = _timed(browser, action)
                again = _timed(browser, action)
                out.append(Visit(name, first, again))
                print(f"  {name:<34} first visit {first:5.2f}s, new session {again:5.2f}s", flush=True)
        finally:
            browser.close()
    return out
