"""What the investigator app shows, computed without Streamlit.

The app's pages are thin: a widget, a call into this module, a table or chart. Everything that
can be wrong (which clusters a filter keeps, which decision is in force, which identifiers
link a cluster, how a large cluster is sampled for the graph, whether an uploaded zip is safe)
lives here, so it is tested with plain pytest and benchmarked on a 1M-account store
(``bench/bench_app.py``) without a browser.

Every function talks to the store only through the ``Store`` protocol and the named
investigator queries, so the app works the same on the embedded and the Neo4j backend.
Per-cluster data is read with targeted queries (``cluster_members``, ``neighbourhood``), never
by reading a whole load table, except where noted as a fallback until a dedicated query exists.
"""

from __future__ import annotations

import html
import io
import json
import logging
import math
import os
import re
import stat
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from linkgraph import schema
from linkgraph.decisions import decisions_in_force, in_force
from linkgraph.errors import ExportError, LinkGraphError, NothingToExportError, Problem, QueryError
from linkgraph.investigate import QUERIES
from linkgraph.model import Decision, RunRecord
from linkgraph.store.base import Store

log = logging.getLogger(__name__)

OPEN = "open"  # status of a cluster no analyst has decided on yet
STATUSES: tuple[str, ...] = (OPEN,) + schema.DECISION_STATUSES
DEFAULT_VIEW = "leiden"

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
}
ID_TYPE_LABEL: dict[str, str] = {i.name: i.label for i in schema.IDENTIFIER_TYPES}
ID_TYPE_DOC: dict[str, str] = {i.name: i.doc for i in schema.IDENTIFIER_TYPES}
LABEL_ID_TYPE: dict[str, str] = {i.label: i.name for i in schema.IDENTIFIER_TYPES}

CAMPAIGN_COLUMNS: tuple[str, ...] = (
    "cluster_id",
    "score",
    "size",
    "status",
    "first_signup",
    "last_signup",
    "payment_methods",
    "proxy_providers",
    "requests",
    "top_categories",
    "analyst",
    "decided_at",
    "evidence",
)


# --------------------------------------------------------------------------- store status
@dataclass(frozen=True)
class StoreStatus:
    """What the store holds, so every page can say "no data yet" instead of failing."""

    location: str
    backend: str
    accounts: int
    runs: int
    latest_run: RunRecord | None

    @property
    def has_accounts(self) -> bool:
        return self.accounts > 0

    @property
    def has_run(self) -> bool:
        return self.latest_run is not None

    @property
    def guidance(self) -> str:
        """One sentence telling an analyst what to do next ("" when there is data to show)."""
        if not self.has_accounts:
            return (
                "No data yet: run `linkgraph load EXPORT_DIR` then `linkgraph detect` "
                "(or upload an export on the Load & export page)."
            )
        if not self.has_run:
            return (
                "Accounts are loaded but no campaigns were detected yet: run `linkgraph detect` "
                "(or press Detect on the Load & export page)."
            )
        return ""


def store_status(store: Store) -> StoreStatus:
    counts = store.counts()
    runs = store.runs()
    return StoreStatus(
        location=store.location,
        backend=store.backend,
        accounts=int(counts.get("Account", 0)),
        runs=len(runs),
        latest_run=runs[0] if runs else None,
    )


# --------------------------------------------------------------------------- campaigns
latest_decisions = in_force  # the one rule, shared with the outputs (linkgraph.decisions)


