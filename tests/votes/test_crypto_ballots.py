"""Encrypted ballots for the four methods: what the voter chose is what the box decrypts, every
proof is checked, and a ballot outside the method's bounds or of another shape is refused."""
from __future__ import annotations

import copy
import json

import pytest

from votes.crypto import ballots, elgamal, proofs
from votes.crypto import group as g

from .crypto_vectors import FILE

rng = g.random_scalar
OPTIONS = ["o1", "o2", "o3", "o4"]
GRADES = ["Très bien", "Bien", "Passable"]
CASES = [("resolution", "abstain", 1), ("choice", "o3", 1), ("choice", None, 1),
         ("approval", ["o1", "o4"], 2), ("approval", [], 2),
         ("majority_judgment", {"o1": "Bien", "o4": "Très bien"}, 1)]


@pytest.fixture(scope="module")
def key():
    x = rng()
    return x, g.base(x)


def form_of(method, seats):
    return ballots.shape(method, len(OPTIONS), seats, len(GRADES))


@pytest.mark.parametrize("method, choice, seats", CASES)
def test_what_is_decrypted_is_what_was_chosen(key, method, choice, seats):
    x, y = key
    form = form_of(method, seats)
    matrix = ballots.plain(method, OPTIONS, GRADES, choice)
    doc = json.loads(json.dumps(ballots.encrypt("v9/ballot", y, form, matrix, rng)))
    cts = ballots.check("v9/ballot", y, form, doc)
    table = elgamal.Table(1)
    assert [[table.log(elgamal.decrypt_point(c, x)) for c in row] for row in cts] == matrix


def test_the_vectors_shared_with_the_browser_check():
    vectors = json.loads(FILE.read_text(encoding="utf-8"))
    for v in vectors["ballots"]:
        form = ballots.shape(v["method"], len(v["options"]), v["seats"], len(v["grades"]))
        assert ballots.check(v["context"], g.point(v["key"]), form, v["ballot"])


def forge(y, form, matrix, context="v9/ballot"):
    """A voter's browser that lies: each choice proved 0 or 1 where it is, and the answer's sum
    proved with a false claim (the best it can do without the proof system breaking)."""
    honest = ballots.Shape(tuple((len(row), (ballots._weighted(row, coefs),), coefs)
                                 for row, (_n, _s, coefs) in zip(matrix, form.answers,
                                                                 strict=True)))
    doc = ballots.encrypt(context, y, honest, matrix, rng)
    for answer, (_size, sums, _coefs) in zip(doc["answers"], form.answers, strict=True):
        answer["overall"] = answer["overall"] * len(sums)
    return doc


@pytest.mark.parametrize("method, matrix, seats", [
    ("resolution", [[1, 1, 0]], 1),  # for and against
    ("resolution", [[0, 0, 0]], 1),  # nothing: a resolution takes an answer
    ("choice", [[1, 0, 1, 0]], 1),
    ("approval", [[1, 1, 1, 0, 0]], 2),  # three for two seats
    ("approval", [[0, 0, 0, 0, 0]], 2),  # blank not said: a vote cast of nothing
    ("approval", [[1, 0, 0, 0, 1]], 2),  # an option and blank
])
def test_a_ballot_outside_the_methods_bounds_cannot_prove_itself(key, method, matrix, seats):
    _x, y = key
    form = form_of(method, seats)
    with pytest.raises(ballots.BadBallot, match="number of choices fails"):
        ballots.check("v9/ballot", y, form, forge(y, form, matrix))


def test_a_choice_of_two_cannot_prove_zero_or_one(key):
    _x, y = key
    form = form_of("choice", 1)
    doc = ballots.encrypt("v9/ballot", y, form, [[0, 1, 0, 0]], rng)
    r = rng()
    two = elgamal.encrypt(y, 2, r)
    doc["answers"][0]["choices"][1] = two.as_json()
    doc["answers"][0]["individual"][1] = proofs.as_json(proofs.prove_interval(
        "v9/ballot/a0/c1", y, elgamal.encrypt(y, 1, r), r, 1, [0, 1], rng))
    with pytest.raises(ballots.BadBallot, match="answer 0 choice 1: the proof of 0 or 1 fails"):
        ballots.check("v9/ballot", y, form, doc)


def test_majority_judgment_needs_one_grade_at_most_per_option_and_one_option_at_least(key):
    _x, y = key
    form = form_of("majority_judgment", 1)
    with pytest.raises(ballots.BadBallot):
        ballots.check("v9/ballot", y, form, forge(y, form, [[1, 1, 0], [0, 0, 0], [0, 0, 0],
                                                             [0, 0, 0]]))
    nothing = ballots.encrypt("v9/ballot", y, ballots.Shape(form.answers), [[0, 0, 0]] * 4, rng)
    nothing["total"] = proofs.as_json(proofs.prove_key("x", 1, rng)) * 4
    with pytest.raises(ballots.BadBallot, match="the ballot's number of choices fails"):
        ballots.check("v9/ballot", y, form, nothing)


@pytest.mark.parametrize("change", [
    lambda d: d["answers"][0]["choices"].reverse(),  # ciphertexts swapped
    lambda d: d["answers"][0]["individual"].reverse(),
    lambda d: d.update(answers=d["answers"] * 2),
    lambda d: d["answers"][0]["choices"].pop(),
    lambda d: d["answers"][0]["choices"][0].update(alpha="01" + "00" * 31),
    lambda d: d["answers"][0].update(overall=[]),
    lambda d: d.update(extra=1),
    lambda d: d["answers"][0]["choices"].__setitem__(0, "x"),
])
def test_a_tampered_or_malformed_ballot_is_refused(key, change):
    _x, y = key
    form = form_of("approval", 2)
    doc = ballots.encrypt("v9/ballot", y, form, [[1, 0, 0, 1, 0]], rng)
    tampered = copy.deepcopy(doc)
    change(tampered)
    with pytest.raises(ballots.BadBallot):
        ballots.check("v9/ballot", y, form, tampered)
    with pytest.raises(ballots.BadBallot):  # a ballot is bound to its vote and question
        ballots.check("v10/ballot", y, form, doc)
