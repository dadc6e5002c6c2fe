"""Unit tests of the vectorised normalisers (loaders.normalise) and card detection (loaders.cards)."""

from __future__ import annotations

import ipaddress
from datetime import UTC, date, datetime

import numpy as np
import pyarrow as pa
import pytest
from linkgraph.loaders import cards, normalise
from linkgraph.loaders.privacy import pseudonymise_values


def arr(*values: object) -> pa.Array:
    return pa.array(list(values), pa.string())


# --------------------------------------------------------------------------- strings


def test_clean_strings_trims_and_nulls_empty() -> None:
    out = normalise.clean_strings(arr("  a ", "", "   ", None, "b"))
    assert out.to_pylist() == ["a", None, None, None, "b"]


def test_clean_strings_accepts_integers_refuses_floats() -> None:
    assert normalise.clean_strings(pa.array([1, None, 30])).to_pylist() == ["1", None, "30"]
    with pytest.raises(TypeError):
        normalise.clean_strings(pa.array([1.5]))


def test_contains_nul() -> None:
    assert normalise.contains_nul(arr("ok", "b\x00d", None)).tolist() == [False, True, False]


# --------------------------------------------------------------------------- emails


def test_emails_webmail_dots_and_tags_removed() -> None:
    e = normalise.normalise_emails(
        arr("J.Doe+promo@GoogleMail.com", "j.d.o.e@gmail.com", "Jane.Roe@Outlook.com")
    )
    assert e.domain.to_pylist() == ["gmail.com", "gmail.com", "outlook.com"]
    assert e.local.to_pylist() == ["jdoe", "jdoe", "janeroe"]
    # the full address is kept as exported (trimmed)
    assert e.email.to_pylist()[0] == "J.Doe+promo@GoogleMail.com"


def test_emails_other_domains_keep_dots_lose_tag() -> None:
    e = normalise.normalise_emails(arr("First.Last+x@Corp.Example.COM", "bad-address", None, " a@b.io "))
    assert e.domain.to_pylist() == ["corp.example.com", None, None, "b.io"]
    assert e.local.to_pylist() == ["first.last", None, None, "a"]
    assert e.invalid.tolist() == [False, True, False, False]


def test_domain_flags_builtin_and_packaged_disposable_list() -> None:
    webmail, disposable = normalise.domain_flags(
        arr("gmail.com", "mailinator.com", "yopmail.com", "corp.com", None)
    )
    assert webmail.to_pylist() == [True, False, False, False, None]
    assert disposable.to_pylist() == [False, True, True, False, None]
    # a domain that is only in loaders/disposable_domains.txt
    assert "burnermail.io" in normalise.disposable_domains()
    assert normalise.domain_flags(arr("burnermail.io"))[1].to_pylist() == [True]


# --------------------------------------------------------------------------- IPs


def test_parse_ipv4_canonical_subnet_and_invalid() -> None:
    p = normalise.parse_ips(arr(" 10.0.0.1 ", "01.2.3.4", "256.1.1.1", "1.2.3", "abc", None, "192.168.7.200"))
    assert p.ip.to_pylist() == ["10.0.0.1", None, None, None, None, None, "192.168.7.200"]
    assert p.version.to_pylist() == [4, None, None, None, None, None, 4]
    assert p.subnet.to_pylist() == ["10.0.0.0/24", None, None, None, None, None, "192.168.7.0/24"]
    assert p.invalid.tolist() == [False, True, True, True, True, False, False]
    assert p.lo.to_pylist()[0] == int(ipaddress.ip_address("10.0.0.1"))


def test_parse_ipv6_compressed_mapped_and_subnet() -> None:
    p = normalise.parse_ips(
        arr("2001:DB8:0:0:0:0:0:1", "::FFFF:1.2.3.4", "2001:db8:abcd:12::5", "fe80::1::2", "1.2.3.4")
    )
    assert p.ip.to_pylist() == ["2001:db8::1", "1.2.3.4", "2001:db8:abcd:12::5", None, "1.2.3.4"]
    assert p.version.to_pylist() == [6, 4, 6, None, 4]
    assert p.subnet.to_pylist() == ["2001:db8::/48", "1.2.3.0/24", "2001:db8:abcd::/48", None, "1.2.3.0/24"]
    assert p.invalid.tolist() == [False, False, False, True, False]
    full = int(ipaddress.ip_address("2001:db8:abcd:12::5"))
    assert (p.hi.to_pylist()[2], p.lo.to_pylist()[2]) == (full >> 64, full & (2**64 - 1))


