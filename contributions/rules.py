"""Pure rules of the contributive budget (RULES.md §6): hours, rates and amounts, the daily cap,
budgets and envelopes, review, corrections and payment batches.

No Flask, no database: plain values in, plain values out, `Decimal` arithmetic. A broken rule
raises `RuleError(code, params)`; the caller turns it into a translated message.
"""
from __future__ import annotations

import re
from calendar import monthrange
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from governance.rules import RuleError

QUARTER = Decimal("0.25")
MIN_HOURS, MAX_HOURS_A_DAY = Decimal("0.25"), Decimal(12)
CENT = Decimal("0.01")
ZERO = Decimal(0)

SUBMITTED, APPROVED, REJECTED, PAID = "submitted", "approved", "rejected", "paid"
EDITABLE = (SUBMITTED, REJECTED)  # an author may still change these
COUNTED = (APPROVED, PAID)  # what an envelope has committed
LOGGED = (SUBMITTED, APPROVED, PAID)  # what counts towards a member's day

_HOURS = re.compile(r"^\s*(\d{1,2})(?:\s*[hH:]\s*(\d{1,2}))?\s*$")
_DECIMAL = re.compile(r"^\s*-?\d{1,4}(?:[.,]\d{1,4})?\s*$")
_MONEY = re.compile(r"^\d{1,15}(?:[.,]\d{1,2})?$")


def parse_hours(text: str) -> Decimal:
    """Read "1.5", "1,75", "2", "1h30" or "1:45" as hours (not yet checked against the rules)."""
    text = (text or "").strip()
    if m := _HOURS.match(text):
        if m.group(2) is not None:
            minutes = int(m.group(2))
            if minutes >= 60:
                raise RuleError("hours_format", {"value": text})
            return Decimal(int(m.group(1))) + Decimal(minutes) / 60
        return Decimal(int(m.group(1)))
    if _DECIMAL.match(text):
        return Decimal(text.replace(",", "."))
    raise RuleError("hours_format", {"value": text})


def parse_money(text: str) -> Decimal:
    """Read "1 200,50", "1200.5" or "1200 €" as euros (two decimals at most)."""
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text or "")
    if not _MONEY.match(cleaned):
        raise RuleError("money_format", {"value": text})
    return Decimal(cleaned.replace(",", "."))


def check_hours(hours: Decimal) -> None:
    """A logged entry: from a quarter hour to 12 hours, in quarter hours."""
    if hours % QUARTER:
        raise RuleError("hours_quarter", {"hours": hours})
    if hours < MIN_HOURS or hours > MAX_HOURS_A_DAY:
        raise RuleError("hours_range", {"hours": hours, "max_hours": MAX_HOURS_A_DAY})


def check_day(logged_that_day: Decimal, hours: Decimal, day: date) -> None:
    """A member logs at most 12 hours a day, over all their entries not rejected."""
    if logged_that_day + hours > MAX_HOURS_A_DAY:
        raise RuleError("day_full", {"day": day, "logged": logged_that_day, "hours": hours,
                                     "hours_left": max(ZERO, MAX_HOURS_A_DAY - logged_that_day),
                                     "max_hours": MAX_HOURS_A_DAY})


def check_worked_on(day: date, today: date, starts_on: date | None, ends_on: date | None) -> None:
    """Work is logged once done, on a day a budget of the cooperative covers."""
    if day > today:
        raise RuleError("day_in_future", {"day": day})
    if starts_on is None or not starts_on <= day <= ends_on:
        raise RuleError("no_budget_on_day", {"day": day})


def rate_for(hourly_rate: Decimal, role_rates: dict[str, Decimal],
             role_kind: str | None) -> Decimal:
    """The budget's rate, or the rate it sets for the kind of role the time was spent in."""
    if role_kind is not None and role_kind in role_rates:
        return role_rates[role_kind]
    return hourly_rate


