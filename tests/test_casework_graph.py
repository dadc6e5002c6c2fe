"""linkgraph.casework.graph: bounded, escaped graph elements of a campaign or an account."""

from __future__ import annotations

import pandas as pd

from linkgraph.casework.campaigns import CampaignFilter, filter_campaigns, load_campaigns
from linkgraph.casework.evidence import cluster_members, shared_infrastructure
from linkgraph.casework.graph import cluster_edges, graph_elements, neighbourhood_pairs, sample_members


def test_cluster_graph_is_bounded_and_only_shows_linking_identifiers(detected_store):
    campaigns = load_campaigns(detected_store)
    top = filter_campaigns(campaigns, CampaignFilter()).iloc[0]
    cid = top["cluster_id"]
    member_ids = list(cluster_members(detected_store, cid)["account_id"])
    edges = cluster_edges(detected_store, cid, member_ids, max_accounts=10)
    assert edges.sampled == 10 and edges.members == len(member_ids)
    assert set(edges.pairs["account_id"]) == set(sample_members(member_ids, 10))
    assert set(edges.pairs["account_id"]) <= set(member_ids)
    infra = shared_infrastructure(detected_store.read_result("identifiers"), cid)
    shared = set(infra[["id_type", "identifier"]].itertuples(index=False, name=None))
    g = graph_elements(edges.pairs, shared, max_accounts=8, max_identifiers=15)
    nodes = g.elements["nodes"]
    node_ids = {n["data"]["id"] for n in nodes}
    assert g.accounts == 8 and g.identifiers <= 15 and g.dropped_accounts == 2
    assert len(node_ids) == len(nodes)
    assert all(
        e["data"]["source"] in node_ids and e["data"]["target"] in node_ids for e in g.elements["edges"]
    )
    drawn_ids = {(n["data"]["kind"], n["data"]["name"]) for n in nodes if n["data"]["label"] != "Account"}
    assert drawn_ids <= shared
    # size grows with degree
    by_degree = sorted((n["data"]["degree"], n["data"]["size"]) for n in nodes)
    assert [s for _, s in by_degree] == sorted(s for _, s in by_degree)


def test_graph_elements_escape_values_and_drop_single_use_identifiers():
    pairs = pd.DataFrame(
        [
            {
                "account_id": "<script>alert(1)</script>",
                "id_type": "payment",
                "label": "PaymentMethod",
                "identifier": "fp1",
            },
            {"account_id": "b", "id_type": "payment", "label": "PaymentMethod", "identifier": "fp1"},
            {"account_id": "b", "id_type": "device", "label": "Device", "identifier": "only-b"},
        ]
    )
    g = graph_elements(pairs)
    names = {n["data"]["name"] for n in g.elements["nodes"]}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in names and not any("<" in n for n in names)
    assert "only-b" not in names and g.identifiers == 1
    assert graph_elements(pairs.iloc[0:0]).empty


def test_neighbourhood_pairs_lift_provider_and_subnet_to_the_account():
    nbh = pd.DataFrame(
        [
            {
                "src_label": "Account",
                "src": "a",
                "rel": "USED_IP",
                "dst_label": "IPAddress",
                "dst": "1.2.3.4",
                "hop": 1,
            },
            {
                "src_label": "IPAddress",
                "src": "1.2.3.4",
                "rel": "VIA_PROXY",
                "dst_label": "ProxyProvider",
                "dst": "Octo",
                "hop": 1,
            },
            {
                "src_label": "IPAddress",
                "src": "1.2.3.4",
                "rel": "IN_SUBNET",
                "dst_label": "Subnet",
                "dst": "1.2.3.0/24",
                "hop": 1,
            },
        ]
    )
    pairs = neighbourhood_pairs(nbh)
    assert set(pairs.itertuples(index=False, name=None)) == {
        ("a", "ip", "IPAddress", "1.2.3.4"),
        ("a", "proxy", "ProxyProvider", "Octo"),
        ("a", "subnet", "Subnet", "1.2.3.0/24"),
    }
