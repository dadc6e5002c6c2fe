"""Analyst decisions: recording one, the audit trail, and which is in force.

Which decision is in force is the one rule the app and every output share.

Decisions are append-only (an audit trail): a new decision on a cluster never replaces the old
row, it supersedes it. The decision in force on a cluster is the newest by ``decided_at``;
when two carry the same time (or none), the one listed first wins, and stores list decisions
newest first, so the last one written is in force.

Across detection runs a campaign keeps its id when its members mostly stay (``detection``'s
Jaccard matching), so its decision carries over. A campaign that changed a lot since its
decision (members then and now with Jaccard below ``DRIFT_JACCARD``) does not silently inherit
it: the decision is stale, the campaign is shown as needing review, and the outputs treat it
by its score until an analyst decides again.

Account-level decisions (``model.CaseEvent`` with action ``account``) adjust a campaign's
members in every output: an ``excluded`` account (a false positive) stays out of that
campaign's enforcement list in every later run, an ``added`` or ``confirmed`` account is in it
even when detection leaves it out, ``cleared`` withdraws the account decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from linkgraph import schema
from linkgraph.model import CaseEvent, Decision, RunRecord
from linkgraph.store.base import Store


def in_force(decisions: Iterable[Decision]) -> dict[str, Decision]:
    """The decision in force per cluster id (module docstring)."""
    out: dict[str, Decision] = {}
    for d in decisions:
        cur = out.get(d.cluster_id)
        if cur is None or (
            d.decided_at is not None and cur.decided_at is not None and d.decided_at > cur.decided_at
        ):
            out[d.cluster_id] = d
    return out


DRIFT_JACCARD = 0.7  # members at the decision vs now: below this, the decision is stale


@dataclass(frozen=True)
class StaleDecision:
    """A decision made on an earlier run whose campaign has changed a lot since."""

    decision: Decision
    decided_run: int
    jaccard: float  # members when decided vs members in the latest run
    joined: int  # members now that were not members then
    left: int  # members then that are not members now


def decided_run(decided_at: datetime | None, runs: list[RunRecord]) -> int | None:
    """The run an analyst was looking at: the newest run created before the decision."""
    if decided_at is None:
        return None
    for r in runs:  # newest first
        created = r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=decided_at.tzinfo)
        if created <= decided_at:
            return r.run_id
    return None


def stale_decisions(store: Store, current: dict[str, Decision]) -> dict[str, StaleDecision]:
    """The decisions in ``current`` whose campaign changed a lot since (module docstring)."""
    runs = store.runs()
    if not runs or not current:
        return {}
    latest = runs[0].run_id
    by_run: dict[int, list[Decision]] = {}
    for d in current.values():
        rid = decided_run(d.decided_at, runs)
        if rid is not None and rid != latest:
            by_run.setdefault(rid, []).append(d)
    if not by_run:
        return {}
    now = _members_of(store, latest, {d.cluster_id for ds in by_run.values() for d in ds})
    out: dict[str, StaleDecision] = {}
    for rid, ds in by_run.items():
        then = _members_of(store, rid, {d.cluster_id for d in ds})
        for d in ds:
            a, b = then.get(d.cluster_id, set()), now.get(d.cluster_id, set())
            if not b:
                continue  # the campaign is not in the latest run: nothing inherits the decision
            jaccard = len(a & b) / len(a | b)
            if jaccard < DRIFT_JACCARD:
                out[d.cluster_id] = StaleDecision(d, rid, round(jaccard, 4), len(b - a), len(a - b))
    return out


def _members_of(store: Store, run_id: int, cluster_ids: set[str]) -> dict[str, set[str]]:
    members = store.read_result("members", run_id).to_pandas()
    members = members[members["cluster_id"].isin(cluster_ids)]
    return {c: set(g["account_id"]) for c, g in members.groupby("cluster_id")}


def decisions_in_force(store: Store) -> dict[str, Decision]:
    """The decision in force per cluster id, read from the store, without the stale ones."""
    current = in_force(store.decisions())
    stale = stale_decisions(store, current)
    return {c: d for c, d in current.items() if c not in stale}


# --------------------------------------------------------------------------- accounts
def account_decisions(events: Iterable[CaseEvent]) -> dict[tuple[str, str], CaseEvent]:
    """The account decision in force per (campaign id, account id): the newest one."""
    out: dict[tuple[str, str], CaseEvent] = {}
    for e in events:
        if e.action != "account":
            continue
        key = (e.campaign_id, e.account_id)
        cur = out.get(key)
        if cur is None or (e.at is not None and cur.at is not None and e.at > cur.at):
            out[key] = e
    return out


@dataclass(frozen=True)
class MemberAdjustments:
    """Account decisions in force, as changes to campaigns' member lists."""

    excluded: dict[str, set[str]] = field(default_factory=dict)  # campaign -> accounts kept out
    excluded_everywhere: set[str] = field(default_factory=set)
    added: dict[str, set[str]] = field(default_factory=dict)  # campaign -> accounts put in

    @property
    def empty(self) -> bool:
        return not (self.excluded or self.excluded_everywhere or self.added)

    def apply(self, members: pd.DataFrame) -> pd.DataFrame:
        """``members`` with exclusions dropped, and added or confirmed accounts in as enforced.

        An analyst's account decision overrides detection's account-level verdict: such an
        account's ``action`` is ``enforce`` with the reason ``analyst: added`` or
        ``analyst: confirmed`` (columns kept as detection wrote them otherwise).
        """
        if self.empty:
            return members
        out = self._without_excluded(members)
        present = set(members["cluster_id"])  # only campaigns being shown or exported
        wanted = {(c, a) for c, accounts in self.added.items() if c in present for a in accounts}
        if not wanted:
            return out.reset_index(drop=True)
        pairs = list(zip(out["cluster_id"], out["account_id"], strict=True))
        decided = pd.Series([p in wanted for p in pairs], index=out.index, dtype=bool)
        if "action" in out.columns:
            out = out.copy()
            out.loc[decided, "action"] = "enforce"
            if "reasons" in out.columns:
                out.loc[decided, "reasons"] = "analyst: confirmed"
        missing = sorted(wanted - set(pairs))
        if missing:
            extra = pd.DataFrame(missing, columns=["cluster_id", "account_id"])
            if "action" in out.columns:
                extra["action"] = "enforce"
            if "reasons" in out.columns:
                extra["reasons"] = "analyst: added"
            if "attribution" in out.columns:
                extra["attribution"] = 1.0
            if "sub_cluster_id" in out.columns:
                extra["sub_cluster_id"] = extra["cluster_id"]
            out = pd.concat([out, extra], ignore_index=True)
        return out.reset_index(drop=True)

    def _without_excluded(self, members: pd.DataFrame) -> pd.DataFrame:
        if not (self.excluded or self.excluded_everywhere):
            return members
        keep = [
            not (a in self.excluded_everywhere or a in self.excluded.get(c, ()))
            for c, a in zip(members["cluster_id"], members["account_id"], strict=True)
        ]
        return members[keep]


