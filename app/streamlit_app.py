"""linkgraph's investigator app: the entry script.

Run with ``linkgraph app [--db PATH]`` (or ``streamlit run app/streamlit_app.py``). It sets up
the state every page shares, shows a login gate when the deployment asks for one, and hands
over to the page the analyst picked. The pages live in ``app/app_pages/``; what they compute
lives in ``linkgraph.casework`` (plain modules by concern, tested without Streamlit); store access is cached in ``app/data.py``.

Sign-in (``linkgraph.users``): with Streamlit's ``[auth]`` (OIDC) configured in secrets,
``st.login`` is required; otherwise, when a users file exists (``linkgraph users add``), its users
sign in with their password; otherwise the app is a single analyst's own (``$LINKGRAPH_USER`` or
the OS account). Every decision and note is attributed to the signed-in user; viewers only read.
"""

from __future__ import annotations

import streamlit as st
from linkgraph.app import data

from linkgraph.errors import LinkGraphError
from linkgraph.users import local_actor, oidc_actor, read_users, sign_in

st.set_page_config(page_title="linkgraph", page_icon=":material/hub:", layout="wide")

# Shared state (page-only keys are prefixed with the page's name).
st.session_state.setdefault("cluster_id", None)  # the campaign being investigated
st.session_state.setdefault("account_id", "")  # the account being investigated
st.session_state.setdefault("selection", [])  # cluster ids the campaigns filters keep (for exports)
st.session_state.setdefault("actor", None)  # the signed-in users.Actor: who decides


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def login_gate() -> None:
    """Stop the script here until the user is signed in (when the deployment requires it)."""
    if _oidc_configured():
        if not st.user.is_logged_in:
            st.title("linkgraph")
            st.button("Log in", on_click=st.login, type="primary", key="login_oidc")
            st.stop()
        st.session_state["actor"] = oidc_actor(str(st.user.get("email") or st.user.get("name") or ""))
        return
    if not read_users():
        st.session_state["actor"] = local_actor()
        return
    if st.session_state["actor"] is not None:
        return
    st.title("linkgraph")
    with st.form("login_form"):
        name = st.text_input("User", key="login_name")
        given = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        actor = sign_in(name, given)
        if actor is not None:
            st.session_state["actor"] = actor
            st.rerun()
        st.error("Unknown user or wrong password.")
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
    st.Page("app_pages/queue.py", title="Review queue", icon=":material/inbox:"),
    st.Page("app_pages/campaign.py", title="Campaign detail", icon=":material/hub:"),
    st.Page("app_pages/case.py", title="Case", icon=":material/folder_open:"),
    st.Page("app_pages/account.py", title="Account", icon=":material/person_search:"),
    st.Page("app_pages/decisions.py", title="Decisions", icon=":material/gavel:"),
    st.Page("app_pages/queries.py", title="Query library", icon=":material/manage_search:"),
    st.Page("app_pages/load_export.py", title="Load & export", icon=":material/upload_file:"),
]
nav = st.navigation(pages)
actor = st.session_state["actor"]
with st.sidebar:
    st.caption(f"Signed in as **{actor.name}** ({actor.role})")
    st.caption(
        f"Store: {store_status.backend} · {store_status.accounts:,} accounts · "
        f"{store_status.runs} detection run(s)"
    )
    if actor.how == "password" and st.button("Sign out", key="logout"):
        st.session_state["actor"] = None
        st.rerun()
    if actor.how == "oidc":
        st.button("Log out", on_click=st.logout)
nav.run()
