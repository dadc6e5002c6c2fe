"""linkgraph.decisions: the one rule for which decision is in force, shared by the app and the outputs."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pandas as pd

from linkgraph import enforcement
from linkgraph.casework.campaigns import load_campaigns
from linkgraph.decisions import decisions_in_force, decisions_table, in_force, record_decision
from linkgraph.model import Decision

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_newest_decision_wins_whatever_the_order_given():
    older = Decision("A", "confirmed", "ana", decided_at=T0)
    newer = Decision("A", "dismissed", "bo", "benign lab", decided_at=T0 + timedelta(minutes=1))
    other = Decision("B", "needs_review", "ana", decided_at=T0)
    for given in ([older, newer, other], [newer, older, other], [other, newer, older]):
        current = in_force(given)
        assert current == {"A": newer, "B": other}


def test_equal_times_keep_the_first_listed_because_stores_list_newest_first():
    first = Decision("A", "dismissed", "bo", decided_at=T0)
    second = Decision("A", "confirmed", "ana", decided_at=T0)
    assert in_force([first, second])["A"] is first
    assert in_force([second, first])["A"] is second


def test_app_table_and_enforcement_list_see_the_same_decision(detected_store):
    s = detected_store
    campaigns = load_campaigns(s)
    leiden = campaigns[campaigns["view"] == "leiden"]
    a, b = leiden["cluster_id"].iloc[0], leiden["cluster_id"].iloc[1]
    record_decision(s, a, "confirmed", "ana")
    record_decision(s, a, "dismissed", "bo", "a university lab")  # supersedes the confirmation
    record_decision(s, b, "confirmed", "ana")
    current = decisions_in_force(s)
    assert current[a].status == "dismissed" and current[b].status == "confirmed"
    shown = load_campaigns(s).set_index("cluster_id")["status"]
    assert shown[a] == "dismissed" and shown[b] == "confirmed"
    _, selected, skipped = enforcement.select_clusters(s, include_all=True)
    assert a not in set(selected["cluster_id"]) and skipped >= 1
    assert dict(zip(selected["cluster_id"], selected["decision"], strict=True))[b] == "confirmed"
    buf = io.StringIO()
    enforcement.write_export(s, "csv", buf, include_all=True)
    exported = pd.read_csv(io.StringIO(buf.getvalue()))
    assert a not in set(exported["cluster_id"]) and b in set(exported["cluster_id"])
    trail = decisions_table(s.decisions(a))
    assert list(trail["status"]) == ["dismissed", "confirmed"]  # the audit trail keeps both
