"""Enforcement and sharing outputs in all four formats from a real DuckDB store, with analyst decisions."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import stix2

from linkgraph import enforcement, scoring
from linkgraph.detection import detect
from linkgraph.errors import ConfigError, NoRunError
from linkgraph.model import Decision
from linkgraph.sharing.keys import SharingKey
from linkgraph.store.duckdb import DuckDBStore
from tests.test_detection import stage, world_tables
from tests.test_scoring import build_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("exports")
    s = DuckDBStore(tmp / "x.duckdb")
    s.apply_load(stage(tmp, world_tables(), "world"))
    with s.write_lock():
        run = detect(s)
    members = s.read_result("members").to_pandas()
    by_cluster = {c: set(g["account_id"]) for c, g in members.groupby("cluster_id")}
    _, groups = build_world()
    campaign = next(c for c, m in by_cluster.items() if m == set(groups["campaign"]))
    yield s, run, campaign, by_cluster
    s.close()


def test_csv_is_the_enforcement_list_with_contract_columns(world: Any, tmp_path: Path) -> None:
    s, run, campaign, by_cluster = world
    out = tmp_path / "ban.csv"
    report = enforcement.write_export(s, "csv", out)
    rows = list(csv.DictReader(out.open()))
    header = next(csv.reader(out.open()))
    assert header[:5] == ["cluster_id", "account_id", "cluster_score", "cluster_size", "evidence"]
    assert {r["account_id"] for r in rows} == by_cluster[campaign]
    assert {r["cluster_id"] for r in rows} == {campaign}
    assert all(float(r["cluster_score"]) >= scoring.DEFAULT_THRESHOLD for r in rows)
    assert all(int(r["cluster_size"]) == 30 for r in rows)
    assert report.run_id == run.run_id and report.accounts == 30 and report.clusters == 1
    assert rows[0]["evidence"].startswith("30 accounts")


def test_min_score_and_all_change_the_selection(world: Any) -> None:
    s, _, _, _ = world
    buf = io.StringIO()
    everything = enforcement.write_export(s, "csv", buf, include_all=True)
    leiden = s.read_result("clusters").to_pandas().query("view == 'leiden'")
    assert everything.clusters == len(leiden)
    assert everything.accounts == int(leiden["size"].sum())
    none = enforcement.write_export(s, "csv", io.StringIO(), min_score=1.0)
    assert none.accounts == 0


def test_json_lists_clusters_with_members_identifiers_and_run(world: Any) -> None:
    s, run, campaign, by_cluster = world
    buf = io.StringIO()
    enforcement.write_export(s, "json", buf)
    doc = json.loads(buf.getvalue())
    assert isinstance(doc, list) and len(doc) == 1
    c = doc[0]
    assert c["cluster_id"] == campaign and c["run_id"] == run.run_id
    assert 0 <= c["score"] <= 1
    assert {m["account_id"] for m in c["members"]} == by_cluster[campaign]
    assert {(i["id_type"], i["identifier"]) for i in c["identifiers"]} >= {
        ("payment", "pp0"),
        ("proxy", "ResiProxy"),
    }
    assert c["features"]["size"] == 30 and "bias" in c["contributions"]


def test_graphml_parses_with_networkx(world: Any, tmp_path: Path) -> None:
    s, _, campaign, by_cluster = world
    out = tmp_path / "c.graphml"
    enforcement.write_export(s, "graphml", out)
    g = nx.read_graphml(out)
    accounts = {d["label"] for _, d in g.nodes(data=True) if d["kind"] == "Account"}
    assert accounts == by_cluster[campaign]
    assert "payment:pp0" in g and "proxy:ResiProxy" in g
    assert g.degree("payment:pp0") == 6
    assert g.edges["account:campaign0", "payment:pp0"]["rel"] == "PAID_WITH"


def test_stix_bundle_parses_is_deterministic_and_holds_no_raw_user_values(world: Any) -> None:
    s, run, campaign, _ = world
    a, b = io.StringIO(), io.StringIO()
    enforcement.write_export(s, "stix", a)
    enforcement.write_export(s, "stix", b)
    assert a.getvalue() == b.getvalue()
    bundle = stix2.parse(a.getvalue(), allow_custom=True)
    by_type: dict[str, list[Any]] = {}
    for o in bundle.objects:
        by_type.setdefault(o["type"], []).append(o)
    (grouping,) = by_type["grouping"]
    assert grouping["x_linkgraph_cluster_id"] == campaign
    assert grouping["x_linkgraph_score"] >= scoring.DEFAULT_THRESHOLD
    assert [i["name"] for i in by_type["infrastructure"]] == ["resiproxy"]
    refs = set(grouping["object_refs"])
    assert all(o["id"] in refs for t in ("indicator", "infrastructure") for o in by_type[t])
    # without a sharing key nothing of a user is written: no payment fingerprints, no
    # residential-proxy addresses, no account ids
    text = a.getvalue()
    assert not any(f"'pp{k}'" in text for k in range(5))
    assert not any(f"'45.1.0.{k}'" in text for k in range(10))
    assert "user-account" not in by_type and "campaign0" not in text
    # with one, residential addresses are keyed hashes a peer holding the key can match
    keyed = io.StringIO()
    enforcement.write_export(s, "stix", keyed, key=SharingKey(b"a sharing key of 32 bytes, test!"))
    kinds = {
        (o["x_linkgraph_kind"], o["x_linkgraph_hashed"])
        for o in json.loads(keyed.getvalue())["objects"]
        if o["type"] == "indicator"
    }
    assert ("ip", True) in kinds and "'45.1.0.1'" not in keyed.getvalue()


def test_decisions_dismissed_never_confirmed_always(world: Any, tmp_path: Path) -> None:
    s, _, campaign, by_cluster = world
    leiden = s.read_result("clusters").to_pandas().query("view == 'leiden'")
    low = leiden.sort_values("score")["cluster_id"].iloc[0]
    s.add_decision(Decision(campaign, "confirmed", "ana"))
    s.add_decision(Decision(campaign, "dismissed", "ben", "known research partner"))  # newest wins
    s.add_decision(Decision(low, "confirmed", "ana"))
    try:
        buf = io.StringIO()
        report = enforcement.write_export(s, "csv", buf)
        ids = {r["cluster_id"] for r in csv.DictReader(io.StringIO(buf.getvalue()))}
        assert ids == {low}
        assert report.dismissed_skipped == 1
        all_ = io.StringIO()
        enforcement.write_export(s, "json", all_, include_all=True)
        assert campaign not in {c["cluster_id"] for c in json.loads(all_.getvalue())}
        named = io.StringIO()
        enforcement.write_export(s, "json", named, cluster_ids=[campaign])
        (c,) = json.loads(named.getvalue())
        assert c["decision"] == "dismissed"
        top = enforcement.top_campaigns(s, 3)
        assert list(top.columns) == ["cluster_id", "score", "size", "decision", "evidence"]
        assert top.loc[0, "cluster_id"] == campaign and top.loc[0, "decision"] == "dismissed"
    finally:
        s.add_decision(Decision(campaign, "needs_review", "ana"))
        s.add_decision(Decision(low, "needs_review", "ana"))


def test_bad_format_and_missing_run(tmp_path: Path, world: Any) -> None:
    s, *_ = world
    with pytest.raises(ConfigError):
        enforcement.write_export(s, "xml", io.StringIO())
    with pytest.raises(ConfigError):
        enforcement.write_export(s, "csv", io.StringIO(), run_id=999)
    empty = DuckDBStore(tmp_path / "none.duckdb")
    with pytest.raises(NoRunError):
        enforcement.write_export(empty, "csv", io.StringIO())
    assert enforcement.top_campaigns(empty).empty
