"""Time the investigator app's data functions (``linkgraph.casework``) page by page on a big store.

The budget: no page takes more than 2 s on a 1M-account store. A page's time here is the sum of
the uncached ``linkgraph.casework`` calls it makes on its first view after a load/detect (the app caches
them per store version, so later reruns are near-free). Streamlit's own rendering is not
included (~0.1-0.3 s per page in the browser).

Usage::

    .venv/bin/python bench/bench_app.py --db STORE.duckdb        # an existing detected store
    .venv/bin/python bench/bench_app.py --accounts 1000000       # generate, load, detect first

``--db`` also takes a ``bolt://`` URI (NEO4J_USER/NEO4J_PASSWORD from the environment). The store
is only read; prints one line per page with its calls and a PASS/SLOW verdict, and ``--json``
writes the numbers.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from linkgraph.casework.accounts import account_detail, account_neighbourhood, linking_path, search_accounts
from linkgraph.casework.campaigns import CampaignFilter, filter_campaigns, load_campaigns
from linkgraph.casework.downloads import export_bytes, exportable
from linkgraph.casework.evidence import (
    cluster_members,
    cluster_row,
    daily_traffic,
    score_breakdown,
    shared_infrastructure,
    signup_timeline,
)
from linkgraph.casework.graph import cluster_edges, graph_elements, neighbourhood_graph
from linkgraph.casework.status import store_status
from linkgraph.decisions import decisions_table
from linkgraph.store import open_store
from linkgraph.store.base import Store

BUDGET = 2.0


def _build(accounts: int, seed: int, work: Path) -> str:
    from linkgraph import pipeline
    from linkgraph.generator import GenerateSettings, generate

    export = work / "export"
    t = time.perf_counter()
    generate(export, GenerateSettings(accounts=accounts, seed=seed))
    db = work / "bench.duckdb"
    store = open_store(str(db))
    pipeline.load(store, export)
    pipeline.detect(store)
    store.close()
    print(f"built {accounts:,}-account store in {time.perf_counter() - t:.0f}s: {db}")
    return str(db)


class Page:
    def __init__(self, name: str) -> None:
        self.name, self.calls = name, []  # type: ignore[var-annotated]

    def time(self, what: str, fn: Callable[[], Any]) -> Any:
        t = time.perf_counter()
        out = fn()
        self.calls.append((what, time.perf_counter() - t))
        return out

    @property
    def total(self) -> float:
        return sum(s for _, s in self.calls)

    def line(self) -> str:
        verdict = "PASS" if self.total <= BUDGET else "SLOW"
        calls = ", ".join(f"{w} {s:.2f}" for w, s in self.calls)
        return f"{self.name:<28} {self.total:6.2f}s {verdict}  ({calls})"


def bench(store: Store, cluster: str | None) -> list[Page]:
    pages = []
    p = Page("campaigns")
    status = p.time("status", lambda: store_status(store))
    campaigns = p.time("load_campaigns", lambda: load_campaigns(store))
    shown = p.time("filter", lambda: filter_campaigns(campaigns, CampaignFilter(min_score=0.5)))
    leiden = filter_campaigns(campaigns, CampaignFilter())
    cid = cluster or str(leiden.iloc[0]["cluster_id"])
    members0 = cluster_members(store, cid, 50)
    email = str(members0["email"].iloc[0])
    p.time("search(email)", lambda: search_accounts(store, email))
    pages.append(p)
    print(
        f"store: {status.backend}, {status.accounts:,} accounts, {len(campaigns):,} clusters, "
        f"{len(shown):,} with score >= 0.5"
    )

    biggest = str(leiden.sort_values("size", ascending=False).iloc[0]["cluster_id"])
    for label, c in ((f"campaign {cid} (top)", cid), (f"campaign {biggest} (largest)", biggest)):
        p = Page(label)
        row = cluster_row(campaigns, c)
        members = p.time("members", lambda c=c: cluster_members(store, c))
        ids = list(members["account_id"])
        ident = p.time("identifiers", lambda: store.read_result("identifiers"))
        infra = p.time("infra", lambda ident=ident, c=c: shared_infrastructure(ident, c))
        p.time("timeline", lambda members=members: signup_timeline(members))
        p.time("traffic", lambda c=c, ids=ids: daily_traffic(store, c, ids))
        edges = p.time("graph edges(40)", lambda c=c, ids=ids: cluster_edges(store, c, ids, 40))
        shared = list(infra[["id_type", "identifier"]].itertuples(index=False, name=None))
        p.time("graph elements", lambda edges=edges, shared=shared: graph_elements(edges.pairs, shared))
        p.time("breakdown", lambda row=row: score_breakdown(row))
        p.time("decisions", lambda c=c: store.decisions(c))
        last = row["last_signup"] if row is not None else None
        pages.append(p)
        p = Page("  on demand: near")
        p.time(
            "near",
            lambda c=c, last=last: store.query(
                "new_accounts_near_cluster", {"cluster_id": c, "since": str(last), "limit": 500}
            ),
        )
        print(
            f"  {label}: {len(ids):,} members, {len(infra):,} shared identifiers, "
            f"graph sample {edges.sampled}"
        )
        pages.append(p)

    a, b = str(members0["account_id"].iloc[0]), str(members0["account_id"].iloc[-1])
    p = Page("account")
    props = p.time("account", lambda: account_detail(store, a))
    nbh1 = p.time("neighbourhood d1", lambda: account_neighbourhood(store, a, 1))
    p.time("graph", lambda: neighbourhood_graph(nbh1, a))
    assert props is not None
    pages.append(p)
    p = Page("  on demand: depth 2")
    nbh2 = p.time("neighbourhood d2", lambda: account_neighbourhood(store, a, 2))
    p.time("graph", lambda: neighbourhood_graph(nbh2, a))
    pages.append(p)
    p = Page("  on demand: path a-b")
    p.time("shortest_path", lambda: linking_path(store, a, b))
    pages.append(p)

    p = Page("decisions")
    p.time("status", lambda: store_status(store))
    p.time("campaigns", lambda: load_campaigns(store))
    p.time("audit trail", lambda: decisions_table(store.decisions()))
    pages.append(p)

    p = Page("load & export (page)")
    p.time("status", lambda: store_status(store))
    p.time("exportable", lambda: exportable(store, list(leiden["cluster_id"][:10])))
    pages.append(p)

    p = Page("  on click: export 10 top")
    top10 = list(leiden["cluster_id"][:10])
    p.time("csv", lambda: export_bytes(store, "csv", top10))
    p.time("json", lambda: export_bytes(store, "json", top10))
    pages.append(p)
    return pages


def in_browser(location: str) -> None:
    """Every page in Chromium against a running server (``bench/browser_pages.py``)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from browser_pages import streamlit_server, visit_pages

    with open_store(location, read_only=True) as store:
        leiden = filter_campaigns(load_campaigns(store), CampaignFilter())
        top = str(leiden.iloc[0]["cluster_id"])
        largest = str(leiden.sort_values("size", ascending=False).iloc[0]["cluster_id"])
        account_id = str(cluster_members(store, top, 5)["account_id"].iloc[0])
    print(f"Chromium ({location}): each page in a new browser session, server already running")
    with tempfile.TemporaryDirectory() as tmp, streamlit_server(location, Path(tmp) / "streamlit.log") as url:
        visits = visit_pages(url, top, largest, account_id)
    worst = max(v.first for v in visits)
    verdict = "PASS" if worst <= BUDGET else "SLOW"
    print(f"BROWSER slowest first visit {worst:.2f}s (budget {BUDGET:.1f}s): {verdict}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="an existing detected store (path or bolt:// URI)")
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cluster", help="the campaign to open (default: the top-scoring one)")
    ap.add_argument("--json", type=Path, help="write the timings here")
    ap.add_argument("--no-browser", action="store_true", help="only the casework call timings")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    location = args.db or _build(args.accounts, args.seed, Path(tempfile.mkdtemp(prefix="bench-app-")))
    if not args.no_browser:
        in_browser(location)
    store = open_store(location, read_only=True)
    pages = bench(store, args.cluster)
    print(f"budget {BUDGET:.1f}s per page (first view; uncached casework calls)")
    for p in pages:
        print(p.line())
    if args.json:
        args.json.write_text(
            json.dumps({p.name: {"total": p.total, "calls": dict(p.calls)} for p in pages}, indent=2)
        )


if __name__ == "__main__":
    main()
