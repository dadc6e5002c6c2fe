"""Shortest linking path between two accounts, shared by every backend.

Paths run only through identifiers that are real evidence: payment methods, devices, IPs,
email domains and organisations shared by at most ``PATH_MAX_SHARE`` accounts, so a path
never runs through a carrier NAT or a webmail domain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

PATH_TYPES = ("payment", "device", "ip", "email_domain", "org")
PATH_MAX_SHARE = 200

Expand = Callable[[list[str]], list[dict[str, Any]]]


def bfs_path(expand: Expand, a: str, b: str, max_hops: int) -> pd.DataFrame:
    """Bidirectional breadth-first search from account ``a`` to account ``b``.

    ``expand(frontier)`` returns, for a list of accounts, every (src, id_type, label, rel,
    identifier, dst) step to another account through an identifier shared by at most
    ``PATH_MAX_SHARE`` accounts, sorted by (src, id_type, identifier, dst). Each backend
    answers it with one set-based statement per level, so the cost is bounded by the frontier
    sizes, not the graph size, and both backends return the same path. ``max_hops`` counts
    account -> identifier -> account steps. Result columns: step, label, node, rel.
    """
    cols = ["step", "label", "node", "rel"]
    if a == b:
        return pd.DataFrame([[0, "Account", a, None]], columns=cols)
    Link = tuple[tuple[str, str, str, str], str]
    parents: list[dict[str, Link | None]] = [{a: None}, {b: None}]
    frontiers = [[a], [b]]
    meet: str | None = None
    for _hop in range(max_hops):
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        if not frontiers[side]:
            break
        nxt: list[str] = []
        for r in expand(frontiers[side]):
            dst = r["dst"]
            if dst in parents[side]:
                continue
            parents[side][dst] = ((r["id_type"], r["label"], r["rel"], r["identifier"]), r["src"])
            nxt.append(dst)
            if dst in parents[1 - side]:
                meet = dst
                break
        frontiers[side] = nxt
        if meet:
            break
    if meet is None:
        return pd.DataFrame(columns=cols)

    def chain(side: int, node: str) -> list[tuple[str, tuple[str, str, str, str] | None]]:
        out: list[tuple[str, tuple[str, str, str, str] | None]] = []
        cur: str | None = node
        while cur is not None:
            link = parents[side][cur]
            out.append((cur, link[0] if link else None))
            cur = link[1] if link else None
        return out

    left = list(reversed(chain(0, meet)))
    right = chain(1, meet)
    rows_out: list[list[Any]] = []
    step = 0
    for i, (acc, via) in enumerate(left):
        if i > 0 and via is not None:
            rows_out.append([step, via[1], via[3], via[2]])
            step += 1
        rows_out.append([step, "Account", acc, None])
        step += 1
    for j in range(len(right) - 1):
        via = right[j][1]
        if via is not None:
            rows_out.append([step, via[1], via[3], via[2]])
            step += 1
        rows_out.append([step, "Account", right[j + 1][0], None])
        step += 1
    return pd.DataFrame(rows_out, columns=cols)
