"""Review queue: undecided campaigns by expected enforcement value, with bulk actions."""

from __future__ import annotations

import streamlit as st
from linkgraph.app import data
from linkgraph.app.decide import actor, can_decide, write

from linkgraph.casework.cases import set_owner, set_status
from linkgraph.casework.queue import queue_page
from linkgraph.scoring import DEFAULT_THRESHOLD

st.title("Review queue")
status = data.status()
if status.guidance:
    st.info(status.guidance)
    st.stop()
queue = data.queue()
st.caption(
    "Undecided campaigns (open, in review, or needing review again) of the latest run, most worth "
    "enforcing first: value = score × accounts × requests. 'change' is what changed since the run before."
)
if queue.empty:
    st.success("Nothing to review: every campaign of the latest run has a decision in force.")
    st.stop()
below = st.toggle(
    "Include campaigns below the enforcement threshold",
    value=False,
    help=f"By default the queue lists campaigns scoring at least {DEFAULT_THRESHOLD:.2f}, the ones an "
    "export would enforce.",
)
page = queue_page(queue, 0.0 if below else DEFAULT_THRESHOLD)
if page.below_score or page.beyond_page:
    st.caption(
        f"Showing {len(page.rows):,} campaigns; {page.below_score:,} below the threshold are hidden"
        + (f" and {page.beyond_page:,} more past the first {len(page.rows):,}" if page.beyond_page else "")
        + "."
    )
queue = page.rows

event = st.dataframe(
    queue,
    hide_index=True,
    width="stretch",
    key="queue_table",
    on_select="rerun",
    selection_mode="multi-row",
    column_config={
        "cluster_id": st.column_config.TextColumn("Campaign"),
        "value": st.column_config.NumberColumn("Value", format="localized"),
        "score": st.column_config.ProgressColumn("Score", min_value=0.0, max_value=1.0, format="%.2f"),
        "size": st.column_config.NumberColumn("Accounts"),
        "requests": st.column_config.NumberColumn("Requests", format="localized"),
    },
)
rows = event.selection.rows if event is not None and hasattr(event, "selection") else []
picked = st.multiselect(
    "Selected campaigns",
    list(queue["cluster_id"]),
    default=[str(queue["cluster_id"].iloc[i]) for i in rows],
    key="queue_selected",
)

c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
first = c1.selectbox("Campaign", list(queue["cluster_id"]), key="queue_pick")
if c2.button("Open case", type="primary", key="queue_open"):
    st.session_state["cluster_id"] = first
    st.switch_page("app_pages/case.py")

if can_decide():
    st.subheader(f"Bulk action on {len(picked)} selected campaign(s)")
    with st.form("queue_bulk", clear_on_submit=True):
        b1, b2 = st.columns([2, 3])
        action = b1.radio(
            "Action",
            ["take (assign to me)", "in_review", "confirmed", "dismissed"],
            key="queue_action",
            horizontal=True,
        )
        note = b2.text_input("Note (why)", key="queue_note")
        go = st.form_submit_button(f"Apply as {actor().name}", type="primary", disabled=False)
    if go:
        if not picked:
            st.warning("Select campaigns first (tick rows in the table or pick them above).")
        else:
            for cid in picked:
                if action.startswith("take"):
                    write(set_owner, cid, actor().name, note)
                else:
                    write(set_status, cid, action, note)
            st.session_state["queue_done"] = f"{action} on {len(picked)} campaign(s)."
            st.rerun()
if st.session_state.get("queue_done"):
    st.success(st.session_state.pop("queue_done"))
