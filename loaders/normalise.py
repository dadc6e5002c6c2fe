"""Vectorised normalisation of export values (Arrow in, Arrow out).

Every function here takes whole columns and works with ``pyarrow.compute`` and NumPy, so a
chunk of a million rows costs milliseconds rather than a Python loop per row. Functions that
can reject values return the converted column *and* a boolean mask of the rejected positions,
so the caller can name the rows in its error (it knows the file and row numbers; this module
does not).

The one place that loops in Python is IPv6 parsing, and only over the *distinct* IPv6 strings
of a chunk (``socket.inet_pton``/``inet_ntop`` are C functions, ~1 us per value); IPv4, which
dominates real exports, is parsed with a regex and integer arithmetic on whole arrays.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

UTC_US = pa.timestamp("us", tz="UTC")

# --------------------------------------------------------------------------- plain strings


def plain(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous array without dictionary encoding and with 32-bit offsets."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if pa.types.is_large_string(values.type):
        values = pc.cast(values, pa.string())
    if pa.types.is_large_binary(values.type):
        values = pc.cast(values, pa.binary())
    return values


def is_textual(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def clean_strings(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Strings trimmed of surrounding whitespace, with empty strings as null.

    Integer columns are accepted and rendered in decimal (ids are often numeric in Parquet or
    JSON). Any other type raises ``TypeError`` so the caller can report a wrong-typed column.
    """
    arr = plain(values)
    if pa.types.is_null(arr.type):
        return pa.nulls(len(arr), pa.string())
    if pa.types.is_integer(arr.type):
        arr = pc.cast(arr, pa.string())
    elif not is_textual(arr.type):
        raise TypeError(f"expected text, found {arr.type}")
    arr = pc.utf8_trim_whitespace(arr)
    return pc.if_else(_empty(arr), pa.scalar(None, pa.string()), arr)


def _empty(values: pa.Array) -> pa.Array:
    """``values == ""``, via the length (comparing strings to a scalar is ~50x slower)."""
    return pc.equal(pc.binary_length(values), 0)


def lower(values: pa.Array) -> pa.Array:
    return pc.utf8_lower(values)


def upper(values: pa.Array) -> pa.Array:
    return pc.utf8_upper(values)


def contains_nul(values: pa.Array) -> np.ndarray:
    """Mask of text values containing a NUL character (refused: they break every consumer).

    The common case (no NUL anywhere) is one vectorised ``min`` over the data buffer.
    """
    arr = plain(values)
    if not is_textual(arr.type) or len(arr) == 0:
        return np.zeros(len(arr), dtype=bool)
    data = arr.buffers()[2]
    if data is None or data.size == 0 or np.frombuffer(data, dtype=np.uint8).min() > 0:
        return np.zeros(len(arr), dtype=bool)
    return np.asarray(pc.fill_null(pc.match_substring(arr, "\x00"), False).to_numpy(zero_copy_only=False))


def invalid_utf8(values: pa.Array) -> np.ndarray:
    """Mask of text values that are not valid UTF-8 (the JSON and Parquet readers pass them).

    Full validation of the whole array is one fast pass; rows are only located (by
    bisection) when it fails.
    """
    arr = plain(values)
    if not is_textual(arr.type) or len(arr) == 0:
        return np.zeros(len(arr), dtype=bool)
    try:
        arr.validate(full=True)
        return np.zeros(len(arr), dtype=bool)
    except pa.ArrowInvalid:
        return _failures(arr, lambda a: a.validate(full=True))


# --------------------------------------------------------------------------- emails

WEBMAIL_DOMAINS: frozenset[str] = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.co.jp",
        "ymail.com",
        "proton.me",
        "protonmail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "gmx.com",
        "gmx.de",
        "web.de",
        "mail.ru",
        "yandex.ru",
        "yandex.com",
        "zoho.com",
        "qq.com",
        "163.com",
        "126.com",
        "naver.com",
    }
)
# Domains that are the same mailbox namespace as another one.
DOMAIN_ALIASES: dict[str, str] = {"googlemail.com": "gmail.com"}

BUILTIN_DISPOSABLE: frozenset[str] = frozenset(
    {
        "mailinator.com",
        "guerrillamail.com",
        "guerrillamail.net",
        "10minutemail.com",
        "temp-mail.org",
        "yopmail.com",
        "sharklasers.com",
        "trashmail.com",
        "getnada.com",
        "dispostable.com",
        "maildrop.cc",
        "throwawaymail.com",
        "tempmail.com",
    }
)


@cache
def disposable_domains() -> frozenset[str]:
    """Built-in disposable domains plus those in the packaged ``disposable_domains.txt``."""
    extra: set[str] = set()
    try:
        text = (
            resources.files("linkgraph.loaders")
            .joinpath("disposable_domains.txt")
            .read_text(encoding="utf-8")
        )
    except (FileNotFoundError, OSError):
        text = ""
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            extra.add(line)
    return BUILTIN_DISPOSABLE | frozenset(extra)


