"""Neo4jStore pieces that need no server: batching, type conversion, configuration."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pyarrow as pa
import pytest

from linkgraph import schema
from linkgraph.errors import ConfigError
from linkgraph.store.base import split_rows
from linkgraph.store.neo4j import Neo4jStore, text_pieces, to_arrow, to_params


def test_batches_of_5000() -> None:
    rows = [{"device_id": f"d{i}"} for i in range(12_345)]
    chunks = list(split_rows(rows, 5_000))
    assert [len(c) for c in chunks] == [5_000, 5_000, 2_345]
    assert [r for c in chunks for r in c] == rows


def test_byte_budget_splits_further() -> None:
    rows = [{"k": "x" * 90} for _ in range(100)]  # ~100 bytes of JSON each
    chunks = list(split_rows(rows, 5_000, max_bytes=1_000))
    assert all(len(json.dumps(c)) <= 1_100 for c in chunks) and sum(map(len, chunks)) == 100
    assert len(chunks) >= 10
    assert [len(c) for c in split_rows([{"k": "y" * 5_000}], 10, 1_000)] == [1]  # an oversized row goes alone


def test_arrow_roundtrip_of_times() -> None:
    sch = schema.table_schema("usage")
    t = pa.Table.from_pylist(
        [{"account_id": "a", "day": date(2025, 3, 1), "category": "coding", "requests": 1}], schema=sch
    )
    rows = to_params(t)
    assert rows[0]["day"] == date(2025, 3, 1)  # sent as a Neo4j DATE
    back = to_arrow({k: [r[k] for r in rows] for k in sch.names}, sch)
    assert back.equals(t)
    acc = schema.table_schema("accounts")
    when = datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    t = pa.Table.from_pylist([{"account_id": "a", "created_at": when}], schema=acc)
    rows = to_params(t)
    assert rows[0]["created_at"] == when  # sent as a Neo4j DATETIME
    assert to_arrow({k: [r[k] for r in rows] for k in acc.names}, acc).equals(t)


def test_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_USER", "neo4j")
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    with pytest.raises(ConfigError, match="NEO4J_PASSWORD"):
        Neo4jStore.from_env("bolt://localhost:7687")
    monkeypatch.setenv("NEO4J_PASSWORD", "secret")
    monkeypatch.setenv("NEO4J_DATABASE", "cases")
    monkeypatch.setenv("LINKGRAPH_NEO4J_BATCH", "123")
    store = Neo4jStore.from_env("bolt://localhost:7687")
    try:
        assert store.database == "cases" and store.batch_size == 123
        assert store.location == "bolt://localhost:7687"
    finally:
        store.close()
    # credentials belong in the environment, never in the URI (or in an error message)
    with pytest.raises(ConfigError) as info:
        Neo4jStore.from_env("bolt://user:pw@localhost:7687")
    assert "pw" not in str(info.value)
    monkeypatch.setenv("LINKGRAPH_NEO4J_BATCH", "many")
    with pytest.raises(ConfigError):
        Neo4jStore.from_env("bolt://localhost:7687")
    with pytest.raises(ConfigError):
        Neo4jStore("bolt://localhost:7687", batch_size=0)


def test_text_pieces_fit_the_budget_and_join_back() -> None:
    params, stats = '{"a": "' + "é" * 2_000 + '"}', "{}" * 3_000
    pieces = list(text_pieces(params, stats, 3_000))
    assert len(pieces) > 1
    assert all(len(p.encode()) + len(s.encode()) <= 3_000 for p, s in pieces)
    assert "".join(p for p, _ in pieces) == params
    assert "".join(s for _, s in pieces) == stats
    assert list(text_pieces(params, stats, None)) == [(params, stats)]
    assert list(text_pieces("", "", 100)) == [("", "")]
