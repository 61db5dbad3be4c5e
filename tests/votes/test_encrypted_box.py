"""Boxes of format 3: encrypted ballots, the bureau's keys, each college's tally, the holders'
partial decryptions and the decrypted counts. The box verifies and recounts the result the
same ballots give in clear; each part, tampered with, is caught."""
from __future__ import annotations

import copy
import json
from fractions import Fraction as F
from pathlib import Path

import pytest

from votes import ballotbox, boxbuild, boxjson, boxseal, bureau, rules
from votes.crypto import group as g

from .test_ballotbox import RESOLUTION, SMARTFR_COLLEGES

SEEDS = [bytes([i]) * 32 for i in (1, 2, 3)]
COLLEGES = [{"id": c, "name": n, "weight": w} for c, n, w in SMARTFR_COLLEGES[:3]]
OPTIONS = [{"id": "a", "label": "Alice"}, {"id": "b", "label": "Bob"},
           {"id": "c", "label": "Chloé"}]
GRADES = ["Très bien", "Bien", "À rejeter"]
CHOICES = {
    "resolution": ["for", "for", "against", "abstain", "for", "against"],
    "choice": ["a", None, "b", "a", "c", "a"],
    "approval": [["a", "b"], [], ["c"], ["a"], ["b", "c"], ["a", "c"]],
    "majority_judgment": [{"a": "Bien"}, {"a": "Très bien", "b": "À rejeter"},
                          {"c": "Bien", "b": "Bien"}, {"a": "À rejeter", "c": "Très bien"},
                          {"b": "Très bien"}, {"a": "Bien", "b": "Bien", "c": "Bien"}],
}
WEIGHTS = [1, 2, F(3, 2), 1, F(1, 3), 1]  # fractional weights: a college's scale is their lcm


def vote_of(method: str) -> dict:
    vote = {"id": f"v3-{method}", "title": "Élection du conseil", "cooperative": "smartfr",
            "method": method, "secret": True,
            "options": RESOLUTION if method == "resolution" else OPTIONS,
            "rule": {"weighting": "colleges", "counting": "votes_cast", "threshold": F(1, 2),
                     "strict": True, "quorum": None, "empty_college": "redistribute"},
            "opened_at": "2026-11-29T14:00:00+01:00", "closed_at": "2026-11-29T18:00:00+01:00"}
    if method == "approval":
        vote["seats"] = 2
    if method == "majority_judgment":
        vote["grades"] = GRADES
    return vote


def plain_parts(method: str):
    roll, choices = [], []
    for i, choice in enumerate(CHOICES[method]):
        college = COLLEGES[i % 3]["id"]
        roll.append({"voter": f"voter-{i}", "college": college, "weight": WEIGHTS[i],
                     "participating": True, "voted": True})
        choices.append((college, WEIGHTS[i], choice))
    roll.append({"voter": "voter-x", "college": COLLEGES[0]["id"], "weight": 1,
                 "participating": False, "voted": False})
    return roll, choices


def encrypted(method: str, openers=None) -> dict:
    roll, choices = plain_parts(method)
    return bureau.encrypted_box(vote_of(method), COLLEGES, roll, choices, seeds=SEEDS, k=2,
                                rng=g.seeded(b"v3 " + method.encode()), openers=openers)


@pytest.fixture(scope="module")
def box():
    return encrypted("resolution")


@pytest.mark.parametrize("method", rules.METHODS)
def test_an_encrypted_box_recounts_what_the_same_ballots_give_in_clear(method):
    doc = encrypted(method)
    assert doc["format"] == "coopgov-ballot-box/3"
    roll, choices = plain_parts(method)
    clear = boxbuild.build(vote_of(method), COLLEGES, roll,
                            [{"tracker": f"T{i}", "college": c, "weight": w, "choice": ch}
                             for i, (c, w, ch) in enumerate(choices)])
    problems, recount = ballotbox.verify(boxjson.dumps(doc))
    assert problems == []
    assert recount == doc["result"] == clear["result"]
    assert all("for" not in str(b["choice"]) for b in doc["ballots"])


