"""Decisions: confirm / dismiss / needs-review a campaign, and the audit trail of every decision."""

from __future__ import annotations

import streamlit as st
from linkgraph.app import data
from linkgraph.app.decide import actor, can_decide, save_decision

from linkgraph import schema

st.title("Decisions")
status = data.status()
if status.guidance:
    st.info(status.guidance)
    st.stop()
campaigns = data.campaigns()
ids = list(campaigns["cluster_id"])

if ids and can_decide():
    with st.form("decisions_form", clear_on_submit=True):
        current = st.session_state.get("cluster_id")
        c1, c2 = st.columns([2, 3])
        cluster_id = c1.selectbox(
            "Campaign", ids, index=ids.index(current) if current in ids else 0, key="decisions_cluster"
        )
        decision = c2.radio(
            "Decision",
            list(schema.DECISION_STATUSES),
            horizontal=True,
            key="decisions_status",
            format_func=lambda s: s.replace("_", " "),
        )
        note = st.text_area("Note (why)", key="decisions_note")
        submitted = st.form_submit_button(f"Record decision as {actor().name}", type="primary")
    if submitted:
        save_decision(cluster_id, decision, note)

st.subheader("Audit trail")
st.caption(
    "Append-only: every status, owner, note and account decision, who made it, when, before → after, why."
)
trail = data.trail()
if trail.empty:
    st.caption("No decisions yet.")
else:
    only = st.multiselect(
        "Only these campaigns", sorted(trail["campaign_id"].unique()), key="decisions_filter"
    )
    if only:
        trail = trail[trail["campaign_id"].isin(only)]
    st.dataframe(
        trail,
        hide_index=True,
        width="stretch",
        key="decisions_trail",
        column_config={"at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm:ss")},
    )
    in_run = len(set(trail["campaign_id"]) & set(ids))
    st.caption(
        f"{len(trail)} entr(ies) on {trail['campaign_id'].nunique()} campaign(s), "
        f"{in_run} of them in the latest run; the newest decision per campaign is in force."
    )
