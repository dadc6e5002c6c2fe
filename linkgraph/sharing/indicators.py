"""What one lab can observe of an account, normalised the same way at every lab.

Both sides of a share use ``observations``: the sharing lab over a campaign's members, the
receiving lab over all its accounts. Matching then only compares strings, so the two labs'
normalisation must be identical; it is defined here, once:

| kind | value | private (hashed) |
|---|---|---|
| ``email_address`` | normalised local part ``@`` domain (lower-case; webmail dots and ``+tag`` removed) | always |
| ``email_domain`` | lower-cased domain | always |
| ``email_template`` | local-part shape (``accounts.email_shape``, ``loaders.normalise.local_part_signals``) ``@`` webmail / disposable / other | always |
| ``card_bin_last4`` | first 6 digits of the BIN ``:`` last 4 (processor fingerprints differ between labs) | always |
| ``device_id`` | the device fingerprint, trimmed | always |
| ``user_agent`` | lower-cased, whitespace collapsed | always |
| ``ip`` | canonical address | unless a datacenter, VPN or Tor address |
| ``subnet`` | IPv4 /24 or IPv6 /48 | unless a datacenter, VPN or Tor network |
| ``proxy_provider`` | lower-cased provider name, proxy/VPN/hosting kinds only | never (a company) |

Residential addresses (residential-proxy exits, ISP and mobile lines) belong to people, often
people who do not know their line is a proxy exit: they are hashed unless the sharing lab opts
in (``allow_residential_ips``). Pseudonymised stores (``load --pseudonymise``) hold lab-keyed
tokens instead of email local parts and IPs; those tokens mean nothing at another lab, so they
are skipped (templates, domains, subnets and providers are kept before hashing and still work).
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkgraph import schema
from linkgraph.loaders import normalise
from linkgraph.store.base import Store

Kind = Literal[
    "email_address",
    "email_domain",
    "email_template",
    "card_bin_last4",
    "device_id",
    "user_agent",
    "ip",
    "subnet",
    "proxy_provider",
]
KINDS: tuple[Kind, ...] = get_args(Kind)
# Address kinds that are infrastructure rather than a person's line: shared raw.
INFRASTRUCTURE_KINDS = ("datacenter", "vpn", "tor")
# Provider kinds worth sharing: an operator rents these; an ISP or a university is not theirs.
PROXY_KINDS = ("residential_proxy", "datacenter", "vpn", "tor")
BIN_DIGITS = 6
# Prefixes of the lab-keyed tokens a pseudonymised store holds (``loaders.privacy``).
_PSEUDONYM_PREFIXES = {"email_local": "email_local:", "ip": "ip:"}

OBSERVATION_SCHEMA = pa.schema(
    [("account_id", pa.string()), ("kind", pa.string()), ("value", pa.string()), ("private", pa.bool_())]
)


def observations(store: Store, account_ids: pa.Array | None = None) -> pa.Table:
    """Distinct ``(account_id, kind, value, private)`` for ``account_ids`` (default: all)."""
    parts = [
        _email_observations(store, account_ids),
        _card_observations(store, account_ids),
        _device_observations(store, account_ids),
        _ip_observations(store, account_ids),
    ]
    table = pa.concat_tables([p.cast(OBSERVATION_SCHEMA) for p in parts])
    table = table.filter(pc.is_valid(table.column("value")))
    return (
        table.group_by(["account_id", "kind", "value"])
        .aggregate([("private", "max")])
        .rename_columns(["account_id", "kind", "value", "private"])
    )


def _only(table: pa.Table, account_ids: pa.Array | None) -> pa.Table:
    if account_ids is None:
        return table
    return table.filter(pc.is_in(table.column("account_id"), value_set=account_ids))


def _rows(account_id: pa.Array, kind: str, value: pa.Array, private: pa.Array | bool) -> pa.Table:
    n = len(account_id)
    priv = pa.array(np.full(n, private, dtype=bool)) if isinstance(private, bool) else private
    return pa.table(
        {
            "account_id": normalise.plain(account_id),
            "kind": pa.array([kind] * n, pa.string()),
            "value": normalise.plain(value),
            "private": priv,
        }
    )


def _not_token(values: pa.Array, field: str) -> pa.Array:
    """``values`` with the pseudonymised store's lab-keyed tokens nulled (they never match)."""
    token = pc.fill_null(pc.starts_with(values, _PSEUDONYM_PREFIXES[field]), False)
    return pc.if_else(token, pa.scalar(None, pa.string()), values)


