"""linkgraph.casework.cases and .queue: notes, owners, account decisions, trail and queue, pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from linkgraph import schema
from linkgraph.casework.cases import OPEN, WORKFLOW_NEXT, audit_trail, note_threads, owner_of, owners
from linkgraph.casework.queue import queue_page, review_queue
from linkgraph.decisions import account_decisions, member_adjustments
from linkgraph.model import CaseEvent, Decision

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_case_events_refuse_incomplete_entries():
    with pytest.raises(ValueError, match="author"):
        CaseEvent("C1", "note", " ", note="x")
    with pytest.raises(ValueError, match="account id"):
        CaseEvent("C1", "account", "ana", after="excluded")
    with pytest.raises(ValueError, match="account status"):
        CaseEvent("C1", "account", "ana", account_id="a1", after="banned")
    with pytest.raises(ValueError, match="text"):
        CaseEvent("C1", "note", "ana", note="  ")
    with pytest.raises(ValueError, match="case action"):
        CaseEvent("C1", "delete", "ana")


def test_every_status_has_a_next_step_in_the_workflow():
    assert set(WORKFLOW_NEXT) == {OPEN, *schema.DECISION_STATUSES}
    assert all(set(nxt) <= set(schema.DECISION_STATUSES) for nxt in WORKFLOW_NEXT.values())
    assert {"confirmed", "dismissed"} <= set(WORKFLOW_NEXT["in_review"])


def test_notes_thread_by_reply_and_owner_is_the_newest_assignment():
    events = [
        CaseEvent("C1", "note", "ana", note="same card on 40 accounts", event_id="n1", at=_at(1)),
        CaseEvent("C1", "note", "bo", note="and the same proxy", event_id="n2", reply_to="n1", at=_at(2)),
        CaseEvent("C1", "note", "ana", note="second thread", event_id="n3", at=_at(3)),
        CaseEvent("C1", "note", "ana", note="reply to a lost note", event_id="n4", reply_to="zz", at=_at(4)),
        CaseEvent("C1", "owner", "ana", after="ana", event_id="o1", at=_at(1)),
        CaseEvent("C1", "owner", "bo", before="ana", after="bo", event_id="o2", at=_at(5)),
        CaseEvent("C2", "owner", "bo", after="bo", event_id="o3", at=_at(1)),
        CaseEvent("C2", "owner", "bo", before="bo", after="", event_id="o4", at=_at(2)),
    ]
    threads = note_threads(events)
    assert [t.event.event_id for t in threads] == ["n1", "n3", "n4"]
    assert [r.event.event_id for r in threads[0].replies] == ["n2"]
    assert owner_of(e for e in events if e.campaign_id == "C1") == "bo"
    assert owners(events) == {"C1": "bo"}  # C2 was released


def test_account_decisions_change_member_lists_newest_first():
    events = [
        CaseEvent("C1", "account", "ana", account_id="a1", after="excluded", at=_at(1)),
        CaseEvent("C1", "account", "ana", account_id="a2", after="excluded", at=_at(1)),
        CaseEvent("C1", "account", "bo", account_id="a2", before="excluded", after="cleared", at=_at(2)),
        CaseEvent("C1", "account", "ana", account_id="x9", after="added", at=_at(3)),
        CaseEvent("", "account", "ana", account_id="a3", after="excluded", at=_at(3)),
        CaseEvent("C9", "account", "ana", account_id="y1", after="added", at=_at(3)),
    ]
    assert account_decisions(reversed(events))[("C1", "a2")].after == "cleared"
    adj = member_adjustments(events)
    members = pd.DataFrame(
        {"cluster_id": ["C1", "C1", "C1", "C2", "C2"], "account_id": ["a1", "a2", "a4", "a3", "a5"]}
    )
    out = adj.apply(members)
    assert set(zip(out["cluster_id"], out["account_id"], strict=True)) == {
        ("C1", "a2"),
        ("C1", "a4"),
        ("C1", "x9"),  # added to a campaign being exported
        ("C2", "a5"),  # a3 is excluded from every campaign
    }  # y1 was added to C9, which is not being exported
    assert member_adjustments([]).apply(members) is members


def test_audit_trail_reads_before_and_after_for_every_entry():
    decisions = [
        Decision("C1", "dismissed", "bo", "a university lab", decided_at=_at(3)),
        Decision("C1", "in_review", "ana", decided_at=_at(1)),
    ]
    events = [CaseEvent("C1", "account", "ana", account_id="a1", after="excluded", note="staff", at=_at(2))]
    trail = audit_trail(decisions, events)
    assert list(trail["what"]) == ["status", "account", "status"]
    assert list(zip(trail["before"], trail["after"], strict=True)) == [
        ("in_review", "dismissed"),
        ("", "excluded"),
        (OPEN, "in_review"),
    ]
    assert list(trail["who"]) == ["bo", "ana", "ana"] and trail["why"].iloc[0] == "a university lab"


def test_queue_keeps_undecided_campaigns_by_expected_value():
    campaigns = pd.DataFrame(
        [
            {"cluster_id": "A", "view": "leiden", "status": OPEN, "score": 0.9, "size": 10, "requests": 100},
            {"cluster_id": "B", "view": "leiden", "status": OPEN, "score": 0.5, "size": 100, "requests": 100},
            {
                "cluster_id": "C",
                "view": "leiden",
                "status": "confirmed",
                "score": 1.0,
                "size": 999,
                "requests": 9,
            },
            {
                "cluster_id": "D",
                "view": "leiden",
                "status": "needs_review",
                "score": 0.9,
                "size": 10,
                "requests": 1,
            },
            {
                "cluster_id": "S",
                "view": "strong_components",
                "status": OPEN,
                "score": 1,
                "size": 9,
                "requests": 9,
            },
        ]
    ).assign(evidence="")
    changes = pd.DataFrame(
        {"cluster_id": ["A", "B"], "change": ["new", "+3 -1"], "joined": [10, 3], "left": [0, 1]}
    )
    q = review_queue(campaigns, changes, {"B": "ana"})
    assert list(q["cluster_id"]) == ["B", "A", "D"]  # 5000 > 900 > 9; decided and other views left out
    assert list(q["change"]) == ["+3 -1", "new", ""] and list(q["owner"]) == ["ana", "", ""]


def test_queue_page_shows_enforceable_campaigns_first_and_counts_the_rest() -> None:
    queue = pd.DataFrame({"cluster_id": ["A", "B", "C", "D"], "score": [0.9, 0.8, 0.75, 0.2]})
    page = queue_page(queue, 0.7, limit=2)
    assert list(page.rows["cluster_id"]) == ["A", "B"]
    assert (page.below_score, page.beyond_page) == (1, 1)
    everything = queue_page(queue, 0.0)
    assert list(everything.rows["cluster_id"]) == ["A", "B", "C", "D"]
    assert (everything.below_score, everything.beyond_page) == (0, 0)
