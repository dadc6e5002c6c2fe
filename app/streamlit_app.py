"""linkgraph's investigator app: the entry script.

Run with ``linkgraph app [--db PATH]`` (or ``streamlit run app/streamlit_app.py``). It sets up
the state every page shares, shows a login gate when the deployment asks for one, and hands
over to the page the analyst picked. The pages live in ``app/app_pages/``; what they compute
lives in ``linkgraph.casework`` (plain modules by concern, tested without Streamlit); store access is cached in ``app/data.py``.

Login: with Streamlit's ``[auth]`` (OIDC) configured in secrets, ``st.login`` is required;
otherwise, when ``LINKGRAPH_APP_PASSWORD`` is set, a password form (constant-time comparison).
"""

from __future__ import annotations

import hmac
import os

import streamlit as st
from linkgraph.app import data

from linkgraph.errors import LinkGraphError

st.set_page_config(page_title="linkgraph", page_icon=":material/hub:", layout="wide")

# Shared state (page-only keys are prefixed with the page's name).
st.session_state.setdefault("cluster_id", None)  # the campaign being investigated
st.session_state.setdefault("account_id", "")  # the account being investigated
st.session_state.setdefault("selection", [])  # cluster ids the campaigns filters keep (for exports)
st.session_state.setdefault("analyst", "")  # who is making decisions
st.session_state.setdefault("auth_ok", False)


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def login_gate() -> None:
    """Stop the script here until the user is authenticated (when the deployment requires it)."""
    if _oidc_configured():
        if not st.user.is_logged_in:
            st.title("linkgraph")
            st.button("Log in", on_click=st.login, type="primary", key="login_oidc")
            st.stop()
        if not st.session_state["analyst"]:
            st.session_state["analyst"] = str(st.user.get("name") or st.user.get("email") or "")
        return
    password = os.environ.get("LINKGRAPH_APP_PASSWORD")
    if not password or st.session_state["auth_ok"]:
        return
    st.title("linkgraph")
    with st.form("login_form"):
        name = st.text_input("Your name", key="login_name")
        given = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Log in", type="primary")
    if submitted:
        if hmac.compare_digest(given.encode(), password.encode()):
            st.session_state["auth_ok"] = True
            st.session_state["analyst"] = name.strip()
            st.rerun()
        st.error("Wrong password.")
    st.stop()


login_gate()

try:
    store_status = data.status()
except LinkGraphError as e:
    st.error(f"Cannot open the store: {e}")
    st.caption("Set LINKGRAPH_DB (or start with `linkgraph app --db PATH`), or NEO4J_URI for a Neo4j server.")
    st.stop()

pages = [
    st.Page("app_pages/campaigns.py", title="Campaigns", icon=":material/leaderboard:", default=True),
    st.Page("app_pages/campaign.py", title="Campaign detail", icon=":material/hub:"),
    st.Page("app_pages/account.py", title="Account", icon=":material/person_search:"),
    st.Page("app_pages/decisions.py", title="Decisions", icon=":material/gavel:"),
    st.Page("app_pages/load_export.py", title="Load & export", icon=":material/upload_file:"),
]
nav = st.navigation(pages)
with st.sidebar:
    st.caption(
        f"Store: {store_status.backend} · {store_status.accounts:,} accounts · "
        f"{store_status.runs} detection run(s)"
    )
    if os.environ.get("LINKGRAPH_APP_PASSWORD") and st.session_state["auth_ok"] and st.button("Log out"):
        st.session_state["auth_ok"] = False
        st.rerun()
    if _oidc_configured() and st.user.is_logged_in:
        st.button("Log out", on_click=st.logout)
nav.run()
