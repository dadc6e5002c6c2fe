"""The embedded store on real DuckDB files: merge semantics, atomicity, locking, snapshots."""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
from datetime import UTC, datetime

import pyarrow as pa
import pytest

from linkgraph.errors import QueryError, StoreBusyError, StoreError, StoreNotFoundError
from linkgraph.model import MEMBER_COLUMNS, RESULT_TABLES, Decision, DetectionResult
from linkgraph.store import open_store
from linkgraph.store.duckdb import DuckDBStore
from tests.batches import make_batch

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
T1 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _rows(n_accounts: int = 3, ip_first=T0, ip_last=T0, email="a0@example.com"):
    accounts = [
        {
            "account_id": f"a{i}",
            "created_at": T0,
            "email": email if i == 0 else f"a{i}@example.com",
            "email_domain": "example.com",
            "plan": "free",
        }
        for i in range(n_accounts)
    ]
    return {
        "accounts": accounts,
        "ip_addresses": [{"ip": "10.0.0.1", "version": 4, "subnet": "10.0.0.0/24"}],
        "subnets": [{"subnet": "10.0.0.0/24", "version": 4}],
        "in_subnet": [{"ip": "10.0.0.1", "subnet": "10.0.0.0/24"}],
        "used_ip": [
            {
                "account_id": a["account_id"],
                "ip": "10.0.0.1",
                "first_seen": ip_first,
                "last_seen": ip_last,
                "request_count": 5,
            }
            for a in accounts
        ],
        "payment_methods": [{"payment_fingerprint": "fp_1", "method_type": "prepaid_card"}],
        "paid_with": [
            {"account_id": "a0", "payment_fingerprint": "fp_1"},
            {"account_id": "a1", "payment_fingerprint": "fp_1"},
        ],
    }


def _snapshot(store: DuckDBStore) -> dict[str, str]:
    """Every load table's full content, hashed: equal snapshots mean byte-for-byte equal data."""
    out = {}
    for table in ("accounts", "used_ip", "paid_with", "ip_addresses", "payment_methods"):
        t = store.read_table(table)
        t = t.sort_by([(c, "ascending") for c in t.column_names[:2]])
        out[table] = hashlib.sha256(str(t.to_pylist()).encode()).hexdigest()
    out["counts"] = json.dumps(store.counts(), sort_keys=True)
    out["loads"] = str(len(store.load_runs()))
    return out


def test_new_store_has_every_table_empty(db_path):
    store = DuckDBStore(db_path)
    counts = store.counts()
    assert counts["Account"] == 0 and counts["USED_IP"] == 0 and counts["usage"] == 0
    assert store.runs() == [] and store.load_runs() == []
    assert db_path.exists()


def test_read_only_open_of_missing_store_is_a_clear_error(db_path):
    with pytest.raises(StoreNotFoundError, match="no linkgraph store"):
        DuckDBStore(db_path, read_only=True)


def test_apply_load_writes_graph_and_records_load(db_path, tmp_path):
    store = DuckDBStore(db_path)
    rec = store.apply_load(make_batch(tmp_path / "s1", _rows()))
    counts = store.counts()
    assert counts["Account"] == 3 and counts["USED_IP"] == 3 and counts["PAID_WITH"] == 2
    assert counts["IPAddress"] == 1 and counts["IN_SUBNET"] == 1
    assert rec.load_id == 1 and store.find_load(rec.fingerprint) == store.load_runs()[0]
    accounts = store.read_table("accounts")
    assert accounts.schema.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert sorted(accounts.column("account_id").to_pylist()) == ["a0", "a1", "a2"]


