"""RULES.md §5 and the SCOP ratios of §1 as pure rules: money, balances, floor, queue, ratios."""
from datetime import date
from decimal import Decimal as D
from fractions import Fraction as F

import pytest

from governance.capital import rules
from governance.capital.rules import Balance, Movement, RuleError

DAY = date(2024, 1, 1)


def mv(n, kind, frm, to, shares=0, sub="0", paid=None, on=DAY, id=None, corrects=None):
    return Movement(n, kind, on, frm, to, shares, D(sub), D(sub if paid is None else paid),
                    id=id or n, corrects_id=corrects)


def sub(n, member, shares, nominal="25", on=DAY, paid=None):
    return mv(n, "subscription", None, member, shares, D(nominal) * shares, paid, on)


@pytest.mark.parametrize("value, amount", [("25", D("25.00")), (D("0.1"), D("0.10")),
                                           ("12,50", D("12.50")), (7, D("7.00"))])
def test_cents_are_exact(value, amount):
    assert rules.cents(value) == amount and str(rules.cents(value)) == str(amount)


@pytest.mark.parametrize("value", ["0.001", "abc", "NaN", "Infinity", "", "1e400",
                                   "1000000000000"])
def test_cents_refuse_fractions_of_a_cent_and_text(value):
    with pytest.raises(RuleError, match="not_an_amount"):
        rules.cents(value)


def test_cents_refuse_floats():
    with pytest.raises(TypeError):
        rules.cents(0.1)


def test_balances_from_subscription_release_transfer_reimbursement():
    ledger = [sub(1, 1, 10, paid="100"), mv(2, "release", None, 1, 0, "0", "150"),
              sub(3, 2, 4), mv(4, "transfer", 1, 2, 2, "50"),
              mv(5, "reimbursement", 2, None, 3, "75")]
    assert rules.balances(ledger) == {1: Balance(8, D(200), D(200)),
                                      2: Balance(3, D(75), D(75))}
    assert rules.capital(ledger) == D(275)
    assert rules.balances(ledger)[1].unpaid == 0


def test_subscription_amounts_and_partial_payment():
    assert rules.subscription(3, D("15.25")) == (D("45.75"), D("45.75"))
    assert rules.subscription(4, D(25), D(25), partial_allowed=True) == (D(100), D(25))
    with pytest.raises(RuleError, match="partial_payment_not_allowed"):
        rules.subscription(4, D(25), D(25))
    with pytest.raises(RuleError, match="paid_out_of_range"):
        rules.subscription(4, D(25), D("100.01"), partial_allowed=True)
    with pytest.raises(RuleError, match="shares_positive"):
        rules.subscription(0, D(25))


def test_transfer_of_exactly_the_shares_held_and_one_more():
    held = Balance(4, D(100), D(100))
    assert rules.transfer(held, 4, D(25)) == (D(100), D(100))
    after = rules.check_movement({1: held}, mv(9, "transfer", 1, 2, 4, "100"))
    assert after == {1: Balance(), 2: Balance(4, D(100), D(100))}
    with pytest.raises(RuleError, match="shares_not_held") as err:
        rules.transfer(held, 5, D(25), member=1)
    assert err.value.params == {"member": 1}
    with pytest.raises(RuleError, match="shares_not_held"):
        rules.check_movement({1: held}, mv(9, "transfer", 1, 2, 5, "125"))


def test_only_fully_paid_shares_are_transferred():
    with pytest.raises(RuleError, match="transfer_unpaid"):
        rules.transfer(Balance(4, D(100), D("99.99")), 4, D(25))
    assert rules.transfer(Balance(4, D(100), D(75)), 3, D(25)) == (D(75), D(75))


def test_queued_shares_are_reserved():
    held = {1: Balance(4, D(100), D(100))}
    rules.check_movement(held, mv(9, "transfer", 1, 2, 1, "25"), {1: 3})
    with pytest.raises(RuleError, match="shares_not_held"):
        rules.check_movement(held, mv(9, "transfer", 1, 2, 2, "50"), {1: 3})


def test_release_cannot_pay_more_than_unpaid_by_one_cent():
    held = {1: Balance(4, D(100), D(25))}
    assert rules.check_movement(held, mv(9, "release", None, 1, 0, "0", "75"))[1].unpaid == 0
    with pytest.raises(RuleError, match="paid_over_subscribed"):
        rules.check_movement(held, mv(9, "release", None, 1, 0, "0", "75.01"))


def test_reimbursement_cancels_unpaid_shares_first():
    assert rules.reimbursement(Balance(4, D(100), D(100)), 2, D(25)) == (D(50), D(50))
    assert rules.reimbursement(Balance(4, D(100), D(60)), 1, D(25)) == (D(25), D(0))
    assert rules.reimbursement(Balance(4, D(100), D(60)), 2, D(25)) == (D(50), D(10))
    assert rules.reimbursement(Balance(4, D(100), D(60)), 4, D(25)) == (D(100), D(60))


