"""The published ballot box: building, fingerprinting, sealing, strict reading, and what verify
catches; boxes of format 1 keep verifying."""
from __future__ import annotations

import copy
import hashlib
import json
from fractions import Fraction as F
from pathlib import Path

import pytest

from votes.ballotbox import parse, verify
from votes.boxbuild import build
from votes.boxjson import INDENTED_UP_TO, MalformedBox, canonical, dumps, sha256_hex
from votes.boxseal import FORMAT_V1, OPENING_PARTS, ballot_hash, opening, seal

DATA = Path(__file__).resolve().parent.parent / "data"
EXAMPLE = DATA / "ballot-box-example.json"
EXAMPLE_V1 = DATA / "ballot-box-v1-example.json"  # sealed by the format's first version
SEAL_PROBLEM = ("seal does not match the document: its vote, roll, ballots, batches or result "
                "changed after the close")
SMARTFR_COLLEGES = [("entrepreneurs", "Entrepreneur·es salarié·es", "2/5"),
                    ("permanents", "Salarié·es permanent·es", "1/5"),
                    ("structures", "Structures associées", "3/20"),
                    ("soutiens", "Soutiens et collectivités", "3/20"),
                    ("partenaires", "Partenaires économiques", "1/10")]
# college: roll size, participating without voting, online ballots (for, against, abstain)
SMARTFR_TURNOUT = {"entrepreneurs": (30, 2, (15, 5, 2)), "permanents": (10, 0, (6, 1, 1)),
                   "structures": (4, 0, (2, 1, 0)), "soutiens": (10, 0, (2, 1, 1)),
                   "partenaires": (2, 0, (1, 1, 0))}
POSTAL = {"for": 2, "against": 1, "abstain": 1}  # paper postal forms of the soutiens college
RESOLUTION = [{"id": "for", "label": "Pour"}, {"id": "against", "label": "Contre"},
              {"id": "abstain", "label": "Abstention"}]


def smartfr_example() -> dict:
    """SmartFr's extraordinary general assembly of 29 November 2021 (qualified majority, five
    colleges), 39 online ballots and one batch of postal forms; deterministic."""
    def token(kind: str, n: int) -> str:  # stable across Python versions, unlike `random`
        return hashlib.sha256(f"smartfr-2021-11-29/{kind}/{n}".encode()).hexdigest()

    def tracker(n: int) -> str:
        alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
        code = "".join(alphabet[int(token("tracker", n)[2 * i:2 * i + 2], 16) % 31]
                       for i in range(12))
        return "-".join(code[i:i + 4] for i in (0, 4, 8))

    roll, ballots = [], []
    for college, (size, silent, counts) in SMARTFR_TURNOUT.items():
        choices = [c for c, n in zip(("for", "against", "abstain"), counts, strict=True)
                   for _ in range(n)]
        postal = sum(POSTAL.values()) if college == "soutiens" else 0
        voted = len(choices) + postal
        for i in range(size):
            roll.append({"voter": token("voter", len(roll))[:10], "college": college, "weight": 1,
                         "participating": i < voted + silent, "voted": i < voted})
        ballots += [{"tracker": tracker(len(ballots) + i), "college": college, "weight": 1,
                     "choice": c} for i, c in enumerate(choices)]
    vote = {"id": "smartfr-2021-11-29-age-r1", "title": "Plan de continuation des activités",
            "cooperative": "smartfr", "method": "resolution", "secret": True,
            "options": RESOLUTION,
            "rule": {"weighting": "colleges", "counting": "votes_cast", "threshold": F(2, 3),
                     "strict": False, "quorum": F(1, 4), "empty_college": "redistribute"},
            "opened_at": "2021-11-29T14:00:00+01:00", "closed_at": "2021-11-29T18:00:00+01:00"}
    return build(vote, [{"id": c, "name": n, "weight": w} for c, n, w in SMARTFR_COLLEGES],
                 sorted(roll, key=lambda e: e["voter"]), ballots,
                 [{"college": "soutiens", "counts": POSTAL}])


