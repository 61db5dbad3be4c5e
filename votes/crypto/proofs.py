"""Zero-knowledge proofs, made non-interactive by hashing (Fiat-Shamir) with the statement and
a context string (the vote, the holder, the question): each proof is a list of
(challenge, response) scalars, as in Belenios.

- knowledge of x for X = x·G (a holder's key; `pok`);
- a ciphertext encrypts one of the counts M₀…M_k (each option 0 or 1, a ballot's number of
  choices within the method's bounds; `interval`), a disjunction of Chaum-Pedersen proofs;
- a partial decryption D = s·α for the holder's verification key V = s·G (`decryption`).
"""
from __future__ import annotations

from . import group as g
from .elgamal import Ciphertext

POK, INTERVAL, DECRYPTION = "coopgov/v1/pok", "coopgov/v1/interval", "coopgov/v1/decryption"

Proof = list[tuple[int, int]]  # [(challenge, response)]


def as_json(proof: Proof) -> list[dict]:
    return [{"challenge": g.scalar_hex(c), "response": g.scalar_hex(z)} for c, z in proof]


def from_json(doc, where: str = "proof", size: int | None = None) -> Proof:
    if not isinstance(doc, list) or (size is not None and len(doc) != size) or not doc:
        raise g.BadElement(f"{where}: must be a list of {size or 'some'} challenges")
    out = []
    for i, item in enumerate(doc):
        if not isinstance(item, dict) or set(item) != {"challenge", "response"}:
            raise g.BadElement(f"{where}[{i}]: must be an object with challenge and response")
        out.append((g.scalar(item["challenge"], f"{where}[{i}].challenge"),
                    g.scalar(item["response"], f"{where}[{i}].response")))
    return out


# ---------------------------------------------------------------------------------------------
# Knowledge of a secret key.

def prove_key(context: str, x: int, rng: g.Rng) -> Proof:
    w = rng()
    big_x = g.base(x)
    c = g.hash_to_scalar(POK, context, big_x, g.base(w))
    return [(c, (w + c * x) % g.L)]


def check_key(context: str, big_x: bytes, proof: Proof) -> bool:
    ((c, z),) = proof
    return c == g.hash_to_scalar(POK, context, big_x, g.sub(g.base(z), g.mul(big_x, c)))


# ---------------------------------------------------------------------------------------------
# A ciphertext encrypts one of the counts M₀…M_k.

def _commitments(y: bytes, ct: Ciphertext, m: int, c: int, z: int) -> tuple[bytes, bytes]:
    """A = z·G − c·α and B = z·Y − c·(β − m·G): what an honest commitment must have been."""
    return (g.sub(g.base(z), g.mul(ct.alpha, c)),
            g.sub(g.mul(y, z), g.mul(g.sub(ct.beta, g.base(m)), c)))


def prove_interval(context: str, y: bytes, ct: Ciphertext, r: int, m: int,
                   counts: list[int], rng: g.Rng) -> Proof:
    """That `ct` = encrypt(y, m, r) encrypts one of `counts` (m is one of them)."""
    index = counts.index(m)
    fake: dict[int, tuple[int, int]] = {}
    commitments: list[bytes] = []
    w = 0
    for j, mj in enumerate(counts):
        if j == index:
            w = rng()
            commitments += [g.base(w), g.mul(y, w)]
        else:
            fake[j] = (rng(), rng())
            commitments += _commitments(y, ct, mj, *fake[j])
    c = g.hash_to_scalar(INTERVAL, context, y, ct.alpha, ct.beta, *commitments)
    ci = (c - sum(cj for cj, _z in fake.values())) % g.L
    return [fake[j] if j != index else (ci, (w + ci * r) % g.L) for j in range(len(counts))]


def check_interval(context: str, y: bytes, ct: Ciphertext, counts: list[int],
                   proof: Proof) -> bool:
    if len(proof) != len(counts):
        return False
    commitments: list[bytes] = []
    for mj, (cj, zj) in zip(counts, proof, strict=True):
        commitments += _commitments(y, ct, mj, cj, zj)
    c = g.hash_to_scalar(INTERVAL, context, y, ct.alpha, ct.beta, *commitments)
    return c == sum(cj for cj, _z in proof) % g.L


# ---------------------------------------------------------------------------------------------
# A partial decryption.

def prove_decryption(context: str, s: int, alpha: bytes, rng: g.Rng) -> tuple[bytes, Proof]:
    """D = s·α, with the proof that log_G(V) = log_α(D) for V = s·G."""
    d, w = g.mul(alpha, s), rng()
    c = g.hash_to_scalar(DECRYPTION, context, g.base(s), alpha, d, g.base(w), g.mul(alpha, w))
    return d, [(c, (w + c * s) % g.L)]


def check_decryption(context: str, v: bytes, alpha: bytes, d: bytes, proof: Proof) -> bool:
    ((c, z),) = proof
    a = g.sub(g.base(z), g.mul(v, c))
    b = g.sub(g.mul(alpha, z), g.mul(d, c))
    return c == g.hash_to_scalar(DECRYPTION, context, v, alpha, d, a, b)