def _email_observations(store: Store, account_ids: pa.Array | None) -> pa.Table:
    has_shape = "email_shape" in schema.table_schema("accounts").names
    cols = ["account_id", "email_domain", "email_local"] + (["email_shape"] if has_shape else [])
    acc = _only(store.read_table("accounts", cols), account_ids)
    ids = acc.column("account_id")
    domain = normalise.plain(acc.column("email_domain"))
    local = _not_token(normalise.plain(acc.column("email_local")), "email_local")
    template = normalise.local_part_signals(local).shape
    if has_shape:  # computed by the loader before pseudonymisation
        template = pc.coalesce(normalise.plain(acc.column("email_shape")), template)
    webmail, disposable = normalise.domain_flags(domain)
    domain_class = pc.if_else(
        pc.fill_null(disposable, False),
        "disposable",
        pc.if_else(pc.fill_null(webmail, False), "webmail", "other"),
    )
    has_domain = pc.is_valid(domain)
    address = pc.binary_join_element_wise(local, domain, "@")
    template_at = pc.if_else(
        has_domain, pc.binary_join_element_wise(template, domain_class, "@"), pa.scalar(None, pa.string())
    )
    return pa.concat_tables(
        [
            _rows(ids, "email_address", address, True),
            _rows(ids, "email_domain", domain, True),
            _rows(ids, "email_template", template_at, True),
        ]
    )


def _card_observations(store: Store, account_ids: pa.Array | None) -> pa.Table:
    paid = _only(store.read_table("paid_with", ["account_id", "payment_fingerprint"]), account_ids)
    cards = store.read_table("payment_methods", ["payment_fingerprint", "card_bin", "card_last4"])
    joined = paid.join(cards, "payment_fingerprint", join_type="inner")
    digits_bin = pc.replace_substring_regex(pc.fill_null(joined.column("card_bin"), ""), "[^0-9]", "")
    digits_last4 = pc.replace_substring_regex(pc.fill_null(joined.column("card_last4"), ""), "[^0-9]", "")
    ok = pc.and_(
        pc.greater_equal(pc.utf8_length(digits_bin), BIN_DIGITS), pc.equal(pc.utf8_length(digits_last4), 4)
    )
    value = pc.binary_join_element_wise(pc.utf8_slice_codeunits(digits_bin, 0, BIN_DIGITS), digits_last4, ":")
    value = pc.if_else(ok, value, pa.scalar(None, pa.string()))
    return _rows(joined.column("account_id"), "card_bin_last4", value, True)


def _device_observations(store: Store, account_ids: pa.Array | None) -> pa.Table:
    dev = _only(store.read_table("used_device", ["account_id", "device_id"]), account_ids)
    value = normalise.clean_strings(dev.column("device_id"))
    return _rows(dev.column("account_id"), "device_id", value, True)


def normalise_user_agents(values: pa.Array) -> pa.Array:
    """Lower-case with runs of whitespace as one space (clients differ in nothing else)."""
    text = normalise.clean_strings(values)
    return pc.utf8_lower(pc.replace_substring_regex(text, r"\s+", " "))


def _ip_observations(store: Store, account_ids: pa.Array | None) -> pa.Table:
    used = _only(store.read_table("used_ip", ["account_id", "ip", "user_agent"]), account_ids)
    addrs = store.read_table("ip_addresses", ["ip", "subnet", "proxy_provider", "proxy_kind"])
    joined = used.join(addrs, "ip", join_type="left outer")
    ids = joined.column("account_id")
    kind = pc.fill_null(normalise.plain(joined.column("proxy_kind")), "")
    infrastructure = pc.is_in(kind, value_set=pa.array(INFRASTRUCTURE_KINDS))
    private = pc.invert(infrastructure)
    provider = pc.if_else(
        pc.is_in(kind, value_set=pa.array(PROXY_KINDS)),
        pc.utf8_lower(normalise.plain(joined.column("proxy_provider"))),
        pa.scalar(None, pa.string()),
    )
    return pa.concat_tables(
        [
            _rows(ids, "ip", _not_token(normalise.plain(joined.column("ip")), "ip"), private),
            _rows(ids, "subnet", normalise.plain(joined.column("subnet")), private),
            _rows(ids, "proxy_provider", provider, False),
            _rows(ids, "user_agent", normalise_user_agents(joined.column("user_agent")), True),
        ]
    )