def small_box(method, choices, *, seats=None, grades=None, batches=(), strict=True, absent=1,
              options=("a", "b", "c"), **rule):
    """A box without colleges: one voted roll entry per ballot, plus `absent` entries."""
    vote = {"id": f"v-{method}", "title": "Test", "cooperative": "coop", "method": method,
            "secret": True, "seats": seats, "grades": grades,
            "options": RESOLUTION if method == "resolution" else
            [{"id": o, "label": o.upper()} for o in options],
            "rule": {"weighting": "none", "counting": "votes_cast", "threshold": "1/2",
                     "strict": True, "quorum": None, "empty_college": "redistribute"} | rule,
            "opened_at": "2024-03-01T09:00:00+01:00", "closed_at": "2024-03-08T18:00:00+01:00"}
    hand = sum(int(n) for b in batches for n in b["counts"].values())  # voters of weight 1
    roll = [{"voter": f"v{i:03}", "college": None, "weight": 1,
             "participating": i < len(choices) + hand, "voted": i < len(choices) + hand}
            for i in range(len(choices) + hand + absent)]
    ballots = [{"tracker": f"T{i:03}", "college": None, "weight": 1, "choice": c}
               for i, c in enumerate(choices)]
    return build(vote, [], roll, ballots, batches, strict=strict)


def reseal(doc: dict, *, result: bool = False, fingerprint: bool = False) -> dict:
    """What a forger does after a change: recompute every ballot's hash and the seal; with
    `result`, the announced result first; with `fingerprint`, the opening's hashes too."""
    for ballot in doc["ballots"]:
        ballot["hash"] = ballot_hash(doc["vote"]["id"], ballot)
    if fingerprint:
        doc["opening"] = opening(doc["vote"], doc["colleges"], doc["roll"])
    if result:
        doc["result"] = verify(doc)[1]
    doc["seal"] = seal(doc)
    return doc


@pytest.fixture
def box():
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def problems_of(doc):
    return verify(doc)[0]


# --- the committed example -------------------------------------------------------------------

def test_example_file_is_what_the_builder_makes():
    assert EXAMPLE.read_text(encoding="utf-8") == dumps(smartfr_example())


def test_example_verifies_and_is_adopted(box):
    problems, result = verify(EXAMPLE.read_bytes())
    assert problems == []
    assert result == box["result"]
    assert len(box["ballots"]) == 39 and box["ballots"] == sorted(
        box["ballots"], key=lambda b: b["tracker"])
    share = F(2, 5) * F(15, 20) + F(1, 5) * F(6, 7) + F(3, 20) * F(2, 3) * 2 + F(1, 10) * F(1, 2)
    assert (result["outcome"], result["share_for"]) == ("adopted", f"{share}")
    assert result["quorum"] == {"required": "1/4", "participation": "45/56", "met": True}
    soutiens = result["colleges"][3]
    assert (soutiens["for"], soutiens["against"], soutiens["abstain"]) == ("4", "2", "2")


def test_published_ballots_carry_nothing_but_their_own_values(box):
    assert {tuple(b) for b in box["ballots"]} == {("tracker", "college", "weight", "choice",
                                                   "hash")}
    assert not set(box["roll"][0]) & {"tracker", "choice", "hash"}


@pytest.mark.parametrize("method, choices, extra", [
    ("resolution", ["for", "for", "against", "abstain"], {}),
    ("choice", ["a", "b", "a", None], {}),
    ("approval", [["a", "b"], ["a"], [], ["c", "b"]], {"seats": 2}),
    ("majority_judgment", [{"a": "good", "b": "poor"}, {"a": "poor"}, {}],
     {"grades": ["good", "fair", "poor"]}),
])
def test_round_trip_of_each_method(method, choices, extra):
    doc = small_box(method, choices, quorum="1/2", **extra)
    again = json.loads(dumps(doc))
    assert verify(again) == ([], doc["result"])
    assert parse(dumps(doc)).poll.method == method


def test_round_trip_with_a_choice_batch():
    doc = small_box("choice", ["a", "b"], batches=[{"college": None, "counts": {"a": 2, "c": 1}}])
    assert verify(doc)[0] == []
    assert doc["result"]["winners"] == ["a"]
    assert [o["share"] for o in doc["result"]["options"]] == ["3/5", "1/5", "1/5"]


def test_build_refuses_a_box_that_would_not_verify():
    with pytest.raises(MalformedBox, match="would not verify"):
        small_box("approval", [["a", "b", "c"]], seats=2)


# --- tampering -------------------------------------------------------------------------------

