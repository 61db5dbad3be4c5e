"""Pure rules of the board (conseil d'administration): mandates, attendance, quorum, minutes.

No Flask, no database: plain values in, plain values out. Dates are inclusive: `ends_on` is the
last day in office, so a successor starts the day after.

- A person holds at most one mandate of a role at a time; the board has at most one président·e
  and one directeur·rice général·e at any date.
- The board's seats are held by the président·e, the administrateur·rices and the permanent
  representatives of legal persons; a directeur·rice général·e who is not also an administrateur
  attends without a seat (French SA: the DG need not sit on the board).
- A director who cannot come is represented by another director present at the meeting, who
  holds at most one such proxy per meeting (Code de commerce, art. R. 225-19).
- Quorum: at least half of the seats present (L. 225-37); represented directors do not count.
- Minutes: drafted (and redrafted) by the board, approved at a later meeting, then published.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..rules.base import RuleError

SEAT_ROLES = frozenset({"president", "director", "permanent_representative"})
SINGLE_ROLES = frozenset({"president", "managing_director"})  # one holder at any date
ATTENDANCE = ("present", "represented", "excused", "absent")
MAX_PROXIES = 1  # proxies one director may hold at a meeting (art. R. 225-19)


@dataclass(frozen=True)
class Mandate:
    """A board mandate, as plain data."""

    person_id: int
    role: str  # president | managing_director | director | permanent_representative
    starts_on: date
    ends_on: date | None = None
    id: int | None = None


def active_on(m: Mandate, day: date) -> bool:
    return m.starts_on <= day and (m.ends_on is None or day <= m.ends_on)


def _overlap(a: Mandate, b: Mandate) -> bool:
    return (b.ends_on is None or a.starts_on <= b.ends_on) and \
        (a.ends_on is None or b.starts_on <= a.ends_on)


def check_mandate(new: Mandate, existing: list[Mandate]) -> None:
    """Refuse a mandate ending before it starts, or clashing with the mandates already there."""
    if new.starts_on is None:
        raise RuleError("date_required", {})
    if new.ends_on is not None and new.ends_on < new.starts_on:
        raise RuleError("mandate_end_before_start", {"date": new.ends_on, "since": new.starts_on})
    for other in existing:
        if other.id is not None and other.id == new.id or not _overlap(new, other):
            continue
        if other.person_id == new.person_id and other.role == new.role:
            raise RuleError("mandate_overlap", {"role": new.role, "person": new.person_id})
        if new.role in SINGLE_ROLES and other.role == new.role:
            raise RuleError("single_role_overlap", {"role": new.role, "person": other.person_id})


def check_end(m: Mandate, ends_on: date | None) -> None:
    """A mandate still running ends on a day no earlier than its start."""
    if m.ends_on is not None:
        raise RuleError("mandate_already_ended", {"date": m.ends_on})
    if ends_on is None:
        raise RuleError("date_required", {})
    if ends_on < m.starts_on:
        raise RuleError("mandate_end_before_start", {"date": ends_on, "since": m.starts_on})


def seats(mandates: list[Mandate], day: date) -> set[int]:
    """The people who hold a seat on the board on `day` (each counted once)."""
    return {m.person_id for m in mandates if m.role in SEAT_ROLES and active_on(m, day)}


@dataclass(frozen=True)
class Presence:
    """One line of a meeting's attendance."""

    person_id: int
    status: str  # present | represented | excused | absent
    represented_by: int | None = None


def check_attendance(rows: list[Presence], seated: set[int]) -> None:
    """Refuse an attendance where a proxy is not held by another director present, or where a
    director holds more than `MAX_PROXIES`; a proxy holder is named only for `represented`."""
    by_person = {r.person_id: r for r in rows}
    held: dict[int, int] = {}
    for r in rows:
        if r.status not in ATTENDANCE:
            raise RuleError("attendance_status", {"person": r.person_id})
        if r.status != "represented":
            if r.represented_by is not None:
                raise RuleError("proxy_only_when_represented", {"person": r.person_id})
            continue
        if r.person_id not in seated:
            raise RuleError("proxy_not_a_director", {"person": r.person_id})
        holder = r.represented_by
        if holder is None:
            raise RuleError("proxy_holder_required", {"person": r.person_id})
        if holder == r.person_id:
            raise RuleError("board_proxy_to_self", {"person": r.person_id})
        if holder not in seated or getattr(by_person.get(holder), "status", None) != "present":
            raise RuleError("proxy_holder_not_present", {"person": r.person_id,
                                                         "holder": holder})
        held[holder] = held.get(holder, 0) + 1
        if held[holder] > MAX_PROXIES:
            raise RuleError("proxy_limit", {"holder": holder, "max": MAX_PROXIES})


@dataclass(frozen=True)
class BoardQuorum:
    seats: int
    present: int
    represented: int
    needed: int  # seats present needed: at least half
    reached: bool


def board_quorum(seated: set[int], rows: list[Presence]) -> BoardQuorum:
    """At least half of the seats present (Code de commerce L. 225-37: a represented
    director votes through their proxy but does not count towards the quorum); a board with
    no seat has none."""
    present = sum(1 for r in rows if r.person_id in seated and r.status == "present")
    represented = sum(1 for r in rows if r.person_id in seated and r.status == "represented")
    needed = max(1, (len(seated) + 1) // 2)
    return BoardQuorum(len(seated), present, represented, needed,
                       bool(seated) and present >= needed)


# Minutes: none → draft (redrafted at will) → approved (at a later meeting) → published.
MINUTES_TRANSITIONS: dict[str, set[str]] = {
    "none": {"draft"},
    "draft": {"draft", "approved"},
    "approved": {"published"},
    "published": set(),
}


def check_minutes(current: str, new: str) -> None:
    if new not in MINUTES_TRANSITIONS.get(current, set()):
        raise RuleError("minutes_transition", {"state": current, "target": new})


def check_approval(current: str, minuted_at: datetime, approving_at: datetime,
                   now: datetime) -> None:
    """Draft minutes are approved at a later meeting of the board, once it has been held."""
    check_minutes(current, "approved")
    if approving_at <= minuted_at:
        raise RuleError("approval_not_later", {})
    if approving_at > now:
        raise RuleError("approval_not_held", {})
