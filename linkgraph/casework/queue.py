"""The review queue: undecided campaigns, most worth enforcing first, with what changed.

Expected enforcement value = score x accounts x traffic (requests): a likely campaign of many
accounts sending much traffic costs the most while it runs. Undecided means no decision in
force (``open``), picked up but not decided (``in_review``), or flagged to look at again
(``needs_review``, including decisions gone stale because the campaign changed a lot).
"""

from __future__ import annotations

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
