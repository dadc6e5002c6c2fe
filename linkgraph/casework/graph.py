"""Graph elements for the app's network view: accounts and the identifiers that link them.

Large clusters are sampled (evenly over sign-up order) and only identifiers shared by two or
more drawn accounts are kept, so the drawing explains the link and stays readable. Every
string is HTML-escaped here because the graph component renders its info panel with
``innerHTML``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from linkgraph import schema
from linkgraph.store.base import Store

# Node colours by label, for the graph and legends (colour-blind-safe Okabe-Ito palette).
NODE_COLOURS: dict[str, str] = {
    "Account": "#0072B2",
    "PaymentMethod": "#D55E00",
    "Device": "#CC79A7",
    "IPAddress": "#009E73",
    "Subnet": "#56B4E9",
    "ProxyProvider": "#E69F00",
    "EmailDomain": "#999999",
    "Organization": "#F0E442",
    "Campaign": "#0072B2",
}


LABEL_ID_TYPE: dict[str, str] = {i.label: i.name for i in schema.IDENTIFIER_TYPES}


@dataclass(frozen=True)
class ClusterEdges:
    """Account -> identifier pairs of (a sample of) a cluster's members."""

    pairs: pd.DataFrame  # account_id, id_type, label, identifier
    members: int  # members of the cluster
    sampled: int  # members whose identifiers were read


PAIR_COLUMNS = ["account_id", "id_type", "label", "identifier"]


def neighbourhood_pairs(nbh: pd.DataFrame) -> pd.DataFrame:
    """Turn ``neighbourhood`` rows (depth 1) into account -> identifier pairs.

    Account -> IP -> subnet/provider rows become account -> subnet/provider pairs, so the graph
    can show the provider a cluster shares without drawing every single-use proxy IP.
    """
    if nbh.empty:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    direct = nbh[nbh["src_label"] == "Account"]
    out = [
        pd.DataFrame(
            {
                "account_id": direct["src"],
                "label": direct["dst_label"],
                "identifier": direct["dst"],
            }
        )
    ]
    via_ip = nbh[nbh["src_label"] == "IPAddress"]
    if not via_ip.empty:
        ip_owner = direct[direct["dst_label"] == "IPAddress"][["src", "dst"]].rename(
            columns={"src": "account_id", "dst": "ip"}
        )
        j = via_ip.merge(ip_owner, left_on="src", right_on="ip")
        out.append(
            pd.DataFrame({"account_id": j["account_id"], "label": j["dst_label"], "identifier": j["dst"]})
        )
    pairs = pd.concat(out, ignore_index=True)
    pairs["id_type"] = pairs["label"].map(LABEL_ID_TYPE)
    pairs = pairs.dropna(subset=["id_type"]).drop_duplicates()
    return pairs[PAIR_COLUMNS].reset_index(drop=True)


def sample_members(member_ids: Sequence[str], k: int) -> list[str]:
    """A deterministic, spread-out sample of ``k`` members (every n-th in sign-up order)."""
    ids = list(member_ids)
    if len(ids) <= k:
        return ids
    step = len(ids) / k
    return [ids[int(i * step)] for i in range(k)]


def cluster_edges(
    store: Store, cluster_id: str, member_ids: Sequence[str], max_accounts: int = 60
) -> ClusterEdges:
    """Account -> identifier pairs for the cluster graph, bounded by ``max_accounts``.

    One ``cluster_graph`` query (all members' identifiers, on either backend), then a sample of
    members so the drawn graph stays readable and the page fast.
    """
    sample = sample_members(member_ids, max_accounts)
    pairs = store.query("cluster_graph", {"cluster_id": cluster_id, "limit": 100_000})
    pairs = pairs[pairs["account_id"].isin(sample)][PAIR_COLUMNS]
    return ClusterEdges(pairs=pairs.reset_index(drop=True), members=len(member_ids), sampled=len(sample))


@dataclass(frozen=True)
class GraphElements:
    """Cytoscape elements plus what was left out, so the page can say so."""

    elements: dict[str, list[dict[str, Any]]]
    accounts: int  # account nodes drawn
    identifiers: int  # identifier nodes drawn
    dropped_accounts: int = 0
    dropped_identifiers: int = 0
    labels: tuple[str, ...] = field(default=())
    positions: dict[str, dict[str, float]] | None = None  # fixed node positions (preset layout)

    @property
    def empty(self) -> bool:
        return not self.elements["nodes"]


def _safe(value: Any, max_len: int = 48) -> str:
    """Text for the graph component: HTML-escaped (its info panel uses innerHTML), shortened."""
    text = "" if value is None else str(value)
    if len(text) > max_len:
        text = text[: max_len - 1] + "…"
    return html.escape(text, quote=True)


