"""The data's own background: how identifiers of each type are shared across the population.

Whether a group's shared identifiers are surprising depends on the data, not on a vendor's
labels: in one lab's export most IPs are shared (carrier NAT, offices), in another almost none
are; cards are rarely shared except by families. ``type_background`` measures, per
identifier type, the degree distribution (accounts per identifier) and ``q``, the share of
accounts whose identifier of that type is shared with at least one other account: the rate at
which a randomly drawn account "shares" under independence.

``share_surprise`` turns "m of the s members of a group share an identifier of this type
within the group" into ``-log10 P(X >= m)`` for ``X ~ Binomial(s, q)``: how unlikely so much
sharing would be among s accounts drawn from the background. ``infrastructure`` marks the
identifiers that are widely shared by their nature: a degree above ``max(min_degree,
quantile(1 - tail))`` of their type (NATs, proxy exits, office gateways, whatever the export
calls them), or a network class that is infrastructure by the enrichment's own words.
Sharing such an identifier ties an account to a group only weakly, and never enough to act.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import binom


@dataclass
class TypeBackground:
    id_type: str
    accounts: int  # accounts with at least one identifier of the type
    identifiers: int
    q: float  # share of those accounts sharing one with another account
    degree_p50: float
    degree_p99: float
    degree_max: int
    infra_degree: int  # identifiers above this degree are infrastructure

    def as_dict(self) -> dict[str, float | int | str]:
        return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def type_background(
    id_type: str,
    account: np.ndarray,
    ident: np.ndarray,
    n_idents: int,
    tail: float = 0.001,
    min_degree: int = 20,
) -> TypeBackground:
    """Background of one identifier type from its (account, identifier) rows."""
    deg = np.bincount(ident, minlength=n_idents) if len(ident) else np.zeros(n_idents, np.int64)
    used = deg[deg > 0]
    accounts = np.unique(account) if len(account) else account
    shared_acc = np.unique(account[deg[ident] >= 2]) if len(account) else account
    q = len(shared_acc) / max(len(accounts), 1)
    p99 = float(np.quantile(used, 0.99)) if len(used) else 0.0
    hi = float(np.quantile(used, 1 - tail)) if len(used) else 0.0
    return TypeBackground(
        id_type=id_type,
        accounts=int(len(accounts)),
        identifiers=int(len(used)),
        q=float(q),
        degree_p50=float(np.median(used)) if len(used) else 0.0,
        degree_p99=p99,
        degree_max=int(used.max()) if len(used) else 0,
        infra_degree=int(max(min_degree, np.ceil(hi))),
    )


def share_surprise(size: np.ndarray, sharing: np.ndarray, q: float) -> np.ndarray:
    """``-log10 P(X >= sharing)``, ``X ~ Binomial(size, q)``, per group (0 when nothing shares)."""
    q = min(max(q, 1e-6), 1 - 1e-6)
    with np.errstate(divide="ignore"):
        p = binom.sf(np.asarray(sharing) - 1, np.asarray(size), q)
        out = -np.log10(np.maximum(p, 1e-300))
    return np.where(np.asarray(sharing) > 0, out, 0.0)
