"""Known-bad and known-good accounts from analysts' decisions, remembered across runs.

A decision names a cluster id (``Decision.cluster_id``; the newest per cluster is in force).
Cluster ids are stable across runs (``detection.assign_ids``) and never reused, so the
accounts a decision covers are the members that cluster had in the latest run that holds it.
``confirmed`` campaigns make their accounts known-bad (they raise every account linked to
them, like accounts already banned in the export); ``dismissed`` ones make their accounts
known-good: a dismissed account is not enforced again on the same evidence, and a cluster made
mostly of dismissed accounts scores lower. New accounts that join later are judged afresh.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from linkgraph.model import Decision


def in_force(decisions: Iterable[Decision]) -> dict[str, str]:
    """Cluster id -> status of its newest decision (input newest first, as ``store.decisions()``)."""
    out: dict[str, str] = {}
    for d in decisions:
        out.setdefault(d.cluster_id, d.status)
    return out


def known_accounts(
    decisions: Iterable[Decision], members: pd.DataFrame, account_ids: pa.Array
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(confirmed, dismissed) bool per account index; (None, None) when there are no decisions.

    ``members``: ``cluster_id, account_id`` (and ``action`` when stored) of the runs that hold
    the decided clusters. Confirmed clusters contribute their attributable members only.
    """
    status = in_force(decisions)
    if not status:
        return None, None
    n = len(account_ids)
    confirmed, dismissed = np.zeros(n, bool), np.zeros(n, bool)
    if not len(members):
        return confirmed, dismissed
    m = members[members["cluster_id"].isin(status.keys())]
    m = m.assign(status=m["cluster_id"].map(status))
    pos = pc.index_in(pa.array(m["account_id"].astype(str).tolist(), pa.string()), value_set=account_ids)
    pos_np = np.asarray(pc.fill_null(pos, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    st = m["status"].to_numpy()
    ok = pos_np >= 0
    attributable = (
        m["action"].isin(["enforce", "not_flagged"]).to_numpy()
        if "action" in m.columns
        else np.ones(len(m), bool)
    )
    confirmed[pos_np[ok & (st == "confirmed") & attributable]] = True
    dismissed[pos_np[ok & (st == "dismissed")]] = True
    confirmed &= ~dismissed
    return confirmed, dismissed
