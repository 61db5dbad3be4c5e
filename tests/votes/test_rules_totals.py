"""Encrypted ballots are counted from their decrypted totals per college (rules.Totals): the
result must be the one the same ballots give counted one by one, for every method."""
from __future__ import annotations

import random
from fractions import Fraction

import pytest

from votes import rules

OPTIONS = ("a", "b", "c")
GRADES = ("Très bien", "Bien", "Passable")
COLLEGES = (rules.College("workers", Fraction(1, 2)), rules.College("users", Fraction(1, 3)),
            rules.College("partners", Fraction(1, 6)))


def random_choice(method, rnd):
    if method == "resolution":
        return rnd.choice(rules.RESOLUTION_OPTIONS)
    if method == "choice":
        return rnd.choice([*OPTIONS, None])
    if method == "approval":
        return rnd.sample(OPTIONS, rnd.randint(0, 2))
    return {o: rnd.choice(GRADES) for o in OPTIONS if rnd.random() < 0.7} or {"a": "Bien"}


def totals_of(poll: rules.Poll) -> tuple[rules.Totals, ...]:
    """What the bureau decrypts: per college, per option (per grade), the summed weight."""
    out = []
    for college in poll.colleges:
        mine = [b for b in poll.ballots if b.college == college.id]
        weight = sum((b.weight for b in mine), Fraction(0))
        if poll.method == "majority_judgment":
            counts = {o: tuple(sum((b.weight for b in mine if b.choice.get(o) == g), Fraction(0))
                               for g in GRADES) for o in OPTIONS}
        else:
            counts = {o: sum((b.weight for b in mine if b.choice == o or (
                isinstance(b.choice, list) and o in b.choice)), Fraction(0))
                for o in poll.options}
        blank = sum((b.weight for b in mine if b.choice in (None, [])), Fraction(0))
        out.append(rules.Totals(college.id, weight, counts, blank))
    return tuple(out)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("method", rules.METHODS)
@pytest.mark.parametrize("counting", rules.COUNTINGS)
def test_totals_count_as_the_ballots_they_sum(method, counting, seed):
    rnd = random.Random(seed)
    rule = rules.Rule(weighting="colleges", counting=counting, threshold=Fraction(1, 2),
                      quorum=Fraction(1, 5))
    roll = tuple(rules.RollEntry(rnd.choice(COLLEGES).id, Fraction(rnd.randint(1, 3)),
                                 rnd.random() < 0.8) for _ in range(40))
    ballots = tuple(rules.Ballot(e.college, e.weight, random_choice(method, rnd))
                    for e in roll[:rnd.randint(0, 30)])
    poll = rules.Poll(method, rule, rules.RESOLUTION_OPTIONS if method == "resolution"
                      else OPTIONS, COLLEGES, roll, ballots, seats=2, grades=GRADES)
    encrypted = rules.Poll(poll.method, rule, poll.options, COLLEGES, roll,
                           totals=totals_of(poll), seats=2, grades=GRADES)
    assert rules.tally(encrypted) == rules.tally(poll)


@pytest.mark.parametrize("totals, why", [
    (rules.Totals("workers", Fraction(3), {"for": Fraction(1), "against": Fraction(1)}),
     "name each option"),
    (rules.Totals("workers", Fraction(3), {"for": Fraction(4), "against": Fraction(0),
                                           "abstain": Fraction(0)}), "out of"),
    (rules.Totals("workers", Fraction(3), {"for": Fraction(1), "against": Fraction(1),
                                           "abstain": Fraction(0)}), "add up"),
])
def test_totals_that_cannot_be_ballots_are_refused(totals, why):
    poll = rules.Poll("resolution", rules.Rule(weighting="colleges"), colleges=COLLEGES,
                      totals=(totals,))
    with pytest.raises(rules.RuleError) as err:
        rules.tally(poll)
    assert why in err.value.params["why"]
