"""Draw a ``GraphElements`` with st-link-analysis (cytoscape.js shipped in the wheel: no CDN).

Nodes are coloured by label (``NODE_COLOURS``) and sized by degree (the ``size`` data
field, through a custom cytoscape style rule). Every string in the elements was HTML-escaped by
``linkgraph.casework.graph`` because the component's info panel renders values with ``innerHTML``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st
from st_link_analysis import EdgeStyle, NodeStyle, st_link_analysis

from linkgraph.casework.graph import NODE_COLOURS, GraphElements

ICONS = {
    "Account": "person",
    "PaymentMethod": "credit_card",
    "Device": "laptop",
    "IPAddress": "router",
    "Subnet": "dns",
    "ProxyProvider": "cloud",
    "EmailDomain": "alternate_email",
    "Organization": "business",
    "Campaign": "hub",
}


class _RawStyle:
    """A cytoscape style rule passed through as is (st-link-analysis styles only by label)."""

    def __init__(self, selector: str, style: dict[str, Any]) -> None:
        self.selector, self.style = selector, style

    def dump(self) -> dict[str, Any]:
        return {"selector": self.selector, "style": self.style}


def show_lineage(g: GraphElements, key: str, height: int = 420) -> None:
    """A campaign's lineage: runs left (oldest) to right, edges labelled with shared accounts."""
    if g.empty:
        st.info("No runs to draw.")
        return
    node_styles: list[Any] = [NodeStyle("Campaign", NODE_COLOURS["Campaign"], "name", ICONS["Campaign"])]
    node_styles.append(_RawStyle("node", {"width": "data(size)", "height": "data(size)"}))
    node_styles.append(_RawStyle("node[focus = 'yes']", {"border-width": 4, "border-color": "#D55E00"}))
    edge_styles: list[Any] = [EdgeStyle("SHARES", "#9aa4ad", caption="shared", directed=True)]
    edge_styles.append(_RawStyle("edge", {"width": "data(width)"}))
    layout = {"name": "preset", "positions": g.positions or {}, "fit": True, "padding": 40, "animate": False}
    st_link_analysis(
        g.elements, layout=layout, node_styles=node_styles, edge_styles=edge_styles, height=height, key=key
    )


def show(g: GraphElements, key: str, height: int = 560) -> None:
    if g.empty:
        st.info("Nothing to draw: no shared identifiers among these accounts.")
        return
    node_styles: list[Any] = [
        NodeStyle(label, NODE_COLOURS.get(label, "#444444"), "name", ICONS.get(label)) for label in g.labels
    ]
    node_styles.append(_RawStyle("node", {"width": "data(size)", "height": "data(size)"}))
    node_styles.append(_RawStyle("node[focus = 'yes']", {"border-width": 3, "border-color": "#000000"}))
    edge_styles = [
        EdgeStyle(rel, "#9aa4ad", caption=None, directed=False)
        for rel in sorted({e["data"]["label"] for e in g.elements["edges"]})
    ]
    layout = {
        "name": "cose",
        "animate": False,
        "fit": True,
        "padding": 20,
        "nodeRepulsion": 8000,
        "nodeDimensionsIncludeLabels": False,
        "randomize": False,
    }
    st_link_analysis(
        g.elements, layout=layout, node_styles=node_styles, edge_styles=edge_styles, height=height, key=key
    )
    st.caption(
        "Colours: "
        + ", ".join(f"{lbl}" for lbl in g.labels)
        + " — node size grows with the number of links; click a node for its details."
    )