def node_size(degree: int) -> float:
    """Node diameter grows with the square root of the degree, bounded for readability."""
    return round(min(18 + 8 * math.sqrt(max(degree, 0)), 90), 1)


def graph_elements(
    pairs: pd.DataFrame,
    shared: Iterable[tuple[str, str]] | None = None,
    *,
    max_accounts: int = 60,
    max_identifiers: int = 120,
    focus: str | None = None,
) -> GraphElements:
    """Build a cytoscape graph of accounts and the identifiers that link them.

    ``pairs`` are account -> identifier rows. Only identifiers in ``shared`` (``(id_type,
    identifier)``) are drawn, or, without it, those reached by at least two of the accounts:
    a single-use identifier explains nothing. The most connected accounts and identifiers are
    kept when there are more than the limits, and the counts left out are returned. Nodes carry
    ``label`` (the schema label, for colour), ``name`` (the escaped value) and ``degree``/``size``.
    ``focus`` keeps one account even when it has no shared identifier (the account view).
    """
    empty = GraphElements({"nodes": [], "edges": []}, 0, 0)
    if pairs.empty:
        return empty
    p = pairs[PAIR_COLUMNS].drop_duplicates()
    if shared is not None:
        keys = pd.MultiIndex.from_tuples(list(shared)) if not isinstance(shared, pd.MultiIndex) else shared
        if len(keys) == 0:
            p = p.iloc[0:0]
        else:
            p = p[pd.MultiIndex.from_frame(p[["id_type", "identifier"]]).isin(keys)]
    else:
        per_id = p.groupby(["id_type", "identifier"])["account_id"].transform("nunique")
        p = p[per_id >= 2]
    if p.empty and focus is None:
        return empty
    id_deg = p.groupby(["id_type", "label", "identifier"]).size().sort_values(ascending=False, kind="stable")
    kept_ids = id_deg.head(max_identifiers)
    p = p.merge(kept_ids.reset_index()[["id_type", "identifier"]], on=["id_type", "identifier"])
    acc_deg = p.groupby("account_id").size().sort_values(ascending=False, kind="stable")
    kept_acc = list(acc_deg.head(max_accounts).index)
    if focus is not None and focus not in kept_acc:
        kept_acc = [focus] + kept_acc[: max_accounts - 1]
    p = p[p["account_id"].isin(kept_acc)]
    all_accounts = set(pairs["account_id"])

    nodes: list[dict[str, Any]] = []
    node_id: dict[tuple[str, str], str] = {}
    acc_degree = p.groupby("account_id").size().to_dict()
    for acc in kept_acc:
        nid = f"n{len(nodes)}"
        node_id[("Account", acc)] = nid
        d = int(acc_degree.get(acc, 0))
        nodes.append(
            {
                "data": {
                    "id": nid,
                    "label": "Account",
                    "name": _safe(acc),
                    "degree": d,
                    "size": node_size(d),
                    **({"focus": "yes"} if acc == focus else {}),
                }
            }
        )
    id_degree = p.groupby(["id_type", "label", "identifier"]).size()
    for (id_type, label, ident), d in id_degree.items():
        nid = f"n{len(nodes)}"
        node_id[(label, ident)] = nid
        nodes.append(
            {
                "data": {
                    "id": nid,
                    "label": label,
                    "name": _safe(ident),
                    "kind": _safe(id_type),
                    "degree": int(d),
                    "size": node_size(int(d)),
                }
            }
        )
    edges: list[dict[str, Any]] = []
    rel_of = {i.label: i.path[-1] if len(i.path) == 1 else "VIA_IP" for i in schema.IDENTIFIER_TYPES}
    for row in p.itertuples(index=False):
        src, dst = node_id.get(("Account", row.account_id)), node_id.get((row.label, row.identifier))
        if src and dst:
            edges.append(
                {
                    "data": {
                        "id": f"e{len(edges)}",
                        "source": src,
                        "target": dst,
                        "label": rel_of.get(row.label, "LINKED"),
                    }
                }
            )
    n_ids = len(id_degree)
    labels = tuple(sorted({n["data"]["label"] for n in nodes}))
    return GraphElements(
        {"nodes": nodes, "edges": edges},
        accounts=len(kept_acc),
        identifiers=n_ids,
        dropped_accounts=max(len(all_accounts) - len(kept_acc), 0),
        dropped_identifiers=max(len(id_deg) - len(kept_ids), 0),
        labels=labels,
    )