def test_parse_ips_agrees_with_ipaddress_on_random_values() -> None:
    rng = np.random.default_rng(7)
    v4 = [str(ipaddress.IPv4Address(int(x))) for x in rng.integers(0, 2**32, 300)]
    v6 = [str(ipaddress.IPv6Address(int(a) << 64 | int(b))) for a, b in rng.integers(0, 2**63, (300, 2))]
    p = normalise.parse_ips(pa.array(v4 + v6))
    assert p.ip.to_pylist() == v4 + v6
    assert not p.invalid.any()


def test_parse_networks_cidr_bare_ip_host_bits_and_bad() -> None:
    n = normalise.parse_networks(
        arr("10.0.0.0/8", "10.1.2.3/8", "1.2.3.4", "2001:DB8::/32", "1.2.3.0/33", "x/8", None)
    )
    assert n.network.to_pylist() == [
        "10.0.0.0/8",
        "10.0.0.0/8",
        "1.2.3.4/32",
        "2001:db8::/32",
        None,
        None,
        None,
    ]
    assert n.plen.to_pylist()[:4] == [8, 8, 32, 32]
    assert n.invalid.tolist() == [False, False, False, False, True, True, False]
    assert n.host_bits.tolist() == [False, True, False, False, False, False, False]


def test_prefix_masks() -> None:
    hi, lo = normalise.prefix_masks(np.array([4, 4, 4, 6, 6, 6]), np.array([0, 24, 32, 0, 48, 128]))
    assert lo[:3].tolist() == [0, 0xFFFFFF00, 0xFFFFFFFF]
    assert hi[3:].tolist() == [0, 0xFFFFFFFFFFFF0000, 2**64 - 1]
    assert lo[3:].tolist() == [0, 0, 2**64 - 1]


def _ips_table(values: list[str]) -> pa.Table:
    p = normalise.parse_ips(pa.array(values))
    return pa.table({"ip": p.ip, "version": p.version, "ip_hi": p.hi, "ip_lo": p.lo})