def campaigns_table(clusters: pa.Table | pd.DataFrame, decisions: Iterable[Decision]) -> pd.DataFrame:
    """Clusters ranked by score (then size), with the analyst status in force for each.

    Keeps every cluster column (``features``, ``contributions``, ``view`` are used by the
    detail page) and adds ``status``, ``analyst``, ``decided_at`` and ``note``.
    """
    df = clusters.to_pandas() if isinstance(clusters, pa.Table) else clusters.copy()
    if "view" not in df.columns:
        df["view"] = DEFAULT_VIEW
    in_force = latest_decisions(decisions)
    df["status"] = [in_force[c].status if c in in_force else OPEN for c in df["cluster_id"]]
    df["analyst"] = [in_force[c].analyst if c in in_force else "" for c in df["cluster_id"]]
    df["decided_at"] = pd.to_datetime(
        [in_force[c].decided_at if c in in_force else None for c in df["cluster_id"]], utc=True
    )
    df["note"] = [in_force[c].note if c in in_force else "" for c in df["cluster_id"]]
    for col in ("proxy_providers", "top_categories", "evidence"):
        df[col] = df[col].fillna("")
    df = df.sort_values(["score", "size", "cluster_id"], ascending=[False, False, True], kind="stable")
    return df.reset_index(drop=True)


def load_campaigns(store: Store) -> pd.DataFrame:
    """The latest run's clusters with decisions in force (one small result read + decisions)."""
    return campaigns_table(store.read_result("clusters"), store.decisions())


def split_list(value: Any) -> list[str]:
    """``"a, b,c"`` -> ``["a", "b", "c"]`` (the comma-separated cluster columns)."""
    if not isinstance(value, str) or not value.strip():
        return []
    return [v.strip() for v in value.split(",") if v.strip()]


def provider_options(campaigns: pd.DataFrame) -> list[str]:
    """Every proxy provider named by some cluster, most frequent first."""
    counts: dict[str, int] = {}
    for value in campaigns.get("proxy_providers", pd.Series(dtype=str)):
        for p in split_list(value):
            counts[p] = counts.get(p, 0) + 1
    return sorted(counts, key=lambda p: (-counts[p], p))


def view_options(campaigns: pd.DataFrame) -> list[str]:
    views = sorted(set(campaigns["view"].dropna())) if "view" in campaigns else []
    return sorted(views, key=lambda v: (v != DEFAULT_VIEW, v)) or [DEFAULT_VIEW]


@dataclass(frozen=True)
class CampaignFilter:
    """The campaigns page's filters; the defaults keep every cluster of the default view."""

    min_score: float = 0.0
    min_size: int = 1
    max_size: int | None = None
    providers: tuple[str, ...] = ()  # keep clusters using any of these
    statuses: tuple[str, ...] = ()  # keep clusters whose status in force is one of these
    signup_from: date | None = None  # keep clusters with a sign-up on or after this day ...
    signup_to: date | None = None  # ... and on or before this day (sign-up windows overlap)
    cluster_ids: tuple[str, ...] | None = None  # from a search: only clusters of matched accounts
    view: str | None = DEFAULT_VIEW


def filter_campaigns(campaigns: pd.DataFrame, f: CampaignFilter) -> pd.DataFrame:
    """The rows of ``campaigns`` that pass every filter in ``f``, order kept."""
    df = campaigns
    keep = pd.Series(True, index=df.index)
    if f.view is not None and "view" in df:
        keep &= df["view"] == f.view
    keep &= df["score"] >= f.min_score
    keep &= df["size"] >= f.min_size
    if f.max_size is not None:
        keep &= df["size"] <= f.max_size
    if f.providers:
        wanted = set(f.providers)
        keep &= df["proxy_providers"].map(lambda v: bool(wanted.intersection(split_list(v))))
    if f.statuses:
        keep &= df["status"].isin(list(f.statuses))
    if f.signup_from is not None:
        start = pd.Timestamp(f.signup_from, tz="UTC")
        keep &= df["last_signup"] >= start
    if f.signup_to is not None:
        end = pd.Timestamp(f.signup_to, tz="UTC") + pd.Timedelta(days=1)
        keep &= df["first_signup"] < end
    if f.cluster_ids is not None:
        keep &= df["cluster_id"].isin(list(f.cluster_ids))
    return df[keep]


def display_campaigns(df: pd.DataFrame) -> pd.DataFrame:
    """The ranked-table columns, in order, for display."""
    return df[[c for c in CAMPAIGN_COLUMNS if c in df.columns]].reset_index(drop=True)