def test_any_two_holders_open_the_box_and_a_lost_key_loses_nothing():
    assert encrypted("resolution", openers=[2, 3])["result"] == \
        encrypted("resolution", openers=[1, 3])["result"]


def test_the_fingerprint_covers_the_bureaus_keys(box):
    assert set(box["opening"]) == {"vote", "colleges", "roll", "encryption", "fingerprint"}
    assert ballotbox.verify(box, fingerprint=box["opening"]["fingerprint"])[0] == []


def reseal(doc):
    doc["seal"] = boxseal.seal(doc)
    return doc


def reopen(doc):
    """A forger who also rewrites the opening's hashes (but cannot change the published
    fingerprint)."""
    doc["opening"] = boxseal.opening_hashes(doc["vote"], doc["colleges"], doc["roll"],
                                               doc["encryption"])
    return reseal(doc)


def swap_ballot_choices(d):
    d["ballots"][0]["choice"], d["ballots"][1]["choice"] = \
        d["ballots"][1]["choice"], d["ballots"][0]["choice"]


TAMPERING = [
    ("a holder's key replaced", lambda d: d["encryption"]["holders"][0].update(
        encryption_key=d["encryption"]["holders"][1]["encryption_key"]),
     "holder 1: the proof of their encryption key fails"),
    ("the vote's key replaced", lambda d: d["encryption"].update(
        public_key=d["encryption"]["holders"][0]["verification_key"]),
     "encryption.public_key is not the sum"),
    ("a verification key replaced", lambda d: d["encryption"]["holders"][2].update(
        verification_key=d["encryption"]["holders"][0]["verification_key"]),
     "holder 3: verification_key is not the one"),
    ("a ballot's proof broken", lambda d: d["ballots"][0]["choice"]["answers"][0][
        "individual"].reverse(), "the proof of 0 or 1 fails"),
    ("a ballot's tracker changed", swap_ballot_choices, "tracker is not the hash"),
    ("a ballot dropped from the tally", lambda d: d["tally"][0]["ciphertexts"][0].reverse(),
     "tally: the combined ciphertexts are not those of the valid ballots"),
    ("a count changed", lambda d: d["tally"][0]["counts"][0].__setitem__(0, 0),
     "counts are not the decryption"),
    ("a partial decryption replaced", lambda d: d["decryptions"][0]["partials"][0][0].reverse(),
     "a proof of holder 1's partial decryption fails"),
    ("one holder's decryption only", lambda d: d["decryptions"].pop(),
     "1 holders' partial decryptions hold, 2 are needed"),
    ("the same holder twice", lambda d: d["decryptions"].__setitem__(1, d["decryptions"][0]),
     "holder 1 is not a holder, or appears twice"),
]


@pytest.mark.parametrize("what, change, problem", TAMPERING, ids=[t[0] for t in TAMPERING])
def test_each_encrypted_part_tampered_with_is_caught(box, what, change, problem):
    doc = copy.deepcopy(box)
    change(doc)
    problems, _ = ballotbox.verify(reopen(doc))
    assert any(problem in p for p in problems), problems
    if "encryption" in what or "key" in what:  # the bureau's keys are fingerprinted
        problems, _ = ballotbox.verify(reopen(copy.deepcopy(doc)),
                                       fingerprint=box["opening"]["fingerprint"])
        assert any("not the fingerprint published" in p for p in problems)


def test_a_changed_result_is_recounted(box):
    doc = copy.deepcopy(box)
    doc["result"]["outcome"] = "rejected" if box["result"]["outcome"] == "adopted" \
        else "adopted"
    problems, _ = ballotbox.verify(reseal(doc))
    assert any(p.startswith("result.outcome") for p in problems)