def first(box, choice, college="entrepreneurs"):
    return next(b for b in box["ballots"] if b["choice"] == choice and b["college"] == college)


def test_ballot_choice_altered(box):
    ballot = first(box, "for")
    ballot["choice"] = "against"
    problems = problems_of(box)
    assert f"ballot {ballot['tracker']}: hash does not match its content" in problems
    assert 'result.colleges[0].for: announced "15", recomputed "14"' in problems
    assert any(p.startswith("result.share_for: announced") for p in problems)


def test_ballot_altered_and_rehashed_breaks_the_seal(box):
    first(box, "against")["choice"] = "for"
    for ballot in box["ballots"]:
        ballot["hash"] = ballot_hash(box["vote"]["id"], ballot)
    assert SEAL_PROBLEM in problems_of(box)


def test_ballot_added(box):
    box["ballots"].append({"tracker": "ZZZZ-ZZZZ-ZZZZ", "college": "permanents", "weight": "1",
                           "choice": "for"})
    problems = problems_of(reseal(box))
    assert 'college "permanents": ballots and batches weigh 9, roll entries marked voted ' \
           'weigh 8' in problems
    assert 'college "permanents": 9 ballots for 8 roll entries marked voted' in problems
    assert 'result.colleges[1].for: announced "6", recomputed "7"' in problems


def test_ballot_removed(box):
    box["ballots"].remove(first(box, "against", "structures"))
    problems = problems_of(reseal(box))
    assert 'college "structures": ballots and batches weigh 2, roll entries marked voted ' \
           'weigh 3' in problems
    assert 'result.colleges[2].against: announced "1", recomputed "0"' in problems


def test_ballot_removed_without_resealing(box):
    del box["ballots"][5]
    assert SEAL_PROBLEM in problems_of(box)


def test_roll_entry_flipped_to_not_voted(box):
    entry = next(e for e in box["roll"] if e["college"] == "partenaires" and e["voted"])
    entry["voted"] = False
    assert problems_of(box)[0] == SEAL_PROBLEM
    assert problems_of(reseal(box)) == [
        'college "partenaires": ballots and batches weigh 2, roll entries marked voted weigh 1',
        'college "partenaires": 2 ballots for 1 roll entries marked voted']


def test_roll_entry_voted_without_participating(box):
    entry = next(e for e in box["roll"] if e["voted"])
    entry["participating"] = False
    problems = problems_of(box)
    assert f"roll entry {entry['voter']}: voted without participating" in problems
    assert any(p.startswith("result.quorum.participation: announced") for p in problems)


def test_result_altered(box):
    box["result"]["outcome"] = "rejected"
    box["result"]["colleges"][4]["share_for"] = "1"
    assert problems_of(box)[0] == SEAL_PROBLEM
    assert problems_of(reseal(box)) == [
        'result.outcome: announced "rejected", recomputed "adopted"',
        'result.colleges[4].share_for: announced "1", recomputed "1/2"']


def test_result_numbers_compare_by_value_and_missing_fields_show(box):
    box["result"]["colleges"][4]["share_for"] = "0.5"
    box["result"]["threshold"] = "4/6"
    del box["result"]["strict"]
    box["result"]["note"] = "x"
    assert problems_of(reseal(box)) == ["result.strict: missing from the announced result "
                                "(recomputed false)",
                                'result.note: announced "x", not part of a result']


def test_seal_altered(box):
    box["seal"] = "0" * 64
    assert problems_of(box) == [SEAL_PROBLEM]


def test_batch_altered(box):
    box["batches"][0]["counts"]["for"] = "5"
    assert SEAL_PROBLEM in problems_of(box)
    problems = problems_of(reseal(box))
    assert 'college "soutiens": ballots and batches weigh 11, roll entries marked voted ' \
           'weigh 8' in problems
    assert 'result.colleges[3].for: announced "4", recomputed "7"' in problems


def test_duplicate_tracker(box):
    box["ballots"][1]["tracker"] = box["ballots"][0]["tracker"]
    assert problems_of(reseal(box)) == [f"tracker {box['ballots'][0]['tracker']} appears 2 times"]


def test_ballots_not_sorted_by_tracker(box):
    box["ballots"].reverse()
    assert problems_of(reseal(box)) == ["ballots are not sorted by tracker"]


