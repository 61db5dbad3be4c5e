"""Exponential ElGamal: a count m is encrypted under the public key Y as (r·G, m·G + r·Y), so
that ciphertexts add up to the encryption of the summed counts; only small sums are decrypted,
by a discrete logarithm over a known range."""
from __future__ import annotations

import math
from dataclasses import dataclass

from . import group as g


@dataclass(frozen=True)
class Ciphertext:
    alpha: bytes  # r·G
    beta: bytes   # m·G + r·Y

    def as_json(self) -> dict:
        return {"alpha": g.point_hex(self.alpha), "beta": g.point_hex(self.beta)}

    @classmethod
    def from_json(cls, doc, where: str = "ciphertext") -> Ciphertext:
        if not isinstance(doc, dict) or set(doc) != {"alpha", "beta"}:
            raise g.BadElement(f"{where}: must be an object with alpha and beta")
        return cls(g.point(doc["alpha"], f"{where}.alpha"), g.point(doc["beta"], f"{where}.beta"))


ZERO = Ciphertext(g.IDENTITY, g.IDENTITY)  # the encryption of 0 with r = 0: the sum's start


def encrypt(y: bytes, m: int, r: int) -> Ciphertext:
    return Ciphertext(g.base(r), g.add(g.base(m), g.mul(y, r)))


def add(a: Ciphertext, b: Ciphertext) -> Ciphertext:
    return Ciphertext(g.add(a.alpha, b.alpha), g.add(a.beta, b.beta))


def scale(a: Ciphertext, k: int) -> Ciphertext:
    """The encryption of k·m: a ballot of integer weight k."""
    return Ciphertext(g.mul(a.alpha, k), g.mul(a.beta, k))


def total(ciphertexts, weights=None) -> Ciphertext:
    """The sum of the ciphertexts, each multiplied by its integer weight when given."""
    out = ZERO
    for i, c in enumerate(ciphertexts):
        out = add(out, c if weights is None or weights[i] == 1 else scale(c, weights[i]))
    return out


def decrypt_point(c: Ciphertext, x: int) -> bytes:
    """m·G, with the whole secret key x (tests; the bureau combines partial decryptions)."""
    return g.sub(c.beta, g.mul(c.alpha, x))


class Table:
    """Baby-step giant-step for m·G with 0 ≤ m ≤ bound: √bound points kept, √bound additions
    at most to find m."""

    def __init__(self, bound: int):
        self.bound, self.step = bound, max(1, math.isqrt(bound) + 1)
        self.baby: dict[bytes, int] = {}
        p = g.IDENTITY
        for j in range(self.step):
            self.baby[p] = j
            p = g.add(p, g.G)
        self.giant = g.base(g.L - self.step)  # −step·G

    def log(self, p: bytes) -> int:
        """m such that p = m·G, or ValueError when m is not within [0, bound]."""
        for i in range(self.step + 1):
            j = self.baby.get(p)
            if j is not None and i * self.step + j <= self.bound:
                return i * self.step + j
            p = g.add(p, self.giant)
        raise ValueError(f"no count between 0 and {self.bound} gives this point")
