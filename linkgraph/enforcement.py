"""Enforcement outputs of a detection run: the flagged-account list (CSV, JSON) and GraphML.

Which clusters (``select_clusters``), the same for every output including the STIX bundle of
``linkgraph.intel``:

* the latest run (or ``run_id``), the default ``leiden`` view;
* clusters scoring at least ``scoring.DEFAULT_THRESHOLD`` (or ``min_score``);
  ``include_all`` drops the score filter;
* analyst decisions (the decision in force, ``linkgraph.decisions``) win over scores: a
  **confirmed** cluster is always exported; a **dismissed** cluster is never exported, not even
  with ``include_all``, because every output feeds enforcement (ban lists, block lists,
  threat-intel sharing) and a dismissal is an analyst's explicit "these are not fraudsters".
  The one way to export a dismissed cluster is to name it in ``cluster_ids`` (an explicit
  request, e.g. to review it elsewhere);
* ``cluster_ids`` restricts the selection to those clusters (any view) and, unless
  ``min_score`` is given, exports them whatever their score.

Formats:

* ``csv``: one row per **enforced account** (account-level: ``members.action == "enforce"``,
  or ``"not_flagged"`` in a cluster an analyst confirmed; members that are only "linked, not
  enforced" — e.g. tied to it through a shared proxy exit alone — or dismissed are left out
  unless ``include_all``):
  ``cluster_id, account_id, cluster_score, cluster_size, evidence`` first (the contract in
  EXPORT_FORMAT.md), then ``sub_cluster_id, action, attribution, reasons, decision, email,
  created_at, country, plan, status, run_id``. ``cluster_id`` is the **campaign** id (the
  whole operation, one row of the clusters table); ``sub_cluster_id`` the community inside it
  (``<cluster_id>.<n>``); ``evidence`` explains the campaign, ``reasons`` the account.
* ``json``: a list of clusters, each with its run id, score, evidence, features,
  contributions, decision, members and the shared identifiers that link it.
* ``graphml``: the selected clusters' account–identifier subgraphs (networkx
  ``write_graphml``) for Gephi/yEd.
* ``stix``: a STIX 2.1 bundle for threat-intel sharing, written by ``linkgraph.intel``.
"""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import networkx as nx
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from linkgraph import csvsafe
from linkgraph.decisions import decisions_in_force, store_member_adjustments
from linkgraph.errors import ConfigError, NoRunError
from linkgraph.scoring import DEFAULT_THRESHOLD
from linkgraph.store.base import Store

log = logging.getLogger(__name__)

