"""Case: a campaign's owner, workflow status, threaded notes, account decisions and history."""

from __future__ import annotations

import streamlit as st
from linkgraph.app import data, graph
from linkgraph.app.decide import actor, can_decide, write

from linkgraph.casework.cases import WORKFLOW_NEXT, Note, add_note, set_account_status, set_owner, set_status
from linkgraph.casework.graph import lineage_elements
from linkgraph.casework.text import fmt_ts, md

st.title("Case")
status = data.status()
if status.guidance:
    st.info(status.guidance)
    st.stop()
campaigns = data.campaigns()
ids = list(campaigns["cluster_id"])
if not ids:
    st.info("The latest detection run found no campaigns.")
    st.stop()
wanted = st.session_state.get("cluster_id")
if wanted in ids:
    st.session_state["case_pick"] = wanted
cluster_id = st.selectbox("Campaign", ids, key="case_pick")
st.session_state["cluster_id"] = cluster_id
row = campaigns[campaigns["cluster_id"] == cluster_id].iloc[0]
case = data.case(cluster_id)

m = st.columns(4)
m[0].metric("Status", case.status.replace("_", " "))
m[1].metric("Owner", case.owner or "—")
m[2].metric("Score", f"{row['score']:.2f}")
m[3].metric("Accounts", f"{int(row['size']):,}")
if case.stale:
    st.warning(
        "This campaign changed a lot since its decision: the decision is not in force until re-reviewed."
    )
st.markdown("**Evidence:** " + md(row["evidence"]))

# ---------------------------------------------------------------- workflow and owner
if can_decide():
    w1, w2 = st.columns(2)
    with w1, st.form("case_status", clear_on_submit=True):
        nxt = st.radio(
            "Move to",
            list(WORKFLOW_NEXT[case.status]),
            horizontal=True,
            key="case_next",
            format_func=lambda s: s.replace("_", " "),
        )
        why = st.text_input("Why", key="case_why")
        if st.form_submit_button("Change status", type="primary"):
            write(set_status, cluster_id, nxt, why, rerun=True)
    with w2:
        me = actor().name
        if case.owner != me and st.button(f"Take this case ({me})", key="case_take"):
            write(set_owner, cluster_id, me, "", rerun=True)
        if case.owner and st.button("Release the case", key="case_release"):
            write(set_owner, cluster_id, "", "", rerun=True)

# ---------------------------------------------------------------- members and account decisions
st.subheader("Members and account decisions")
members = data.members(cluster_id)
decided = case.accounts.set_index("account_id")["status"].to_dict() if not case.accounts.empty else {}
shown = members[["account_id", "email", "created_at"]].copy() if not members.empty else members
if not shown.empty:
    shown["decision"] = shown["account_id"].map(lambda a: decided.get(a, ""))
st.dataframe(shown, hide_index=True, width="stretch", height=260, key="case_members")
extra = (
    case.accounts[~case.accounts["account_id"].isin(set(members["account_id"]))] if decided else case.accounts
)
if not extra.empty:
    st.caption("Account decisions on accounts detection did not put in this campaign:")
    st.dataframe(extra, hide_index=True, width="stretch", key="case_extra")
if can_decide():
    with st.form("case_account", clear_on_submit=True):
        a1, a2 = st.columns([3, 2])
        chosen = a1.multiselect("Members", list(members["account_id"]), key="case_accounts")
        other = a1.text_input("…or another account id (to add it)", key="case_other")
        verdict = a2.radio(
            "Account decision",
            ["excluded", "confirmed", "added", "cleared"],
            key="case_verdict",
            horizontal=True,
            help="excluded: a false positive, kept out of this campaign's enforcement list in every later run",
        )
        reason = st.text_input("Note (why)", key="case_account_note")
        if st.form_submit_button("Record account decision", type="primary"):
            targets = chosen + ([other.strip()] if other.strip() else [])
            if not targets:
                st.warning("Choose members or give an account id.")
            for account_id in targets:
                write(set_account_status, cluster_id, account_id, verdict, reason)
            if targets:
                st.rerun()


# ---------------------------------------------------------------- notes
def _show(note: Note, depth: int = 0) -> None:
    e = note.event
    with st.container(border=True):
        st.markdown(
            ("↳ " * depth) + f"**{md(e.author)}** · {fmt_ts(e.at)}  \n" + md(e.note), unsafe_allow_html=False
        )
        if can_reply:
            with st.popover("Reply"), st.form(f"case_reply_{e.event_id}", clear_on_submit=True):
                text = st.text_area("Reply", key=f"case_reply_text_{e.event_id}")
                if st.form_submit_button("Post reply"):
                    write(add_note, cluster_id, text, e.event_id, rerun=True)
    for reply in note.replies:
        _show(reply, depth + 1)


st.subheader("Notes")
can_reply = actor().can_decide
if not case.notes:
    st.caption("No notes yet.")
for thread in case.notes:
    _show(thread)
if can_reply:
    with st.form("case_note", clear_on_submit=True):
        text = st.text_area("New note", key="case_note_text")
        if st.form_submit_button("Post note"):
            write(add_note, cluster_id, text, "", rerun=True)

# ---------------------------------------------------------------- history
st.subheader("History across runs")
history = data.history(cluster_id)
lineage = data.lineage(cluster_id)
if lineage.runs > 1:
    graph.show_lineage(lineage_elements(lineage.nodes, lineage.edges, cluster_id), key="case_lineage")
    st.caption(
        "Runs from left (oldest) to right (latest); each node a campaign of that run holding this "
        "campaign's accounts, sized by its members (in brackets); an arrow joins campaigns of "
        "consecutive runs sharing accounts (how many on the arrow). Several arrows out of one node: "
        "a split; several into one: a merge. This campaign is outlined."
    )
if history.empty:
    st.caption("No earlier runs.")
else:
    st.dataframe(
        history,
        hide_index=True,
        width="stretch",
        key="case_history",
        column_config={"run_at": st.column_config.DatetimeColumn("Run at", format="YYYY-MM-DD HH:mm")},
    )
    st.caption(
        "same id: this campaign in that run · merged in: another campaign of that run holding some of its "
        "members now · split off: where that run's members of this campaign are now."
    )
st.subheader("Audit trail")
if case.trail.empty:
    st.caption("No decisions or notes yet.")
else:
    st.dataframe(case.trail, hide_index=True, width="stretch", key="case_trail")
