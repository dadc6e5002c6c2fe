"""Decisions: confirm / dismiss / needs-review a campaign, and the audit trail of every decision."""

from __future__ import annotations

import streamlit as st
from linkgraph.app import data
from linkgraph.app.decide import save_decision

from linkgraph import schema

st.title("Decisions")
status = data.status()
if status.guidance:
    st.info(status.guidance)
    st.stop()
campaigns = data.campaigns()
ids = list(campaigns["cluster_id"])

if ids:
    with st.form("decisions_form", clear_on_submit=True):
        current = st.session_state.get("cluster_id")
        c1, c2, c3 = st.columns([2, 2, 2])
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
        analyst = c3.text_input("Analyst", value=st.session_state["analyst"], key="decisions_analyst")
        note = st.text_area("Note (why)", key="decisions_note")
        submitted = st.form_submit_button("Record decision", type="primary")
    if submitted:
        save_decision(cluster_id, decision, analyst, note)

st.subheader("Audit trail")
trail = data.decisions()
if trail.empty:
    st.caption("No decisions yet.")
else:
    only = st.multiselect(
        "Only these campaigns", sorted(trail["cluster_id"].unique()), key="decisions_filter"
    )
    if only:
        trail = trail[trail["cluster_id"].isin(only)]
    st.dataframe(
        trail,
        hide_index=True,
        width="stretch",
        key="decisions_trail",
        column_config={
            "decided_at": st.column_config.DatetimeColumn("Decided (UTC)", format="YYYY-MM-DD HH:mm:ss")
        },
    )
    in_run = len(set(trail["cluster_id"]) & set(ids))
    st.caption(
        f"{len(trail)} decision(s) on {trail['cluster_id'].nunique()} campaign(s), "
        f"{in_run} of them in the latest run; the newest decision per campaign is in force."
    )
