"""Shared fixtures: fresh and existing stores, and the real Neo4j 5 server for the Neo4j tests.

Every test that uses ``neo4j_server`` (directly or through ``neo4j_store`` / ``neo4j_driver``)
is marked ``neo4j`` and runs against a real Neo4j 5 with the Graph Data Science plugin:

- with ``NEO4J_URI`` set, that server (it is wiped, so it must be empty or
  ``LINKGRAPH_TEST_NEO4J_WIPE=1`` must say it is disposable);
- otherwise one local server for the whole session (``tests/neo4j_local.py``: pinned jars from
  Maven Central, cached outside the clone, Bolt on 127.0.0.1), stopped at the end.

A server that cannot be fetched or started fails those tests with a one-line reason; they never
skip. During a ``neo4j`` test ``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD`` point at the
server, so CLI subprocesses and the app reach it the way a user's shell would.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from linkgraph.store.neo4j import Neo4jStore
from tests import neo4j_local

# Tests never read a developer's store settings by accident; the Neo4j ones are captured once.
for var in ("LINKGRAPH_DB",):
    os.environ.pop(var, None)
_EXTERNAL = {
    v: os.environ.pop(v, None) for v in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")
}
WIPE_ENV = "LINKGRAPH_TEST_NEO4J_WIPE"


@pytest.fixture
def db_path(tmp_path):
    """Path of a not-yet-created embedded store."""
    return tmp_path / "store.duckdb"


@pytest.fixture(scope="session")
def prepared_root(tmp_path_factory):
    """Where the app tests' generated, loaded and detected store is built once per session."""
    return tmp_path_factory.mktemp("prepared")


@pytest.fixture
def detected_store(prepared_root, tmp_path):
    """A private copy of a detected 3k-account DuckDB store (``tests.test_app_support``)."""
    from linkgraph.store import open_store
    from tests.test_app_support import copy_store

    s = open_store(str(copy_store(prepared_root, tmp_path / "store.duckdb")))
    yield s
    s.close()


@dataclass
class Neo4jServer:
    """The session's Neo4j: where it is, how to log in, and the one driver the tests share."""

    uri: str
    user: str | None
    password: str | None
    driver: Any
    database: str | None = None

    def env(self) -> dict[str, str]:
        out = {"NEO4J_URI": self.uri}
        if self.user and self.password:
            out |= {"NEO4J_USER": self.user, "NEO4J_PASSWORD": self.password}
        if self.database:
            out["NEO4J_DATABASE"] = self.database
        return out

    def store(self, **kw: Any) -> Neo4jStore:
        """A store sharing the session's driver (so no test pays for a new connection pool)."""
        return Neo4jStore(self.uri, driver=self.driver, database=self.database, **kw)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "neo4j_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.neo4j)


def _connect(uri: str, user: str | None, password: str | None, database: str | None) -> Neo4jServer:
    import neo4j

    driver = neo4j.GraphDatabase.driver(uri, auth=(user, password) if user and password else None)
    try:
        driver.verify_connectivity()
    except Exception as e:  # noqa: BLE001 - any failure to connect is reported in one line
        driver.close()
        pytest.fail(f"cannot reach the Neo4j server at {uri}: {e}", pytrace=False)
    return Neo4jServer(uri, user, password, driver, database)


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer]:
    """The real Neo4j for this session (``NEO4J_URI``'s, or a local one started here)."""
    uri = _EXTERNAL["NEO4J_URI"]
    local: neo4j_local.LocalNeo4j | None = None
    if uri:
        server = _connect(
            uri, _EXTERNAL["NEO4J_USER"], _EXTERNAL["NEO4J_PASSWORD"], _EXTERNAL["NEO4J_DATABASE"]
        )
        if sum(server.store().counts().values()) and os.environ.get(WIPE_ENV) != "1":
            server.driver.close()
            pytest.fail(f"the database at NEO4J_URI is not empty; set {WIPE_ENV}=1 to let the tests wipe it")
    else:
        try:
            local = neo4j_local.start(tmp_path_factory.mktemp("neo4j"))
        except neo4j_local.Neo4jUnavailable as e:
            pytest.fail(f"local Neo4j: {e}", pytrace=False)
        server = _connect(local.uri, local.user, local.password, None)
    try:
        yield server
    finally:
        server.driver.close()
        if local is not None:
            local.stop()


@pytest.fixture(autouse=True)
def _neo4j_env(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point NEO4J_* at the session's server during Neo4j tests (and only then)."""
    if "neo4j_server" in request.fixturenames:
        server: Neo4jServer = request.getfixturevalue("neo4j_server")
        for key, value in server.env().items():
            monkeypatch.setenv(key, value)


@pytest.fixture
def neo4j_driver(neo4j_server: Neo4jServer) -> Any:
    return neo4j_server.driver


@pytest.fixture
def neo4j_store(neo4j_server: Neo4jServer) -> Iterator[Neo4jStore]:
    """A Neo4jStore on an empty graph, sharing the session's driver."""
    store = neo4j_server.store(batch_size=500)
    store.clear()
    yield store
    store.close()
