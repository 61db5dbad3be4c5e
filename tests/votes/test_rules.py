"""Counting rules of RULES.md §3, case by case, then properties over random polls."""
from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.rules import RuleError
from votes.rules import (
    COUNTINGS,
    METHODS,
    Ballot,
    Batch,
    College,
    Poll,
    RollEntry,
    Rule,
    ballot_error,
    majority_grade,
    tally,
)

# The autouse database fixture of tests/conftest.py is irrelevant to these pure functions.
PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
ABC = ("a", "b", "c")
GRADES = ("excellent", "good", "fair", "poor", "reject")


def voters(college=None, weight=1, *, present=0, absent=0, **choices):
    """Roll entries and ballots of one college: `for_=3, against=1` → 4 voted entries."""
    roll, ballots = [], []
    for choice, n in choices.items():
        choice = None if choice == "blank" else choice.rstrip("_")
        roll += [RollEntry(college, F(weight), True, True)] * n
        ballots += [Ballot(college, F(weight), choice)] * n
    roll += [RollEntry(college, F(weight), True)] * present
    roll += [RollEntry(college, F(weight), False)] * absent
    return roll, ballots


def make(method="resolution", groups=(), colleges=None, options=None, batches=(), seats=1,
         grades=(), **rule):
    """A poll from `voters(...)` groups; colleges as {id: weight}."""
    roll = [e for r, _ in groups for e in r]
    ballots = [b for _, b in groups for b in b]
    if colleges:
        rule.setdefault("weighting", "colleges")
    return Poll(method, Rule(**rule), options or (ABC if method != "resolution" else
                                                  ("for", "against", "abstain")),
                tuple(College(c, F(w)) for c, w in (colleges or {}).items()), tuple(roll),
                tuple(ballots), tuple(batches), seats, tuple(grades))


def outcome(poll):
    return tally(poll).outcome


# --- resolution: the worked examples ---------------------------------------------------------

def test_colleges_40_30_30_with_60_20_50_for_is_45_percent_rejected():
    poll = make(colleges={"a": "2/5", "b": "3/10", "c": "3/10"},
                groups=[voters("a", for_=3, against=2), voters("b", for_=1, against=4),
                        voters("c", for_=1, against=1)])
    result = tally(poll)
    assert result.share_for == F(45, 100)
    assert [c.share_for for c in result.colleges] == [F(3, 5), F(1, 5), F(1, 2)]
    assert result.outcome == "rejected"


@pytest.mark.parametrize("counting, share, expected", [
    ("votes_cast", F(60, 85), "adopted"), ("participants", F(60, 100), "rejected")])
def test_60_for_25_against_15_abstain_at_two_thirds(counting, share, expected):
    poll = make(groups=[voters(for_=60, against=25, abstain=15)], counting=counting,
                threshold=F(2, 3), strict=False)
    result = tally(poll)
    assert (result.share_for, result.outcome) == (share, expected)


def test_exactly_two_thirds_not_strict_is_adopted():
    poll = make(groups=[voters(for_=2, against=1)], threshold=F(2, 3), strict=False)
    assert tally(poll).share_for == F(2, 3)
    assert outcome(poll) == "adopted"


def test_exactly_one_half_at_simple_majority_is_rejected():
    assert outcome(make(groups=[voters(for_=1, against=1)])) == "rejected"
    assert outcome(make(groups=[voters(for_=1, against=1)], strict=False)) == "adopted"


def test_unanimity():
    assert outcome(make(groups=[voters(for_=9)], threshold=F(1), strict=False)) == "adopted"
    assert outcome(make(groups=[voters(for_=9, against=1)], threshold=F(1),
                        strict=False)) == "rejected"


# --- quorum ----------------------------------------------------------------------------------

def test_participation_exactly_at_quorum_is_met():
    result = tally(make(groups=[voters(for_=1, absent=4)], quorum=F(1, 5)))
    assert (result.quorum.participation, result.quorum.met) == (F(1, 5), True)
    assert result.outcome == "adopted"