@dataclass
class Emails:
    """Normalised email parts; ``invalid`` marks non-null addresses that are not ``local@domain``."""

    email: pa.Array
    domain: pa.Array
    local: pa.Array
    invalid: np.ndarray


_EMAIL_RE = r"^(?P<local>[^@\s]+)@(?P<domain>[^@\s]+\.[^@\s.]+)\.?$"


def normalise_emails(values: pa.Array | pa.ChunkedArray) -> Emails:
    """Split addresses into a lower-cased domain and a normalised local part.

    The local part is lower-cased and loses its ``+tag`` everywhere (sub-addressing is an
    alias on practically every provider); on webmail domains its dots are removed too, so
    ``J.Doe+x@GoogleMail.com`` and ``jdoe@gmail.com`` share ``jdoe`` @ ``gmail.com``.
    """
    email = clean_strings(values)
    low = pc.utf8_lower(email)
    parts = pc.extract_regex(low, _EMAIL_RE)
    domain = pc.struct_field(parts, "domain")  # propagates nulls, unlike .field()
    local = pc.struct_field(parts, "local")
    for alias, target in DOMAIN_ALIASES.items():
        domain = pc.if_else(pc.is_in(domain, value_set=pa.array([alias])), target, domain)
    untagged = pc.replace_substring_regex(local, r"\+.*$", "")
    local = pc.if_else(_empty(untagged), local, untagged)
    webmail = pc.is_in(domain, value_set=pa.array(sorted(WEBMAIL_DOMAINS)))
    local = pc.if_else(webmail, pc.replace_substring(local, ".", ""), local)
    invalid = np.asarray(pc.and_(pc.is_valid(email), pc.is_null(domain)).to_numpy(zero_copy_only=False))
    return Emails(email=email, domain=plain(domain), local=plain(local), invalid=invalid)


def domain_flags(domains: pa.Array) -> tuple[pa.Array, pa.Array]:
    """``(webmail, disposable)`` booleans for lower-cased domains (null stays null)."""
    webmail = pc.is_in(domains, value_set=pa.array(sorted(WEBMAIL_DOMAINS)))
    disposable = pc.is_in(domains, value_set=pa.array(sorted(disposable_domains())))
    null = pa.scalar(None, pa.bool_())
    valid = pc.is_valid(domains)
    return pc.if_else(valid, webmail, null), pc.if_else(valid, disposable, null)


# Random-looking local parts: many digits, long consonant runs, letter-digit-letter mixes, or a
# long run of letters and digits (what an account factory generates); name-like ones look like
# ``jane.doe``, ``jdoe84``, ``jane1993`` (what people choose).
RANDOM_LOCAL = r"[bcdfghjklmnpqrstvwxz]{5,}|[0-9][a-z]+[0-9]|^[a-z0-9]{16,}$"
NAMELIKE_LOCAL = r"^[a-z]{2,}([._-]?[a-z]{2,}){0,2}[0-9]{0,4}$"
RANDOM_DIGIT_SHARE = 0.3


@dataclass
class LocalSignals:
    """What detection and sharing need from a local part, computed from the plain value.

    Computed before ``--pseudonymise`` hashes the local part (a hex token looks random and has
    no template), and stored with the account, so a pseudonymised store scores and links like a
    plain one. ``template`` and ``number`` are ``linkgraph.signals.templates``' template (digit
    runs as ``#``) and the last number; ``shape`` is the coarse shape sharing uses: random-looking
    parts become ``~`` + their character classes + the length (``~an11``: 11 letters and digits),
    others keep their separators and digit count with each run of letters as ``a``
    (``jane.doe84`` -> ``a.a99``).
    """

    random: pa.Array  # bool, null where there is no local part
    namelike: pa.Array  # bool, null where there is no local part
    template: pa.Array  # string, null where the local part is not templated
    number: pa.Array  # int64, null where the local part has no number
    shape: pa.Array  # string, null where there is no local part


