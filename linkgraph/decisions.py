"""Analyst decisions: recording one, the audit trail, and which is in force.

Which decision is in force is the one rule the app and every output share.

Decisions are append-only (an audit trail): a new decision on a cluster never replaces the old
row, it supersedes it. The decision in force on a cluster is the newest by ``decided_at``;
when two carry the same time (or none), the one listed first wins, and stores list decisions
newest first, so the last one written is in force.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from linkgraph.model import Decision
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


def decisions_in_force(store: Store) -> dict[str, Decision]:
    """The decision in force per cluster id, read from the store."""
    return in_force(store.decisions())


def record_decision(store: Store, cluster_id: str, status: str, analyst: str, note: str = "") -> Decision:
    """Append an analyst decision (the store stamps the time); raises ValueError on bad input."""
    return store.add_decision(
        Decision(cluster_id=cluster_id, status=status, analyst=analyst.strip(), note=note)
    )


def decisions_table(decisions: Iterable[Decision]) -> pd.DataFrame:
    """Decisions as a table for the audit-trail view, in the order given (stores: newest first)."""
    cols = ["decided_at", "cluster_id", "status", "analyst", "note"]
    rows = [{c: getattr(d, c) for c in cols} for d in decisions]
    df = pd.DataFrame(rows, columns=cols)
    if not df.empty:
        df["decided_at"] = pd.to_datetime(df["decided_at"], utc=True)
    return df