def test_participation_below_quorum_is_no_quorum_even_when_unanimous():
    result = tally(make(groups=[voters(for_=1, absent=5)], quorum=F(1, 5)))
    assert (result.quorum.met, result.outcome) == (False, "no_quorum")
    assert result.share_for == 1  # still reported


def test_quorum_counts_member_weights_not_college_weights():
    poll = make(colleges={"a": "1/2", "b": "1/2"}, quorum=F(1, 5),
                groups=[voters("a", for_=1), voters("b", absent=9)])
    assert tally(poll).quorum.participation == F(1, 10)
    assert outcome(poll) == "no_quorum"


def test_present_without_voting_counts_for_quorum():
    result = tally(make(groups=[voters(for_=1, present=1, absent=8)], quorum=F(1, 5)))
    assert result.quorum.met and result.outcome == "adopted"


def test_no_quorum_required_is_null():
    assert tally(make(groups=[voters(for_=1)])).as_json()["quorum"] is None


# --- empty colleges, no votes, counting modes, batches ---------------------------------------

def empty_college_poll(rule):
    return make(colleges={"a": "1/2", "b": "3/10", "c": "1/5"}, empty_college=rule,
                groups=[voters("a", for_=2), voters("b", against=3), voters("c", abstain=2)])


def test_empty_college_redistribute_leaves_it_out():
    result = tally(empty_college_poll("redistribute"))
    assert result.colleges[2].expressed == 0 and result.colleges[2].share_for is None
    assert (result.share_for, result.outcome) == (F(5, 8), "adopted")


def test_empty_college_against_keeps_its_weight_for_nothing():
    assert tally(empty_college_poll("against")).share_for == F(1, 2)
    assert outcome(empty_college_poll("against")) == "rejected"


def test_nothing_expressed_is_rejected_with_null_share():
    result = tally(make(groups=[voters(abstain=4)]))
    assert (result.share_for, result.outcome) == (None, "rejected")
    assert result.as_json()["share_for"] is None
    poll = make(colleges={"a": "1/2", "b": "1/2"}, groups=[voters("a", abstain=1)])
    assert tally(poll).outcome == "rejected"


def test_roll_counting_counts_abstentions_and_absents_as_against():
    poll = make(groups=[voters(for_=6, abstain=1, absent=3)], counting="roll")
    assert tally(poll).share_for == F(6, 10) and outcome(poll) == "adopted"
    poll = make(groups=[voters(for_=6, abstain=1, absent=5)], counting="roll")
    assert tally(poll).share_for == F(1, 2) and outcome(poll) == "rejected"


def test_participants_counting_counts_silent_participants_as_against():
    poll = make(groups=[voters(for_=3, present=2, absent=10)], counting="participants")
    assert tally(poll).colleges[0].expressed == 5
    assert tally(poll).share_for == F(3, 5)


def test_batches_add_to_the_college_counts():
    poll = make(colleges={"a": "1/2", "b": "1/2"},
                groups=[voters("a", for_=1, against=1), voters("b", against=1)],
                batches=[Batch("b", {"for": F(3), "abstain": F(2)}),
                         Batch("a", {"against": F(1, 2)})])
    a, b = tally(poll).colleges
    assert (a.votes, a.expressed) == ({"for": 1, "against": F(3, 2), "abstain": 0}, F(5, 2))
    assert (b.votes, b.expressed) == ({"for": 3, "against": 1, "abstain": 2}, 4)
    assert tally(poll).share_for == F(1, 2) * F(2, 5) + F(1, 2) * F(3, 4)


def test_fractional_member_weights():
    poll = make(groups=[voters(weight=F(1, 3), for_=2), voters(weight=F(3, 4), against=1)])
    assert tally(poll).share_for == F(2, 3) / (F(2, 3) + F(3, 4))


def test_resolution_json_shape():
    poll = make(colleges={"members": "3/10", "workers": "7/10"}, quorum=F(1, 5),
                groups=[voters("members", for_=4, against=1, abstain=1, absent=4),
                        voters("workers", against=1)])
    assert tally(poll).as_json() == {
        "method": "resolution", "outcome": "rejected",
        "quorum": {"required": "1/5", "participation": "7/11", "met": True},
        "colleges": [
            {"id": "members", "weight": "3/10", "for": "4", "against": "1", "abstain": "1",
             "expressed": "5", "share_for": "4/5"},
            {"id": "workers", "weight": "7/10", "for": "0", "against": "1", "abstain": "0",
             "expressed": "1", "share_for": "0"}],
        "share_for": "6/25", "threshold": "1/2", "strict": True}