def amount(hours: Decimal, rate: Decimal) -> Decimal:
    """Gross amount of `hours` at `rate`, to the cent (half up)."""
    return (hours * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def check_budget(amount_: Decimal, rate: Decimal, starts_on: date, ends_on: date,
                 others: list[tuple[date, date]]) -> None:
    """A budget has an amount and a rate above zero, and a period overlapping no other budget
    of the cooperative (so that each day's work belongs to one budget)."""
    if amount_ <= 0:
        raise RuleError("budget_amount", {})
    if rate <= 0:
        raise RuleError("rate_positive", {})
    if ends_on < starts_on:
        raise RuleError("period_reversed", {"start": starts_on, "end": ends_on})
    for start, end in others:
        if start <= ends_on and starts_on <= end:
            raise RuleError("period_overlap", {"start": start, "end": end})


def check_envelope(budget_amount: Decimal, other_envelopes: Decimal, new_amount: Decimal,
                   committed: Decimal) -> None:
    """Envelopes never sum past their budget, nor fall below what their circle has committed."""
    if new_amount < 0:
        raise RuleError("money_format", {"value": new_amount})
    if other_envelopes + new_amount > budget_amount:
        raise RuleError("envelopes_past_budget", {
            "amount": new_amount, "others": other_envelopes, "budget": budget_amount,
            "left": budget_amount - other_envelopes})
    if new_amount < committed:
        raise RuleError("envelope_below_committed", {"amount": new_amount,
                                                     "committed": committed})


def check_review(reviewer_id: int, author_id: int, created_by_id: int | None,
                 reviewers: set[int], status: str) -> None:
    """Only a reviewer of the circle reviews, never an entry they logged or that is theirs, and
    only once: a submitted entry."""
    if reviewer_id in (author_id, created_by_id):
        raise RuleError("self_review", {})
    if reviewer_id not in reviewers:
        raise RuleError("not_reviewer", {})
    if status != SUBMITTED:
        raise RuleError("not_submitted", {"entry_status": status})


def check_approval(envelope_amount: Decimal, committed: Decimal, entry_amount: Decimal) -> None:
    """Approval is refused when it would take the envelope past its amount (exactly reaching
    it is allowed). A negative correction always fits."""
    if entry_amount > 0 and committed + entry_amount > envelope_amount:
        raise RuleError("envelope_exhausted", {
            "amount": entry_amount, "committed": committed, "envelope": envelope_amount,
            "left": max(ZERO, envelope_amount - committed)})


def check_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise RuleError("review_reason_required", {})


def check_editable(status: str) -> None:
    """Approved and paid entries are locked: a correction is a new, negative entry."""
    if status not in EDITABLE:
        raise RuleError("entry_locked", {"entry_status": status})


def check_correction(status: str, original_hours: Decimal, corrected_hours: Decimal,
                     hours: Decimal) -> None:
    """A correction takes back up to what an approved or paid entry still counts: `hours` is
    the (positive) number of hours to take back, `corrected_hours` what earlier corrections
    not rejected already took back."""
    if original_hours <= 0:
        raise RuleError("correct_a_correction", {})
    if status not in COUNTED:
        raise RuleError("correct_only_counted", {"entry_status": status})
    if hours % QUARTER or hours < MIN_HOURS:
        raise RuleError("hours_quarter", {"hours": hours})
    if corrected_hours + hours > original_hours:
        raise RuleError("correction_too_large", {
            "hours": hours, "hours_left": original_hours - corrected_hours})


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    return month.replace(day=monthrange(month.year, month.month)[1])


def check_close_month(month: date, today: date, closed_months: set[date], entries: int) -> None:
    """A month is closed once it is over, once, and only with approved entries to pay."""
    if month_end(month) >= today:
        raise RuleError("month_not_over", {"month": month})
    if month in closed_months:
        raise RuleError("month_closed", {"month": month})
    if entries == 0:
        raise RuleError("nothing_to_pay", {"month": month})


BATCHED_STATUS = APPROVED  # the status of the entries a batch pays


def batch_cutoff(month: date) -> date:
    """The last day worked that the batch closing `month` pays: an entry approved late (worked
    earlier) is paid with the next month closed."""
    return month_end(month)


def batchable(status: str, batch_id: int | None, worked_on: date, month: date) -> bool:
    """Whether an entry goes into the batch closing `month`: approved, in no batch yet, worked
    that month or before. `services.batches` selects with the same parts in SQL."""
    return status == BATCHED_STATUS and batch_id is None and worked_on <= batch_cutoff(month)


def spent(envelope_amount: Decimal, committed: Decimal) -> tuple[Decimal, Decimal]:
    """(left, share spent) of an envelope or a budget; the share is in [0, 1]."""
    left = envelope_amount - committed
    share = committed / envelope_amount if envelope_amount > 0 else ZERO
    return left, min(max(share, ZERO), Decimal(1))