def local_part_signals(local: pa.Array | pa.ChunkedArray) -> LocalSignals:
    """Random-looking / name-like flags, template, number and shape of normalised local parts."""
    from linkgraph.signals.templates import email_templates

    low = pc.utf8_lower(plain(local))
    valid = pc.is_valid(low)
    text = pc.fill_null(low, "")
    length = np.asarray(pc.utf8_length(text).to_numpy(zero_copy_only=False), dtype=float)
    digits = np.asarray(pc.count_substring_regex(text, "[0-9]").to_numpy(zero_copy_only=False), dtype=float)
    pattern = np.asarray(pc.match_substring_regex(text, RANDOM_LOCAL).to_numpy(zero_copy_only=False))
    random = ((digits / np.maximum(length, 1.0)) >= RANDOM_DIGIT_SHARE) | pattern
    random &= length >= 4
    namelike = np.asarray(pc.match_substring_regex(text, NAMELIKE_LOCAL).to_numpy(zero_copy_only=False))
    namelike &= ~random
    tmpl = email_templates(low, None)
    has = tmpl.code >= 0
    template = (
        tmpl.names.take(pa.array(np.maximum(tmpl.code, 0)))
        if len(tmpl.names)
        else pa.nulls(len(low), pa.string())
    )
    null_b = pa.scalar(None, pa.bool_())
    return LocalSignals(
        random=pc.if_else(valid, pa.array(random), null_b),
        namelike=pc.if_else(valid, pa.array(namelike), null_b),
        template=plain(pc.if_else(pa.array(has), template, pa.scalar(None, pa.string()))),
        number=pa.array(np.nan_to_num(tmpl.number, nan=0).astype(np.int64), mask=np.isnan(tmpl.number)),
        shape=pc.if_else(valid, _templates(text, random, digits, length), pa.scalar(None, pa.string())),
    )


def _templates(text: pa.Array, random: np.ndarray, digits: np.ndarray, length: np.ndarray) -> pa.Array:
    shape = pc.replace_substring_regex(pc.replace_substring_regex(text, "[0-9]", "9"), r"\pL+", "a")
    classes = np.where(digits == 0, "a", np.where(digits == length, "9", "an"))
    rand = pc.binary_join_element_wise(
        "~", pa.array(classes), pc.cast(pa.array(length.astype(np.int64)), pa.string()), ""
    )
    return plain(pc.if_else(pa.array(random), rand, shape))


# --------------------------------------------------------------------------- IP addresses

_OCTET = r"(?:0|[1-9][0-9]{0,2})"
_IPV4_RE = rf"^(?P<a>{_OCTET})\.(?P<b>{_OCTET})\.(?P<c>{_OCTET})\.(?P<d>{_OCTET})$"


@dataclass
class ParsedIPs:
    """Parsed addresses, aligned with the input.

    ``hi``/``lo`` are the address as two unsigned 64-bit halves (IPv4 in the low 32 bits of
    ``lo``), used to mask prefixes for longest-prefix matching; ``invalid`` marks non-null
    inputs that are not addresses.
    """

    ip: pa.Array
    version: pa.Array
    hi: pa.Array
    lo: pa.Array
    subnet: pa.Array
    invalid: np.ndarray


def _parse_ipv4(values: pa.Array) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """(ok mask, address as uint64, "a.b.c.0/24" text) for dotted-quad IPv4 strings.

    The regex refuses leading zeros, so a matching string already is its canonical form.
    """
    parts = pc.extract_regex(values, _IPV4_RE)
    ok = pc.fill_null(pc.is_valid(parts), False).to_numpy(zero_copy_only=False)
    value = np.zeros(len(values), dtype=np.uint64)
    fields = []
    for name in "abcd":
        field = pc.struct_field(parts, name)
        fields.append(field)
        octet = pc.fill_null(pc.cast(field, pa.uint16()), 0).to_numpy(zero_copy_only=False).astype(np.uint64)
        ok = ok & (octet <= 255)
        value = (value << np.uint64(8)) | octet
    subnet = pc.binary_join_element_wise(fields[0], fields[1], fields[2], "0/24", ".")
    return np.asarray(ok), np.where(ok, value, np.uint64(0)), subnet


def _ipv4_text(value: np.ndarray) -> pa.Array:
    octets = [
        pc.cast(pa.array((value >> np.uint64(s)) & np.uint64(255)), pa.string()) for s in (24, 16, 8, 0)
    ]
    return pc.binary_join_element_wise(*octets, ".")


def _ipv6_distinct(
    values: list[str | None],
) -> tuple[list[bool], list[str | None], list[int], list[int], list[int], list[str | None]]:
    """Parse IPv6 strings one by one (called on distinct values only)."""
    n = len(values)
    ok = [False] * n
    text: list[str | None] = [None] * n
    version = [6] * n
    hi = [0] * n
    lo = [0] * n
    subnet: list[str | None] = [None] * n
    mapped_prefix = b"\x00" * 10 + b"\xff\xff"
    for i, v in enumerate(values):
        if v is None:
            continue
        try:
            packed = socket.inet_pton(socket.AF_INET6, v)
        except (OSError, ValueError):
            continue
        ok[i] = True
        if packed[:12] == mapped_prefix:  # IPv4-mapped -> IPv4
            text[i] = socket.inet_ntop(socket.AF_INET, packed[12:])
            version[i] = 4
            lo[i] = int.from_bytes(packed[12:], "big")
            subnet[i] = socket.inet_ntop(socket.AF_INET, packed[12:15] + b"\x00") + "/24"
            continue
        text[i] = _ipv6_text(packed)
        hi[i] = int.from_bytes(packed[:8], "big")
        lo[i] = int.from_bytes(packed[8:], "big")
        subnet[i] = _ipv6_text(packed[:6] + b"\x00" * 10) + "/48"
    return ok, text, version, hi, lo, subnet


