"""Detection quality on generated exports with planted campaigns, against a naive baseline.

For each size and seed: generate an export (``linkgraph.generator``), load it into a fresh
DuckDB store, run ``detect`` with default settings and compare the default enforcement export
(leiden view, score >= DEFAULT_THRESHOLD, no decisions) with ``truth.csv``:

* account precision / recall: flagged accounts vs accounts planted in campaigns;
* campaign purity: members of flagged clusters that belong to the cluster's majority
  campaign (size-weighted), and campaigns recovered (a flagged cluster with Jaccard >= 0.9);
* false-positive accounts per benign look-alike kind.

The baseline is the common fraud-ring recipe: connected components of accounts that share
ANY payment method, device or IP address (no weights, no popularity cap), components of size
>= 3 flagged.

Usage: .venv/bin/python bench/bench_quality.py [--sizes 100000] [--seeds 1 2 3] [--work DIR]
Prints a Markdown table. Generated exports and stores are kept in --work for re-runs.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from linkgraph import scoring
from linkgraph.detection import read_inputs
from linkgraph.generator import GenerateSettings, generate
from linkgraph.linking import build_incidence
from linkgraph.pipeline import detect, load
from linkgraph.settings import DetectSettings
from linkgraph.store.duckdb import DuckDBStore


@dataclass
class Quality:
    precision: float
    recall: float
    purity: float
    campaigns: int
    recovered: int
    flagged_accounts: int
    flagged_clusters: int
    false_positives: dict[str, int]


def truth_frame(export_dir: Path) -> pd.DataFrame:
    t = pd.read_csv(export_dir / "truth.csv", dtype=str, keep_default_na=False)
    t["campaign_id"] = t["campaign_id"].fillna("")
    return t


def evaluate(flagged: pd.DataFrame, truth: pd.DataFrame) -> Quality:
    """``flagged``: cluster_id, account_id of the accounts an export would act on."""
    t = truth.set_index("account_id")
    planted = set(t.index[t["campaign_id"] != ""])
    got = set(flagged["account_id"])
    tp = len(got & planted)
    precision = tp / len(got) if got else 1.0
    recall = tp / len(planted) if planted else 1.0
    f = flagged.merge(truth, on="account_id", how="left")
    f["campaign_id"] = f["campaign_id"].fillna("")
    majority = f.groupby("cluster_id")["campaign_id"].agg(lambda s: s.value_counts().iloc[0]).sum()
    purity = majority / len(f) if len(f) else 1.0
    sizes = t[t["campaign_id"] != ""].groupby("campaign_id").size()
    inter = f[f["campaign_id"] != ""].groupby(["cluster_id", "campaign_id"]).size().rename("i").reset_index()
    csize = f.groupby("cluster_id").size()
    inter["j"] = inter["i"] / (
        csize.loc[inter["cluster_id"]].to_numpy() + sizes.loc[inter["campaign_id"]].to_numpy() - inter["i"]
    )
    recovered = int(inter.loc[inter["j"] >= 0.9, "campaign_id"].nunique())
    fp = f[f["campaign_id"] == ""].groupby("kind").size().to_dict()
    return Quality(
        precision,
        recall,
        purity,
        len(sizes),
        recovered,
        len(got),
        int(flagged["cluster_id"].nunique()),
        {str(k): int(v) for k, v in fp.items()},
    )


def default_export(store: DuckDBStore) -> pd.DataFrame:
    clusters = store.read_result("clusters").to_pandas()
    sel = clusters[(clusters["view"] == "leiden") & (clusters["score"] >= scoring.DEFAULT_THRESHOLD)]
    members = store.read_result("members").to_pandas()
    return members[members["cluster_id"].isin(set(sel["cluster_id"]))]


def baseline(store: DuckDBStore, min_size: int = 3) -> pd.DataFrame:
    """Components of accounts sharing any payment method, device or IP; size >= min_size."""
    tables = read_inputs(store)
    ids = tables["accounts"].column("account_id").combine_chunks()
    inc = build_incidence(tables, ids)
    n = len(ids)
    rows, cols, offset = [], [], n
    for t in ("payment", "device", "ip"):
        if t in inc:
            rows.append(inc[t].account.astype(np.int64))
            cols.append(inc[t].ident.astype(np.int64) + offset)
            offset += len(inc[t].names)
    r, c = np.concatenate(rows), np.concatenate(cols)
    g = sp.coo_matrix((np.ones(len(r), np.int8), (r, c)), shape=(offset, offset)).tocsr()
    _, comp = connected_components(g, directed=False)
    acc_comp = comp[:n]
    size = np.bincount(acc_comp)
    keep = size[acc_comp] >= min_size
    return pd.DataFrame({"cluster_id": acc_comp[keep].astype(str), "account_id": np.asarray(ids)[keep]})


def prepare(work: Path, n: int, seed: int) -> tuple[DuckDBStore, Path, float]:
    export_dir = work / f"export-{n}-{seed}"
    if not (export_dir / "truth.csv").exists():
        generate(export_dir, GenerateSettings(accounts=n, seed=seed))
    db = work / f"store-{n}-{seed}.duckdb"
    store = DuckDBStore(db)
    if not store.load_runs():
        load(store, export_dir)
    t = time.perf_counter()
    detect(store, DetectSettings())
    return store, export_dir, time.perf_counter() - t


def run(sizes: list[int], seeds: list[int], work: Path) -> list[dict[str, Any]]:
    work.mkdir(parents=True, exist_ok=True)
    out = []
    for n in sizes:
        for seed in seeds:
            store, export_dir, secs = prepare(work, n, seed)
            truth = truth_frame(export_dir)
            ours = evaluate(default_export(store), truth)
            base = evaluate(baseline(store), truth)
            store.close()
            out.append({"accounts": n, "seed": seed, "detect_s": secs, "ours": ours, "baseline": base})
            print(f"# {n} seed {seed}: ours {ours}\n#   baseline {base}", file=sys.stderr)
    return out


def markdown(results: list[dict[str, Any]]) -> str:
    lines = [
        "| accounts | seed | detect s | precision | recall | purity | campaigns recovered | flagged clusters "
        "| false positives by kind | baseline precision | baseline recall | baseline purity |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        o, b = r["ours"], r["baseline"]
        fp = ", ".join(f"{k} {v}" for k, v in sorted(o.false_positives.items())) or "none"
        lines.append(
            f"| {r['accounts']:,} | {r['seed']} | {r['detect_s']:.1f} | {o.precision:.4f} | {o.recall:.4f} | "
            f"{o.purity:.4f} | {o.recovered}/{o.campaigns} | {o.flagged_clusters} | {fp} | {b.precision:.4f} | "
            f"{b.recall:.4f} | {b.purity:.4f} |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--work", type=Path, default=Path("/tmp/linkgraph-bench-quality"))
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(markdown(run(args.sizes, args.seeds, args.work)))


if __name__ == "__main__":
    main()