def test_unknown_college(box):
    ballot = first(box, "for", "permanents")
    ballot["college"] = "fantomes"
    problems = problems_of(reseal(box))
    assert f'ballot {ballot["tracker"]}: unknown college "fantomes"' in problems
    assert 'college "permanents": ballots and batches weigh 7, roll entries marked voted ' \
           'weigh 8' in problems


def test_invalid_resolution_choice(box):
    ballot = first(box, "abstain")
    ballot["choice"] = "blank"
    assert f'ballot {ballot["tracker"]}: choice "blank" is not one of for, against, ' \
           f'abstain' in problems_of(reseal(box))


def test_approval_over_seats():
    doc = small_box("approval", [["a"], ["a", "b", "c"], ["b"]], seats=2, strict=False)
    assert problems_of(doc) == ["ballot T001: selects 3 options, more than the 2 seats"]


def test_approval_unknown_option():
    doc = small_box("approval", [["a"], ["d"]], seats=1, strict=False)
    assert problems_of(doc) == ['ballot T001: unknown option "d"']


def test_majority_judgment_unknown_grade():
    doc = small_box("majority_judgment", [{"a": "good", "b": "superb"}, {"a": "poor"}],
                    grades=["good", "fair", "poor"], strict=False)
    assert problems_of(doc) == ['ballot T000: unknown grade "superb" for option "b"']


def test_batch_for_an_approval_vote():
    doc = small_box("approval", [["a"]], seats=1)
    doc["batches"] = [{"college": None, "counts": {"a": "1"}}]
    doc["roll"][1] |= {"participating": True, "voted": True}
    problems = problems_of(reseal(doc))
    assert problems == ["batch 1: batches are only for resolution and choice, not approval"]


def test_every_problem_is_listed_at_once(box):
    box["seal"] = "0" * 64
    box["ballots"][0]["college"] = "fantomes"
    box["result"]["outcome"] = "rejected"
    assert len(problems_of(box)) >= 4


# --- malformed documents ---------------------------------------------------------------------

def set_path(doc, path, value):
    *head, last = path
    target = doc
    for key in head:
        target = target[key]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return doc


DELETE = object()


@pytest.mark.parametrize("path, value, message", [
    (["format"], "coopgov-ballot-box/4", 'format is "coopgov-ballot-box/4"'),
    (["opening"], DELETE, 'document: missing field "opening"'),
    (["opening", "roll"], 7, "opening.roll: must be a string"),
    (["call"], 3, "call: must be 1 or 2, not 3"),
    (["closed_at"], "29/11/2021", 'closed_at: "29/11/2021" is not an ISO 8601'),
    (["vote", "rule", "quorum_second_call"], DELETE, 'missing field "quorum_second_call"'),
    (["result"], DELETE, 'document: missing field "result"'),
    (["vote"], DELETE, 'document: missing field "vote"'),
    (["ballots", 0, "hash"], DELETE, 'ballots[0]: missing field "hash"'),
    (["ballots", 3, "choice"], DELETE, 'ballots[3]: missing field "choice"'),
    (["roll", 2, "voted"], "yes", "roll[2].voted: must be true or false"),
    (["vote", "method"], "ranked", 'vote.method: unknown method "ranked"'),
    (["vote", "rule", "counting"], "heads", 'vote.rule.counting: unknown counting mode "heads"'),
    (["vote", "rule", "weighting"], "shares", 'unknown weighting "shares"'),
    (["vote", "rule", "empty_college"], "ignore", 'unknown empty_college rule "ignore"'),
    (["vote", "options", 2, "id"], "blank", "a resolution has the options for, against, "
                                            "abstain"),
    (["vote", "options", 1, "id"], "for", "option ids must be present and distinct"),
    (["vote", "rule", "threshold"], "0,5", 'vote.rule.threshold: "0,5" is not a number string'),
    (["vote", "rule", "threshold"], "3/2", "vote.rule.threshold: 3/2 must be between 0 and 1"),
    (["vote", "rule", "quorum"], "-1/4", "is not a number string"),
    (["colleges", 0, "weight"], "1/0", "colleges[0].weight: \"1/0\" is not a number"),
    (["colleges", 0, "weight"], "4e-1", "is not a number string"),
    (["roll", 0, "weight"], 1, "roll[0].weight: must be a string, not 1"),
    (["ballots", 0, "weight"], "0", "ballots[0].weight: 0 must be more than 0"),
    (["batches", 0, "counts", "for"], " 2", "is not a number string"),
    (["colleges"], [], "colleges: must list the colleges when weighting is colleges"),
    (["colleges", 1, "id"], "entrepreneurs", "college ids must be distinct"),
    (["vote", "seats"], 1, "vote.seats: only for approval"),
    (["vote", "grades"], ["a"], "vote.grades: only for majority_judgment"),
    (["vote", "secret"], None, "vote.secret: must be true or false"),
    (["result"], [], "result: must be an object"),
    (["roll", 0], "v1", 'roll[0]: must be an object, not "v1"'),
])
def test_malformed_documents(box, path, value, message):
    with pytest.raises(MalformedBox) as err:
        verify(set_path(box, path, value))
    assert message in str(err.value)


