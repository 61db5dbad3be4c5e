"""An encrypted ballot: one ciphertext per choice (0 or 1), each proved so, and the sums the
method allows proved too, without revealing the choice (docs/crypto.md, "Ballots").

- resolution: one answer of three choices (for, against, abstain), exactly one taken;
- choice: one answer of one choice per option, at most one taken (none: a blank vote);
- approval: one answer of one choice per option and a last one, "blank", taken alone: the
  answer proves `Σ options + seats·blank` within 1 … seats, so blank is 1 exactly when no
  option is taken (a blank ballot is not a vote cast, RULES.md §3);
- majority judgment: one answer per option, of one choice per grade, at most one grade per
  option, and at least one option graded over the whole ballot.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import elgamal, proofs
from . import group as g


class BadBallot(ValueError):
    """An encrypted ballot that does not have the vote's shape, or whose proofs fail."""


@dataclass(frozen=True)
class Shape:
    """Per answer, its number of choices, the sums it may take and the integer coefficient of
    each choice in that sum (None: all 1); the sums the whole ballot may take (None: no
    constraint over the whole ballot)."""

    answers: tuple[tuple[int, tuple[int, ...], tuple[int, ...] | None], ...]
    total: tuple[int, ...] | None = None


def shape(method: str, options: int, seats: int = 1, grades: int = 0) -> Shape:
    if method == "resolution":
        return Shape(((3, (1,), None),))
    if method == "choice":
        return Shape(((options, (0, 1), None),))
    if method == "approval":
        return Shape(((options + 1, tuple(range(1, seats + 1)), (1,) * options + (seats,)),))
    return Shape(tuple((grades, (0, 1), None) for _ in range(options)),
                 tuple(range(1, options + 1)))


def plain(method: str, options: list[str], grades: list[str], choice) -> list[list[int]]:
    """A choice in the ballot box's shape (RULES.md) as the 0/1 matrix that is encrypted."""
    if method == "resolution":
        return [[int(choice == o) for o in ("for", "against", "abstain")]]
    if method == "choice":
        return [[int(choice == o) for o in options]]
    if method == "approval":
        return [[int(o in choice) for o in options] + [int(not choice)]]
    return [[int(choice.get(o) == grade) for grade in grades] for o in options]


def _where(context: str, i: int, j: int | None = None) -> str:
    return f"{context}/a{i}" + ("" if j is None else f"/c{j}")


def _weighted(values, coefficients):
    return sum(v * c for v, c in zip(values, coefficients or [1] * len(values), strict=True))


def encrypt(context: str, y: bytes, form: Shape, matrix: list[list[int]], rng: g.Rng) -> dict:
    """The encrypted ballot of `matrix` (one list of 0/1 per answer) under the vote's key."""
    answers, all_r, all_m = [], 0, 0
    for i, (row, (size, sums, coefs)) in enumerate(zip(matrix, form.answers, strict=True)):
        assert len(row) == size and _weighted(row, coefs) in sums, "the choice does not fit"
        rs = [rng() for _ in row]
        cts = [elgamal.encrypt(y, m, r) for m, r in zip(row, rs, strict=True)]
        individual = [proofs.prove_interval(_where(context, i, j), y, ct, r, m, [0, 1], rng)
                      for j, (ct, r, m) in enumerate(zip(cts, rs, row, strict=True))]
        overall = proofs.prove_interval(
            _where(context, i), y, elgamal.total(cts, coefs), _weighted(rs, coefs) % g.L,
            _weighted(row, coefs), list(sums), rng)
        r_sum, m_sum = sum(rs) % g.L, sum(row)
        answers.append({"choices": [c.as_json() for c in cts],
                        "individual": [proofs.as_json(p) for p in individual],
                        "overall": proofs.as_json(overall)})
        all_r, all_m = (all_r + r_sum) % g.L, all_m + m_sum
    doc = {"answers": answers}
    if form.total is not None:
        everything = elgamal.total(elgamal.Ciphertext.from_json(c)
                                   for a in answers for c in a["choices"])
        doc["total"] = proofs.as_json(proofs.prove_interval(
            f"{context}/total", y, everything, all_r, all_m, list(form.total), rng))
    return doc


def check(context: str, y: bytes, form: Shape, doc) -> list[list[elgamal.Ciphertext]]:
    """The ciphertexts of an encrypted ballot whose every proof holds; BadBallot otherwise."""
    try:
        return _check(context, y, form, doc)
    except (g.BadElement, KeyError, TypeError) as err:
        raise BadBallot(str(err)) from None


def _check(context: str, y: bytes, form: Shape, doc) -> list[list[elgamal.Ciphertext]]:
    keys = {"answers", "total"} if form.total is not None else {"answers"}
    if not isinstance(doc, dict) or set(doc) != keys or not isinstance(doc["answers"], list) \
            or len(doc["answers"]) != len(form.answers):
        raise BadBallot("the ballot does not have the vote's answers")
    out = []
    for i, (answer, (size, sums, coefs)) in enumerate(zip(doc["answers"], form.answers,
                                                          strict=True)):
        if not isinstance(answer, dict) or set(answer) != {"choices", "individual", "overall"} \
                or not isinstance(answer["choices"], list) or len(answer["choices"]) != size \
                or not isinstance(answer["individual"], list) \
                or len(answer["individual"]) != size:
            raise BadBallot(f"answer {i}: not {size} choices with their proofs")
        cts = [elgamal.Ciphertext.from_json(c, f"answer {i} choice {j}")
               for j, c in enumerate(answer["choices"])]
        for j, (ct, proof) in enumerate(zip(cts, answer["individual"], strict=True)):
            if not proofs.check_interval(_where(context, i, j), y, ct, [0, 1],
                                         proofs.from_json(proof, size=2)):
                raise BadBallot(f"answer {i} choice {j}: the proof of 0 or 1 fails")
        if not proofs.check_interval(_where(context, i), y, elgamal.total(cts, coefs), list(sums),
                                     proofs.from_json(answer["overall"], size=len(sums))):
            raise BadBallot(f"answer {i}: the proof of its number of choices fails")
        out.append(cts)
    if form.total is not None and not proofs.check_interval(
            f"{context}/total", y, elgamal.total(c for row in out for c in row),
            list(form.total), proofs.from_json(doc["total"], size=len(form.total))):
        raise BadBallot("the proof of the ballot's number of choices fails")
    return out
