"""Email identities: name-like addresses for people, throwaway patterns for campaigns."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkgraph.generator import vocabulary as vocab
from linkgraph.generator.text import int_str, join, random_alnum, take

_LOCAL_PART_CHARACTERS = list("abcdefghijklmnopqrstuvwxyz0123456789")


def company_domain(combo: int) -> str:
    """The company domain numbered ``combo`` (word A x word B x TLD), e.g. ``cedarforge.io``."""
    n_a, n_b = len(vocab.WORDS_A), len(vocab.WORDS_B)
    a, rest = combo % n_a, combo // n_a
    b, tld = rest % n_b, rest // n_b
    return f"{vocab.WORDS_A[a]}{vocab.WORDS_B[b]}.{vocab.COMPANY_TLDS[tld]}"


def name_emails(
    rng: np.random.Generator,
    k: int,
    domains: pa.Array,
    last: np.ndarray | None = None,
    first: np.ndarray | None = None,
    corporate: bool = False,
) -> pa.Array:
    """Name-like local parts (``jane.doe``, ``jdoe84``, ``jane1993``) at the given domains.

    ``corporate`` addresses follow a company convention: ``jane.doe`` or ``jdoe``, no digits
    unless needed to keep two colleagues apart.
    """
    first_index = rng.integers(0, len(vocab.FIRST_NAMES), k) if first is None else first
    last_index = rng.integers(0, len(vocab.LAST_NAMES), k) if last is None else last
    first_name = take(vocab.FIRST_NAMES, first_index)
    last_name = take(vocab.LAST_NAMES, last_index)
    separator = take(("", ".", "_", "."), rng.integers(0, 4, k))
    style = rng.choice(4, size=k, p=[0.6, 0.15, 0.15, 0.1])
    digit_draw = rng.random(k)
    if corporate:
        separator = pa.array(["."] * k, pa.string())
        style = np.where(rng.random() < 0.7, 0, 1) + np.zeros(k, np.int64)
        digit_draw = np.ones(k)
    year = rng.integers(1960, 2007, k)
    digits = np.where(
        digit_draw < 0.25,
        year,
        np.where(digit_draw < 0.45, year % 100, np.where(digit_draw < 0.6, rng.integers(1, 1000, k), -1)),
    )
    digit_text = pc.if_else(pa.array(digits >= 0), int_str(np.maximum(digits, 0)), "")
    initial = pc.utf8_slice_codeunits(first_name, 0, 1)
    local = pc.case_when(
        pc.make_struct(pa.array(style == 0), pa.array(style == 1), pa.array(style == 2)),
        join(first_name, separator, last_name, digit_text),
        join(initial, last_name, digit_text),
        join(first_name, pc.if_else(pa.array(digits >= 0), digit_text, int_str(rng.integers(1, 100, k)))),
        join(last_name, initial, digit_text),
    )
    local = _unique_after_normalisation(rng, local, domains, k)
    return join(local, "@", domains)


def _unique_after_normalisation(
    rng: np.random.Generator, local: pa.Array, domains: pa.Array, k: int
) -> pa.Array:
    """Append digits to repeated local parts until addresses are unique with dots removed."""
    for _ in range(6):
        key = join(pc.replace_substring(local, ".", ""), "@", domains)
        codes = np.asarray(key.dictionary_encode().indices)
        _, first_position = np.unique(codes, return_index=True)
        repeated = np.ones(k, bool)
        repeated[first_position] = False
        if not repeated.any():
            break
        extra = pc.if_else(pa.array(repeated), int_str(rng.integers(10, 100_000, k)), "")
        local = join(local, extra)
    return local


def throwaway_emails(rng: np.random.Generator, s: int, disposable_domains: Sequence[str]) -> pa.Array:
    """A campaign's addresses: random local parts at disposable or fresh domains, or gmail variants.

    Each campaign uses one or two of three patterns (0 disposable, 1 freshly registered
    domain, 2 dotted/tagged variants of a few gmail bases).
    """
    patterns = [int(rng.choice(3, p=[0.4, 0.3, 0.3]))]
    if rng.random() < 0.3:
        patterns.append(int(rng.choice(3)))
    pattern = np.where(rng.random(s) < 0.7, patterns[0], patterns[-1])
    width = int(rng.integers(8, 14))
    random_local = random_alnum(rng, s, width).to_pylist()
    n_domains = int(rng.integers(1, 4))
    disposable = [
        disposable_domains[i] for i in rng.choice(len(disposable_domains), size=n_domains, replace=False)
    ]
    fresh = [_fresh_domain(rng) for _ in range(int(rng.integers(1, 3)))]
    n_base = max(1, s // int(rng.integers(8, 30)))
    bases = [_gmail_base(rng) for _ in range(n_base)]
    out: list[str] = [""] * s
    seen: set[str] = set()
    for i in range(s):
        if pattern[i] == 0:
            out[i] = f"{random_local[i]}@{disposable[rng.integers(len(disposable))]}"
        elif pattern[i] == 1:
            out[i] = f"{random_local[i]}@{fresh[rng.integers(len(fresh))]}"
        else:
            out[i] = _gmail_variant(rng, bases[rng.integers(n_base)], seen)
        seen.add(out[i])
    return pa.array(out, pa.string())


def _fresh_domain(rng: np.random.Generator) -> str:
    a = vocab.WORDS_A[rng.integers(len(vocab.WORDS_A))]
    b = vocab.WORDS_B[rng.integers(len(vocab.WORDS_B))]
    number = rng.integers(10, 999)
    return f"{a}{b}{number}.{vocab.FRESH_TLDS[rng.integers(len(vocab.FRESH_TLDS))]}"


def _gmail_base(rng: np.random.Generator) -> str:
    """Bases end in digits and a letter, a shape organic addresses here never have, so a
    campaign's dotted/tagged variants never collide with a real user's address."""
    first = vocab.FIRST_NAMES[rng.integers(len(vocab.FIRST_NAMES))]
    last = vocab.LAST_NAMES[rng.integers(len(vocab.LAST_NAMES))]
    return f"{first}{last}{rng.integers(10, 99)}{chr(97 + int(rng.integers(26)))}"


def _gmail_variant(rng: np.random.Generator, base: str, seen: set[str]) -> str:
    """A not yet used dotted and/or ``+tag`` variant of ``base`` at gmail."""
    while True:
        chars = list(base)
        dots = rng.choice(np.arange(1, len(base)), size=int(rng.integers(0, 4)), replace=False)
        for position in sorted(dots, reverse=True):
            chars.insert(int(position), ".")
        local = "".join(chars).replace("..", ".")
        if rng.random() < 0.5:
            local += "+" + "".join(rng.choice(_LOCAL_PART_CHARACTERS, int(rng.integers(2, 6))))
        address = f"{local}@{'gmail.com' if rng.random() < 0.9 else 'googlemail.com'}"
        if address not in seen:
            return address