def test_longest_prefix_match_prefers_longest_and_handles_v6() -> None:
    nets = normalise.parse_networks(
        arr("10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "2001:db8::/32", "2001:db8:1::/48")
    )
    networks = normalise.network_table(
        nets,
        arr("isp", "proxyA", "proxyB", "vpn6", "corp6"),
        arr("isp", "residential_proxy", "datacenter", "vpn", "corporate"),
    )
    ips = _ips_table(["10.9.9.9", "10.1.9.9", "10.1.2.3", "11.0.0.1", "2001:db8:2::1", "2001:db8:1:5::9"])
    got = {
        r["ip"]: (r["provider"], r["network"])
        for r in normalise.longest_prefix_match(ips, networks).to_pylist()
    }
    assert got == {
        "10.9.9.9": ("isp", "10.0.0.0/8"),
        "10.1.9.9": ("proxyA", "10.1.0.0/16"),
        "10.1.2.3": ("proxyB", "10.1.2.0/24"),
        "2001:db8:2::1": ("vpn6", "2001:db8::/32"),
        "2001:db8:1:5::9": ("corp6", "2001:db8:1::/48"),
    }


# --------------------------------------------------------------------------- timestamps, dates, bools, ints


def test_timestamps_offsets_naive_and_date_only_to_utc() -> None:
    values, bad = normalise.parse_timestamps(
        arr(
            "2024-01-01T00:00:00Z",
            "2024-01-01T05:30:00+05:30",
            "2024-01-01 00:00:00",
            "2024-01-01",
            "2023-12-31T19:00:00-0500",
            None,
        )
    )
    assert values.type == pa.timestamp("us", tz="UTC")
    expected = datetime(2024, 1, 1, tzinfo=UTC)
    assert values.to_pylist()[:5] == [expected] * 5
    assert values.to_pylist()[5] is None
    assert not bad.any()


def test_timestamps_impossible_values_are_flagged() -> None:
    values, bad = normalise.parse_timestamps(
        arr("2024-01-01T00:00:00Z", "2024-02-30T00:00:00Z", "0000-01-01T00:00:00Z", "yesterday", "2023-02-29")
    )
    assert bad.tolist() == [False, True, True, True, True]
    assert values.to_pylist()[1:] == [None] * 4


def test_timestamps_from_arrow_types() -> None:
    naive = pa.array([datetime(2024, 1, 1, 12)], pa.timestamp("s"))
    values, bad = normalise.parse_timestamps(naive)
    assert values.to_pylist() == [datetime(2024, 1, 1, 12, tzinfo=UTC)]
    with pytest.raises(TypeError):
        normalise.parse_timestamps(pa.array([1.5]))


def test_dates() -> None:
    values, bad = normalise.parse_dates(arr("2024-05-01", "2024-02-30", None))
    assert values.to_pylist() == [date(2024, 5, 1), None, None]
    assert bad.tolist() == [False, True, False]


def test_bools() -> None:
    values, bad = normalise.parse_bools(arr("TRUE", "no", "1", "Yes", "0", "False", "maybe", None))
    assert values.to_pylist() == [True, False, True, True, False, False, None, None]
    assert bad.tolist() == [False] * 6 + [True, False]


def test_ints_and_negative() -> None:
    values, bad = normalise.parse_ints(arr("1", " 22 ", "-3", "x", "1.5", None))
    assert values.to_pylist() == [1, 22, -3, None, None, None]
    assert bad.tolist() == [False, False, False, True, True, False]
    assert normalise.negative(values).tolist() == [False, False, True, False, False, False]
    floats, bad = normalise.parse_ints(pa.array([2.0, 2.5, None]))
    assert floats.to_pylist() == [2, None, None] and bad.tolist() == [False, True, False]


def test_json_objects_escaping_types_and_all_null_rows() -> None:
    import json

    out = normalise.json_objects(
        {
            "note": arr('say "hi"\n', None, None),
            "n": pa.array([1, None, 3]),
            "ok": pa.array([True, None, None]),
        },
        3,
    ).to_pylist()
    assert json.loads(out[0]) == {"note": 'say "hi"\n', "n": 1, "ok": True}
    assert out[1] is None
    assert json.loads(out[2]) == {"n": 3}


# --------------------------------------------------------------------------- cards


@pytest.mark.parametrize(
    "value",
    [
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "378282246310005",
        "6011000990139424",
        "4222222222222",
    ],
)
def test_card_numbers_found(value: str) -> None:
    assert cards.is_card_number(value)


@pytest.mark.parametrize(
    "value",
    ["4111111111111112", "fp_4111111111111111", "411111", "1111", "123456789012", "12345678901234567890"],
)
def test_non_card_values(value: str) -> None:
    assert not cards.is_card_number(value)


def test_luhn_matches_reference_implementation() -> None:
    def luhn(s: str) -> bool:
        total = 0
        for i, ch in enumerate(reversed(s)):
            d = int(ch)
            if i % 2:
                d = d * 2 - 9 if d > 4 else d * 2
            total += d
        return total % 10 == 0

    rng = np.random.default_rng(1)
    values = ["".join(map(str, rng.integers(0, 10, int(n)))) for n in rng.integers(13, 20, 2000)]
    got = cards.luhn_valid(pa.array(values))
    assert got.tolist() == [luhn(v) for v in values]
    assert 100 < got.sum() < 300  # ~10% pass


def test_find_card_numbers_positions_and_mask() -> None:
    assert cards.find_card_numbers(arr("fp_1", None, "5555 5555 5555 4444", "x")).tolist() == [2]
    assert cards.mask_card("5555 5555 5555 4444") == "************4444"


def test_pseudonymise_is_keyed_and_consistent() -> None:
    a = pseudonymise_values(arr("1.2.3.4", "1.2.3.4", None, "5.6.7.8"), b"k1", "ip").to_pylist()
    b = pseudonymise_values(arr("1.2.3.4"), b"k2", "ip").to_pylist()
    assert a[0] == a[1] and a[0] != a[3] and a[2] is None
    assert a[0].startswith("ip:") and "1.2.3.4" not in a[0]
    assert b[0] != a[0]
