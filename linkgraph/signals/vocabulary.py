"""Synonym tables for enrichment values, so detection does not depend on one vendor's spelling.

Network intelligence vendors name the same kind of network differently ("residential_proxy",
"Residential Proxy", "resi", "proxy-residential", "ISP proxy"; "hosting", "DCH", "cloud",
"datacenter"; "VPN", "anonymizer"). ``network_class`` maps any such text onto one of
``NETWORK_CLASSES`` by token matching on the lower-cased text (underscores, dashes and spaces
are separators); text that matches nothing is ``None`` (unknown, not benign). Payment
instruments are prepaid when the method type or a funding column says so in any of the
usual spellings (``prepaid``, ``gift``, ``virtual``, ``stored value``, ``disposable``,
``single-use``, ``burner``).

All functions run on the distinct values only (a few hundred), never per row.
"""

from __future__ import annotations

import re
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NetworkClass = Literal[
    "residential_proxy", "vpn", "hosting", "tor", "mobile", "isp", "corporate", "education"
]
NETWORK_CLASSES: tuple[NetworkClass, ...] = (
    "residential_proxy",
    "vpn",
    "hosting",
    "tor",
    "mobile",
    "isp",
    "corporate",
    "education",
)
# Classes that are widely shared infrastructure: sharing them says little about two accounts.
INFRASTRUCTURE_CLASSES = frozenset({"residential_proxy", "vpn", "hosting", "tor", "mobile"})
# Classes whose sharing is weak evidence (the old PROXY_LINK_KINDS, by class).
PROXY_CLASSES = frozenset({"residential_proxy", "vpn", "hosting", "tor"})

# Checked in order: the first class whose pattern matches wins ("residential proxy" is a
# proxy, not an ISP; "mobile proxy" is a residential-style proxy).
_PATTERNS: tuple[tuple[NetworkClass, str], ...] = (
    ("tor", r"\btor\b|onion|exit[ _-]?node"),
    (
        "residential_proxy",
        r"resi|residential|isp[ _-]?proxy|mobile[ _-]?proxy|backconnect|rotating|proxy[ _-]?(pool|network)"
        r"|\bproxy\b|\bproxies\b|\bp2p\b|peer",
    ),
    ("vpn", r"vpn|anonymi[sz]er|privacy|relay"),
    (
        "hosting",
        r"hosting|host\b|datacenter|data[ _-]?cent(er|re)|\bdch\b|\bdc\b|cloud|server|colo|\bvps\b|cdn",
    ),
    ("mobile", r"mobile|cellular|carrier|wireless|\blte\b|\b[345]g\b|\bcgnat\b|\bnat\b"),
    ("education", r"edu|universit|school|college|academ|campus"),
    ("corporate", r"corp|business|enterprise|company|office|government|\bgov\b|\borg\b"),
    ("isp", r"\bisp\b|broadband|residential[ _-]?isp|fixed|cable|dsl|fib(er|re)|telecom|home"),
)
PREPAID = (
    r"prepaid|pre-paid|pre_paid|gift|virtual|stored[ _-]?value|disposable|single[ _-]?use|burner|reloadable"
)


def _normal(text: str) -> str:
    return re.sub(r"[_\-/.]+", " ", text.lower()).strip()


def network_class(names: pa.Array) -> pa.Array:
    """Canonical network class per kind/provider text (``None`` when unrecognised)."""
    out: list[str | None] = []
    for value in names.to_pylist():
        if value is None or not str(value).strip():
            out.append(None)
            continue
        text = _normal(str(value))
        if text.startswith("residential isp") or text in ("residential", "residential broadband"):
            out.append("isp")
            continue
        out.append(next((c for c, pat in _PATTERNS if re.search(pat, text)), None))
    return pa.array(out, pa.string())


def is_class(classes: pa.Array, wanted: frozenset[str] | tuple[str, ...]) -> np.ndarray:
    """Bool per value: its class is one of ``wanted`` (False for unknown)."""
    if len(classes) == 0:
        return np.zeros(0, bool)
    hit = pc.is_in(classes, value_set=pa.array(sorted(wanted), pa.string()))
    return np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)


def prepaid(values: pa.Array) -> np.ndarray:
    """Bool per value: a method type or funding text that names a prepaid instrument."""
    if len(values) == 0:
        return np.zeros(0, bool)
    low = pc.utf8_lower(pc.fill_null(values.cast(pa.string()), ""))
    return np.asarray(pc.match_substring_regex(low, PREPAID).to_numpy(zero_copy_only=False), dtype=bool)
