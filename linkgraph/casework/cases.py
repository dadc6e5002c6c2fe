"""A campaign's case: who owns it, its workflow status, threaded notes, account decisions, trail.

Everything is written by a signed-in ``users.Actor`` with the analyst role and appended, never
updated: campaign statuses to the decisions (the register the outputs read), owners, notes and
account-level decisions to the case events. Each case event stores what was in force before
it, so the audit trail reads who, when, before -> after, why without replaying anything.

``decide`` is the one entry point for "decide on this id", shared by ``linkgraph decide`` and
the app: an id naming neither a campaign of the latest run nor a known account is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from linkgraph import schema
from linkgraph.decisions import account_decisions, in_force, stale_decisions
from linkgraph.errors import NoRunError, UnknownTargetError
from linkgraph.model import CaseEvent, Decision
from linkgraph.store.base import Store
from linkgraph.users import Actor, require_analyst

OPEN = "open"
WORKFLOW: tuple[str, ...] = (OPEN, "in_review", "confirmed", "dismissed")
# What a campaign-level status means for one account (``linkgraph decide ACCOUNT --status``).
ACCOUNT_STATUS_OF: dict[str, str] = {"dismissed": "excluded", "confirmed": "confirmed"}


# --------------------------------------------------------------------------- writing
def set_status(store: Store, actor: Actor, campaign_id: str, status: str, note: str = "") -> Decision:
    """Move a campaign through its workflow (a decision: what the outputs follow)."""
    require_analyst(actor)
    return store.add_decision(Decision(campaign_id, schema.decision_status(status), actor.name, note))


def set_owner(store: Store, actor: Actor, campaign_id: str, owner: str, note: str = "") -> CaseEvent:
    """Give the case to ``owner`` ("" releases it)."""
    require_analyst(actor)
    before = owner_of(store.case_events(campaign_id))
    return store.add_case_event(
        CaseEvent(campaign_id, "owner", actor.name, before=before, after=owner, note=note)
    )


def add_note(store: Store, actor: Actor, campaign_id: str, text: str, reply_to: str = "") -> CaseEvent:
    """A note on the case, or a reply to one (``reply_to`` is the note's ``event_id``)."""
    require_analyst(actor)
    return store.add_case_event(
        CaseEvent(campaign_id, "note", actor.name, note=text.strip(), reply_to=reply_to)
    )


def set_account_status(
    store: Store, actor: Actor, campaign_id: str, account_id: str, status: str, note: str = ""
) -> CaseEvent:
    """An account-level decision within a campaign: ``excluded``, ``added``, ``confirmed``, ``cleared``."""
    require_analyst(actor)
    current = account_decisions(store.case_events(campaign_id)).get((campaign_id, account_id))
    before = current.after if current is not None else ""
    return store.add_case_event(
        CaseEvent(
            campaign_id, "account", actor.name, account_id=account_id, before=before, after=status, note=note
        )
    )


@dataclass(frozen=True)
class Decided:
    """What ``decide`` recorded, for a one-line confirmation."""

    target: Literal["campaign", "account"]
    target_id: str
    campaign_id: str
    status: str
    author: str

    @property
    def summary(self) -> str:
        if self.target == "campaign":
            return f"campaign {self.target_id}: {self.status} by {self.author}"
        where = f" in campaign {self.campaign_id}" if self.campaign_id else " in every campaign"
        return f"account {self.target_id}{where}: {self.status} by {self.author}"


def decide(
    store: Store, actor: Actor, target: str, status: str, note: str = "", campaign: str | None = None
) -> Decided:
    """Record ``status`` on a campaign id or an account id; refuse an id that names neither.

    On an account, ``dismissed`` excludes it from its campaign (a false positive) and
    ``confirmed`` confirms it; with ``campaign`` naming a campaign it is not a member of,
    ``confirmed`` adds it there. The account's campaign defaults to its one in the latest run.
    """
    require_analyst(actor)
    target = target.strip()
    campaigns = _latest_campaigns(store)
    if target in campaigns:
        set_status(store, actor, target, status, note)
        return Decided("campaign", target, target, status, actor.name)
    account = store.query("account", {"account_id": target})
    if account.empty:
        raise UnknownTargetError(f"{target!r} is neither a campaign of the latest run nor a known account")
    if status not in ACCOUNT_STATUS_OF:
        raise UnknownTargetError(f"an account takes --status confirmed or dismissed, not {status!r}")
    current = account["cluster_id"].iloc[0]
    home = "" if current is None or pd.isna(current) else str(current)
    where = campaign or home
    if campaign and campaign not in campaigns:
        raise UnknownTargetError(f"{campaign!r} is not a campaign of the latest run")
    account_status = ACCOUNT_STATUS_OF[status]
    if account_status == "confirmed" and where and where != home:
        account_status = "added"
    set_account_status(store, actor, where, target, account_status, note)
    return Decided("account", target, where, account_status, actor.name)


def _latest_campaigns(store: Store) -> set[str]:
    if not store.runs():
        raise NoRunError("no detection run yet: run `linkgraph detect` first")
    return set(store.read_result("clusters").column("cluster_id").to_pylist())


# --------------------------------------------------------------------------- reading
def owner_of(events: Iterable[CaseEvent]) -> str:
    """The owner in force: the newest owner event's ``after`` ("" when none)."""
    owners = [e for e in events if e.action == "owner"]
    newest = max(owners, key=lambda e: e.at or pd.Timestamp.min.tz_localize("UTC"), default=None)
    return newest.after if newest is not None else ""


def owners(events: Iterable[CaseEvent]) -> dict[str, str]:
    """The owner in force per campaign (campaigns without one left out)."""
    by_campaign: dict[str, list[CaseEvent]] = {}
    for e in events:
        if e.action == "owner":
            by_campaign.setdefault(e.campaign_id, []).append(e)
    return {c: o for c, es in by_campaign.items() if (o := owner_of(es))}


@dataclass(frozen=True)
class Note:
    event: CaseEvent
    replies: list[Note] = field(default_factory=list)


def note_threads(events: Iterable[CaseEvent]) -> list[Note]:
    """Notes as threads, oldest first; a reply to an unknown note starts its own thread."""
    notes = sorted((e for e in events if e.action == "note"), key=lambda e: (e.at is None, e.at, e.event_id))
    nodes = {e.event_id: Note(e) for e in notes}
    roots: list[Note] = []
    for e in notes:
        parent = nodes.get(e.reply_to) if e.reply_to else None
        (parent.replies if parent is not None and parent is not nodes[e.event_id] else roots).append(
            nodes[e.event_id]
        )
    return roots


@dataclass(frozen=True)
class Case:
    """A campaign's case file as the case view shows it."""

    campaign_id: str
    status: str  # one of WORKFLOW or needs_review
    stale: bool  # its decision was made before the campaign changed a lot
    owner: str
    notes: list[Note]
    accounts: pd.DataFrame  # account_id, status, author, at, note: account decisions in force
    trail: pd.DataFrame  # the audit trail (``audit_trail``)


def load_case(store: Store, campaign_id: str) -> Case:
    decisions = store.decisions(campaign_id)
    events = store.case_events(campaign_id)
    current = in_force(decisions)
    stale = stale_decisions(store, current)
    status = current[campaign_id].status if campaign_id in current else OPEN
    if campaign_id in stale:
        status = "needs_review"
    return Case(
        campaign_id=campaign_id,
        status=status,
        stale=campaign_id in stale,
        owner=owner_of(events),
        notes=note_threads(events),
        accounts=account_table(events, campaign_id),
        trail=audit_trail(decisions, events),
    )


def account_table(events: Iterable[CaseEvent], campaign_id: str) -> pd.DataFrame:
    """The account decisions in force in a campaign (``cleared`` ones left out)."""
    cols = ["account_id", "status", "author", "at", "note"]
    rows = [
        {"account_id": a, "status": e.after, "author": e.author, "at": e.at, "note": e.note}
        for (c, a), e in sorted(account_decisions(events).items())
        if c in (campaign_id, "") and e.after != "cleared"
    ]
    return pd.DataFrame(rows, columns=cols)


def audit_trail(decisions: Iterable[Decision], events: Iterable[CaseEvent]) -> pd.DataFrame:
    """Every decision and case event, newest first: when, who, what, before -> after, why.

    A decision's ``before`` is the status in force just before it (decisions are append-only,
    so the previous one in time is exact); case events carry theirs.
    """
    cols = ["at", "who", "campaign_id", "what", "account_id", "before", "after", "why"]
    rows = []
    by_campaign: dict[str, list[Decision]] = {}
    for d in decisions:
        by_campaign.setdefault(d.cluster_id, []).append(d)
    for cid, ds in by_campaign.items():
        ordered = sorted(ds, key=lambda d: (d.decided_at is None, d.decided_at))
        before = OPEN
        for d in ordered:
            rows.append(
                {
                    "at": d.decided_at,
                    "who": d.analyst,
                    "campaign_id": cid,
                    "what": "status",
                    "account_id": "",
                    "before": before,
                    "after": d.status,
                    "why": d.note,
                }
            )
            before = d.status
    for e in events:
        what = {"account": "account", "owner": "owner", "note": "note"}[e.action]
        rows.append(
            {
                "at": e.at,
                "who": e.author,
                "campaign_id": e.campaign_id,
                "what": what,
                "account_id": e.account_id,
                "before": e.before,
                "after": e.after,
                "why": e.note,
            }
        )
    df = pd.DataFrame(rows, columns=cols)
    if df.empty:
        return df
    df["at"] = pd.to_datetime(df["at"], utc=True)
    return df.sort_values("at", ascending=False, kind="stable").reset_index(drop=True)


# The statuses a campaign can move to from each one (the case view offers these).
WORKFLOW_NEXT: dict[str, tuple[str, ...]] = {
    OPEN: ("in_review", "confirmed", "dismissed"),
    "in_review": ("confirmed", "dismissed", "needs_review"),
    "needs_review": ("in_review", "confirmed", "dismissed"),
    "confirmed": ("in_review", "dismissed"),
    "dismissed": ("in_review", "confirmed"),
}