def signup_bounds(campaigns: pd.DataFrame) -> tuple[date, date] | None:
    """The earliest and latest sign-up day over all clusters (for the date filter)."""
    if campaigns.empty:
        return None
    lo, hi = campaigns["first_signup"].min(), campaigns["last_signup"].max()
    if pd.isna(lo) or pd.isna(hi):
        return None
    return lo.date(), hi.date()


# --------------------------------------------------------------------------- search
def search(store: Store, term: str, limit: int = 200) -> pd.DataFrame:
    """Accounts matching an account id, email, IP, payment fingerprint or device id."""
    term = term.strip()
    if not term:
        return pd.DataFrame(columns=list(QUERIES["search"].columns))
    return store.query("search", {"term": term, "limit": limit})


# --------------------------------------------------------------------------- campaign detail
@dataclass(frozen=True)
class Feature:
    name: str
    value: Any
    contribution: float


def score_breakdown(row: pd.Series | dict[str, Any]) -> pd.DataFrame:
    """Each scored feature's signed contribution to the score, largest effect first.

    ``value`` is the feature's raw value when the run stored one under the same name.
    Features that contributed nothing are left out (they explain nothing about this cluster).
    """
    features = _json_obj(row.get("features"))
    contributions = _json_obj(row.get("contributions"))
    rows = []
    for name, c in contributions.items():
        try:
            contribution = float(c)
        except (TypeError, ValueError):
            continue
        if contribution == 0.0 or math.isnan(contribution):
            continue
        rows.append(
            {"feature": name, "contribution": round(contribution, 4), "value": _fmt_value(features.get(name))}
        )
    df = pd.DataFrame(rows, columns=["feature", "contribution", "value"])
    if df.empty:
        return df
    order = df["contribution"].abs().sort_values(ascending=False, kind="stable").index
    return df.reindex(order).reset_index(drop=True)


def raw_features(row: pd.Series | dict[str, Any]) -> pd.DataFrame:
    """The cluster's measured features (shares, counts, rates) as text, by name."""
    features = _json_obj(row.get("features"))
    return pd.DataFrame(
        [{"feature": k, "value": _fmt_value(v)} for k, v in sorted(features.items())],
        columns=["feature", "value"],
    )


