"""When a CAE's entrepreneur-salarié must have become a sociétaire (RULES.md §6; code du
travail L. 7331-3): three years after their contract, less the length of any CAPE before it."""
from __future__ import annotations

from calendar import monthrange
from datetime import date

from ..rules.base import RuleError

DELAY_MONTHS = 36
MAX_CAPE_MONTHS = 36


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), the month's last day when it has fewer."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def deadline(signed_on: date, cape_months: int) -> date:
    """The last day to become a sociétaire."""
    return add_months(signed_on, DELAY_MONTHS - cape_months)


def situation(signed_on: date, cape_months: int, ended_on: date | None,
              admitted_on: date | None, today: date) -> str:
    """"associate" (admitted), "ended" (contract over before joining), "due" (still in time)
    or "late" (the deadline has passed)."""
    if admitted_on is not None and admitted_on <= today:
        return "associate"
    if ended_on is not None and ended_on <= today:
        return "ended"
    return "late" if today > deadline(signed_on, cape_months) else "due"


def check_contract(signed_on: date | None, cape_months: int | None, today: date) -> None:
    if signed_on is None:
        raise RuleError("date_required", {})
    if signed_on > today:
        raise RuleError("contract_in_future", {"date": signed_on})
    if cape_months is None or not 0 <= cape_months <= MAX_CAPE_MONTHS:
        raise RuleError("cape_months", {"max": MAX_CAPE_MONTHS})


def check_end(signed_on: date, ended_on: date | None) -> None:
    if ended_on is None:
        raise RuleError("date_required", {})
    if ended_on < signed_on:
        raise RuleError("date_before", {"date": ended_on, "since": signed_on})
