"""Neo4jStore on a real Neo4j 5 server (the session's, see tests/conftest.py).

Loads, batching, the write lock, detection results, decisions and the investigator queries, as
the CLI and the app use them; tests/test_neo4j_server.py covers constraints, paths and GDS.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime

import pandas as pd
import pyarrow as pa
import pytest

from linkgraph import schema
from linkgraph.errors import QueryError, StoreBusyError, StoreError
from linkgraph.model import RESULT_TABLES, Decision, DetectionResult
from linkgraph.store import open_store
from linkgraph.store.base import Store
from linkgraph.store.neo4j import Neo4jStore
from tests.batches import make_batch

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def ts(day: int, hour: int = 0) -> datetime:
    return T0.replace(day=day, hour=hour)


def small_export() -> dict[str, list[dict]]:
    """Three accounts: a1 and a2 share a card and an IP (proxy), a3 shares only a device with a2."""
    return {
        "accounts": [
            {
                "account_id": "a1",
                "created_at": ts(1),
                "email": "Alice@Example.com",
                "email_domain": "example.com",
                "country": "US",
                "org_verified": False,
                "status": "active",
            },
            {
                "account_id": "a2",
                "created_at": ts(2),
                "email": "bob@example.com",
                "email_domain": "example.com",
                "country": "GB",
                "status": "banned",
            },
            {
                "account_id": "a3",
                "created_at": ts(20),
                "email": "carol@mail.test",
                "email_domain": "mail.test",
            },
        ],
        "payment_methods": [{"payment_fingerprint": "fp1", "method_type": "card", "card_last4": "4242"}],
        "ip_addresses": [
            {"ip": "10.0.0.1", "version": 4, "subnet": "10.0.0.0/24", "proxy_provider": "ProxyCo"}
        ],
        "subnets": [{"subnet": "10.0.0.0/24", "version": 4}],
        "proxy_providers": [{"provider": "ProxyCo", "kind": "residential_proxy"}],
        "devices": [{"device_id": "d1"}],
        "email_domains": [{"domain": "example.com", "webmail": False}, {"domain": "mail.test"}],
        "paid_with": [
            {"account_id": "a1", "payment_fingerprint": "fp1", "added_at": ts(3)},
            {"account_id": "a2", "payment_fingerprint": "fp1", "added_at": ts(4)},
        ],
        "used_ip": [
            {
                "account_id": "a1",
                "ip": "10.0.0.1",
                "first_seen": ts(5),
                "last_seen": ts(6),
                "request_count": 7,
            },
            {"account_id": "a2", "ip": "10.0.0.1", "first_seen": ts(5, 3), "last_seen": ts(7)},
        ],
        "in_subnet": [{"ip": "10.0.0.1", "subnet": "10.0.0.0/24"}],
        "via_proxy": [{"ip": "10.0.0.1", "provider": "ProxyCo"}],
        "used_device": [
            {"account_id": "a2", "device_id": "d1", "first_seen": ts(8), "last_seen": ts(9)},
            {"account_id": "a3", "device_id": "d1", "first_seen": ts(21), "last_seen": ts(22)},
        ],
        "email_at": [
            {"account_id": "a1", "domain": "example.com"},
            {"account_id": "a2", "domain": "example.com"},
            {"account_id": "a3", "domain": "mail.test"},
        ],
        "usage": [
            {
                "account_id": "a1",
                "day": date(2025, 1, 5),
                "category": "coding",
                "requests": 10,
                "tokens": 100,
            },
            {"account_id": "a1", "day": date(2025, 1, 5), "category": "chat", "requests": 1},
            {
                "account_id": "a2",
                "day": date(2025, 1, 6),
                "category": "coding",
                "requests": 3,
                "flagged_jailbreak": 2,
            },
        ],
        "ip_intel": [
            {"network": "10.0.0.0/24", "provider": "ProxyCo", "kind": "residential_proxy", "asn": 64500}
        ],
    }


def detection_result() -> DetectionResult:
    clusters = pa.table(
        {
            "cluster_id": ["c-1", "c-2"],
            "score": [0.9, 0.2],
            "size": [2, 1],
            "evidence": ["shares 1 payment method", None],
            "features": [json.dumps({"payment": 1}), "{}"],
            "contributions": [json.dumps({"payment": 0.5}), "{}"],
            "first_signup": [ts(1), ts(20)],
            "last_signup": [ts(2), None],
            "payment_methods": [1, 0],
            "proxy_providers": ["ProxyCo", ""],
            "requests": [14, 0],
            "top_categories": ["coding,chat", ""],
            "view": ["leiden", "leiden"],
        },
        schema=pa.schema(list(RESULT_TABLES["clusters"].items())),
    )
    members = pa.table(
        {
            "cluster_id": ["c-1", "c-1", "c-2"],
            "account_id": ["a1", "a2", "a3"],
            "sub_cluster_id": ["c-1", "c-1", None],
            "attribution": [1.0, 0.5, None],
            "action": ["enforce", "linked_not_enforced", "not_flagged"],
            "reasons": ["shares fp1", "", None],
        },
        schema=pa.schema(list(RESULT_TABLES["members"].items())),
    )
    identifiers = pa.table(
        {
            "cluster_id": ["c-1", "c-1"],
            "id_type": ["payment", "ip"],
            "identifier": ["fp1", "10.0.0.1"],
            "members": [2, 2],
        }
    )
    links = pa.table(
        {"cluster_id": ["c-1"], "a": ["a1"], "b": ["a2"], "weight": [1.5], "evidence": [None]},
        schema=pa.schema(list(RESULT_TABLES["links"].items())),
    )
    return DetectionResult(
        params={"resolution": 0.01},
        clusters=clusters,
        members=members,
        identifiers=identifiers,
        links=links,
        stats={"clusters": 2},
    )


@pytest.fixture
def loaded(neo4j_store: Neo4jStore, tmp_path) -> Neo4jStore:
    neo4j_store.apply_load(make_batch(tmp_path / "b1", small_export()))
    return neo4j_store


def test_is_a_store(neo4j_store: Neo4jStore) -> None:
    assert isinstance(neo4j_store, Store)
    assert neo4j_store.backend == "neo4j"


def test_load_counts_and_readback(loaded: Neo4jStore) -> None:
    counts = loaded.counts()
    assert counts["Account"] == 3 and counts["PAID_WITH"] == 2 and counts["USED_IP"] == 2
    assert counts["usage"] == 3 and counts["ip_intel"] == 1 and counts["Subnet"] == 1
    assert set(counts) == {n.label for n in schema.NODES} | {r.type for r in schema.RELATIONSHIPS} | {
        "usage",
        "ip_intel",
    }
    export = small_export()
    for table in schema.LOAD_TABLES:
        got = loaded.read_table(table)
        assert got.schema == schema.table_schema(table), table
        want = pa.Table.from_pylist(export.get(table, []), schema=schema.table_schema(table))
        key = [(k, "ascending") for k in schema.table_key(table)]
        assert got.sort_by(key).to_pylist() == want.sort_by(key).to_pylist(), table


def test_read_table_columns_and_unknown(loaded: Neo4jStore) -> None:
    t = loaded.read_table("accounts", ["account_id", "created_at"])
    assert t.column_names == ["account_id", "created_at"]
    assert t.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    with pytest.raises(StoreError):
        loaded.read_table("accounts) DETACH DELETE n //")
    with pytest.raises(StoreError):
        loaded.read_table("accounts", ["email} RETURN 1 //"])


def test_reload_is_idempotent_and_merge_rules(loaded: Neo4jStore, tmp_path) -> None:
    before = {
        t: loaded.read_table(t).sort_by([(k, "ascending") for k in schema.table_key(t)])
        for t in schema.LOAD_TABLES
    }
    loaded.apply_load(make_batch(tmp_path / "again", small_export()))
    for t in schema.LOAD_TABLES:
        after = loaded.read_table(t).sort_by([(k, "ascending") for k in schema.table_key(t)])
        assert after.equals(before[t]), t
    # A later export: earlier sign-up (min wins), null email (old kept), new status (replace),
    # a later last_seen (max wins) and an earlier first_seen.
    later = {
        "accounts": [
            {"account_id": "a1", "created_at": ts(1).replace(year=2024), "email": None, "status": "suspended"}
        ],
        "used_ip": [
            {
                "account_id": "a1",
                "ip": "10.0.0.1",
                "first_seen": ts(4),
                "last_seen": ts(5),
                "request_count": None,
            }
        ],
    }
    loaded.apply_load(make_batch(tmp_path / "later", later, tag="later"))
    a1 = [r for r in loaded.read_table("accounts").to_pylist() if r["account_id"] == "a1"][0]
    assert a1["created_at"] == ts(1).replace(year=2024)
    assert a1["email"] == "Alice@Example.com"
    assert a1["status"] == "suspended"
    edge = [r for r in loaded.read_table("used_ip").to_pylist() if r["account_id"] == "a1"][0]
    assert edge["first_seen"] == ts(4) and edge["last_seen"] == ts(6) and edge["request_count"] == 7


def test_load_runs_and_find_load(neo4j_store: Neo4jStore, tmp_path) -> None:
    batch = make_batch(tmp_path / "b", small_export())
    assert neo4j_store.find_load(batch.fingerprint) is None
    v0 = neo4j_store.version()
    seen: list[tuple[int, int, str]] = []
    rec = neo4j_store.apply_load(batch, progress=lambda d, t, w: seen.append((d, t, w)))
    assert rec.load_id == 1 and rec.counts["accounts"] == 3
    assert seen[-1][0] == seen[-1][1] == sum(batch.counts.values())
    found = neo4j_store.find_load(batch.fingerprint)
    assert found is not None and found.load_id == 1 and found.files == batch.files
    assert found.started_at <= found.finished_at
    assert neo4j_store.version() != v0
    rec2 = neo4j_store.apply_load(make_batch(tmp_path / "c", small_export(), tag="other"))
    assert rec2.load_id == 2
    assert [r.load_id for r in neo4j_store.load_runs()] == [1, 2]


def test_batching_uses_one_transaction_per_batch(neo4j_server, tmp_path) -> None:
    batch_size = 5_000
    store = Neo4jStore(
        neo4j_server.uri, driver=neo4j_server.driver, database=neo4j_server.database, batch_size=batch_size
    )
    store.clear()
    n = 12_345
    rows = {"devices": [{"device_id": f"d{i:05d}"} for i in range(n)]}
    batch = make_batch(tmp_path / "big", rows)
    store.ensure_schema()
    before = store.transactions
    store.apply_load(batch)
    # lock acquire + create_load_run + one per batch + finish_load_run + lock release
    assert store.transactions - before == math.ceil(n / batch_size) + 4
    assert store.counts()["Device"] == n
    got = store.read_table("devices")
    assert got.num_rows == n and got.column("device_id").to_pylist() == sorted(
        r["device_id"] for r in rows["devices"]
    )


def test_write_lock_is_exclusive(neo4j_server) -> None:
    a = Neo4jStore(neo4j_server.uri, driver=neo4j_server.driver, database=neo4j_server.database)
    b = Neo4jStore(neo4j_server.uri, driver=neo4j_server.driver, database=neo4j_server.database)
    a.clear()
    with a.write_lock():
        with a.write_lock():  # re-entrant
            pass
        with pytest.raises(StoreBusyError), b.write_lock():
            pass
    with b.write_lock():
        pass


def test_expired_lock_is_taken_over(neo4j_server) -> None:
    a = Neo4jStore(neo4j_server.uri, driver=neo4j_server.driver, database=neo4j_server.database, lock_ttl=0.2)
    b = Neo4jStore(neo4j_server.uri, driver=neo4j_server.driver, database=neo4j_server.database)
    a.clear()
    a._acquire_lock(0)
    assert a._heartbeat is not None
    a._heartbeat.stop()  # a writer that died without releasing: nothing renews its lease
    with pytest.raises(StoreBusyError):
        b._acquire_lock(0)
    b._acquire_lock(2.0)  # waits for the lease to lapse
    b._release_lock()


def test_save_run_and_read_result_roundtrip(loaded: Neo4jStore) -> None:
    assert loaded.read_result("clusters").num_rows == 0
    result = detection_result()
    run = loaded.save_run(result)
    assert run.run_id == 1
    assert [r.run_id for r in loaded.runs()] == [1]
    assert loaded.runs()[0].params == {"resolution": 0.01}
    for table, cols in RESULT_TABLES.items():
        got = loaded.read_result(table)
        assert got.schema == pa.schema(list(cols.items())), table
        want = getattr(result, table).select(list(cols)).cast(got.schema)
        key = [(c, "ascending") for c in cols if c in ("cluster_id", "account_id", "a", "b", "identifier")]
        assert got.sort_by(key).to_pylist() == want.sort_by(key).to_pylist(), table
    run2 = loaded.save_run(result)
    assert run2.run_id == 2 and [r.run_id for r in loaded.runs()] == [2, 1]
    assert loaded.read_result("members", run_id=1).num_rows == 3
    with pytest.raises(StoreError):
        loaded.read_result("clusters; MATCH (n) DETACH DELETE n")


def test_large_run_is_chunked(neo4j_store: Neo4jStore) -> None:
    n = 1_300  # > batch_size (500): links and members span several transactions
    links = pa.table(
        {
            "cluster_id": ["big"] * n + ["small"],
            "a": [f"a{i}" for i in range(n + 1)],
            "b": [f"b{i}" for i in range(n + 1)],
            "weight": [float(i) for i in range(n + 1)],
            "evidence": ["e"] * (n + 1),
        }
    )
    result = detection_result()
    clusters = result.clusters.set_column(0, "cluster_id", pa.array(["big", "small"]))
    result = DetectionResult(
        params={},
        clusters=clusters,
        members=result.members.slice(0, 0),
        identifiers=result.identifiers.slice(0, 0),
        links=links,
    )
    neo4j_store.save_run(result)
    got = neo4j_store.read_result("links").sort_by([("a", "ascending")])
    assert got.num_rows == n + 1
    assert got.to_pylist() == links.sort_by([("a", "ascending")]).to_pylist()


def test_decisions_append_only(loaded: Neo4jStore) -> None:
    loaded.save_run(detection_result())
    v = loaded.version()
    d1 = loaded.add_decision(Decision("c-1", "needs_review", "ana"))
    d2 = loaded.add_decision(
        Decision("c-1", "confirmed", "ben", note="same card", decided_at=d1.decided_at.replace(year=2099))
    )  # type: ignore[union-attr]
    loaded.add_decision(Decision("c-2", "dismissed", "ana"))
    assert loaded.version() != v
    got = loaded.decisions("c-1")
    assert [d.status for d in got] == ["confirmed", "needs_review"]
    assert got[0] == d2 and got[1].decided_at == d1.decided_at
    assert len(loaded.decisions()) == 3


def test_investigator_queries(loaded: Neo4jStore) -> None:
    loaded.save_run(detection_result())
    q = loaded.query
    s = q("search", {"term": "alice@EXAMPLE.com"})
    assert s.to_dict("records")[0]["account_id"] == "a1" and s["matched_on"].tolist() == ["email"]
    assert s["cluster_id"].tolist() == ["c-1"]
    assert s["created_at"].iloc[0] == pd.Timestamp(ts(1))
    assert set(q("search", {"term": "a"})["account_id"]) == {"a1", "a2", "a3"}
    assert q("search", {"term": "10.0.0.1"})["account_id"].tolist() == ["a1", "a2"]
    assert q("search", {"term": "fp1", "limit": 1}).shape[0] == 1
    acc = q("account", {"account_id": "a2"}).to_dict("records")
    assert acc[0]["country"] == "GB" and acc[0]["cluster_id"] == "c-1" and acc[0]["cluster_score"] == 0.9
    assert q("account", {"account_id": "nobody"}).empty
    cm = q("cluster_members", {"cluster_id": "c-1"})
    assert cm["account_id"].tolist() == ["a1", "a2"]
    assert cm[["payment_methods", "ips", "devices"]].values.tolist() == [[1, 1, 0], [1, 1, 1]]
    n1 = q("neighbourhood", {"account_id": "a2"})
    assert set(zip(n1["rel"], n1["dst"], strict=True)) >= {
        ("PAID_WITH", "fp1"),
        ("USED_DEVICE", "d1"),
        ("IN_SUBNET", "10.0.0.0/24"),
        ("VIA_PROXY", "ProxyCo"),
    }
    assert set(n1["hop"]) == {1}
    n2 = q("neighbourhood", {"account_id": "a2", "depth": 2})
    assert set(n2[n2["hop"] == 2]["src"]) == {"a1", "a3"}
    cp = q("clusters_by_provider", {"provider": "ProxyCo"})
    assert cp.to_dict("records") == [
        {"cluster_id": "c-1", "score": 0.9, "size": 2, "accounts_on_provider": 2}
    ]
    ap = q("accounts_by_payment", {"payment_fingerprint": "fp1"})
    assert ap["account_id"].tolist() == ["a1", "a2"] and ap["added_at"].iloc[1] == pd.Timestamp(ts(4))
    near = q("new_accounts_near_cluster", {"cluster_id": "c-1", "since": "2025-01-10"})
    assert near.to_dict("records")[0] | {"created_at": None} == {
        "account_id": "a3",
        "created_at": None,
        "id_type": "device",
        "identifier": "d1",
        "shared_with": 1,
    }
    assert q("new_accounts_near_cluster", {"cluster_id": "c-1", "since": "2025-02-01"}).empty
    for name, spec_cols in (
        (n, s.columns) for n, s in __import__("linkgraph.investigate").investigate.QUERIES.items()
    ):
        assert name  # every query answers with its declared columns, even when empty
        params = {
            "search": {"term": "zzz"},
            "account": {"account_id": "zzz"},
            "cluster_members": {"cluster_id": "z"},
            "cluster_graph": {"cluster_id": "z"},
            "cluster_usage": {"cluster_id": "z"},
            "neighbourhood": {"account_id": "zzz"},
            "shortest_path": {"a": "a1", "b": "a1"},
            "clusters_by_provider": {"provider": "z"},
            "accounts_by_payment": {"payment_fingerprint": "z"},
            "new_accounts_near_cluster": {"cluster_id": "z", "since": "2020-01-01"},
        }[name]
        assert tuple(q(name, params).columns) == spec_cols, name


def test_shortest_path(loaded: Neo4jStore) -> None:
    p = loaded.query("shortest_path", {"a": "a1", "b": "a3"})
    assert p["label"].tolist()[0] == "Account" and p["node"].tolist()[0] == "a1"
    assert p["node"].tolist()[-1] == "a3"
    assert p["step"].tolist() == list(range(len(p)))
    accounts = p[p["label"] == "Account"]["node"].tolist()
    assert accounts == ["a1", "a2", "a3"]  # a1 -(card/ip/domain)- a2 -(device)- a3
    assert p.iloc[3].to_dict() == {"step": 3, "label": "Device", "node": "d1", "rel": "USED_DEVICE"}
    assert loaded.query("shortest_path", {"a": "a1", "b": "a3", "max_hops": 1}).empty
    with pytest.raises(QueryError):
        loaded.query("shortest_path", {"a": "a1", "b": "ghost"})


def test_query_rejects_unknown_names_and_params(loaded: Neo4jStore) -> None:
    with pytest.raises(QueryError):
        loaded.query("load_accounts", {})
    with pytest.raises(QueryError):
        loaded.query("search", {"term": "a", "label": "Account"})
    with pytest.raises(QueryError):
        loaded.query("search", {"term": "  "})


def test_open_store_dispatches_bolt(neo4j_server, monkeypatch) -> None:
    monkeypatch.delenv("NEO4J_USER", raising=False)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    store = open_store(neo4j_server.uri)
    assert isinstance(store, Neo4jStore) and store.location == neo4j_server.uri
    store.close()  # its own driver; never connected (no query run)


class _Recording:
    """Wraps the shared driver and records every statement text and its parameters."""

    def __init__(self, driver) -> None:
        self.driver, self.sent = driver, []

    def session(self, **kw):
        rec, inner = self, self.driver.session(**kw)

        class Tx:
            def __init__(self, tx) -> None:
                self.tx = tx

            def run(self, text, params=None):
                rec.sent.append((text, params or {}))
                return self.tx.run(text, params)

        class Session:
            def __enter__(self):
                inner.__enter__()
                return self

            def __exit__(self, *exc):
                return inner.__exit__(*exc)

            def execute_read(self, work):
                return inner.execute_read(lambda tx: work(Tx(tx)))

            def execute_write(self, work):
                return inner.execute_write(lambda tx: work(Tx(tx)))

        return Session()


def test_values_only_travel_as_parameters(neo4j_server, tmp_path) -> None:
    from linkgraph.store import cypher

    rec = _Recording(neo4j_server.driver)
    store = Neo4jStore(neo4j_server.uri, driver=rec, database=neo4j_server.database, batch_size=50)
    store.clear()
    evil = "x'\"}) DETACH DELETE n //"
    export = small_export()
    export["accounts"].append({"account_id": evil, "created_at": ts(3), "email": evil})
    store.apply_load(make_batch(tmp_path / "b", export))
    store.save_run(detection_result())
    store.add_decision(Decision("c-1", "confirmed", evil, note=evil))
    for name, params in (
        ("search", {"term": evil}),
        ("account", {"account_id": evil}),
        ("neighbourhood", {"account_id": evil, "depth": 2}),
        ("cluster_members", {"cluster_id": evil}),
        ("shortest_path", {"a": evil, "b": "a1"}),
    ):
        store.query(name, params)
    bodies = {q.body for q in cypher.load_all().values()}
    assert rec.sent and all(text in bodies for text, _ in rec.sent), "a statement not from queries/ was sent"
    assert not any("DETACH DELETE n //" in text for text, _ in rec.sent)
    assert store.counts()["Account"] == 4
    assert store.query("account", {"account_id": evil})["email"].tolist() == [evil]
    assert store.decisions("c-1")[0].analyst == evil