def _fmt_value(value: Any) -> str:
    """A feature's raw value as text (values mix numbers, flags and lists)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _json_obj(text: Any) -> dict[str, Any]:
    if isinstance(text, dict):
        return text
    if not isinstance(text, str) or not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def cluster_row(campaigns: pd.DataFrame, cluster_id: str) -> pd.Series | None:
    rows = campaigns[campaigns["cluster_id"] == cluster_id]
    return None if rows.empty else rows.iloc[0]


def cluster_members(store: Store, cluster_id: str, limit: int = 5000) -> pd.DataFrame:
    """Members with sign-up time and identifier counts (the ``cluster_members`` query)."""
    return store.query("cluster_members", {"cluster_id": cluster_id, "limit": limit})


def shared_infrastructure(identifiers: pa.Table | pd.DataFrame, cluster_id: str) -> pd.DataFrame:
    """The identifiers that link a cluster, most shared first: ``id_type, identifier, members``."""
    if isinstance(identifiers, pa.Table):
        if identifiers.num_rows:
            identifiers = identifiers.filter(pc.equal(identifiers.column("cluster_id"), cluster_id))
        df = identifiers.to_pandas()
    else:
        df = identifiers[identifiers["cluster_id"] == cluster_id]
    df = df[["id_type", "identifier", "members"]].sort_values(
        ["members", "id_type", "identifier"], ascending=[False, True, True], kind="stable"
    )
    return df.reset_index(drop=True)


def infrastructure_summary(infra: pd.DataFrame) -> pd.DataFrame:
    """Per identifier type: how many shared identifiers, and the most members any one links."""
    cols = ["id_type", "meaning", "identifiers", "max_members"]
    if infra.empty:
        return pd.DataFrame(columns=cols)
    g = infra.groupby("id_type", sort=False).agg(
        identifiers=("identifier", "size"), max_members=("members", "max")
    )
    g = g.reset_index().sort_values(["max_members", "identifiers"], ascending=False, kind="stable")
    g["meaning"] = g["id_type"].map(lambda t: ID_TYPE_DOC.get(t, t))
    return g[cols].reset_index(drop=True)


def signup_timeline(members: pd.DataFrame) -> pd.DataFrame:
    """Sign-ups per day among the members: ``day, signups`` (days without sign-ups omitted)."""
    if members.empty or "created_at" not in members:
        return pd.DataFrame(columns=["day", "signups"])
    days = pd.to_datetime(members["created_at"], utc=True).dt.floor("D").dt.tz_localize(None)
    out = days.value_counts().sort_index().rename_axis("day").reset_index(name="signups")
    return out


def daily_traffic(store: Store, cluster_id: str, member_ids: Sequence[str]) -> pd.DataFrame:
    """Requests per day and category for the cluster's members: ``day, category, requests``.

    One ``cluster_usage`` investigator query (aggregated in the store, either backend).
    """
    cols = ["day", "category", "requests"]
    df = store.query("cluster_usage", {"cluster_id": cluster_id, "limit": 100_000})
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["category"] = df["category"].fillna("other")
    out = df.groupby(["day", "category"], as_index=False)["requests"].sum()
    out["day"] = pd.to_datetime(out["day"])
    return out.sort_values(["day", "category"]).reset_index(drop=True)


# --------------------------------------------------------------------------- graph
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


# --------------------------------------------------------------------------- account view
def account_detail(store: Store, account_id: str) -> dict[str, Any] | None:
    """An account's properties and its cluster, or None when there is no such account."""
    account_id = account_id.strip()
    if not account_id:
        return None
    df = store.query("account", {"account_id": account_id})
    if df.empty:
        return None
    return {k: (None if _isna(v) else v) for k, v in df.iloc[0].to_dict().items()}


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def neighbourhood(store: Store, account_id: str, depth: int = 1, limit: int = 2000) -> pd.DataFrame:
    return store.query("neighbourhood", {"account_id": account_id, "depth": depth, "limit": limit})


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


@dataclass(frozen=True)
class LinkPath:
    path: pd.DataFrame  # step, label, node, rel
    text: str  # "a0 -PAID_WITH-> fp_1 <-PAID_WITH- a1", plain text (display escaped)
    identifiers: pd.DataFrame  # label, node: the identifiers on the path


def linking_path(store: Store, a: str, b: str, max_hops: int = 8) -> LinkPath | None:
    """How account ``a`` is linked to ``b``: the shortest chain of shared identifiers, or None.

    Raises ``QueryError`` when either account does not exist (the page shows its message).
    """
    path = store.query("shortest_path", {"a": a.strip(), "b": b.strip(), "max_hops": max_hops})
    if path.empty:
        return None
    path = path.sort_values("step").reset_index(drop=True)
    parts: list[str] = []
    prev_rel: str | None = None
    for row in path.itertuples(index=False):
        rel = row.rel if isinstance(row.rel, str) and row.rel else None
        if row.label == "Account":
            if parts:
                parts.append(f"<-{prev_rel or 'LINKED'}-")
            parts.append(str(row.node))
        else:
            parts.append(f"-{rel or 'LINKED'}->")
            parts.append(f"{row.label}:{row.node}")
            prev_rel = rel
    ids = path[path["label"] != "Account"][["label", "node"]].reset_index(drop=True)
    return LinkPath(path=path, text=" ".join(parts), identifiers=ids)


# --------------------------------------------------------------------------- decisions
def record_decision(store: Store, cluster_id: str, status: str, analyst: str, note: str = "") -> Decision:
    """Append an analyst decision (the store stamps the time); raises ValueError on bad input."""
    return store.add_decision(
        Decision(cluster_id=cluster_id, status=status, analyst=analyst.strip(), note=note)
    )


