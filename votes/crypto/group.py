"""The group: points of edwards25519's prime-order subgroup (through libsodium, by PyNaCl),
scalars modulo its order L, their encodings, and hashing to a scalar.

Points are written as the 64 hex digits of their RFC 8032 encoding; scalars as the 64 hex
digits of their 32-byte little-endian encoding. No field arithmetic is written here.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable

from nacl import bindings as na
from nacl.exceptions import RuntimeError as NaclError

L = 2**252 + 27742317777372353535851937790883648493  # the order of the group
IDENTITY = b"\x01" + b"\x00" * 31
G = na.crypto_scalarmult_ed25519_base_noclamp((1).to_bytes(32, "little"))
_HEX64 = re.compile(r"[0-9a-f]{64}")

Rng = Callable[[], int]


class BadElement(ValueError):
    """A point or scalar that is not a valid, canonical element; the message says which."""


def to_bytes(s: int) -> bytes:
    return (s % L).to_bytes(32, "little")


def add(p: bytes, q: bytes) -> bytes:
    return na.crypto_core_ed25519_add(p, q)


def sub(p: bytes, q: bytes) -> bytes:
    return na.crypto_core_ed25519_sub(p, q)


def mul(p: bytes, s: int) -> bytes:
    """s·P for a point of the group (the identity when s ≡ 0 or P is the identity)."""
    s %= L
    if s == 0 or p == IDENTITY:
        return IDENTITY
    if p == G:
        return na.crypto_scalarmult_ed25519_base_noclamp(to_bytes(s))
    try:
        return na.crypto_scalarmult_ed25519_noclamp(to_bytes(s), p)
    except NaclError:  # only for a point outside the group, which `point` refuses
        raise BadElement("not a point of the group") from None


def base(s: int) -> bytes:
    """s·G."""
    return mul(G, s)


def point(text: str, where: str = "point") -> bytes:
    """A point received as text: canonical, on the curve, in the prime-order subgroup, and not
    the identity (which nothing honest sends)."""
    if not isinstance(text, str) or not _HEX64.fullmatch(text):
        raise BadElement(f"{where}: not 64 lowercase hex digits")
    raw = bytes.fromhex(text)
    if not na.crypto_core_ed25519_is_valid_point(raw) or point_hex(raw) != text:
        raise BadElement(f"{where}: not a point of the group")
    return raw


def scalar(text: str, where: str = "scalar") -> int:
    """A scalar received as text: canonical (below L)."""
    if not isinstance(text, str) or not _HEX64.fullmatch(text):
        raise BadElement(f"{where}: not 64 lowercase hex digits")
    value = int.from_bytes(bytes.fromhex(text), "little")
    if value >= L:
        raise BadElement(f"{where}: not below the group's order")
    return value


def point_hex(p: bytes) -> str:
    return p.hex()


def scalar_hex(s: int) -> str:
    return to_bytes(s).hex()


def _part(value) -> bytes:
    if isinstance(value, bytes):
        data = value
    elif isinstance(value, int):
        data = to_bytes(value)
    elif isinstance(value, str):
        data = value.encode("utf-8")
    else:
        raise TypeError(f"cannot hash {type(value).__name__}")
    return len(data).to_bytes(4, "big") + data


def hash_to_scalar(tag: str, *parts) -> int:
    """SHA-512 of the tag and the parts, each prefixed by its length (4 bytes, big-endian),
    read little-endian modulo L. Points and byte strings as they are, scalars as 32 bytes,
    text as UTF-8."""
    digest = hashlib.sha512(_part(tag) + b"".join(_part(p) for p in parts)).digest()
    return int.from_bytes(digest, "little") % L


def random_scalar() -> int:
    """A uniform non-zero scalar from the operating system's generator."""
    while True:
        s = int.from_bytes(secrets.token_bytes(64), "little") % L
        if s:
            return s


def seeded(seed: bytes) -> Rng:
    """A deterministic rng for known-answer vectors: the n-th scalar is
    hash_to_scalar("coopgov/v1/test-rng", seed, n)."""
    counter = iter(range(1 << 62))
    return lambda: hash_to_scalar("coopgov/v1/test-rng", seed, next(counter))
