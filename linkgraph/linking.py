"""Project the account–identifier graph onto weighted account–account links.

Two accounts are linked when they share an identifier: a payment instrument, a device
fingerprint, an IP address, a subnet, a proxy provider or an email domain
(``schema.IDENTIFIER_TYPES``; organisation membership is deliberately *not* a link, because
teams share organisations by design; it is only a scoring signal).

Why weighted, and how:

* **Strength by type.** Sharing a card or a device fingerprint is strong evidence; an IP is
  medium; a /24 subnet, a proxy provider or a rare email domain is weak; webmail domains
  (gmail, outlook, ...) carry nothing. ``DetectSettings.base_weights`` holds the bases.
* **Damped by popularity.** Every pair among the ``n`` accounts of an identifier receives
  ``base * damping(n)``, ``damping = log2(3) / log2(1 + n)`` by default (1 for a pair), so
  an IP behind a carrier NAT shared by hundreds of accounts says almost nothing about any
  two of them. Identifiers shared by more than ``max_share`` accounts make no pairwise links
  at all (they would make O(n²) meaningless edges); they stay as cluster-level evidence.
* **Time.** For IPs, subnets, proxy providers and devices, the contribution is multiplied by
  ``floor + (1 - floor) * exp(-gap / tau)`` where ``gap`` is the number of days between the
  two accounts' ``[first_seen, last_seen]`` intervals (0 when they overlap or are within a
  day): the same IP on the same day is a much stronger hint than the same IP a year apart.

Everything is vectorised with NumPy and SciPy sparse matrices: the pairs of each identifier
are generated with ``repeat``/``arange`` index arithmetic (in chunks to bound memory) and
summed per account pair by sparse COO → CSR conversion. There is no Python loop over pairs
or rows. Every link keeps its evidence: how many identifiers of each type the pair shares,
rendered as e.g. ``payment:1,ip:3``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from linkgraph.settings import DetectSettings

log = logging.getLogger(__name__)

# Link types in evidence order; "org" is never a link (scoring signal only).
LINK_TYPES: tuple[str, ...] = ("payment", "device", "ip", "subnet", "proxy", "email_domain")
EVIDENCE_TYPES: tuple[str, ...] = LINK_TYPES + ("org",)
TIMED_TYPES = frozenset({"ip", "subnet", "proxy", "device", "email_domain"})
# Provider kinds whose sharing is (weak) evidence; sharing an ISP or a carrier is not.
PROXY_LINK_KINDS = frozenset({"residential_proxy", "datacenter", "tor", "vpn"})
# Used when the loader did not flag webmail domains; webmail sharing means nothing.
WEBMAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
        "protonmail.com", "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.ru", "yandex.ru",
        "yandex.com", "qq.com", "163.com", "126.com", "naver.com", "zoho.com", "fastmail.com",
    }
)
_PAIR_CHUNK = 4_000_000  # pairs generated per step: bounds peak memory (~100 MB per chunk)
_US_PER_DAY = 86_400e6


@dataclass
class Incidence:
    """Which accounts reach which identifiers of one type (one row per distinct pair).

    ``names[ident[i]]`` is the identifier text; ``mult`` scales the type's base weight per
    identifier (0 = never link, e.g. webmail); ``t0``/``t1`` are days since the epoch (NaN
    when unknown) for timed types.
    """

    id_type: str
    account: np.ndarray  # int32 account index
    ident: np.ndarray  # int32 identifier code
    names: pa.Array  # code -> identifier text
    mult: np.ndarray  # float64 per identifier code
    t0: np.ndarray | None = None
    t1: np.ndarray | None = None
    disposable: np.ndarray | None = None  # per identifier code (email domains only)

    @property
    def n(self) -> np.ndarray:
        """Distinct accounts per identifier code."""
        return np.bincount(self.ident, minlength=len(self.names)).astype(np.int64)


@dataclass
class Links:
    """The weighted account–account link graph (undirected, ``a < b``, one row per pair)."""

    account_ids: pa.Array  # account index -> account_id
    a: np.ndarray  # int32
    b: np.ndarray  # int32
    weight: np.ndarray  # float64
    counts: dict[str, np.ndarray]  # per link type: shared identifiers per link (int32)
    incidence: dict[str, Incidence]
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def n_accounts(self) -> int:
        return len(self.account_ids)

    @property
    def n_links(self) -> int:
        return len(self.a)

    def evidence(self, rows: np.ndarray | None = None) -> pa.Array:
        """``payment:1,ip:3``-style evidence for the links at ``rows`` (all when None)."""
        parts = []
        for t in LINK_TYPES:
            c = self.counts[t] if rows is None else self.counts[t][rows]
            arr = pa.array(c, type=pa.int64())
            text = pc.binary_join_element_wise(pa.scalar(f"{t}:"), pc.cast(arr, pa.string()), "")
            parts.append(pc.if_else(pc.greater(arr, 0), text, pa.scalar(None, pa.string())))
        n = len(self.a) if rows is None else len(rows)
        if not parts:
            return pa.nulls(n, pa.string())
        return pc.binary_join_element_wise(*parts, ",", null_handling="skip")


# ----------------------------------------------------------------------------- helpers
def _col(table: pa.Table, name: str) -> pa.Array:
    col = table.column(name)
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


def _days(arr: pa.Array) -> np.ndarray:
    """Timestamps as float days since the epoch; NaN for nulls."""
    if len(arr) == 0:
        return np.zeros(0, dtype=np.float64)
    if pa.types.is_timestamp(arr.type):
        arr = pc.cast(arr, pa.timestamp("us", tz=arr.type.tz))
        us = pc.cast(pc.cast(arr, pa.int64()), pa.float64())
    else:
        us = pc.cast(arr, pa.float64())
    return np.asarray(pc.divide(us, _US_PER_DAY).to_numpy(zero_copy_only=False), dtype=np.float64)


def account_index(accounts: pa.Table) -> pa.Array:
    """The account ids in index order (the accounts table's order)."""
    return _col(accounts, "account_id")


def _lookup(values: pa.Array, keys: pa.Array) -> np.ndarray:
    """Position of each value in ``keys`` (-1 when absent or null)."""
    idx = pc.index_in(values, value_set=keys)
    return np.asarray(pc.fill_null(idx, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _encode(values: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Dictionary-encode identifier texts: (codes, names)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    enc = pc.dictionary_encode(values)
    codes = np.asarray(pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    return codes, enc.dictionary


def _make_incidence(
    id_type: str,
    acc: np.ndarray,
    values: pa.Array,
    t0: np.ndarray | None = None,
    t1: np.ndarray | None = None,
    mult_by_name: Mapping[str, float] | None = None,
    name_mult: np.ndarray | None = None,
) -> Incidence:
    """Build an Incidence from account indices and identifier texts, dropping unknown rows and
    merging duplicate (account, identifier) rows (time bounds widen)."""
    codes, names = _encode(values)
    keep = (acc >= 0) & (codes >= 0)
    acc, codes = acc[keep], codes[keep]
    if t0 is not None and t1 is not None:
        t0, t1 = t0[keep], t1[keep]
    # distinct (account, identifier): widen time bounds over duplicates
    key = codes.astype(np.int64) * (int(acc.max(initial=0)) + 1) + acc
    uniq, inv = np.unique(key, return_inverse=True)
    if len(uniq) != len(key):
        first = np.zeros(len(uniq), dtype=np.int64)
        first[inv[::-1]] = np.arange(len(key))[::-1]
        if t0 is not None and t1 is not None:
            lo = np.full(len(uniq), np.inf)
            hi = np.full(len(uniq), -np.inf)
            np.fmin.at(lo, inv, t0)
            np.fmax.at(hi, inv, t1)
            t0 = np.where(np.isinf(lo), np.nan, lo)
            t1 = np.where(np.isinf(hi), np.nan, hi)
        acc, codes = acc[first], codes[first]
    mult = np.ones(len(names), dtype=np.float64) if name_mult is None else name_mult
    return Incidence(id_type, acc.astype(np.int32), codes.astype(np.int32), names, mult, t0, t1)


def _ip_mapping(rel: pa.Table | None, col: str, ip_map: pa.Table | None, node_col: str) -> pa.Table | None:
    """ip -> value from the relationship table (``in_subnet``/``via_proxy``), completed by the
    ``ip_addresses`` node property; one row per ip (the relationship wins)."""
    parts = []
    if rel is not None:
        parts.append(pa.table({"ip": _col(rel, "ip"), "value": _col(rel, col)}))
    if ip_map is not None and node_col in ip_map.column_names:
        parts.append(pa.table({"ip": _col(ip_map, "ip"), "value": _col(ip_map, node_col)}))
    if not parts:
        return None
    both = pa.concat_tables([p.cast(pa.schema([("ip", pa.string()), ("value", pa.string())])) for p in parts])
    both = both.filter(pc.is_valid(both.column("value")))
    if both.num_rows == 0:
        return None
    ips = both.column("ip").combine_chunks()
    first = np.unique(np.asarray(pc.dictionary_encode(ips).indices), return_index=True)[1]
    return both.take(pa.array(np.sort(first))).combine_chunks()


def _provider_kinds(providers: pa.Table | None, ip_map: pa.Table | None) -> pa.Table | None:
    """provider -> kind from ``proxy_providers``, completed by ``ip_addresses.proxy_kind``."""
    parts = []
    if providers is not None:
        parts.append(pa.table({"provider": _col(providers, "provider"), "kind": _col(providers, "kind")}))
    if ip_map is not None and {"proxy_provider", "proxy_kind"} <= set(ip_map.column_names):
        parts.append(pa.table({"provider": _col(ip_map, "proxy_provider"), "kind": _col(ip_map, "proxy_kind")}))
    if not parts:
        return None
    both = pa.concat_tables([p.cast(pa.schema([("provider", pa.string()), ("kind", pa.string())])) for p in parts])
    both = both.filter(pc.and_(pc.is_valid(both.column("provider")), pc.is_valid(both.column("kind"))))
    if both.num_rows == 0:
        return None
    prov = both.column("provider").combine_chunks()
    first = np.unique(np.asarray(pc.dictionary_encode(prov).indices), return_index=True)[1]
    return both.take(pa.array(np.sort(first))).combine_chunks()


def build_incidence(tables: Mapping[str, pa.Table], account_ids: pa.Array) -> dict[str, Incidence]:
    """Per identifier type, which accounts reach which identifiers (see ``schema.IDENTIFIER_TYPES``).

    ``tables`` maps load-table names to Arrow tables following ``schema.table_schema``;
    missing tables contribute nothing.
    """
    out: dict[str, Incidence] = {}
    accounts = tables.get("accounts")
    if accounts is not None and "created_at" in accounts.column_names:
        created_days = _days(_col(accounts, "created_at"))
    else:
        created_days = np.full(len(account_ids), np.nan)

    def table(name: str) -> pa.Table | None:
        t = tables.get(name)
        return t if t is not None and t.num_rows > 0 else None

    if (t := table("paid_with")) is not None:
        out["payment"] = _make_incidence(
            "payment", _lookup(_col(t, "account_id"), account_ids), _col(t, "payment_fingerprint")
        )
    if (t := table("used_device")) is not None:
        out["device"] = _make_incidence(
            "device",
            _lookup(_col(t, "account_id"), account_ids),
            _col(t, "device_id"),
            _days(_col(t, "first_seen")),
            _days(_col(t, "last_seen")),
        )
    used = table("used_ip")
    if used is not None:
        acc = _lookup(_col(used, "account_id"), account_ids)
        ips = _col(used, "ip")
        f, lst = _days(_col(used, "first_seen")), _days(_col(used, "last_seen"))
        out["ip"] = _make_incidence("ip", acc, ips, f, lst)
        ip_map = table("ip_addresses")
        for id_type, rel_table, col, node_col in (
            ("subnet", "in_subnet", "subnet", "subnet"),
            ("proxy", "via_proxy", "provider", "proxy_provider"),
        ):
            mapping = _ip_mapping(table(rel_table), col, ip_map, node_col)
            if mapping is None:
                continue
            pos = _lookup(ips, mapping.column("ip"))
            value = pc.if_else(
                pa.array(pos >= 0),
                pc.take(mapping.column("value"), pa.array(np.where(pos >= 0, pos, 0))),
                pa.scalar(None, pa.string()),
            )
            inc = _make_incidence(id_type, acc, value, f, lst)
            if id_type == "proxy":
                kinds = _provider_kinds(table("proxy_providers"), ip_map)
                if kinds is not None:
                    kpos = _lookup(inc.names, kinds.column("provider"))
                    kind = pc.take(kinds.column("kind"), pa.array(np.where(kpos >= 0, kpos, 0)))
                    kind = pc.if_else(pa.array(kpos >= 0), kind, pa.scalar(None, pa.string()))
                    # unknown kind: treat as a proxy (the log enriched it as one)
                    is_proxy = pc.fill_null(pc.is_in(kind, value_set=pa.array(sorted(PROXY_LINK_KINDS))), True)
                    inc.mult = np.where(np.asarray(is_proxy.to_numpy(zero_copy_only=False), dtype=bool), 1.0, 0.0)
            out[id_type] = inc
    if (t := table("email_at")) is not None:
        # time = sign-up time: accounts made together on one domain are a burst, not a coincidence
        acc = _lookup(_col(t, "account_id"), account_ids)
        created = created_days[np.maximum(acc, 0)]
        inc = _make_incidence("email_domain", acc, _col(t, "domain"), created, created)
        mult = np.ones(len(inc.names))
        names_lower = pc.utf8_lower(inc.names)
        webmail = np.asarray(
            pc.fill_null(pc.is_in(names_lower, value_set=pa.array(sorted(WEBMAIL_DOMAINS))), False).to_numpy(
                zero_copy_only=False
            ),
            dtype=bool,
        )
        disposable = np.zeros(len(inc.names), dtype=bool)
        if (d := table("email_domains")) is not None:
            dpos = _lookup(inc.names, _col(d, "domain"))
            ok = dpos >= 0
            take = pa.array(np.where(ok, dpos, 0))
            for col, target in (("webmail", "w"), ("disposable", "d")):
                if col in d.column_names:
                    vals = np.asarray(
                        pc.fill_null(pc.take(_col(d, col), take), False).to_numpy(zero_copy_only=False), dtype=bool
                    ) & ok
                    if target == "w":
                        webmail |= vals
                    else:
                        disposable |= vals
        mult[webmail] = 0.0
        inc.mult = mult
        inc.disposable = disposable
        out["email_domain"] = inc
    if (t := table("member_of")) is not None:
        out["org"] = _make_incidence("org", _lookup(_col(t, "account_id"), account_ids), _col(t, "org_id"))
    return out


def damping(n: np.ndarray, settings: DetectSettings) -> np.ndarray:
    """Weight factor for an identifier shared by ``n`` accounts (1 for a pair)."""
    n = np.maximum(np.asarray(n, dtype=np.float64), 2.0)
    if settings.damping == "power":
        return (2.0 / n) ** settings.alpha
    return math.log2(3.0) / np.log2(1.0 + n)


def identifier_weights(inc: Incidence, settings: DetectSettings) -> np.ndarray:
    """Per identifier code, the weight each pair of its accounts receives (before time)."""
    base = settings.base_weights.get(inc.id_type, 0.0)
    w = base * inc.mult * damping(inc.n, settings)
    if inc.disposable is not None:
        w = np.where(
            inc.disposable & (inc.mult > 0), settings.disposable_domain_weight * damping(inc.n, settings), w
        )
    return w


def _time_factor(t0a, t1a, t0b, t1b, settings: DetectSettings) -> np.ndarray:  # type: ignore[no-untyped-def]
    """1 when the two intervals overlap or lie within a day; decays to ``time_floor`` with the gap."""
    t0a = np.where(np.isnan(t0a), t1a, t0a)
    t1a = np.where(np.isnan(t1a), t0a, t1a)
    t0b = np.where(np.isnan(t0b), t1b, t0b)
    t1b = np.where(np.isnan(t1b), t0b, t1b)
    gap = np.maximum(t0a, t0b) - np.minimum(t1a, t1b)
    gap = np.maximum(gap - 1.0, 0.0)
    f = settings.time_floor + (1.0 - settings.time_floor) * np.exp(-gap / settings.time_tau_days)
    return np.where(np.isnan(f), 1.0, f)


def _pairs_for_type(
    inc: Incidence, w_ident: np.ndarray, n_accounts: int, settings: DetectSettings
) -> tuple[sp.csr_matrix, sp.csr_matrix, int, int]:
    """Sum of weights and count of shared identifiers per account pair for one type.

    Returns (weights, counts, identifiers linked, pairs generated).
    """
    n = inc.n
    eligible = (n >= 2) & (n <= settings.max_share) & (w_ident > 0) & (w_ident >= settings.min_pair_weight)
    W = sp.csr_matrix((n_accounts, n_accounts), dtype=np.float64)
    C = sp.csr_matrix((n_accounts, n_accounts), dtype=np.int32)
    keep = eligible[inc.ident]
    if not keep.any():
        return W, C, 0, 0
    order = np.argsort(inc.ident[keep], kind="stable")
    acc = inc.account[keep][order]
    ident = inc.ident[keep][order]
    timed = inc.id_type in TIMED_TYPES and inc.t0 is not None and inc.t1 is not None
    if timed:
        assert inc.t0 is not None and inc.t1 is not None
        t0, t1 = inc.t0[keep][order], inc.t1[keep][order]
    # local position of each element within its identifier's group
    starts = np.concatenate(([0], np.flatnonzero(np.diff(ident)) + 1))
    group_len = np.diff(np.concatenate((starts, [len(ident)])))
    first_of = np.repeat(starts, group_len)
    k = np.arange(len(ident)) - first_of
    cnt = (np.repeat(group_len, group_len) - 1 - k).astype(np.int64)  # partners after me
    total = int(cnt.sum())
    cum = np.cumsum(cnt)
    # chunk boundaries over elements so that each chunk generates <= _PAIR_CHUNK pairs
    bounds = [0]
    while bounds[-1] < len(cnt):
        done = cum[bounds[-1] - 1] if bounds[-1] > 0 else 0
        nxt = int(np.searchsorted(cum, done + _PAIR_CHUNK, side="right"))
        bounds.append(max(nxt, bounds[-1] + 1))
    bounds[-1] = min(bounds[-1], len(cnt))
    for lo_e, hi_e in zip(bounds[:-1], bounds[1:], strict=True):
        c = cnt[lo_e:hi_e]
        m = int(c.sum())
        if m == 0:
            continue
        left = np.repeat(np.arange(lo_e, hi_e, dtype=np.int64), c)
        run_start = np.repeat(np.cumsum(c) - c, c)
        right = left + 1 + (np.arange(m, dtype=np.int64) - run_start)
        aa, bb = acc[left], acc[right]
        lo, hi = np.minimum(aa, bb), np.maximum(aa, bb)
        w = w_ident[ident[left]]
        if timed:
            w = w * _time_factor(t0[left], t1[left], t0[right], t1[right], settings)
        W = W + sp.coo_matrix((w, (lo, hi)), shape=(n_accounts, n_accounts)).tocsr()
        C = C + sp.coo_matrix(
            (np.ones(m, dtype=np.int32), (lo, hi)), shape=(n_accounts, n_accounts)
        ).tocsr()
        del left, right, run_start, aa, bb, lo, hi, w
    return W, C, int(eligible.sum()), total


def link_accounts(tables: Mapping[str, pa.Table], settings: DetectSettings | None = None) -> Links:
    """Weighted account–account links from load tables (``schema.table_schema`` shaped).

    ``tables`` must contain ``accounts``; relationship tables that are missing or empty add
    nothing. Accounts are indexed in the order of the accounts table.
    """
    settings = settings or DetectSettings()
    account_ids = account_index(tables["accounts"])
    n_acc = len(account_ids)
    incidence = build_incidence(tables, account_ids)
    total = sp.csr_matrix((n_acc, n_acc), dtype=np.float64)
    per_type: dict[str, sp.csr_matrix] = {}
    stats: dict[str, Any] = {"accounts": n_acc, "types": {}}
    for t in LINK_TYPES:
        inc = incidence.get(t)
        if inc is None:
            continue
        w_ident = identifier_weights(inc, settings)
        W, C, linked, pairs = _pairs_for_type(inc, w_ident, n_acc, settings)
        over = int(((inc.n > settings.max_share) & (inc.mult > 0)).sum())
        faint = int(((inc.n >= 2) & (w_ident > 0) & (w_ident < settings.min_pair_weight)).sum())
        stats["types"][t] = {
            "rows": len(inc.account),
            "identifiers": len(inc.names),
            "linked_identifiers": linked,
            "over_max_share": over,
            "below_min_pair_weight": faint,
            "pairs": pairs,
        }
        total = total + W
        per_type[t] = C
    total.data[total.data < settings.min_link_weight] = 0.0
    total.eliminate_zeros()
    coo = total.tocoo()
    order = np.lexsort((coo.col, coo.row))
    a = coo.row[order].astype(np.int32)
    b = coo.col[order].astype(np.int32)
    weight = coo.data[order].astype(np.float64)
    keys = a.astype(np.int64) * n_acc + b
    counts: dict[str, np.ndarray] = {}
    for t in LINK_TYPES:
        cnt = np.zeros(len(a), dtype=np.int32)
        C = per_type.get(t)
        if C is not None and C.nnz:
            cc = C.tocoo()
            ck = cc.row.astype(np.int64) * n_acc + cc.col
            pos = np.minimum(np.searchsorted(keys, ck), max(len(keys) - 1, 0))
            hit = (keys[pos] == ck) if len(keys) else np.zeros(len(ck), dtype=bool)
            cnt[pos[hit]] = cc.data[hit]
        counts[t] = cnt
    stats["links"] = len(a)
    log.info("linked %d accounts with %d weighted links", n_acc, len(a))
    return Links(account_ids, a, b, weight, counts, incidence, stats)