def test_without_colleges_one_entry_with_null_id_and_weight():
    data = tally(make(groups=[voters(for_=2, against=1)])).as_json()
    assert data["colleges"] == [{"id": None, "weight": None, "for": "2", "against": "1",
                                 "abstain": "0", "expressed": "3", "share_for": "2/3"}]


# --- choice ----------------------------------------------------------------------------------

def test_choice_decided_blank_is_not_a_vote_cast():
    result = tally(make("choice", groups=[voters(a=3, b=1, blank=5)]))
    assert [(o.id, o.share) for o in result.options] == [("a", F(3, 4)), ("b", F(1, 4)),
                                                          ("c", 0)]
    assert (result.outcome, result.winners) == ("decided", ("a",))


def test_choice_no_majority_and_relative_majority():
    poll = make("choice", groups=[voters(a=2, b=2, c=1)])
    assert outcome(poll) == "no_majority"
    plurality = make("choice", groups=[voters(a=2, b=2, c=1)], threshold=F(0))
    assert outcome(plurality) == "tie"
    assert tally(plurality).winners == ()
    assert tally(make("choice", groups=[voters(a=3, b=2, c=1)], threshold=F(0))).winners == ("a",)


def test_choice_tie_at_one_half_not_strict():
    result = tally(make("choice", groups=[voters(a=2, b=2)], strict=False))
    assert (result.outcome, result.winners) == ("tie", ())


def test_choice_no_votes():
    result = tally(make("choice", groups=[voters(blank=2, absent=3)]))
    assert result.outcome == "no_votes"
    assert [o["share"] for o in result.as_json()["options"]] == [None, None, None]


def test_choice_college_weights_normalised_over_non_empty_colleges():
    poll = make("choice", colleges={"x": "1/2", "y": "3/10", "z": "1/5"},
                groups=[voters("x", a=1), voters("y", b=3), voters("z", blank=1)])
    shares = {o.id: o.share for o in tally(poll).options}
    assert shares == {"a": F(5, 8), "b": F(3, 8), "c": 0}
    assert tally(poll).winners == ("a",)


def test_choice_with_batches_and_json_shape():
    poll = make("choice", groups=[voters(a=1, b=2)], batches=[Batch(None, {"a": F(3)})],
                quorum=F(1, 2))
    assert tally(poll).as_json() == {
        "method": "choice", "outcome": "decided",
        "quorum": {"required": "1/2", "participation": "1", "met": True},
        "colleges": [{"id": None, "weight": None, "expressed": "6"}],
        "options": [{"id": "a", "share": "2/3"}, {"id": "b", "share": "1/3"},
                    {"id": "c", "share": "0"}],
        "winners": ["a"], "threshold": "1/2", "strict": True}


# --- approval --------------------------------------------------------------------------------

def approve(*picks, college=None):
    """Ballots of one college, each a list of options; roll entries voted."""
    return ([RollEntry(college, F(1), True, True) for _ in picks],
            [Ballot(college, F(1), list(p)) for p in picks])


def test_approval_elects_by_decreasing_share_up_to_seats():
    poll = make("approval", options=("a", "b", "c", "d"), seats=2,
                groups=[approve("ab", "ab", "ac", "bc", "")])
    result = tally(poll)
    assert [(o.id, o.share) for o in result.options] == [
        ("a", F(3, 4)), ("b", F(3, 4)), ("c", F(1, 2)), ("d", 0)]
    assert (result.outcome, result.winners) == ("decided", ("a", "b"))


def test_approval_tie_across_the_last_seat():
    poll = make("approval", options=("a", "b", "c", "d"), seats=2,
                groups=[approve("ab", "ac", "ad", "bc")], strict=False)
    result = tally(poll)  # a 3/4; b, c 1/2 for one remaining seat
    assert (result.outcome, result.winners) == ("tie", ("a",))


