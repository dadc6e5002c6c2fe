"""Account pairs found by a signal (not by a shared identifier), as plain arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass
class Pairs:
    """Undirected account pairs ``a < b`` with a per-pair count (how many coincidences)."""

    a: np.ndarray  # int32
    b: np.ndarray  # int32
    count: np.ndarray  # int32

    @classmethod
    def empty(cls) -> Pairs:
        z = np.zeros(0, np.int32)
        return cls(z, z.copy(), z.copy())

    @classmethod
    def from_arrays(
        cls, x: np.ndarray, y: np.ndarray, n_accounts: int, weight: np.ndarray | None = None
    ) -> Pairs:
        """Sum duplicates of (x, y) in either order into one pair; drops self pairs."""
        keep = x != y
        x, y = x[keep], y[keep]
        if not len(x):
            return cls.empty()
        lo, hi = np.minimum(x, y), np.maximum(x, y)
        w = np.ones(len(lo), np.int32) if weight is None else weight[keep].astype(np.int32)
        m = sp.coo_matrix((w, (lo, hi)), shape=(n_accounts, n_accounts)).tocsr().tocoo()
        return cls(m.row.astype(np.int32), m.col.astype(np.int32), m.data.astype(np.int32))

    def __len__(self) -> int:
        return len(self.a)

    def filter(self, keep: np.ndarray) -> Pairs:
        return Pairs(self.a[keep], self.b[keep], self.count[keep])

    def accounts(self, n_accounts: int) -> np.ndarray:
        """Bool per account: in at least one pair."""
        out = np.zeros(n_accounts, bool)
        out[self.a] = True
        out[self.b] = True
        return out


def group_pairs(ident: np.ndarray, order_key: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j), i < j, row positions sharing one ``ident`` value (rows sorted by ident first).

    Returns row positions into the *sorted* order and that order; callers bound group sizes.
    """
    order = np.lexsort((order_key, ident)) if order_key is not None else np.argsort(ident, kind="stable")
    s = ident[order]
    starts = np.concatenate(([0], np.flatnonzero(s[1:] != s[:-1]) + 1)) if len(s) else np.zeros(0, np.int64)
    glen = np.diff(np.concatenate((starts, [len(s)])))
    k = np.arange(len(s)) - np.repeat(starts, glen)
    cnt = np.repeat(glen, glen) - 1 - k
    left = np.repeat(np.arange(len(s)), cnt)
    run = np.repeat(np.cumsum(cnt) - cnt, cnt)
    right = left + 1 + (np.arange(int(cnt.sum())) - run)
    return order[left], order[right]
