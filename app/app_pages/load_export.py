"""Load & export: upload an export (files or a zip), run detection, download the enforcement list."""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path

import streamlit as st
from linkgraph.app import data

from linkgraph import pipeline
from linkgraph.casework.downloads import EXPORT_FORMATS, export_bytes, exportable
from linkgraph.casework.uploads import load_upload, problems_table
from linkgraph.errors import ExportError, LinkGraphError

st.title("Load & export")
status = data.status()
st.caption(
    f"Store: {status.backend} at {status.location} · {status.accounts:,} accounts · {status.runs} run(s)"
)

# ---------------------------------------------------------------- load
st.subheader("Load an export")
st.caption(
    "Upload the tables of one export (accounts.csv, payment_methods.csv, ip_events.csv, ip_intel.csv, "
    "usage.csv; .csv/.csv.gz/.jsonl/.jsonl.gz/.parquet; an optional mapping.toml) or one zip of the folder. "
    "The export is validated before anything is written: a bad export changes nothing."
)
uploads = st.file_uploader(
    "Export files or a zip",
    accept_multiple_files=True,
    key="load_files",
    type=["csv", "gz", "jsonl", "parquet", "zip", "toml"],
)
if st.button("Load", type="primary", disabled=not uploads, key="load_button"):
    files = [(u.name, u.getvalue()) for u in uploads or []]
    with (
        st.spinner("Validating and loading…"),
        tempfile.TemporaryDirectory(prefix="linkgraph-upload-") as tmp,
    ):
        try:
            report = load_upload(data.store(), files, Path(tmp))
        except ExportError as e:
            st.error(
                f"The export was not loaded: {len(e.problems)} problem(s). Nothing in the store changed."
            )
            st.dataframe(problems_table(e), hide_index=True, width="stretch", key="load_problems")
        except LinkGraphError as e:
            st.error(f"The export was not loaded: {e}")
        else:
            if report.skipped:
                message = "This exact export was already loaded: nothing changed."
            else:
                rows = ", ".join(f"{k} {v:,}" for k, v in report.counts.items() if v)
                message = f"Loaded: {rows}. Now run detection."
            st.session_state["load_message"] = (message, list(report.warnings))
            st.rerun()
if st.session_state.get("load_message"):
    message, warnings = st.session_state["load_message"]
    st.success(message)
    for w in warnings:
        st.warning(w)

# ---------------------------------------------------------------- detect
st.subheader("Detect campaigns")
if not status.has_accounts:
    st.caption("Load an export first.")
elif st.button("Detect", key="load_detect"):
    with st.spinner("Linking accounts and scoring clusters…"):
        try:
            run = pipeline.detect(data.store())
        except LinkGraphError as e:
            st.error(str(e))
        else:
            st.session_state["load_detected"] = (
                f"Detection run {run.run_id} stored: {run.stats.get('clusters', '?')} clusters."
            )
            st.rerun()
if st.session_state.get("load_detected"):
    st.success(st.session_state["load_detected"])

# ---------------------------------------------------------------- export
st.subheader("Export")
if not status.has_run:
    st.caption(status.guidance or "No detection run yet.")
    st.stop()
campaigns = data.campaigns()
selection = [c for c in st.session_state.get("selection", []) if c in set(campaigns["cluster_id"])]
if not selection:
    selection = list(campaigns["cluster_id"])
chosen = st.multiselect(
    "Campaigns to export (default: those the Campaigns filters show)",
    list(campaigns["cluster_id"]),
    default=selection,
    key="export_clusters",
)
store = data.store()
to_export = exportable(store, chosen)
left_out = len(set(chosen)) - len(to_export)
if left_out:
    st.caption(f"{left_out} dismissed campaign(s) in the selection are left out of the enforcement export.")
if not to_export:
    st.info("Nothing to export: choose at least one campaign that was not dismissed.")
    st.stop()
cols = st.columns(len(EXPORT_FORMATS))
for col, (fmt, (filename, mime)) in zip(cols, EXPORT_FORMATS.items(), strict=True):
    # Deferred: the export is built when the button is clicked, not on every rerun (STIX is slow).
    col.download_button(
        f"Download {fmt.upper()}",
        partial(export_bytes, store, fmt, tuple(to_export)),
        file_name=filename,
        mime=mime,
        key=f"export_{fmt}",
        width="stretch",
        on_click="ignore",
    )
size = int(campaigns[campaigns["cluster_id"].isin(to_export)]["size"].sum())
st.caption(f"{len(to_export)} campaign(s), {size:,} accounts in the export.")
