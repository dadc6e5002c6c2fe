"""Start the Streamlit server for ``linkgraph app`` from wherever linkgraph is installed.

The app's Streamlit settings ship inside the package (``streamlit_config.toml``) and are passed
to ``streamlit run`` as flags, so they hold whatever directory the app is started from (Streamlit
itself only reads ``./.streamlit/config.toml`` of the working directory). The server runs as a
child process that is stopped when ``linkgraph app`` is stopped (Ctrl-C or SIGTERM), so it never
lingers holding the port.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path
from types import FrameType

STOP_GRACE_SECONDS = 10.0


def app_script() -> Path:
    """The Streamlit entry script inside the installed ``linkgraph.app`` package."""
    return Path(str(resources.files("linkgraph.app").joinpath("streamlit_app.py")))


def shipped_settings() -> dict[str, str]:
    """The packaged Streamlit settings as ``section.key -> value`` flags."""
    text = resources.files("linkgraph.app").joinpath("streamlit_config.toml").read_text("utf-8")
    flags: dict[str, str] = {}
    for section, values in tomllib.loads(text).items():
        for key, value in values.items():
            flags[f"{section}.{key}"] = str(value).lower() if isinstance(value, bool) else str(value)
    return flags


def streamlit_command(overrides: dict[str, str]) -> list[str]:
    """``python -m streamlit run <script>`` with the shipped settings, then ``overrides``.

    A setting also given as a ``STREAMLIT_<SECTION>_<KEY>`` environment variable is left to the
    environment (a flag would beat it), so operators keep Streamlit's usual override.
    """
    flags = shipped_settings()
    for name in list(flags):
        if _env_name(name) in os.environ:
            del flags[name]
    flags.update(overrides)
    cmd = [sys.executable, "-m", "streamlit", "run", str(app_script())]
    for name, value in flags.items():
        cmd += [f"--{name}", value]
    return cmd


def store_environment(location: str) -> dict[str, str]:
    """The environment the app reads its store from (``LINKGRAPH_DB`` or ``NEO4J_URI``)."""
    env = dict(os.environ)
    if "://" in location:
        env["NEO4J_URI"] = location
    else:
        env["LINKGRAPH_DB"] = str(Path(location).resolve())
        env.pop("NEO4J_URI", None)
    return env


def run_streamlit(location: str, overrides: dict[str, str]) -> int:
    """Run the server until it exits or we are stopped; returns its exit code."""
    # the command is this interpreter, Streamlit and our own flags: no shell, no user text
    child = subprocess.Popen(streamlit_command(overrides), env=store_environment(location))  # noqa: S603

    def stop(signum: int, _frame: FrameType | None) -> None:
        # only unwind here: the child is stopped below, once its wait() has let go
        raise _Stopped(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return child.wait()
    except KeyboardInterrupt:
        return 0
    except _Stopped as stopped:
        return 128 + stopped.signum
    finally:
        signal.signal(signal.SIGTERM, previous)
        _terminate(child)


class _Stopped(Exception):
    """``linkgraph app`` received SIGTERM."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _terminate(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def _env_name(flag: str) -> str:
    section, _, key = flag.partition(".")
    snake = "".join("_" + ch if ch.isupper() else ch for ch in key)
    return f"STREAMLIT_{section}_{snake}".upper()
