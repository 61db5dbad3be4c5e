"""The bureau's key, shared k of n among its holders without anyone ever holding it whole
(Pedersen's key generation, as Belenios' threshold trustees).

Each holder keeps one secret, a seed (a code they write down or a file they save). From it
come their encryption key e (E = e·G, published with a proof) and their polynomial f of degree
k − 1. Each holder publishes the commitments A_l = a_l·G of f's coefficients and, for every
holder j, f(j) encrypted to E_j. Holder j checks each share received against its sender's
commitments and keeps s_j = Σ_i f_i(j), recomputable from the seed and the published shares.
The vote's public key is Y = Σ_i A_i0; anyone computes each holder's verification key
V_j = s_j·G from the commitments. Any k holders open a sum: D = Σ λ_j·(s_j·α) = y·α.
"""
from __future__ import annotations

from . import group as g

ENCRYPTION, POLYNOMIAL, CHANNEL = ("coopgov/v1/holder-encryption", "coopgov/v1/holder-polynomial",
                                   "coopgov/v1/channel")


def encryption_key(seed: bytes) -> int:
    """The holder's secret encryption key e (its public part is E = e·G)."""
    return g.hash_to_scalar(ENCRYPTION, seed)


def polynomial(seed: bytes, context: str, k: int) -> list[int]:
    """The coefficients a_0 … a_{k−1} of the holder's polynomial for this ceremony."""
    return [g.hash_to_scalar(POLYNOMIAL, seed, context, i) for i in range(k)]


def commitments(coefficients: list[int]) -> list[bytes]:
    return [g.base(a) for a in coefficients]


def evaluate(coefficients: list[int], j: int) -> int:
    """f(j) modulo L."""
    out = 0
    for a in reversed(coefficients):
        out = (out * j + a) % g.L
    return out


def _pad(context: str, shared: bytes, ephemeral: bytes, recipient: bytes) -> int:
    return g.hash_to_scalar(CHANNEL, context, shared, ephemeral, recipient)


def seal_share(context: str, recipient: bytes, share: int, rng: g.Rng) -> dict:
    """`share` encrypted to the holder whose encryption key is `recipient` (E_j): an ephemeral
    key K = t·G and the share plus a pad hashed from t·E_j (only e_j·K gives it again)."""
    t = rng()
    ephemeral = g.base(t)
    value = (share + _pad(context, g.mul(recipient, t), ephemeral, recipient)) % g.L
    return {"ephemeral": g.point_hex(ephemeral), "value": g.scalar_hex(value)}


def open_share(context: str, e: int, sealed: dict) -> int:
    ephemeral = g.point(sealed["ephemeral"], "share.ephemeral")
    value = g.scalar(sealed["value"], "share.value")
    return (value - _pad(context, g.mul(ephemeral, e), ephemeral, g.base(e))) % g.L


def expected(commitments_of_one: list[bytes], j: int) -> bytes:
    """Σ_l j^l·A_l: what f(j)·G must be for these commitments."""
    out, power = g.IDENTITY, 1
    for a in commitments_of_one:
        out = g.add(out, g.mul(a, power))
        power = power * j % g.L
    return out


def check_share(commitments_of_one: list[bytes], j: int, share: int) -> bool:
    return g.base(share) == expected(commitments_of_one, j)


def verification_key(all_commitments: list[list[bytes]], j: int) -> bytes:
    """V_j = s_j·G, computed by anyone from the published commitments."""
    out = g.IDENTITY
    for one in all_commitments:
        out = g.add(out, expected(one, j))
    return out


def public_key(all_commitments: list[list[bytes]]) -> bytes:
    out = g.IDENTITY
    for one in all_commitments:
        out = g.add(out, one[0])
    return out


def lagrange(indices: list[int]) -> dict[int, int]:
    """λ_j at 0 for the holders `indices` (1-based, distinct): Σ λ_j·f(j) = f(0)."""
    out = {}
    for j in indices:
        num, den = 1, 1
        for m in indices:
            if m != j:
                num, den = num * m % g.L, den * (m - j) % g.L
        out[j] = num * pow(den, -1, g.L) % g.L
    return out


def combine(partials: dict[int, bytes]) -> bytes:
    """y·α from the partial decryptions s_j·α of any k holders."""
    out = g.IDENTITY
    for j, lam in lagrange(sorted(partials)).items():
        out = g.add(out, g.mul(partials[j], lam))
    return out