def test_merge_rules_replace_min_max_and_idempotence(db_path, tmp_path):
    store = DuckDBStore(db_path)
    store.apply_load(make_batch(tmp_path / "s1", _rows(ip_first=T1, ip_last=T1)))
    first = _snapshot(store)
    # the same rows again: graph unchanged (a second load record is the only difference)
    store.apply_load(make_batch(tmp_path / "s2", _rows(ip_first=T1, ip_last=T1), tag="y"))
    again = _snapshot(store)
    assert {k: v for k, v in again.items() if k != "loads"} == {
        k: v for k, v in first.items() if k != "loads"
    }
    # a later export widens time bounds (min/max), replaces non-null values, keeps old ones on null
    rows = _rows(n_accounts=4, ip_first=T0, ip_last=T1, email="new@example.com")
    rows["accounts"][1]["plan"] = None
    store.apply_load(make_batch(tmp_path / "s3", rows, tag="z"))
    acc = {r["account_id"]: r for r in store.read_table("accounts").to_pylist()}
    assert len(acc) == 4
    assert acc["a0"]["email"] == "new@example.com"  # replace
    assert acc["a1"]["plan"] == "free"  # null keeps old
    ip = {r["account_id"]: r for r in store.read_table("used_ip").to_pylist()}
    assert ip["a0"]["first_seen"] == T0 and ip["a0"]["last_seen"] == T1


def test_failed_write_leaves_store_exactly_as_before(db_path, tmp_path):
    store = DuckDBStore(db_path)
    store.apply_load(make_batch(tmp_path / "s1", _rows()))
    before = _snapshot(store)
    bytes_before = db_path.read_bytes()
    bad = make_batch(tmp_path / "s2", _rows(n_accounts=5), tag="bad")
    bad.path("used_ip").write_bytes(b"not parquet")  # fails after accounts were merged in the copy
    with pytest.raises(StoreError):
        store.apply_load(bad)
    assert _snapshot(store) == before
    assert db_path.read_bytes() == bytes_before
    assert not list(tmp_path.glob("store.duckdb.tmp-*"))


def _hold_lock(path, ready, release):
    s = DuckDBStore(path)
    with s.write_lock():
        ready.set()
        release.wait(20)


def test_second_writer_is_refused_with_a_clear_message(db_path):
    DuckDBStore(db_path)
    ctx = mp.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    p = ctx.Process(target=_hold_lock, args=(str(db_path), ready, release))
    p.start()
    try:
        assert ready.wait(30)
        store = DuckDBStore(db_path)
        with (
            pytest.raises(StoreBusyError, match=r"busy: another linkgraph process \(pid \d+\)"),
            store.write_lock(),
        ):
            pass
        # readers are not blocked by the writer
        assert store.counts()["Account"] == 0
    finally:
        release.set()
        p.join(30)
    with DuckDBStore(db_path).write_lock():
        pass


def test_reader_sees_new_snapshot_after_a_write(db_path, tmp_path):
    writer = DuckDBStore(db_path)
    reader = open_store(str(db_path), read_only=True)
    v0 = reader.version()
    assert reader.counts()["Account"] == 0
    writer.apply_load(make_batch(tmp_path / "s1", _rows()))
    assert reader.version() != v0
    assert reader.counts()["Account"] == 3
    with pytest.raises(StoreError, match="read-only"):
        reader.add_decision(Decision("C1", "confirmed", "ana"))


def _result(cluster_ids, members):
    def table(name, rows):
        return pa.Table.from_pylist(rows, schema=pa.schema(list(RESULT_TABLES[name].items())))

    clusters = [
        {
            "cluster_id": c,
            "score": 0.9,
            "size": len(members[c]),
            "evidence": "shares fp_1",
            "features": "{}",
            "contributions": "{}",
            "first_signup": T0,
            "last_signup": T1,
            "payment_methods": 1,
            "proxy_providers": "",
            "requests": 10,
            "top_categories": "coding",
            "view": "leiden",
        }
        for c in cluster_ids
    ]
    mem = [{"cluster_id": c, "account_id": a} for c in cluster_ids for a in members[c]]
    return DetectionResult(
        params={"resolution": 0.02},
        clusters=table("clusters", clusters),
        members=table("members", mem),
        identifiers=table(
            "identifiers",
            [{"cluster_id": cluster_ids[0], "id_type": "payment", "identifier": "fp_1", "members": 2}],
        ),
        links=table(
            "links",
            [{"cluster_id": cluster_ids[0], "a": "a0", "b": "a1", "weight": 1.0, "evidence": "payment:1"}],
        ),
        stats={"clusters": len(cluster_ids)},
    )


