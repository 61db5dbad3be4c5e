"""The contributive budget's pure rules, case by case, at their boundaries."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from contributions import rules
from governance.rules import RuleError


def refused(code, rule, *args):
    with pytest.raises(RuleError) as err:
        rule(*args)
    assert err.value.code == code
    return err.value.params


@pytest.mark.parametrize("text, hours", [("1.5", D("1.5")), ("1,75", D("1.75")), ("2", D(2)),
                                         ("1h30", D("1.5")), ("0:45", D("0.75")),
                                         (" 12 ", D(12)), ("-1", D(-1))])
def test_parse_hours(text, hours):
    assert rules.parse_hours(text) == hours


@pytest.mark.parametrize("text", ["", "deux", "1h60", "1.5.2", "1e3", "NaN"])
def test_parse_hours_refuses_what_is_not_hours(text):
    refused("hours_format", rules.parse_hours, text)


@pytest.mark.parametrize("text, euros", [("1 200,50", D("1200.50")), ("1200.5", D("1200.5")),
                                         ("12\u202f000 €", D(12000)), ("0", D(0))])
def test_parse_money(text, euros):
    assert rules.parse_money(text) == euros


@pytest.mark.parametrize("text", ["", "abc", "1.005", "-3", "Infinity", "1e400", "1e5",
                                  "1_000", "-0", "NaN"])
def test_parse_money_refuses(text):
    refused("money_format", rules.parse_money, text)


@pytest.mark.parametrize("hours", [D("0.25"), D("0.5"), D("11.75"), D(12)])
def test_hours_within_the_rule(hours):
    rules.check_hours(hours)


@pytest.mark.parametrize("hours, code", [(D("0.1"), "hours_quarter"), (D("1.3"), "hours_quarter"),
                                         (D(0), "hours_range"), (D("-0.25"), "hours_range"),
                                         (D("12.25"), "hours_range")])
def test_hours_outside_the_rule(hours, code):
    refused(code, rules.check_hours, hours)


def test_twelve_hours_a_day_exactly():
    rules.check_day(D("11.75"), D("0.25"), date(2022, 3, 1))
    params = refused("day_full", rules.check_day, D("11.75"), D("0.5"), date(2022, 3, 1))
    assert params["hours_left"] == D("0.25")


def test_worked_on_inside_a_budget_and_not_in_the_future():
    start, end = date(2022, 1, 1), date(2022, 12, 31)
    rules.check_worked_on(start, date(2023, 1, 1), start, end)
    rules.check_worked_on(end, end, start, end)
    refused("day_in_future", rules.check_worked_on, date(2022, 6, 2), date(2022, 6, 1), start, end)
    refused("no_budget_on_day", rules.check_worked_on, date(2021, 12, 31), end, start, end)
    refused("no_budget_on_day", rules.check_worked_on, date(2022, 1, 1), end, None, None)


def test_rate_for_a_role_and_the_amount_to_the_cent():
    assert rules.rate_for(D(20), {"facilitator": D(25)}, "facilitator") == D(25)
    assert rules.rate_for(D(20), {"facilitator": D(25)}, "secretary") == D(20)
    assert rules.rate_for(D(20), {}, None) == D(20)
    assert rules.amount(D("0.25"), D("20.30")) == D("5.08")  # 5.075 rounds half up
    assert rules.amount(D("-0.25"), D("20.30")) == D("-5.08")


def test_budget_periods_do_not_overlap():
    jan, dec = date(2022, 1, 1), date(2022, 12, 31)
    rules.check_budget(D(1), D(1), date(2023, 1, 1), date(2023, 12, 31), [(jan, dec)])
    refused("period_overlap", rules.check_budget, D(1), D(1), dec, date(2023, 6, 1), [(jan, dec)])
    refused("period_reversed", rules.check_budget, D(1), D(1), dec, jan, [])
    refused("budget_amount", rules.check_budget, D(0), D(1), jan, dec, [])
    refused("rate_positive", rules.check_budget, D(1), D(0), jan, dec, [])


def test_envelopes_up_to_the_budget_exactly():
    rules.check_envelope(D(1000), D(600), D(400), D(0))
    params = refused("envelopes_past_budget", rules.check_envelope, D(1000), D(600), D("400.01"),
                     D(0))
    assert params["left"] == D(400)
    rules.check_envelope(D(1000), D(0), D(300), D(300))
    refused("envelope_below_committed", rules.check_envelope, D(1000), D(0), D("299.99"), D(300))


def test_review_never_by_oneself_and_only_by_a_reviewer_of_a_submitted_entry():
    rules.check_review(1, 2, 2, {1}, "submitted")
    refused("self_review", rules.check_review, 1, 1, 1, {1}, "submitted")
    refused("self_review", rules.check_review, 1, 2, 1, {1}, "submitted")  # logged it for them
    refused("not_reviewer", rules.check_review, 3, 2, 2, {1}, "submitted")
    refused("not_submitted", rules.check_review, 1, 2, 2, {1}, "approved")


def test_approval_at_the_exact_boundary_of_the_envelope():
    rules.check_approval(D(100), D(80), D(20))
    params = refused("envelope_exhausted", rules.check_approval, D(100), D(80), D("20.01"))
    assert (params["left"], params["committed"]) == (D(20), D(80))
    rules.check_approval(D(100), D(100), D(-20))  # a correction always fits
    rules.check_approval(D(100), D(120), D(-20))


def test_only_submitted_or_rejected_entries_change():
    rules.check_editable("submitted")
    rules.check_editable("rejected")
    for status in ("approved", "paid"):
        refused("entry_locked", rules.check_editable, status)


def test_corrections_take_back_at_most_what_is_left():
    rules.check_correction("approved", D(3), D(1), D(2))
    rules.check_correction("paid", D(3), D(0), D("0.25"))
    assert refused("correction_too_large", rules.check_correction, "paid", D(3), D(1),
                   D("2.25"))["hours_left"] == D(2)
    refused("correct_only_counted", rules.check_correction, "submitted", D(3), D(0), D(1))
    refused("correct_a_correction", rules.check_correction, "approved", D(-1), D(0), D(1))
    refused("hours_quarter", rules.check_correction, "approved", D(3), D(0), D("0.3"))


def test_months():
    assert rules.month_of(date(2022, 2, 17)) == date(2022, 2, 1)
    assert rules.month_end(date(2024, 2, 1)) == date(2024, 2, 29)
    assert rules.month_end(date(2022, 12, 1)) == date(2022, 12, 31)


def test_a_month_closes_once_when_over_and_with_something_to_pay():
    march = date(2022, 3, 1)
    rules.check_close_month(march, date(2022, 4, 1), set(), 1)
    refused("month_not_over", rules.check_close_month, march, date(2022, 3, 31), set(), 1)
    refused("month_closed", rules.check_close_month, march, date(2022, 5, 1), {march}, 1)
    refused("nothing_to_pay", rules.check_close_month, march, date(2022, 5, 1), set(), 0)


def test_batch_exclusivity():
    march = date(2022, 3, 1)
    assert rules.batchable("approved", None, date(2022, 3, 31), march)
    assert rules.batchable("approved", None, date(2022, 1, 5), march)  # approved late
    assert not rules.batchable("approved", 7, date(2022, 3, 2), march)  # already in a batch
    assert not rules.batchable("approved", None, date(2022, 4, 1), march)
    assert not rules.batchable("submitted", None, date(2022, 3, 2), march)
    assert not rules.batchable("paid", 7, date(2022, 3, 2), march)


def test_spent_share():
    assert rules.spent(D(100), D(25)) == (D(75), D("0.25"))
    assert rules.spent(D(100), D(120)) == (D(-20), D(1))
    assert rules.spent(D(0), D(0)) == (D(0), D(0))