def path_graph(path: pd.DataFrame) -> GraphElements:
    """A chain graph of a ``shortest_path`` result (account, identifier, account, ...)."""
    if path.empty:
        return GraphElements({"nodes": [], "edges": []}, 0, 0)
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    prev: str | None = None
    prev_rel: str | None = None
    for row in path.sort_values("step").itertuples(index=False):
        nid = f"n{len(nodes)}"
        nodes.append(
            {
                "data": {
                    "id": nid,
                    "label": row.label,
                    "name": _safe(row.node),
                    "degree": 2,
                    "size": node_size(2),
                }
            }
        )
        if prev is not None:
            rel = row.rel if isinstance(row.rel, str) and row.rel else prev_rel or "LINKED"
            edges.append(
                {"data": {"id": f"e{len(edges)}", "source": prev, "target": nid, "label": _safe(rel)}}
            )
        prev, prev_rel = nid, row.rel if isinstance(row.rel, str) else None
    accounts = sum(1 for n in nodes if n["data"]["label"] == "Account")
    return GraphElements(
        {"nodes": nodes, "edges": edges},
        accounts,
        len(nodes) - accounts,
        labels=tuple(sorted({n["data"]["label"] for n in nodes})),
    )


def neighbourhood_graph(nbh: pd.DataFrame, account_id: str, max_accounts: int = 40) -> GraphElements:
    """The account, its identifiers and (depth 2) the accounts sharing them."""
    if nbh.empty:
        return GraphElements({"nodes": [], "edges": []}, 0, 0)
    hop1 = neighbourhood_pairs(nbh[nbh["hop"] == 1])
    hop2 = nbh[(nbh["hop"] == 2) & (nbh["src_label"] == "Account")]
    hop2_pairs = pd.DataFrame(
        {"account_id": hop2["src"], "label": hop2["dst_label"], "identifier": hop2["dst"]}
    )
    hop2_pairs["id_type"] = hop2_pairs["label"].map(LABEL_ID_TYPE)
    pairs = pd.concat([hop1, hop2_pairs[PAIR_COLUMNS]], ignore_index=True).dropna(subset=["id_type"])
    own = pairs[pairs["account_id"] == account_id][["id_type", "identifier"]]
    shared = list(own.itertuples(index=False, name=None))
    return graph_elements(pairs, shared, max_accounts=max_accounts, max_identifiers=80, focus=account_id)


LINEAGE_COLUMN_GAP = 260  # px between runs (columns) in the lineage drawing
LINEAGE_ROW_GAP = 90  # px between campaigns of one run


def lineage_elements(nodes: pd.DataFrame, edges: pd.DataFrame, focus: str) -> GraphElements:
    """Cytoscape elements of a ``history.Lineage``: runs as columns, campaigns sized by members.

    Positions are fixed (a ``preset`` layout: ``GraphElements.positions``) so time reads left to
    right; edges carry the number of shared accounts. ``focus`` marks the campaign of the case.
    """
    if nodes.empty:
        return GraphElements({"nodes": [], "edges": []}, 0, 0)
    out_nodes: list[dict[str, Any]] = []
    positions: dict[str, dict[str, float]] = {}
    node_of: dict[tuple[int, str], str] = {}
    for column, group in nodes.groupby("column", sort=True):
        for row_no, row in enumerate(group.itertuples(index=False)):
            nid = f"n{len(out_nodes)}"
            node_of[(int(row.run_id), str(row.campaign_id))] = nid
            size = int(row.size) if pd.notna(row.size) else 0
            out_nodes.append(
                {
                    "data": {
                        "id": nid,
                        "label": "Campaign",
                        "name": _safe(f"{row.campaign_id} ({size:,})"),
                        "run": f"run {int(row.run_id)}",
                        "members": size,
                        "size": node_size(size),
                        **({"focus": "yes"} if row.campaign_id == focus else {}),
                    }
                }
            )
            positions[nid] = {"x": float(column) * LINEAGE_COLUMN_GAP, "y": float(row_no) * LINEAGE_ROW_GAP}
    out_edges: list[dict[str, Any]] = []
    for e in edges.itertuples(index=False):
        src, dst = node_of.get((int(e.run_from), str(e.from_id))), node_of.get((int(e.run_to), str(e.to_id)))
        if src and dst:
            out_edges.append(
                {
                    "data": {
                        "id": f"e{len(out_edges)}",
                        "source": src,
                        "target": dst,
                        "label": "SHARES",
                        "shared": int(e.shared),
                        "width": round(min(1 + math.log2(1 + int(e.shared)), 12), 1),
                    }
                }
            )
    return GraphElements(
        {"nodes": out_nodes, "edges": out_edges},
        accounts=0,
        identifiers=0,
        labels=("Campaign",),
        positions=positions,
    )
