"""Detection of full card numbers (PANs) in exported values, vectorised.

A payment export must carry the processor's fingerprint, never the card number itself. A
value that, after removing spaces and dashes, is 13-19 digits and passes the Luhn check is
treated as a card number and refused. The check runs on whole Arrow arrays: a regex picks the
candidates, then the Luhn sum is computed on a NumPy digit matrix (no per-row Python), so it is
cheap enough to run on every string column of every chunk.

The card number itself never leaves this module: callers get row indices and a masked form
(``mask_card``) that shows at most the last four digits.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_SEPARATORS = r"[ \-]"
_CANDIDATE = r"^[0-9]{13,19}$"
_MAYBE = r"^[0-9 \-]{13,}$"  # a superset of the values that can compact to a candidate
_WIDTH = 19


def _as_string_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = pc.cast(values, pa.string())
    return values


def luhn_valid(digits: pa.Array) -> np.ndarray:
    """Luhn check of an array of digit-only strings (each at most 19 digits); True = valid.

    Left-padding with zeros keeps the checksum (Luhn weights count from the right), so the
    strings become a fixed-width byte matrix whose every other column from the right is
    doubled.
    """
    if len(digits) == 0:
        return np.zeros(0, dtype=bool)
    padded = pc.utf8_lpad(pc.cast(digits, pa.string()), width=_WIDTH, padding="0")
    # all values now have exactly _WIDTH ASCII bytes: view the data buffer as a matrix
    padded = padded.combine_chunks() if isinstance(padded, pa.ChunkedArray) else padded
    offsets = np.frombuffer(padded.buffers()[1], dtype=np.int32)[
        padded.offset : padded.offset + len(padded) + 1
    ]
    data = np.frombuffer(padded.buffers()[2], dtype=np.uint8)
    start = offsets[0]
    matrix = data[start : start + _WIDTH * len(padded)].reshape(len(padded), _WIDTH).astype(np.int16) - 48
    doubled = matrix[:, _WIDTH - 2 :: -2] * 2
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    total = matrix[:, _WIDTH - 1 :: -2].sum(axis=1) + doubled.sum(axis=1)
    return np.asarray(total % 10 == 0)


def find_card_numbers(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Indices of values that look like full card numbers (13-19 digits, Luhn-valid).

    Spaces and dashes are ignored, so ``4111 1111 1111 1111`` and ``4111-1111-1111-1111`` are
    caught as well as the bare digits.
    """
    arr = _as_string_array(values)
    if len(arr) == 0:
        return np.zeros(0, dtype=np.int64)
    # only digits and separators, at least 13 of them: a match fails on the first other
    # character, so ids, fingerprints and names cost next to nothing
    maybe = pc.fill_null(pc.match_substring_regex(arr, _MAYBE), False)
    pre = np.flatnonzero(maybe.to_numpy(zero_copy_only=False))
    if len(pre) == 0:
        return pre.astype(np.int64)
    compact = pc.replace_substring_regex(arr.take(pa.array(pre)), _SEPARATORS, "")
    candidate = pc.fill_null(pc.match_substring_regex(compact, _CANDIDATE), False)
    sub = np.flatnonzero(candidate.to_numpy(zero_copy_only=False))
    if len(sub) == 0:
        return sub.astype(np.int64)
    ok = luhn_valid(compact.take(pa.array(sub)))
    return pre[sub[ok]].astype(np.int64)


def is_card_number(value: str) -> bool:
    """Scalar convenience for the app and mapping UI (same rule as ``find_card_numbers``)."""
    return len(find_card_numbers(pa.array([value], pa.string()))) == 1


def mask_card(value: str) -> str:
    """A safe display form of a card-like value: every digit but the last four masked."""
    digits = [c for c in value if c.isdigit()]
    return "*" * max(len(digits) - 4, 0) + "".join(digits[-4:])
