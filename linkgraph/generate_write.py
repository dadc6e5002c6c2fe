"""Turn a generated ``Population`` into export tables and write them in any contract encoding.

Identifiers are derived from serial numbers through bijective mixers (``mix48``/``mix64``),
so they look random yet never collide. Rows are aggregated per table key the way a lab's
export would be (one ``ip_events`` row per account and address) and sorted by time.

Text encodings (CSV, JSON Lines) carry ISO 8601 ``...Z`` timestamps; Parquet carries native
UTC timestamps and dates. JSON Lines are built column-wise with Arrow compute and written
straight from the string buffer, because Arrow has no JSON writer and a per-row Python
``json.dumps`` would dominate the run time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from linkgraph import generate_text as gt
from linkgraph import generate_world as gw
from linkgraph.generate_pop import KINDS, PLANS, STATUSES, Population

FORMATS = ("csv", "csv.gz", "jsonl", "jsonl.gz", "parquet")
EXPORT_TABLES = ("accounts", "payment_methods", "ip_events", "ip_intel", "usage")
_NULL = pa.scalar(None, pa.string())


def _nullable(values: pa.Array, valid: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(valid), values, _NULL)


def _ts(seconds: np.ndarray, typed: bool) -> pa.Array:
    if typed:
        us = np.asarray(seconds, np.int64).astype("datetime64[s]").astype("datetime64[us]")
        return pa.array(us).cast(pa.timestamp("us", tz="UTC"))
    return gt.iso_seconds(seconds)


def build_tables(pop: Population, typed: bool) -> tuple[dict[str, pa.Table], pa.Table]:
    """The five export tables and the truth table; ``typed`` for Parquet, else text times."""
    acc = pop.account
    n = pop.n
    salt = np.uint64(pop.salt)
    order = np.argsort(acc["created"], kind="stable")
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n)
    ids = gt.hex_tokens("acct_", gt.mix48(rank.astype(np.uint64) + salt), 12)

    org = acc["org"]
    org_text = _nullable(
        gt.hex_tokens("org_", gt.mix48(np.maximum(org, 0).astype(np.uint64) ^ (salt >> np.uint64(7))), 10),
        org >= 0,
    )
    accounts = pa.table(
        {
            "account_id": ids,
            "created_at": _ts(acc["created"], typed),
            "email": pop.email,
            "country": gt.take(gw.COUNTRIES, acc["country"]),
            "org_id": org_text,
            "org_verified": pa.array(acc["org_verified"] == 1, mask=acc["org_verified"] < 0),
            "plan": gt.take(PLANS, acc["plan"]),
            "status": gt.take(STATUSES, acc["status"]),
        }
    ).take(pa.array(order))
    camp = acc["campaign"]
    truth = pa.table(
        {
            "account_id": ids,
            "campaign_id": _nullable(gt.take(pop.campaign_names or [""], np.maximum(camp, 0)), camp >= 0),
            "kind": gt.take(KINDS, acc["kind"]),
        }
    ).take(pa.array(order))

    # payment_methods: one row per (account, instrument), attributes per instrument.
    p = pop.payments
    key = p["acct"] * (1 << 32) + p["card"]
    _, first = np.unique(key, return_index=True)
    first = first[np.argsort(p["added"][first], kind="stable")]
    a, card, added = p["acct"][first], p["card"][first], p["added"][first]
    cards = pop.cards
    mt, bins, last4, billing = (
        cards["mtype"][card],
        cards["bin"][card],
        cards["last4"][card],
        cards["billing"][card],
    )
    fp = gt.token16("fp_", gt.mix48(card.astype(np.uint64) ^ salt))
    payments = pa.table(
        {
            "account_id": ids.take(pa.array(a)),
            "payment_fingerprint": fp,
            "method_type": gt.take(gw.METHOD_TYPES, mt),
            "card_bin": _nullable(gt.dec_fixed(np.maximum(bins, 0), 6), bins >= 0),
            "card_last4": _nullable(gt.dec_fixed(np.maximum(last4, 0), 4), last4 >= 0),
            "billing_country": _nullable(gt.take(gw.COUNTRIES, np.maximum(billing, 0)), billing >= 0),
            "added_at": _ts(added, typed),
        }
    )

    # ip_events: aggregate per (account, ip): time bounds widen, counts add up.
    e = pop.events
    o = np.lexsort((e["acct"], e["ip"]))
    ea, ei = e["acct"][o], e["ip"][o]
    new = np.ones(len(o), bool)
    new[1:] = (ea[1:] != ea[:-1]) | (ei[1:] != ei[:-1])
    starts = np.flatnonzero(new)
    t0 = np.minimum.reduceat(e["t0"][o], starts) if len(o) else np.zeros(0, np.int64)
    t1 = np.maximum.reduceat(e["t1"][o], starts) if len(o) else np.zeros(0, np.int64)
    req = np.add.reduceat(e["req"][o], starts) if len(o) else np.zeros(0, np.int64)
    prov = np.maximum.reduceat(e["prov"][o], starts) if len(o) else np.zeros(0, np.int64)
    ua, dev = e["ua"][o][starts], e["dev"][o][starts]
    ea, ei = ea[starts], ei[starts]
    by_time = np.argsort(t0, kind="stable")
    ea, ei, t0, t1, req, prov, ua, dev = (x[by_time] for x in (ea, ei, t0, t1, req, prov, ua, dev))
    uniq, inv = np.unique(ei, return_inverse=True)
    v4 = uniq < (1 << 32)
    v6 = uniq[~v4]
    ip_text = pa.concat_arrays(
        [
            gt.ipv4_text(uniq[v4]).cast(pa.string()),
            gt.ipv6_text((v6 >> gw.V6_HOST_BITS) & ((1 << 48) - 1), v6),
        ]
    )
    dev_text = _nullable(
        gt.token16("dev_", gt.mix48(np.maximum(dev, 0).astype(np.uint64) + (salt >> np.uint64(3)))),
        dev >= 0,
    )
    ip_events = pa.table(
        {
            "account_id": ids.take(pa.array(ea)),
            "ip": ip_text.take(pa.array(inv)),
            "first_seen": _ts(t0, typed),
            "last_seen": _ts(t1, typed),
            "request_count": pa.array(req),
            "user_agent": gt.take(pop.ua_vocab, ua),
            "device_id": dev_text,
            "proxy_provider": _nullable(gt.take(pop.provider_names, np.maximum(prov, 0)), prov >= 0),
        }
    )

    intel = pa.table(
        {
            "network": pa.array([r[0] for r in pop.intel], pa.string()),
            "provider": pa.array([r[1] for r in pop.intel], pa.string()),
            "kind": pa.array([r[2] for r in pop.intel], pa.string()),
            "asn": pa.array([r[3] for r in pop.intel], pa.int64()),
        }
    )

    # usage: one row per (account, day, category), ordered by day then account.
    u = pop.usage
    day0 = pop.start_s // 86_400
    ukey = ((u["day"] - day0) << 40) | (rank[u["acct"]] << 3) | u["cat"]
    keys, uinv = np.unique(ukey, return_inverse=True)
    k = len(keys)
    ureq = np.bincount(uinv, weights=u["req"], minlength=k).astype(np.int64)
    utok = np.bincount(uinv, weights=u["tok"], minlength=k).astype(np.int64)
    ujb = np.bincount(uinv, weights=u["jb"], minlength=k).astype(np.int64)
    udays = (keys >> 40) + day0
    uacct = order[(keys >> 3) & ((1 << 37) - 1)]
    ucat = keys & 7
    usage = pa.table(
        {
            "account_id": ids.take(pa.array(uacct)),
            "day": pa.array(udays.astype("datetime64[D]")) if typed else gt.iso_dates(udays),
            "requests": pa.array(ureq),
            "tokens": pa.array(utok),
            "category": gt.take(gw.CATEGORIES, ucat),
            "flagged_jailbreak": pa.array(ujb),
        }
    )
    return {
        "accounts": accounts,
        "payment_methods": payments,
        "ip_events": ip_events,
        "ip_intel": intel,
        "usage": usage,
    }, truth


def _json_lines(table: pa.Table) -> pa.Array:
    """One JSON object per row, each ending in a newline, built column-wise."""
    parts: list[pa.Array | str] = []
    for i, (name, col) in enumerate(zip(table.column_names, table.columns, strict=True)):
        arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
        if pa.types.is_string(arr.type):
            esc = pc.replace_substring(pc.replace_substring(arr, "\\", "\\\\"), '"', '\\"')
            val = gt.join('"', esc, '"')
        elif pa.types.is_boolean(arr.type) or pa.types.is_integer(arr.type):
            val = pc.cast(arr, pa.string())
        else:
            val = gt.join('"', pc.cast(arr, pa.string()), '"')
        val = pc.fill_null(val, "null")
        parts.append(("{" if i == 0 else ",") + f'"{name}":')
        parts.append(val)
    parts.append("}\n")
    return gt.join(*parts)


def _write_jsonl(table: pa.Table, sink: pa.NativeFile, chunk: int = 250_000) -> None:
    for lo in range(0, table.num_rows, chunk):
        lines = _json_lines(table.slice(lo, chunk))
        offsets = np.frombuffer(
            lines.buffers()[1], dtype=np.int32, count=len(lines) + 1, offset=lines.offset * 4
        )
        data = lines.buffers()[2]
        sink.write(data[int(offsets[0]) : int(offsets[-1])])


def write_table(table: pa.Table, path: Path, fmt: str) -> None:
    """Write one table in one of ``FORMATS`` (gzip streams are byte-stable: no mtime)."""
    if fmt == "parquet":
        pq.write_table(table, path, compression="zstd")
        return
    gz = fmt.endswith(".gz")
    with pa.CompressedOutputStream(str(path), "gzip") if gz else pa.OSFile(str(path), "wb") as sink:
        if fmt.startswith("csv"):
            pcsv.write_csv(table, sink, pcsv.WriteOptions(include_header=True, batch_size=65_536))
        else:
            _write_jsonl(table, sink)


def write_export(pop: Population, out: Path, fmt: str) -> dict[str, int]:
    """Write every export table as ``<table>.<fmt>`` plus ``truth.csv``; rows per table."""
    tables, truth = build_tables(pop, typed=fmt == "parquet")
    counts = {}
    for name in EXPORT_TABLES:
        write_table(tables[name], out / f"{name}.{fmt}", fmt)
        counts[name] = tables[name].num_rows
    pcsv.write_csv(truth, out / "truth.csv")
    return counts
