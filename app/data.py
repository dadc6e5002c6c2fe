"""The app's cached access to the store.

One store object per location for the whole server (``st.cache_resource``); query results are
cached per store version (``st.cache_data``), so a load, a detection run or a decision made
anywhere (CLI or app) shows up on the next rerun while repeated reruns cost nothing. Nothing
here connects at import time: the first page that asks opens the store.

Each cached function takes ``location`` and ``version`` as its cache key and reaches the store
through ``_store(location)``; pages call the short wrappers below it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pyarrow as pa
import streamlit as st

from linkgraph.casework.accounts import (
    LinkPath,
    account_detail,
    account_neighbourhood,
    linking_path,
    search_accounts,
)
from linkgraph.casework.campaigns import load_campaigns
from linkgraph.casework.cases import Case, audit_trail, load_case, owners
from linkgraph.casework.downloads import export_bytes
from linkgraph.casework.evidence import cluster_members, daily_traffic, shared_infrastructure
from linkgraph.casework.graph import ClusterEdges, cluster_edges
from linkgraph.casework.history import Lineage, campaign_history, campaign_lineage, run_changes
from linkgraph.casework.queue import review_queue
from linkgraph.casework.status import StoreStatus, store_status
from linkgraph.decisions import decisions_table
from linkgraph.store import default_location, open_store
from linkgraph.store.base import Store


def location() -> str:
    """``NEO4J_URI`` or ``LINKGRAPH_DB`` (set by ``linkgraph app --db``) or ./linkgraph.duckdb."""
    return default_location()


@st.cache_resource(show_spinner=False)
def _store(location: str) -> Store:
    return open_store(location)


def store() -> Store:
    return _store(location())


def version() -> str:
    return store().version()


# --------------------------------------------------------------------------- cached reads
@st.cache_data(show_spinner=False, max_entries=8)
def _status(location: str, version: str) -> StoreStatus:
    return store_status(_store(location))


@st.cache_data(show_spinner=False, max_entries=8)
def _campaigns(location: str, version: str) -> pd.DataFrame:
    return load_campaigns(_store(location))


@st.cache_data(show_spinner=False, max_entries=4)
def _identifiers(location: str, version: str) -> pa.Table:
    return _store(location).read_result("identifiers")


@st.cache_data(show_spinner=False, max_entries=64)
def _infrastructure(location: str, version: str, cluster_id: str) -> pd.DataFrame:
    return shared_infrastructure(_identifiers(location, version), cluster_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _intel(location: str, version: str, cluster_id: str) -> pd.DataFrame:
    from linkgraph.sharing.matching import campaign_intel

    return campaign_intel(_store(location), cluster_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _members(location: str, version: str, cluster_id: str, limit: int) -> pd.DataFrame:
    return cluster_members(_store(location), cluster_id, limit)


@st.cache_data(show_spinner=False, max_entries=64)
def _traffic(location: str, version: str, cluster_id: str, member_ids: tuple[str, ...]) -> pd.DataFrame:
    return daily_traffic(_store(location), cluster_id, member_ids)


@st.cache_data(show_spinner=False, max_entries=64)
def _edges(
    location: str, version: str, cluster_id: str, member_ids: tuple[str, ...], max_accounts: int
) -> ClusterEdges:
    return cluster_edges(_store(location), cluster_id, member_ids, max_accounts)


@st.cache_data(show_spinner=False, max_entries=64)
def _search(location: str, version: str, term: str) -> pd.DataFrame:
    return search_accounts(_store(location), term)


@st.cache_data(show_spinner=False, max_entries=64)
def _account(location: str, version: str, account_id: str) -> dict | None:
    return account_detail(_store(location), account_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _neighbourhood(location: str, version: str, account_id: str, depth: int) -> pd.DataFrame:
    return account_neighbourhood(_store(location), account_id, depth)


@st.cache_data(show_spinner=False, max_entries=64)
def _path(location: str, version: str, a: str, b: str) -> LinkPath | None:
    return linking_path(_store(location), a, b)


@st.cache_data(show_spinner=False, max_entries=16)
def _near(location: str, version: str, cluster_id: str, since: str) -> pd.DataFrame:
    return _store(location).query(
        "new_accounts_near_cluster", {"cluster_id": cluster_id, "since": since, "limit": 500}
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _decisions(location: str, version: str, cluster_id: str | None) -> pd.DataFrame:
    return decisions_table(_store(location).decisions(cluster_id))


@st.cache_data(show_spinner=False, max_entries=8)
def _trail(location: str, version: str) -> pd.DataFrame:
    s = _store(location)
    return audit_trail(s.decisions(), s.case_events())


@st.cache_data(show_spinner=False, max_entries=32)
def _case(location: str, version: str, cluster_id: str) -> Case:
    return load_case(_store(location), cluster_id)


@st.cache_data(show_spinner=False, max_entries=32)
def _history(location: str, version: str, cluster_id: str) -> pd.DataFrame:
    return campaign_history(_store(location), cluster_id)


@st.cache_data(show_spinner=False, max_entries=32)
def _lineage(location: str, version: str, cluster_id: str) -> Lineage:
    return campaign_lineage(_store(location), cluster_id)


@st.cache_data(show_spinner=False, max_entries=4)
def _queue(location: str, version: str) -> pd.DataFrame:
    s = _store(location)
    return review_queue(_campaigns(location, version), run_changes(s), owners(s.case_events()))


@st.cache_data(show_spinner=False, max_entries=16)
def _export(location: str, version: str, fmt: str, cluster_ids: tuple[str, ...]) -> bytes:
    return export_bytes(_store(location), fmt, cluster_ids)


# --------------------------------------------------------------------------- page API
def status() -> StoreStatus:
    return _status(location(), version())


def campaigns() -> pd.DataFrame:
    return _campaigns(location(), version())


def infrastructure(cluster_id: str) -> pd.DataFrame:
    return _infrastructure(location(), version(), cluster_id)


def intel(cluster_id: str) -> pd.DataFrame:
    """Peer labs' shared campaigns this campaign's members matched (``linkgraph match``)."""
    return _intel(location(), version(), cluster_id)


def members(cluster_id: str, limit: int = 5000) -> pd.DataFrame:
    return _members(location(), version(), cluster_id, limit)


def traffic(cluster_id: str, member_ids: Sequence[str]) -> pd.DataFrame:
    return _traffic(location(), version(), cluster_id, tuple(member_ids))


def edges(cluster_id: str, member_ids: Sequence[str], max_accounts: int) -> ClusterEdges:
    return _edges(location(), version(), cluster_id, tuple(member_ids), max_accounts)


def search(term: str) -> pd.DataFrame:
    return _search(location(), version(), term.strip())


def account(account_id: str) -> dict | None:
    return _account(location(), version(), account_id.strip())


def neighbourhood(account_id: str, depth: int) -> pd.DataFrame:
    return _neighbourhood(location(), version(), account_id.strip(), depth)


def path(a: str, b: str) -> LinkPath | None:
    return _path(location(), version(), a.strip(), b.strip())


def near(cluster_id: str, since: str) -> pd.DataFrame:
    return _near(location(), version(), cluster_id, since)


def decisions(cluster_id: str | None = None) -> pd.DataFrame:
    return _decisions(location(), version(), cluster_id)


def trail() -> pd.DataFrame:
    return _trail(location(), version())


def case(cluster_id: str) -> Case:
    return _case(location(), version(), cluster_id)


def history(cluster_id: str) -> pd.DataFrame:
    return _history(location(), version(), cluster_id)


def lineage(cluster_id: str) -> Lineage:
    return _lineage(location(), version(), cluster_id)


def queue() -> pd.DataFrame:
    return _queue(location(), version())


def export(fmt: str, cluster_ids: Sequence[str]) -> bytes:
    return _export(location(), version(), fmt, tuple(cluster_ids))