@pytest.mark.parametrize("text, message", [
    (b"{\"format\": ", "not valid JSON"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"[1, 2]", "not a JSON object"),
    (b'{"format": "coopgov-ballot-box/1", "format": "x"}', 'duplicate key "format"'),
    (b'{"weight": 0.3}', "bare JSON number 0.3"),
    (b'{"weight": NaN}', "NaN is not allowed"),
    (b"{}", 'document: missing field "format"'),
])
def test_malformed_text(text, message):
    with pytest.raises(MalformedBox, match=message):
        verify(text)


def test_majority_judgment_needs_grades_and_approval_seats():
    doc = small_box("majority_judgment", [{}], grades=["good", "poor"])
    with pytest.raises(MalformedBox, match="needs a list of distinct grades"):
        verify(set_path(copy.deepcopy(doc), ["vote", "grades"], ["good", "good"]))
    doc = small_box("approval", [["a"]], seats=1)
    with pytest.raises(MalformedBox, match="needs a number of seats"):
        verify(set_path(doc, ["vote", "seats"], 0))


# --- the fingerprint taken at opening and the seal over the whole document -------------------

def test_the_seal_covers_the_whole_document(box):
    assert box["seal"] == sha256_hex(canonical({k: v for k, v in box.items() if k != "seal"}))
    for key, value in [("title", "Autre"), ("secret", False)]:
        changed = copy.deepcopy(box)
        changed["vote"][key] = value
        assert SEAL_PROBLEM in problems_of(changed)
    changed = copy.deepcopy(box)
    changed["call"] = 2
    assert SEAL_PROBLEM in problems_of(changed)


def test_the_fingerprint_hashes_header_colleges_and_roll_without_turnout(box):
    parts = box["opening"]
    assert parts["vote"] == sha256_hex(canonical(box["vote"]))
    assert parts["colleges"] == sha256_hex(canonical(box["colleges"]))
    assert parts["roll"] == sha256_hex(canonical(
        [{"voter": e["voter"], "college": e["college"], "weight": e["weight"]}
         for e in box["roll"]]))
    assert parts["fingerprint"] == sha256_hex(canonical(
        {k: parts[k] for k in ("vote", "colleges", "roll")}))
    # who voted is not fixed at opening: the fingerprint does not depend on it
    fresh = [e | {"participating": False, "voted": False} for e in box["roll"]]
    assert opening(box["vote"], box["colleges"], fresh) == parts


def absent_voters(box, n=40):
    box["roll"] += [{"voter": f"zz{i:03}", "college": "entrepreneurs", "weight": "1",
                     "participating": False, "voted": False} for i in range(n)]
    return box


def higher_threshold(box):
    box["vote"]["rule"]["threshold"] = "3/4"
    return box


def other_weights(box):
    box["colleges"][0]["weight"], box["colleges"][4]["weight"] = "1/10", "2/5"
    return box


@pytest.mark.parametrize("tamper, part", [(absent_voters, "roll"),
                                          (higher_threshold, "vote"),
                                          (other_weights, "colleges")])
def test_a_changed_roll_rule_or_weights_is_named_even_with_its_result_recomputed(
        box, tamper, part):
    """The tester's cases: 40 absent voters added to the roll, the threshold raised, the
    college weights changed; the result then recomputed (and the box resealed)."""
    tampered = tamper(box)
    tampered["result"] = verify(tampered)[1]
    problems = problems_of(tampered)
    assert OPENING_PARTS[part] in problems and SEAL_PROBLEM in problems
    assert problems_of(reseal(tampered, result=True)) == [OPENING_PARTS[part]]


