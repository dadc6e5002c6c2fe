"""Query library: run any named query with its parameters; see the rows, the graph and the text."""

from __future__ import annotations

import streamlit as st
from linkgraph.app import data, graph

from linkgraph.casework.library import entries, run_entry, statement_text
from linkgraph.errors import LinkGraphError

st.title("Query library")
status = data.status()
if not status.has_accounts:
    st.info(status.guidance)
    st.stop()
library = {e.name: e for e in entries()}
name = st.selectbox("Query", list(library), key="queries_name")
entry = library[name]
st.caption(entry.doc)
with st.form("queries_form"):
    values = {
        p.name: st.text_input(
            f"{p.name}{'' if p.required else ' (optional)'}",
            value="" if p.default is None else str(p.default),
            help=p.doc or p.type.__name__,
            key=f"queries_param_{name}_{p.name}",
        )
        for p in entry.params
    }
    submitted = st.form_submit_button("Run", type="primary")
if submitted:
    try:
        st.session_state["queries_result"] = (name, run_entry(data.store(), name, values))
    except LinkGraphError as e:
        st.error(str(e))
        st.session_state.pop("queries_result", None)
shown = st.session_state.get("queries_result")
if shown and shown[0] == name:
    result = shown[1]
    st.caption(f"{len(result.rows):,} row(s) from {result.runs} statement run(s) on {status.backend}.")
    if result.rows.empty:
        st.info("No rows.")
    else:
        st.dataframe(result.rows, hide_index=True, width="stretch", key="queries_rows")
    if result.graph is not None and not result.graph.empty:
        graph.show(result.graph, key=f"queries_graph_{name}", height=420)
    with st.expander("The statement it ran", expanded=True):
        st.code(result.statement, language=result.language)
else:
    text, language = statement_text(name, status.backend)
    with st.expander("The statement"):
        st.code(text, language=language)