def test_approval_fewer_pass_than_seats_and_none_pass():
    poll = make("approval", seats=3, groups=[approve("a", "ab", "a", "c")])
    assert (tally(poll).outcome, tally(poll).winners) == ("decided", ("a",))
    assert outcome(make("approval", seats=2, groups=[approve("a", "b", "c")])) == "no_majority"


def test_approval_empty_selection_is_blank():
    poll = make("approval", seats=1, groups=[approve("a", "", "")])
    assert tally(poll).colleges[0].expressed == 1
    assert outcome(make("approval", seats=1, groups=[approve("", "")])) == "no_votes"


def test_approval_quorum():
    roll, ballots = approve("a", "a")
    poll = make("approval", seats=1, groups=[(roll + [RollEntry(None, F(1), False)] * 7,
                                              ballots)], quorum=F(1, 4))
    assert (outcome(poll), tally(poll).winners) == ("no_quorum", ())


# --- majority judgment -----------------------------------------------------------------------

def judge(*ballots, college=None, weight=1):
    """Ballots of one college, each a {option: grade} dict."""
    return ([RollEntry(college, F(weight), True, True) for _ in ballots],
            [Ballot(college, F(weight), dict(b)) for b in ballots])


def mj(*groups, options=("a", "b"), colleges=None, **rule):
    return make("majority_judgment", groups=groups, options=options, grades=GRADES,
                colleges=colleges, **rule)


def test_majority_grade_is_the_lower_median():
    assert majority_grade([F(1, 2), 0, 0, F(1, 2), 0]) == 3
    assert majority_grade([F(1, 3), F(1, 3), F(1, 3)]) == 1
    assert majority_grade([F(1, 4)] * 4) == 2


def test_mj_lower_median_with_two_ballots():
    result = tally(mj(judge({"a": "excellent", "b": "good"}, {"a": "poor", "b": "good"})))
    assert [(j.id, j.grade, j.p, j.q, j.rank) for j in result.ranking] == [
        ("b", "good", 0, 0, 1), ("a", "poor", F(1, 2), 0, 2)]
    assert result.outcome == "decided"


def test_mj_p_greater_than_q_ranks_above_p_not_greater():
    # both "good"; a has more above (p > q), b more below (p < q)
    result = tally(mj(judge({"a": "excellent", "b": "good"}, {"a": "good", "b": "good"},
                            {"a": "good", "b": "fair"})))
    assert [(j.id, j.grade, j.p, j.q) for j in result.ranking] == [
        ("a", "good", F(1, 3), 0), ("b", "good", 0, F(1, 3))]


def test_mj_larger_p_first_smaller_q_first_equal_tied():
    grades = [("excellent", "good", "good", "good", "good"),    # p 1/5 q 0
              ("excellent", "excellent", "good", "good", "good"),  # p 2/5 q 0
              ("good", "good", "good", "fair", "fair"),         # p 0 q 2/5
              ("good", "good", "good", "good", "fair"),         # p 0 q 1/5
              ("good", "good", "good", "poor", "reject"),       # p 0 q 2/5: tied with c
              ("fair",) * 5]
    options = ("a", "b", "c", "d", "e", "f")
    ballots = [{o: g[i] for o, g in zip(options, grades, strict=True)} for i in range(5)]
    result = tally(mj(judge(*ballots), options=options))
    assert [(j.id, j.rank) for j in result.ranking] == [
        ("b", 1), ("a", 2), ("d", 3), ("c", 4), ("e", 4), ("f", 6)]


def test_mj_tie_at_the_top_and_ungraded_is_worst():
    result = tally(mj(judge({"a": "good"}, {"b": "good"})))  # each: good and reject
    assert [(j.id, j.grade, j.rank) for j in result.ranking] == [
        ("a", "reject", 1), ("b", "reject", 1)]
    assert result.outcome == "tie"