def decisions_table(decisions: Iterable[Decision]) -> pd.DataFrame:
    cols = ["decided_at", "cluster_id", "status", "analyst", "note"]
    rows = [{c: getattr(d, c) for c in cols} for d in decisions]
    df = pd.DataFrame(rows, columns=cols)
    if not df.empty:
        df["decided_at"] = pd.to_datetime(df["decided_at"], utc=True)
    return df


# --------------------------------------------------------------------------- exports
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("linkgraph-export.csv", "text/csv"),
    "json": ("linkgraph-export.json", "application/json"),
    "stix": ("linkgraph-export.stix.json", "application/json"),
}


def exportable(store: Store, cluster_ids: Sequence[str]) -> list[str]:
    """``cluster_ids`` without the dismissed ones (decision in force, as the outputs see it).

    ``write_export`` exports a dismissed cluster when it is named explicitly (its one escape
    hatch); the app's downloads are enforcement lists, so they never name one.
    """
    current = decisions_in_force(store)
    return [c for c in dict.fromkeys(cluster_ids) if not (c in current and current[c].status == "dismissed")]


def export_bytes(store: Store, fmt: str, cluster_ids: Sequence[str]) -> bytes:
    """The enforcement export of the selected clusters in ``fmt``, by ``linkgraph.enforcement``
    (the same code as ``linkgraph export``); dismissed clusters are left out."""
    from linkgraph import enforcement

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    ids = exportable(store, cluster_ids)
    if not ids:  # an empty list would mean "the default enforcement list" to write_export
        raise NothingToExportError("nothing to export: every selected campaign was dismissed")
    buf = io.BytesIO()
    enforcement.write_export(store, fmt, buf, cluster_ids=ids)
    return buf.getvalue()


# --------------------------------------------------------------------------- uploads
@dataclass(frozen=True)
class UploadLimits:
    """Bounds on an uploaded export: a zip bomb or a path escaping the folder is refused."""

    max_files: int = 200
    max_total_bytes: int = 2 * 1024**3  # after decompression
    max_ratio: float = 200.0  # uncompressed / compressed per zip member


UPLOAD_SUFFIXES = (".csv", ".csv.gz", ".jsonl", ".jsonl.gz", ".parquet", ".toml")
_NAME_OK = re.compile(r"^[A-Za-z0-9._-]+$")


def _safe_member_path(dest: Path, name: str) -> Path:
    """Where zip member ``name`` goes under ``dest``; ExportError if it would escape ``dest``."""
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or any(part in ("..", "") for part in pure.parts) or ":" in name:
        raise ExportError(Problem(name, "refused: path escapes the upload folder"))
    target = (dest / Path(*pure.parts)).resolve()
    if not target.is_relative_to(dest.resolve()):
        raise ExportError(Problem(name, "refused: path escapes the upload folder"))
    return target


