"""Account: one account's properties, neighbourhood and cluster, and how it links to another."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from linkgraph.app import data, graph

from linkgraph.casework.graph import neighbourhood_graph, path_graph
from linkgraph.casework.text import fmt_ts
from linkgraph.errors import QueryError

st.title("Account")
status = data.status()
if not status.has_accounts:
    st.info(status.guidance)
    st.stop()

if (
    st.session_state.get("account_id")
    and st.session_state.get("account_input") != st.session_state["account_id"]
):
    st.session_state["account_input"] = st.session_state["account_id"]


def _typed() -> None:
    st.session_state["account_id"] = st.session_state["account_input"].strip()


account_id = st.text_input(
    "Account id",
    key="account_input",
    on_change=_typed,
    placeholder="an account id (search by email/IP/payment on the Campaigns page)",
).strip()
if not account_id:
    st.info("Enter an account id, or open one from a campaign or a search.")
    st.stop()

props = data.account(account_id)
if props is None:
    st.warning("No account with that id. Search by email, IP or payment fingerprint on the Campaigns page.")
    st.stop()

left, right = st.columns([1, 2])
with left:
    st.subheader("Properties")
    shown = {
        k: fmt_ts(v) if isinstance(v, pd.Timestamp) else ("—" if v is None else str(v))
        for k, v in props.items()
    }
    st.dataframe(
        pd.DataFrame({"property": list(shown), "value": list(shown.values())}),
        hide_index=True,
        width="stretch",
        key="account_props",
    )
    cluster = props.get("cluster_id")
    if cluster:
        score = props.get("cluster_score")
        st.caption(f"In campaign {cluster}" + (f" (score {float(score):.2f})" if score is not None else ""))
        if st.button("Open its campaign", key="account_open_cluster"):
            st.session_state["cluster_id"] = cluster
            st.switch_page("app_pages/campaign.py")
    else:
        st.caption("Not in any campaign of the latest run.")

with right:
    st.subheader("Neighbourhood")
    depth = st.radio(
        "Depth",
        [1, 2],
        horizontal=True,
        key="account_depth",
        format_func=lambda d: "its identifiers" if d == 1 else "and the accounts sharing them",
    )
    nbh = data.neighbourhood(account_id, int(depth))
    if nbh.empty:
        st.caption("This account has no identifiers.")
    else:
        graph.show(
            neighbourhood_graph(nbh, account_id), key=f"account_graph_{account_id}_{depth}", height=420
        )
        st.dataframe(nbh, hide_index=True, width="stretch", height=240, key="account_nbh")

st.subheader("How is this account linked to another?")
with st.form("account_path_form"):
    other = st.text_input("Other account id", key="account_other")
    find = st.form_submit_button("Find the shortest linking path", type="primary")
if find and other.strip():
    try:
        found = data.path(account_id, other)
    except QueryError as e:
        st.error(str(e))
    else:
        if found is None:
            st.warning(
                "No linking path within 8 hops (very common identifiers such as big email domains "
                "are not followed)."
            )
        else:
            hops = int((found.path["label"] == "Account").sum()) - 1
            st.success(f"Linked in {hops} step(s) through {len(found.identifiers)} identifier(s).")
            st.code(found.text, language=None, wrap_lines=True)
            st.dataframe(found.identifiers, hide_index=True, width="stretch", key="account_path_ids")
            graph.show(path_graph(found.path), key=f"account_path_graph_{account_id}_{other}", height=300)
