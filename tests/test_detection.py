"""Detection runs end to end on a real DuckDB store: persisted results, stable ids, both views.

The data is the hand-built world of ``test_scoring`` (a campaign and benign look-alikes) plus
organic background accounts, staged as Parquet and merged through ``DuckDBStore.apply_load``.
Generated data with truth is covered by ``test_detection_generated.py``.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from linkgraph import enforcement, schema, scoring
from linkgraph.detection import assign_ids, detect, format_id
from linkgraph.errors import ConfigError
from linkgraph.model import RESULT_TABLES, LoadBatch, SourceFile
from linkgraph.settings import DetectSettings
from linkgraph.store.duckdb import DuckDBStore
from tests.test_linking import tbl
from tests.test_scoring import T0, build_world


def background(n: int, start: int = 0) -> dict[str, list[dict[str, Any]]]:
    """Organic accounts: own card, own home IP (pairs share a household IP), webmail."""
    rows: dict[str, list[dict[str, Any]]] = {
        "accounts": [],
        "paid_with": [],
        "used_ip": [],
        "email_at": [],
        "usage": [],
    }
    for i in range(start, start + n):
        aid = f"bg{i}"
        rows["accounts"].append(
            dict(
                account_id=aid,
                created_at=T0 - timedelta(hours=37 * i),
                email_local=f"person{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}",
                email_domain="gmail.com",
            )
        )
        rows["email_at"].append(dict(account_id=aid, domain="gmail.com"))
        rows["paid_with"].append(dict(account_id=aid, payment_fingerprint=f"card{i}"))
        rows["used_ip"].append(
            dict(
                account_id=aid,
                ip=f"81.2.{i // 2 // 250}.{i // 2 % 250}",
                first_seen=T0 - timedelta(days=i % 90),
                last_seen=T0,
                request_count=30,
                user_agent="Mozilla/5.0 (Windows NT 10.0) Chrome/126.0",
            )
        )
        rows["usage"].append(
            dict(account_id=aid, day=T0.date(), category="chat", requests=25, flagged_jailbreak=0)
        )
    return rows


def stage(tmp: Path, tables: dict[str, pa.Table], name: str) -> LoadBatch:
    staging = tmp / f"stage-{name}"
    staging.mkdir()
    counts = {}
    for t in schema.LOAD_TABLES:
        table = tables.get(t, tbl(t, []))
        pq.write_table(table.cast(schema.table_schema(t)), staging / f"{t}.parquet")
        counts[t] = table.num_rows
    digest = hashlib.sha256(name.encode()).hexdigest()
    return LoadBatch(staging, [SourceFile("accounts", name, digest, counts["accounts"])], name, counts)


def world_tables(extra: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, pa.Table]:
    tables, _ = build_world()
    bg = background(300)
    for k, more in list(bg.items()) + list((extra or {}).items()):
        tables[k] = pa.concat_tables([tables[k], tbl(k, more)]) if k in tables else tbl(k, more)
    return tables


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("detect")
    s = DuckDBStore(tmp / "t.duckdb")
    s.apply_load(stage(tmp, world_tables(), "world"))
    with s.write_lock():
        s.first_run = detect(s)  # type: ignore[attr-defined]
    yield s
    s.close()


def clusters_of(store: DuckDBStore, run_id: int | None = None, view: str = "leiden") -> pd.DataFrame:
    c = store.read_result("clusters", run_id).to_pandas()
    return c[c["view"] == view]


def members_of(store: DuckDBStore, run_id: int | None = None) -> dict[str, set[str]]:
    m = store.read_result("members", run_id).to_pandas()
    return {c: set(g["account_id"]) for c, g in m.groupby("cluster_id")}


def test_run_is_stored_with_params_and_stats(store: Any) -> None:
    run = store.first_run
    assert store.runs()[0].run_id == run.run_id
    assert run.params["resolution"] == DetectSettings().resolution
    assert run.params["score_threshold"] == scoring.DEFAULT_THRESHOLD
    assert run.stats["accounts"] == 30 + 4 + 20 + 40 + 300
    assert run.stats["clusters"] >= 1
    for name, cols in RESULT_TABLES.items():
        t = store.read_result(name, run.run_id)
        assert t.column_names == list(cols)
        assert t.num_rows > 0, name
    views = set(store.read_result("clusters").column("view").to_pylist())
    assert views == {"leiden", "strong_components"}


def test_campaign_found_and_scored_above_every_benign_cluster(store: Any) -> None:
    _, groups = build_world()
    members = members_of(store)
    clusters = clusters_of(store).set_index("cluster_id")
    campaign = set(groups["campaign"])
    best = max(clusters.index, key=lambda c: len(members[c] & campaign) / len(members[c] | campaign))
    assert members[best] == campaign
    assert clusters.loc[best, "score"] >= scoring.DEFAULT_THRESHOLD
    others = clusters.drop(index=best)
    assert (others["score"] < clusters.loc[best, "score"]).all()
    assert (others["score"] < scoring.DEFAULT_THRESHOLD).all()
    row = clusters.loc[best]
    assert row["payment_methods"] == 5
    assert row["proxy_providers"] == "ResiProxy"
    assert row["top_categories"].startswith("reasoning")
    assert row["first_signup"] == pd.Timestamp(T0)
    assert json.loads(row["features"])["size"] == 30
    assert "bias" in json.loads(row["contributions"])


def test_identifiers_and_links_describe_the_cluster(store: Any) -> None:
    _, groups = build_world()
    clusters = clusters_of(store)
    members = members_of(store)
    cid = next(c for c in clusters["cluster_id"] if members[c] == set(groups["campaign"]))
    ident = store.read_result("identifiers").to_pandas()
    mine = ident[ident["cluster_id"] == cid]
    assert set(mine.loc[mine["id_type"] == "payment", "identifier"]) == {f"pp{k}" for k in range(5)}
    assert (mine.loc[mine["id_type"] == "payment", "members"] == 6).all()
    assert set(mine.loc[mine["id_type"] == "proxy", "identifier"]) == {"ResiProxy"}
    links = store.read_result("links").to_pandas()
    mine_links = links[links["cluster_id"] == cid]
    assert set(mine_links["a"]) | set(mine_links["b"]) == set(groups["campaign"])
    assert mine_links["evidence"].str.contains("payment:1").any()
    assert (mine_links["weight"] > 0).all()


def test_rerun_on_same_data_keeps_every_id(store: Any) -> None:
    first = store.first_run
    with store.write_lock():
        second = detect(store)
    a = store.read_result("clusters", first.run_id).to_pandas()
    b = store.read_result("clusters", second.run_id).to_pandas()
    assert sorted(a["cluster_id"]) == sorted(b["cluster_id"])
    assert members_of(store, first.run_id) == members_of(store, second.run_id)
    assert second.stats["max_cluster_number"] == first.stats["max_cluster_number"]


def test_ids_survive_new_accounts_and_new_clusters_get_fresh_ids(tmp_path: Path) -> None:
    s = DuckDBStore(tmp_path / "grow.duckdb")
    s.apply_load(stage(tmp_path, world_tables(), "world"))
    with s.write_lock():
        r1 = detect(s)
    before = members_of(s, r1.run_id)
    # ~1% more accounts: two new campaign accounts on its cards and proxies, a new family
    extra: dict[str, list[dict[str, Any]]] = {"accounts": [], "paid_with": [], "used_ip": []}
    for i in (30, 31):
        extra["accounts"].append(
            dict(
                account_id=f"campaign{i}",
                created_at=T0 + timedelta(hours=5),
                email_local=f"q{i}z8x7{i}",
                email_domain="tmpbox.xyz",
            )
        )
        extra["paid_with"].append(dict(account_id=f"campaign{i}", payment_fingerprint=f"pp{i % 5}"))
        extra["used_ip"] += [
            dict(
                account_id=f"campaign{i}",
                ip=f"45.1.0.{j}",
                first_seen=T0,
                last_seen=T0,
                request_count=500,
                user_agent="python-requests/2.32.3",
            )
            for j in (1, 2)
        ]
    for i in range(3):
        extra["accounts"].append(dict(account_id=f"newfam{i}", created_at=T0 - timedelta(days=40 * i)))
        extra["paid_with"].append(dict(account_id=f"newfam{i}", payment_fingerprint="newfamcard"))
    s.apply_load(stage(tmp_path, {k: tbl(k, v) for k, v in extra.items()}, "more"))
    with s.write_lock():
        r2 = detect(s)
    after = members_of(s, r2.run_id)
    _, groups = build_world()
    old_cid = next(c for c, m in before.items() if m == set(groups["campaign"]))
    assert old_cid in after
    assert {"campaign30", "campaign31"} <= after[old_cid]
    new_ids = set(after) - set(before)
    fam = [c for c in new_ids if after[c] == {f"newfam{i}" for i in range(3)}]
    assert fam, "the new family gets a cluster with a fresh id"
    assert int(fam[0][1:]) > r1.stats["max_cluster_number"]
    s.close()


def test_assign_ids_jaccard_rules() -> None:
    prev = pd.DataFrame(
        {"cluster_id": ["C000001"] * 4 + ["C000002"] * 2, "account_id": ["a", "b", "c", "d", "e", "f"]}
    )
    new = pd.DataFrame(
        {"label": [0, 0, 0, 1, 1, 2, 2, 2], "account_id": ["a", "b", "c", "e", "x", "f", "y", "z"]}
    )
    mapping, nxt = assign_ids(new, prev, next_number=3)
    assert mapping[0] == "C000001"  # 3/4 overlap
    assert mapping[1] == format_id(3)  # {e,x} vs {e,f}: J = 1/3 < 0.5
    assert mapping[2] == format_id(4)
    assert nxt == 5
    # an old id goes to at most one new cluster
    new2 = pd.DataFrame({"label": [0, 0, 1, 1], "account_id": ["a", "b", "c", "d"]})
    mapping2, _ = assign_ids(new2, prev, next_number=3)
    assert sorted(mapping2.values()) == ["C000001", "C000003"]


def test_settings_from_dict_and_file(tmp_path: Path) -> None:
    s = DetectSettings.from_path_or_dict({"resolution": 0.05, "base_weights": {"ip": 0.7}})
    assert s.resolution == 0.05 and s.base_weights["ip"] == 0.7 and s.base_weights["payment"] == 1.0
    p = tmp_path / "d.toml"
    p.write_text("[detect]\nresolution = 0.03\nmin_size = 4\n")
    assert DetectSettings.from_path_or_dict(p).min_size == 4
    with pytest.raises(ConfigError, match="unknown detect setting"):
        DetectSettings.from_path_or_dict({"resolutoin": 1})
    with pytest.raises(ConfigError, match="org"):
        DetectSettings(base_weights={"org": 1.0})
    with pytest.raises(ConfigError):
        DetectSettings(engine="networkx")


def test_detect_on_empty_store_is_a_user_error(tmp_path: Path) -> None:
    s = DuckDBStore(tmp_path / "empty.duckdb")
    with pytest.raises(ConfigError, match="no accounts"):
        detect(s)


def test_gds_engine_needs_neo4j_and_progress_is_reported(tmp_path: Path) -> None:
    s = DuckDBStore(tmp_path / "p.duckdb")
    s.apply_load(stage(tmp_path, world_tables(), "world"))
    with pytest.raises(ConfigError, match="gds"):
        detect(s, DetectSettings(engine="gds"))
    seen: list[tuple[int, int, str]] = []
    with s.write_lock():
        detect(s, progress=lambda done, total, what: seen.append((done, total, what)))
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen)
    assert seen[-1][:2] == (5, 5)
    s.close()


def test_a_store_without_shared_identifiers_gives_an_empty_run(tmp_path: Path) -> None:
    s = DuckDBStore(tmp_path / "lonely.duckdb")
    lonely = {k: tbl(k, v) for k, v in background(3).items() if k in ("accounts", "usage")}
    s.apply_load(stage(tmp_path, lonely, "lonely"))
    with s.write_lock():
        run = detect(s)
    assert run.stats["clusters"] == 0 and run.stats["links"] == 0
    for name, cols in RESULT_TABLES.items():
        t = s.read_result(name)
        assert t.num_rows == 0 and t.column_names == list(cols)
    buf = io.StringIO()
    report = enforcement.write_export(s, "csv", buf)
    assert report.accounts == 0 and buf.getvalue().startswith("cluster_id,account_id,cluster_score")
    assert enforcement.top_campaigns(s).empty
    s.close()
