"""Project the account–identifier graph onto weighted account–account links.

Two accounts are linked when they share an identifier: a payment instrument, a device
fingerprint, an IP address, a subnet, a proxy provider or an email domain
(``schema.IDENTIFIER_TYPES``; organisation membership is deliberately *not* a link, because
teams share organisations by design; it is only a scoring signal).

Why weighted, and how:

* **Strength by type.** Sharing a card or a device fingerprint is strong evidence; an IP is
  medium; a /24 subnet, a proxy provider or a rare email domain is weak; webmail domains
  (gmail, outlook, ...) carry nothing. ``DetectSettings.base_weights`` holds the bases.
* **Damped by popularity.** Every pair among the ``n`` accounts of an identifier receives
  ``base * damping(n)``, ``damping = 2 / n`` by default (1 for a pair; ``log2(3) /
  log2(1 + n)`` optionally), so an IP behind a carrier NAT shared by hundreds of accounts
  says almost nothing about any two of them, and one identifier never ties an account to
  the others with more than ``2 * base`` in total. Identifiers shared by more than
  ``max_share`` accounts make no pairwise links at all (they would make O(n²) meaningless
  edges); they stay as cluster-level evidence.
* **Time.** For IPs, subnets, proxy providers and devices, the contribution is multiplied by
  ``floor + (1 - floor) * exp(-gap / tau)`` where ``gap`` is the number of days between the
  two accounts' ``[first_seen, last_seen]`` intervals (0 when they overlap or are within a
  day): the same IP on the same day is a much stronger hint than the same IP a year apart.
  Email domains use the sign-up times the same way (a burst of sign-ups on one domain).

Everything is vectorised with NumPy and SciPy sparse matrices: the pairs of each identifier
are generated with ``repeat``/``arange`` index arithmetic (in chunks to bound memory) and
summed per account pair by sparse COO → CSR conversion. There is no Python loop over pairs
or rows. Every link keeps its evidence: how many identifiers of each type the pair shares,
rendered as e.g. ``payment:1,ip:3``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from linkgraph.settings import DERIVED_LINK_TYPES, DetectSettings
from linkgraph.signals import background, evasion, lockstep, templates, vocabulary
from linkgraph.signals.pairs import Pairs

log = logging.getLogger(__name__)

# Link types in evidence order; "org" is never a link (scoring signal only). The first six are
# shared identifiers of the export; ``template`` is a derived identifier (email template);
# ``evasion``, ``lockstep`` and ``coactivity`` are account pairs found by a signal.
IDENTIFIER_LINK_TYPES: tuple[str, ...] = (
    "payment",
    "device",
    "ip",
    "subnet",
    "proxy",
    "email_domain",
    "template",
)
LINK_TYPES: tuple[str, ...] = IDENTIFIER_LINK_TYPES + DERIVED_LINK_TYPES
EVIDENCE_TYPES: tuple[str, ...] = IDENTIFIER_LINK_TYPES + ("org",)
TIMED_TYPES = frozenset({"ip", "subnet", "proxy", "device", "email_domain", "template"})
# Attribution classes of link weight: what ties an account to a group.
# strong: instruments, machines, identities and behaviour that one operator controls;
# ip: a shared address that is not known infrastructure; infra: widely shared infrastructure
# (proxy exits, NATs, VPNs, subnets, providers, email domains).
STRONG_TYPES = frozenset({"payment", "device", "template", "evasion", "lockstep", "coactivity"})
INFRA_TYPES = frozenset({"subnet", "proxy", "email_domain"})
# Network classes whose sharing is (weak) evidence; sharing an ISP or a carrier is not.
PROXY_LINK_KINDS = vocabulary.PROXY_CLASSES
# Used when the loader did not flag webmail domains; webmail sharing means nothing.
WEBMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.ru",
        "yandex.ru",
        "yandex.com",
        "qq.com",
        "163.com",
        "126.com",
        "naver.com",
        "zoho.com",
        "fastmail.com",
    }
)
_PAIR_CHUNK = 2_000_000  # pairs generated per step: bounds peak memory (~150 MB per chunk)
_US_PER_DAY = 86_400e6


@dataclass
class Incidence:
    """Which accounts reach which identifiers of one type (one row per distinct pair).

    ``names[ident[i]]`` is the identifier text; ``mult`` scales the type's base weight per
    identifier (0 = never link, e.g. webmail); ``t0``/``t1`` are days since the epoch (NaN
    when unknown) for timed types.
    """

    id_type: str
    account: np.ndarray  # int32 account index
    ident: np.ndarray  # int32 identifier code
    names: pa.Array  # code -> identifier text
    mult: np.ndarray  # float64 per identifier code
    t0: np.ndarray | None = None
    t1: np.ndarray | None = None
    disposable: np.ndarray | None = None  # per identifier code (email domains only)

    @property
    def n(self) -> np.ndarray:
        """Distinct accounts per identifier code."""
        return np.bincount(self.ident, minlength=len(self.names)).astype(np.int64)


@dataclass
class Links:
    """The weighted account–account link graph (undirected, ``a < b``, one row per pair)."""

    account_ids: pa.Array  # account index -> account_id
    a: np.ndarray  # int32
    b: np.ndarray  # int32
    weight: np.ndarray  # float64
    counts: dict[str, np.ndarray]  # per link type: shared identifiers per link (int32)
    incidence: dict[str, Incidence]
    stats: dict[str, Any] = field(default_factory=dict)
    inputs: Inputs | None = None
    # per link, the weight by attribution class (``STRONG_TYPES``, non-infrastructure IPs, rest)
    strong: np.ndarray = field(default_factory=lambda: np.zeros(0))
    ip_weight: np.ndarray = field(default_factory=lambda: np.zeros(0))
    signals: DerivedSignals | None = None

    @property
    def n_accounts(self) -> int:
        return len(self.account_ids)

    @property
    def n_links(self) -> int:
        return len(self.a)

    def pairs(self) -> pa.Table:
        """The links as account-id pairs ``a, b, weight``, for engines outside the process (GDS)."""
        ids = self.account_ids
        return pa.table(
            {"a": ids.take(pa.array(self.a)), "b": ids.take(pa.array(self.b)), "weight": self.weight}
        )

    def positions(self, account_ids: pa.Array | pa.ChunkedArray) -> np.ndarray:
        """The account index of each id (-1 for an id not in the graph)."""
        return _lookup(account_ids, self.account_ids)

    def evidence(self, rows: np.ndarray | None = None) -> pa.Array:
        """``payment:1,ip:3``-style evidence for the links at ``rows`` (all when None).

        One value per link, null for a link with no counted identifier. Each part carries its
        own trailing comma and the parts are joined with no separator: ``null_handling="skip"``
        drops rows whose parts are all null (pyarrow 26), which would misalign every row after.
        """
        n = len(self.a) if rows is None else len(rows)
        parts = []
        for t in LINK_TYPES:
            c = self.counts[t] if rows is None else self.counts[t][rows]
            arr = pa.array(c, type=pa.int64())
            text = pc.binary_join_element_wise(
                pa.scalar(f"{t}:"), pc.cast(arr, pa.string()), pa.scalar(","), ""
            )
            parts.append(pc.if_else(pc.greater(arr, 0), text, pa.scalar("", pa.string())))
        if not parts or n == 0:
            return pa.nulls(n, pa.string())
        joined = pc.utf8_rtrim(pc.binary_join_element_wise(*parts, ""), characters=",")
        return pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.string()), joined)


# ----------------------------------------------------------------------------- helpers
def _col(table: pa.Table, name: str) -> pa.Array:
    col = table.column(name)
    return col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col


def _days(arr: pa.Array) -> np.ndarray:
    """Timestamps as float days since the epoch; NaN for nulls."""
    if len(arr) == 0:
        return np.zeros(0, dtype=np.float64)
    if pa.types.is_timestamp(arr.type):
        arr = pc.cast(arr, pa.timestamp("us", tz=arr.type.tz))
        us = pc.cast(pc.cast(arr, pa.int64()), pa.float64())
    else:
        us = pc.cast(arr, pa.float64())
    return np.asarray(pc.divide(us, _US_PER_DAY).to_numpy(zero_copy_only=False), dtype=np.float64)


def account_index(accounts: pa.Table) -> pa.Array:
    """The account ids in index order (the accounts table's order)."""
    return _col(accounts, "account_id")


def _lookup(values: pa.Array | pa.ChunkedArray, keys: pa.Array) -> np.ndarray:
    """Position of each value in ``keys`` (-1 when absent or null)."""
    idx = pc.index_in(values, value_set=keys)
    return np.asarray(pc.fill_null(idx, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _encode(values: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Dictionary-encode texts: (codes, names); null -> -1."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    enc = pc.dictionary_encode(values)
    codes = np.asarray(pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    return codes, enc.dictionary


def _take(values: pa.Array, pos: np.ndarray) -> pa.Array:
    """``values[pos]`` with null where ``pos < 0``."""
    out = pc.take(values, pa.array(np.where(pos >= 0, pos, 0)))
    if (pos < 0).any():
        out = pc.if_else(pa.array(pos >= 0), out, pa.scalar(None, out.type))
    return out


def _bools(arr: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


# Tables whose rows name an account, looked up in one pass (one hash table for all of them).
ACCOUNT_TABLES = ("paid_with", "used_device", "used_ip", "email_at", "member_of", "usage")


@dataclass
class Inputs:
    """Load tables with their strings turned into integer codes once, for linking and scoring.

    ``tables`` keeps only the columns still needed after coding (``_KEEP_COLUMNS``).

    ``acc[table]`` is the account index of every row (-1: unknown account). ``used_ip`` rows
    carry ``ip_code`` into ``ip_names``; per IP code: ``ip_subnet`` / ``ip_provider`` (codes
    into ``subnet_names`` / ``provider_names``, -1 none) and ``ip_kind`` (text, null none).
    ``ua_code`` codes ``used_ip.user_agent`` into ``ua_names`` (a few hundred distinct values
    for millions of rows, so regexes run on the names only).
    """

    tables: Mapping[str, pa.Table]
    account_ids: pa.Array
    created: np.ndarray
    acc: dict[str, np.ndarray]
    ip_code: np.ndarray
    ip_names: pa.Array
    ip_subnet: np.ndarray
    subnet_names: pa.Array
    ip_provider: np.ndarray
    provider_names: pa.Array
    provider_kind: pa.Array  # per provider code
    ip_kind: pa.Array  # per ip code
    ua_code: np.ndarray
    ua_names: pa.Array
    usage_cat: np.ndarray  # usage row -> category code (lower-case; null -> "other")
    category_names: pa.Array
    # network class per ip code (``signals.vocabulary.NETWORK_CLASSES``, null unknown)
    ip_class: pa.Array = field(default_factory=lambda: pa.array([], pa.string()))
    bad: np.ndarray | None = None  # per account: banned/suspended in the export (None: no status)
    email_templates: templates.Templates | None = None  # (None: no email in the export)
    have: dict[str, bool] = field(default_factory=dict)  # ``signals.inputs.available``

    def table(self, name: str) -> pa.Table | None:
        t = self.tables.get(name)
        return t if t is not None and t.num_rows > 0 else None


def prepare_inputs(tables: Mapping[str, pa.Table]) -> Inputs:
    """Encode the load tables once (see ``Inputs``); missing tables are treated as empty."""

    def table(name: str) -> pa.Table | None:
        t = tables.get(name)
        return t if t is not None and t.num_rows > 0 else None

    accounts = tables["accounts"]
    account_ids = account_index(accounts)
    created = (
        _days(_col(accounts, "created_at"))
        if "created_at" in accounts.column_names
        else np.full(len(account_ids), np.nan)
    )
    acc = _account_rows(tables, [n for n in ACCOUNT_TABLES if table(n) is not None], account_ids)
    empty = pa.array([], pa.string())
    ip_code, ip_names = np.zeros(0, np.int64), empty
    ip_subnet = ip_provider = np.zeros(0, np.int64)
    subnet_names = provider_names = provider_kind = ip_kind = empty
    ua_code, ua_names = np.zeros(0, np.int64), empty
    used = table("used_ip")
    if used is not None:
        node = table("ip_addresses")
        ips = _col(used, "ip")
        if node is not None:
            # IP codes are row numbers of ip_addresses (one lookup); IPs it lacks are appended
            ip_names = _col(node, "ip").cast(pa.string())
            ip_code = _lookup(ips, ip_names)
            missing = ip_code < 0
            if missing.any():
                extra_code, extra_names = _encode(pc.filter(ips, pa.array(missing)))
                ip_code[missing] = np.where(extra_code >= 0, extra_code + len(ip_names), -1)
                ip_names = pa.concat_arrays([ip_names, extra_names.cast(pa.string())])
            pad = len(ip_names) - node.num_rows

            def node_attr(col: str) -> pa.Array:
                if col not in node.column_names:
                    return pa.nulls(len(ip_names), pa.string())
                v = _col(node, col).cast(pa.string())
                return pa.concat_arrays([v, pa.nulls(pad, pa.string())]) if pad else v
        else:
            ip_code, ip_names = _encode(ips)

            def node_attr(col: str) -> pa.Array:
                return pa.nulls(len(ip_names), pa.string())

        def attr(col: str, rel: pa.Table | None, rel_col: str) -> pa.Array:
            v = node_attr(col)
            if rel is not None and v.null_count:
                v = pc.coalesce(
                    v, _take(_col(rel, rel_col).cast(pa.string()), _lookup(ip_names, _col(rel, "ip")))
                )
            return v

        ip_subnet, subnet_names = _encode(attr("subnet", table("in_subnet"), "subnet"))
        ip_provider, provider_names = _encode(attr("proxy_provider", table("via_proxy"), "provider"))
        ip_kind = node_attr("proxy_kind")
        # kind per provider: the provider table, else the kind of its IPs
        provider_kind = pa.nulls(len(provider_names), pa.string())
        if (pp := table("proxy_providers")) is not None:
            provider_kind = _take(
                _col(pp, "kind").cast(pa.string()), _lookup(provider_names, _col(pp, "provider"))
            )
        if provider_kind.null_count and len(ip_kind):
            has = np.flatnonzero((ip_provider >= 0) & _bools(pc.is_valid(ip_kind)))
            first = np.full(len(provider_names), -1)
            first[ip_provider[has][::-1]] = has[::-1]
            provider_kind = pc.coalesce(provider_kind, _take(ip_kind, first))
        if "user_agent" in used.column_names:
            ua_code, ua_names = _encode(_col(used, "user_agent"))
        else:
            ua_code = np.full(used.num_rows, -1)
    usage_cat, category_names = _usage_categories(table("usage"))
    from linkgraph.signals.inputs import available

    have = available(tables)
    ip_class = _ip_classes(ip_kind, ip_provider, provider_kind, provider_names)
    status = _col(accounts, "status") if "status" in accounts.column_names else None
    bad = evasion.bad_status(status, len(account_ids))
    tmpl = _account_templates(accounts) if have["accounts.email"] else None
    return Inputs(
        tables=_slim(tables),
        account_ids=account_ids,
        created=created,
        acc=acc,
        ip_code=ip_code,
        ip_names=ip_names,
        ip_subnet=ip_subnet,
        subnet_names=subnet_names,
        ip_provider=ip_provider,
        provider_names=provider_names,
        provider_kind=provider_kind,
        ip_kind=ip_kind,
        ua_code=ua_code,
        ua_names=ua_names,
        usage_cat=usage_cat,
        category_names=category_names,
        ip_class=ip_class,
        bad=bad,
        email_templates=tmpl,
        have=have,
    )


def _account_rows(
    tables: Mapping[str, pa.Table], present: list[str], account_ids: pa.Array
) -> dict[str, np.ndarray]:
    """Account code of every row of each account-keyed table (one lookup over all of them)."""
    acc: dict[str, np.ndarray] = {n: np.zeros(0, np.int64) for n in ACCOUNT_TABLES}
    if present:
        chunks = [c for n in present for c in tables[n].column("account_id").chunks]
        idx = _lookup(pa.chunked_array(chunks, pa.string()), account_ids)
        offset = 0
        for n in present:
            rows = tables[n].num_rows
            acc[n] = idx[offset : offset + rows]
            offset += rows
    return acc


def _usage_categories(usage: pa.Table | None) -> tuple[np.ndarray, pa.Array]:
    """Category code per usage row (lower-cased; a missing category is "other")."""
    if usage is None:
        return np.zeros(0, np.int64), pa.array([], pa.string())
    if "category" in usage.column_names:
        cat = _col(usage, "category")
    else:
        cat = pa.nulls(usage.num_rows, pa.string())
    return _encode(pc.utf8_lower(pc.fill_null(cat, "other")))


def _account_templates(accounts: pa.Table) -> templates.Templates:
    """Email templates per account: the loader's (made before pseudonymising), else derived here."""
    dom = _col(accounts, "email_domain") if "email_domain" in accounts.column_names else None
    if "email_template" in accounts.column_names:
        return templates.stored_templates(
            _col(accounts, "email_local"),
            _col(accounts, "email_template"),
            _col(accounts, "email_number"),
            pc.is_valid(_col(accounts, "email_random")),
            dom,
        )
    return templates.email_templates(_col(accounts, "email_local"), dom)


def _classes(texts: pa.Array) -> pa.Array:
    """Network class per text, classifying the distinct values only."""
    if len(texts) == 0:
        return pa.array([], pa.string())
    codes, names = _encode(texts)
    if len(names) == 0:
        return pa.nulls(len(texts), pa.string())
    return _take(vocabulary.network_class(names.cast(pa.string())), codes)


def _ip_classes(
    ip_kind: pa.Array, ip_provider: np.ndarray, provider_kind: pa.Array, provider_names: pa.Array
) -> pa.Array:
    """Per ip code: the class of its own kind, else of its provider's kind, else of the provider's name."""
    own = _classes(ip_kind)
    if len(provider_names) == 0 or len(ip_provider) == 0:
        return own
    prov = pc.coalesce(_classes(provider_kind), _classes(provider_names))
    via = _take(prov, ip_provider) if len(prov) else pa.nulls(len(ip_provider), pa.string())
    return pc.coalesce(own, via) if len(own) else via


# Columns still needed once the strings above are coded (None: the whole table). Dropping the
# rest (account ids, IPs, user agents: ~1 GB at 1M accounts) keeps peak memory down.
_KEEP_COLUMNS: dict[str, tuple[str, ...] | None] = {
    "accounts": (
        "account_id",
        "created_at",
        "email_local",
        "email_random",
        "email_namelike",
        "org_verified",
        "status",
    ),
    "paid_with": ("payment_fingerprint",),
    "payment_methods": None,
    "used_ip": ("first_seen", "last_seen", "request_count"),
    "used_device": ("device_id", "first_seen", "last_seen"),
    "email_at": ("domain",),
    "email_domains": None,
    "member_of": ("org_id",),
    "usage": ("day", "requests", "flagged_jailbreak"),
}


def _slim(tables: Mapping[str, pa.Table]) -> dict[str, pa.Table]:
    out: dict[str, pa.Table] = {}
    for name, keep in _KEEP_COLUMNS.items():
        t = tables.get(name)
        if t is None:
            continue
        out[name] = t if keep is None else t.select([c for c in keep if c in t.column_names])
    return out


def _incidence(
    id_type: str,
    acc: np.ndarray,
    codes: np.ndarray,
    names: pa.Array,
    t0: np.ndarray | None = None,
    t1: np.ndarray | None = None,
    dedupe: bool = False,
) -> Incidence:
    """An Incidence from account indices and identifier codes, dropping unknown rows.

    ``dedupe`` merges repeated (account, identifier) rows (time bounds widen); tables keyed by
    (account, identifier) never need it, derived ones (subnet, proxy) do.
    """
    keep = (acc >= 0) & (codes >= 0)
    acc, codes = acc[keep], codes[keep]
    if t0 is not None and t1 is not None:
        t0, t1 = t0[keep], t1[keep]
    if dedupe and len(acc):
        key = codes.astype(np.int64) * (int(acc.max()) + 1) + acc
        order = np.argsort(key, kind="stable")
        ks = key[order]
        starts = np.flatnonzero(np.concatenate(([True], ks[1:] != ks[:-1])))
        first = order[starts]
        if t0 is not None and t1 is not None:
            with np.errstate(invalid="ignore"):
                t0 = np.fmin.reduceat(t0[order], starts)
                t1 = np.fmax.reduceat(t1[order], starts)
        acc, codes = acc[first], codes[first]
    mult = np.ones(len(names), dtype=np.float64)
    return Incidence(id_type, acc.astype(np.int32), codes.astype(np.int32), names, mult, t0, t1)


def build_incidence(
    tables: Mapping[str, pa.Table] | Inputs, account_ids: pa.Array | None = None
) -> dict[str, Incidence]:
    """Per identifier type, which accounts reach which identifiers (see ``schema.IDENTIFIER_TYPES``).

    Takes load tables (``schema.table_schema`` shaped; missing tables contribute nothing) or
    already prepared ``Inputs``. ``account_ids`` is accepted for compatibility and ignored:
    accounts are indexed in the order of the accounts table.
    """
    inp = tables if isinstance(tables, Inputs) else prepare_inputs(tables)
    out: dict[str, Incidence] = {}
    if (t := inp.table("paid_with")) is not None:
        codes, names = _encode(_col(t, "payment_fingerprint"))
        out["payment"] = _incidence("payment", inp.acc["paid_with"], codes, names)
    if (t := inp.table("used_device")) is not None:
        codes, names = _encode(_col(t, "device_id"))
        out["device"] = _incidence(
            "device",
            inp.acc["used_device"],
            codes,
            names,
            _days(_col(t, "first_seen")),
            _days(_col(t, "last_seen")),
        )
    if (used := inp.table("used_ip")) is not None:
        acc = inp.acc["used_ip"]
        f, lst = _days(_col(used, "first_seen")), _days(_col(used, "last_seen"))
        out["ip"] = _incidence("ip", acc, inp.ip_code, inp.ip_names, f, lst)
        if len(inp.subnet_names):
            out["subnet"] = _incidence(
                "subnet", acc, inp.ip_subnet[inp.ip_code], inp.subnet_names, f, lst, True
            )
        if len(inp.provider_names):
            inc = _incidence("proxy", acc, inp.ip_provider[inp.ip_code], inp.provider_names, f, lst, True)
            # unknown class: treat as a proxy (the log enriched it as one); ISPs etc. are no evidence
            pclass = pc.coalesce(_classes(inp.provider_kind), _classes(inp.provider_names))
            known = _bools(pc.is_valid(pclass)) if len(pclass) else np.zeros(0, bool)
            is_proxy = vocabulary.is_class(pclass, PROXY_LINK_KINDS) | ~known
            inc.mult = np.where(is_proxy, 1.0, 0.0)
            out["proxy"] = inc
    if (t := inp.table("email_at")) is not None:
        # time = sign-up time: accounts made together on one domain are a burst, not a coincidence
        acc = inp.acc["email_at"]
        created = inp.created[np.maximum(acc, 0)]
        codes, names = _encode(_col(t, "domain"))
        inc = _incidence("email_domain", acc, codes, names, created, created)
        webmail = _bools(pc.is_in(pc.utf8_lower(names), value_set=pa.array(sorted(WEBMAIL_DOMAINS))))
        disposable = np.zeros(len(names), dtype=bool)
        if (d := inp.table("email_domains")) is not None:
            dpos = _lookup(names, _col(d, "domain"))
            if "webmail" in d.column_names:
                webmail |= _bools(_take(_col(d, "webmail"), dpos))
            if "disposable" in d.column_names:
                disposable |= _bools(_take(_col(d, "disposable"), dpos))
        inc.mult = np.where(webmail, 0.0, 1.0)
        inc.disposable = disposable
        out["email_domain"] = inc
    if inp.email_templates is not None:
        tm = inp.email_templates
        acc = np.flatnonzero(tm.code >= 0)
        out["template"] = _incidence(
            "template", acc, tm.code[acc], tm.names, inp.created[acc], inp.created[acc]
        )
        # a sequential number on the template doubles its weight (rarer than a shared template)
        seq = np.bincount(tm.code[tm.sequential], minlength=len(tm.names))
        out["template"].mult = np.where(seq >= 2, 2.0, 1.0)
    if (t := inp.table("member_of")) is not None:
        codes, names = _encode(_col(t, "org_id"))
        out["org"] = _incidence("org", inp.acc["member_of"], codes, names)
    return out


def damping(n: np.ndarray, settings: DetectSettings) -> np.ndarray:
    """Weight factor for an identifier shared by ``n`` accounts (1 for a pair)."""
    n = np.maximum(np.asarray(n, dtype=np.float64), 2.0)
    if settings.damping == "power":
        return (2.0 / n) ** settings.alpha
    return math.log2(3.0) / np.log2(1.0 + n)


def identifier_weights(inc: Incidence, settings: DetectSettings) -> np.ndarray:
    """Per identifier code, the weight each pair of its accounts receives (before time)."""
    base = settings.base_weights.get(inc.id_type, 0.0)
    w = base * inc.mult * damping(inc.n, settings)
    if inc.disposable is not None:
        w = np.where(
            inc.disposable & (inc.mult > 0), settings.disposable_domain_weight * damping(inc.n, settings), w
        )
    return w


# (tau days, floor) per type where the general time decay is too lenient: a shared email
# template means something only for accounts made within days of each other.
TIME_OVERRIDES: dict[str, tuple[float, float]] = {"template": (2.0, 0.0)}


def _time_factor(t0a, t1a, t0b, t1b, settings: DetectSettings, id_type: str = "") -> np.ndarray:  # type: ignore[no-untyped-def]
    """1 when the two intervals overlap or lie within a day; decays to ``time_floor`` with the gap."""
    tau, floor = TIME_OVERRIDES.get(id_type, (settings.time_tau_days, settings.time_floor))
    t0a = np.where(np.isnan(t0a), t1a, t0a)
    t1a = np.where(np.isnan(t1a), t0a, t1a)
    t0b = np.where(np.isnan(t0b), t1b, t0b)
    t1b = np.where(np.isnan(t1b), t0b, t1b)
    gap = np.maximum(t0a, t0b) - np.minimum(t1a, t1b)
    gap = np.maximum(gap - 1.0, 0.0)
    f = floor + (1.0 - floor) * np.exp(-gap / tau)
    return np.where(np.isnan(f), 1.0, f)


def _pairs_for_type(
    inc: Incidence,
    w_ident: np.ndarray,
    n_accounts: int,
    settings: DetectSettings,
    split: np.ndarray | None = None,
) -> tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix, int, int]:
    """Sum of weights and count of shared identifiers per account pair for one type.

    Returns (weights, weights of the identifiers flagged in ``split`` only, counts,
    identifiers linked, pairs generated).
    """
    n = inc.n
    eligible = (n >= 2) & (n <= settings.max_share) & (w_ident > 0) & (w_ident >= settings.min_pair_weight)
    W = sp.csr_matrix((n_accounts, n_accounts), dtype=np.float64)
    S = sp.csr_matrix((n_accounts, n_accounts), dtype=np.float64)
    C = sp.csr_matrix((n_accounts, n_accounts), dtype=np.int32)
    keep = eligible[inc.ident]
    if not keep.any():
        return W, S, C, 0, 0
    order = np.argsort(inc.ident[keep], kind="stable")
    acc = inc.account[keep][order]
    ident = inc.ident[keep][order]
    timed = inc.id_type in TIMED_TYPES and inc.t0 is not None and inc.t1 is not None
    if inc.t0 is not None and inc.t1 is not None and timed:
        t0, t1 = inc.t0[keep][order], inc.t1[keep][order]
    # local position of each element within its identifier's group
    starts = np.concatenate(([0], np.flatnonzero(np.diff(ident)) + 1))
    group_len = np.diff(np.concatenate((starts, [len(ident)])))
    first_of = np.repeat(starts, group_len)
    k = np.arange(len(ident)) - first_of
    cnt = (np.repeat(group_len, group_len) - 1 - k).astype(np.int64)  # partners after me
    total = int(cnt.sum())
    cum = np.cumsum(cnt)
    # chunk boundaries over elements so that each chunk generates <= _PAIR_CHUNK pairs
    bounds = [0]
    while bounds[-1] < len(cnt):
        done = cum[bounds[-1] - 1] if bounds[-1] > 0 else 0
        nxt = int(np.searchsorted(cum, done + _PAIR_CHUNK, side="right"))
        bounds.append(max(nxt, bounds[-1] + 1))
    bounds[-1] = min(bounds[-1], len(cnt))
    shape = (n_accounts, n_accounts)
    for lo_e, hi_e in zip(bounds[:-1], bounds[1:], strict=True):
        c = cnt[lo_e:hi_e]
        m = int(c.sum())
        if m == 0:
            continue
        left = np.repeat(np.arange(lo_e, hi_e, dtype=np.int64), c)
        run_start = np.repeat(np.cumsum(c) - c, c)
        right = left + 1 + (np.arange(m, dtype=np.int64) - run_start)
        aa, bb = acc[left], acc[right]
        lo, hi = np.minimum(aa, bb), np.maximum(aa, bb)
        w = w_ident[ident[left]]
        if timed:
            w = w * _time_factor(t0[left], t1[left], t0[right], t1[right], settings, inc.id_type)
        W = W + sp.coo_matrix((w, (lo, hi)), shape=shape).tocsr()
        if split is not None:
            S = S + sp.coo_matrix((w * split[ident[left]], (lo, hi)), shape=shape).tocsr()
        C = C + sp.coo_matrix((np.ones(m, dtype=np.int32), (lo, hi)), shape=shape).tocsr()
        del left, right, run_start, aa, bb, lo, hi, w
    return W, S, C, int(eligible.sum()), total


@dataclass
class DerivedSignals:
    """What the signals found while linking, for scoring and attribution (see ``signals``)."""

    background: dict[str, background.TypeBackground]
    ip_infra: np.ndarray  # bool per ip code: widely shared infrastructure
    evasion: evasion.Evasion | None  # None: the export has no status (unknown)
    lockstep: Pairs | None  # None: no IP first_seen times (unknown)
    coactive: np.ndarray | None  # per link: usage cosine (NaN: too little usage; None: no usage)
    ip_count: np.ndarray  # distinct IPs per account


def _last_active(inp: Inputs) -> np.ndarray:
    """Per account, the latest last_seen over its IPs and devices (its sign-up when none)."""
    n = len(inp.account_ids)
    last = np.full(n, -np.inf)
    for name in ("used_ip", "used_device"):
        t = inp.table(name)
        if t is None or "last_seen" not in t.column_names:
            continue
        acc, ls = inp.acc[name], _days(_col(t, "last_seen"))
        ok = (acc >= 0) & ~np.isnan(ls)
        np.maximum.at(last, acc[ok], ls[ok])
    return np.where(np.isinf(last), inp.created, last)


def _ip_infrastructure(
    inp: Inputs, inc: Incidence | None, bg: background.TypeBackground | None
) -> np.ndarray:
    """Per ip code: infrastructure by its network class or by a degree in its type's tail."""
    infra = vocabulary.is_class(inp.ip_class, vocabulary.INFRASTRUCTURE_CLASSES)
    if len(infra) < len(inp.ip_names):
        infra = np.concatenate([infra, np.zeros(len(inp.ip_names) - len(infra), bool)])
    if inc is not None and bg is not None:
        infra |= inc.n > bg.infra_degree
    return infra


def _derived(inp: Inputs, incidence: Mapping[str, Incidence], settings: DetectSettings) -> DerivedSignals:
    """Background, infrastructure flags, evasion and lockstep pairs (coactivity comes later)."""
    n = len(inp.account_ids)
    bg = {
        t: background.type_background(
            t, inc.account, inc.ident, len(inc.names), settings.infra_tail, settings.infra_min_degree
        )
        for t, inc in incidence.items()
        if t in ("payment", "device", "ip", "template")
    }
    ip_inc = incidence.get("ip")
    ip_infra = _ip_infrastructure(inp, ip_inc, bg.get("ip"))
    ev = None
    if inp.bad is not None and not np.isnan(inp.created).all():
        pairs_in = {
            t: (incidence[t].account, incidence[t].ident) for t in ("payment", "device") if t in incidence
        }
        if ip_inc is not None:
            ok = ~ip_infra[ip_inc.ident]
            pairs_in["ip"] = (ip_inc.account[ok], ip_inc.ident[ok])
        ev = evasion.replacements(
            inp.bad,
            inp.created,
            _last_active(inp),
            pairs_in,
            settings.evasion_window_days,
            settings.max_share,
        )
    lock = None
    ip_count = np.zeros(n, np.int64)
    if ip_inc is not None:
        ip_count = np.bincount(ip_inc.account, minlength=n)
        used = inp.table("used_ip")
        if inp.have.get("ip_events.first_seen") and used is not None:
            # proxy exits count here: scripts driving many accounts through one pool arrive on
            # the same exit within minutes; busy addresses are bounded by max_share instead
            lock = lockstep.first_seen_lockstep(
                inp.acc["used_ip"],
                inp.ip_code,
                _days(_col(used, "first_seen")),
                n,
                settings.lockstep_minutes,
                settings.lockstep_min_ips,
                settings.max_share,
            )
    return DerivedSignals(bg, ip_infra, ev, lock, None, ip_count)


def _pair_matrix(p: Pairs, w: np.ndarray, n: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    shape = (n, n)
    return (
        sp.coo_matrix((w, (p.a, p.b)), shape=shape).tocsr(),
        sp.coo_matrix((p.count.astype(np.int32), (p.a, p.b)), shape=shape).tocsr(),
    )


def _on_links(M: sp.csr_matrix, keys: np.ndarray, n_acc: int, dtype: type) -> np.ndarray:
    """Values of a sparse pair matrix at the links' (a, b) keys (0 where absent)."""
    out: np.ndarray = np.zeros(len(keys), dtype=dtype)
    if M.nnz == 0 or not len(keys):
        return out
    cc = M.tocoo()
    ck = cc.row.astype(np.int64) * n_acc + cc.col
    pos = np.minimum(np.searchsorted(keys, ck), len(keys) - 1)
    hit = keys[pos] == ck
    out[pos[hit]] = cc.data[hit]
    return out


def link_accounts(tables: Mapping[str, pa.Table] | Inputs, settings: DetectSettings | None = None) -> Links:
    """Weighted account–account links from load tables (``schema.table_schema`` shaped).

    ``tables`` must contain ``accounts``; relationship tables that are missing or empty add
    nothing. Accounts are indexed in the order of the accounts table. Besides shared
    identifiers, evasion and lockstep pairs (``signals``) add links, and every link keeps its
    weight by attribution class (``Links.strong``, ``Links.ip_weight``).
    """
    settings = settings or DetectSettings()
    inputs = tables if isinstance(tables, Inputs) else prepare_inputs(tables)
    account_ids = inputs.account_ids
    n_acc = len(account_ids)
    incidence = build_incidence(inputs)
    derived = _derived(inputs, incidence, settings)
    total = sp.csr_matrix((n_acc, n_acc), dtype=np.float64)
    strong = sp.csr_matrix((n_acc, n_acc), dtype=np.float64)
    ip_w = sp.csr_matrix((n_acc, n_acc), dtype=np.float64)
    per_type: dict[str, sp.csr_matrix] = {}
    stats: dict[str, Any] = {"accounts": n_acc, "types": {}}
    for t in IDENTIFIER_LINK_TYPES:
        inc = incidence.get(t)
        if inc is None:
            continue
        w_ident = identifier_weights(inc, settings)
        split = (~derived.ip_infra).astype(np.float64) if t == "ip" else None
        W, S, C, linked, pairs = _pairs_for_type(inc, w_ident, n_acc, settings, split)
        over = int(((inc.n > settings.max_share) & (inc.mult > 0)).sum())
        faint = int(((inc.n >= 2) & (w_ident > 0) & (w_ident < settings.min_pair_weight)).sum())
        stats["types"][t] = {
            "rows": len(inc.account),
            "identifiers": len(inc.names),
            "linked_identifiers": linked,
            "over_max_share": over,
            "below_min_pair_weight": faint,
            "pairs": pairs,
        }
        total = total + W
        if t in STRONG_TYPES:
            strong = strong + W
        if t == "ip":
            ip_w = ip_w + S
        per_type[t] = C
    for t, found in (
        ("evasion", derived.evasion.pairs if derived.evasion is not None else None),
        ("lockstep", derived.lockstep),
    ):
        if found is None or not len(found):
            continue
        base = settings.base_weights.get(t, 0.0)
        W, C = _pair_matrix(found, base * np.minimum(found.count, 3).astype(np.float64), n_acc)
        total, strong, per_type[t] = total + W, strong + W, C
        stats["types"][t] = {"pairs": len(found)}
    total.data[total.data < settings.min_link_weight] = 0.0
    total.eliminate_zeros()
    coo = total.tocoo()
    order = np.lexsort((coo.col, coo.row))
    a = coo.row[order].astype(np.int32)
    b = coo.col[order].astype(np.int32)
    weight = coo.data[order].astype(np.float64)
    keys = a.astype(np.int64) * n_acc + b
    counts = {
        t: _on_links(per_type[t], keys, n_acc, np.int32) if t in per_type else np.zeros(len(a), np.int32)
        for t in LINK_TYPES
    }
    links = Links(
        account_ids,
        a,
        b,
        weight,
        counts,
        incidence,
        stats,
        inputs,
        strong=_on_links(strong, keys, n_acc, np.float64),
        ip_weight=_on_links(ip_w, keys, n_acc, np.float64),
        signals=derived,
    )
    _add_coactivity(links, settings)
    stats["links"] = len(a)
    stats["background"] = {t: b.as_dict() for t, b in derived.background.items()}
    log.info("linked %d accounts with %d weighted links", n_acc, len(a))
    return links


def _add_coactivity(links: Links, settings: DetectSettings) -> None:
    """Strengthen links between accounts with near-identical daily usage (``signals.lockstep``)."""
    inp, sig = links.inputs, links.signals
    if inp is None or sig is None or not inp.have.get("usage"):
        return
    us = inp.table("usage")
    if us is None or "day" not in us.column_names:
        return
    req = np.asarray(
        pc.fill_null(pc.cast(_col(us, "requests"), pa.float64()), 0).to_numpy(zero_copy_only=False)
    )
    day = _days(pc.cast(_col(us, "day"), pa.timestamp("us")))
    prof = lockstep.usage_profiles(inp.acc["usage"], np.floor(day), inp.usage_cat, req, links.n_accounts)
    sim = lockstep.usage_similarity(prof, links.a, links.b, settings.coactivity_min_days)
    sig.coactive = sim
    hit = np.nan_to_num(sim, nan=0.0) >= settings.coactivity_min_similarity
    boost = settings.base_weights.get("coactivity", 0.0) * hit
    links.weight = links.weight + boost
    links.strong = links.strong + boost
    links.counts["coactivity"] = hit.astype(np.int32)
