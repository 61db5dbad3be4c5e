"""Pure rules of assemblies (RULES.md §4), case by case and at the boundaries."""
from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

import pytest

from assemblies import rules
from governance.rules import RuleError


def test_notice_counts_calendar_days():
    assert rules.notice_days(datetime(2021, 11, 14, 23, 59), datetime(2021, 11, 29, 0, 1)) == 15
    assert rules.notice_days(date(2021, 11, 14), date(2021, 11, 29)) == 15


@pytest.mark.parametrize("sent, ok", [(date(2021, 11, 14), True), (date(2021, 11, 15), False)])
def test_first_call_notice_boundary(sent, ok):
    if ok:
        assert rules.check_notice(sent, date(2021, 11, 29), 15) == 15
    else:
        with pytest.raises(RuleError) as err:
            rules.check_notice(sent, date(2021, 11, 29), 15)
        assert err.value.code == "short_notice"
        assert err.value.params == {"days": 14, "required": 15}


def test_short_notice_with_a_reason_passes_and_blank_reason_does_not():
    assert rules.check_notice(date(2021, 11, 20), date(2021, 11, 29), 15, "urgence") == 9
    with pytest.raises(RuleError):
        rules.check_notice(date(2021, 11, 20), date(2021, 11, 29), 15, "   ")


def test_second_call_notice_and_past_sitting():
    assert rules.check_notice(date(2021, 12, 1), date(2021, 12, 11), 10) == 10
    with pytest.raises(RuleError) as err:
        rules.check_notice(date(2021, 12, 1), date(2021, 11, 30), 10, "reason")
    assert err.value.code == "sitting_in_past"


def test_quorum_required_per_call():
    q1, q2 = Fraction(1, 4), Fraction(1, 5)
    assert rules.quorum_required("extraordinary", 1, q1, q2) == q1
    assert rules.quorum_required("extraordinary", 2, q1, q2) == q2
    assert rules.quorum_required("ordinary", 2, Fraction(1, 5), None) is None
    with pytest.raises(RuleError):
        rules.quorum_required("ordinary", 3, q1, q2)


@pytest.mark.parametrize("present, roll, required, met, needed", [
    (25, 100, Fraction(1, 4), True, 0),     # exactly a quarter: reached
    (24, 100, Fraction(1, 4), False, 1),
    (2, 10, Fraction(1, 4), False, 1),      # 1/4 of 10 = 2.5 → 3 needed
    (3, 10, Fraction(1, 4), True, 0),
    (0, 10, None, True, 0),                 # no quorum required
    (0, 0, Fraction(1, 5), False, 0),       # an empty roll never deliberates
])
def test_quorum_boundaries(present, roll, required, met, needed):
    q = rules.Quorum(required, present, roll)
    assert q.met is met
    assert q.needed == needed


def test_strictest_kind():
    assert rules.strictest(["ordinary", "extraordinary"]) == "extraordinary"
    assert rules.strictest(["ordinary"]) == "ordinary"


@pytest.mark.parametrize("members, cap", [(19, 1), (20, 1), (39, 1), (40, 2), (100, 5),
                                          (1, 1)])
def test_scop_proxy_cap(members, cap):
    assert rules.proxy_cap("scop", 5, members) == cap


def test_fixed_proxy_cap():
    assert rules.proxy_cap("fixed", 5, 1000) == 5


def _req(**kw):
    base = dict(principal=1, holder=2, holder_on_roll=True, holder_carries=0, cap=1,
                principal_voted=False, holder_gave_proxy=False)
    return rules.ProxyRequest(**(base | kw))


@pytest.mark.parametrize("kw, code", [
    (dict(holder=1), "proxy_to_self"),
    (dict(holder_on_roll=False), "proxy_holder_not_member"),
    (dict(holder_gave_proxy=True), "proxy_holder_gave_proxy"),
    (dict(holder_carries=1), "proxy_cap"),
    (dict(principal_voted=True), "proxy_after_vote"),
])
def test_proxy_refusals(kw, code):
    with pytest.raises(RuleError) as err:
        rules.check_proxy(_req(**kw))
    assert err.value.code == code


def test_proxy_under_the_cap_and_blank_proxy_without_cap():
    rules.check_proxy(_req(holder_carries=0, cap=1))
    rules.check_proxy(_req(holder=None, holder_on_roll=False, holder_carries=99))


def test_blank_proxy_choice_and_revocation():
    assert rules.blank_proxy_choice(True) == "for"
    assert rules.blank_proxy_choice(False) == "against"
    assert rules.can_revoke(False) and not rules.can_revoke(True)


@pytest.mark.parametrize("actor, principal, holder, gave, allowed", [
    (1, 1, None, False, True),    # oneself
    (1, 1, 2, True, False),       # gave a proxy: the holder votes
    (2, 1, 2, True, True),        # the holder for the principal
    (3, 1, 2, True, False),       # someone else
    (2, 1, None, True, False),    # offered, not accepted yet: nobody but… not the holder
    (2, 1, 2, False, False),
])
def test_who_casts_for_whom(actor, principal, holder, gave, allowed):
    assert rules.may_cast_for(actor, principal, holder, gave) is allowed


@pytest.mark.parametrize("current, new, ok", [
    ("draft", "convened", True), ("draft", "open", False), ("convened", "open", True),
    ("open", "closed", True), ("open", "convened", True), ("closed", "published", True),
    ("closed", "open", False), ("published", "closed", False), ("convened", "closed", False),
])
def test_state_machine(current, new, ok):
    if ok:
        rules.check_transition(current, new)
    else:
        with pytest.raises(RuleError):
            rules.check_transition(current, new)