FORMATS = ("csv", "json", "graphml", "stix")
CSV_FIRST_COLUMNS = ("cluster_id", "account_id", "cluster_score", "cluster_size", "evidence")
CSV_MORE_COLUMNS = (
    "sub_cluster_id",
    "action",
    "attribution",
    "reasons",
    "decision",
    "email",
    "created_at",
    "country",
    "plan",
    "status",
    "run_id",
)
DEFAULT_VIEW = "leiden"


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote."""

    format: str
    run_id: int
    clusters: int
    accounts: int
    dismissed_skipped: int
    objects: int = 0  # STIX objects / GraphML nodes; 0 for csv/json
    path: str | None = None


# ----------------------------------------------------------------------------- selection
def run_of(store: Store, run_id: int | None) -> tuple[int, datetime]:
    """The run to export (default: the latest) and when it was created."""
    runs = store.runs()
    if not runs:
        raise NoRunError("no detection run yet: run `linkgraph detect` first")
    if run_id is None:
        return runs[0].run_id, runs[0].created_at
    for r in runs:
        if r.run_id == run_id:
            return r.run_id, r.created_at
    raise ConfigError(f"no detection run {run_id}; runs: {', '.join(str(r.run_id) for r in runs[:10])}")


def select_clusters(
    store: Store,
    *,
    min_score: float | None = None,
    include_all: bool = False,
    run_id: int | None = None,
    cluster_ids: list[str] | None = None,
) -> tuple[int, pd.DataFrame, int]:
    """(run id, selected clusters with a ``decision`` column sorted by score, dismissed skipped)."""
    rid, _ = run_of(store, run_id)
    clusters = store.read_result("clusters", rid).to_pandas()
    decisions = decisions_in_force(store)
    clusters["decision"] = clusters["cluster_id"].map(lambda c: decisions[c].status if c in decisions else "")
    if cluster_ids:
        wanted = set(cluster_ids)
        unknown = wanted - set(clusters["cluster_id"])
        if unknown:
            raise ConfigError(f"run {rid} has no cluster {sorted(unknown)[0]!r}")
        sel = clusters[clusters["cluster_id"].isin(wanted)]
        if min_score is not None and not include_all:
            sel = sel[(sel["score"] >= min_score) | (sel["decision"] == "confirmed")]
        skipped = 0
    else:
        sel = clusters[clusters["view"] == DEFAULT_VIEW]
        if not include_all:
            threshold = DEFAULT_THRESHOLD if min_score is None else min_score
            sel = sel[(sel["score"] >= threshold) | (sel["decision"] == "confirmed")]
        skipped = int((sel["decision"] == "dismissed").sum())
        sel = sel[sel["decision"] != "dismissed"]
    sel = sel.sort_values(["score", "cluster_id"], ascending=[False, True]).reset_index(drop=True)
    return rid, sel, skipped


def members_of(store: Store, rid: int, cluster_ids: Iterable[str]) -> pd.DataFrame:
    """The members of the given clusters, after the account decisions in force (exclusions
    out, added and confirmed accounts in: ``decisions.MemberAdjustments``)."""
    members = store.read_result("members", rid)
    ids = pa.array(sorted(set(cluster_ids)), pa.string())
    found = members.filter(pc.is_in(members.column("cluster_id"), value_set=ids)).to_pandas()
    return store_member_adjustments(store).apply(found)


def identifiers_of(store: Store, rid: int, cluster_ids: Iterable[str]) -> pd.DataFrame:
    ident = store.read_result("identifiers", rid)
    ids = pa.array(sorted(set(cluster_ids)), pa.string())
    return ident.filter(pc.is_in(ident.column("cluster_id"), value_set=ids)).to_pandas()


def _accounts(store: Store, account_ids: Iterable[str]) -> pd.DataFrame:
    acc = store.read_table("accounts", ["account_id", "email", "created_at", "country", "plan", "status"])
    ids = pa.array(sorted(set(account_ids)), pa.string())
    return acc.filter(pc.is_in(acc.column("account_id"), value_set=ids)).to_pandas()


def flagged_accounts(
    store: Store,
    *,
    min_score: float | None = None,
    include_all: bool = False,
    run_id: int | None = None,
    cluster_ids: list[str] | None = None,
) -> tuple[int, pd.DataFrame, int]:
    """One row per exported account with the CSV columns, in order; plus run id and skipped."""
    rid, sel, skipped = select_clusters(
        store, min_score=min_score, include_all=include_all, run_id=run_id, cluster_ids=cluster_ids
    )
    members = members_of(store, rid, sel["cluster_id"])
    if not include_all and not cluster_ids and "action" in members.columns:
        confirmed = set(sel.loc[sel["decision"] == "confirmed", "cluster_id"])
        act = members["action"]
        members = members[
            (act == "enforce") | ((act == "not_flagged") & members["cluster_id"].isin(confirmed))
        ]
    df = members.merge(
        sel[["cluster_id", "score", "size", "evidence", "decision"]], on="cluster_id", how="inner"
    ).rename(columns={"score": "cluster_score", "size": "cluster_size"})
    df = df.merge(_accounts(store, df["account_id"]), on="account_id", how="left")
    df["run_id"] = rid
    df = df.sort_values(["cluster_score", "cluster_id", "account_id"], ascending=[False, True, True])
    cols = list(CSV_FIRST_COLUMNS) + [c for c in CSV_MORE_COLUMNS if c in df.columns]
    return rid, df[cols].reset_index(drop=True), skipped


# ----------------------------------------------------------------------------- writers
def emit(out: str | Path | IO[Any] | None, data: str) -> str | None:
    """Write text to a path, a text or binary stream, or standard output."""
    if out is None:
        sys.stdout.write(data)
        sys.stdout.flush()
        return None
    if isinstance(out, str | Path):
        path = Path(out)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(data, encoding="utf-8")
        tmp.replace(path)  # a reader never sees half a ban list
        return str(path)
    if isinstance(out, io.TextIOBase) or "b" not in getattr(out, "mode", "w"):
        try:
            out.write(data)
        except TypeError:
            out.write(data.encode("utf-8"))
    else:
        out.write(data.encode("utf-8"))
    return getattr(out, "name", None) if isinstance(getattr(out, "name", None), str) else None


def iso(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp | datetime):
        return v.isoformat()
    return str(v)


def _csv(store: Store, out: Any, **sel: Any) -> ExportReport:
    rid, df, skipped = flagged_accounts(store, **sel)
    if "created_at" in df.columns:
        df["created_at"] = df["created_at"].map(iso)
    df["cluster_score"] = df["cluster_score"].round(4)
    path = emit(out, csvsafe.to_csv(df))  # formula-looking text cells neutralised
    return ExportReport("csv", rid, int(df["cluster_id"].nunique()), len(df), skipped, path=path)


def _json(store: Store, out: Any, **sel: Any) -> ExportReport:
    rid, clusters, skipped = select_clusters(store, **sel)
    ids = clusters["cluster_id"].tolist()
    members = members_of(store, rid, ids)
    accounts = _accounts(store, members["account_id"])
    members = members.merge(accounts, on="account_id", how="left")
    ident = identifiers_of(store, rid, ids)
    by_members = {c: g.drop(columns="cluster_id") for c, g in members.groupby("cluster_id")}
    by_ident = {c: g.drop(columns="cluster_id") for c, g in ident.groupby("cluster_id")}
    doc: list[dict[str, Any]] = []
    n_acc = 0
    for row in clusters.to_dict("records"):
        cid = row["cluster_id"]
        m = by_members.get(cid, pd.DataFrame(columns=["account_id"]))
        n_acc += len(m)
        doc.append(
            {
                "run_id": rid,
                "cluster_id": cid,
                "view": row["view"],
                "score": round(float(row["score"]), 6),
                "size": int(row["size"]),
                "decision": row["decision"] or None,
                "evidence": row["evidence"],
                "first_signup": iso(row["first_signup"]),
                "last_signup": iso(row["last_signup"]),
                "payment_methods": int(row["payment_methods"]),
                "proxy_providers": [p for p in (row["proxy_providers"] or "").split(",") if p],
                "requests": int(row["requests"]),
                "top_categories": [p for p in (row["top_categories"] or "").split(",") if p],
                "features": json.loads(row["features"] or "{}"),
                "contributions": json.loads(row["contributions"] or "{}"),
                "enforced": int((m["action"] == "enforce").sum()) if "action" in m.columns else len(m),
                "sub_clusters": _sub_clusters(m),
                "members": [
                    {
                        k: iso(v) if k == "created_at" else (None if v is None or v != v else v)
                        for k, v in r.items()
                    }
                    for r in m.sort_values("account_id").to_dict("records")
                ],
                "identifiers": [
                    {"id_type": r["id_type"], "identifier": r["identifier"], "members": int(r["members"])}
                    for r in by_ident.get(
                        cid, pd.DataFrame(columns=["id_type", "identifier", "members"])
                    ).to_dict("records")
                ],
            }
        )
    path = emit(out, json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    return ExportReport("json", rid, len(doc), n_acc, skipped, path=path)


def _sub_clusters(m: pd.DataFrame) -> list[dict[str, Any]]:
    """The campaign's sub-clusters: id, size and accounts enforced, largest first."""
    if "sub_cluster_id" not in m.columns or not len(m):
        return []
    g = m.assign(enf=m["action"] == "enforce").groupby("sub_cluster_id")
    t = pd.DataFrame({"size": g.size(), "enforced": g["enf"].sum()}).reset_index()
    t = t.sort_values(["size", "sub_cluster_id"], ascending=[False, True])
    return [
        {"sub_cluster_id": r.sub_cluster_id, "size": int(r.size), "enforced": int(r.enforced)}
        for r in t.itertuples(index=False)
    ]


