"""Communities on the weighted account link graph: Leiden (CPM) and strong components.

Why these two views:

* ``leiden`` (the default view): igraph's Leiden with the **CPM** objective. Modularity has a
  resolution limit that makes campaign communities swallow linked background accounts as the
  graph grows (ANALYTICS_NOTES: 7–15 of 30 campaigns recovered at 1M accounts); CPM asks
  each community to have an internal link density above ``resolution`` regardless of the
  graph's size, so a campaign comes out as itself at 10k and at 1M accounts. Isolated accounts
  are dropped first (they cannot join anything and cost more than half of the run time).
  The seed is fixed, so the same data gives the same communities.
  A campaign of thousands of accounts is sparser than ``resolution`` as a whole (each member
  shares infrastructure with dozens of others, not thousands), so CPM returns it as dense
  fragments of ~25 accounts; ``merge_fragments`` then merges the *suspicious* fragments
  (score ≥ ``merge_min_score``) whose link density between them beats a 10× lower
  ``merge_resolution`` — Leiden/CPM again, on the graph of clusters. At 1M generated
  accounts this turns 896 flagged fragments into 30 clusters, one per planted campaign,
  without adding a single account; merging all clusters instead would glue benign
  households together through shared subnets, so only suspicious ones take part.
* ``strong_components``: connected components over links of weight ≥ ``strong_threshold``
  (sharing a card or a device among few accounts). Simple, transparent, and a cross-check:
  a Leiden cluster that is also one strong component is hard to argue with.

Communities smaller than ``min_size`` are not clusters. networkx is used only for small
per-cluster subgraphs (explanations, GraphML export), never on the whole graph.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from linkgraph.linking import LINK_TYPES, Links
from linkgraph.settings import DetectSettings

log = logging.getLogger(__name__)

VIEWS = ("leiden", "strong_components")


@dataclass
class Partition:
    """Cluster label per account index (``-1``: in no cluster); labels are 0..n_clusters-1,
    numbered by decreasing size (ties: smallest account index first)."""

    view: str
    labels: np.ndarray
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def n_clusters(self) -> int:
        return int(self.labels.max(initial=-1)) + 1

    def members(self, label: int) -> np.ndarray:
        return np.flatnonzero(self.labels == label)

    def sizes(self) -> np.ndarray:
        return np.bincount(self.labels[self.labels >= 0], minlength=self.n_clusters)


def _relabel(raw: np.ndarray, min_size: int) -> np.ndarray:
    """Keep groups of at least ``min_size`` (raw label -1 = none), numbered by size desc."""
    out = np.full(len(raw), -1, dtype=np.int64)
    ok = raw >= 0
    if not ok.any():
        return out
    uniq, inv, counts = np.unique(raw[ok], return_inverse=True, return_counts=True)
    first = np.full(len(uniq), np.iinfo(np.int64).max)
    np.minimum.at(first, inv, np.flatnonzero(ok))
    big = counts >= min_size
    order = np.lexsort((first, -counts))
    order = order[big[order]]
    new = np.full(len(uniq), -1, dtype=np.int64)
    new[order] = np.arange(len(order))
    out[ok] = new[inv]
    return out


def from_community_ids(view: str, raw: np.ndarray, min_size: int, stats: dict[str, Any]) -> Partition:
    """A partition from community ids found elsewhere (Neo4j GDS), kept and numbered like ours."""
    return Partition(view, _relabel(raw, min_size), stats)


def leiden(links: Links, settings: DetectSettings | None = None) -> Partition:
    """Leiden/CPM communities of the link graph (isolated accounts dropped first)."""
    settings = settings or DetectSettings()
    t = time.perf_counter()
    labels = np.full(links.n_accounts, -1, dtype=np.int64)
    if links.n_links == 0:
        return Partition("leiden", labels, {"seconds": 0.0, "nodes": 0, "edges": 0})
    # Leiden communities are connected, so components smaller than min_size can never yield a
    # cluster: leave them (and isolated accounts) out of the graph.
    n = links.n_accounts
    m = sp.coo_matrix((np.ones(links.n_links, dtype=np.int8), (links.a, links.b)), shape=(n, n)).tocsr()
    _, comp = connected_components(m, directed=False)
    deg = np.bincount(np.concatenate((links.a, links.b)), minlength=n)
    comp_size = np.bincount(comp[deg > 0], minlength=int(comp.max()) + 1)
    big = (deg > 0) & (comp_size[comp] >= settings.min_size)
    keep = big[links.a]
    nodes = np.flatnonzero(big)
    a = np.searchsorted(nodes, links.a[keep])
    b = np.searchsorted(nodes, links.b[keep])
    # a list of tuples converts faster than a NumPy array in python-igraph
    g = ig.Graph(n=len(nodes), edges=list(zip(a.tolist(), b.tolist(), strict=True)), directed=False)
    rng = random.Random(settings.seed)  # noqa: S311 (a fixed seed for reproducible communities)
    random.seed(settings.seed)
    ig.set_random_number_generator(rng)
    t_build = time.perf_counter() - t
    try:
        part = g.community_leiden(
            objective_function="CPM",
            weights=links.weight[keep].tolist(),
            resolution=settings.resolution,
            n_iterations=settings.n_iterations,
        )
    finally:
        ig.set_random_number_generator(random)
    raw = np.full(links.n_accounts, -1, dtype=np.int64)
    raw[nodes] = np.asarray(part.membership, dtype=np.int64)
    labels = _relabel(raw, settings.min_size)
    stats = {
        "seconds": round(time.perf_counter() - t, 3),
        "build_seconds": round(t_build, 3),
        "nodes": int(len(nodes)),
        "edges": int(keep.sum()),
        "communities": int(raw.max(initial=-1) + 1),
        "quality": float(part.quality) if hasattr(part, "quality") else None,
    }
    return Partition("leiden", labels, stats)


def strong_components(links: Links, settings: DetectSettings | None = None) -> Partition:
    """Connected components over links with weight ≥ ``strong_threshold``."""
    settings = settings or DetectSettings()
    t = time.perf_counter()
    keep = links.weight >= settings.strong_threshold
    n = links.n_accounts
    m = sp.coo_matrix(
        (np.ones(int(keep.sum()), dtype=np.int8), (links.a[keep], links.b[keep])), shape=(n, n)
    ).tocsr()
    _, comp = connected_components(m, directed=False)
    deg = np.bincount(np.concatenate((links.a[keep], links.b[keep])), minlength=n)
    raw = np.where(deg > 0, comp, -1).astype(np.int64)
    labels = _relabel(raw, settings.min_size)
    return Partition(
        "strong_components", labels, {"seconds": round(time.perf_counter() - t, 3), "edges": int(keep.sum())}
    )


def internal_links(links: Links, labels: np.ndarray) -> np.ndarray:
    """Row numbers of the links whose two ends are in the same cluster."""
    la, lb = labels[links.a], labels[links.b]
    return np.flatnonzero((la >= 0) & (la == lb))


def cluster_subgraph(links: Links, members: np.ndarray) -> nx.Graph:
    """The networkx graph of the links among ``members`` (account indices), for one cluster.

    Nodes are account ids; edges carry ``weight`` and the per-type shared counts.
    """
    mask = np.zeros(links.n_accounts, dtype=bool)
    mask[members] = True
    rows = np.flatnonzero(mask[links.a] & mask[links.b])
    g = nx.Graph()
    ids = links.account_ids
    g.add_nodes_from(ids.take(members).to_pylist())
    ev = links.evidence(rows).to_pylist()
    a = ids.take(links.a[rows]).to_pylist()
    b = ids.take(links.b[rows]).to_pylist()
    w = links.weight[rows].tolist()
    counts = {t: links.counts[t][rows].tolist() for t in LINK_TYPES}
    for i in range(len(rows)):  # one small cluster: bounded by the cluster's own links
        attrs = {t: counts[t][i] for t in LINK_TYPES if counts[t][i]}
        g.add_edge(a[i], b[i], weight=w[i], evidence=ev[i] or "", **attrs)
    return g


def partitions(links: Links, settings: DetectSettings | None = None) -> dict[str, Partition]:
    """Both views, keyed by view name (``VIEWS``)."""
    settings = settings or DetectSettings()
    return {"leiden": leiden(links, settings), "strong_components": strong_components(links, settings)}


def merge_fragments(
    links: Links,
    labels: np.ndarray,
    eligible: np.ndarray,
    resolution: float,
    seed: int = 42,
) -> np.ndarray:
    """Merge clusters that are fragments of one larger operation.

    CPM asks every community for an internal link density above ``resolution``; a campaign
    of thousands of accounts is much sparser than that (each account shares infrastructure
    with a few dozen others, not with thousands), so Leiden returns it as many dense
    fragments. Here the ``eligible`` clusters (by label) become nodes of an aggregated graph
    (node weight = cluster size, edge weight = summed links between clusters) and Leiden/CPM
    runs again at a much lower ``resolution``: two clusters merge when the link density
    *between* them, ``W_ij / (n_i * n_j)``, beats it. Returns new labels (same numbering
    convention: by decreasing size); ineligible clusters are kept as they are.
    """
    k = int(labels.max(initial=-1)) + 1
    if k == 0 or resolution <= 0 or int(eligible.sum()) < 2:
        return labels
    la, lb = labels[links.a], labels[links.b]
    sel = (la >= 0) & (lb >= 0) & (la != lb)
    sel &= eligible[np.maximum(la, 0)] & eligible[np.maximum(lb, 0)]
    if not sel.any():
        return labels
    i = np.minimum(la[sel], lb[sel]).astype(np.int64)
    j = np.maximum(la[sel], lb[sel]).astype(np.int64)
    agg = sp.coo_matrix((links.weight[sel], (i, j)), shape=(k, k)).tocsr().tocoo()
    nodes = np.flatnonzero(eligible)
    pos = np.full(k, -1)
    pos[nodes] = np.arange(len(nodes))
    g = ig.Graph(n=len(nodes), edges=list(zip(pos[agg.row].tolist(), pos[agg.col].tolist(), strict=True)))
    size = np.bincount(labels[labels >= 0], minlength=k)
    random.seed(seed)
    ig.set_random_number_generator(random.Random(seed))  # noqa: S311 (reproducible, not a secret)
    try:
        part = g.community_leiden(
            objective_function="CPM",
            weights=agg.data.tolist(),
            node_weights=size[nodes].astype(float).tolist(),
            resolution=resolution,
            n_iterations=-1,
        )
    finally:
        ig.set_random_number_generator(random)
    merged = np.arange(k, dtype=np.int64)  # cluster label -> group id
    merged[nodes] = k + np.asarray(part.membership, dtype=np.int64)
    raw = np.where(labels >= 0, merged[np.maximum(labels, 0)], -1)
    return _relabel(raw, 1)


def group_campaigns(links: Links, labels: np.ndarray, eligible: np.ndarray, tie: float) -> np.ndarray:
    """Campaigns: sub-clusters of one operation, grouped (new labels, numbered by size).

    A large operation is sparser than any CPM resolution as a whole, so Leiden returns it as
    dense fragments that share cards and rotating exits *between* them too. Two ``eligible``
    sub-clusters belong to one campaign when the links between them that are not widely
    shared infrastructure (``Links.strong`` plus non-infrastructure IPs) weigh, per member of
    the smaller one, at least ``tie``; campaigns are the connected components of that relation.
    Normalising by the smaller side keeps a small fragment that is mostly tied to a big one
    with it, while a household touching a campaign through one exit stays apart (and account-
    level attribution decides about bystanders in any case). Ineligible clusters stay alone.
    """
    k = int(labels.max(initial=-1)) + 1
    if k < 2 or not eligible.any():
        return labels
    la, lb = labels[links.a], labels[links.b]
    w = links.strong + links.ip_weight if len(links.strong) == len(links.a) else links.weight
    sel = (la >= 0) & (lb >= 0) & (la != lb) & (w > 0)
    sel &= eligible[np.maximum(la, 0)] & eligible[np.maximum(lb, 0)]
    if not sel.any():
        return labels
    i = np.minimum(la[sel], lb[sel]).astype(np.int64)
    j = np.maximum(la[sel], lb[sel]).astype(np.int64)
    agg = sp.coo_matrix((w[sel], (i, j)), shape=(k, k)).tocsr().tocoo()
    size = np.bincount(labels[labels >= 0], minlength=k)
    strength = agg.data / np.maximum(np.minimum(size[agg.row], size[agg.col]), 1)
    keep = strength >= tie
    m = sp.coo_matrix((np.ones(int(keep.sum())), (agg.row[keep], agg.col[keep])), shape=(k, k))
    _, comp = connected_components(m.tocsr(), directed=False)
    raw = np.where(labels >= 0, comp[np.maximum(labels, 0)], -1)
    return _relabel(raw, 1)


def union_partitions(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The finest partition coarser than both (accounts together in either are together)."""
    ok = (first >= 0) & (second >= 0)
    if not ok.any():
        return first
    k1 = int(first.max()) + 1
    k2 = int(second.max()) + 1
    m = sp.coo_matrix((np.ones(int(ok.sum())), (first[ok], k1 + second[ok])), shape=(k1 + k2, k1 + k2))
    _, comp = connected_components(m.tocsr(), directed=False)
    raw = np.where(first >= 0, comp[np.maximum(first, 0)], -1)
    return _relabel(raw, 1)
