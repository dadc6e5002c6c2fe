"""Two labs, one operator: generated exports with one campaign's operator moved into the other.

``two_labs`` generates two exports with different seeds (different users, account ids, cards,
networks), then rewrites the largest campaign of lab B so that its operator is lab A's largest
campaign's operator: the same card BINs and last 4s (lab B's processor still issues its own
fingerprints), the same device ids, email local-part templates at the same domains, the same
proxy exits and user agents (and lab B's network intel learns A's proxy addresses). Account ids
stay lab B's own. ``truth.csv`` of each export says who is who.
"""

from __future__ import annotations

import ipaddress
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

TABLES = ("accounts", "payment_methods", "ip_events", "ip_intel")


@dataclass(frozen=True)
class Labs:
    a: Path  # lab A's export
    b: Path  # lab B's export, with lab A's operator transplanted
    operator_a: set[str]  # lab A's accounts of the shared campaign
    operator_b: set[str]  # lab B's accounts run by the same operator
    campaign_b: str  # truth campaign id at lab B


def generate(out: Path, accounts: int, seed: int) -> Path:
    cmd = [sys.executable, "-m", "linkgraph.cli", "generate", str(out), "--accounts", str(accounts)]
    res = subprocess.run([*cmd, "--seed", str(seed)], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    return out


def _read(export: Path) -> dict[str, pd.DataFrame]:
    return {t: pd.read_csv(export / f"{t}.csv", dtype=str, keep_default_na=False) for t in TABLES}


def largest_campaign(export: Path) -> tuple[str, set[str]]:
    truth = pd.read_csv(export / "truth.csv", dtype=str)
    camp = truth.dropna(subset=["campaign_id"])
    top = camp["campaign_id"].value_counts().sort_index().idxmax()
    return str(top), set(camp.loc[camp["campaign_id"] == top, "account_id"])


def _cycle(src: list[str], targets: list[str]) -> dict[str, str]:
    """Map each of ``src`` onto ``targets`` in turn (both in first-seen order)."""
    return {s: targets[i % len(targets)] for i, s in enumerate(src)}


def _reshape(local: str, rng: np.random.Generator) -> str:
    """A new local part of the same template: letters and digits redrawn, separators kept."""
    letters, digits = "abcdefghijklmnopqrstuvwxyz", "0123456789"
    out = []
    for ch in local:
        if ch.isdigit():
            out.append(digits[rng.integers(10)])
        elif ch.isalpha():
            out.append(letters[rng.integers(26)])
        else:
            out.append(ch)
    return "".join(out)


def _emails(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame], op_a: set[str], op_b: set[str]) -> None:
    rng = np.random.default_rng(7)
    acc_a = a["accounts"][a["accounts"]["account_id"].isin(op_a)]
    sources = [e for e in acc_a["email"] if "@" in e]
    rows = b["accounts"]["account_id"].isin(op_b)
    new = []
    for i in range(int(rows.sum())):
        local, domain = sources[i % len(sources)].split("@", 1)
        local = local.split("+", 1)[0]
        new.append(f"{_reshape(local, rng)}@{domain}")
    b["accounts"].loc[rows, "email"] = new


def _cards(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame], op_a: set[str], op_b: set[str]) -> None:
    pay_a = a["payment_methods"][a["payment_methods"]["account_id"].isin(op_a)]
    cards = list(dict.fromkeys(zip(pay_a["card_bin"], pay_a["card_last4"], strict=True)))
    rows = b["payment_methods"]["account_id"].isin(op_b)
    fps = list(dict.fromkeys(b["payment_methods"].loc[rows, "payment_fingerprint"]))
    to = _cycle(fps, [f"{x}|{y}" for x, y in cards])
    picked = b["payment_methods"].loc[rows, "payment_fingerprint"].map(to)
    b["payment_methods"].loc[rows, "card_bin"] = picked.str.split("|").str[0]
    b["payment_methods"].loc[rows, "card_last4"] = picked.str.split("|").str[1]
    b["payment_methods"].loc[rows, "method_type"] = "prepaid_card"


def _intel_rows(intel_a: pd.DataFrame, ips: list[str]) -> pd.DataFrame:
    """Host routes for ``ips`` with lab A's provider for each (longest prefix of A's intel)."""
    nets = [(ipaddress.ip_network(n, strict=False), i) for i, n in enumerate(intel_a["network"])]
    rows = []
    for ip in ips:
        addr = ipaddress.ip_address(ip)
        best = max(
            ((n, i) for n, i in nets if n.version == addr.version and addr in n),
            key=lambda t: t[0].prefixlen,
            default=None,
        )
        if best is not None:
            r = intel_a.iloc[best[1]]
            rows.append(
                {
                    "network": f"{ip}/{addr.max_prefixlen}",
                    "provider": r["provider"],
                    "kind": r["kind"],
                    "asn": r["asn"],
                }
            )
    return pd.DataFrame(rows, columns=list(intel_a.columns))


def _network(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame], op_a: set[str], op_b: set[str]) -> None:
    ev_a = a["ip_events"][a["ip_events"]["account_id"].isin(op_a)]
    rows = b["ip_events"]["account_id"].isin(op_b)
    ev_b = b["ip_events"].loc[rows]
    for col in ("ip", "device_id", "user_agent"):
        targets = [v for v in dict.fromkeys(ev_a[col]) if v]
        src = [v for v in dict.fromkeys(ev_b[col]) if v]
        b["ip_events"].loc[rows, col] = ev_b[col].map(_cycle(src, targets)).fillna("")
    enrich = ev_a[ev_a["proxy_provider"] != ""].drop_duplicates("ip").set_index("ip")["proxy_provider"]
    b["ip_events"].loc[rows, "proxy_provider"] = b["ip_events"].loc[rows, "ip"].map(enrich).fillna("")
    extra = _intel_rows(a["ip_intel"], sorted(set(b["ip_events"].loc[rows, "ip"])))
    b["ip_intel"] = pd.concat([b["ip_intel"], extra], ignore_index=True).drop_duplicates("network")


def transplant(export_a: Path, export_b: Path) -> tuple[set[str], set[str], str]:
    """Make lab B's largest campaign lab A's largest campaign's operator (module docstring)."""
    _, op_a = largest_campaign(export_a)
    camp_b, op_b = largest_campaign(export_b)
    a, b = _read(export_a), _read(export_b)
    _emails(a, b, op_a, op_b)
    _cards(a, b, op_a, op_b)
    _network(a, b, op_a, op_b)
    for t in TABLES:
        b[t].to_csv(export_b / f"{t}.csv", index=False)
    return op_a, op_b, camp_b


def two_labs(root: Path, accounts: int = 6000) -> Labs:
    a = generate(root / "lab-a", accounts, seed=21)
    b = generate(root / "lab-b", accounts, seed=22)
    op_a, op_b, camp_b = transplant(a, b)
    for export in (a, b):
        (export / "truth.csv").rename(root / f"{export.name}-truth.csv")
    return Labs(a, b, op_a, op_b, camp_b)