_IPV4_COMPATIBLE = bytes(12)


def _ipv6_text(packed: bytes) -> str:
    """RFC 5952 text of a packed IPv6 address, as ``ipaddress`` writes it.

    glibc's ``inet_ntop`` writes the deprecated IPv4-compatible block ``::/96`` in dotted form
    (``::0.1.0.0``); the stores canonicalise search terms with ``ipaddress`` (``::1:0``), so the
    rare addresses there go through ``ipaddress`` too.
    """
    if packed[:12] == _IPV4_COMPATIBLE:
        return str(ipaddress.IPv6Address(packed))
    return socket.inet_ntop(socket.AF_INET6, packed)


def _parse_distinct_ips(values: pa.Array) -> ParsedIPs:
    n = len(values)
    ok, value, subnet4 = _parse_ipv4(values)
    null_s = pa.scalar(None, pa.string())
    ip = pc.if_else(pa.array(ok), values, null_s)
    subnet = pc.if_else(pa.array(ok), subnet4, null_s)
    version = np.where(ok, 4, 0).astype(np.int64)
    hi = np.zeros(n, dtype=np.uint64)
    lo = value
    colon = np.flatnonzero(
        pc.fill_null(pc.match_substring(values, ":"), False).to_numpy(zero_copy_only=False)
    )
    if len(colon):
        ok6, text6, ver6, hi6, lo6, sub6 = _ipv6_distinct(values.take(pa.array(colon)).to_pylist())
        ok6a = np.array(ok6, dtype=bool)
        idx = colon[ok6a]
        ok[idx] = True
        version[idx] = np.array(ver6, dtype=np.int64)[ok6a]
        hi[idx] = np.array(hi6, dtype=np.uint64)[ok6a]
        lo[idx] = np.array(lo6, dtype=np.uint64)[ok6a]
        # scatter the IPv6 texts in without a Python round trip over all values:
        # position i takes element pick[i] of concat(v4 values, v6 values)
        pick = np.arange(n, dtype=np.int64)
        pick[colon] = n + np.arange(len(colon), dtype=np.int64)
        ip = pa.concat_arrays([plain(ip), pa.array(text6, pa.string())]).take(pa.array(pick))
        subnet = pa.concat_arrays([plain(subnet), pa.array(sub6, pa.string())]).take(pa.array(pick))
    mask = ~ok
    return ParsedIPs(
        ip=plain(ip),
        version=pa.array(version, pa.int64(), mask=mask),
        hi=pa.array(hi, pa.uint64(), mask=mask),
        lo=pa.array(lo, pa.uint64(), mask=mask),
        subnet=plain(subnet),
        invalid=~ok,
    )


def parse_ips(values: pa.Array | pa.ChunkedArray) -> ParsedIPs:
    """Validate and canonicalise IPv4/IPv6 addresses; derive the /24 (IPv4) or /48 (IPv6).

    Canonical text is dotted-quad for IPv4 and RFC 5952 compressed lower-case for IPv6;
    IPv4-mapped IPv6 (``::ffff:1.2.3.4``) becomes the IPv4 address. Octets with leading zeros
    are refused (ambiguous: octal in some tools). Work is done once per distinct value.
    """
    arr = clean_strings(values)
    encoded = pc.dictionary_encode(arr)
    indices = encoded.indices
    parsed = _parse_distinct_ips(plain(encoded.dictionary))
    taken = {
        name: plain(getattr(parsed, name).take(indices)) for name in ("ip", "version", "hi", "lo", "subnet")
    }
    invalid_d = pa.array(parsed.invalid)
    invalid = np.asarray(pc.fill_null(invalid_d.take(indices), False).to_numpy(zero_copy_only=False))
    return ParsedIPs(invalid=invalid, **taken)


@dataclass
class ParsedNetworks:
    """CIDR networks: canonical ``addr/len`` text, version, masked halves, prefix length."""

    network: pa.Array
    version: pa.Array
    hi: pa.Array
    lo: pa.Array
    plen: pa.Array
    invalid: np.ndarray
    host_bits: np.ndarray  # valid networks whose address had bits set beyond the prefix


