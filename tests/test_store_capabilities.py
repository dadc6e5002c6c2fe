"""What a store offers beyond the base: declared capabilities and hooks, never backend checks.

- the GDS engine is a declared ``GraphAnalytics`` protocol: the Neo4j store has it, DuckDB does
  not, and ``detect --engine gds`` uses whatever store implements it;
- where a load stages its files is the store's ``staging_dir`` hook;
- stores are context managers, and every backend shares the base's final steps.

No server with the GDS plugin runs here, so the engine is exercised with a store that answers
``gds_communities`` itself, with weakly connected components computed by SciPy: a real
computation whose result the stored run must reproduce exactly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from linkgraph import pipeline
from linkgraph.errors import ConfigError
from linkgraph.generator import GenerateSettings, generate
from linkgraph.settings import DetectSettings
from linkgraph.store import open_store
from linkgraph.store.base import GraphAnalytics, Store
from linkgraph.store.duckdb import DuckDBStore
from linkgraph.store.neo4j import Neo4jStore


def components(links: pa.Table) -> pa.Table:
    """``account_id, community``: the weakly connected components of the (a, b) links."""
    ids = pc.unique(
        pa.concat_arrays([links.column("a").combine_chunks(), links.column("b").combine_chunks()])
    )
    a = pc.index_in(links.column("a"), value_set=ids).to_numpy()
    b = pc.index_in(links.column("b"), value_set=ids).to_numpy()
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(len(ids), len(ids)))
    _, labels = connected_components(graph, directed=False)
    return pa.table({"account_id": ids, "community": pa.array(labels, pa.int64())})


class ComponentsStore(DuckDBStore):
    """A DuckDB store that also offers in-database analytics, answered by SciPy."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.calls: list[pa.Table] = []

    def gds_communities(self, links: pa.Table, resolution: float, seed: int) -> pa.Table:
        self.calls.append(links)
        return components(links)

    def gds_components(self, links: pa.Table) -> pa.Table:
        return components(links)


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export")
    generate(out, GenerateSettings(accounts=1_500, seed=3, fmt="parquet"))
    return out


def test_capabilities_are_declared() -> None:
    neo = Neo4jStore("bolt://127.0.0.1:1")  # the driver connects lazily: nothing runs here
    assert isinstance(neo, Store)
    assert isinstance(neo, GraphAnalytics)
    assert neo.staging_dir is None
    neo.close()
    assert not issubclass(DuckDBStore, GraphAnalytics)


def test_gds_engine_needs_the_capability(tmp_path: Path, export: Path) -> None:
    with open_store(str(tmp_path / "plain.duckdb")) as store:
        pipeline.load(store, export)
        with pytest.raises(ConfigError, match="gds"):
            pipeline.detect(store, DetectSettings(engine="gds"))
        assert store.runs() == []


def test_gds_engine_uses_the_store_communities(tmp_path: Path, export: Path) -> None:
    store = ComponentsStore(tmp_path / "gds.duckdb")
    pipeline.load(store, export)
    settings = DetectSettings(engine="gds")
    run = pipeline.detect(store, settings)
    assert run.engine == "gds"
    (links,) = store.calls
    assert links.column_names == ["a", "b", "weight"]
    assert links.num_rows == run.stats["links"]
    found = components(links).to_pandas()
    sizes = found.groupby("community")["account_id"].apply(frozenset)
    want = {s for s in sizes if len(s) >= settings.min_size}
    members = store.read_result("members").to_pandas()
    clusters = store.read_result("clusters").to_pandas()
    leiden = set(clusters.loc[clusters["view"] == "leiden", "cluster_id"])
    got = {frozenset(g) for c, g in members.groupby("cluster_id")["account_id"] if c in leiden}
    assert got == want
    assert want
    store.close()


def test_staging_dir_is_the_stores_choice(tmp_path: Path, export: Path) -> None:
    with DuckDBStore(tmp_path / "s.duckdb") as store:
        assert store.staging_dir == Path(f"{store.path}.staging")
        report = pipeline.load(store, export)
        assert not report.skipped
        assert store.staging_dir.is_dir()
        assert not list(store.staging_dir.glob("linkgraph-load-*"))  # the batch cleaned up after itself
