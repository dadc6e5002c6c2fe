"""linkgraph.casework.text: data values shown as literal text."""

from __future__ import annotations

import pandas as pd

from linkgraph.casework.text import fmt_ts, md


def test_markdown_escape_shows_text_literally():
    assert md("<script>[x](javascript:1)*b*") == r"\<script\>\[x\]\(javascript\:1\)\*b\*"
    assert fmt_ts(None) == "—" and fmt_ts(pd.Timestamp("2026-01-02T03:04Z")) == "2026-01-02 03:04 UTC"
