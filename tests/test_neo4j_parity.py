"""Backend parity: the same export loaded and detected on DuckDB and over Bolt gives the same answers.

The export comes from the generator (~2k accounts, planted campaigns); both stores go through
``linkgraph.pipeline`` exactly as the CLI does.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from linkgraph import pipeline, schema
from linkgraph.generator import GenerateSettings, generate
from linkgraph.investigate import QUERIES
from linkgraph.model import DetectionResult
from linkgraph.store.duckdb import DuckDBStore
from linkgraph.store.neo4j import Neo4jStore


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    generate(out, GenerateSettings(accounts=2_000, seed=7, fmt="parquet"))
    return out


@pytest.fixture(scope="module")
def stores(export: Path, neo4j_server, tmp_path_factory: pytest.TempPathFactory):
    duck = DuckDBStore(tmp_path_factory.mktemp("duck") / "s.duckdb")
    bolt = Neo4jStore(neo4j_server.uri, driver=neo4j_server.driver, database=neo4j_server.database)
    bolt.clear()
    for store in (duck, bolt):
        pipeline.load(store, export)
    pipeline.detect(duck)
    # The investigator queries are compared on the same detection run (written through the Bolt
    # store's save_run), so they test the stores, not detection's determinism.
    run = duck.runs()[0]
    bolt.save_run(
        DetectionResult(
            params=run.params,
            stats=run.stats,
            engine=run.engine,
            **{t: duck.read_result(t, run.run_id) for t in ("clusters", "members", "identifiers", "links")},
        )
    )
    yield duck, bolt
    duck.close()
    bolt.close()


def _sorted(t, keys):
    return t.sort_by([(k, "ascending") for k in keys]).to_pylist()


def test_same_graph(stores) -> None:
    duck, bolt = stores
    assert duck.counts() == bolt.counts()
    for table in schema.LOAD_TABLES:
        keys = list(schema.table_key(table))
        assert _sorted(duck.read_table(table), keys) == _sorted(bolt.read_table(table), keys), table


def test_same_results_stored(stores) -> None:
    duck, bolt = stores
    for table, keys in (
        ("clusters", ["cluster_id"]),
        ("members", ["cluster_id", "account_id"]),
        ("identifiers", ["cluster_id", "id_type", "identifier"]),
        ("links", ["cluster_id", "a", "b"]),
    ):
        want, got = duck.read_result(table), bolt.read_result(table)
        assert got.schema == want.schema, table
        assert _sorted(got, keys) == _sorted(want, keys), table


def test_same_clusters_when_detecting_through_bolt(stores) -> None:
    duck, bolt = stores
    pipeline.detect(bolt)

    def member_sets(store):
        m = store.read_result("members").to_pandas()
        return {frozenset(g["account_id"]) for _, g in m.groupby("cluster_id")}

    try:
        assert member_sets(duck) == member_sets(bolt)
    finally:  # leave the copied run as the latest for the other tests
        run = duck.runs()[0]
        bolt.save_run(
            DetectionResult(
                params=run.params,
                stats=run.stats,
                engine=run.engine,
                **{
                    t: duck.read_result(t, run.run_id)
                    for t in ("clusters", "members", "identifiers", "links")
                },
            )
        )


def _norm(df: pd.DataFrame) -> list[tuple]:
    rows = [
        tuple(None if pd.isna(v) else (v.isoformat() if hasattr(v, "isoformat") else v) for v in r)
        for r in df.itertuples(index=False)
    ]
    return sorted(rows, key=repr)


def test_same_investigator_answers(stores) -> None:
    duck, bolt = stores
    clusters = duck.read_result("clusters").to_pandas().sort_values(["score", "cluster_id"], ascending=False)
    top = clusters.iloc[0]["cluster_id"]
    members = duck.read_result("members").to_pandas()
    acc = members[members["cluster_id"] == top]["account_id"].sort_values().tolist()
    fp = duck.read_table("paid_with").column("payment_fingerprint")[0].as_py()
    ip = duck.read_table("used_ip").column("ip")[0].as_py()
    provider = duck.read_table("proxy_providers").column("provider")[0].as_py()
    email = duck.read_table("accounts").column("email")[0].as_py()
    cases = [
        ("search", {"term": acc[0]}),
        ("search", {"term": acc[0][:3]}),
        ("search", {"term": ip}),
        ("search", {"term": fp}),
        ("search", {"term": (email or "x").upper()}),
        ("account", {"account_id": acc[0]}),
        ("cluster_members", {"cluster_id": top}),
        ("cluster_graph", {"cluster_id": top}),
        ("cluster_usage", {"cluster_id": top}),
        ("neighbourhood", {"account_id": acc[0]}),
        ("neighbourhood", {"account_id": acc[0], "depth": 2}),
        ("clusters_by_provider", {"provider": provider}),
        ("accounts_by_payment", {"payment_fingerprint": fp}),
        ("new_accounts_near_cluster", {"cluster_id": top, "since": "2026-01-15"}),
    ]
    assert {name for name, _ in cases} | {"shortest_path"} == set(QUERIES)
    for name, params in cases:
        want, got = duck.query(name, params), bolt.query(name, params)
        assert list(got.columns) == list(want.columns), name
        assert _norm(got) == _norm(want), (name, params)
    # paths: same length and same endpoints (ties may pick different, equally short chains)
    for a, b in ((acc[0], acc[-1]), (acc[0], members["account_id"].iloc[-1])):
        want, got = (
            duck.query("shortest_path", {"a": a, "b": b}),
            bolt.query("shortest_path", {"a": a, "b": b}),
        )
        assert len(got) == len(want), (a, b)
        if len(got):
            assert got["node"].iloc[0] == a and got["node"].iloc[-1] == b