# Which load table links an account to each identifier type (the first hop of its path).
_EDGE_SOURCES = {
    "payment": ("paid_with", "payment_fingerprint", "PAID_WITH"),
    "device": ("used_device", "device_id", "USED_DEVICE"),
    "ip": ("used_ip", "ip", "USED_IP"),
    "email_domain": ("email_at", "domain", "EMAIL_AT"),
    "org": ("member_of", "org_id", "MEMBER_OF"),
}


def _account_identifier_edges(store: Store, members: pd.DataFrame, ident: pd.DataFrame) -> pd.DataFrame:
    """(cluster_id, account_id, id_type, identifier, rel) for members reaching shared identifiers."""
    frames = []
    acc_ids = pa.array(sorted(set(members["account_id"])), pa.string())
    used_ip: pd.DataFrame | None = None
    for id_type, (table, col, rel) in _EDGE_SOURCES.items():
        t = store.read_table(table, ["account_id", col])
        t = t.filter(pc.is_in(t.column("account_id"), value_set=acc_ids)).to_pandas()
        t = t.rename(columns={col: "identifier"})
        if id_type == "ip":
            used_ip = t
        t["id_type"], t["rel"] = id_type, rel
        frames.append(t)
    if used_ip is not None and len(used_ip):
        ips = pa.array(sorted(set(used_ip["identifier"])), pa.string())
        for id_type, table, col, rel in (
            ("subnet", "in_subnet", "subnet", "USED_IP+IN_SUBNET"),
            ("proxy", "via_proxy", "provider", "USED_IP+VIA_PROXY"),
        ):
            m = store.read_table(table, ["ip", col])
            m = m.filter(pc.is_in(m.column("ip"), value_set=ips)).to_pandas()
            t = used_ip.merge(m, left_on="identifier", right_on="ip")[["account_id", col]]
            t = t.rename(columns={col: "identifier"}).drop_duplicates()
            t["id_type"], t["rel"] = id_type, rel
            frames.append(t)
    edges = pd.concat(frames, ignore_index=True)
    edges = edges.merge(members[["cluster_id", "account_id"]], on="account_id")
    return edges.merge(
        ident[["cluster_id", "id_type", "identifier"]], on=["cluster_id", "id_type", "identifier"]
    )