@pytest.mark.parametrize("change", [
    lambda d: d.pop("tally"), lambda d: d.update(decryptions={}),
    lambda d: d["encryption"].update(group="P-256"),
    lambda d: d["encryption"].update(threshold=4),
    lambda d: d["decryptions"][0]["partials"][0][0].__setitem__(0, "zz"),
    lambda d: d["opening"].pop("encryption"),
])
def test_a_malformed_encrypted_part_is_refused(box, change):
    doc = copy.deepcopy(box)
    change(doc)
    with pytest.raises(boxjson.MalformedBox):
        ballotbox.verify(doc)


EXAMPLE_V3 = Path(__file__).resolve().parent.parent / "data" / "ballot-box-v3-example.json"


def test_the_example_box_of_format_3_verifies():
    """tests/data/ballot-box-v3-example.json, written by `python -m tests.votes.test_encrypted_box`
    (seeded: the same bytes each time), for the docs and the verifiers' tests."""
    doc = boxjson.loads(EXAMPLE_V3.read_bytes())
    assert doc == json.loads(boxjson.dumps(encrypted("majority_judgment")))
    assert ballotbox.verify(doc)[0] == []


def _rebuilt(doc: dict, choice_of) -> tuple[dict, str]:
    """The box built again from its own parts, each ballot's choice given by `choice_of`."""
    vote = doc["vote"] | {"closed_at": doc["closed_at"]}
    ballots = [b | {"choice": choice_of(b["choice"])} for b in doc["ballots"]]
    return boxbuild.build(vote, doc["colleges"], doc["roll"], ballots, doc["batches"],
                           call=doc["call"], result=doc["result"], text=True, encrypted={
                               k: doc[k] for k in boxseal.ENCRYPTED_PARTS})


@pytest.mark.parametrize("indented_up_to", [1000, 2])  # the box indented, and written compact
def test_choices_spliced_as_stored_seal_the_same_box(box, monkeypatch, indented_up_to):
    """The server seals an encrypted box from each choice's canonical text as stored at cast
    (never parsed): the same seal and the same published text as from parsed choices."""
    import votes.boxjson as boxjson
    monkeypatch.setattr(boxjson, "INDENTED_UP_TO", indented_up_to)
    parsed, parsed_text = _rebuilt(box, lambda c: c)
    spliced, text = _rebuilt(box, lambda c: boxjson.Raw(boxjson.canonical(c).decode("utf-8")))
    assert spliced["seal"] == parsed["seal"] == box["seal"]
    assert text == parsed_text and json.loads(text) == json.loads(boxjson.dumps(box))
    assert ballotbox.verify(text)[0] == []
    with pytest.raises(ValueError):  # a spliced choice needs the hash and result of the server
        boxbuild.build(box["vote"] | {"closed_at": box["closed_at"]}, box["colleges"],
                        box["roll"], [b | {"choice": boxjson.Raw("{}")} for b in box["ballots"]],
                        encrypted={k: box[k] for k in boxseal.ENCRYPTED_PARTS})


def test_only_canonical_text_is_spliced(box):
    choice = box["ballots"][0]["choice"]
    from votes.boxjson import is_canonical_text
    assert is_canonical_text(boxjson.canonical(choice).decode())
    assert not is_canonical_text(json.dumps(choice))  # a row written before: parsed again


def test_many_ballots_are_checked_on_every_core_with_the_same_findings(box, monkeypatch):
    from votes import encryptedbox
    monkeypatch.setattr(encryptedbox, "PARALLEL_FROM", 2)
    monkeypatch.setattr(encryptedbox.os, "cpu_count", lambda: 2)
    doc = copy.deepcopy(box)
    swap_ballot_choices(doc)
    problems, _ = ballotbox.verify(reopen(doc))
    assert sum("tracker is not the hash" in p for p in problems) == 2
    assert ballotbox.verify(box)[0] == []


if __name__ == "__main__":
    EXAMPLE_V3.write_text(boxjson.dumps(encrypted("majority_judgment")), encoding="utf-8")
    print(f"wrote {EXAMPLE_V3}")
