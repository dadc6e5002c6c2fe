"""Ban evasion: replacement accounts created shortly after a banned account went quiet, reusing
its device, payment method or IP addresses.

Operations replace banned accounts within hours or days, and the replacement usually comes
from the same machine, pays with the same card or connects from the same exits. For every
account whose export ``status`` is banned or suspended (``BAD_STATUSES``, matched
case-insensitively), its *last activity* is the latest ``last_seen`` over its IPs and devices
(its sign-up when there is none). An account created after the banned account's sign-up and
within ``[last - 1 day, last + window_days]`` that shares a device, payment method or IP with
it is its replacement; chains of replacements are lineages (``lineage_root``).

Benign look-alike: a user who was suspended by mistake and opens a new account on the same
laptop looks the same, once. That is why evasion is one evidence family that raises an
account tied to a campaign, not a verdict on its own.

Needs ``accounts.status`` and ``created_at`` plus at least one of payment_methods, devices,
ip_events; absent: no evasion pairs (unknown). Pairs are generated only for identifiers that
a banned account uses and that at most ``max_share`` accounts share, so the work is bounded by
banned rows × ``max_share``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkgraph.signals.pairs import Pairs

BAD_STATUSES = ("banned", "suspended", "terminated", "blocked", "disabled", "closed_fraud", "fraud")


def bad_status(status: pa.Array | None, n: int) -> np.ndarray | None:
    """Bool per account: banned/suspended in the export; None when the export has no status."""
    if status is None or status.null_count == len(status):
        return None
    low = pc.utf8_lower(pc.fill_null(status.cast(pa.string()), ""))
    hit = pc.match_substring_regex(low, "|".join(BAD_STATUSES))
    return np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)


@dataclass
class Evasion:
    pairs: Pairs  # (a, b) with count = identifiers reused
    predecessor: np.ndarray  # int64 per account: the banned account it replaced (-1 none)
    via: dict[str, np.ndarray]  # per identifier type: bool per account, replacement via that type


def replacements(
    bad: np.ndarray,
    created: np.ndarray,
    last_active: np.ndarray,
    incidence: Mapping[str, tuple[np.ndarray, np.ndarray]],
    window_days: float,
    max_share: int,
) -> Evasion:
    """Evasion pairs over ``incidence[type] = (account, ident)`` arrays (see the module docstring)."""
    n = len(bad)
    xs, ys, cnt = [], [], []
    pred = np.full(n, -1, np.int64)
    pred_gap = np.full(n, np.inf)
    via: dict[str, np.ndarray] = {}
    for t, (acc, ident) in incidence.items():
        v = np.zeros(n, bool)
        via[t] = v
        if not len(acc) or not bad.any():
            continue
        deg = np.bincount(ident)
        has_bad = np.zeros(len(deg), bool)
        has_bad[ident[bad[acc]]] = True
        sel = has_bad[ident] & (deg[ident] <= max_share)
        a_sel, i_sel = acc[sel], ident[sel]
        order = np.argsort(i_sel, kind="stable")
        a_sel, i_sel = a_sel[order], i_sel[order]
        starts = np.searchsorted(i_sel, i_sel, side="left")
        ends = np.searchsorted(i_sel, i_sel, side="right")
        b_rows = np.flatnonzero(bad[a_sel])
        width = (ends - starts)[b_rows]
        left = np.repeat(b_rows, width)
        right = np.repeat(starts[b_rows], width) + (
            np.arange(int(width.sum())) - np.repeat(np.cumsum(width) - width, width)
        )
        old, new = a_sel[left], a_sel[right]
        gap = created[new] - last_active[old]
        ok = (new != old) & (created[new] > created[old]) & (gap >= -1.0) & (gap <= window_days)
        old, new, gap = old[ok], new[ok], gap[ok]
        v[new] = True
        better = gap < pred_gap[new]
        np.minimum.at(pred_gap, new, gap)
        pred[new[better]] = old[better]
        xs.append(old)
        ys.append(new)
        cnt.append(np.ones(len(old), np.int32))
    if not xs:
        return Evasion(Pairs.empty(), pred, via)
    pairs = Pairs.from_arrays(np.concatenate(xs), np.concatenate(ys), n, np.concatenate(cnt))
    return Evasion(pairs, pred, via)


def lineage_root(predecessor: np.ndarray, max_depth: int = 32) -> np.ndarray:
    """Per account, the first banned account of its replacement chain (itself when none)."""
    root = np.arange(len(predecessor))
    has = predecessor >= 0
    root[has] = predecessor[has]
    for _ in range(max_depth):
        nxt = predecessor[root]
        step = nxt >= 0
        if not step.any():
            break
        root = np.where(step, nxt, root)
    return root