def extract_upload(
    files: Sequence[tuple[str, bytes]], dest: Path, limits: UploadLimits | None = None
) -> Path:
    """Write uploaded files (export tables, or one zip of an export directory) under ``dest``.

    Returns the export directory to load: ``dest`` itself, or the single folder a zip holds.
    Zip members are checked before anything is written: no absolute paths, ``..``, symlinks or
    device files; at most ``max_files`` members; the total uncompressed size and each member's
    compression ratio are bounded; extraction counts real bytes, so a lying header is caught.
    """
    limits = limits or UploadLimits()
    dest.mkdir(parents=True, exist_ok=True)
    if not files:
        raise ExportError(Problem("upload", "no files uploaded"))
    total = 0
    for name, data in files:
        base = os.path.basename(name)
        if base.lower().endswith(".zip"):
            total += _extract_zip(base, data, dest, limits, total)
            continue
        if not _NAME_OK.match(base) or base.startswith("."):
            raise ExportError(
                Problem(base, "refused: file names may only use letters, digits, '.', '_' and '-'")
            )
        total += len(data)
        if total > limits.max_total_bytes:
            raise ExportError(Problem(base, "refused: upload larger than the limit"))
        (dest / base).write_bytes(data)
    entries = [p for p in dest.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return dest


def _extract_zip(name: str, data: bytes, dest: Path, limits: UploadLimits, already: int) -> int:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ExportError(Problem(name, "not a readable zip file")) from None
    with zf:
        infos = [i for i in zf.infolist() if not i.filename.startswith("__MACOSX/")]
        if len(infos) > limits.max_files:
            raise ExportError(Problem(name, f"refused: more than {limits.max_files} files in the zip"))
        declared = sum(i.file_size for i in infos)
        if already + declared > limits.max_total_bytes:
            raise ExportError(Problem(name, "refused: uncompressed size exceeds the upload limit"))
        targets = []
        for info in infos:
            mode = info.external_attr >> 16
            kind = stat.S_IFMT(mode)  # 0 when the zip tool recorded no Unix file type
            if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
                raise ExportError(Problem(info.filename, "refused: links and special files are not allowed"))
            if (
                info.compress_size
                and info.file_size / info.compress_size > limits.max_ratio
                and info.file_size > 1 << 20
            ):
                raise ExportError(Problem(info.filename, "refused: compression ratio too high (zip bomb?)"))
            targets.append((info, _safe_member_path(dest, info.filename)))
        written = 0
        for info, target in targets:
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                while chunk := src.read(1 << 20):
                    written += len(chunk)
                    if already + written > limits.max_total_bytes:
                        raise ExportError(
                            Problem(info.filename, "refused: uncompressed size exceeds the upload limit")
                        )
                    out.write(chunk)
        return written


def load_upload(
    store: Store, files: Sequence[tuple[str, bytes]], workdir: Path, limits: UploadLimits | None = None
) -> Any:
    """Extract an upload safely under ``workdir`` and load it with ``linkgraph.pipeline.load``.

    Returns the ``LoadReport``; raises ``ExportError`` (with ``.problems``) for a bad upload or
    export, in which case nothing in the store changed.
    """
    from linkgraph import pipeline

    export_dir = extract_upload(files, workdir / "export", limits)
    mapping = export_dir / "mapping.toml"
    return pipeline.load(store, export_dir, mapping if mapping.exists() else None)


def problems_table(error: LinkGraphError) -> pd.DataFrame:
    """A load error as rows (file, row, column, reason) for an inline table."""
    problems = error.problems if isinstance(error, ExportError) else [Problem("", str(error))]
    return pd.DataFrame(
        [{"file": p.file, "row": p.row, "column": p.column, "reason": p.reason} for p in problems],
        columns=["file", "row", "column", "reason"],
    )


# --------------------------------------------------------------------------- text
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:])")


def md(text: Any) -> str:
    """Escape a data value for ``st.markdown`` so it shows as literal text (no links, no HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


def fmt_ts(value: Any) -> str:
    if value is None or _isna(value):
        return "—"
    if isinstance(value, datetime | pd.Timestamp):
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


__all__ = [
    "OPEN",
    "STATUSES",
    "NODE_COLOURS",
    "StoreStatus",
    "store_status",
    "latest_decisions",
    "campaigns_table",
    "load_campaigns",
    "provider_options",
    "view_options",
    "CampaignFilter",
    "filter_campaigns",
    "display_campaigns",
    "signup_bounds",
    "search",
    "score_breakdown",
    "raw_features",
    "cluster_row",
    "cluster_members",
    "shared_infrastructure",
    "infrastructure_summary",
    "signup_timeline",
    "daily_traffic",
    "ClusterEdges",
    "cluster_edges",
    "neighbourhood_pairs",
    "sample_members",
    "GraphElements",
    "graph_elements",
    "path_graph",
    "account_detail",
    "neighbourhood",
    "neighbourhood_graph",
    "LinkPath",
    "linking_path",
    "record_decision",
    "decisions_table",
    "exportable",
    "export_bytes",
    "NothingToExportError",
    "EXPORT_FORMATS",
    "UploadLimits",
    "extract_upload",
    "load_upload",
    "problems_table",
    "md",
    "fmt_ts",
    "QueryError",
]
