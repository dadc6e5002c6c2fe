"""linkgraph.casework.library: every named query runs from the library with its text shown."""

from __future__ import annotations

import pytest

from linkgraph.casework.library import REPLACEMENTS, entries, run_entry, statement_text
from linkgraph.decisions import record_decision
from linkgraph.errors import QueryError
from linkgraph.investigate import QUERIES


def test_every_named_query_is_in_the_library_with_its_statement():
    names = [e.name for e in entries()]
    assert names[: len(QUERIES)] == list(QUERIES) and names[-1] == REPLACEMENTS
    for name in QUERIES:
        text, language = statement_text(name, "neo4j")
        assert language == "cypher" and "MATCH" in text.upper(), name


def test_library_runs_queries_and_draws_paths_and_subgraphs(detected_store):
    s = detected_store
    clusters = s.read_result("clusters").to_pandas()
    cid = clusters[clusters["view"] == "leiden"].sort_values("score", ascending=False)["cluster_id"].iloc[0]
    members = run_entry(s, "cluster_members", {"cluster_id": cid, "limit": "50"})
    assert 0 < len(members.rows) <= 50 and members.graph is None and members.runs == 1
    a, b = members.rows["account_id"].iloc[0], members.rows["account_id"].iloc[-1]
    path = run_entry(s, "shortest_path", {"a": a, "b": b, "max_hops": ""})
    assert path.graph is not None and path.graph.accounts >= 2
    sub = run_entry(s, "cluster_graph", {"cluster_id": cid})
    assert sub.graph is not None and sub.graph.identifiers >= 1
    nbh = run_entry(s, "neighbourhood", {"account_id": a, "depth": "1"})
    assert nbh.graph is not None and not nbh.graph.empty
    with pytest.raises(QueryError, match="limit"):
        run_entry(s, "cluster_members", {"cluster_id": cid, "limit": "many"})


def test_replacements_of_confirmed_campaigns_runs_per_confirmed_campaign(detected_store):
    s = detected_store
    assert run_entry(s, REPLACEMENTS, {"since": "2000-01-01"}).runs == 0
    clusters = s.read_result("clusters").to_pandas()
    top = clusters[clusters["view"] == "leiden"].sort_values("score", ascending=False)["cluster_id"].iloc[:2]
    for cid in top:
        record_decision(s, cid, "confirmed", "ana")
    found = run_entry(s, REPLACEMENTS, {"since": "2000-01-01"})
    assert found.runs == 2 and set(found.rows["campaign_id"]) <= set(top)
    assert list(found.rows.columns)[:2] == ["campaign_id", "account_id"]
