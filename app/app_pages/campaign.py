"""Campaign detail: members, shared infrastructure, timelines, score breakdown, graph, decision."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from linkgraph.app import data, graph
from linkgraph.app.decide import actor, can_decide, save_decision

from linkgraph import schema
from linkgraph.casework.campaigns import OPEN
from linkgraph.casework.evidence import (
    cluster_row,
    infrastructure_summary,
    raw_features,
    score_breakdown,
    signup_timeline,
)
from linkgraph.casework.graph import graph_elements
from linkgraph.casework.text import fmt_ts, md
from linkgraph.scoring import DEFAULT_THRESHOLD

PICKER_LIMIT = 1000

st.title("Campaign detail")
status = data.status()
if status.guidance:
    st.info(status.guidance)
    st.stop()
if status.missing_inputs:
    st.warning(status.missing_inputs, icon=":material/help:")
campaigns = data.campaigns()
if campaigns.empty:
    st.info("The latest detection run found no clusters.")
    st.stop()

# The picker lists the enforcement list (ranked, capped) plus the campaign asked for: a 1M-account
# run has ~100k clusters, and sending them all as options made the page take seconds to show.
listed = campaigns[campaigns["score"] >= DEFAULT_THRESHOLD].head(PICKER_LIMIT)
if listed.empty:
    listed = campaigns.head(PICKER_LIMIT)
ids = list(listed["cluster_id"])
scores = dict(zip(campaigns["cluster_id"], campaigns["score"], strict=True))


def _picked() -> None:
    st.session_state["cluster_id"] = st.session_state["campaign_pick"]


wanted = st.session_state.get("cluster_id") or st.query_params.get("cluster")
if wanted in scores and wanted not in ids:
    ids.insert(0, wanted)
if wanted in ids:
    st.session_state["campaign_pick"] = wanted
cluster_id = st.selectbox(
    "Campaign",
    ids,
    key="campaign_pick",
    on_change=_picked,
    format_func=lambda c: f"{c} (score {scores[c]:.2f})",
)
st.session_state["cluster_id"] = cluster_id
st.query_params["cluster"] = cluster_id
row = cluster_row(campaigns, cluster_id)
if row is None:  # the filter above only offers ids of this table
    st.stop()

m = st.columns(5)
m[0].metric("Score", f"{row['score']:.2f}")
m[1].metric("Accounts", f"{int(row['size']):,}")
m[2].metric("Payment methods", f"{int(row['payment_methods'] or 0):,}")
m[3].metric("Requests", f"{int(row['requests'] or 0):,}")
m[4].metric("Status", str(row["status"]))
st.markdown("**Evidence:** " + md(row["evidence"]))
st.caption(
    f"Sign-ups {fmt_ts(row['first_signup'])} → {fmt_ts(row['last_signup'])} · "
    f"providers: {row['proxy_providers'] or '—'} · categories: {row['top_categories'] or '—'}"
)

# ---------------------------------------------------------------- external intel
intel = data.intel(cluster_id)
if not intel.empty:
    top = intel.iloc[0]
    st.warning(
        f"**External intel:** {int(intel['accounts'].sum()):,} member(s) match campaigns shared by peer labs "
        f"(best: {md(str(top['source']))} campaign {md(str(top['source_campaign']))}, "
        f"{int(top['accounts'])} accounts, {int(top['strong'])} strong)."
    )
    st.dataframe(intel, hide_index=True, width="stretch", key="campaign_intel")

# ---------------------------------------------------------------- decision
with st.expander(f"Decision — currently **{row['status']}**", expanded=row["status"] == OPEN):
    if can_decide():
        with st.form("campaign_decision", clear_on_submit=True):
            decision = st.radio(
                "Decision",
                list(schema.DECISION_STATUSES),
                horizontal=True,
                key="campaign_status",
                format_func=lambda s: s.replace("_", " "),
            )
            note = st.text_area("Note (why)", key="campaign_note")
            submitted = st.form_submit_button(f"Record decision as {actor().name}", type="primary")
        if submitted:
            save_decision(cluster_id, decision, note, rerun=True)
    if st.button("Open its case (owner, notes, members, history)", key="campaign_open_case"):
        st.switch_page("app_pages/case.py")
    history = data.decisions(cluster_id)
    if history.empty:
        st.caption("No decisions on this campaign yet.")
    else:
        st.dataframe(history, hide_index=True, width="stretch", key="campaign_history")

# ---------------------------------------------------------------- score
left, right = st.columns(2)
with left:
    st.subheader("Why it scored")
    breakdown = score_breakdown(row)
    if breakdown.empty:
        st.caption("This run stored no per-feature breakdown.")
    else:
        st.bar_chart(breakdown, x="feature", y="contribution", horizontal=True, height=260)
        st.dataframe(breakdown, hide_index=True, width="stretch", key="campaign_breakdown")
    with st.expander("All measured features"):
        st.dataframe(raw_features(row), hide_index=True, width="stretch", key="campaign_features")

with right:
    st.subheader("Shared infrastructure")
    infra = data.infrastructure(cluster_id)
    if infra.empty:
        st.caption("No shared identifiers recorded for this campaign.")
    else:
        st.dataframe(
            infrastructure_summary(infra),
            hide_index=True,
            width="stretch",
            key="campaign_infra_summary",
        )
        st.dataframe(
            infra,
            hide_index=True,
            width="stretch",
            height=220,
            key="campaign_infra",
            column_config={"members": st.column_config.NumberColumn("Members sharing it")},
        )

# ---------------------------------------------------------------- members and timelines
members = data.members(cluster_id)
member_ids = list(members["account_id"])
t1, t2 = st.columns(2)
with t1:
    st.subheader("Sign-ups per day")
    timeline = signup_timeline(members)
    if timeline.empty:
        st.caption("No sign-up times.")
    else:
        st.bar_chart(timeline, x="day", y="signups", height=240)
with t2:
    st.subheader("Daily traffic")
    traffic = data.traffic(cluster_id, member_ids)
    if traffic.empty:
        st.caption("No usage rows for these accounts.")
    else:
        st.bar_chart(traffic, x="day", y="requests", color="category", height=240)

# ---------------------------------------------------------------- graph
st.subheader("Graph")
limit = st.slider(
    "Accounts to draw",
    10,
    200,
    40,
    10,
    key="campaign_graph_accounts",
    help="Large campaigns are sampled (evenly over sign-up order) so the page stays fast.",
)
edges = data.edges(cluster_id, member_ids, limit)
shared = (
    list(infra[["id_type", "identifier"]].itertuples(index=False, name=None)) if not infra.empty else None
)
g = graph_elements(edges.pairs, shared, max_accounts=limit)
if edges.sampled < edges.members:
    st.caption(f"Sampled {edges.sampled} of {edges.members:,} accounts.")
if g.dropped_accounts or g.dropped_identifiers:
    st.caption(
        f"Showing {g.accounts} accounts and {g.identifiers} identifiers; left out "
        f"{g.dropped_accounts} accounts and {g.dropped_identifiers} identifiers with fewer links."
    )
graph.show(g, key=f"campaign_graph_{cluster_id}_{limit}")

# ---------------------------------------------------------------- members
st.subheader(f"Members ({len(members):,})")
st.dataframe(members, hide_index=True, width="stretch", key="campaign_members", height=300)
if member_ids:
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    pick = c1.selectbox("Member", member_ids, key="campaign_member_pick")
    if c2.button("Open account", key="campaign_open_account"):
        st.session_state["account_id"] = pick
        st.switch_page("app_pages/account.py")

last = row["last_signup"]
if not pd.isna(last) and st.toggle(
    "Show new accounts near this campaign (possible replacements)", key="campaign_show_near"
):
    near = data.near(cluster_id, pd.Timestamp(last).isoformat())
    if near.empty:
        st.caption("No account created after the campaign's last sign-up shares its payment, device or IP.")
    else:
        st.dataframe(near, hide_index=True, width="stretch", key="campaign_near")
