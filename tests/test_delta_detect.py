"""Incremental detection after a daily delta gives the campaigns a full rebuild gives.

Real DuckDB and igraph on a generated export split 99/1 (as tests/test_delta_load.py does): the
base is loaded and detected, the delta loaded and detected incrementally (only the region the
delta touched is re-clustered); a second store loads the whole export and detects from scratch.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from scipy.special import comb

from linkgraph.detection import detect
from linkgraph.generator import GenerateSettings, generate
from linkgraph.pipeline import load
from linkgraph.settings import DetectSettings
from linkgraph.store.duckdb import DuckDBStore
from tests.test_delta_load import _read, _split


def _ari(a: list[str], b: list[str]) -> float:
    """Adjusted Rand index of two labelings of the same items."""
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    table = np.zeros((ia.max() + 1, ib.max() + 1), dtype=np.int64)
    np.add.at(table, (ia, ib), 1)
    s_ij = comb(table, 2).sum()
    s_a, s_b = comb(table.sum(1), 2).sum(), comb(table.sum(0), 2).sum()
    expected = s_a * s_b / comb(len(a), 2)
    return float((s_ij - expected) / ((s_a + s_b) / 2 - expected))


def _campaigns(store: DuckDBStore) -> dict[str, str]:
    """account -> campaign id, for accounts in flagged leiden clusters of the latest run."""
    threshold = store.runs()[0].params["score_threshold"]
    clusters = store.read_result("clusters").to_pandas()
    flagged = set(
        clusters.loc[(clusters["view"] == "leiden") & (clusters["score"] >= threshold), "cluster_id"]
    )
    members = store.read_result("members").to_pandas()
    members = members[members["cluster_id"].isin(flagged)]
    return dict(zip(members["account_id"], members["cluster_id"], strict=True))


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, pa.Array]:
    root = tmp_path_factory.mktemp("delta-detect")
    export = root / "export"
    generate(export, GenerateSettings(accounts=20_000, seed=7))
    base, delta = _split(export, root, share_new=0.01)
    with DuckDBStore(root / "full.duckdb") as full:
        load(full, export)
        detect(full)
    with DuckDBStore(root / "daily.duckdb") as daily:
        load(daily, base)
        detect(daily)
    return root, base, delta, _read(delta, "accounts").column("account_id").combine_chunks()


def test_incremental_run_gives_the_full_rebuilds_campaigns(stores: tuple[Path, Path, Path, pa.Array]) -> None:
    root, _, delta, new_ids = stores
    work = root / "incr.duckdb"
    (work).write_bytes((root / "daily.duckdb").read_bytes())
    with DuckDBStore(work) as daily:
        before = _campaigns(daily)
        load(daily, delta)
        record = detect(daily, touched=new_ids)
        assert record.stats["detection_mode"]["mode"] == "incremental"
        region = record.stats["detection_mode"]["region"]
        assert 0 < region < 0.3 * record.stats["accounts"]
        got = _campaigns(daily)
    with DuckDBStore(root / "full.duckdb", read_only=True) as full:
        want = _campaigns(full)
    accounts = sorted(set(got) | set(want))
    ari = _ari([got.get(a, "-") for a in accounts], [want.get(a, "-") for a in accounts])
    assert ari >= 0.99, ari
    # campaigns the delta did not change keep their ids
    kept = [a for a in before if a in got]
    same = sum(before[a] == got[a] for a in kept)
    assert same >= 0.99 * len(kept)


def test_a_delta_touching_nothing_reclusters_nothing(stores: tuple[Path, Path, Path, pa.Array]) -> None:
    root, *_ = stores
    work = root / "none.duckdb"
    work.write_bytes((root / "daily.duckdb").read_bytes())
    with DuckDBStore(work) as daily:
        before = daily.read_result("members").to_pylist()
        record = detect(daily, touched=pa.array([], pa.string()))
        assert record.stats["detection_mode"] == {
            "mode": "incremental",
            "reason": None,
            "region": 0,
            "touched": 0,
            "accounts": record.stats["accounts"],
        }
        assert daily.read_result("members").to_pylist() == before


def test_fallbacks_run_a_full_detection(stores: tuple[Path, Path, Path, pa.Array]) -> None:
    root, _, _, new_ids = stores
    work = root / "fallback.duckdb"
    work.write_bytes((root / "daily.duckdb").read_bytes())
    with DuckDBStore(work) as daily:
        forced = detect(daily, touched=new_ids, full=True).stats["detection_mode"]
        assert forced == {"mode": "full", "reason": "full run asked for (--full)"}
        changed = detect(daily, DetectSettings(resolution=0.03), touched=new_ids).stats["detection_mode"]
        assert changed["mode"] == "full"
        assert "resolution" in changed["reason"]
        unknown = detect(daily, DetectSettings(resolution=0.03)).stats["detection_mode"]
        assert unknown == {"mode": "full", "reason": "no touched accounts recorded"}
