"""Why a campaign was flagged: score breakdown, shared infrastructure, sign-up and traffic timelines.

Per-cluster data is read with targeted investigator queries (``cluster_members``,
``cluster_usage``), never by reading a whole load table, so the campaign page stays fast on a
1M-account store on either backend.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from linkgraph import schema
from linkgraph.casework.text import fmt_value
from linkgraph.store.base import Store

ID_TYPE_DOC: dict[str, str] = {i.name: i.doc for i in schema.IDENTIFIER_TYPES}


def score_breakdown(row: pd.Series | dict[str, Any]) -> pd.DataFrame:
    """Each scored feature's signed contribution to the score, largest effect first.

    ``value`` is the feature's raw value when the run stored one under the same name.
    Features that contributed nothing are left out (they explain nothing about this cluster).
    """
    features = _json_obj(row.get("features"))
    contributions = _json_obj(row.get("contributions"))
    rows = []
    for name, c in contributions.items():
        try:
            contribution = float(c)
        except (TypeError, ValueError):
            continue
        if contribution == 0.0 or math.isnan(contribution):
            continue
        rows.append(
            {"feature": name, "contribution": round(contribution, 4), "value": fmt_value(features.get(name))}
        )
    df = pd.DataFrame(rows, columns=["feature", "contribution", "value"])
    if df.empty:
        return df
    order = df["contribution"].abs().sort_values(ascending=False, kind="stable").index
    return df.reindex(order).reset_index(drop=True)


def raw_features(row: pd.Series | dict[str, Any]) -> pd.DataFrame:
    """The cluster's measured features (shares, counts, rates) as text, by name."""
    features = _json_obj(row.get("features"))
    return pd.DataFrame(
        [{"feature": k, "value": fmt_value(v)} for k, v in sorted(features.items())],
        columns=["feature", "value"],
    )


def _json_obj(text: Any) -> dict[str, Any]:
    if isinstance(text, dict):
        return text
    if not isinstance(text, str) or not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def cluster_row(campaigns: pd.DataFrame, cluster_id: str) -> pd.Series | None:
    rows = campaigns[campaigns["cluster_id"] == cluster_id]
    return None if rows.empty else rows.iloc[0]


def cluster_members(store: Store, cluster_id: str, limit: int = 5000) -> pd.DataFrame:
    """Members with sign-up time and identifier counts (the ``cluster_members`` query)."""
    return store.query("cluster_members", {"cluster_id": cluster_id, "limit": limit})


def shared_infrastructure(identifiers: pa.Table | pd.DataFrame, cluster_id: str) -> pd.DataFrame:
    """The identifiers that link a cluster, most shared first: ``id_type, identifier, members``."""
    if isinstance(identifiers, pa.Table):
        if identifiers.num_rows:
            identifiers = identifiers.filter(pc.equal(identifiers.column("cluster_id"), cluster_id))
        df = identifiers.to_pandas()
    else:
        df = identifiers[identifiers["cluster_id"] == cluster_id]
    df = df[["id_type", "identifier", "members"]].sort_values(
        ["members", "id_type", "identifier"], ascending=[False, True, True], kind="stable"
    )
    return df.reset_index(drop=True)


def infrastructure_summary(infra: pd.DataFrame) -> pd.DataFrame:
    """Per identifier type: how many shared identifiers, and the most members any one links."""
    cols = ["id_type", "meaning", "identifiers", "max_members"]
    if infra.empty:
        return pd.DataFrame(columns=cols)
    g = infra.groupby("id_type", sort=False).agg(
        identifiers=("identifier", "size"), max_members=("members", "max")
    )
    g = g.reset_index().sort_values(["max_members", "identifiers"], ascending=False, kind="stable")
    g["meaning"] = g["id_type"].map(lambda t: ID_TYPE_DOC.get(t, t))
    return g[cols].reset_index(drop=True)


def signup_timeline(members: pd.DataFrame) -> pd.DataFrame:
    """Sign-ups per day among the members: ``day, signups`` (days without sign-ups omitted)."""
    if members.empty or "created_at" not in members:
        return pd.DataFrame(columns=["day", "signups"])
    days = pd.to_datetime(members["created_at"], utc=True).dt.floor("D").dt.tz_localize(None)
    out = days.value_counts().sort_index().rename_axis("day").reset_index(name="signups")
    return out


def daily_traffic(store: Store, cluster_id: str, member_ids: Sequence[str]) -> pd.DataFrame:
    """Requests per day and category for the cluster's members: ``day, category, requests``.

    One ``cluster_usage`` investigator query (aggregated in the store, either backend).
    """
    cols = ["day", "category", "requests"]
    df = store.query("cluster_usage", {"cluster_id": cluster_id, "limit": 100_000})
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["category"] = df["category"].fillna("other")
    out = df.groupby(["day", "category"], as_index=False)["requests"].sum()
    out["day"] = pd.to_datetime(out["day"])
    return out.sort_values(["day", "category"]).reset_index(drop=True)
