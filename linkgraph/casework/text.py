"""Showing data values as text: escaped for Markdown, times in UTC, feature values compact."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pandas as pd

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:])")


def md(text: Any) -> str:
    """Escape a data value for ``st.markdown`` so it shows as literal text (no links, no HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


def fmt_ts(value: Any) -> str:
    if value is None or isna(value):
        return "—"
    if isinstance(value, datetime | pd.Timestamp):
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


def isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def fmt_value(value: Any) -> str:
    """A feature's raw value as text (values mix numbers, flags and lists)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)
