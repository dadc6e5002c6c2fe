"""One account: search, its properties and neighbourhood, and how it links to another account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from linkgraph.casework.text import isna
from linkgraph.investigate import QUERIES
from linkgraph.store.base import Store


def search_accounts(store: Store, term: str, limit: int = 200) -> pd.DataFrame:
    """Accounts matching an account id, email, IP, payment fingerprint or device id."""
    term = term.strip()
    if not term:
        return pd.DataFrame(columns=list(QUERIES["search"].columns))
    return store.query("search", {"term": term, "limit": limit})


def account_detail(store: Store, account_id: str) -> dict[str, Any] | None:
    """An account's properties and its cluster, or None when there is no such account."""
    account_id = account_id.strip()
    if not account_id:
        return None
    df = store.query("account", {"account_id": account_id})
    if df.empty:
        return None
    return {k: (None if isna(v) else v) for k, v in df.iloc[0].to_dict().items()}


def account_neighbourhood(store: Store, account_id: str, depth: int = 1, limit: int = 2000) -> pd.DataFrame:
    return store.query("neighbourhood", {"account_id": account_id, "depth": depth, "limit": limit})


@dataclass(frozen=True)
class LinkPath:
    path: pd.DataFrame  # step, label, node, rel
    text: str  # "a0 -PAID_WITH-> fp_1 <-PAID_WITH- a1", plain text (display escaped)
    identifiers: pd.DataFrame  # label, node: the identifiers on the path


def linking_path(store: Store, a: str, b: str, max_hops: int = 8) -> LinkPath | None:
    """How account ``a`` is linked to ``b``: the shortest chain of shared identifiers, or None.

    Raises ``QueryError`` when either account does not exist (the page shows its message).
    """
    path = store.query("shortest_path", {"a": a.strip(), "b": b.strip(), "max_hops": max_hops})
    if path.empty:
        return None
    path = path.sort_values("step").reset_index(drop=True)
    parts: list[str] = []
    prev_rel: str | None = None
    for row in path.itertuples(index=False):
        rel = row.rel if isinstance(row.rel, str) and row.rel else None
        if row.label == "Account":
            if parts:
                parts.append(f"<-{prev_rel or 'LINKED'}-")
            parts.append(str(row.node))
        else:
            parts.append(f"-{rel or 'LINKED'}->")
            parts.append(f"{row.label}:{row.node}")
            prev_rel = rel
    ids = path[path["label"] != "Account"][["label", "node"]].reset_index(drop=True)
    return LinkPath(path=path, text=" ".join(parts), identifiers=ids)
