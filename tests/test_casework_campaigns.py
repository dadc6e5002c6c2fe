"""linkgraph.casework.campaigns and .status: the ranked table, its filters, and what the store holds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pyarrow as pa

from linkgraph.casework.campaigns import (
    CampaignFilter,
    campaigns_table,
    filter_campaigns,
    provider_options,
    view_options,
)
from linkgraph.casework.status import store_status
from linkgraph.model import RESULT_TABLES, Decision
from linkgraph.store import open_store

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _clusters(rows):
    full = []
    for r in rows:
        base = {
            "cluster_id": "C",
            "score": 0.5,
            "size": 3,
            "evidence": "",
            "features": "{}",
            "contributions": "{}",
            "first_signup": T0,
            "last_signup": T0,
            "payment_methods": 1,
            "proxy_providers": "",
            "requests": 0,
            "top_categories": "",
            "view": "leiden",
        }
        base.update(r)
        full.append(base)
    return pa.Table.from_pylist(full, schema=pa.schema(list(RESULT_TABLES["clusters"].items())))


def test_latest_decision_is_in_force_and_ranks_by_score():
    clusters = _clusters(
        [
            {"cluster_id": "A", "score": 0.2, "size": 10},
            {"cluster_id": "B", "score": 0.9, "size": 5},
            {"cluster_id": "C", "score": 0.9, "size": 50},
        ]
    )
    ds = [
        Decision("B", "needs_review", "ana", decided_at=T0),
        Decision("B", "dismissed", "bo", "benign lab", decided_at=T0 + timedelta(hours=1)),
        Decision("A", "confirmed", "ana", decided_at=T0),
    ]
    df = campaigns_table(clusters, ds)
    assert list(df["cluster_id"]) == ["C", "B", "A"]  # score, then size
    assert dict(zip(df["cluster_id"], df["status"], strict=True)) == {
        "A": "confirmed",
        "B": "dismissed",
        "C": "open",
    }
    assert df.loc[df["cluster_id"] == "B", "analyst"].item() == "bo"


def test_every_filter_narrows_the_table():
    clusters = _clusters(
        [
            {
                "cluster_id": "A",
                "score": 0.95,
                "size": 40,
                "proxy_providers": "OctoProxy,Aerie",
                "first_signup": T0,
                "last_signup": T0 + timedelta(days=2),
            },
            {
                "cluster_id": "B",
                "score": 0.6,
                "size": 4,
                "proxy_providers": "Aerie",
                "first_signup": T0 + timedelta(days=10),
                "last_signup": T0 + timedelta(days=11),
            },
            {
                "cluster_id": "C",
                "score": 0.3,
                "size": 12,
                "proxy_providers": "",
                "first_signup": T0 - timedelta(days=30),
                "last_signup": T0 - timedelta(days=20),
            },
            {"cluster_id": "S", "score": 0.99, "size": 3, "view": "strong_components"},
        ]
    )
    df = campaigns_table(clusters, [Decision("B", "confirmed", "ana", decided_at=T0)])

    def ids(**kw):
        return list(filter_campaigns(df, CampaignFilter(**kw))["cluster_id"])

    assert ids() == ["A", "B", "C"]
    assert ids(view="strong_components") == ["S"]
    assert ids(min_score=0.5) == ["A", "B"]
    assert ids(min_size=10) == ["A", "C"]
    assert ids(max_size=20) == ["B", "C"]
    assert ids(providers=("OctoProxy",)) == ["A"]
    assert ids(providers=("Aerie",)) == ["A", "B"]
    assert ids(statuses=("confirmed",)) == ["B"]
    assert ids(statuses=("open",)) == ["A", "C"]
    assert ids(signup_from=date(2026, 3, 5)) == ["B"]  # windows that reach into the range
    assert ids(signup_to=date(2026, 3, 1)) == ["A", "C"]
    assert ids(signup_from=date(2026, 3, 2), signup_to=date(2026, 3, 2)) == ["A"]
    assert ids(cluster_ids=("C", "S")) == ["C"]
    assert provider_options(df) == ["Aerie", "OctoProxy"]
    assert view_options(df) == ["leiden", "strong_components"]


def test_empty_store_status_tells_what_to_do(tmp_path):
    s = open_store(str(tmp_path / "empty.duckdb"))
    status = store_status(s)
    assert not status.has_accounts and "linkgraph load" in status.guidance
