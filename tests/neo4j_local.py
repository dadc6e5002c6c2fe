"""A real Neo4j 5 server with the open Graph Data Science plugin, on loopback, without Docker.

``neo4j-server/pom.xml`` pins Neo4j community and GDS; Maven resolves them into a cache outside
the clone (``~/.cache/linkgraph/neo4j``, or ``$LINKGRAPH_NEO4J_CACHE``), keyed by a hash of the
pom and ``neo4j-server/Launcher.java``, so a second run starts in seconds with no download.
``Launcher`` runs the DBMS in one JVM with Bolt on 127.0.0.1 and prints ``READY``.

Used by the test fixtures (``tests/conftest.py``), ``make neo4j`` (``python -m tests.neo4j_local
run``) and ``bench/bench_neo4j_load.py``. Anything that goes wrong raises ``Neo4jUnavailable``
with a one-line reason: a missing server fails a test run, it never skips it.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SERVER_SRC = REPO / "neo4j-server"
HEAP = os.environ.get("LINKGRAPH_NEO4J_HEAP", "2g")
JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
]


# Class-data sharing: the first clean stop writes the loaded classes to an archive in the build
# directory; later JVMs map it instead of parsing ~300 jars again (about halves the start).
ARCHIVE = "neo4j.jsa"


class Neo4jUnavailable(RuntimeError):
    """The local Neo4j could not be fetched or started (the message is one line)."""


def cache_root() -> Path:
    return Path(os.environ.get("LINKGRAPH_NEO4J_CACHE", "~/.cache/linkgraph/neo4j")).expanduser()


def _build_key() -> str:
    h = hashlib.sha256()
    for name in ("pom.xml", "Launcher.java"):
        h.update((SERVER_SRC / name).read_bytes())
    return h.hexdigest()[:16]


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    errors = [ln for ln in lines if "ERROR" in ln or "rror:" in ln]
    return (errors or lines or ["(no output)"])[0 if errors else -1][:300]


def _run_tool(cmd: list[str], what: str, log: Path) -> None:
    if shutil.which(cmd[0]) is None:
        raise Neo4jUnavailable(f"{what}: `{cmd[0]}` is not installed (Java 17 and Maven are needed)")
    with open(log, "w", encoding="utf-8") as out:
        rc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=False).returncode
    if rc:
        raise Neo4jUnavailable(f"{what} failed (exit {rc}, log {log}): {_last_line(log.read_text())}")


def install() -> Path:
    """Resolve the pinned jars and compile the launcher once; returns the build directory."""
    root = cache_root()
    build = root / _build_key()
    if (build / ".ready").exists():
        return build
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test runs installing at once share one download
        if (build / ".ready").exists():
            return build
        shutil.rmtree(build, ignore_errors=True)
        (build / "classes").mkdir(parents=True)
        _run_tool(
            [
                "mvn", "-B", "-q", f"-Dmaven.repo.local={root / 'm2'}",
                "-f", str(SERVER_SRC / "pom.xml"), "dependency:copy-dependencies",
                f"-DoutputDirectory={build / 'lib'}", "-Dmdep.prependGroupId=true",
            ],
            "fetching Neo4j and GDS with Maven",
            build / "mvn.log",
        )  # fmt: skip
        _run_tool(
            ["javac", "-cp", str(build / "lib" / "*"), "-d", str(build / "classes"),
             str(SERVER_SRC / "Launcher.java")],
            "compiling neo4j-server/Launcher.java",
            build / "javac.log",
        )  # fmt: skip
        # a jar, not a class directory: class-data sharing refuses non-empty directories
        _run_tool(
            ["jar", "cf", str(build / "launcher.jar"), "-C", str(build / "classes"), "."],
            "packaging the launcher",
            build / "jar.log",
        )
        # Neo4j registers procedures from the jars in its plugin directory and scans every class
        # there, so only the GDS jars that declare procedures or functions are linked in; the
        # rest of GDS (and its extension, which procedures inject) is on the class path.
        plugins = build / "plugins"
        plugins.mkdir()
        for jar in sorted((build / "lib").glob("org.neo4j.gds.*.jar")):
            if _declares_procedures(jar):
                (plugins / jar.name).symlink_to(jar)
        if not any(plugins.iterdir()):
            raise Neo4jUnavailable(f"no GDS jars among the fetched ones in {build / 'lib'}")
        (build / ".ready").touch()
    return build


def _declares_procedures(jar: Path) -> bool:
    with zipfile.ZipFile(jar) as z:
        return any(n.startswith("META-INF/services/org.neo4j.procedure.") for n in z.namelist())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LocalNeo4j:
    """A running local server; ``stop()`` ends it (also when used as a context manager)."""

    uri: str
    user: str
    password: str
    home: Path
    proc: subprocess.Popen[bytes] = field(repr=False)
    new_archive: Path | None = None  # class-data archive this JVM writes at exit, kept for the next start

    @property
    def log(self) -> Path:
        return self.home / "launcher.log"

    def stop(self, timeout: float = 30.0) -> None:
        if self.proc.poll() is not None:
            return
        if self.new_archive is not None:
            timeout = max(timeout, 240.0)  # dumping the class archive takes a while once
        with contextlib.suppress(OSError):
            if self.proc.stdin:
                self.proc.stdin.close()  # --watch-stdin: a clean shutdown
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if self.new_archive is not None and self.new_archive.exists():
            if self.proc.returncode == 0:
                os.replace(self.new_archive, self.new_archive.parent / ARCHIVE)
            else:
                self.new_archive.unlink()

    def __enter__(self) -> LocalNeo4j:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _write_conf(home: Path, build: Path, port: int, auth: bool) -> Path:
    conf = home / "neo4j.conf"
    conf.write_text(
        "\n".join(
            [
                f"server.directories.plugins={build / 'plugins'}",
                "dbms.security.procedures.unrestricted=gds.*",
                "server.bolt.enabled=true",
                f"server.bolt.listen_address=127.0.0.1:{port}",
                f"server.bolt.advertised_address=127.0.0.1:{port}",
                "server.http.enabled=false",
                "server.https.enabled=false",
                f"dbms.security.auth_enabled={'true' if auth else 'false'}",
                "server.memory.pagecache.size=256m",
                "db.tx_log.rotation.retention_policy=2 files",
                "dbms.usage_report.enabled=false",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return conf


def start(
    home: Path,
    *,
    port: int | None = None,
    user: str = "neo4j",
    password: str | None = None,
    heap: str = HEAP,
    timeout: float = 600.0,
) -> LocalNeo4j:
    """Start the server with its data in ``home``; returns once Bolt answers (or raises)."""
    build = install()
    home.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    password = password if password is not None else secrets.token_hex(12)
    conf = _write_conf(home, build, port, auth=bool(password))
    env = {**os.environ, "NEO4J_USER": user, "NEO4J_PASSWORD": password}
    archive, new_archive = build / ARCHIVE, None
    if archive.exists():
        cds = [f"-XX:SharedArchiveFile={archive}"]
    else:
        new_archive = build / f"{ARCHIVE}.{os.getpid()}.{port}"
        cds = [f"-XX:ArchiveClassesAtExit={new_archive}"]
    cmd = [
        "java", f"-Xmx{heap}", "-Xms256m", *JVM_FLAGS, *cds,
        "-cp", f"{build / 'launcher.jar'}:{build / 'lib' / '*'}",
        "Launcher", str(home), str(conf), "--watch-stdin",
    ]  # fmt: skip
    log = home / "launcher.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = LocalNeo4j(f"bolt://127.0.0.1:{port}", user, password, home, proc, new_archive)
    deadline = time.monotonic() + timeout
    while "READY" not in log.read_text(errors="replace"):
        if proc.poll() is not None:
            raise Neo4jUnavailable(
                f"Neo4j exited with {proc.returncode} while starting (log {log}): "
                f"{_last_line(log.read_text(errors='replace'))}"
            )
        if time.monotonic() > deadline:
            server.stop(timeout=5)
            raise Neo4jUnavailable(f"Neo4j did not start within {timeout:.0f}s (log {log})")
        time.sleep(0.2)
    return server


@contextlib.contextmanager
def running(**kw: object) -> Iterator[LocalNeo4j]:
    """A server on a fresh temporary data directory, stopped and deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="linkgraph-neo4j-") as tmp:
        server = start(Path(tmp), **kw)  # type: ignore[arg-type]
        try:
            yield server
        finally:
            server.stop()


