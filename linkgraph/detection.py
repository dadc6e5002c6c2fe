"""Detection run orchestration: store tables → links → communities → scores → stored run.

``detect(store, settings)`` reads whole load tables as Arrow, builds the weighted link graph
(``linking``), finds communities in two views (``communities``: Leiden/CPM, the default, and
strong components), scores every cluster (``scoring``), gives clusters **stable ids** and
stores one ``DetectionResult`` with ``store.save_run`` (the store writes it atomically). The
caller holds the store's write lock (``pipeline.detect`` does).

Stable ids: a new cluster takes the id of the previous run's cluster (same view) with which
it shares the most members, when their Jaccard similarity is at least ``id_jaccard`` (0.5);
each old id is used at most once. Other clusters get a fresh ``C`` + zero-padded number that
continues the largest number ever used (kept in each run's stats), so an id never means two
different things.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from linkgraph import attribution, communities, incremental, linking, scoring
from linkgraph.errors import ConfigError
from linkgraph.model import RESULT_TABLES, DetectionResult, RunRecord
from linkgraph.settings import DetectSettings
from linkgraph.signals import known as known_mod
from linkgraph.store.base import GraphAnalytics, Progress, Store

log = logging.getLogger(__name__)

# What detection reads: table -> columns (None = all).
INPUT_COLUMNS: dict[str, list[str] | None] = {
    "accounts": [
        "account_id",
        "created_at",
        "email_domain",
        "email_local",
        "email_random",
        "email_namelike",
        "email_template",
        "email_number",
        "org_id",
        "org_verified",
        "status",
    ],
    "paid_with": ["account_id", "payment_fingerprint"],
    "payment_methods": ["payment_fingerprint", "method_type"],
    "used_ip": ["account_id", "ip", "first_seen", "last_seen", "request_count", "user_agent"],
    "ip_addresses": ["ip", "subnet", "proxy_provider", "proxy_kind"],
    "in_subnet": None,
    "via_proxy": None,
    "proxy_providers": None,
    "used_device": None,
    "email_at": None,
    "email_domains": None,
    "member_of": None,
    "usage": ["account_id", "day", "category", "requests", "flagged_jailbreak"],
}
ID_PREFIX = "C"
ID_DIGITS = 6
_ID_RE = re.compile(r"^C(\d+)$")


def read_inputs(store: Store) -> dict[str, pa.Table]:
    """The load tables detection needs, whole, as Arrow.

    ``in_subnet`` and ``via_proxy`` repeat what ``ip_addresses.subnet/proxy_provider`` hold;
    they are read only when those columns are empty (a store filled some other way).
    """
    out: dict[str, pa.Table] = {}
    for name, cols in INPUT_COLUMNS.items():
        if name in _REDUNDANT:
            node_col = _REDUNDANT[name]
            ipa = out["ip_addresses"]
            if ipa.num_rows and ipa.column(node_col).null_count < ipa.num_rows:
                continue
        out[name] = store.read_table(name, cols)
    return out


# relationship table -> the ip_addresses column that holds the same facts
_REDUNDANT = {"in_subnet": "subnet", "via_proxy": "proxy_provider"}


def id_number(cluster_id: str) -> int:
    m = _ID_RE.match(cluster_id or "")
    return int(m.group(1)) if m else 0


def format_id(number: int) -> str:
    return f"{ID_PREFIX}{number:0{ID_DIGITS}d}"


def assign_ids(
    new_members: pd.DataFrame,
    previous: pd.DataFrame,
    next_number: int,
    threshold: float = 0.5,
) -> tuple[dict[int, str], int]:
    """Stable ids for new clusters.

    ``new_members``: columns ``label`` (int), ``account_id``; ``previous``: columns
    ``cluster_id``, ``account_id`` (the previous run's members of the same view).
    Returns ``({label: cluster_id}, next unused number)``. Matching is greedy by decreasing
    Jaccard (ties: larger overlap, then label, then old id), each old id at most once.
    """
    labels = np.sort(new_members["label"].unique())
    new_size = new_members.groupby("label").size()
    mapping: dict[int, str] = {}
    if len(previous):
        old_size = previous.groupby("cluster_id").size()
        inter = (
            new_members.merge(previous, on="account_id", how="inner")
            .groupby(["label", "cluster_id"])
            .size()
            .rename("inter")
            .reset_index()
        )
        if len(inter):
            inter["jaccard"] = inter["inter"] / (
                new_size.loc[inter["label"]].to_numpy()
                + old_size.loc[inter["cluster_id"]].to_numpy()
                - inter["inter"]
            )
            cand = inter[inter["jaccard"] >= threshold].sort_values(
                ["jaccard", "inter", "label", "cluster_id"], ascending=[False, False, True, True]
            )
            used: set[str] = set()
            for label, cid in zip(cand["label"].tolist(), cand["cluster_id"].tolist(), strict=True):
                if label in mapping or cid in used:
                    continue
                mapping[int(label)] = str(cid)
                used.add(str(cid))
    for label in labels.tolist():
        if label not in mapping:
            mapping[int(label)] = format_id(next_number)
            next_number += 1
    return mapping, next_number


def _ts(days: pd.Series) -> pa.Array:
    us = np.round(days.to_numpy(dtype=float) * 86_400e6)
    mask = np.isnan(us)
    return pa.array(np.where(mask, 0, us).astype(np.int64), type=pa.int64(), mask=mask).cast(
        pa.timestamp("us", tz="UTC")
    )


def _typed(columns: Mapping[str, pa.DataType], data: dict[str, Any]) -> pa.Table:
    return pa.table(
        {
            c: pa.array(data[c], type=t) if not isinstance(data[c], pa.Array) else data[c].cast(t)
            for c, t in columns.items()
        }
    )


def _identifiers(links: linking.Links, labels: np.ndarray, ids: np.ndarray) -> pa.Table:
    """Shared infrastructure per cluster: identifiers used by ≥ 2 members, any popularity.

    Identifiers over ``max_share`` (no pairwise links) are kept here as cluster-level
    evidence; identifiers that mean nothing (webmail domains, ISPs) are left out.
    """
    parts: list[pa.Table] = []
    for t in linking.EVIDENCE_TYPES:
        inc = links.incidence.get(t)
        if inc is None or not len(inc.account):
            continue
        lab = labels[inc.account]
        sel = (lab >= 0) & (inc.mult[inc.ident] > 0)
        if not sel.any():
            continue
        nn = len(inc.names)
        key, cnt = np.unique(lab[sel].astype(np.int64) * nn + inc.ident[sel], return_counts=True)
        keep = cnt >= 2
        key, cnt = key[keep], cnt[keep]
        parts.append(
            pa.table(
                {
                    "cluster_id": pa.array(ids[key // nn], pa.string()),
                    "id_type": pa.array([t] * len(key), pa.string()),
                    "identifier": inc.names.take(pa.array(key % nn)).cast(pa.string()),
                    "members": pa.array(cnt, pa.int64()),
                }
            )
        )
    if not parts:
        return pa.table({c: pa.array([], t) for c, t in RESULT_TABLES["identifiers"].items()})
    out = pa.concat_tables(parts)
    return out.sort_by([("cluster_id", "ascending"), ("members", "descending"), ("id_type", "ascending")])


def _links_table(links: linking.Links, labels: np.ndarray, ids: np.ndarray) -> pa.Table:
    rows = communities.internal_links(links, labels)
    return pa.table(
        {
            "cluster_id": pa.array(ids[labels[links.a[rows]]], pa.string()),
            "a": links.account_ids.take(pa.array(links.a[rows])),
            "b": links.account_ids.take(pa.array(links.b[rows])),
            "weight": pa.array(np.round(links.weight[rows], 6), pa.float64()),
            "evidence": links.evidence(rows),
        }
    )


def _members_table(
    links: linking.Links,
    labels: np.ndarray,
    sub_labels: np.ndarray,
    ids: np.ndarray,
    attr: attribution.Attribution,
) -> pa.Table:
    """Members with their sub-cluster (``<cluster_id>.<n>``, largest first) and attribution."""
    members_idx = np.flatnonzero(labels >= 0)
    cl = labels[members_idx]
    sub = sub_labels[members_idx]
    # rank of each sub-cluster within its campaign, by size (ties: lower label first)
    pairs, inv, cnt = np.unique(np.stack([cl, sub], axis=1), axis=0, return_inverse=True, return_counts=True)
    order = np.lexsort((pairs[:, 1], -cnt, pairs[:, 0]))
    rank = np.empty(len(pairs), np.int64)
    starts = np.searchsorted(pairs[order, 0], pairs[order, 0], side="left")
    rank[order] = np.arange(len(order)) - starts + 1
    cid = ids[cl]
    sub_id = pc.binary_join_element_wise(
        pa.array(cid, pa.string()), pc.cast(pa.array(rank[inv.ravel()]), pa.string()), "."
    )
    return pa.table(
        {
            "cluster_id": pa.array(cid, pa.string()),
            "account_id": links.account_ids.take(pa.array(members_idx)).cast(pa.string()),
            "sub_cluster_id": sub_id,
            "attribution": pa.array(np.round(attr.score[members_idx], 4), pa.float64()),
            "action": pa.array(attr.action[members_idx], pa.string()),
            "reasons": pa.array(attr.reasons, pa.string()),
        }
    )


def _rescore_merged(
    old: np.ndarray,
    new: np.ndarray,
    scored: pd.DataFrame,
    links: linking.Links,
    sig: scoring.AccountSignals,
    tables: Mapping[str, pa.Table],
) -> pd.DataFrame:
    """Scores for the labels after ``merge_fragments``: clusters that did not change keep their
    row, merged ones are scored again (only they pay for evidence and JSON)."""
    k_new = int(new.max(initial=-1)) + 1
    members = np.flatnonzero(new >= 0)
    # old label of one member of each new cluster, and how many old clusters went into it
    pairs = np.unique(np.stack([new[members], old[members]], axis=1), axis=0)
    parts = np.bincount(pairs[:, 0], minlength=k_new)
    some_old = np.zeros(k_new, dtype=np.int64)
    some_old[pairs[:, 0]] = pairs[:, 1]
    changed = np.flatnonzero(parts > 1)
    compact = np.full(k_new, -1, dtype=np.int64)
    compact[changed] = np.arange(len(changed))
    sub = np.where(new >= 0, compact[np.maximum(new, 0)], -1)
    rescored = scoring.score_clusters(sub, links, sig, tables)
    out = scored.iloc[some_old].reset_index(drop=True)
    for col in out.columns:
        out.loc[changed, col] = rescored[col].to_numpy()
    return out


def _previous(store: Store) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Previous run's (clusters[cluster_id, view], members[cluster_id, account_id]) and the
    next fresh id number."""
    runs = store.runs()
    empty = pd.DataFrame(
        {"cluster_id": pd.Series([], dtype=object), "account_id": pd.Series([], dtype=object)}
    )
    if not runs:
        return pd.DataFrame({"cluster_id": [], "view": []}), empty, 1
    last = runs[0]
    clusters = store.read_result("clusters", last.run_id).select(["cluster_id", "view"]).to_pandas()
    members = store.read_result("members", last.run_id).to_pandas()
    top = max((int(r.stats.get("max_cluster_number", 0) or 0) for r in runs), default=0)
    if len(clusters):
        top = max(top, int(clusters["cluster_id"].map(id_number).max()))
    return clusters, members, top + 1


def _known(
    store: Store, account_ids: pa.Array, max_runs: int = 20
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(confirmed, dismissed) accounts from analysts' decisions (``signals.known``).

    A decision's accounts are its cluster's members in the newest run that holds the cluster
    (ids are stable and never reused); a confirmed cluster contributes only the members that
    were attributable (not those "linked, not enforced"). Looks back at most ``max_runs`` runs.
    """
    confirmed, dismissed = _known_from_decisions(store, account_ids, max_runs)
    seeds = _intel_seeds(store, account_ids)
    if seeds is None or not seeds.any():
        return confirmed, dismissed
    # a peer lab's strong match counts like an analyst's confirmation; a dismissal here wins
    dismissed = dismissed if dismissed is not None else np.zeros(len(account_ids), bool)
    confirmed = (confirmed if confirmed is not None else np.zeros(len(account_ids), bool)) | seeds
    return confirmed & ~dismissed, dismissed


def _intel_seeds(store: Store, account_ids: pa.Array) -> np.ndarray | None:
    """Accounts a peer lab's bundle matched strongly (``linkgraph match``), as known-bad seeds.

    Only ``strong`` matches count: several independent indicators, never one shared proxy
    provider (see ``sharing.matching``). None when no match was ever stored.
    """
    matches = store.intel_matches()
    if matches.empty:
        return None
    strong = matches.loc[matches["level"] == "strong", "account_id"].astype(str).tolist()
    pos = pc.index_in(pa.array(strong, pa.string()), value_set=account_ids)
    pos_np = np.asarray(pc.fill_null(pos, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    seeds = np.zeros(len(account_ids), bool)
    seeds[pos_np[pos_np >= 0]] = True
    return seeds


def _known_from_decisions(
    store: Store, account_ids: pa.Array, max_runs: int
) -> tuple[np.ndarray | None, np.ndarray | None]:
    decisions = store.decisions()
    wanted = set(known_mod.in_force(decisions))
    if not wanted:
        return None, None
    parts: list[pd.DataFrame] = []
    for run in store.runs()[:max_runs]:
        if not wanted:
            break
        m = store.read_result("members", run.run_id).to_pandas()
        m = m[m["cluster_id"].isin(wanted)]
        if len(m):
            parts.append(m)
            wanted -= set(m["cluster_id"])
    members = pd.concat(parts) if parts else pd.DataFrame({"cluster_id": [], "account_id": []})
    return known_mod.known_accounts(decisions, members, account_ids)


def build_result(
    tables: Mapping[str, pa.Table] | linking.Inputs,
    settings: DetectSettings,
    previous: tuple[pd.DataFrame, pd.DataFrame, int] | None = None,
    progress: Progress | None = None,
    partitions: Mapping[str, communities.Partition] | None = None,
    links: linking.Links | None = None,
    known: tuple[np.ndarray | None, np.ndarray | None] = (None, None),
) -> DetectionResult:
    """Everything ``detect`` does except reading and saving: pure over Arrow tables.

    ``previous`` is ``(clusters[cluster_id, view], members[cluster_id, account_id], next
    number)`` of the previous run, for stable ids.
    """
    timings: dict[str, float] = {}
    step = [0]
    total_steps = 5

    def tick(what: str, t0: float) -> float:
        now = time.perf_counter()
        timings[what] = round(now - t0, 3)
        step[0] += 1
        if progress is not None:
            progress(step[0], total_steps, what)
        return now

    t = time.perf_counter()
    inputs = tables if isinstance(tables, linking.Inputs) else linking.prepare_inputs(tables)
    tables = inputs.tables
    links = links if links is not None else linking.link_accounts(inputs, settings)
    t = tick("link", t)
    parts = dict(partitions) if partitions is not None else communities.partitions(links, settings)
    t = tick("communities", t)
    sig = scoring.account_signals(tables, links, *known)
    prev_clusters, prev_members, next_number = previous or (pd.DataFrame(), pd.DataFrame(), 1)

    cluster_tables, member_tables, ident_tables, link_tables = [], [], [], []
    view_stats: dict[str, Any] = {}
    threshold = (
        settings.score_threshold if settings.score_threshold is not None else scoring.DEFAULT_THRESHOLD
    )
    for view in communities.VIEWS:
        part = parts[view]
        labels = part.labels
        scored = scoring.score_clusters(labels, links, sig, tables)
        sub_labels = labels
        if view == "leiden":
            score0 = scored["score"].to_numpy()
            grouped = communities.group_campaigns(
                links, labels, score0 >= settings.campaign_min_score, settings.campaign_tie
            )
            if settings.merge_resolution > 0:
                dense = communities.merge_fragments(
                    links,
                    labels,
                    score0 >= settings.merge_min_score,
                    settings.merge_resolution,
                    settings.seed,
                )
                grouped = communities.union_partitions(dense, grouped)
            n_before = part.n_clusters
            if int(grouped.max(initial=-1)) + 1 != n_before:
                scored = _rescore_merged(labels, grouped, scored, links, sig, tables)
                labels = grouped
            part.stats["fragments_merged"] = n_before - (int(labels.max(initial=-1)) + 1)
        k = int(labels.max(initial=-1)) + 1
        members_idx = np.flatnonzero(labels >= 0)
        new_members = pd.DataFrame(
            {
                "label": labels[members_idx],
                "account_id": links.account_ids.take(pa.array(members_idx)).to_pylist(),
            }
        )
        if len(prev_clusters) and len(prev_members):
            old_ids = set(prev_clusters.loc[prev_clusters["view"] == view, "cluster_id"])
            prev_view = prev_members[prev_members["cluster_id"].isin(old_ids)]
        else:
            prev_view = pd.DataFrame({"cluster_id": [], "account_id": []})
        mapping, next_number = assign_ids(new_members, prev_view, next_number, settings.id_jaccard)
        ids = np.array([mapping[i] for i in range(k)], dtype=object)
        reused = sum(1 for i in range(k) if id_number(mapping[i]) < (previous[2] if previous else 1))
        score_arr = scored["score"].to_numpy()
        attr = attribution.attribute(links, labels, sig, score_arr, threshold, settings)
        data = {
            "cluster_id": ids.tolist(),
            "score": score_arr,
            "size": scored["size"].to_numpy(),
            "evidence": scored["evidence"].tolist(),
            "features": scored["features"].tolist(),
            "contributions": scored["contributions"].tolist(),
            "first_signup": _ts(scored["first_signup_days"]),
            "last_signup": _ts(scored["last_signup_days"]),
            "payment_methods": scored["payment_methods"].to_numpy(),
            "proxy_providers": scored["proxy_providers"].tolist(),
            "requests": scored["requests"].to_numpy(),
            "top_categories": scored["top_categories"].tolist(),
            "view": [view] * k,
        }
        cluster_tables.append(_typed(RESULT_TABLES["clusters"], data))
        member_tables.append(_members_table(links, labels, sub_labels, ids, attr))
        enforced = attr.enforce[members_idx]
        ident_tables.append(_identifiers(links, labels, ids))
        link_tables.append(_links_table(links, labels, ids))
        view_stats[view] = {
            "clusters": k,
            "clustered_accounts": len(members_idx),
            "flagged_clusters": int((scored["score"] >= threshold).sum()),
            "flagged_accounts": int(scored.loc[scored["score"] >= threshold, "size"].sum()),
            "enforced_accounts": int(enforced.sum()),
            "linked_not_enforced": int(
                scored.loc[scored["score"] >= threshold, "size"].sum() - enforced.sum()
            ),
            "ids_reused": reused,
            **part.stats,
        }
    t = tick("score", t)
    clusters = pa.concat_tables(cluster_tables)
    order = pc.sort_indices(
        clusters, [("view", "ascending"), ("score", "descending"), ("cluster_id", "ascending")]
    )
    clusters = clusters.take(order)
    members = pa.concat_tables(member_tables)
    identifiers = pa.concat_tables(ident_tables)
    link_t = pa.concat_tables(link_tables)
    tick("assemble", t)
    params = {
        **settings.to_dict(),
        "score_threshold": threshold,
        "score_weights": dict(scoring.WEIGHTS),
        "score_bias": scoring.BIAS,
    }
    stats: dict[str, Any] = {
        "accounts": links.n_accounts,
        "links": links.n_links,
        "clusters": view_stats["leiden"]["clusters"],
        "flagged_clusters": view_stats["leiden"]["flagged_clusters"],
        "flagged_accounts": view_stats["leiden"]["flagged_accounts"],
        "enforced_accounts": view_stats["leiden"]["enforced_accounts"],
        "max_cluster_number": next_number - 1,
        # which inputs the run had: a missing input is unknown, not benign (the app shows this)
        "inputs": dict(sig.have),
        "unknown_features": [
            f for f, needs in scoring.NEEDS.items() if not any(sig.have.get(i, False) for i in needs)
        ],
        "linking": links.stats,
        "views": view_stats,
        "seconds": timings,
    }
    return DetectionResult(
        params=params,
        clusters=clusters,
        members=members,
        identifiers=identifiers,
        links=link_t,
        stats=stats,
        engine=settings.engine,
    )


def _gds_partitions(
    engine: GraphAnalytics, links: linking.Links, settings: DetectSettings
) -> dict[str, communities.Partition]:
    """The Leiden view from the database's GDS plugin; strong components stay in process."""
    found = engine.gds_communities(links.pairs(), settings.resolution, settings.seed)
    raw = np.full(links.n_accounts, -1, dtype=np.int64)
    pos = links.positions(found.column("account_id"))
    ok = pos >= 0
    raw[pos[ok]] = np.asarray(found.column("community").to_numpy(zero_copy_only=False))[ok]
    return {
        "leiden": communities.from_community_ids("leiden", raw, settings.min_size, {"engine": "gds"}),
        "strong_components": communities.strong_components(links, settings),
    }


def detect(
    store: Store,
    settings: DetectSettings | None = None,
    *,
    progress: Progress | None = None,
    touched: pa.Array | None = None,
    full: bool = False,
) -> RunRecord:
    """Run detection over everything in ``store`` and save the run; returns its record.

    The caller holds the write lock (``linkgraph.pipeline.detect``). ``engine="gds"`` needs a
    store with the ``GraphAnalytics`` capability (the Neo4j backend with the GDS
    plugin, whose Leiden optimises modularity with ``gamma = resolution``); the in-process
    igraph engine works with every store. ``touched``: account ids the loads since the previous
    run touched; with them only the affected region is re-clustered (``incremental``) unless
    ``full`` or a fallback applies. The run's stats say which (``detection_mode``).
    """
    settings = settings or DetectSettings()
    started = time.perf_counter()
    t = time.perf_counter()
    tables = read_inputs(store)
    read_s = time.perf_counter() - t
    if tables["accounts"].num_rows == 0:
        raise ConfigError("the store holds no accounts: load an export first (linkgraph load DIR)")
    # code the strings once and let the wide tables go (the coded inputs keep what is needed)
    inputs = linking.prepare_inputs(tables)
    del tables
    partitions = None
    links = None
    if settings.engine == "gds":
        if not isinstance(store, GraphAnalytics):
            raise ConfigError("engine 'gds' needs the Neo4j backend with the Graph Data Science plugin")
        links = linking.link_accounts(inputs, settings)
        partitions = _gds_partitions(store, links, settings)
        mode: dict[str, Any] = {"mode": "full", "reason": "engine gds"}
    else:
        links = linking.link_accounts(inputs, settings)
        partitions, mode = incremental.plan(store, links, settings, touched, full)
    known = _known(store, inputs.account_ids)
    result = build_result(inputs, settings, _previous(store), progress, partitions, links, known)
    result.stats["seconds"]["read"] = round(read_s, 3)
    result.stats["detection_mode"] = mode
    record = store.save_run(result)
    if progress is not None:
        progress(5, 5, "saved")
    log.info(
        "detection run %s: %s clusters, %s flagged, %.1fs",
        record.run_id,
        result.stats["clusters"],
        result.stats["flagged_clusters"],
        time.perf_counter() - started,
    )
    return record