def member_adjustments(events: Iterable[CaseEvent]) -> MemberAdjustments:
    """The account decisions in force as member-list changes (module docstring)."""
    adj = MemberAdjustments()
    for (campaign, account), e in account_decisions(events).items():
        if e.after == "excluded":
            if campaign:
                adj.excluded.setdefault(campaign, set()).add(account)
            else:
                adj.excluded_everywhere.add(account)
        elif e.after in ("added", "confirmed") and campaign:
            adj.added.setdefault(campaign, set()).add(account)
    return adj


def store_member_adjustments(store: Store) -> MemberAdjustments:
    """The account decisions in force in ``store`` (empty for a store without case events)."""
    return member_adjustments(store.case_events())


def record_decision(store: Store, cluster_id: str, status: str, analyst: str, note: str = "") -> Decision:
    """Append an analyst decision (the store stamps the time); raises ValueError on bad input."""
    return store.add_decision(
        Decision(
            cluster_id=cluster_id, status=schema.decision_status(status), analyst=analyst.strip(), note=note
        )
    )


def decisions_table(decisions: Iterable[Decision]) -> pd.DataFrame:
    """Decisions as a table for the audit-trail view, in the order given (stores: newest first)."""
    cols = ["decided_at", "cluster_id", "status", "analyst", "note"]
    rows = [{c: getattr(d, c) for c in cols} for d in decisions]
    df = pd.DataFrame(rows, columns=cols)
    if not df.empty:
        df["decided_at"] = pd.to_datetime(df["decided_at"], utc=True)
    return df