def test_mj_ballot_mass_is_college_weight_over_college_ballots():
    # college x (1/2): one ballot excellent; college y (1/2): three ballots poor
    def poll(wx, wy):
        return mj(judge({"a": "excellent"}, college="x"),
                  judge({"a": "poor"}, {"a": "poor"}, {"a": "poor"}, college="y"),
                  options=("a",), colleges={"x": wx, "y": wy})
    (a,) = tally(poll("1/2", "1/2")).ranking
    assert (a.grade, a.p, a.q) == ("poor", F(1, 2), 0)
    (a,) = tally(poll("3/5", "2/5")).ranking
    assert (a.grade, a.p, a.q) == ("excellent", 0, F(2, 5))


def test_mj_empty_college_is_left_out_and_json_shape():
    poll = mj(judge({"a": "good", "b": "fair"}, college="x"), voters("y", absent=2),
              colleges={"x": "1/2", "y": "1/2"}, quorum=F(1, 4))
    assert tally(poll).as_json() == {
        "method": "majority_judgment", "outcome": "decided",
        "quorum": {"required": "1/4", "participation": "1/3", "met": True},
        "colleges": [{"id": "x", "weight": "1/2", "expressed": "1"},
                     {"id": "y", "weight": "1/2", "expressed": "0"}],
        "ranking": [{"id": "a", "grade": "good", "p": "0", "q": "0", "rank": 1},
                    {"id": "b", "grade": "fair", "p": "0", "q": "0", "rank": 2}]}


def test_mj_no_votes():
    result = tally(mj(voters(absent=3)))
    assert result.outcome == "no_votes"
    assert result.as_json()["ranking"][0] == {"id": "a", "grade": None, "p": None, "q": None,
                                              "rank": None}


# --- invalid input ---------------------------------------------------------------------------

@pytest.mark.parametrize("method, choice, why", [
    ("resolution", "yes", 'choice "yes" is not one of for, against, abstain'),
    ("resolution", None, "choice null is not one of for, against, abstain"),
    ("choice", "z", 'unknown option "z"'),
    ("choice", ["a"], 'unknown option ["a"]'),
    ("approval", "a", "choice is not a list of options"),
    ("approval", ["a", "z"], 'unknown option "z"'),
    ("approval", ["a", "a"], "an option is selected twice"),
    ("approval", ["a", "b", "c"], "selects 3 options, more than the 2 seats"),
    ("majority_judgment", {"a": "superb"}, 'unknown grade "superb" for option "a"'),
    ("majority_judgment", {"z": "good"}, 'unknown option "z"'),
    ("majority_judgment", "a", "choice is not an object from options to grades"),
])
def test_ballot_errors(method, choice, why):
    poll = make(method, seats=2, grades=GRADES)
    assert ballot_error(poll, choice) == why
    with pytest.raises(RuleError) as err:
        tally(make(method, seats=2, grades=GRADES, groups=[([], [Ballot(None, F(1), choice)])]))
    assert err.value.code == "invalid_ballot"


@pytest.mark.parametrize("change, code", [
    (dict(method="vote"), "unknown_method"),
    (dict(rule=Rule(counting="heads")), "unknown_counting"),
    (dict(rule=Rule(threshold=F(3, 2))), "share_out_of_range"),
    (dict(ballots=(Ballot("x", F(1), "for"),)), "unknown_college"),
    (dict(ballots=(Ballot(None, F(0), "for"),)), "bad_weight"),
    (dict(batches=(Batch(None, {"maybe": F(1)}),)), "invalid_batch"),
    (dict(options=("for", "against")), "bad_options"),
    (dict(colleges=(College("x", F(1)),)), "bad_colleges"),
])
def test_polls_that_cannot_be_counted(change, code):
    from dataclasses import replace
    with pytest.raises(RuleError) as err:
        tally(replace(make(), **change))
    assert err.value.code == code


def test_batches_only_for_resolution_and_choice():
    with pytest.raises(RuleError):
        tally(make("approval", batches=[Batch(None, {"a": F(1)})]))


# --- properties ------------------------------------------------------------------------------

WEIGHTS = st.sampled_from([F(1), F(1), F(2), F(1, 2), F(3, 4)])
SHARES = st.sampled_from([F(0), F(1, 3), F(1, 2), F(1, 2), F(2, 3), F(1)])
STATUS = st.sampled_from(["absent", "present", "voted", "voted", "voted"])


