"""The ranked campaigns table and its filters (the Campaigns page).

A campaign is a cluster of the latest detection run with the analyst status in force
(``linkgraph.decisions``); the filters are a frozen dataclass so a page's widgets map onto it
one to one and a test can build the same filter without Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import pyarrow as pa

from linkgraph import schema
from linkgraph.decisions import in_force, stale_decisions
from linkgraph.enforcement import DEFAULT_VIEW
from linkgraph.model import Decision
from linkgraph.store.base import Store

OPEN = "open"  # status of a cluster no analyst has decided on yet


STATUSES: tuple[str, ...] = (OPEN,) + schema.DECISION_STATUSES


CAMPAIGN_COLUMNS: tuple[str, ...] = (
    "cluster_id",
    "score",
    "size",
    "status",
    "first_signup",
    "last_signup",
    "payment_methods",
    "proxy_providers",
    "requests",
    "top_categories",
    "analyst",
    "decided_at",
    "evidence",
)


def campaigns_table(
    clusters: pa.Table | pd.DataFrame, decisions: Iterable[Decision], stale: Iterable[str] = ()
) -> pd.DataFrame:
    """Clusters ranked by score (then size), with the analyst status in force for each.

    Keeps every cluster column (``features``, ``contributions``, ``view`` are used by the
    detail page) and adds ``status``, ``analyst``, ``decided_at`` and ``note``. Campaigns in
    ``stale`` (changed a lot since their decision, ``decisions.stale_decisions``) show
    ``needs_review`` whatever their decision said.
    """
    df = clusters.to_pandas() if isinstance(clusters, pa.Table) else clusters.copy()
    if "view" not in df.columns:
        df["view"] = DEFAULT_VIEW
    current = in_force(decisions)
    df["status"] = [current[c].status if c in current else OPEN for c in df["cluster_id"]]
    df["analyst"] = [current[c].analyst if c in current else "" for c in df["cluster_id"]]
    df["decided_at"] = pd.to_datetime(
        [current[c].decided_at if c in current else None for c in df["cluster_id"]], utc=True
    )
    df["note"] = [current[c].note if c in current else "" for c in df["cluster_id"]]
    df.loc[df["cluster_id"].isin(list(stale)), "status"] = "needs_review"
    for col in ("proxy_providers", "top_categories", "evidence"):
        df[col] = df[col].fillna("")
    df = df.sort_values(["score", "size", "cluster_id"], ascending=[False, False, True], kind="stable")
    return df.reset_index(drop=True)


def load_campaigns(store: Store) -> pd.DataFrame:
    """The latest run's clusters with decisions in force (one small result read + decisions)."""
    decisions = store.decisions()
    stale = stale_decisions(store, in_force(decisions))
    return campaigns_table(store.read_result("clusters"), decisions, stale)


def split_list(value: Any) -> list[str]:
    """``"a, b,c"`` -> ``["a", "b", "c"]`` (the comma-separated cluster columns)."""
    if not isinstance(value, str) or not value.strip():
        return []
    return [v.strip() for v in value.split(",") if v.strip()]


def provider_options(campaigns: pd.DataFrame) -> list[str]:
    """Every proxy provider named by some cluster, most frequent first."""
    counts: dict[str, int] = {}
    for value in campaigns.get("proxy_providers", pd.Series(dtype=str)):
        for p in split_list(value):
            counts[p] = counts.get(p, 0) + 1
    return sorted(counts, key=lambda p: (-counts[p], p))


def view_options(campaigns: pd.DataFrame) -> list[str]:
    views = sorted(set(campaigns["view"].dropna())) if "view" in campaigns else []
    return sorted(views, key=lambda v: (v != DEFAULT_VIEW, v)) or [DEFAULT_VIEW]


@dataclass(frozen=True)
class CampaignFilter:
    """The campaigns page's filters; the defaults keep every cluster of the default view."""

    min_score: float = 0.0
    min_size: int = 1
    max_size: int | None = None
    providers: tuple[str, ...] = ()  # keep clusters using any of these
    statuses: tuple[str, ...] = ()  # keep clusters whose status in force is one of these
    signup_from: date | None = None  # keep clusters with a sign-up on or after this day ...
    signup_to: date | None = None  # ... and on or before this day (sign-up windows overlap)
    cluster_ids: tuple[str, ...] | None = None  # from a search: only clusters of matched accounts
    view: str | None = DEFAULT_VIEW


def filter_campaigns(campaigns: pd.DataFrame, f: CampaignFilter) -> pd.DataFrame:
    """The rows of ``campaigns`` that pass every filter in ``f``, order kept."""
    df = campaigns
    keep = pd.Series(True, index=df.index)
    if f.view is not None and "view" in df:
        keep &= df["view"] == f.view
    keep &= df["score"] >= f.min_score
    keep &= df["size"] >= f.min_size
    if f.max_size is not None:
        keep &= df["size"] <= f.max_size
    if f.providers:
        wanted = set(f.providers)
        keep &= df["proxy_providers"].map(lambda v: bool(wanted.intersection(split_list(v))))
    if f.statuses:
        keep &= df["status"].isin(list(f.statuses))
    if f.signup_from is not None:
        start = pd.Timestamp(f.signup_from, tz="UTC")
        keep &= df["last_signup"] >= start
    if f.signup_to is not None:
        end = pd.Timestamp(f.signup_to, tz="UTC") + pd.Timedelta(days=1)
        keep &= df["first_signup"] < end
    if f.cluster_ids is not None:
        keep &= df["cluster_id"].isin(list(f.cluster_ids))
    return df[keep]


def display_campaigns(df: pd.DataFrame) -> pd.DataFrame:
    """The ranked-table columns, in order, for display."""
    return df[[c for c in CAMPAIGN_COLUMNS if c in df.columns]].reset_index(drop=True)


def signup_bounds(campaigns: pd.DataFrame) -> tuple[date, date] | None:
    """The earliest and latest sign-up day over all clusters (for the date filter)."""
    if campaigns.empty:
        return None
    lo, hi = campaigns["first_signup"].min(), campaigns["last_signup"].max()
    if pd.isna(lo) or pd.isna(hi):
        return None
    return lo.date(), hi.date()
