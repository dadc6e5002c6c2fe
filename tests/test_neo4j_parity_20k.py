"""Enforcement parity at 20k accounts: the ban list is the same from DuckDB and from Neo4j.

One generated 20k-account export is loaded and detected on each backend exactly as the CLI does
(``pipeline.load``, ``pipeline.detect``, ``write_export(fmt="csv")``); detection runs on each
store's own data, so this checks the whole path (load, read back, link, Leiden, save, select,
export), not only the stores. The lists must name the same accounts with the same actions.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from linkgraph import pipeline
from linkgraph.enforcement import write_export
from linkgraph.generator import GenerateSettings, generate
from linkgraph.store.duckdb import DuckDBStore

ACCOUNTS = 20_000


@pytest.fixture(scope="module")
def export_20k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export20k")
    generate(out, GenerateSettings(accounts=ACCOUNTS, seed=11, fmt="parquet"))
    return out


def _ban_list(store, export: Path) -> pd.DataFrame:
    pipeline.load(store, export)
    pipeline.detect(store)
    buf = io.StringIO()
    report = write_export(store, "csv", buf)
    assert report.accounts > 0
    buf.seek(0)
    return pd.read_csv(buf, dtype=str, keep_default_na=False)


def test_same_enforcement_list_at_20k(export_20k: Path, neo4j_server, tmp_path: Path) -> None:
    duck = DuckDBStore(tmp_path / "s.duckdb")
    bolt = neo4j_server.store()
    bolt.clear()
    try:
        want, got = _ban_list(duck, export_20k), _ban_list(bolt, export_20k)
    finally:
        duck.close()
        bolt.clear()
    assert list(got.columns) == list(want.columns)
    assert len(want) >= 100, "the planted campaigns should put at least 100 accounts on the list"
    assert set(got["account_id"]) == set(want["account_id"])
    actions = ["account_id", "action"]
    assert (
        got[actions].sort_values(actions).values.tolist()
        == want[actions].sort_values(actions).values.tolist()
    )
    # the whole list (clusters, scores, reasons) matches too, apart from run-specific ids
    same = [c for c in want.columns if c not in ("run_id", "cluster_id")]
    key = ["account_id"]
    assert (
        got[same]
        .sort_values(key)
        .reset_index(drop=True)
        .equals(want[same].sort_values(key).reset_index(drop=True))
    )
