"""The decision widget's submit step, shared by the campaign and decisions pages."""

from __future__ import annotations

import streamlit as st
from linkgraph.app import data

from linkgraph.decisions import record_decision


def save_decision(cluster_id: str, decision: str, analyst: str, note: str, *, rerun: bool = False) -> bool:
    """Record the decision (audit trail) and remember the analyst's name for the next one.

    Shows the store's refusal (e.g. no analyst name) inline instead of failing the page.
    """
    try:
        record_decision(data.store(), cluster_id, decision, analyst, note)
    except ValueError as e:
        st.error(str(e))
        return False
    st.session_state["analyst"] = analyst.strip()
    st.success(f"Recorded: {cluster_id} {decision}. Dismissed campaigns never enter the enforcement export.")
    if rerun:
        st.rerun()
    return True
