"""Speed and memory of load → detect → export, and Leiden (igraph) against networkx Louvain.

1. Generates a 1M-account export (``linkgraph.generator``, in a child process, cached in
   --work), then in one fresh process: ``pipeline.load`` into a new DuckDB store,
   ``pipeline.detect`` (default settings), ``write_export(csv)``; reports wall time per step,
   end-to-end time and the process's peak RSS.
2. Baseline: on the link graph of a --nx-accounts export (default 100k; networkx Louvain takes
   minutes at 1M), times networkx ``louvain_communities`` (graph build + Louvain, weighted)
   against linkgraph's community step (igraph graph build + Leiden/CPM) on the same links.

Targets (issue 3): end to end <= 60 s and <= 4 GiB at 1M accounts on 2 cores; community
detection >= 20x faster than networkx.

Usage: .venv/bin/python bench/bench_detect.py [--accounts 1000000] [--nx-accounts 100000] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _generate(work: Path, n: int, seed: int) -> Path:
    out = work / f"export-{n}-{seed}"
    if not (out / "truth.csv").exists():
        code = (
            "import sys; from linkgraph.generator import generate, GenerateSettings; "
            "generate(sys.argv[1], GenerateSettings(accounts=int(sys.argv[2]), seed=int(sys.argv[3])))"
        )
        subprocess.run([sys.executable, "-c", code, str(out), str(n), str(seed)], check=True)
    return out


def pipeline_child(export_dir: str, db: str) -> dict[str, Any]:
    """load → detect → export in this process; returns timings and peak RSS."""
    from linkgraph.enforcement import write_export
    from linkgraph.pipeline import detect, load
    from linkgraph.store.duckdb import DuckDBStore

    times: dict[str, float] = {}
    store = DuckDBStore(db)
    t = time.perf_counter()
    load(store, export_dir)
    times["load"] = time.perf_counter() - t
    t = time.perf_counter()
    run = detect(store)
    times["detect"] = time.perf_counter() - t
    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        report = write_export(store, "csv", Path(tmp) / "ban.csv")
    times["export"] = time.perf_counter() - t
    store.close()
    return {
        "times": times,
        "detect_steps": run.stats["seconds"],
        "links": run.stats["links"],
        "clusters": run.stats["clusters"],
        "flagged_accounts": report.accounts,
        "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
    }


def networkx_vs_igraph(export_dir: Path, work: Path, seed: int = 1) -> dict[str, Any]:
    import networkx as nx

    from linkgraph import communities, linking
    from linkgraph.detection import read_inputs
    from linkgraph.pipeline import load
    from linkgraph.settings import DetectSettings
    from linkgraph.store.duckdb import DuckDBStore

    db = work / f"{export_dir.name}.duckdb"
    store = DuckDBStore(db)
    if not store.load_runs():
        load(store, export_dir)
    tables = read_inputs(store)
    settings = DetectSettings()
    links = linking.link_accounts(tables, settings)
    t = time.perf_counter()
    part = communities.leiden(links, settings)
    ours = time.perf_counter() - t
    t = time.perf_counter()
    g = nx.Graph()
    g.add_weighted_edges_from(zip(links.a.tolist(), links.b.tolist(), links.weight.tolist(), strict=True))
    build = time.perf_counter() - t
    comms = nx.community.louvain_communities(g, weight="weight", seed=seed)
    theirs = time.perf_counter() - t
    store.close()
    return {
        "accounts": links.n_accounts,
        "links": links.n_links,
        "igraph_leiden_s": ours,
        "igraph_clusters": part.n_clusters,
        "networkx_build_s": build,
        "networkx_total_s": theirs,
        "networkx_communities": len(comms),
        "speedup": theirs / ours,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--nx-accounts", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=Path("/tmp/linkgraph-bench-detect"))
    ap.add_argument("--child", nargs=2, metavar=("EXPORT", "DB"), help=argparse.SUPPRESS)
    ap.add_argument("--skip-nx", action="store_true", help="skip the networkx baseline")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(pipeline_child(*args.child)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    export_dir = _generate(args.work, args.accounts, args.seed)
    db = args.work / f"bench-{os.getpid()}.duckdb"
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(export_dir), str(db)], capture_output=True, text=True
        )
        if out.returncode:
            sys.exit(f"the pipeline run failed:\n{out.stderr[-4000:]}")
    finally:
        for p in args.work.glob(f"bench-{os.getpid()}.duckdb*"):
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    res = json.loads(out.stdout.strip().splitlines()[-1])
    t = res["times"]
    total = t["load"] + t["detect"] + t["export"]
    print(f"## load → detect → export, {args.accounts:,} accounts ({os.cpu_count()} cores)\n")
    print("| step | seconds |\n|---|---|")
    for k in ("load", "detect", "export"):
        print(f"| {k} | {t[k]:.1f} |")
    print(f"| **end to end** | **{total:.1f}** |")
    print(
        f"\npeak RSS {res['peak_rss_gib']:.2f} GiB; {res['links']:,} links, {res['clusters']:,} leiden clusters, "
        f"{res['flagged_accounts']:,} accounts in the default export; detect steps: "
        + ", ".join(f"{k} {v:.1f}s" for k, v in res["detect_steps"].items())
    )
    if not args.skip_nx:
        nx_dir = _generate(args.work, args.nx_accounts, args.seed)
        r = networkx_vs_igraph(nx_dir, args.work, args.seed)
        print(
            f"\n## community detection on the same link graph, {r['accounts']:,} accounts, {r['links']:,} links\n"
        )
        print("| method | seconds | communities |\n|---|---|---|")
        print(
            f"| linkgraph: igraph Leiden/CPM (incl. graph build) | {r['igraph_leiden_s']:.2f} | "
            f"{r['igraph_clusters']:,} clusters of >= 3 |"
        )
        print(
            f"| networkx louvain_communities (incl. graph build {r['networkx_build_s']:.1f}s) | "
            f"{r['networkx_total_s']:.1f} | {r['networkx_communities']:,} |"
        )
        print(f"\nspeed-up: {r['speedup']:.0f}x")


if __name__ == "__main__":
    main()
