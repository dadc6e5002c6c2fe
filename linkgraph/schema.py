"""The one definition of linkgraph's graph: node labels, relationship types, their properties.

Everything reads this module: the loaders (which columns to produce), the DuckDB store (its
tables), the Neo4j store (labels, keys, constraints), the Cypher linter (known labels and
types), the linking step (which relationships are identifiers) and the app (colours, names).
A label or relationship type that is not defined here is rejected wherever it would reach a
query, so user input can never become a label.

Naming: a node label maps to a DuckDB table (``Account`` -> ``accounts``) keyed by one
property; a relationship type maps to a table with one column per endpoint key
(``USED_IP`` -> ``used_ip(account_id, ip, ...)``).

Merge rules say how a property behaves when the same node/relationship arrives again in a
later export: ``replace`` (a non-null new value wins, null keeps the old one), ``min`` and
``max`` (time bounds widen). Re-loading the same values therefore changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

import pyarrow as pa

# Logical property types and their Arrow representation. Timestamps are UTC microseconds.
ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
}

DUCKDB_TYPES: dict[str, str] = {
    "string": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "timestamp": "TIMESTAMPTZ",
    "date": "DATE",
}

MERGE_RULES = ("replace", "min", "max")


@dataclass(frozen=True)
class Prop:
    name: str
    type: str = "string"
    merge: str = "replace"
    doc: str = ""

    def __post_init__(self) -> None:
        if self.type not in ARROW_TYPES:
            raise ValueError(f"unknown property type {self.type!r}")
        if self.merge not in MERGE_RULES:
            raise ValueError(f"unknown merge rule {self.merge!r}")


@dataclass(frozen=True)
class NodeType:
    label: str
    table: str
    key: str
    props: tuple[Prop, ...] = ()
    doc: str = ""

    @property
    def columns(self) -> list[Prop]:
        """Key first, then the other properties: the column order of the table."""
        return [Prop(self.key)] + list(self.props)

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([(p.name, ARROW_TYPES[p.type]) for p in self.columns])


@dataclass(frozen=True)
class RelType:
    type: str
    table: str
    start: str  # label of the start node
    start_col: str  # column in the table holding the start node's key
    end: str
    end_col: str
    props: tuple[Prop, ...] = ()
    doc: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.start_col, self.end_col)

    @property
    def columns(self) -> list[Prop]:
        return [Prop(self.start_col), Prop(self.end_col)] + list(self.props)

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([(p.name, ARROW_TYPES[p.type]) for p in self.columns])


@dataclass(frozen=True)
class DataTable:
    """A table that is loaded and stored but is not part of the graph (usage, ip_intel)."""

    table: str
    key: tuple[str, ...]
    props: tuple[Prop, ...] = field(default=())
    label: str = ""  # Neo4j label used to store its rows, if any
    doc: str = ""

    @property
    def columns(self) -> list[Prop]:
        keyed = {p.name: p for p in self.props}
        return [keyed.get(k, Prop(k)) for k in self.key] + [p for p in self.props if p.name not in self.key]

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([(p.name, ARROW_TYPES[p.type]) for p in self.columns])


# --------------------------------------------------------------------------- nodes
ACCOUNT = NodeType(
    "Account",
    "accounts",
    "account_id",
    (
        Prop("created_at", "timestamp", "min", "sign-up time, UTC"),
        Prop("email", doc="full address as exported (pseudonymised when --pseudonymise is used)"),
        Prop("email_domain", doc="lower-cased domain of email"),
        Prop("email_local", doc="normalised local part: lower-case; dots and +tag removed for webmail"),
        # derived by the loader from the plain local part, before --pseudonymise hashes it, so a
        # pseudonymised store scores and links like a plain one (loaders.normalise.local_part_signals)
        Prop("email_random", "bool", doc="random-looking local part (generated identities)"),
        Prop("email_namelike", "bool", doc="name-like local part (jane.doe, jdoe84)"),
        Prop(
            "email_template",
            doc="local part with digit runs as # (signals.templates); pseudonymised with the local part",
        ),
        Prop("email_number", "int", doc="the local part's last run of digits (signals.templates)"),
        Prop("email_shape", doc="coarse shape of the local part for sharing: a.a99, ~an11"),
        Prop("country"),
        Prop("org_id"),
        Prop("org_verified", "bool"),
        Prop("plan"),
        Prop("status"),
        Prop("extra", doc="JSON object of unknown extra export columns, kept as properties"),
    ),
    "an API account",
)
PAYMENT_METHOD = NodeType(
    "PaymentMethod",
    "payment_methods",
    "payment_fingerprint",
    (
        Prop("method_type"),
        Prop("card_bin"),
        Prop("card_last4"),
        Prop("billing_country"),
    ),
    "a payment instrument, by the processor's stable fingerprint (never a card number)",
)
IP_ADDRESS = NodeType(
    "IPAddress",
    "ip_addresses",
    "ip",
    (
        Prop("version", "int"),
        Prop("subnet", doc="IPv4 /24 or IPv6 /48 containing the address"),
        Prop("proxy_provider", doc="provider from ip_intel (longest prefix) or the log's enrichment"),
        Prop(
            "proxy_kind",
            doc="residential_proxy, datacenter, vpn, tor, mobile_carrier, isp, corporate, education",
        ),
    ),
    "an IP address, canonical text form",
)
SUBNET = NodeType("Subnet", "subnets", "subnet", (Prop("version", "int"),), "IPv4 /24 or IPv6 /48")
PROXY_PROVIDER = NodeType(
    "ProxyProvider", "proxy_providers", "provider", (Prop("kind"),), "a proxy/VPN/cloud/network provider"
)
DEVICE = NodeType("Device", "devices", "device_id", (), "a client/device fingerprint")
EMAIL_DOMAIN = NodeType(
    "EmailDomain",
    "email_domains",
    "domain",
    (Prop("webmail", "bool"), Prop("disposable", "bool")),
    "the domain part of account emails",
)
ORGANIZATION = NodeType(
    "Organization", "organizations", "org_id", (Prop("verified", "bool", "max"),), "an organisation or team"
)

NODES: tuple[NodeType, ...] = (
    ACCOUNT,
    PAYMENT_METHOD,
    IP_ADDRESS,
    SUBNET,
    PROXY_PROVIDER,
    DEVICE,
    EMAIL_DOMAIN,
    ORGANIZATION,
)

# --------------------------------------------------------------------------- relationships
PAID_WITH = RelType(
    "PAID_WITH",
    "paid_with",
    "Account",
    "account_id",
    "PaymentMethod",
    "payment_fingerprint",
    (Prop("added_at", "timestamp", "min"),),
)
USED_IP = RelType(
    "USED_IP",
    "used_ip",
    "Account",
    "account_id",
    "IPAddress",
    "ip",
    (
        Prop("first_seen", "timestamp", "min"),
        Prop("last_seen", "timestamp", "max"),
        Prop("request_count", "int", doc="requests from this account on this IP (latest export wins)"),
        Prop("user_agent", doc="user agent seen with this account on this IP"),
    ),
)
IN_SUBNET = RelType("IN_SUBNET", "in_subnet", "IPAddress", "ip", "Subnet", "subnet")
VIA_PROXY = RelType("VIA_PROXY", "via_proxy", "IPAddress", "ip", "ProxyProvider", "provider")
USED_DEVICE = RelType(
    "USED_DEVICE",
    "used_device",
    "Account",
    "account_id",
    "Device",
    "device_id",
    (Prop("first_seen", "timestamp", "min"), Prop("last_seen", "timestamp", "max")),
)
EMAIL_AT = RelType("EMAIL_AT", "email_at", "Account", "account_id", "EmailDomain", "domain")
MEMBER_OF = RelType("MEMBER_OF", "member_of", "Account", "account_id", "Organization", "org_id")

RELATIONSHIPS: tuple[RelType, ...] = (
    PAID_WITH,
    USED_IP,
    IN_SUBNET,
    VIA_PROXY,
    USED_DEVICE,
    EMAIL_AT,
    MEMBER_OF,
)

# --------------------------------------------------------------------------- data tables
USAGE = DataTable(
    "usage",
    ("account_id", "day", "category"),
    (
        Prop("day", "date"),
        Prop("category", doc="reasoning, coding, tool_use, agentic, vision, alignment, chat, other"),
        Prop("requests", "int"),
        Prop("tokens", "int"),
        Prop("flagged_jailbreak", "int"),
    ),
    label="Usage",
    doc="daily usage per account and category; category 'other' when the export has none",
)
IP_INTEL = DataTable(
    "ip_intel",
    ("network",),
    (Prop("provider"), Prop("kind"), Prop("asn", "int")),
    label="NetworkIntel",
    doc="network -> provider intelligence, kept so later loads can match new IPs",
)
DATA_TABLES: tuple[DataTable, ...] = (USAGE, IP_INTEL)

# The tables a load produces, in the order they are written (nodes before relationships).
LOAD_TABLES: tuple[str, ...] = (
    tuple(n.table for n in NODES)
    + tuple(r.table for r in RELATIONSHIPS)
    + tuple(d.table for d in DATA_TABLES)
)

# --------------------------------------------------------------------------- detection results
# Written by `linkgraph detect`; on Neo4j as (:Account)-[:IN_CLUSTER]->(:Cluster) etc.
CLUSTER_LABEL = "Cluster"
RUN_LABEL = "DetectionRun"
DECISION_LABEL = "Decision"
CASE_EVENT_LABEL = "CaseEvent"  # owners, notes and account decisions (append-only, model.CaseEvent)
LOAD_LABEL = "LoadRun"
IN_CLUSTER = "IN_CLUSTER"
# The Neo4j store's cross-process write lease (DuckDB uses a lock file instead).
LOCK_LABEL = "WriteLock"
# Matches of a peer lab's shared intel against this lab's accounts (``linkgraph match``).
INTEL_MATCH_LABEL = "IntelMatch"
RESULT_LABELS = (
    CLUSTER_LABEL,
    RUN_LABEL,
    DECISION_LABEL,
    CASE_EVENT_LABEL,
    LOAD_LABEL,
    LOCK_LABEL,
    INTEL_MATCH_LABEL,
)
RESULT_RELATIONSHIPS = (IN_CLUSTER, "DECIDED", "PRODUCED")

# A campaign's workflow: open (no decision) -> in_review -> confirmed / dismissed; needs_review
# marks one to look at again (by an analyst, or because it changed a lot since its decision).
DecisionStatus = Literal["confirmed", "dismissed", "needs_review", "in_review"]
DECISION_STATUSES: tuple[DecisionStatus, ...] = get_args(DecisionStatus)


def decision_status(text: str) -> DecisionStatus:
    """``text`` as a decision status (from a form or the CLI); ValueError names the choices."""
    for status in DECISION_STATUSES:
        if text == status:
            return status
    raise ValueError(f"decision status must be one of {DECISION_STATUSES}, not {text!r}")


# Account-level decisions within a campaign (``model.CaseEvent`` with action "account").
ACCOUNT_STATUSES = ("excluded", "added", "confirmed", "cleared")
CASE_ACTIONS = ("account", "owner", "note")

# --------------------------------------------------------------------------- identifiers
# How an account reaches each identifier type, for linking. ``path`` is the chain of
# relationship types from Account; the identifier is the node at the end of it.


@dataclass(frozen=True)
class IdentifierType:
    name: str
    label: str
    path: tuple[str, ...]
    doc: str = ""


IDENTIFIER_TYPES: tuple[IdentifierType, ...] = (
    IdentifierType("payment", "PaymentMethod", ("PAID_WITH",), "shared payment instrument"),
    IdentifierType("device", "Device", ("USED_DEVICE",), "shared device fingerprint"),
    IdentifierType("ip", "IPAddress", ("USED_IP",), "shared IP address"),
    IdentifierType("subnet", "Subnet", ("USED_IP", "IN_SUBNET"), "shared /24 or /48"),
    IdentifierType("proxy", "ProxyProvider", ("USED_IP", "VIA_PROXY"), "same proxy/VPN provider"),
    IdentifierType("email_domain", "EmailDomain", ("EMAIL_AT",), "same email domain"),
    IdentifierType("org", "Organization", ("MEMBER_OF",), "same organisation"),
)

# --------------------------------------------------------------------------- lookups
NODE_BY_LABEL: dict[str, NodeType] = {n.label: n for n in NODES}
NODE_BY_TABLE: dict[str, NodeType] = {n.table: n for n in NODES}
REL_BY_TYPE: dict[str, RelType] = {r.type: r for r in RELATIONSHIPS}
REL_BY_TABLE: dict[str, RelType] = {r.table: r for r in RELATIONSHIPS}
DATA_BY_TABLE: dict[str, DataTable] = {d.table: d for d in DATA_TABLES}
IDENTIFIER_BY_NAME: dict[str, IdentifierType] = {i.name: i for i in IDENTIFIER_TYPES}

ALL_LABELS: tuple[str, ...] = (
    tuple(n.label for n in NODES) + tuple(d.label for d in DATA_TABLES) + RESULT_LABELS
)
ALL_REL_TYPES: tuple[str, ...] = tuple(r.type for r in RELATIONSHIPS) + RESULT_RELATIONSHIPS


def table_schema(table: str) -> pa.Schema:
    """The Arrow schema a loader must produce for ``table`` (one of LOAD_TABLES)."""
    if table in NODE_BY_TABLE:
        return NODE_BY_TABLE[table].arrow_schema()
    if table in REL_BY_TABLE:
        return REL_BY_TABLE[table].arrow_schema()
    if table in DATA_BY_TABLE:
        return DATA_BY_TABLE[table].arrow_schema()
    raise KeyError(table)


def table_key(table: str) -> tuple[str, ...]:
    if table in NODE_BY_TABLE:
        return (NODE_BY_TABLE[table].key,)
    if table in REL_BY_TABLE:
        return REL_BY_TABLE[table].key
    return DATA_BY_TABLE[table].key


def table_props(table: str) -> tuple[Prop, ...]:
    """Non-key properties of a load table, with their merge rules."""
    key = set(table_key(table))
    if table in NODE_BY_TABLE:
        props = NODE_BY_TABLE[table].props
    elif table in REL_BY_TABLE:
        props = REL_BY_TABLE[table].props
    else:
        props = DATA_BY_TABLE[table].props
    return tuple(p for p in props if p.name not in key)


def check_label(label: str) -> str:
    """Return ``label`` if it is a schema label; raise otherwise (the Cypher allow-list)."""
    if label not in ALL_LABELS:
        raise ValueError(f"unknown node label {label!r}; allowed: {', '.join(ALL_LABELS)}")
    return label


def check_rel_type(rel_type: str) -> str:
    if rel_type not in ALL_REL_TYPES:
        raise ValueError(f"unknown relationship type {rel_type!r}; allowed: {', '.join(ALL_REL_TYPES)}")
    return rel_type


def check_property(label_or_type: str, prop: str) -> str:
    """Return ``prop`` if the schema defines it on that label/type; raise otherwise."""
    if label_or_type in NODE_BY_LABEL:
        names = {p.name for p in NODE_BY_LABEL[label_or_type].columns}
    elif label_or_type in REL_BY_TYPE:
        names = {p.name for p in REL_BY_TYPE[label_or_type].columns}
    else:
        raise ValueError(f"unknown label or relationship type {label_or_type!r}")
    if prop not in names:
        raise ValueError(f"unknown property {prop!r} on {label_or_type}")
    return prop
