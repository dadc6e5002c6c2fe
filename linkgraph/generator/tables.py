"""Turn a generated ``Population`` into the export tables and the truth table.

Identifiers are derived from serial numbers through bijective mixers (``mix48``/``mix64``),
so they look random yet never collide. Rows are aggregated per table key the way a lab's
export would be (one ``ip_events`` row per account and address) and sorted by time.
Text encodings carry ISO 8601 ``...Z`` timestamps; ``typed`` tables (Parquet) carry native
UTC timestamps and dates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkgraph.generator import vocabulary as vocab
from linkgraph.generator.records import KINDS, PLANS, STATUSES, Population
from linkgraph.generator.text import (
    dec_fixed,
    hex_tokens,
    ipv4_text,
    ipv6_text,
    iso_dates,
    iso_seconds,
    mix48,
    take,
    token16,
)
from linkgraph.generator.world import V6_HOST_BITS

EXPORT_TABLES = ("accounts", "payment_methods", "ip_events", "ip_intel", "usage")
_NULL = pa.scalar(None, pa.string())


@dataclass
class AccountOrder:
    """Accounts in sign-up order: ``order[rank]`` is an account index, ``rank[account]`` its rank."""

    order: np.ndarray
    rank: np.ndarray
    ids: pa.Array  # account_id text per account index


def build_tables(pop: Population, typed: bool) -> tuple[dict[str, pa.Table], pa.Table]:
    """The five export tables and the truth table; ``typed`` for Parquet, else text times."""
    accounts = _account_order(pop)
    tables = {
        "accounts": _accounts_table(pop, accounts, typed),
        "payment_methods": _payments_table(pop, accounts, typed),
        "ip_events": _ip_events_table(pop, accounts, typed),
        "ip_intel": _intel_table(pop),
        "usage": _usage_table(pop, accounts, typed),
    }
    return tables, truth_table(pop, accounts)


def _nullable(values: pa.Array, valid: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(valid), values, _NULL)


def _timestamps(seconds: np.ndarray, typed: bool) -> pa.Array:
    if typed:
        micro = np.asarray(seconds, np.int64).astype("datetime64[s]").astype("datetime64[us]")
        return pa.array(micro).cast(pa.timestamp("us", tz="UTC"))
    return iso_seconds(seconds)


def _account_order(pop: Population) -> AccountOrder:
    """Account ids follow sign-up rank, so an id says nothing about the planted block."""
    order = np.argsort(pop.account["created"], kind="stable")
    rank = np.empty(pop.n, np.int64)
    rank[order] = np.arange(pop.n)
    ids = hex_tokens("acct_", mix48(rank.astype(np.uint64) + np.uint64(pop.salt)), 12)
    return AccountOrder(order, rank, ids)


def _accounts_table(pop: Population, accounts: AccountOrder, typed: bool) -> pa.Table:
    account, salt = pop.account, np.uint64(pop.salt)
    org = account["org"]
    org_ids = hex_tokens("org_", mix48(np.maximum(org, 0).astype(np.uint64) ^ (salt >> np.uint64(7))), 10)
    table = pa.table(
        {
            "account_id": accounts.ids,
            "created_at": _timestamps(account["created"], typed),
            "email": pop.email,
            "country": take(vocab.COUNTRIES, account["country"]),
            "org_id": _nullable(org_ids, org >= 0),
            "org_verified": pa.array(account["org_verified"] == 1, mask=account["org_verified"] < 0),
            "plan": take(PLANS, account["plan"]),
            "status": take(STATUSES, account["status"]),
        }
    )
    return table.take(pa.array(accounts.order))


def truth_table(pop: Population, accounts: AccountOrder) -> pa.Table:
    """``account_id, campaign_id, kind``: what was planted, in sign-up order.

    Scenarios with detailed truth add ``group_id`` (the campaign, or the benign look-alike
    group an account belongs to) and ``pattern`` (the campaign's pattern).
    """
    campaign = pop.account["campaign"]
    names = take(pop.campaign_names or [""], np.maximum(campaign, 0))
    columns = {
        "account_id": accounts.ids,
        "campaign_id": _nullable(names, campaign >= 0),
        "kind": take(KINDS, pop.account["kind"]),
    }
    if pop.scenario.detailed_truth:
        group = pop.account["group"]
        group_names = _nullable(take(pop.group_names or [""], np.maximum(group, 0)), group >= 0)
        columns["group_id"] = pc.if_else(pa.array(campaign >= 0), names, group_names)
        patterns = take(pop.campaign_patterns or [""], np.maximum(campaign, 0))
        columns["pattern"] = _nullable(patterns, campaign >= 0)
    return pa.table(columns).take(pa.array(accounts.order))


def _payments_table(pop: Population, accounts: AccountOrder, typed: bool) -> pa.Table:
    """One row per (account, instrument), in the order they were added; attributes per instrument."""
    payments, cards = pop.payments, pop.cards
    key = payments["account"] * (1 << 32) + payments["card"]
    _, first = np.unique(key, return_index=True)
    first = first[np.argsort(payments["added"][first], kind="stable")]
    owner, card, added = payments["account"][first], payments["card"][first], payments["added"][first]
    bins, last4, billing = cards["bin"][card], cards["last4"][card], cards["billing_country"][card]
    table = pa.table(
        {
            "account_id": accounts.ids.take(pa.array(owner)),
            "payment_fingerprint": token16("fp_", mix48(card.astype(np.uint64) ^ np.uint64(pop.salt))),
            "method_type": take(_method_type_texts(pop), cards["method_type"][card]),
            "card_bin": _nullable(dec_fixed(np.maximum(bins, 0), 6), bins >= 0),
            "card_last4": _nullable(dec_fixed(np.maximum(last4, 0), 4), last4 >= 0),
            "billing_country": _nullable(take(vocab.COUNTRIES, np.maximum(billing, 0)), billing >= 0),
            "added_at": _timestamps(added, typed),
        }
    )
    spellings = pop.scenario.spellings
    if spellings.funding_column:
        table = table.append_column(spellings.funding_column, _funding(pop, card))
    return table


def _method_type_texts(pop: Population) -> list[str]:
    """``method_type`` text per method code, as this export's processor spells it."""
    spellings = pop.scenario.spellings
    texts = list(vocab.METHOD_TYPES)
    texts[vocab.METHOD_TYPE_INDEX["card"]] = spellings.card_method_type
    prepaid = spellings.prepaid_method_type or spellings.card_method_type
    texts[vocab.METHOD_TYPE_INDEX["prepaid_card"]] = prepaid
    return texts


def _funding(pop: Population, card: np.ndarray) -> pa.Array:
    """The funding column: prepaid for prepaid cards, credit or debit for other cards."""
    values = pop.scenario.spellings.funding_values
    method = pop.cards["method_type"][card]
    debit = (mix48(card.astype(np.uint64)) % np.uint64(3)) == 0
    code = np.where(method == vocab.METHOD_TYPE_INDEX["prepaid_card"], 2, np.where(debit, 1, 0))
    texts = take([values["credit"], values["debit"], values["prepaid"]], code)
    is_card = np.isin(method, [vocab.METHOD_TYPE_INDEX["card"], vocab.METHOD_TYPE_INDEX["prepaid_card"]])
    return _nullable(texts, is_card)


def _aggregate_events(events: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One row per (account, ip): time bounds widen, counts add up; sorted by first sight."""
    order = np.lexsort((events["account"], events["ip"]))
    account, ip = events["account"][order], events["ip"][order]
    new = np.ones(len(order), bool)
    new[1:] = (account[1:] != account[:-1]) | (ip[1:] != ip[:-1])
    starts = np.flatnonzero(new)
    empty = np.zeros(0, np.int64)

    def reduce(ufunc: np.ufunc, column: str) -> np.ndarray:
        return ufunc.reduceat(events[column][order], starts) if len(order) else empty

    rows = {
        "account": account[starts],
        "ip": ip[starts],
        "first_seen": reduce(np.minimum, "first_seen"),
        "last_seen": reduce(np.maximum, "last_seen"),
        "requests": reduce(np.add, "requests"),
        "provider": reduce(np.maximum, "provider"),
        "user_agent": events["user_agent"][order][starts],
        "device": events["device"][order][starts],
    }
    by_time = np.argsort(rows["first_seen"], kind="stable")
    return {name: values[by_time] for name, values in rows.items()}


def _ip_texts(codes: np.ndarray) -> pa.Array:
    """Address text for IP codes (IPv4 dotted quads, canonical IPv6)."""
    unique, inverse = np.unique(codes, return_inverse=True)
    is_v4 = unique < (1 << 32)
    v6 = unique[~is_v4]
    texts = pa.concat_arrays(
        [
            ipv4_text(unique[is_v4]).cast(pa.string()),
            ipv6_text((v6 >> V6_HOST_BITS) & ((1 << 48) - 1), v6),
        ]
    )
    return texts.take(pa.array(inverse))


def _ip_events_table(pop: Population, accounts: AccountOrder, typed: bool) -> pa.Table:
    rows = _aggregate_events(pop.events)
    device, provider = rows["device"], rows["provider"]
    device_ids = token16(
        "dev_", mix48(np.maximum(device, 0).astype(np.uint64) + (np.uint64(pop.salt) >> np.uint64(3)))
    )
    return pa.table(
        {
            "account_id": accounts.ids.take(pa.array(rows["account"])),
            "ip": _ip_texts(rows["ip"]),
            "first_seen": _timestamps(rows["first_seen"], typed),
            "last_seen": _timestamps(rows["last_seen"], typed),
            "request_count": pa.array(rows["requests"]),
            "user_agent": take(pop.user_agents, rows["user_agent"]),
            "device_id": _nullable(device_ids, device >= 0),
            "proxy_provider": _nullable(
                take(_logged_provider_names(pop), np.maximum(provider, 0)), provider >= 0
            ),
        }
    )


def _logged_provider_names(pop: Population) -> list[str]:
    """Provider names as the lab's request logging writes them (may differ from the feed's)."""
    suffix = pop.scenario.spellings.log_provider_suffix
    return [name + suffix for name in pop.provider_names] if suffix else pop.provider_names


def _intel_table(pop: Population) -> pa.Table:
    kind = pop.scenario.spellings.intel_kind
    return pa.table(
        {
            "network": pa.array([r[0] for r in pop.intel], pa.string()),
            "provider": pa.array([r[1] for r in pop.intel], pa.string()),
            "kind": pa.array([kind.get(r[2], r[2]) for r in pop.intel], pa.string()),
            "asn": pa.array([r[3] for r in pop.intel], pa.int64()),
        }
    )


def _usage_table(pop: Population, accounts: AccountOrder, typed: bool) -> pa.Table:
    """One row per (account, day, category), ordered by day then account."""
    usage = pop.usage
    first_day = pop.start_s // 86_400
    key = ((usage["day"] - first_day) << 40) | (accounts.rank[usage["account"]] << 3) | usage["category"]
    keys, inverse = np.unique(key, return_inverse=True)
    k = len(keys)

    def total(column: str) -> np.ndarray:
        return np.bincount(inverse, weights=usage[column], minlength=k).astype(np.int64)

    days = (keys >> 40) + first_day
    owner = accounts.order[(keys >> 3) & ((1 << 37) - 1)]
    return pa.table(
        {
            "account_id": accounts.ids.take(pa.array(owner)),
            "day": pa.array(days.astype("datetime64[D]")) if typed else iso_dates(days),
            "requests": pa.array(total("requests")),
            "tokens": pa.array(total("tokens")),
            "category": take(pop.scenario.spellings.categories, keys & 7),
            "flagged_jailbreak": pa.array(total("jailbreaks")),
        }
    )