def choices(method):
    return {
        "resolution": st.sampled_from(["for", "against", "abstain"]),
        "choice": st.one_of(st.none(), st.sampled_from(ABC)),
        "approval": st.lists(st.sampled_from(ABC), unique=True, max_size=2),
        "majority_judgment": st.dictionaries(st.sampled_from(ABC), st.sampled_from(GRADES)),
    }[method]


@st.composite
def rules_(draw, weighted):
    return dict(weighting="colleges" if weighted else "none",
                counting=draw(st.sampled_from(COUNTINGS)), threshold=draw(SHARES),
                strict=draw(st.booleans()), quorum=draw(st.one_of(st.none(), SHARES)),
                empty_college=draw(st.sampled_from(["redistribute", "against"])))


@st.composite
def polls(draw, method=None, batches=True):
    """A consistent poll: each ballot comes from a roll entry marked voted."""
    method = method or draw(st.sampled_from(METHODS))
    weighted = draw(st.booleans())
    colleges = {f"c{i}": F(draw(st.integers(1, 5)), 10)
                for i in range(draw(st.integers(1, 4)))} if weighted else {}
    keys = list(colleges) or [None]
    roll, ballots = [], []
    for college, weight, status, choice in draw(st.lists(st.tuples(
            st.sampled_from(keys), WEIGHTS, STATUS, choices(method)), max_size=20)):
        roll.append(RollEntry(college, weight, status != "absent", status == "voted"))
        if status == "voted":
            ballots.append(Ballot(college, weight, choice))
    options = ("for", "against", "abstain") if method == "resolution" else ABC
    batch = []
    if batches and method in ("resolution", "choice"):
        counts = st.dictionaries(st.sampled_from(options), st.integers(0, 4).map(F))
        batch = [Batch(c, n) for c, n in
                 draw(st.lists(st.tuples(st.sampled_from(keys), counts), max_size=2))]
    return Poll(method, Rule(**draw(rules_(weighted))), options,
                tuple(College(c, w) for c, w in colleges.items()), tuple(roll), tuple(ballots),
                tuple(batch), seats=2, grades=GRADES)


@PROPERTY
@given(polls(), st.randoms(use_true_random=False))
def test_order_of_ballots_roll_and_batches_never_matters(poll, rnd):
    from dataclasses import replace
    shuffled = {k: list(getattr(poll, k)) for k in ("roll", "ballots", "batches")}
    for items in shuffled.values():
        rnd.shuffle(items)
    again = replace(poll, **{k: tuple(v) for k, v in shuffled.items()})
    assert tally(again).as_json() == tally(poll).as_json()


@PROPERTY
@given(polls("resolution", batches=False), st.data())
def test_one_more_for_ballot_never_turns_adopted_into_rejected(poll, data):
    """A new voter voting for, or a roll entry that had not voted now voting for."""
    from dataclasses import replace
    keys = [c.id for c in poll.colleges] or [None]
    silent = [i for i, e in enumerate(poll.roll) if not e.voted]
    if silent and data.draw(st.booleans()):
        i = data.draw(st.sampled_from(silent))
        entry = replace(poll.roll[i], participating=True, voted=True)
        roll = poll.roll[:i] + (entry,) + poll.roll[i + 1:]
    else:
        entry = RollEntry(data.draw(st.sampled_from(keys)), data.draw(WEIGHTS), True, True)
        roll = poll.roll + (entry,)
    more = replace(poll, roll=roll, ballots=poll.ballots + (Ballot(entry.college, entry.weight,
                                                                   "for"),))
    if tally(poll).outcome == "adopted":
        assert tally(more).outcome == "adopted"
    assert (tally(more).share_for or 0) >= (tally(poll).share_for or 0)


def expressed_weight(half, counting):
    roll, ballots = half
    if counting == "roll":
        return sum((e.weight for e in roll), F(0))
    if counting == "participants":
        return sum((e.weight for e in roll if e.participating), F(0))
    return sum((b.weight for b in ballots if b.choice != "abstain"), F(0))