def test_a_movement_without_sides_or_negative_is_refused():
    with pytest.raises(RuleError, match="bad_movement"):
        rules.check_movement({}, mv(1, "subscription", None, None, 1, "25"))
    with pytest.raises(RuleError, match="bad_movement"):
        rules.check_movement({}, mv(1, "subscription", None, 1, -1, "-25"))


def test_correction_is_the_reversed_movement_and_cancels_it():
    original = mv(4, "transfer", 1, 2, 2, "50", id=40)
    counter = rules.reversal(original)
    assert (counter.kind, counter.from_id, counter.to_id, counter.corrects_id) == (
        "correction", 2, 1, 40)
    assert rules.balances([original, counter]) == {1: Balance(), 2: Balance()}
    with pytest.raises(RuleError, match="cannot_correct_correction"):
        rules.reversal(counter)


def test_capital_history_and_peak_by_day_leave_corrected_pairs_out():
    ledger = [sub(1, 1, 40, on=date(2024, 1, 1)), sub(2, 2, 20, on=date(2024, 1, 1)),
              sub(3, 3, 1000, on=date(2024, 2, 1)),  # a typo…
              mv(4, "correction", 3, None, 1000, "25000", on=date(2024, 2, 2), corrects=3),
              mv(5, "reimbursement", 2, None, 20, "500", on=date(2024, 3, 1))]
    history = rules.capital_history(rules.daily_deltas(ledger))
    assert history == [(date(2024, 1, 1), D(1500)), (date(2024, 3, 1), D(1000))]
    assert rules.peak_capital(history) == D(1500) and rules.capital(ledger) == D(1000)
    assert rules.peak_capital([]) == 0


def test_floor_is_a_quarter_of_the_peak_exactly():
    assert rules.reimbursement_floor(D("1000.01")) == F(100001, 400)
    assert rules.floor_in_cents(D("1000.01")) == D("250.01")  # rounded up, never down
    assert rules.floor_in_cents(D("1000.00")) == D("250.00")


@pytest.mark.parametrize("capital, peak, amount, fits", [
    (D(1000), D(4000), D(0), True),  # exactly at the floor
    (D(1000), D(4000), D("0.01"), False),  # one cent below
    (D(1500), D(4000), D(500), True),  # exactly the room left
    (D(1500), D(4000), D("500.01"), False),
    (D("250.01"), D("1000.01"), D(0), True),  # floor 250.0025: 250.01 is above
    (D("250.01"), D("1000.01"), D("0.01"), False),  # 250.00 < 250.0025
])
def test_reimbursement_fits_above_floor_at_the_boundaries(capital, peak, amount, fits):
    assert rules.fits_above_floor(capital, peak, amount) is fits
    assert (amount <= rules.room_above_floor(capital, peak)) is fits


def test_the_queue_is_paid_in_order_and_none_jumps_the_head():
    # Floor 1000; capital 1600: room 600.
    queue = [("a", D(400)), ("b", D(300)), ("c", D(100))]
    assert rules.payable_from_queue(D(1600), D(4000), queue) == ["a"]  # b does not fit; c waits
    assert rules.payable_from_queue(D(1700), D(4000), queue) == ["a", "b"]
    assert rules.payable_from_queue(D(1800), D(4000), queue) == ["a", "b", "c"]
    assert rules.payable_from_queue(D(1399), D(4000), queue) == []
    assert rules.payable_from_queue(D(1000), D(4000), []) == []


def associates(*rows):
    return [rules.Associate(e, D(c), F(v)) for e, c, v in rows]


def test_scop_ratios_and_their_thresholds():
    at_minimum = rules.scop_ratios(associates((True, 51, 13), (False, 49, 7)))
    assert at_minimum == rules.ScopRatios(F(51, 100), F(13, 20))
    assert at_minimum.broken() == set()
    below = rules.scop_ratios(associates((True, "50.99", 64), (False, "49.01", 36)))
    assert below.broken() == {"capital", "votes"}
    assert rules.scop_ratios([]) == rules.ScopRatios(None, None)


def test_scop_warning_only_when_a_movement_breaks_or_worsens_a_ratio():
    ok, low, lower = (rules.ScopRatios(F(3, 5), F(1)), rules.ScopRatios(F(1, 2), F(1)),
                      rules.ScopRatios(F(2, 5), F(1)))
    assert rules.scop_warnings(ok, low) == ["capital"]
    assert rules.scop_warnings(low, lower) == ["capital"]
    assert rules.scop_warnings(lower, low) == []  # improving is always allowed
    assert rules.scop_warnings(ok, ok) == []
    assert rules.scop_warnings(rules.ScopRatios(None, None), low) == ["capital"]


def test_associate_votes_once_admitted_with_a_share():
    assert rules.associate("permanent_employee", True, Balance(1, D(25), D(25))) == \
        rules.Associate(True, D(25), F(1))
    assert rules.associate("partner", True, Balance()).votes == 0
    assert rules.associate("entrepreneur_employee", False, Balance(2, D(50), D(50))).votes == 0
