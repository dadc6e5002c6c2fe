"""linkgraph.casework.accounts: search, one account, and the path linking two, on a real store."""

from __future__ import annotations

import pytest

from linkgraph.casework.accounts import account_detail, account_neighbourhood, linking_path, search_accounts
from linkgraph.casework.campaigns import CampaignFilter, filter_campaigns, load_campaigns
from linkgraph.casework.evidence import cluster_members
from linkgraph.casework.graph import neighbourhood_graph, path_graph
from linkgraph.errors import QueryError


def test_account_search_and_linking_path(detected_store):
    campaigns = load_campaigns(detected_store)
    cid = filter_campaigns(campaigns, CampaignFilter()).iloc[0]["cluster_id"]
    members = cluster_members(detected_store, cid)
    a, b = members["account_id"].iloc[0], members["account_id"].iloc[-1]
    email = members["email"].iloc[0]
    hits = search_accounts(detected_store, email)
    assert a in set(hits["account_id"]) and cid in set(hits["cluster_id"])
    assert search_accounts(detected_store, "   ").empty
    props = account_detail(detected_store, a)
    assert props is not None and props["cluster_id"] == cid
    assert account_detail(detected_store, "no-such-account") is None
    found = linking_path(detected_store, a, b)
    assert found is not None and found.path["node"].iloc[0] == a and found.path["node"].iloc[-1] == b
    assert found.text.startswith(a) and found.text.endswith(b) and len(found.identifiers) >= 1
    assert path_graph(found.path).accounts == int((found.path["label"] == "Account").sum())
    with pytest.raises(QueryError):
        linking_path(detected_store, a, "no-such-account")
    g = neighbourhood_graph(account_neighbourhood(detected_store, a, 2), a)
    assert any(n["data"].get("focus") == "yes" for n in g.elements["nodes"])
