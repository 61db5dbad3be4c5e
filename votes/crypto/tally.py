"""Counting encrypted ballots without decrypting any of them (docs/crypto.md, "Counting").

Per college, each ballot's ciphertexts are multiplied by its weight scaled to an integer (the
college's scale: the least common multiple of its ballots' weight denominators) and summed;
the bureau's holders decrypt only these sums, each with their share of the key and a proof;
any k of them give the totals, which the rules count as the ballots they sum (rules.Totals).
"""
from __future__ import annotations

import functools
import math
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

from governance.rules import RuleError

from .. import rules
from . import elgamal, proofs, threshold
from . import group as g

DECRYPTION = "tally"  # the last part of a partial decryption's context


def scale(weights) -> int:
    """The least common multiple of the weights' denominators: weight · scale is an integer."""
    return math.lcm(1, *(Fraction(w).denominator for w in weights))


def combine(ballots: list[tuple[Fraction, bytes]], sizes: list[int], k: int,
            workers: int = 2) -> list[list[elgamal.Ciphertext]]:
    """Σ (weight · k) · ciphertext, choice by choice, over one college's ballots, each given as
    its weight and its ciphertexts' bytes (α‖β of each choice, in order). Large sums run in
    `workers` threads (libsodium releases Python's lock)."""
    if len(ballots) < 2000 or workers < 2:
        sums = _sums(ballots, sum(sizes), k)
    else:
        with ThreadPoolExecutor(workers) as pool:
            parts = list(pool.map(lambda part: _sums(part, sum(sizes), k),
                                  [ballots[i::workers] for i in range(workers)]))
        sums = [functools.reduce(g.add, column) for column in zip(*parts, strict=True)]
    out, at = [], 0
    for n in sizes:
        out.append([elgamal.Ciphertext(sums[2 * (at + j)], sums[2 * (at + j) + 1])
                    for j in range(n)])
        at += n
    return out


def _sums(ballots: list[tuple[Fraction, bytes]], n: int, k: int) -> list[bytes]:
    """α₀, β₀, α₁, β₁, … summed over the ballots (weights scaled by k)."""
    acc = [g.IDENTITY] * (2 * n)
    add, mul = g.add, g.mul
    for weight, blob in ballots:
        factor = Fraction(weight) * k
        assert factor.denominator == 1 and len(blob) == 64 * n, "not this college's ballot"
        factor = factor.numerator
        for i in range(2 * n):
            point = blob[32 * i:32 * i + 32]
            acc[i] = add(acc[i], point if factor == 1 else mul(point, factor))
    return acc


def partial(context: str, s: int, combined: list[list[elgamal.Ciphertext]], rng: g.Rng
            ) -> tuple[list[list[str]], list[list[list]]]:
    """A holder's partial decryptions s·α of the combined ciphertexts, each with its proof."""
    points, proved = [], []
    for i, row in enumerate(combined):
        points.append([])
        proved.append([])
        for j, ct in enumerate(row):
            d, proof = proofs.prove_decryption(f"{context}/a{i}/c{j}", s, ct.alpha, rng)
            points[-1].append(g.point_hex(d))
            proved[-1].append(proofs.as_json(proof))
    return points, proved


def check_partial(context: str, v: bytes, combined: list[list[elgamal.Ciphertext]],
                  points: list[list[bytes]], proved) -> bool:
    """Whether every partial decryption of a holder of verification key `v` is proved."""
    return all(proofs.check_decryption(f"{context}/a{i}/c{j}", v, ct.alpha, points[i][j],
                                       proofs.from_json(proved[i][j], size=1))
               for i, row in enumerate(combined) for j, ct in enumerate(row))


def decrypt(combined: list[list[elgamal.Ciphertext]], partials: dict[int, list[list[bytes]]],
            bound: int) -> list[list[int]]:
    """The counts m of the combined ciphertexts, from the partial decryptions of k holders
    (position → points): m·G = β − Σ λ_j·D_j, m found within [0, bound]."""
    table = elgamal.Table(bound)
    return [[table.log(_opened(ct, i, j, partials)) for j, ct in enumerate(row)]
            for i, row in enumerate(combined)]


def _opened(ct: elgamal.Ciphertext, i: int, j: int, partials: dict) -> bytes:
    """β − Σ λ_p·D_p: the count times G."""
    return g.sub(ct.beta, threshold.combine({p: points[i][j] for p, points in partials.items()}))


def holds(combined: list[list[elgamal.Ciphertext]], partials: dict[int, list[list[bytes]]],
          counts: list[list[int]]) -> bool:
    """Whether the announced counts are the decryption: m·G = β − Σ λ_j·D_j for each."""
    return all(g.base(counts[i][j]) == _opened(ct, i, j, partials)
               for i, row in enumerate(combined) for j, ct in enumerate(row))


def totals(method: str, college: str | None, weight: Fraction, k: int, counts: list[list[int]],
           options: list[str]) -> rules.Totals:
    """The decrypted counts of one college (scaled by `k`) as the rules read them."""
    def w(n: int) -> Fraction:
        return Fraction(n, k)
    if method == "majority_judgment":
        return rules.Totals(college, weight, {o: tuple(w(n) for n in counts[i])
                                              for i, o in enumerate(options)})
    row = counts[0]
    options = list(rules.RESOLUTION_OPTIONS) if method == "resolution" else options
    named = {o: w(row[i]) for i, o in enumerate(options)}
    if method == "approval":
        return rules.Totals(college, weight, named, w(row[len(options)]))
    blank = weight - sum(named.values(), Fraction(0))
    if blank < 0:
        raise RuleError("invalid_totals", {"why": "totals exceed their ballots' weight"})
    return rules.Totals(college, weight, named, blank)
