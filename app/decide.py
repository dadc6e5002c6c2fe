"""The write steps shared by pages: decisions and notes by the signed-in user, errors inline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st
from linkgraph.app import data

from linkgraph.casework.cases import set_status
from linkgraph.errors import LinkGraphError
from linkgraph.users import Actor


def actor() -> Actor:
    """The signed-in user (set by the entry script's sign-in gate)."""
    signed_in: Actor = st.session_state["actor"]
    return signed_in


def can_decide() -> bool:
    """Whether to show write widgets; viewers get a caption saying why there are none."""
    if actor().can_decide:
        return True
    st.caption(f"You are signed in as {actor().name}, a viewer: you can read cases but not decide.")
    return False


def write(step: Callable[..., Any], *args: Any, done: str = "", rerun: bool = False) -> bool:
    """Run a casework write as the signed-in user; show its refusal inline instead of failing."""
    try:
        step(data.store(), actor(), *args)
    except (ValueError, LinkGraphError) as e:
        st.error(str(e))
        return False
    if done:
        st.success(done)
    if rerun:
        st.rerun()
    return True


def save_decision(cluster_id: str, decision: str, note: str, *, rerun: bool = False) -> bool:
    """Record a campaign status (audit trail) as the signed-in user."""
    return write(
        set_status,
        cluster_id,
        decision,
        note,
        done=f"Recorded: {cluster_id} {decision}. Dismissed campaigns never enter the enforcement export.",
        rerun=rerun,
    )
