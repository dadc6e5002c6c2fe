"""Writers and readers of one Neo4j at the same time, on the real server (tests/conftest.py).

- Two writer processes racing for the write lock: exactly one wins.
- A detect that runs longer than the lock's lease still holds the lock (a heartbeat renews it).
- A reader during a detect sees the previous, complete run, never the one being written.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa

from linkgraph import pipeline
from linkgraph.errors import StoreBusyError
from linkgraph.model import DetectionResult
from linkgraph.store import cypher
from tests.batches import make_batch
from tests.test_neo4j_store import detection_result, small_export

WRITER_B = """
import os, sys
from linkgraph.errors import StoreBusyError
from linkgraph.store.neo4j import Neo4jStore
store = Neo4jStore.from_env(os.environ["NEO4J_URI"])
print("ready", flush=True)
try:
    store._acquire_lock(0.0)
except StoreBusyError:
    sys.exit(3)
print("won", flush=True)
"""


def test_two_writer_processes_exactly_one_wins(neo4j_server) -> None:
    """Writer A's lock statement has run but not committed when writer B (another process) runs it."""
    store = neo4j_server.store()
    store.clear()
    store.ensure_schema()
    body = cypher.get("lock_acquire").body
    now = datetime.now(UTC)
    with neo4j_server.driver.session(database=neo4j_server.database) as session:
        tx = session.begin_transaction()
        owner_a = tx.run(body, owner="writer-A", now=now, expires_at=now + timedelta(seconds=60)).single()[
            "owner"
        ]
        b = subprocess.Popen(
            [sys.executable, "-c", WRITER_B], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert b.stdout is not None
        ready = b.stdout.readline().strip()
        assert ready == "ready", b.communicate(timeout=60)[1][-2000:]
        time.sleep(1.5)  # B's statement is now waiting on A's transaction, or has already decided
        tx.commit()
        out, err = b.communicate(timeout=120)
    assert owner_a == "writer-A"
    assert b.returncode == 3, f"writer B also took the lock (exit {b.returncode}): {out} {err[-500:]}"
    store.clear()


def test_detect_longer_than_the_lease_keeps_the_lock(neo4j_server, tmp_path) -> None:
    store = neo4j_server.store(lock_ttl=1.0)
    store.clear()
    store.apply_load(make_batch(tmp_path / "b", small_export()))
    other = neo4j_server.store()
    seen: list[str] = []

    def slow_step(done: int, total: int, what: str) -> None:
        if seen:
            return
        time.sleep(3.5)  # a step (reading, linking, Leiden) much longer than the 1 s lease
        try:
            other._acquire_lock(0.0)
        except StoreBusyError:
            seen.append("busy")
        else:
            seen.append("another writer took the lock")
            other._release_lock()

    pipeline.detect(store, progress=slow_step)
    assert seen == ["busy"]
    other._acquire_lock(0.0)  # released at the end of the detect
    other._release_lock()


def _second_run() -> DetectionResult:
    """The same clusters as detection_result(), but a3 joins c-1."""
    first = detection_result()
    rows = first.members.to_pylist()
    for row in rows:
        if row["account_id"] == "a3":
            row.update(cluster_id="c-1", sub_cluster_id="c-1")
    return DetectionResult(
        params=first.params,
        clusters=first.clusters,
        members=pa.Table.from_pylist(rows, schema=first.members.schema),
        identifiers=first.identifiers,
        links=first.links,
        stats=first.stats,
    )


READERS: list[tuple[str, dict[str, Any]]] = [
    ("cluster_members", {"cluster_id": "c-1"}),
    ("cluster_graph", {"cluster_id": "c-1"}),
    ("cluster_usage", {"cluster_id": "c-1"}),
    ("new_accounts_near_cluster", {"cluster_id": "c-1", "since": "2024-01-01"}),
]


def test_reader_during_a_detect_sees_the_previous_run(neo4j_server, tmp_path) -> None:
    store = neo4j_server.store()
    store.clear()
    store.apply_load(make_batch(tmp_path / "b", small_export()))
    store.save_run(detection_result())
    before = {name: store.query(name, p).to_dict("records") for name, p in READERS}
    assert [r["account_id"] for r in before["cluster_members"]] == ["a1", "a2"]

    writer = neo4j_server.store()
    paused, resume = threading.Event(), threading.Event()
    write = writer._write

    def gated(name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        if name == "finish_run":  # everything of run 2 is written, it is not complete yet
            paused.set()
            resume.wait(60)
        return write(name, params)

    writer._write = gated  # type: ignore[method-assign]
    thread = threading.Thread(target=writer.save_run, args=(_second_run(),))
    thread.start()
    try:
        assert paused.wait(60)
        for name, params in READERS:
            assert store.query(name, params).to_dict("records") == before[name], name
    finally:
        resume.set()
        thread.join(60)
    after = store.query("cluster_members", {"cluster_id": "c-1"})
    assert after["account_id"].tolist() == ["a1", "a2", "a3"]
