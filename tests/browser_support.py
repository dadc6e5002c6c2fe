"""The app served as `linkgraph app` serves it, for the browser tests (one helper for all)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from linkgraph.app.launch import streamlit_command

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def app_server(root: Path, env_extra: dict[str, str]) -> Iterator[str]:
    """Serve the app on a free loopback port with ``env_extra`` (e.g. LINKGRAPH_DB); yields its URL.

    Started with the shipped Streamlit settings (no Deploy button, no tracebacks); the server's
    log is kept in ``root/streamlit.log`` and quoted when it does not come up.
    """
    port = free_port()
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", **env_extra)
    for name in ("NEO4J_URI", "LINKGRAPH_APP_PASSWORD"):
        if name not in env_extra:
            env.pop(name, None)
    log_path = root / "streamlit.log"
    cmd = streamlit_command(
        {"server.port": str(port), "server.address": "127.0.0.1", "server.headless": "true"}
    )
    with log_path.open("w") as log:
        proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, proc, log_path)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log_path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:  # noqa: S310 - local
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("streamlit did not start: " + log_path.read_text()[-2000:])
        time.sleep(0.3)


CHROMIUM = "/usr/bin/chromium"


def screenshots_dir(tmp_path_factory: Any, name: str) -> Path:
    """Where a browser test writes its screenshots: $LINKGRAPH_SCREENSHOTS, else a temp folder."""
    target = os.environ.get("LINKGRAPH_SCREENSHOTS")
    out = Path(target) if target else Path(tmp_path_factory.mktemp(name))
    out.mkdir(parents=True, exist_ok=True)
    return out


@contextlib.contextmanager
def chromium_browser(args: list[str]) -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (no browser download), closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        try:
            yield browser
        finally:
            browser.close()


# How many of a page's canvases have any painted pixel (a graph drawn, not an empty frame).
CANVAS_DRAWN = """() => {
  const canvases = Array.from(document.querySelectorAll('canvas'));
  let painted = 0;
  for (const c of canvases) {
    if (!c.width || !c.height) continue;
    const ctx = c.getContext('2d');
    if (!ctx) continue;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4 * 97) { if (d[i] !== 0) { painted++; break; } }
  }
  return {canvases: canvases.length, painted: painted};
}"""


def wait_for_painted_graph(page: Any, frame_el: Any, seconds: float = 30) -> dict[str, int]:
    """Wait until the graph component in ``frame_el`` (an iframe locator) has painted its canvas.

    The component draws asynchronously after Streamlit shows the page around it, so a screenshot
    taken as soon as the text appears shows an empty frame; returns the last canvas count.
    """
    frame_el.wait_for(timeout=seconds * 1000)
    frame_el.scroll_into_view_if_needed()
    frame_el.content_frame.locator("canvas").first.wait_for(state="attached", timeout=seconds * 1000)
    frame = frame_el.element_handle().content_frame()
    assert frame is not None
    deadline = time.monotonic() + seconds
    while True:
        drawn = frame.evaluate(CANVAS_DRAWN)
        if drawn["painted"] > 0 or time.monotonic() > deadline:
            return dict(drawn)
        page.wait_for_timeout(250)
