"""The sharing key: HMAC-SHA256 over normalised values, exchanged between labs out of band.

Every participating lab holds the same secret; a value hashed at one lab equals the same value
hashed at another, so indicators can be compared without either side revealing its users. The
key is never written anywhere; a bundle carries only its *fingerprint* (an HMAC of a fixed
label), so a receiver can tell that a bundle was hashed with a different key and refuse it
instead of silently matching nothing.

Hashes are separated by kind (``email_address``, ``device_id``, ...), so the same text in two
roles never collides, and by a version label, so a future change of normalisation cannot
match old hashes by accident.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from linkgraph.errors import ConfigError

MIN_KEY_BYTES = 16
HASH_VERSION = b"linkgraph-share-v1"
_FINGERPRINT_LABEL = b"linkgraph-share-v1 key fingerprint"


@dataclass(frozen=True)
class SharingKey:
    """A sharing secret. ``repr`` never shows it."""

    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_KEY_BYTES:
            raise ConfigError(f"a sharing key must be at least {MIN_KEY_BYTES} bytes")

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> SharingKey:
        """The key in a file (surrounding whitespace ignored), with a one-line error if unusable."""
        p = Path(path)
        try:
            secret = p.read_bytes().strip()
        except OSError as e:
            raise ConfigError(f"{p}: cannot read the sharing key ({e.strerror})") from e
        if len(secret) < MIN_KEY_BYTES:
            raise ConfigError(f"{p}: a sharing key must be at least {MIN_KEY_BYTES} bytes")
        return cls(secret)

    @property
    def fingerprint(self) -> str:
        """A non-secret id of the key: equal fingerprints mean equal keys (64 bits)."""
        return hmac.digest(self.secret, _FINGERPRINT_LABEL, hashlib.sha256).hex()[:16]

    def hash_value(self, kind: str, value: str) -> str:
        """The shared hash of one normalised value of ``kind`` (hex, 256 bits)."""
        msg = HASH_VERSION + b"\x00" + kind.encode() + b"\x00" + value.encode()
        return hmac.digest(self.secret, msg, hashlib.sha256).hex()

    def hash_values(self, kind: str, values: pa.Array) -> pa.Array:
        """``hash_value`` over an array, once per distinct value (null stays null)."""
        encoded = pc.dictionary_encode(values)
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        hashed = [None if v is None else self.hash_value(kind, v) for v in encoded.dictionary.to_pylist()]
        return pa.array(hashed, pa.string()).take(encoded.indices)
