"""RULES.md §1 as pure rules: weights, colleges, voting shares, status changes."""
from datetime import date
from fractions import Fraction as F

import pytest

from governance import rules
from governance.rules import RuleError


@pytest.mark.parametrize("text, value", [
    ("3/10", F(3, 10)), ("30 %", F(3, 10)), ("30%", F(3, 10)), ("33,33 %", F(3333, 10000)),
    ("33.33%", F(3333, 10000)), ("0.3", F(3, 10)), ("1", F(1)), (" 1 / 3 ", F(1, 3)),
    ("100 %", F(1)), ("0,25", F(1, 4)),
])
def test_parse_fraction_accepts_percentages_fractions_decimals(text, value):
    assert rules.parse_fraction(text) == value


@pytest.mark.parametrize("text", ["", "abc", "33.333 %", "1/0", "-1/3", "1e3", "3/10/2", None])
def test_parse_fraction_refuses_other_text(text):
    with pytest.raises(RuleError) as err:
        rules.parse_fraction(text)
    assert err.value.code in {"not_a_weight", "zero_denominator"}


def test_fraction_str_is_lowest_terms_and_integers_plain():
    assert rules.fraction_str(F(6, 20)) == "3/10"
    assert rules.fraction_str(F(4, 4)) == "1"
    assert rules.fraction_str(F(0)) == "0"


def test_parse_share_bounds():
    assert rules.parse_share("") is None
    assert rules.parse_share("0") == 0
    assert rules.parse_share("100 %") == 1
    with pytest.raises(RuleError, match="share_out_of_range"):
        rules.parse_share("3/2")


def weights(*fractions):
    return {f"c{i}": F(w) for i, w in enumerate(fractions)}


def test_valid_college_configurations_at_the_boundaries():
    rules.validate_colleges(weights("1/2", "1/4", "1/4"))  # 50 % is allowed
    rules.validate_colleges(weights(*["1/10"] * 10))  # ten colleges of exactly 10 %
    rules.validate_colleges(weights("2/5", "1/5", "3/20", "3/20", "1/10"))  # SmartFr demo


@pytest.mark.parametrize("ws, code", [
    (("1/2", "1/2"), "college_count"),  # two colleges
    ((*["1/11"] * 10, "1/11"), "college_count"),  # eleven colleges
    (("51/100", "29/100", "1/5"), "college_weight"),  # over 50 %
    (("1/2", "41/100", "9/100"), "college_weight"),  # under 10 %
    (("1/3", "1/3", "333/1000"), "college_sum"),  # 99.9 %
    (("1/2", "1/4", "1/4", "1/10"), "college_sum"),  # 110 %
])
def test_invalid_college_configurations_name_the_rule(ws, code):
    with pytest.raises(RuleError) as err:
        rules.validate_colleges(weights(*ws))
    assert err.value.code == code


def test_thirds_as_percentages_do_not_sum_to_one():
    """33.33 % three times is 99.99 %: refused; fractions 1/3 are exact and accepted."""
    with pytest.raises(RuleError, match="college_sum"):
        rules.validate_colleges({c: rules.parse_fraction("33.33 %") for c in "abc"})
    rules.validate_colleges({c: rules.parse_fraction("1/3") for c in "abc"})


def test_voting_share_with_colleges_is_weight_over_headcount():
    shares = rules.voting_shares("colleges", {"a": F(2, 5), "b": F(1, 10), "c": F(1, 2)},
                                 {"a": 200, "b": 1})
    assert shares == {"a": F(1, 500), "b": F(1, 10), "c": F(0)}


def test_seed_example_foundation_holds_ten_percent_of_votes():
    """Fondation SmartBe, alone in its college of 10 %, has 10 % of the votes."""
    shares = rules.voting_shares("colleges", {"partenaires": F(1, 10), "autres": F(9, 10)},
                                 {"partenaires": 1, "autres": 5000})
    assert shares["partenaires"] == F(1, 10)


def test_voting_share_without_colleges_is_one_over_n():
    assert rules.voting_shares("none", {}, {"x": 3, "y": 1}) == {"x": F(1, 4), "y": F(1, 4)}
    assert rules.voting_shares("none", {}, {"x": 0}) == {"x": F(0)}
    assert rules.college_vote_shares("none", {}, {"x": 3, "y": 1}) == {"x": F(3, 4), "y": F(1, 4)}


def test_status_transitions():
    on = date(2022, 1, 1)
    rules.check_transition("candidate", "admitted", on=on, decision_ref="CA 2022-01")
    rules.check_transition("admitted", "resigned", on=on)
    rules.check_transition("admitted", "excluded", on=on, reason="statutes art. 12")
    for current, new in [("resigned", "admitted"), ("candidate", "excluded"),
                         ("deceased", "resigned"), ("admitted", "admitted")]:
        with pytest.raises(RuleError, match="bad_transition"):
            rules.check_transition(current, new, on=on, decision_ref="x", reason="y")


def test_status_transition_requirements():
    on = date(2022, 1, 1)
    with pytest.raises(RuleError, match="decision_required"):
        rules.check_transition("candidate", "admitted", on=on, decision_ref=" ")
    with pytest.raises(RuleError, match="reason_required"):
        rules.check_transition("admitted", "excluded", on=on)
    with pytest.raises(RuleError, match="date_required"):
        rules.check_transition("admitted", "resigned", on=None)
    with pytest.raises(RuleError, match="date_before"):
        rules.check_transition("admitted", "resigned", on=on, since=date(2022, 1, 2))
    rules.check_transition("admitted", "resigned", on=on, since=on)  # same day is fine


def test_member_numbers_are_sequential():
    assert rules.next_member_number(None) == 1
    assert rules.next_member_number(41) == 42


def test_percent_rounds_to_two_decimals():
    assert str(rules.percent(F(1, 3))) == "33.33"
    assert str(rules.percent(F(1, 10))) == "10.00"