def prefix_masks(version: np.ndarray, plen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mask_hi, mask_lo) keeping the first ``plen`` bits of a v4 (32-bit) or v6 (128-bit) address."""
    version = np.asarray(version, dtype=np.int64)
    plen = np.asarray(plen, dtype=np.int64)
    bits = np.where(version == 4, plen + 96, plen)  # v4 lives in the low 32 bits of 128
    bits = np.clip(bits, 0, 128)
    full = np.uint64(0xFFFFFFFFFFFFFFFF)
    hi_bits = np.clip(bits, 0, 64)
    lo_bits = np.clip(bits - 64, 0, 64)

    def _mask(b: np.ndarray) -> np.ndarray:
        # a shift by 64 is undefined, so b == 0 (no bits kept) is handled apart
        shift = np.where(b == 0, 0, 64 - b).astype(np.uint64)
        return np.where(b == 0, np.uint64(0), full << shift).astype(np.uint64)

    mask_hi = _mask(hi_bits)
    mask_lo = _mask(lo_bits)
    # for v4 the high half is unused and the low half's upper 32 bits are zero in the address
    mask_hi = np.where(version == 4, np.uint64(0), mask_hi)
    mask_lo = np.where(version == 4, mask_lo & np.uint64(0xFFFFFFFF), mask_lo)
    return mask_hi.astype(np.uint64), mask_lo.astype(np.uint64)


def parse_networks(values: pa.Array | pa.ChunkedArray) -> ParsedNetworks:
    """Parse ``addr`` or ``addr/len`` (IPv4 or IPv6); a bare address is a /32 or /128.

    An address with host bits set (``10.1.2.3/8``) is masked to its network and flagged in
    ``host_bits`` so the caller can warn; an unparsable address or prefix is ``invalid``.
    """
    arr = clean_strings(values)
    parts = pc.extract_regex(arr, r"^(?P<addr>[^/]+?)(?:/(?P<plen>[0-9]{1,3}))?$")
    matched = pc.fill_null(pc.is_valid(parts), False).to_numpy(zero_copy_only=False)
    ips = parse_ips(pc.if_else(pa.array(matched), parts.field("addr"), pa.scalar(None, pa.string())))
    plen_txt = parts.field("plen")
    has_plen = pc.fill_null(pc.and_(pc.is_valid(plen_txt), pc.not_equal(plen_txt, "")), False)
    version = ips.version.to_numpy(zero_copy_only=False)
    version = np.nan_to_num(np.asarray(version, dtype=np.float64), nan=0).astype(np.int64)
    maxlen = np.where(version == 4, 32, 128)
    plen = np.where(
        has_plen.to_numpy(zero_copy_only=False),
        pc.cast(pc.if_else(has_plen, plen_txt, "0"), pa.int64()).to_numpy(zero_copy_only=False),
        maxlen,
    )
    present = pc.is_valid(arr).to_numpy(zero_copy_only=False)
    ok = present & matched & ~ips.invalid & (version > 0) & (plen <= maxlen)
    hi = np.asarray(pc.fill_null(ips.hi, 0).to_numpy(zero_copy_only=False), dtype=np.uint64)
    lo = np.asarray(pc.fill_null(ips.lo, 0).to_numpy(zero_copy_only=False), dtype=np.uint64)
    mhi, mlo = prefix_masks(version, plen)
    nhi, nlo = hi & mhi, lo & mlo
    host_bits = ok & ((nhi != hi) | (nlo != lo))
    text = _network_text(version, nhi, nlo, plen, ok)
    mask = ~ok
    return ParsedNetworks(
        network=text,
        version=pa.array(version, pa.int64(), mask=mask),
        hi=pa.array(nhi, pa.uint64(), mask=mask),
        lo=pa.array(nlo, pa.uint64(), mask=mask),
        plen=pa.array(plen, pa.int64(), mask=mask),
        invalid=present & ~ok,
        host_bits=host_bits,
    )


def _network_text(
    version: np.ndarray, hi: np.ndarray, lo: np.ndarray, plen: np.ndarray, ok: np.ndarray
) -> pa.Array:
    out: list[str | None] = [None] * len(version)
    v4 = ok & (version == 4)
    if v4.any():
        idx = np.flatnonzero(v4)
        txt = pc.binary_join_element_wise(
            _ipv4_text(lo[idx]), pc.cast(pa.array(plen[idx]), pa.string()), "/"
        ).to_pylist()
        for j, i in enumerate(idx):
            out[i] = txt[j]
    # networks are a small table: IPv6 text via the C formatter, one per row
    for i in np.flatnonzero(ok & (version == 6)):
        packed = int(hi[i]).to_bytes(8, "big") + int(lo[i]).to_bytes(8, "big")
        out[i] = f"{_ipv6_text(packed)}/{int(plen[i])}"
    return pa.array(out, pa.string())


def network_table(parsed: ParsedNetworks, provider: pa.Array, kind: pa.Array) -> pa.Table:
    """The ``networks`` relation of ``longest_prefix_index`` (valid rows only, with masks)."""
    keep = pa.array(~parsed.invalid & pc.is_valid(parsed.network).to_numpy(zero_copy_only=False))
    version = parsed.version.filter(keep).to_numpy(zero_copy_only=False)
    plen = parsed.plen.filter(keep).to_numpy(zero_copy_only=False)
    mhi, mlo = prefix_masks(version, plen)
    return pa.table(
        {
            "network": parsed.network.filter(keep),
            "version": parsed.version.filter(keep),
            "net_hi": parsed.hi.filter(keep),
            "net_lo": parsed.lo.filter(keep),
            "plen": parsed.plen.filter(keep),
            "mask_hi": pa.array(mhi, pa.uint64()),
            "mask_lo": pa.array(mlo, pa.uint64()),
            "provider": plain(provider).filter(keep),
            "kind": plain(kind).filter(keep),
        }
    )


def _numpy(values: pa.Array | pa.ChunkedArray | np.ndarray, dtype: type, fill: int = 0) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values.astype(dtype, copy=False)
    return np.asarray(pc.fill_null(values, fill).to_numpy(zero_copy_only=False), dtype=dtype)


def longest_prefix_index(
    version: pa.Array | pa.ChunkedArray | np.ndarray,
    hi: pa.Array | pa.ChunkedArray | np.ndarray,
    lo: pa.Array | pa.ChunkedArray | np.ndarray,
    networks: pa.Table,
) -> np.ndarray:
    """For each address, the row of ``networks`` (``network_table``) with the longest matching
    prefix, or -1 (null addresses never match).

    One exact hash lookup per distinct (version, prefix length) of the networks, longest
    first, over the addresses still unmatched: a few vectorised passes whatever the sizes.
    """
    ver = _numpy(version, np.int64)
    ip_hi = _numpy(hi, np.uint64)
    ip_lo = _numpy(lo, np.uint64)
    out = np.full(len(ver), -1, dtype=np.int64)
    if networks.num_rows == 0 or len(ver) == 0:
        return out
    n_ver = _numpy(networks.column("version"), np.int64)
    n_plen = _numpy(networks.column("plen"), np.int64)
    n_hi = _numpy(networks.column("net_hi"), np.uint64)
    n_lo = _numpy(networks.column("net_lo"), np.uint64)
    m_hi = _numpy(networks.column("mask_hi"), np.uint64)
    m_lo = _numpy(networks.column("mask_lo"), np.uint64)
    groups = sorted({(int(v), int(p)) for v, p in zip(n_ver, n_plen, strict=True)}, key=lambda g: -g[1])
    for v, plen in groups:
        rows = np.flatnonzero((n_ver == v) & (n_plen == plen))
        todo = np.flatnonzero((out < 0) & (ver == v))
        if len(todo) == 0:
            continue
        mhi, mlo = m_hi[rows[0]], m_lo[rows[0]]
        q_hi, q_lo = ip_hi[todo] & mhi, ip_lo[todo] & mlo
        if v == 4 or plen <= 64:
            # one 64-bit key holds every bit the prefix keeps (v4: the low half; v6: the high)
            keys, query = (n_lo[rows], q_lo) if v == 4 else (n_hi[rows], q_hi)
            pos = _numpy(pc.index_in(pa.array(query), value_set=pa.array(keys)), np.int64, -1)
        else:
            both = np.dtype([("hi", np.uint64), ("lo", np.uint64)])
            keys = np.empty(len(rows), dtype=both)
            keys["hi"], keys["lo"] = n_hi[rows], n_lo[rows]
            order = np.argsort(keys, kind="stable")
            sorted_keys = keys[order]
            q = np.empty(len(todo), dtype=both)
            q["hi"], q["lo"] = q_hi, q_lo
            at = np.minimum(np.searchsorted(sorted_keys, q), len(rows) - 1)
            found = (sorted_keys["hi"][at] == q_hi) & (sorted_keys["lo"][at] == q_lo)
            pos = np.where(found, order[at], -1)
        hit = pos >= 0
        out[todo[hit]] = rows[pos[hit]]
    return out


def longest_prefix_match(ips: pa.Table, networks: pa.Table) -> pa.Table:
    """Match ``ips(ip, version, ip_hi, ip_lo)`` to ``network_table`` rows, longest prefix wins.

    Returns ``(ip, provider, kind, network)`` for the matched IPs (see ``longest_prefix_index``).
    """
    idx = longest_prefix_index(ips.column("version"), ips.column("ip_hi"), ips.column("ip_lo"), networks)
    hit = np.flatnonzero(idx >= 0)
    take = pa.array(idx[hit])
    return pa.table(
        {
            "ip": plain(ips.column("ip")).take(pa.array(hit)),
            "provider": networks.column("provider").take(take),
            "kind": networks.column("kind").take(take),
            "network": networks.column("network").take(take),
        }
    )


# --------------------------------------------------------------------------- timestamps, dates, bools, ints

_DATE_ONLY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_HAS_ZONE = r"([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$"


def _failures(values: pa.Array, convert: object, limit: int = 20) -> np.ndarray:
    """Positions where ``convert`` raises, found by bisection (only used on the error path)."""
    bad: list[int] = []

    def visit(lo: int, hi: int) -> None:
        if len(bad) >= limit or hi <= lo:
            return
        try:
            convert(values.slice(lo, hi - lo))  # type: ignore[operator]
            return
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError, OverflowError):
            if hi - lo == 1:
                bad.append(lo)
                return
        mid = (lo + hi) // 2
        visit(lo, mid)
        visit(mid, hi)

    visit(0, len(values))
    mask = np.zeros(len(values), dtype=bool)
    mask[bad] = True
    return mask


def _cast_or_null(values: pa.Array, target: pa.DataType, convert: object) -> tuple[pa.Array, np.ndarray]:
    try:
        return pc.cast(values, target), np.zeros(len(values), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OverflowError):
        bad = _failures(values, convert)
        # if the bisection stopped at its limit, null out just the failures it found and
        # leave the rest null too: the load fails anyway, the mask names the rows
        good = pa.array(~bad)
        try:
            out = pc.cast(pc.if_else(good, values, pa.scalar(None, values.type)), target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OverflowError):
            out = pa.nulls(len(values), target)
        return out, bad


_US_YEAR_ONE = -62135596800_000_000  # 0001-01-01T00:00:00Z in microseconds since the epoch
_DAY_ONE = -719162  # 0001-01-01 in days since the epoch


def _before_year_one(ts: pa.Array) -> np.ndarray:
    """Year 0 and earlier parse in Arrow but are not real dates; compare the raw integers."""
    raw = pc.cast(ts, pa.int64())
    return np.asarray(pc.fill_null(pc.less(raw, _US_YEAR_ONE), False).to_numpy(zero_copy_only=False))


def parse_timestamps(values: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """ISO 8601 text (``Z`` or offset; naive means UTC; date-only means midnight UTC) to UTC us.

    Also accepts Arrow timestamps (naive ones are taken as UTC) and dates. Returns the values
    and a mask of rejected non-null inputs: impossible dates (``2024-02-30``), year 0, text
    that is not ISO 8601. Other types raise ``TypeError`` (a wrong-typed column).
    """
    arr = plain(values)
    n = len(arr)
    if pa.types.is_null(arr.type):
        return pa.nulls(n, UTC_US), np.zeros(n, dtype=bool)
    if pa.types.is_timestamp(arr.type):
        if arr.type.tz is None:
            out = pc.cast(pc.cast(arr, pa.timestamp("us")), UTC_US)
        else:
            out = pc.cast(arr, UTC_US)
        return out, np.zeros(n, dtype=bool)
    if pa.types.is_date(arr.type):
        return pc.cast(pc.cast(arr, pa.timestamp("us")), UTC_US), np.zeros(n, dtype=bool)
    text = clean_strings(arr)
    # fast path: every value already ends in "Z" (the usual export) needs no rewriting
    if not pc.all(pc.fill_null(pc.ends_with(text, "Z"), True)).as_py():
        date_only = pc.fill_null(pc.match_substring_regex(text, _DATE_ONLY), False)
        zoned = pc.fill_null(pc.match_substring_regex(text, _HAS_ZONE), False)
        text = pc.if_else(date_only, pc.binary_join_element_wise(text, "T00:00:00Z", ""), text)
        text = pc.if_else(pc.or_(date_only, zoned), text, pc.binary_join_element_wise(text, "Z", ""))

    def convert(a: pa.Array) -> pa.Array:
        return pc.cast(a, UTC_US)

    out, bad = _cast_or_null(text, UTC_US, convert)
    year0 = _before_year_one(out)
    if year0.any():
        bad = bad | year0
        out = pc.if_else(pa.array(~year0), out, pa.scalar(None, UTC_US))
    return out, bad


def parse_dates(values: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """ISO dates (``2024-05-01``; a full timestamp is accepted and converted to its UTC day)."""
    arr = plain(values)
    n = len(arr)
    if pa.types.is_null(arr.type):
        return pa.nulls(n, pa.date32()), np.zeros(n, dtype=bool)
    if pa.types.is_date(arr.type) or pa.types.is_timestamp(arr.type):
        ts, bad = parse_timestamps(arr)
        return pc.cast(pc.cast(ts, pa.timestamp("us")), pa.date32()), bad
    text = clean_strings(arr)
    date_only = pc.fill_null(pc.match_substring_regex(text, _DATE_ONLY), False)
    if pc.all(pc.or_(date_only, pc.is_null(text))).as_py() is not False:

        def convert(a: pa.Array) -> pa.Array:
            return pc.cast(a, pa.date32())

        out, bad = _cast_or_null(text, pa.date32(), convert)
    else:
        ts, bad = parse_timestamps(text)
        out = pc.cast(pc.cast(ts, pa.timestamp("us")), pa.date32())
    year0 = np.asarray(
        pc.fill_null(pc.less(pc.cast(out, pa.int32()), _DAY_ONE), False).to_numpy(zero_copy_only=False)
    )
    return pc.if_else(pa.array(~year0), out, pa.scalar(None, pa.date32())), bad | year0


TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")


def parse_bools(values: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """true/false, 1/0, yes/no (any case) to booleans; anything else is rejected."""
    arr = plain(values)
    n = len(arr)
    if pa.types.is_null(arr.type):
        return pa.nulls(n, pa.bool_()), np.zeros(n, dtype=bool)
    if pa.types.is_boolean(arr.type):
        return arr, np.zeros(n, dtype=bool)
    if pa.types.is_integer(arr.type):
        arr = pc.cast(arr, pa.string())
    text = pc.utf8_lower(clean_strings(arr))
    is_true = pc.is_in(text, value_set=pa.array(TRUE_WORDS))
    is_false = pc.is_in(text, value_set=pa.array(FALSE_WORDS))
    bad = pc.and_(pc.is_valid(text), pc.invert(pc.or_(is_true, is_false)))
    out = pc.if_else(pc.is_valid(text), is_true, pa.scalar(None, pa.bool_()))
    out = pc.if_else(bad, pa.scalar(None, pa.bool_()), out)
    return out, np.asarray(bad.to_numpy(zero_copy_only=False))


def parse_ints(values: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, np.ndarray]:
    """Integers from integer columns, integral floats, or decimal text; others rejected."""
    arr = plain(values)
    n = len(arr)
    if pa.types.is_null(arr.type):
        return pa.nulls(n, pa.int64()), np.zeros(n, dtype=bool)
    if pa.types.is_integer(arr.type):
        return pc.cast(arr, pa.int64()), np.zeros(n, dtype=bool)
    if pa.types.is_floating(arr.type):
        integral = pc.fill_null(pc.equal(pc.floor(arr), arr), True)
        bad = np.asarray(pc.invert(integral).to_numpy(zero_copy_only=False))
        good = pc.if_else(integral, arr, pa.scalar(None, arr.type))
        return pc.cast(good, pa.int64()), bad
    text = clean_strings(arr)

    def convert(a: pa.Array) -> pa.Array:
        return pc.cast(a, pa.int64())

    return _cast_or_null(text, pa.int64(), convert)


def negative(values: pa.Array) -> np.ndarray:
    """Mask of negative integers (counts must not be negative)."""
    return np.asarray(pc.fill_null(pc.less(values, 0), False).to_numpy(zero_copy_only=False))


# --------------------------------------------------------------------------- extra columns as JSON

_ESCAPES = (
    ("\\", "\\\\"),
    ('"', '\\"'),
    ("\n", "\\n"),
    ("\r", "\\r"),
    ("\t", "\\t"),
    ("\b", "\\b"),
    ("\f", "\\f"),
)


def _json_string(values: pa.Array) -> pa.Array:
    out = values
    for raw, escaped in _ESCAPES:
        out = pc.replace_substring(out, raw, escaped)
    if pc.any(pc.match_substring_regex(out, "[\x00-\x1f]")).as_py():
        for code in range(0x20):
            out = pc.replace_substring(out, chr(code), f"\\u{code:04x}")
    return pc.binary_join_element_wise('"', out, '"', "")


def json_objects(columns: dict[str, pa.Array], n: int) -> pa.Array:
    """One JSON object per row from several columns; null values are left out, empty -> null.

    Integers and booleans stay JSON numbers/booleans; everything else becomes a JSON string.
    Keys are the column names. Built with string kernels, so it costs a few passes per column.
    """
    if not columns:
        return pa.nulls(n, pa.string())
    pieces = []
    for name, values in columns.items():
        arr = plain(values)
        if pa.types.is_integer(arr.type) or pa.types.is_boolean(arr.type):
            rendered = pc.cast(arr, pa.string())
        else:
            rendered = _json_string(pc.cast(arr, pa.string()))
        pieces.append(pc.binary_join_element_wise("," + json.dumps(name) + ":", rendered, ""))
    # null_handling="skip" drops all-null rows in pyarrow 26; join with "" and trim instead
    body = pc.binary_join_element_wise(*pieces, "", null_handling="replace", null_replacement="")
    body = pc.utf8_ltrim(body, ",")
    wrapped = pc.binary_join_element_wise("{", body, "}", "")
    return pc.if_else(_empty(body), pa.scalar(None, pa.string()), wrapped)
