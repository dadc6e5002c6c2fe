"""linkgraph.casework.evidence: why a campaign was flagged, on a real detected store."""

from __future__ import annotations

import json

from linkgraph.casework.campaigns import CampaignFilter, filter_campaigns, load_campaigns
from linkgraph.casework.evidence import (
    cluster_members,
    daily_traffic,
    infrastructure_summary,
    raw_features,
    score_breakdown,
    shared_infrastructure,
    signup_timeline,
)
from linkgraph.casework.status import store_status


def test_score_breakdown_orders_by_effect_and_drops_zeros():
    row = {
        "features": json.dumps({"shared_payment": 0.97, "size": 34, "top_domain": "x.com"}),
        "contributions": json.dumps({"bias": -5.5, "shared_payment": 1.94, "vpn": 0.0, "size": 0.25}),
    }
    b = score_breakdown(row)
    assert list(b["feature"]) == ["bias", "shared_payment", "size"]
    assert list(b["value"]) == ["", "0.97", "34"]
    assert score_breakdown({"features": "not json", "contributions": None}).empty
    assert set(raw_features(row)["feature"]) == {"shared_payment", "size", "top_domain"}


def test_campaign_data_from_a_detected_store(detected_store):
    status = store_status(detected_store)
    assert status.has_accounts and status.has_run and status.guidance == ""
    campaigns = load_campaigns(detected_store)
    top = filter_campaigns(campaigns, CampaignFilter()).iloc[0]
    cid = top["cluster_id"]
    members = cluster_members(detected_store, cid)
    assert len(members) == top["size"]
    infra = shared_infrastructure(detected_store.read_result("identifiers"), cid)
    assert not infra.empty and infra["members"].is_monotonic_decreasing
    assert infra["members"].max() <= top["size"]
    summary = infrastructure_summary(infra)
    assert summary["identifiers"].sum() == len(infra)
    timeline = signup_timeline(members)
    assert timeline["signups"].sum() == len(members)
    traffic = daily_traffic(detected_store, cid, list(members["account_id"]))
    usage = detected_store.read_table("usage").to_pandas()
    assert (
        traffic["requests"].sum()
        == usage[usage["account_id"].isin(members["account_id"])]["requests"].sum()
        > 0
    )