def _serve(home: Path) -> int:
    """``make neo4j``: start on 127.0.0.1:7687 (or $NEO4J_PORT) and wait for Ctrl-C."""
    user = os.environ.get("NEO4J_USER") or "neo4j"
    password = os.environ.get("NEO4J_PASSWORD") or ""
    if password and len(password) < 8:
        raise Neo4jUnavailable("NEO4J_PASSWORD must have at least 8 characters (Neo4j's rule)")
    port = int(os.environ.get("NEO4J_PORT", "7687"))
    server = start(home, port=port, user=user, password=password or "")
    print(f"Neo4j {server.uri} is up (data in {home}, log {server.log})")
    if password:
        print(f"credentials: NEO4J_USER={user} and the NEO4J_PASSWORD from your environment")
    else:
        print("no NEO4J_PASSWORD set: authentication is off (loopback only)")
    print(f"try it:  NEO4J_URI={server.uri} .venv/bin/linkgraph demo --accounts 20000   (Ctrl-C stops)")
    signal.signal(signal.SIGTERM, lambda *_: server.stop())
    try:
        server.proc.wait()
    except KeyboardInterrupt:
        server.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=["fetch", "run"], help="fetch: resolve and build; run: serve")
    ap.add_argument("--home", type=Path, default=cache_root() / "data", help="data directory for run")
    args = ap.parse_args(argv)
    try:
        if args.command == "fetch":
            print(f"Neo4j server ready in {install()}")
            return 0
        return _serve(args.home)
    except Neo4jUnavailable as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
