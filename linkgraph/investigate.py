"""The investigator queries every backend answers, by name.

Each backend answers the same names with the same parameters and result columns, with the
statement files ``queries/investigate/<name>.sql`` (DuckDB) and ``<name>.cypher`` (Neo4j); the
shortest path is the shared search of ``linkgraph.link_paths`` on every backend (Neo4j's own
``shortestPath`` where the server is Neo4j).
``linkgraph query NAME --param k=v`` and the app call them through ``Store.query``, so results
can be compared across backends. Every query is bounded by ``limit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from linkgraph.errors import QueryError


@dataclass(frozen=True)
class Param:
    name: str
    type: type
    required: bool = True
    default: Any = None
    doc: str = ""


@dataclass(frozen=True)
class QuerySpec:
    name: str
    doc: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    # "statement": one statement file per backend; "link_path": the shared path search
    answer: Literal["statement", "link_path"] = "statement"


LIMIT = Param("limit", int, False, 1000, "maximum rows returned")

QUERIES: dict[str, QuerySpec] = {
    q.name: q
    for q in (
        QuerySpec(
            "search",
            "Accounts whose id, email, IP or payment fingerprint matches the term (exact, or prefix for ids/emails).",
            (Param("term", str), LIMIT),
            ("account_id", "email", "created_at", "matched_on", "matched_value", "cluster_id"),
        ),
        QuerySpec(
            "account",
            "One account's properties and its cluster in the latest run.",
            (Param("account_id", str),),
            (
                "account_id",
                "created_at",
                "email",
                "email_domain",
                "country",
                "org_id",
                "org_verified",
                "plan",
                "status",
                "cluster_id",
                "cluster_score",
            ),
        ),
        QuerySpec(
            "cluster_members",
            "Members of a cluster in the latest run, with their sign-up time and identifier counts.",
            (Param("cluster_id", str), LIMIT),
            ("account_id", "email", "created_at", "country", "status", "payment_methods", "ips", "devices"),
        ),
        QuerySpec(
            "cluster_graph",
            "The account-identifier pairs of a cluster's members (payment, device, IP, email domain, "
            "organisation, and the subnets and proxy providers behind their IPs), for drawing it.",
            (Param("cluster_id", str), Param("limit", int, False, 20_000, "maximum rows returned")),
            ("account_id", "id_type", "label", "identifier"),
        ),
        QuerySpec(
            "cluster_usage",
            "Daily usage of a cluster's members by category: what the campaign was doing, and when.",
            (Param("cluster_id", str), LIMIT),
            ("day", "category", "requests", "tokens", "flagged_jailbreak"),
        ),
        QuerySpec(
            "neighbourhood",
            "Accounts and identifiers within `depth` hops (1 or 2 account-identifier steps) of an account.",
            (Param("account_id", str), Param("depth", int, False, 1), LIMIT),
            ("src_label", "src", "rel", "dst_label", "dst", "hop"),
        ),
        QuerySpec(
            "shortest_path",
            "The shortest chain of shared identifiers that links account a to account b.",
            (Param("a", str), Param("b", str), Param("max_hops", int, False, 8)),
            ("step", "label", "node", "rel"),
            answer="link_path",
        ),
        QuerySpec(
            "clusters_by_provider",
            "Clusters of the latest run whose members used IPs of a proxy provider.",
            (Param("provider", str), LIMIT),
            ("cluster_id", "score", "size", "accounts_on_provider"),
        ),
        QuerySpec(
            "accounts_by_payment",
            "Accounts that share a payment method (by fingerprint).",
            (Param("payment_fingerprint", str), LIMIT),
            ("account_id", "email", "created_at", "added_at", "cluster_id"),
        ),
        QuerySpec(
            "new_accounts_near_cluster",
            "Accounts created after `since` that share a payment method, device or IP with a cluster's "
            "members but are not members: replacements for banned accounts.",
            (Param("cluster_id", str), Param("since", str), LIMIT),
            ("account_id", "created_at", "id_type", "identifier", "shared_with"),
        ),
    )
}


def bind(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """Check and coerce parameters for query ``name``; raise QueryError naming the problem."""
    spec = QUERIES.get(name)
    if spec is None:
        raise QueryError(f"unknown query {name!r}; known: {', '.join(sorted(QUERIES))}")
    known = {p.name for p in spec.params}
    extra = set(params) - known
    if extra:
        raise QueryError(f"query {name!r} takes no parameter {sorted(extra)[0]!r}; it takes {sorted(known)}")
    out: dict[str, Any] = {}
    for p in spec.params:
        if p.name not in params or params[p.name] is None:
            if p.required:
                raise QueryError(f"query {name!r} needs parameter {p.name!r} ({p.doc or p.type.__name__})")
            out[p.name] = p.default
            continue
        value = params[p.name]
        try:
            out[p.name] = p.type(value)
        except (TypeError, ValueError):
            raise QueryError(
                f"parameter {p.name!r} of {name!r} must be {p.type.__name__}, got {value!r}"
            ) from None
    if "term" in out:
        out["term"] = out["term"].strip()
        if not out["term"]:
            raise QueryError(f"{name} needs a non-empty term")
    if "since" in out:
        out["since"] = parse_since(out["since"])
    if "limit" in out and not (1 <= out["limit"] <= 100_000):
        raise QueryError("limit must be between 1 and 100000")
    if "depth" in out and out["depth"] not in (1, 2):
        raise QueryError("depth must be 1 or 2")
    if "max_hops" in out and not (1 <= out["max_hops"] <= 12):
        raise QueryError("max_hops must be between 1 and 12")
    return out


def parse_since(since: str) -> datetime:
    """A ``since`` parameter (a date or timestamp; UTC unless it says otherwise) as a datetime."""
    import pandas as pd

    try:
        ts = pd.Timestamp(since)
    except ValueError:
        raise QueryError(f"since must be a date or timestamp, got {since!r}") from None
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return ts.to_pydatetime()  # type: ignore[no-any-return]


_INT_COLUMNS = frozenset(
    {
        "payment_methods",
        "ips",
        "devices",
        "hop",
        "step",
        "size",
        "accounts_on_provider",
        "shared_with",
        "requests",
        "tokens",
        "flagged_jailbreak",
    }
)
_FLOAT_COLUMNS = frozenset({"score", "cluster_score"})
TIME_COLUMNS = frozenset({"created_at", "added_at"})  # UTC timestamps in query results


def conform(name: str, df: Any) -> Any:
    """Give a query result the same columns and dtypes on every backend.

    Drivers differ (DuckDB returns dates as timestamps, FalkorDB sums as floats); callers and
    the parity tests get nullable integers, floats, UTC timestamps and plain dates everywhere.
    """
    import pandas as pd

    df = df[list(QUERIES[name].columns)].reset_index(drop=True)
    for col in df.columns:
        if col in _INT_COLUMNS:
            df[col] = pd.to_numeric(df[col]).round().astype("Int64")
        elif col in _FLOAT_COLUMNS:
            df[col] = pd.to_numeric(df[col]).astype("float64")
        elif col in TIME_COLUMNS:
            df[col] = pd.to_datetime(df[col], utc=True)
        elif col == "day":
            df[col] = pd.to_datetime(df[col]).dt.date
    return df


def canonical_ip(text: str) -> str | None:
    """A search term as the loaders store IPs (IPv4-mapped IPv6 as IPv4), or None if not an IP."""
    import ipaddress

    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        return str(addr.ipv4_mapped)
    return str(addr)
