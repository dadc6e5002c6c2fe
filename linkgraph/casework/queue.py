"""The review queue: undecided campaigns, most worth enforcing first, with what changed.

Expected enforcement value = score x accounts x traffic (requests): a likely campaign of many
accounts sending much traffic costs the most while it runs. Undecided means no decision in
force (``open``), picked up but not decided (``in_review``), or flagged to look at again
(``needs_review``, including decisions gone stale because the campaign changed a lot).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from linkgraph.casework.campaigns import OPEN
from linkgraph.enforcement import DEFAULT_VIEW

UNDECIDED: tuple[str, ...] = (OPEN, "in_review", "needs_review")
QUEUE_COLUMNS = ["cluster_id", "value", "score", "size", "requests", "status", "change", "owner", "evidence"]


def review_queue(
    campaigns: pd.DataFrame, changes: pd.DataFrame, owners: dict[str, str] | None = None
) -> pd.DataFrame:
    """Undecided campaigns of the default view by expected value (``QUEUE_COLUMNS``).

    ``campaigns`` is ``campaigns.campaigns_table``'s output, ``changes`` ``history.run_changes``'.
    """
    df = campaigns[(campaigns["view"] == DEFAULT_VIEW) & campaigns["status"].isin(UNDECIDED)].copy()
    if df.empty:
        return pd.DataFrame(columns=QUEUE_COLUMNS)
    requests = pd.to_numeric(df["requests"], errors="coerce").fillna(0)
    df["value"] = (df["score"] * df["size"] * requests).round(1)
    change = dict(zip(changes["cluster_id"], changes["change"], strict=True)) if len(changes) else {}
    df["change"] = df["cluster_id"].map(lambda c: change.get(c, ""))
    df["owner"] = df["cluster_id"].map(lambda c: (owners or {}).get(c, ""))
    df = df.sort_values(["value", "score", "cluster_id"], ascending=[False, False, True], kind="stable")
    return df[QUEUE_COLUMNS].reset_index(drop=True)


# Rows the queue page sends to the browser at most: a 1M-account store has ~100k undecided
# clusters, and sending them all makes the first visit take tens of seconds.
QUEUE_PAGE_ROWS = 500


@dataclass(frozen=True)
class QueuePage:
    """The part of the queue a page shows, and how much of it the filters left out."""

    rows: pd.DataFrame
    below_score: int  # undecided campaigns under ``min_score`` (one toggle away)
    beyond_page: int  # at or above ``min_score`` but past the page's ``limit``


def queue_page(queue: pd.DataFrame, min_score: float, limit: int = QUEUE_PAGE_ROWS) -> QueuePage:
    """The queue's campaigns scoring at least ``min_score``, the ``limit`` most valuable first."""
    keep = queue["score"] >= min_score
    shown = queue[keep]
    return QueuePage(shown.head(limit).reset_index(drop=True), int((~keep).sum()), max(0, len(shown) - limit))
