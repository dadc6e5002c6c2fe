"""Which inputs an export provided, so a missing input is recorded as unknown, not benign.

A lab's first export often has accounts, payment methods and bare IP events only. Every
signal that needs something else is then *unknown*: it contributes nothing to a score either
way, evidence texts say it was not available, and the run record keeps this map so the app
can show what the run could and could not see.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

# input name -> (load table, column or None for "the table has rows"); what each enables
INPUTS: dict[str, tuple[str, str | None, str]] = {
    "accounts.created_at": ("accounts", "created_at", "sign-up bursts, ban evasion timing"),
    "accounts.email": ("accounts", "email_local", "email templates, random-looking names"),
    "accounts.status": ("accounts", "status", "known-bad accounts, ban evasion"),
    "accounts.org_verified": ("accounts", "org_verified", "verified organisations"),
    "payment_methods": ("paid_with", None, "shared payment instruments"),
    "payment_methods.method_type": ("payment_methods", "method_type", "prepaid instruments"),
    "ip_events": ("used_ip", None, "shared IPs, subnets, lockstep"),
    "ip_events.first_seen": ("used_ip", "first_seen", "lockstep, time-weighted links"),
    "ip_events.user_agent": ("used_ip", "user_agent", "scripted and browser clients"),
    "ip_events.device_id": ("used_device", None, "shared devices"),
    "ip_intel": ("ip_addresses", "proxy_kind", "proxy/VPN/hosting network classes"),
    "ip_events.proxy_provider": ("ip_addresses", "proxy_provider", "proxy providers"),
    "usage": ("usage", None, "volume, co-activity"),
    "usage.category": ("usage", "category", "frontier-model targeting"),
    "usage.flagged_jailbreak": ("usage", "flagged_jailbreak", "jailbreak probing"),
}


def available(tables: Mapping[str, pa.Table]) -> dict[str, bool]:
    """Input name -> whether the export provided it (the table has rows / the column a value)."""
    out: dict[str, bool] = {}
    for name, (table, column, _why) in INPUTS.items():
        t = tables.get(table)
        if t is None or t.num_rows == 0:
            out[name] = False
        elif column is None:
            out[name] = True
        else:
            out[name] = column in t.column_names and t.column(column).null_count < t.num_rows
    return out


def missing_text(have: Mapping[str, bool]) -> str:
    """``"unknown: user agents (scripted and browser clients), ..."`` for the inputs absent."""
    gone = [f"{n} ({INPUTS[n][2]})" for n, ok in have.items() if not ok and n in INPUTS]
    return "unknown: " + ", ".join(gone) if gone else ""
