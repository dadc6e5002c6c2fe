"""linkgraph.casework.downloads: the app's enforcement downloads follow the decision in force."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from linkgraph.casework.campaigns import CampaignFilter, filter_campaigns, load_campaigns
from linkgraph.casework.downloads import export_bytes, exportable
from linkgraph.decisions import record_decision
from linkgraph.errors import NothingToExportError


def test_decision_changes_the_export_and_dismissed_never_exported(detected_store):
    campaigns = load_campaigns(detected_store)
    top = list(filter_campaigns(campaigns, CampaignFilter())["cluster_id"][:2])
    before = pd.read_csv(io.BytesIO(export_bytes(detected_store, "csv", top)))
    assert set(before["cluster_id"]) == set(top)
    record_decision(detected_store, top[0], "dismissed", "ana", "a university lab")
    after = pd.read_csv(io.BytesIO(export_bytes(detected_store, "csv", top)))
    assert set(after["cluster_id"]) == {top[1]}
    assert exportable(detected_store, top) == [top[1]]
    data = json.loads(export_bytes(detected_store, "json", top))
    assert [c["cluster_id"] for c in data] == [top[1]]
    with pytest.raises(NothingToExportError):
        export_bytes(detected_store, "csv", [top[0]])
    with pytest.raises(ValueError, match="analyst"):
        record_decision(detected_store, top[1], "confirmed", "   ")
    # a later decision supersedes the dismissal
    record_decision(detected_store, top[0], "confirmed", "bo")
    assert exportable(detected_store, top) == top