@pytest.mark.parametrize("tamper", [absent_voters, higher_threshold, other_weights])
def test_a_full_forgery_is_caught_by_the_fingerprint_published_at_opening(box, tamper):
    published = box["opening"]["fingerprint"]
    forged = reseal(tamper(box), result=True, fingerprint=True)
    assert problems_of(forged) == []  # consistent in itself…
    problems = verify(forged, fingerprint=published)[0]
    assert problems == [f"opening.fingerprint {forged['opening']['fingerprint']} is not the "
                        f"fingerprint published when the vote opened ({published}): this is "
                        f"not the vote that was opened"]  # …but not the vote that was opened


def test_the_right_fingerprint_verifies_and_case_is_ignored(box):
    assert verify(box, fingerprint=box["opening"]["fingerprint"].upper())[0] == []


def test_opening_hashes_altered(box):
    box["opening"]["roll"] = "0" * 64
    assert problems_of(box) == [OPENING_PARTS["roll"],
                                "opening.fingerprint does not match the hashes of its parts",
                                SEAL_PROBLEM]


def test_the_second_call_quorum_counts_at_a_second_call():
    doc = small_box("resolution", ["for", "against"], absent=6, quorum="1/2",
                    quorum_second_call=None)
    assert doc["result"]["outcome"] == "no_quorum" and doc["call"] == 1
    doc["call"] = 2
    doc = reseal(doc, result=True)
    assert doc["result"]["quorum"] is None and doc["result"]["outcome"] == "rejected"
    assert problems_of(doc) == []


def test_build_refuses_a_box_whose_fingerprint_is_not_the_one_taken_at_opening(box):
    vote = copy.deepcopy(box["vote"]) | {"closed_at": box["closed_at"]}
    with pytest.raises(MalformedBox, match="is not the fingerprint published"):
        build(vote, box["colleges"], box["roll"], box["ballots"], box["batches"],
              fingerprint="f" * 64)


# --- boxes sealed in format 1 ----------------------------------------------------------------

def test_a_box_of_format_1_still_verifies():
    doc = json.loads(EXAMPLE_V1.read_text(encoding="utf-8"))
    assert doc["format"] == FORMAT_V1
    problems, result = verify(EXAMPLE_V1.read_bytes())
    assert problems == [] and result == doc["result"]
    assert result["outcome"] == "adopted"


def test_a_box_of_format_1_tampered_is_caught():
    doc = json.loads(EXAMPLE_V1.read_text(encoding="utf-8"))
    del doc["ballots"][5]
    assert "seal does not match the ballots and batches" in problems_of(doc)
    doc = json.loads(EXAMPLE_V1.read_text(encoding="utf-8"))
    assert verify(doc, fingerprint="ab" * 32)[0] == [
        "a box of format 1 has no fingerprint to compare"]


def test_a_large_box_is_written_from_the_bytes_its_seal_hashed():
    vote = {"id": "v-large", "title": "Test", "cooperative": "coop", "method": "resolution",
            "secret": True, "options": RESOLUTION,
            "rule": {"weighting": "none", "counting": "votes_cast", "threshold": "1/2",
                     "strict": True, "quorum": None, "empty_college": "redistribute"},
            "opened_at": "2024-03-01T09:00:00+01:00", "closed_at": "2024-03-08T18:00:00+01:00"}
    n = INDENTED_UP_TO + 1
    roll = [{"voter": f"v{i:05}", "college": None, "weight": 1, "participating": True,
             "voted": True} for i in range(n)]
    ballots = [{"tracker": f"T{i:05}", "college": None, "weight": 1,
                "choice": ("for", "against", "abstain")[i % 3]} for i in range(n)]
    doc, text = build(vote, [], roll, ballots, text=True)
    assert json.loads(text) == json.loads(dumps(doc)) == doc  # the same document
    assert text.endswith(f',"seal":"{doc["seal"]}"}}\n') and "\n" not in text[:-1]
    problems, result = verify(text)
    assert problems == [] and result == doc["result"]
    assert result["colleges"][0]["for"] == str(len(range(0, n, 3)))
    small, small_text = build(vote, [], roll[:3], ballots[:3], text=True)
    assert small_text == dumps(small)  # a small box stays indented
