"""The app's downloads: enforcement outputs of the selected campaigns, by ``linkgraph.enforcement``.

The same code as ``linkgraph export``; the app's downloads are enforcement lists, so a
dismissed campaign is never in one (the decision in force, ``linkgraph.decisions``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from linkgraph import enforcement
from linkgraph.decisions import decisions_in_force
from linkgraph.errors import NothingToExportError
from linkgraph.store.base import Store

EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "csv": ("linkgraph-export.csv", "text/csv"),
    "json": ("linkgraph-export.json", "application/json"),
    "stix": ("linkgraph-export.stix.json", "application/json"),
}


def exportable(store: Store, cluster_ids: Sequence[str]) -> list[str]:
    """``cluster_ids`` without the dismissed ones (decision in force, as the outputs see it).

    ``write_export`` exports a dismissed cluster when it is named explicitly (its one escape
    hatch); the app's downloads are enforcement lists, so they never name one.
    """
    current = decisions_in_force(store)
    return [c for c in dict.fromkeys(cluster_ids) if not (c in current and current[c].status == "dismissed")]


def export_bytes(store: Store, fmt: str, cluster_ids: Sequence[str]) -> bytes:
    """The enforcement export of the selected clusters in ``fmt``, by ``linkgraph.enforcement``
    (the same code as ``linkgraph export``); dismissed clusters are left out."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    ids = exportable(store, cluster_ids)
    if not ids:  # an empty list would mean "the default enforcement list" to write_export
        raise NothingToExportError("nothing to export: every selected campaign was dismissed")
    buf = io.BytesIO()
    enforcement.write_export(store, fmt, buf, cluster_ids=ids)
    return buf.getvalue()
