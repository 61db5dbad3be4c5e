"""Pure rules of circles: nesting without cycles, role terms (dates, one holder at a time for
the core roles), lines of text, chantier titles and estimated hours.

No Flask, no database: plain values in, plain values out; errors are `RuleError(code, params)`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from governance.rules import RuleError

# Roles held by one person at a time (their terms may not overlap): the four core roles.
SINGLE_HOLDER = ("lead_link", "facilitator", "secretary", "rep_link")
STATUSES = ("proposed", "planned", "in_progress", "done", "dropped")  # the board's columns
QUARTER = Decimal("0.25")
MAX_HOURS = Decimal("99999.75")  # the column holds 7 digits, 2 of them decimals


def lines(text: str | None) -> list[str]:
    """The non-empty lines of a text, trimmed, in order, each once (domains, accountabilities)."""
    seen: list[str] = []
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if line and line not in seen:
            seen.append(line)
    return seen


def lines_text(text: str | None) -> str:
    """The stored form of a list typed one item a line."""
    return "\n".join(lines(text))


def check_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise RuleError("circle_name_required", {})
    return name


def ancestors(circle_id: int | None, parents: dict[int, int | None]) -> list[int]:
    """The chain of circles above `circle_id`, nearest first (`parents`: id → parent id)."""
    chain: list[int] = []
    current = parents.get(circle_id) if circle_id is not None else None
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def check_parent(circle_id: int | None, parent_id: int | None,
                 parents: dict[int, int | None]) -> None:
    """A circle cannot be nested under itself or under one of its own sub-circles."""
    if parent_id is None or circle_id is None:
        return
    if parent_id == circle_id or circle_id in ancestors(parent_id, parents):
        raise RuleError("circle_cycle", {})


def check_dates(starts_on: date | None, ends_on: date | None) -> None:
    """A start is required; an end, when given, is on or after the start (a one-day term)."""
    if starts_on is None:
        raise RuleError("date_required", {})
    if ends_on is not None and ends_on < starts_on:
        raise RuleError("end_before_start", {"date": ends_on, "since": starts_on})


def overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Whether two terms share a day (ends are the last day in the role; None: open-ended)."""
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


@dataclass(frozen=True)
class Term:
    """A person holding a role from `starts_on` to `ends_on` (inclusive, None: open)."""

    person: int
    starts_on: date
    ends_on: date | None = None
    id: int | None = None


def check_term(kind: str, new: Term, others: list[Term]) -> None:
    """A new or changed term of a role, against the role's other terms.

    Core roles have one holder at a time; any role is held once at a time by the same person.
    """
    check_dates(new.starts_on, new.ends_on)
    for other in others:
        if other.id is not None and other.id == new.id:
            continue
        if not overlaps(new.starts_on, new.ends_on, other.starts_on, other.ends_on):
            continue
        if kind in SINGLE_HOLDER:
            raise RuleError("single_holder_overlap", {
                "holder": other.person, "since": other.starts_on})
        if other.person == new.person:
            raise RuleError("term_overlap", {"holder": other.person})


def check_end(starts_on: date, current_end: date | None, ends_on: date | None) -> None:
    """Ending a term: on or after its first day, and only while it is still open or later."""
    if ends_on is None:
        raise RuleError("date_required", {})
    if ends_on < starts_on:
        raise RuleError("end_before_start", {"date": ends_on, "since": starts_on})
    if current_end is not None and current_end <= ends_on:
        raise RuleError("term_already_ends", {"date": current_end})


def check_title(title: str | None) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise RuleError("chantier_title_required", {})
    return title


def parse_hours(text: str | None) -> Decimal | None:
    """Estimated hours as typed ("3", "1.5", "2,75"); empty is None. Quarter hours, not
    negative, below the column's limit."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RuleError("chantier_hours_not_a_number", {"value": text}) from None
    if not value.is_finite():
        raise RuleError("chantier_hours_not_a_number", {"value": text})
    if value < 0:
        raise RuleError("chantier_hours_negative", {"value": text})
    if value % QUARTER != 0:
        raise RuleError("chantier_hours_quarter", {"value": text})
    if value > MAX_HOURS:
        raise RuleError("chantier_hours_too_many", {"value": text})
    return value.quantize(Decimal("0.01"))


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise RuleError("chantier_status", {})
    return status


def revision_changes(before: dict, after: dict) -> list[str]:
    """The fields that differ between two successive revisions of a circle, in a fixed order
    (empty and missing are the same: a first revision lists the fields it filled)."""
    return [k for k in ("name", "parent", "purpose", "domains", "accountabilities")
            if (before.get(k) or None) != (after.get(k) or None)]
