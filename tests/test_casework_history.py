"""A campaign's lineage across runs on a real store where campaigns really split between runs.

Run 1 is the default detection; run 2 re-detects the same data at a finer Leiden resolution,
so some run-1 campaigns split into several. The lineage must show the campaign a split piece
came from and its sibling pieces, with the shared-account counts of the real member tables,
and the case page must draw it (AppTest).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from linkgraph import pipeline
from linkgraph.casework.graph import LINEAGE_COLUMN_GAP, lineage_elements
from linkgraph.casework.history import campaign_lineage
from linkgraph.settings import DetectSettings
from linkgraph.store import open_store
from tests.test_app_support import copy_store

APP = str(Path(__file__).resolve().parent.parent / "app" / "streamlit_app.py")


@pytest.fixture(scope="module")
def split_store(tmp_path_factory) -> tuple[Path, str, str]:
    """The store, a run-2 campaign that split off a run-1 campaign, and that run-1 campaign."""
    root = tmp_path_factory.mktemp("lineage")
    db = copy_store(root, root / "store.duckdb")
    with open_store(str(db)) as s:
        pipeline.detect(s, DetectSettings(resolution=0.2, merge_resolution=0.0))
        for cid in sorted(set(s.read_result("members").to_pandas()["cluster_id"])):
            edges = campaign_lineage(s, cid).edges
            split = edges.groupby("from_id")["to_id"].nunique()
            if len(split) and split.max() > 1:
                return db, cid, str(split.idxmax())
    pytest.fail("no campaign split between the two runs")


def _members(s, run_id: int, cid: str) -> set[str]:
    m = s.read_result("members", run_id).to_pandas()
    return set(m.loc[m["cluster_id"] == cid, "account_id"])


def test_lineage_shows_the_split_with_real_shared_counts(split_store):
    db, cid, parent = split_store
    with open_store(str(db), read_only=True) as s:
        lineage = campaign_lineage(s, cid)
        before = _members(s, 1, parent)
        pieces = lineage.edges[lineage.edges["from_id"] == parent]
        assert len(pieces) >= 2 and cid in set(pieces["to_id"])
        for e in pieces.itertuples(index=False):
            assert e.shared == len(before & _members(s, 2, e.to_id)), e
    nodes = lineage.nodes
    assert set(nodes["run_id"]) == {1, 2} and lineage.runs == 2
    assert nodes.loc[nodes["campaign_id"] == parent, "column"].tolist() == [0]
    assert (nodes.loc[nodes["run_id"] == 2, "column"] == 1).all()


def test_lineage_elements_put_runs_in_columns_and_mark_the_case(split_store):
    db, cid, parent = split_store
    with open_store(str(db), read_only=True) as s:
        lineage = campaign_lineage(s, cid)
    g = lineage_elements(lineage.nodes, lineage.edges, cid)
    assert g.positions is not None and len(g.elements["nodes"]) == len(lineage.nodes)
    by_name = {
        n["data"]["name"].split(" ")[0] + "@" + n["data"]["run"]: n["data"] for n in g.elements["nodes"]
    }
    assert g.positions[by_name[f"{parent}@run 1"]["id"]]["x"] == 0
    assert g.positions[by_name[f"{cid}@run 2"]["id"]]["x"] == LINEAGE_COLUMN_GAP
    assert by_name[f"{cid}@run 2"].get("focus") == "yes"
    assert len(g.elements["edges"]) == len(lineage.edges)
    assert {e["data"]["shared"] for e in g.elements["edges"]} == set(lineage.edges["shared"])


def test_case_page_draws_the_lineage(split_store, monkeypatch, tmp_path):
    db, cid, _ = split_store
    monkeypatch.setenv("LINKGRAPH_DB", str(db))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("LINKGRAPH_USERS", str(tmp_path / "no-users.json"))
    monkeypatch.setenv("LINKGRAPH_USER", "ana")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["cluster_id"] = cid
    at.run()
    at.switch_page("app_pages/case.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="case_pick").value == cid
    assert any("a split" in c.value for c in at.caption), "the lineage graph's legend is missing"
    history = next(d.value for d in at.dataframe if "relation" in d.value.columns)
    assert "split off" in set(history["relation"]) or "merged in" in set(history["relation"])
