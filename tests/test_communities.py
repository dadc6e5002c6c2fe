"""Communities: Leiden/CPM and strong components on real igraph/scipy, small hand-built graphs."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pyarrow as pa

from linkgraph import communities
from linkgraph.linking import LINK_TYPES, Links
from linkgraph.settings import DetectSettings


def make_links(n: int, edges: list[tuple[int, int, float]], kind: str = "ip") -> Links:
    edges = sorted((min(a, b), max(a, b), w) for a, b, w in edges)
    a = np.array([e[0] for e in edges], dtype=np.int32)
    b = np.array([e[1] for e in edges], dtype=np.int32)
    w = np.array([e[2] for e in edges], dtype=float)
    counts = {t: (np.ones(len(a), np.int32) if t == kind else np.zeros(len(a), np.int32)) for t in LINK_TYPES}
    return Links(pa.array([f"a{i}" for i in range(n)]), a, b, w, counts, {})


def two_groups_and_noise(seed: int = 0) -> tuple[Links, set[int], set[int]]:
    """Two dense groups (0-19 strong, 20-49 medium), a weak random background (50-299)."""
    rng = np.random.default_rng(seed)
    g1, g2 = set(range(20)), set(range(20, 50))
    edges = [(i, j, 1.0) for i in g1 for j in g1 if i < j]
    edges += [(i, j, 0.3) for i in g2 for j in g2 if i < j and rng.random() < 0.6]
    seen = {(a, b) for a, b, _ in edges}
    for _ in range(400):  # weak background chatter, also touching the groups
        i, j = sorted(int(x) for x in rng.choice(300, 2, replace=False))
        if (i, j) not in seen:
            seen.add((i, j))
            edges.append((i, j, 0.005))
    return make_links(400, edges), g1, g2  # accounts 300-399 are isolated


def test_leiden_recovers_dense_groups_and_drops_isolated_accounts() -> None:
    links, g1, g2 = two_groups_and_noise()
    part = communities.leiden(links, DetectSettings(resolution=0.02))
    found = [set(part.members(c).tolist()) for c in range(part.n_clusters)]
    assert g1 in found
    assert g2 in found
    assert (part.labels[300:] == -1).all()
    assert part.stats["nodes"] < 300
    # labels numbered by decreasing size
    assert list(part.sizes()) == sorted(part.sizes(), reverse=True)


def test_leiden_is_deterministic_for_a_seed() -> None:
    links, _, _ = two_groups_and_noise(3)
    s = DetectSettings(resolution=0.01, seed=7)
    first = communities.leiden(links, s).labels
    for _ in range(3):
        assert np.array_equal(communities.leiden(links, s).labels, first)


def test_min_size_drops_small_communities() -> None:
    links = make_links(10, [(0, 1, 1.0), (2, 3, 1.0), (3, 4, 1.0), (2, 4, 1.0)])
    part = communities.leiden(links, DetectSettings(min_size=3))
    assert part.labels[0] == part.labels[1] == -1
    assert part.labels[2] == part.labels[3] == part.labels[4] == 0
    assert part.n_clusters == 1


def test_strong_components_use_only_strong_links() -> None:
    # 0-1-2 strong chain, 2-3 weak, 3-4-5 strong triangle, 6-7 strong but too small
    links = make_links(
        8, [(0, 1, 1.0), (1, 2, 0.9), (2, 3, 0.1), (3, 4, 0.6), (4, 5, 0.6), (3, 5, 0.6), (6, 7, 2.0)]
    )
    part = communities.strong_components(links, DetectSettings(strong_threshold=0.5))
    assert part.n_clusters == 2
    assert len({part.labels[0], part.labels[1], part.labels[2]}) == 1
    assert len({part.labels[3], part.labels[4], part.labels[5]}) == 1
    assert part.labels[0] != part.labels[3]
    assert part.labels[6] == part.labels[7] == -1


def test_empty_graph_has_no_clusters() -> None:
    links = make_links(5, [])
    for part in communities.partitions(links).values():
        assert part.n_clusters == 0
        assert (part.labels == -1).all()


def test_cluster_subgraph_is_networkx_with_evidence() -> None:
    links, g1, _ = two_groups_and_noise()
    g = communities.cluster_subgraph(links, np.array(sorted(g1)))
    assert isinstance(g, nx.Graph)
    assert g.number_of_nodes() == 20
    assert g.number_of_edges() == 190
    _, _, data = next(iter(g.edges(data=True)))
    assert data["evidence"] == "ip:1"
    assert data["weight"] == 1.0


def test_internal_links() -> None:
    links = make_links(4, [(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)])
    labels = np.array([0, 0, 1, 1])
    assert communities.internal_links(links, labels).tolist() == [0, 2]


def test_merge_fragments_joins_only_eligible_clusters_linked_densely_enough() -> None:
    # clusters 0 (0-9) and 1 (10-19) are linked 4 x 0.5 = 2.0 (density 0.02); cluster 2
    # (20-29) hangs on 0 by one faint link (density 0.0002)
    edges = [(i, j, 1.0) for g in (range(10), range(10, 20), range(20, 30)) for i in g for j in g if i < j]
    edges += [(0, 10, 0.5), (1, 11, 0.5), (2, 12, 0.5), (3, 13, 0.5), (5, 25, 0.02)]
    links = make_links(30, edges)
    labels = np.repeat([0, 1, 2], 10)
    merged = communities.merge_fragments(links, labels, np.array([True, True, True]), resolution=0.002)
    assert len(set(merged[:20])) == 1 and merged[20] != merged[0]
    # ineligible clusters are left alone
    kept = communities.merge_fragments(links, labels, np.array([True, False, True]), resolution=0.002)
    assert len({kept[0], kept[10], kept[20]}) == 3
    assert communities.merge_fragments(links, labels, np.ones(3, bool), resolution=0.0) is labels
