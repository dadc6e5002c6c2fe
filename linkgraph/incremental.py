"""Incremental detection for daily deltas: re-cluster only the part of the graph a load touched.

A daily export adds about 1 % new accounts. Re-running Leiden/CPM on the whole link graph for
them repeats work whose answer cannot change: a community none of whose members gained or lost
a link is still a CPM-optimal community. So, given the accounts a load touched:

1. the **affected region** is the touched accounts, every account within one link of them
   (identifiers over ``max_share`` make no links, so the popularity skip is respected), and
   every member of the previous run's Leiden fragments any of those belong to;
2. Leiden/CPM runs on the subgraph induced by the region only, **seeded with the previous
   membership** (``initial_membership``), so fragments that did not change come out as they
   were; every fragment outside the region is kept as it was;
3. when the region is large (over ``max_region`` of the accounts) the incremental run would
   not save anything, and ``recluster`` returns None: the caller runs a full detection.

Campaign grouping, scoring, attribution and stable ids then run as in a full run
(``detection.build_result`` with the partitions given), so unchanged campaigns keep their ids
by the usual overlap rule.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

import igraph as ig
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkgraph import communities, scoring
from linkgraph.communities import Partition
from linkgraph.linking import Links
from linkgraph.settings import DetectSettings
from linkgraph.store.base import Store

MAX_REGION = 0.30  # share of accounts above which a full run is cheaper than an incremental one


@dataclass(frozen=True)
class Region:
    """The accounts to re-cluster (mask over account indices) and how it was found."""

    mask: np.ndarray
    touched: int
    near: int

    @property
    def size(self) -> int:
        return int(self.mask.sum())


def positions(links: Links, account_ids: pa.Array) -> np.ndarray:
    """Account indices of ``account_ids`` in ``links`` (ids unknown to the graph are dropped)."""
    pos = pc.index_in(account_ids.cast(pa.string()), value_set=links.account_ids.cast(pa.string()))
    arr = np.asarray(pc.fill_null(pos, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    return arr[arr >= 0]


def previous_fragments(links: Links, members: pa.Table) -> np.ndarray:
    """The previous run's Leiden fragments (``sub_cluster_id`` of the leiden view) as one
    integer label per account index (-1: in no fragment)."""
    raw = np.full(links.n_accounts, -1, dtype=np.int64)
    if members.num_rows == 0:
        return raw
    codes = pc.dictionary_encode(members.column("sub_cluster_id").combine_chunks())
    labels = np.asarray(codes.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    pos = pc.index_in(
        members.column("account_id").cast(pa.string()), value_set=links.account_ids.cast(pa.string())
    )
    pos_np = np.asarray(pc.fill_null(pos, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    ok = pos_np >= 0
    raw[pos_np[ok]] = labels[ok]
    return raw


def affected_region(links: Links, previous: np.ndarray, touched: np.ndarray) -> Region:
    """Touched accounts, their one-link neighbours, and all members of their old fragments."""
    n = links.n_accounts
    hit = np.zeros(n, dtype=bool)
    hit[touched] = True
    near = hit.copy()
    near[links.b[hit[links.a]]] = True
    near[links.a[hit[links.b]]] = True
    frags = np.unique(previous[near & (previous >= 0)])
    in_frag = np.zeros(int(previous.max(initial=-1)) + 1, dtype=bool)
    in_frag[frags] = True
    mask = near | ((previous >= 0) & in_frag[np.maximum(previous, 0)])
    return Region(mask=mask, touched=int(hit.sum()), near=int(near.sum()))


def recluster(
    links: Links,
    settings: DetectSettings,
    previous: np.ndarray,
    touched: np.ndarray,
    max_region: float = MAX_REGION,
) -> tuple[Partition | None, Region]:
    """The Leiden view with only the affected region re-clustered, or None (run a full one).

    ``previous``: the previous run's fragment per account index (``previous_fragments``);
    ``touched``: account indices the load touched.
    """
    t = time.perf_counter()
    region = affected_region(links, previous, touched)
    if region.size > max_region * links.n_accounts:
        return None, region
    raw = previous.copy()
    raw[region.mask] = -1
    keep = region.mask[links.a] & region.mask[links.b]
    nodes = np.flatnonzero(region.mask)
    stats = {
        "mode": "incremental",
        "region": region.size,
        "touched": region.touched,
        "edges": int(keep.sum()),
    }
    if keep.any():
        member = _leiden_seeded(links, keep, nodes, previous[nodes], settings)
        raw[nodes] = np.where(member >= 0, int(raw.max(initial=-1)) + 1 + member, -1)
    stats["seconds"] = round(time.perf_counter() - t, 3)
    return communities.from_community_ids("leiden", raw, settings.min_size, stats), region


def _leiden_seeded(
    links: Links, keep: np.ndarray, nodes: np.ndarray, seed_labels: np.ndarray, settings: DetectSettings
) -> np.ndarray:
    """Leiden/CPM on the induced subgraph, starting from the previous fragments (new accounts
    and accounts that were in no fragment start alone)."""
    a = np.searchsorted(nodes, links.a[keep])
    b = np.searchsorted(nodes, links.b[keep])
    fresh = seed_labels < 0
    start = seed_labels.copy()
    top = int(seed_labels.max(initial=-1)) + 1
    start[fresh] = top + np.arange(int(fresh.sum()))
    _, start = np.unique(start, return_inverse=True)
    g = ig.Graph(n=len(nodes), edges=list(zip(a.tolist(), b.tolist(), strict=True)), directed=False)
    random.seed(settings.seed)
    ig.set_random_number_generator(random.Random(settings.seed))  # noqa: S311 (reproducible)
    try:
        part = g.community_leiden(
            objective_function="CPM",
            weights=links.weight[keep].tolist(),
            resolution=settings.resolution,
            n_iterations=settings.n_iterations,
            initial_membership=start.tolist(),
        )
    finally:
        ig.set_random_number_generator(random)
    return np.asarray(part.membership, dtype=np.int64)


def _fallback_reason(store: Store, settings: DetectSettings, full: bool) -> str | None:
    """Why this run must be a full one (None: it may be incremental)."""
    if full:
        return "full run asked for (--full)"
    runs = store.runs()
    if not runs:
        return "no previous run"
    old = runs[0].params
    changed = [
        k for k, v in settings.to_dict().items() if k in old and old[k] != v and k != "score_threshold"
    ]
    if changed:
        return f"settings changed since the previous run ({', '.join(sorted(changed))})"
    if old.get("score_weights") != dict(scoring.WEIGHTS) or old.get("score_bias") != scoring.BIAS:
        return "detector version changed since the previous run"
    return None


def _previous_leiden_members(store: Store) -> pa.Table:
    run_id = store.latest_run_id()
    clusters = store.read_result("clusters", run_id)
    leiden_ids = pc.filter(clusters.column("cluster_id"), pc.equal(clusters.column("view"), "leiden"))
    members = store.read_result("members", run_id).select(["cluster_id", "account_id", "sub_cluster_id"])
    return members.filter(pc.is_in(members.column("cluster_id"), value_set=leiden_ids))


def plan(
    store: Store, links: Links, settings: DetectSettings, touched_ids: pa.Array | None, full: bool = False
) -> tuple[dict[str, Partition] | None, dict[str, Any]]:
    """Partitions for an incremental run (None: run a full one) and what happened, for the run
    record: ``{"mode": "incremental" | "full", "reason": ..., "region": ...}``."""
    reason = (
        "no touched accounts recorded" if touched_ids is None else _fallback_reason(store, settings, full)
    )
    if reason is not None or touched_ids is None:
        return None, {"mode": "full", "reason": reason}
    previous = previous_fragments(links, _previous_leiden_members(store))
    leiden, region = recluster(links, settings, previous, positions(links, touched_ids))
    info: dict[str, Any] = {"region": region.size, "touched": region.touched, "accounts": links.n_accounts}
    if leiden is None:
        share = region.size / max(links.n_accounts, 1)
        return None, {
            "mode": "full",
            "reason": f"affected region {share:.0%} of accounts > {MAX_REGION:.0%}",
            **info,
        }
    strong = communities.strong_components(links, settings)
    return {"leiden": leiden, "strong_components": strong}, {"mode": "incremental", "reason": None, **info}
