"""A campaign across detection runs: what it was in each run, what it came from, what split off.

Campaigns are the default (``leiden``) view's clusters. Campaign ids are stable across runs when members mostly stay (``detection``'s Jaccard
matching), so "the same campaign" is the same id; what merged into it are the other campaigns
of an earlier run holding some of its current members, and what split off are the campaigns of
the latest run holding members of its same-id predecessor. Each run's member table is read
once, so the cost is one result read per run shown (``max_runs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from linkgraph.enforcement import DEFAULT_VIEW
from linkgraph.model import RunRecord
from linkgraph.store.base import Store

Relation = Literal["same id", "merged in", "split off"]
HISTORY_COLUMNS = ["run_id", "run_at", "campaign_id", "relation", "overlap", "size", "score"]
CHANGE_COLUMNS = ["cluster_id", "change", "joined", "left"]


def _members(store: Store, run_id: int) -> pd.DataFrame:
    """The run's members in the default view (other views' clusters overlap them by design)."""
    members = store.read_result("members", run_id).to_pandas()[["cluster_id", "account_id"]]
    return members[members["cluster_id"].isin(set(_clusters(store, run_id)["cluster_id"]))]


def _clusters(store: Store, run_id: int) -> pd.DataFrame:
    clusters = store.read_result("clusters", run_id).to_pandas()
    return clusters.loc[clusters["view"] == DEFAULT_VIEW, ["cluster_id", "size", "score"]]


def campaign_history(store: Store, campaign_id: str, max_runs: int = 10) -> pd.DataFrame:
    """Per earlier run, the campaigns sharing members with ``campaign_id`` (``HISTORY_COLUMNS``)."""
    runs = store.runs()[:max_runs]
    if not runs:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    latest = _members(store, runs[0].run_id)
    now = set(latest.loc[latest["cluster_id"] == campaign_id, "account_id"])
    rows: list[dict[str, object]] = []
    for run in runs:
        members = latest if run.run_id == runs[0].run_id else _members(store, run.run_id)
        info = _clusters(store, run.run_id).set_index("cluster_id")
        overlap = members[members["account_id"].isin(now)].groupby("cluster_id").size()
        for cid, n in overlap.sort_values(ascending=False).items():
            rows.append(_row(run, str(cid), "same id" if cid == campaign_id else "merged in", int(n), info))
        if run.run_id == runs[0].run_id:
            continue
        before = set(members.loc[members["cluster_id"] == campaign_id, "account_id"])
        went = latest[latest["account_id"].isin(before) & (latest["cluster_id"] != campaign_id)]
        latest_info = _clusters(store, runs[0].run_id).set_index("cluster_id")
        for cid, n in went.groupby("cluster_id").size().sort_values(ascending=False).items():
            rows.append(_row(runs[0], str(cid), "split off", int(n), latest_info) | {"run_id": run.run_id})
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def _row(run: RunRecord, cid: str, relation: Relation, overlap: int, info: pd.DataFrame) -> dict[str, object]:
    size = int(info.at[cid, "size"]) if cid in info.index else None
    score = round(float(info.at[cid, "score"]), 4) if cid in info.index else None
    return {
        "run_id": run.run_id,
        "run_at": run.created_at,
        "campaign_id": cid,
        "relation": relation,
        "overlap": overlap,
        "size": size,
        "score": score,
    }


def run_changes(store: Store) -> pd.DataFrame:
    """What changed in each campaign of the latest run since the run before (``CHANGE_COLUMNS``).

    ``change`` is ``new`` (no campaign with this id before), ``unchanged``, or ``+joined -left``.
    """
    runs = store.runs()
    if not runs:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    now = _members(store, runs[0].run_id)
    prev = _members(store, runs[1].run_id) if len(runs) > 1 else now.iloc[0:0]
    now_sets = now.groupby("cluster_id")["account_id"].agg(set)
    prev_sets = prev.groupby("cluster_id")["account_id"].agg(set)
    rows = []
    for cid, members in now_sets.items():
        if cid not in prev_sets.index:
            rows.append({"cluster_id": cid, "change": "new", "joined": len(members), "left": 0})
            continue
        before = prev_sets[cid]
        joined, left = len(members - before), len(before - members)
        change = "unchanged" if not joined and not left else f"+{joined} -{left}"
        rows.append({"cluster_id": cid, "change": change, "joined": joined, "left": left})
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


@dataclass(frozen=True)
class Lineage:
    """A campaign's family across runs, oldest run first: the campaigns it came from or went to.

    ``nodes``: ``run_id``, ``column`` (0 = oldest run shown), ``campaign_id``, ``size``,
    ``score``, ``overlap`` (members shared with the family). ``edges``: ``run_from``,
    ``from_id``, ``run_to``, ``to_id``, ``shared`` (accounts in both) between consecutive runs.
    """

    campaign_id: str
    nodes: pd.DataFrame
    edges: pd.DataFrame

    @property
    def runs(self) -> int:
        return int(self.nodes["run_id"].nunique()) if len(self.nodes) else 0


def campaign_lineage(store: Store, campaign_id: str, max_runs: int = 5, per_run: int = 8) -> Lineage:
    """The campaigns of each of the last ``max_runs`` runs that hold this campaign's accounts.

    The family is every account that was in ``campaign_id`` in any run shown, widened by the
    other members of the campaigns holding them (so the rest of a campaign that split, or the
    campaigns that merged into it, are drawn too); per run the
    ``per_run`` campaigns holding most of the family are kept (this campaign always), and
    consecutive runs' campaigns are joined by the accounts they share, so a split is one node
    with edges to several on its right and a merge several on the left with edges to one.
    """
    runs = list(reversed(store.runs()[:max_runs]))
    members = {r.run_id: _members(store, r.run_id) for r in runs}
    family: set[str] = set()
    for m in members.values():
        family |= set(m.loc[m["cluster_id"] == campaign_id, "account_id"])
    family = _widen(members, family, campaign_id, per_run)
    kept: dict[int, pd.DataFrame] = {}
    nodes: list[pd.DataFrame] = []
    for column, run in enumerate(runs):
        m = members[run.run_id]
        overlap = m[m["account_id"].isin(family)].groupby("cluster_id").size().sort_values(ascending=False)
        ids = list(overlap.index[:per_run]) + (
            [campaign_id] if campaign_id in overlap.index[per_run:] else []
        )
        info = _clusters(store, run.run_id).set_index("cluster_id").reindex(ids)
        nodes.append(
            pd.DataFrame(
                {
                    "run_id": run.run_id,
                    "column": column,
                    "campaign_id": [str(i) for i in ids],
                    "size": info["size"].to_numpy(),
                    "score": info["score"].round(4).to_numpy(),
                    "overlap": overlap.reindex(ids).to_numpy(),
                }
            )
        )
        kept[run.run_id] = m[m["cluster_id"].isin(ids)]
    edges = [
        _shared(a.run_id, kept[a.run_id], b.run_id, kept[b.run_id])
        for a, b in zip(runs, runs[1:], strict=False)
    ]
    return Lineage(
        campaign_id,
        pd.concat(nodes, ignore_index=True) if nodes else pd.DataFrame(columns=LINEAGE_NODES),
        pd.concat(edges, ignore_index=True) if edges else pd.DataFrame(columns=LINEAGE_EDGES),
    )


def _top(m: pd.DataFrame, family: set[str], campaign_id: str, per_run: int) -> list[str]:
    """The ``per_run`` campaigns of one run holding most of ``family`` (``campaign_id`` always)."""
    overlap = m[m["account_id"].isin(family)].groupby("cluster_id").size().sort_values(ascending=False)
    ids = [str(i) for i in overlap.index[:per_run]]
    return ids + ([campaign_id] if campaign_id in overlap.index[per_run:] else [])


def _widen(members: dict[int, pd.DataFrame], family: set[str], campaign_id: str, per_run: int) -> set[str]:
    """``family`` plus every member of each run's campaigns that hold it (one step out)."""
    wider = set(family)
    for m in members.values():
        ids = _top(m, family, campaign_id, per_run)
        wider |= set(m.loc[m["cluster_id"].isin(ids), "account_id"])
    return wider


LINEAGE_NODES = ["run_id", "column", "campaign_id", "size", "score", "overlap"]
LINEAGE_EDGES = ["run_from", "from_id", "run_to", "to_id", "shared"]


def _shared(run_a: int, a: pd.DataFrame, run_b: int, b: pd.DataFrame) -> pd.DataFrame:
    """Accounts shared by each pair of campaigns of two runs."""
    j = a.merge(b, on="account_id", suffixes=("_a", "_b"))
    pairs = j.groupby(["cluster_id_a", "cluster_id_b"]).size().reset_index(name="shared")
    return pd.DataFrame(
        {
            "run_from": run_a,
            "from_id": pairs["cluster_id_a"].astype(str),
            "run_to": run_b,
            "to_id": pairs["cluster_id_b"].astype(str),
            "shared": pairs["shared"].astype(int),
        },
        columns=LINEAGE_EDGES,
    )