def cluster_graph(store: Store, run_id: int, clusters: pd.DataFrame) -> nx.Graph:
    """Accounts and the shared identifiers that link them, for the given clusters."""
    ids = clusters["cluster_id"].tolist()
    members = members_of(store, run_id, ids)
    ident = identifiers_of(store, run_id, ids)
    g = nx.Graph(name=f"linkgraph run {run_id}")
    score = dict(zip(clusters["cluster_id"], clusters["score"], strict=True))
    for r in members.itertuples(index=False):
        g.add_node(
            f"account:{r.account_id}",
            label=r.account_id,
            kind="Account",
            cluster_id=r.cluster_id,
            score=float(score[r.cluster_id]),
        )
    for r in ident.itertuples(index=False):
        node = f"{r.id_type}:{r.identifier}"
        if node in g:  # the same identifier shared inside several clusters
            g.nodes[node]["cluster_id"] += f",{r.cluster_id}"
            g.nodes[node]["members"] += int(r.members)
        else:
            g.add_node(
                node, label=r.identifier, kind=r.id_type, cluster_id=r.cluster_id, members=int(r.members)
            )
    if len(members) and len(ident):
        edges = _account_identifier_edges(store, members, ident)
        for e in edges.itertuples(index=False):
            g.add_edge(
                f"account:{e.account_id}", f"{e.id_type}:{e.identifier}", rel=e.rel, cluster_id=e.cluster_id
            )
    return g


def _graphml(store: Store, out: Any, **sel: Any) -> ExportReport:
    rid, clusters, skipped = select_clusters(store, **sel)
    g = cluster_graph(store, rid, clusters)
    data = "\n".join(nx.generate_graphml(g, prettyprint=True)) + "\n"
    path = emit(out, data)
    n_acc = sum(1 for _, d in g.nodes(data=True) if d.get("kind") == "Account")
    return ExportReport("graphml", rid, len(clusters), n_acc, skipped, objects=g.number_of_nodes(), path=path)


def _stix(store: Store, out: Any, **sel: Any) -> ExportReport:
    from linkgraph.intel import write_stix  # stix2 is imported only when a bundle is asked for

    return write_stix(store, out, **sel)


_WRITERS = {"csv": _csv, "json": _json, "graphml": _graphml, "stix": _stix}


def write_export(
    store: Store,
    fmt: str,
    out: str | Path | IO[Any] | None,
    *,
    min_score: float | None = None,
    include_all: bool = False,
    run_id: int | None = None,
    cluster_ids: list[str] | None = None,
    key: Any = None,
) -> ExportReport:
    """Write the selected clusters (module docstring) in ``fmt`` to ``out`` (path, stream or
    standard output when None). ``key`` (a ``sharing.keys.SharingKey``, stix only) adds the
    keyed hashes of member identifiers to the bundle; without it they are left out."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise ConfigError(f"export format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if min_score is not None and not 0 <= min_score <= 1:
        raise ConfigError("min_score must be in [0, 1]")
    extra = {"key": key} if fmt == "stix" else {}
    report = writer(
        store,
        out,
        min_score=min_score,
        include_all=include_all,
        run_id=run_id,
        cluster_ids=cluster_ids,
        **extra,
    )
    log.info(
        "exported %s clusters (%s accounts) of run %s as %s",
        report.clusters,
        report.accounts,
        report.run_id,
        fmt,
    )
    return report


def top_campaigns(store: Store, n: int = 10) -> pd.DataFrame:
    """The ``n`` highest-scoring clusters of the latest run (leiden view), for the CLI/demo.

    Columns: cluster_id, score, size, decision, evidence. Empty when there is no run.
    """
    cols = ["cluster_id", "score", "size", "decision", "evidence"]
    if not store.runs():
        return pd.DataFrame(columns=cols)
    clusters = store.read_result("clusters").to_pandas()
    clusters = clusters[clusters["view"] == DEFAULT_VIEW]
    decisions = decisions_in_force(store)
    clusters["decision"] = clusters["cluster_id"].map(lambda c: decisions[c].status if c in decisions else "")
    top = clusters.sort_values(["score", "size", "cluster_id"], ascending=[False, False, True]).head(n)
    return top[cols].reset_index(drop=True)
