"""Threat-intel output of a detection run: a STIX 2.1 bundle made by the sharing builder.

``linkgraph export --format stix`` (and the app's STIX download) write the same safe bundle as
``linkgraph share`` (``linkgraph.sharing.bundle``), over the enforcement selection
(``linkgraph.enforcement.select_clusters``) instead of confirmed campaigns only: a grouping
per cluster with its score and evidence, the MITRE ATLAS technique, and indicators for the
infrastructure the cluster used (proxy providers, datacenter/VPN/Tor subnets and IPs).

No raw email, card, device, user agent or residential address is ever written: with a sharing
key (``key``) those are keyed hashes a peer holding the key can match; without one they are
left out. Timestamps are the run's, so exporting the same run twice gives the same bundle.
"""

from __future__ import annotations

import os
from datetime import UTC
from typing import Any

from linkgraph.enforcement import ExportReport, emit, run_of, select_clusters
from linkgraph.sharing.bundle import ShareOptions, bundle_of, serialise
from linkgraph.sharing.keys import SharingKey
from linkgraph.store.base import Store

DEFAULT_LAB_NAME = "linkgraph"


def write_stix(store: Store, out: Any, key: SharingKey | None = None, **sel: Any) -> ExportReport:
    """The STIX 2.1 bundle of the selected clusters (module docstring) written to ``out``."""
    rid, clusters, skipped = select_clusters(store, **sel)
    _, created = run_of(store, rid)
    created = created if created.tzinfo else created.replace(tzinfo=UTC)
    options = ShareOptions(lab_name=os.environ.get("LINKGRAPH_LAB_NAME", DEFAULT_LAB_NAME), run_id=rid)
    indexed = clusters.drop_duplicates("cluster_id").set_index("cluster_id")
    bundle, report = bundle_of(store, rid, indexed, key, options, created=created.replace(microsecond=0))
    path = emit(out, serialise(bundle))
    accounts = int(clusters["size"].sum()) if len(clusters) else 0
    return ExportReport("stix", rid, len(clusters), accounts, skipped, objects=report.objects, path=path)
