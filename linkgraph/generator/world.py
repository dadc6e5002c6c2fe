"""The synthetic internet the demo data lives in: providers, their networks and intelligence rows.

Every provider (ISP, carrier, university, residential-proxy service, VPN, cloud, corporate
office, Tor) owns IPv4 blocks handed out by a buddy allocator over public /8s, plus, for most,
an IPv6 /32. The same objects produce the ``ip_intel`` rows and sample addresses, so an address
drawn for a provider is always inside a network listed for it (except the few providers
deliberately left out of the intelligence feed, which only the logs' ``proxy_provider`` names).

IP codes: an IPv4 address is its uint32 value; an IPv6 address is
``1 << 62 | prefix48 << 13 | host`` (host < 8192), small enough to sort and deduplicate as
int64 and turned into canonical text by ``text.ipv6_text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from linkgraph.generator.vocabulary import (
    CARRIER_NAMES,
    CLOUD_NAMES,
    COUNTRIES,
    COUNTRY_WEIGHTS,
    ISP_PREFIX,
    ISP_SUFFIX,
    PROXY_NAMES,
    PROXY_NOT_IN_INTEL,
    UNIVERSITY_NAMES,
    VPN_NAMES,
)

V6_FLAG = np.int64(1 << 62)
V6_HOST_BITS = 13
ISP_COUNT = 40

# Reserved or special-purpose first octets never used for generated addresses.
_RESERVED_V4_FIRST_OCTETS = {0, 10, 100, 127, 169, 172, 192, 198, 203}
_V6_FIRST_GROUPS = [0x2001, 0x2400, 0x2600, 0x2A00, 0x2A01, 0x2A02, 0x2C0F, 0x2800]


@dataclass
class Network:
    """One provider and the address space it owns."""

    provider: str
    kind: str
    asn: int
    country: str = ""
    v4: list[tuple[int, int]] = field(default_factory=list)  # (base, prefix length)
    v6_32: int | None = None  # the first two IPv6 groups
    in_intel: bool = True

    def sample_v4(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` random host addresses (never .0 or .255) in this provider's IPv4 blocks."""
        if n == 0:
            return np.zeros(0, np.int64)
        sizes = np.array([1 << (32 - p) for _, p in self.v4], dtype=float)
        block = rng.choice(len(self.v4), size=n, p=sizes / sizes.sum())
        bases = np.array([b for b, _ in self.v4], dtype=np.int64)[block]
        span = np.array([1 << (32 - p) for _, p in self.v4], dtype=np.int64)[block]
        offset = (rng.integers(0, 1 << 32, size=n, dtype=np.int64) % span) & ~np.int64(255)
        small = span < 256
        draw = rng.integers(0, 1 << 30, size=n)
        host_small = np.where(span >= 4, 1 + draw % np.maximum(span - 2, 1), 0)
        host = np.where(small, host_small, 1 + draw % 254)
        return bases + np.where(small, 0, offset) + host

    def sample_v6_prefixes(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` random /48 prefixes (third group 0x1000-0xffff) inside the provider's /32."""
        if self.v6_32 is None:
            raise ValueError(f"{self.provider} has no IPv6 block")
        third_group = rng.integers(0x1000, 0x10000, size=n, dtype=np.int64)
        return (np.int64(self.v6_32) << 16) | third_group


def v6_codes(prefix48: np.ndarray, host: np.ndarray) -> np.ndarray:
    """IP codes for IPv6 addresses in the given /48s (``host`` < 8192 picks the address)."""
    return V6_FLAG | (np.asarray(prefix48, np.int64) << V6_HOST_BITS) | (np.asarray(host, np.int64) & 0x1FFF)


class AddressAllocator:
    """A buddy allocator over the public IPv4 /8s, with randomised halves so blocks scatter."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        first_octets = [o for o in range(1, 224) if o not in _RESERVED_V4_FIRST_OCTETS]
        order = rng.permutation(len(first_octets))
        self.free: dict[int, list[int]] = {8: [first_octets[i] << 24 for i in order]}

    def alloc(self, prefix: int) -> int:
        """The base address of a free block of length ``prefix`` (splitting a larger one)."""
        pool = self.free.setdefault(prefix, [])
        if pool:
            return pool.pop()
        if prefix <= 8:
            raise RuntimeError("IPv4 space exhausted; generate fewer accounts")
        parent = self.alloc(prefix - 1)
        half = 1 << (32 - prefix)
        keep, spare = (parent, parent + half) if self.rng.random() < 0.5 else (parent + half, parent)
        pool.append(spare)
        return keep


class V6BlockPicker:
    """Distinct IPv6 /32s (the first two groups) for the providers that have IPv6."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.seen: set[int] = set()

    def pick(self) -> int:
        while True:
            first = int(self.rng.choice(_V6_FIRST_GROUPS))
            second = int(self.rng.integers(0x1000, 0x10000))
            code = (first << 16) | second
            if code not in self.seen:
                self.seen.add(code)
                return code


@dataclass
class World:
    """All providers, grouped by role, plus the allocator state they came from."""

    isps: list[Network]
    carriers: list[Network]
    universities: list[tuple[Network, str]]  # with the email domain
    proxies: list[Network]
    vpns: list[Network]
    clouds: list[Network]
    tor: Network
    corporate: list[Network] = field(default_factory=list)
    alloc: AddressAllocator | None = None
    used_asns: set[int] = field(default_factory=set)

    def all_networks(self) -> list[Network]:
        return (
            self.isps
            + self.carriers
            + [u for u, _ in self.universities]
            + self.proxies
            + self.vpns
            + self.clouds
            + [self.tor]
            + self.corporate
        )

    def provider_names(self) -> list[str]:
        return [n.provider for n in self.all_networks()]

    def new_asn(self, rng: np.random.Generator) -> int:
        while True:
            asn = int(rng.integers(1000, 400_000))
            if asn not in self.used_asns:
                self.used_asns.add(asn)
                return asn

    def add_corporate(self, rng: np.random.Generator, name: str, country: str) -> Network:
        """A /28 office network for a verified organisation."""
        if self.alloc is None:
            raise RuntimeError("the world was built without an address allocator")
        net = Network(name, "corporate", self.new_asn(rng), country, [(self.alloc.alloc(28), 28)])
        self.corporate.append(net)
        return net


def build_world(rng: np.random.Generator, accounts: int) -> World:
    """Allocate every provider's networks, sized so home IPs rarely share a /24 by chance."""
    alloc = AddressAllocator(rng)
    world = World([], [], [], [], [], [], Network("Tor exit", "tor", 0), alloc=alloc, used_asns=set())
    v6 = V6BlockPicker(rng)
    _add_isps(world, rng, alloc, v6, accounts)
    _add_carriers_and_universities(world, rng, alloc, v6)
    _add_proxies(world, rng, alloc, v6)
    _add_vpns_clouds_and_tor(world, rng, alloc, v6)
    return world


def _add_isps(
    world: World, rng: np.random.Generator, alloc: AddressAllocator, v6: V6BlockPicker, accounts: int
) -> None:
    """One ISP per country plus more in the big ones: ~3 /24s per account overall, in /12 blocks."""
    isp_country = np.concatenate(
        [np.arange(len(COUNTRIES)), rng.choice(len(COUNTRIES), ISP_COUNT - len(COUNTRIES), p=COUNTRY_WEIGHTS)]
    )
    blocks_total = max(ISP_COUNT, int(np.ceil(3 * accounts / 4096)))
    share = COUNTRY_WEIGHTS[isp_country] / np.bincount(isp_country, minlength=len(COUNTRIES))[isp_country]
    n_blocks = np.maximum(1, np.round(share / share.sum() * blocks_total)).astype(int)
    for i in range(ISP_COUNT):
        name = f"{ISP_PREFIX[i % len(ISP_PREFIX)]} {ISP_SUFFIX[(i // len(ISP_PREFIX)) % len(ISP_SUFFIX)]}"
        if i >= len(ISP_PREFIX) * len(ISP_SUFFIX):
            name += f" {i}"
        country = COUNTRIES[isp_country[i]]
        asn = world.new_asn(rng)
        blocks = [(alloc.alloc(12), 12) for _ in range(n_blocks[i])]
        world.isps.append(Network(f"{name} ({country})", "isp", asn, country, blocks, v6.pick()))


def _add_carriers_and_universities(
    world: World, rng: np.random.Generator, alloc: AddressAllocator, v6: V6BlockPicker
) -> None:
    for name in CARRIER_NAMES:
        asn = world.new_asn(rng)
        blocks = [(alloc.alloc(14), 14) for _ in range(int(rng.integers(2, 5)))]
        world.carriers.append(Network(name, "mobile_carrier", asn, "", blocks, v6.pick()))
    for name, email_domain in UNIVERSITY_NAMES:
        asn = world.new_asn(rng)
        network = Network(name, "education", asn, "", [(alloc.alloc(16), 16)], v6.pick())
        world.universities.append((network, email_domain))


def _add_proxies(world: World, rng: np.random.Generator, alloc: AddressAllocator, v6: V6BlockPicker) -> None:
    """Residential-proxy services; some have exits inside ISP space (the intel lists a /20)."""
    for name in PROXY_NAMES:
        asn = world.new_asn(rng)
        blocks = [(alloc.alloc(16), 16) for _ in range(int(rng.integers(3, 7)))]
        net = Network(name, "residential_proxy", asn, "", blocks, v6.pick())
        net.in_intel = name not in PROXY_NOT_IN_INTEL
        # Longest prefix wins, so the /20 inside an ISP's /12 names the proxy service.
        if rng.random() < 0.4:
            isp = world.isps[int(rng.integers(len(world.isps)))]
            base, plen = isp.v4[int(rng.integers(len(isp.v4)))]
            net.v4.append((base + int(rng.integers(0, 1 << (20 - plen))) * (1 << 12), 20))
        world.proxies.append(net)


def _add_vpns_clouds_and_tor(
    world: World, rng: np.random.Generator, alloc: AddressAllocator, v6: V6BlockPicker
) -> None:
    for name in VPN_NAMES:
        asn = world.new_asn(rng)
        blocks = [(alloc.alloc(20), 20) for _ in range(int(rng.integers(2, 5)))]
        world.vpns.append(Network(name, "vpn", asn, "", blocks))
    for name in CLOUD_NAMES:
        asn = world.new_asn(rng)
        blocks = [(alloc.alloc(14), 14) for _ in range(int(rng.integers(2, 6)))]
        world.clouds.append(Network(name, "datacenter", asn, "", blocks, v6.pick()))
    tor_block = alloc.alloc(24)
    asn = world.new_asn(rng)
    exits = sorted(rng.choice(np.arange(1, 255), 40, replace=False))
    world.tor = Network("Tor exit", "tor", asn, "", [(tor_block + int(h), 32) for h in exits])
