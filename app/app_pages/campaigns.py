"""Campaigns: the ranked clusters of the latest detection run, filters, and search."""

from __future__ import annotations

import streamlit as st
from linkgraph.app import data

from linkgraph.casework.campaigns import (
    OPEN,
    STATUSES,
    CampaignFilter,
    display_campaigns,
    filter_campaigns,
    provider_options,
    signup_bounds,
    view_options,
)
from linkgraph.casework.text import fmt_ts
from linkgraph.scoring import DEFAULT_THRESHOLD

PAGE_SIZES = (25, 50, 100, 250)

st.title("Campaigns")
status = data.status()
if status.guidance:
    st.info(status.guidance)
    st.stop()
if status.missing_inputs:
    st.warning(status.missing_inputs, icon=":material/help:")

campaigns = data.campaigns()
if campaigns.empty:
    st.info("The latest detection run found no clusters. Re-run `linkgraph detect` with a lower threshold.")
    st.stop()
run = status.latest_run
if run is not None:
    st.caption(f"Detection run {run.run_id} of {fmt_ts(run.created_at)} · engine {run.engine}")

# ---------------------------------------------------------------- search
term = st.text_input(
    "Search by account id, email, IP, payment fingerprint or device id",
    key="campaigns_search",
    placeholder="e.g. acc_000123, someone@example.com, 203.0.113.7, fp_9c1…",
)
hits = data.search(term) if term.strip() else None
cluster_ids: tuple[str, ...] | None = None
if hits is not None:
    if hits.empty:
        st.warning("No account matches that search.")
    else:
        st.caption(f"{len(hits)} matching account(s); the table below shows only their campaigns.")
        st.dataframe(hits, hide_index=True, width="stretch", key="campaigns_hits")
        cluster_ids = tuple(hits["cluster_id"].dropna().unique())
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        pick = c1.selectbox("Matched account", list(hits["account_id"].unique()), key="campaigns_hit_account")
        if c2.button("Open account", key="campaigns_open_account"):
            st.session_state["account_id"] = pick
            st.switch_page("app_pages/account.py")

# ---------------------------------------------------------------- filters
views_available = view_options(campaigns)
bounds = signup_bounds(campaigns)
with st.container(border=True):
    c1, c2, c3, c4 = st.columns(4)
    # Default: the enforcement list an investigator works on; lower the score to see the rest
    # (a 1M-account run has ~100k clusters, too many to send to a browser at once).
    min_score = c1.slider(
        "Minimum score",
        0.0,
        1.0,
        DEFAULT_THRESHOLD,
        0.05,
        key="campaigns_min_score",
        help=f"{DEFAULT_THRESHOLD:.2f} is the enforcement threshold; 0 shows every cluster",
    )
    max_seen = int(campaigns["size"].max())
    min_size = c2.number_input("Minimum size", 1, max(max_seen, 1), 1, key="campaigns_min_size")
    providers = c3.multiselect("Proxy provider", provider_options(campaigns), key="campaigns_providers")
    statuses = c4.multiselect("Analyst status", list(STATUSES), key="campaigns_statuses")
    c5, c6, _ = st.columns([2, 1, 1])
    dates = (
        c5.date_input("Sign-ups between", value=bounds if bounds else (), key="campaigns_dates")
        if bounds
        else ()
    )
    view = c6.selectbox(
        "Cluster view",
        views_available,
        key="campaigns_view",
        help="leiden: communities (default); strong_components: tightly linked cores",
    )

date_range = tuple(dates) if isinstance(dates, (tuple, list)) else (dates,)
flt = CampaignFilter(
    min_score=float(min_score),
    min_size=int(min_size),
    providers=tuple(providers),
    statuses=tuple(statuses),
    signup_from=date_range[0] if len(date_range) >= 1 else None,
    signup_to=date_range[1] if len(date_range) >= 2 else None,
    cluster_ids=cluster_ids,
    view=view,
)
shown = filter_campaigns(campaigns, flt)
st.session_state["selection"] = list(shown["cluster_id"])

m1, m2, m3, m4 = st.columns(4)
m1.metric("Campaigns shown", f"{len(shown):,}", help=f"of {len(campaigns):,} in the run")
m2.metric("Accounts in them", f"{int(shown['size'].sum()):,}")
m3.metric("Confirmed", int((shown["status"] == "confirmed").sum()))
m4.metric("Open (undecided)", int((shown["status"] == OPEN).sum()))

if shown.empty:
    st.info("No campaign passes these filters.")
    st.stop()

p1, p2, p3 = st.columns([1, 1, 2], vertical_alignment="bottom")
page_size = p1.selectbox("Rows per page", PAGE_SIZES, index=1, key="campaigns_page_size")
pages = max((len(shown) + page_size - 1) // page_size, 1)
page = int(p2.number_input("Page", 1, pages, 1, key="campaigns_page"))
p3.caption(f"Page {page} of {pages:,} · ranked by score")
table = display_campaigns(shown.iloc[(page - 1) * page_size : page * page_size])
event = st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    key="campaigns_table",
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        "cluster_id": st.column_config.TextColumn("Campaign"),
        "score": st.column_config.ProgressColumn("Score", min_value=0.0, max_value=1.0, format="%.2f"),
        "size": st.column_config.NumberColumn("Accounts"),
        "first_signup": st.column_config.DatetimeColumn("First sign-up", format="YYYY-MM-DD HH:mm"),
        "last_signup": st.column_config.DatetimeColumn("Last sign-up", format="YYYY-MM-DD HH:mm"),
        "payment_methods": st.column_config.NumberColumn("Payment methods"),
        "proxy_providers": st.column_config.TextColumn("Proxy providers"),
        "requests": st.column_config.NumberColumn("Requests", format="localized"),
        "top_categories": st.column_config.TextColumn("Top categories"),
        "decided_at": st.column_config.DatetimeColumn("Decided", format="YYYY-MM-DD HH:mm"),
    },
)
st.caption(
    "Select a row, or pick a campaign below, to open it. Downloads of the shown campaigns are on "
    "the Load & export page."
)

selected_rows = event.selection.rows if event is not None and hasattr(event, "selection") else []
c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
choice = c1.selectbox("Campaign", list(table["cluster_id"]), key="campaigns_pick")
open_clicked = c2.button("Open campaign", type="primary", key="campaigns_open")
if selected_rows:
    st.session_state["cluster_id"] = str(table["cluster_id"].iloc[selected_rows[0]])
    st.switch_page("app_pages/campaign.py")
if open_clicked:
    st.session_state["cluster_id"] = choice
    st.switch_page("app_pages/campaign.py")
