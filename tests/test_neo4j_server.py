"""Neo4j-only features on the real server: constraints, ``shortestPath``, temporal values and
Graph Data Science (see tests/conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa
import pytest

from linkgraph.errors import ConfigError
from linkgraph.store.neo4j import Neo4jStore
from tests.batches import make_batch
from tests.test_neo4j_store import small_export


@pytest.fixture
def store(neo4j_server, tmp_path) -> Neo4jStore:
    s = Neo4jStore(neo4j_server.uri, driver=neo4j_server.driver, database=neo4j_server.database)
    s.clear()
    s.apply_load(make_batch(tmp_path / "b", small_export()))
    return s


def test_detects_neo4j_and_creates_constraints(store: Neo4jStore) -> None:
    assert store.is_neo4j and store.max_param_bytes is None
    with store._driver.session(database=store.database) as s:
        names = {r["name"] for r in s.run("SHOW CONSTRAINTS YIELD name RETURN name")}
    assert {"account_key", "ip_address_key", "usage_key", "cluster_key", "write_lock_key"} <= names
    store._schema_ready = False
    store.ensure_schema()  # idempotent


def test_times_are_neo4j_temporal_values(store: Neo4jStore) -> None:
    """Ad-hoc Cypher sees dates: datetimes for timestamps, dates for days (not epoch numbers)."""
    import neo4j.time

    with store._driver.session(database=store.database) as s:
        acc = s.run("MATCH (a:Account {account_id: 'a1'}) RETURN a.created_at AS t").single()["t"]
        use = s.run("MATCH (u:Usage) RETURN u.day AS d LIMIT 1").single()["d"]
        seen = s.run("MATCH ()-[r:USED_IP]->() RETURN min(r.first_seen).year AS y").single()["y"]
        runs = s.run("MATCH (l:LoadRun) RETURN l.started_at AS t").single()["t"]
    assert isinstance(acc, neo4j.time.DateTime) and acc.to_native() == datetime(2025, 1, 1, tzinfo=UTC)
    assert isinstance(use, neo4j.time.Date)
    assert seen == 2025
    assert isinstance(runs, neo4j.time.DateTime)
    new = store.query("new_accounts_near_cluster", {"cluster_id": "nope", "since": "2025-01-01"})
    assert new.empty
    got = store.read_table("accounts").column("created_at").type
    assert str(got) == "timestamp[us, tz=UTC]"


def test_shortest_path_on_neo4j(store: Neo4jStore) -> None:
    p = store.query("shortest_path", {"a": "a1", "b": "a3"})
    assert p["node"].iloc[0] == "a1" and p["node"].iloc[-1] == "a3"
    assert p[p["label"] == "Account"]["node"].tolist() == ["a1", "a2", "a3"]
    assert store.query("shortest_path", {"a": "a1", "b": "a3", "max_hops": 1}).empty


def test_gds_communities_or_clear_error(store: Neo4jStore) -> None:
    links = pa.table({"a": ["a1", "a2"], "b": ["a2", "a3"], "weight": [5.0, 0.1]})
    try:
        version = store.gds_version()
    except ConfigError as e:
        message = str(e)
        assert "Graph Data Science" in message
        with pytest.raises(ConfigError):
            store.gds_communities(links, 1.0, 42)
        return
    assert version
    out = store.gds_communities(links, 1.0, 42)
    assert out.column_names == ["account_id", "community"]
    assert set(out.column("account_id").to_pylist()) == {"a1", "a2", "a3"}
    comps = store.gds_components(links)
    assert len(set(comps.column("community").to_pylist())) == 1