def test_runs_results_and_decisions_round_trip(db_path, tmp_path):
    store = DuckDBStore(db_path)
    store.apply_load(make_batch(tmp_path / "s1", _rows()))
    r1 = store.save_run(_result(["C000001"], {"C000001": ["a0", "a1"]}))
    r2 = store.save_run(_result(["C000001", "C000002"], {"C000001": ["a0", "a1"], "C000002": ["a2"]}))
    assert [r.run_id for r in store.runs()] == [r2.run_id, r1.run_id]
    assert store.read_result("clusters").num_rows == 2
    assert store.read_result("clusters", r1.run_id).num_rows == 1
    assert store.read_result("members").schema.names == list(MEMBER_COLUMNS)
    store.add_decision(Decision("C000001", "needs_review", "ana", "look again"))
    store.add_decision(Decision("C000001", "confirmed", "bo", "same cards"))
    ds = store.decisions("C000001")
    assert [d.status for d in ds] == ["confirmed", "needs_review"] and ds[0].decided_at is not None
    # investigator queries on the embedded store
    m = store.query("cluster_members", {"cluster_id": "C000001"})
    assert sorted(m["account_id"]) == ["a0", "a1"] and (m["payment_methods"] == 1).all()
    s = store.query("search", {"term": "fp_1"})
    assert set(s["account_id"]) == {"a0", "a1"} and set(s["cluster_id"]) == {"C000001"}
    s = store.query("search", {"term": "10.0.0.1"})
    assert len(s) == 3 and set(s["matched_on"]) == {"ip"}
    p = store.query("shortest_path", {"a": "a0", "b": "a2"})
    assert p["node"].iloc[0] == "a0" and p["node"].iloc[-1] == "a2"
    assert (
        list(p["label"]) == ["Account", "IPAddress", "Account"]
        or list(p["label"]) == ["Account", "PaymentMethod", "Account"]
        or "IPAddress" in set(p["label"])
    )
    n = store.query("neighbourhood", {"account_id": "a0", "depth": 2})
    assert {"PAID_WITH", "USED_IP", "IN_SUBNET"} <= set(n["rel"]) and (n["hop"] == 2).any()
    by = store.query("accounts_by_payment", {"payment_fingerprint": "fp_1"})
    assert sorted(by["account_id"]) == ["a0", "a1"]
    with pytest.raises(QueryError, match="needs parameter 'a'"):
        store.query("shortest_path", {"b": "a2"})
    with pytest.raises(QueryError, match="unknown query"):
        store.query("drop_everything", {})


def test_read_table_rejects_unknown_names(db_path):
    store = DuckDBStore(db_path)
    with pytest.raises(StoreError, match="unknown table"):
        store.read_table("accounts; DROP TABLE accounts")
    with pytest.raises(StoreError, match="no column"):
        store.read_table("accounts", ["account_id", "password"])


def test_two_readers_in_one_process_both_see_a_new_snapshot(db_path, tmp_path):
    """DuckDB caches databases by path; the store must not hand a reader a stale snapshot."""
    writer = DuckDBStore(db_path)
    r1, r2 = DuckDBStore(db_path, read_only=True), DuckDBStore(db_path, read_only=True)
    assert r1.counts()["Account"] == 0 and r2.counts()["Account"] == 0
    writer.apply_load(make_batch(tmp_path / "s1", _rows()))
    assert r1.counts()["Account"] == 3  # r2 still holds the old snapshot open
    assert r2.counts()["Account"] == 3