@st.composite
def halves(draw):
    """Roll entries and ballots of one half of a college; it always expresses something."""
    roll, ballots = [], []
    people = draw(st.lists(st.tuples(WEIGHTS, STATUS, choices("resolution")), max_size=8))
    people.append((draw(WEIGHTS), "voted", draw(st.sampled_from(["for", "against"]))))
    for weight, status, choice in people:
        roll.append(RollEntry("s", weight, status != "absent", status == "voted"))
        if status == "voted":
            ballots.append(Ballot("s", weight, choice))
    return roll, ballots


def split(poll, one, two, w1, w2):
    """The poll with college "s" replaced by s1 (entries `one`, weight w1) and s2 (w2)."""
    from dataclasses import replace

    def move(half, to):
        return [replace(x, college=to) for x in half[0]], [replace(x, college=to)
                                                            for x in half[1]]
    (r1, b1), (r2, b2) = move(one, "s1"), move(two, "s2")
    colleges = [c for c in poll.colleges if c.id != "s"] + [College("s1", w1), College("s2", w2)]
    return replace(poll, colleges=tuple(colleges),
                   roll=tuple(e for e in poll.roll if e.college != "s") + tuple(r1 + r2),
                   ballots=tuple(b for b in poll.ballots if b.college != "s") + tuple(b1 + b2))


@PROPERTY
@given(polls("resolution", batches=False), st.data())
def test_splitting_a_college_in_proportion_to_what_its_halves_express_keeps_the_result(
        poll, data):
    """Invariant: replace college s (weight w) by s1, s2 holding a division of its roll and
    ballots, with weights w·E1/E and w·E2/E where E1 + E2 = E are what the halves express
    under the counting mode. Then w1·s1 + w2·s2 = w·s and the total weight is unchanged, so
    the overall share S, the quorum (member weights) and the outcome do not change."""
    from dataclasses import replace
    if not poll.colleges:
        poll = replace(poll, rule=replace(poll.rule, weighting="colleges"),
                       colleges=(College("other", F(1, 2)),), roll=(), ballots=())
    one, two = data.draw(halves()), data.draw(halves())
    w = data.draw(st.integers(1, 5).map(lambda n: F(n, 10)))
    whole = replace(poll, colleges=poll.colleges + (College("s", w),),
                    roll=poll.roll + tuple(one[0] + two[0]),
                    ballots=poll.ballots + tuple(one[1] + two[1]))
    e1, e2 = (expressed_weight(h, poll.rule.counting) for h in (one, two))
    parts = split(whole, one, two, w * e1 / (e1 + e2), w * e2 / (e1 + e2))
    before, after = tally(whole), tally(parts)
    assert (after.share_for, after.outcome, after.quorum) == (
        before.share_for, before.outcome, before.quorum)


@PROPERTY
@given(st.lists(st.booleans(), min_size=1, max_size=8),
       st.lists(st.booleans(), min_size=1, max_size=8), st.integers(0, 4), st.integers(0, 4))
def test_halving_a_college_weight_keeps_the_share_when_halves_express_as_much(
        first, second, abstain1, abstain2):
    """The special case w1 = w2 = w/2: votes_cast, each half with as many for-or-against
    ballots (any mix) and any number of abstentions."""
    second = (second * 8)[:len(first)]

    def half(votes, abstain):
        return voters("s", for_=sum(votes), against=len(votes) - sum(votes), abstain=abstain)
    one, two = half(first, abstain1), half(second, abstain2)
    whole = make(colleges={"x": "1/2", "s": "1/2"}, groups=[voters("x", for_=1), one, two])
    parts = split(whole, one, two, F(1, 4), F(1, 4))
    assert tally(parts).share_for == tally(whole).share_for


def test_halving_a_college_weight_changes_the_share_when_halves_express_differently():
    """Why the invariant needs E1 = E2: s1 = 1/1, s2 = 0/3 average to 1/2, not s = 1/4."""
    one, two = voters("s", for_=1), voters("s", against=3)
    whole = make(colleges={"x": "1/2", "s": "1/2"}, groups=[voters("x", for_=1), one, two])
    assert tally(whole).share_for == F(1, 2) + F(1, 2) * F(1, 4)
    assert tally(split(whole, one, two, F(1, 4), F(1, 4))).share_for == F(3, 4)
