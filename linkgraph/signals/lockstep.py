"""Lockstep: accounts that act together, after SynchroTrap (Cao et al., CCS 2014) and
CopyCatch (Beutel et al., WWW 2013).

Two views of acting together:

* ``first_seen_lockstep``: two accounts first seen on the same IP address within
  ``window_minutes`` of each other, on at least ``min_ips`` *different* addresses. One
  coincidence is common (a household, an office opening time, a carrier NAT); repeated
  coincidences on several addresses are what scripts driving many accounts through one
  proxy pool leave behind. Addresses shared by more than ``max_share`` accounts are skipped
  (too busy for a coincidence to mean anything). Needs ``ip_events.first_seen``; absent:
  unknown (no pairs).
* ``usage_similarity``: for given account pairs (the link graph's), the cosine similarity
  of their daily volume (``log1p(requests)`` per day) times that of their category mix. Accounts
  driven by one pipeline are active on the same days with near-identical volume and mix;
  family members or colleagues use the service on their own schedule. Needs ``usage`` with
  ``day`` and ``requests``; absent: unknown (NaN). Pairs where either side has fewer than
  ``min_days`` active days are NaN (too little to compare).

Both are vectorised: window pairs by ``searchsorted`` over (ip, time) sort keys; cosine by
row-normalised sparse matrices and an element-wise product of the paired rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from linkgraph.signals.pairs import Pairs

_CHUNK = 2_000_000


def first_seen_lockstep(
    acc: np.ndarray,
    ip: np.ndarray,
    first_seen_days: np.ndarray,
    n_accounts: int,
    window_minutes: float = 10.0,
    min_ips: int = 2,
    max_share: int = 200,
) -> Pairs:
    """Pairs first seen within ``window_minutes`` on at least ``min_ips`` common addresses."""
    ok = (acc >= 0) & (ip >= 0) & ~np.isnan(first_seen_days)
    if ok.sum() < 2:
        return Pairs.empty()
    acc, ip, t = acc[ok], ip[ok], first_seen_days[ok]
    deg = np.bincount(ip)
    keep = (deg[ip] >= 2) & (deg[ip] <= max_share)
    acc, ip, t = acc[keep], ip[keep], t[keep]
    if len(acc) < 2:
        return Pairs.empty()
    minutes = np.round((t - t.min()) * 1440.0).astype(np.int64)
    span = int(minutes.max()) + int(window_minutes) + 2
    key = ip.astype(np.int64) * span + minutes
    order = np.argsort(key, kind="stable")
    key, acc = key[order], acc[order]
    ends = np.searchsorted(key, key + int(window_minutes), side="right")
    cnt = ends - np.arange(len(key)) - 1
    xs, ys = [], []
    cum = np.cumsum(cnt)
    lo = 0
    while lo < len(cnt):
        base = cum[lo - 1] if lo else 0
        hi = max(int(np.searchsorted(cum, base + _CHUNK, side="right")), lo + 1)
        c = cnt[lo:hi]
        m = int(c.sum())
        if m:
            left = np.repeat(np.arange(lo, hi), c)
            right = left + 1 + (np.arange(m) - np.repeat(np.cumsum(c) - c, c))
            xs.append(acc[left])
            ys.append(acc[right])
        lo = hi
    if not xs:
        return Pairs.empty()
    pairs = Pairs.from_arrays(np.concatenate(xs), np.concatenate(ys), n_accounts)
    return pairs.filter(pairs.count >= min_ips)


@dataclass
class UsageProfiles:
    """Row-normalised account × day matrix of log1p(requests), account × category mix, active days."""

    days: sp.csr_matrix
    categories: sp.csr_matrix
    active: np.ndarray


def _normalised(acc: np.ndarray, col: np.ndarray, val: np.ndarray, n_accounts: int) -> sp.csr_matrix:
    m = sp.coo_matrix((val, (acc, col)), shape=(n_accounts, int(col.max()) + 1)).tocsr()
    m.sum_duplicates()
    norm = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return (sp.diags(1.0 / np.where(norm > 0, norm, 1.0)) @ m).tocsr()


def usage_profiles(
    acc: np.ndarray, day: np.ndarray, cat: np.ndarray, requests: np.ndarray, n_accounts: int
) -> UsageProfiles:
    """Daily volume and category mix per account (categories summed over the whole period)."""
    ok = (acc >= 0) & ~np.isnan(day) & (requests > 0)
    acc, d, c, r = acc[ok], day[ok].astype(np.int64), np.maximum(cat[ok], 0), requests[ok]
    if not len(acc):
        empty = sp.csr_matrix((n_accounts, 1))
        return UsageProfiles(empty, empty, np.zeros(n_accounts, np.int64))
    d = d - d.min()
    per_day = sp.coo_matrix((r, (acc, d)), shape=(n_accounts, int(d.max()) + 1)).tocsr()
    per_day.sum_duplicates()
    pd_coo = per_day.tocoo()
    days = _normalised(pd_coo.row, pd_coo.col, np.log1p(pd_coo.data), n_accounts)
    cats = _normalised(acc, c, r, n_accounts)
    active = np.diff(per_day.indptr).astype(np.int64)
    return UsageProfiles(days, cats, active)


def usage_similarity(prof: UsageProfiles, a: np.ndarray, b: np.ndarray, min_days: int = 3) -> np.ndarray:
    """Cosine of daily volume × cosine of category mix per pair (NaN: < ``min_days`` active days)."""
    active = prof.active
    out = np.full(len(a), np.nan)
    ok = (active[a] >= min_days) & (active[b] >= min_days)
    # near-identical usage needs about the same number of active days: pairs far apart are
    # left at 0 without comparing rows (most links; the row comparison is the costly step)
    ratio = np.minimum(active[a], active[b]) / np.maximum(np.maximum(active[a], active[b]), 1)
    out[ok & (ratio < 0.5)] = 0.0
    idx = np.flatnonzero(ok & (ratio >= 0.5))
    for lo in range(0, len(idx), _CHUNK // 4):
        sel = idx[lo : lo + _CHUNK // 4]
        day_cos = np.asarray(prof.days[a[sel]].multiply(prof.days[b[sel]]).sum(axis=1)).ravel()
        cat_cos = np.asarray(prof.categories[a[sel]].multiply(prof.categories[b[sel]]).sum(axis=1)).ravel()
        out[sel] = day_cos * cat_cos
    return out
