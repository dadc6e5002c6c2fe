"""Pseudonymisation of personal identifiers (email local parts, IP addresses) with a keyed hash.

HMAC-SHA256 with a secret key: the same input always maps to the same token under one key,
so links between accounts survive (two accounts on one IP still share a node) while the stored
graph no longer holds the address itself. Values are hashed once per *distinct* value of a
chunk, in C (``hmac.digest``), never per row.

Derived coarse attributes (email domain, /24 or /48 subnet, proxy provider) are computed
before hashing and kept, since detection needs them and they identify no single person.
"""

from __future__ import annotations

import hashlib
import hmac

import pyarrow as pa
import pyarrow.compute as pc

TOKEN_HEX = 24  # 96 bits: collisions are negligible at any realistic export size


def pseudonymise_values(values: pa.Array, key: bytes, kind: str) -> pa.Array:
    """Replace each non-null value by ``<kind>:<hex>`` (HMAC-SHA256 of ``kind`` + value)."""
    if not key:
        raise ValueError("pseudonymisation needs a non-empty key")
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    prefix = kind.encode() + b"\x00"
    tokens = [
        None
        if v is None
        else f"{kind}:{hmac.digest(key, prefix + v.encode(), hashlib.sha256).hex()[:TOKEN_HEX]}"
        for v in encoded.dictionary.to_pylist()
    ]
    return pa.array(tokens, pa.string()).take(encoded.indices)


def pseudonymise(key: bytes) -> PseudonymiseFn:
    """A callable ``(values, kind) -> tokens`` bound to ``key``, as the loader expects."""
    return PseudonymiseFn(key)


class PseudonymiseFn:
    def __init__(self, key: bytes):
        if not key:
            raise ValueError("pseudonymisation needs a non-empty key")
        self._key = key

    def __call__(self, values: pa.Array, kind: str) -> pa.Array:
        return pseudonymise_values(values, self._key, kind)

    @property
    def key_id(self) -> str:
        """A non-secret identifier of the key (goes into the load fingerprint, not the key)."""
        return hmac.digest(self._key, b"linkgraph-key-id", hashlib.sha256).hex()[:16]
