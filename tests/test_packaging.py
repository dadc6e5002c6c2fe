"""The installed package: one namespace, usable from a wheel outside the repository.

Builds a real (non-editable) wheel, installs it into a fresh virtualenv in a temporary folder
and runs the CLI from there. Third-party dependencies come from this test environment (a ``.pth``
line), so the test costs seconds, not a full dependency install; linkgraph itself comes only
from the wheel.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv outside the repository with the linkgraph wheel installed; its bin dir."""
    root = tmp_path_factory.mktemp("wheel-install")
    wheels = root / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(REPO)],
        check=True,
        capture_output=True,
        cwd=root,
    )
    env_dir = root / "venv"
    venv.create(env_dir, with_pip=False)
    py = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # dependencies from this environment, appended after the new venv's own site-packages
    Path(site, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next(wheels.glob("linkgraph-*.whl"))
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", site, str(wheel)],
        check=True,
        capture_output=True,
    )
    return env_dir / "bin"


def _run(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / "python"), "-m", "linkgraph.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=_clean_env(),
    )


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINKGRAPH_", "NEO4J_", "PYTHON"))}
    env["HOME"] = env.get("HOME", "/tmp")
    return env


def test_only_the_linkgraph_namespace_is_installed(installed: Path, tmp_path: Path) -> None:
    py = str(installed / "python")
    where = subprocess.run(
        [
            py,
            "-c",
            "import linkgraph, linkgraph.loaders, linkgraph.app, linkgraph.queries; print(linkgraph.__file__)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env=_clean_env(),
    ).stdout
    assert str(REPO) not in where, "linkgraph was imported from the repository, not the wheel"
    for top_level in ("app", "queries", "loaders"):
        r = subprocess.run(
            [py, "-c", f"import {top_level}"], cwd=tmp_path, capture_output=True, env=_clean_env()
        )
        assert r.returncode != 0, f"`import {top_level}` must fail: only linkgraph is installed"


def test_cli_runs_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    export, db = tmp_path / "export", tmp_path / "store.duckdb"
    steps = [
        ("generate", str(export), "--accounts", "1500", "--seed", "3"),
        ("load", str(export), "--db", str(db)),
        ("detect", "--db", str(db)),
        ("query", "search", "-p", "term=acc", "--db", str(db)),
        ("export", "--format", "csv", "--all", "--out", str(tmp_path / "list.csv"), "--db", str(db)),
    ]
    for args in steps:
        r = _run(installed, tmp_path, *args)
        assert r.returncode == 0, f"{args[0]} failed: {r.stderr[-800:]}"
    header = (tmp_path / "list.csv").read_text().splitlines()[0]
    assert "account_id" in header


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _wait_healthy(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def test_app_ships_its_settings_and_stops_with_sigterm(installed: Path, tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    port = _free_port()
    cmd = [
        str(installed / "python"),
        "-m",
        "linkgraph.cli",
        "app",
        "--headless",
        "--port",
        str(port),
        "--db",
        str(db),
    ]
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, env=_clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        assert _wait_healthy(port, 60), "the app server did not come up"
        (server,) = _children(proc.pid)
        argv = Path(f"/proc/{server}/cmdline").read_bytes().split(b"\0")
        for flag in (b"--browser.gatherUsageStats", b"--client.showErrorDetails", b"--client.toolbarMode"):
            assert flag in argv, f"{flag!r} not passed to Streamlit"
        assert argv[argv.index(b"--client.showErrorDetails") + 1] == b"none"
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
        deadline = time.monotonic() + 15
        while Path(f"/proc/{server}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not Path(f"/proc/{server}").exists(), "the Streamlit server outlived linkgraph app"
        with socket.socket() as s:
            # as a new server would: connections of the old one may linger in TIME_WAIT
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
            s.listen()  # nobody listens there any more
    finally:
        if proc.poll() is None:
            proc.kill()
