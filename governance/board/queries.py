"""Reads of the board: mandates in office and past, meetings a person may see, attendance."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..models import College, Cooperative, Person
from ..platform.extensions import db
from . import rules
from .models import BoardAttendance, BoardMandate, BoardMeeting, MinutesState
from .services import as_rule, coop_mandates, expected_attendees, paris_now, seats_at

ROLE_ORDER = {"president": 0, "managing_director": 1, "director": 2,
              "permanent_representative": 3}


@dataclass
class Board:
    current: list[BoardMandate]
    upcoming: list[BoardMandate]
    past: list[BoardMandate]
    colleges: dict[str, str]  # code → name


def board(coop: Cooperative, today: date | None = None) -> Board:
    today = today or date.today()
    mandates = coop_mandates(coop.id)
    current = sorted((m for m in mandates if rules.active_on(as_rule(m), today)),
                     key=lambda m: (ROLE_ORDER[m.role], m.college_code or "", m.starts_on))
    upcoming = [m for m in mandates if m.starts_on > today]
    past = sorted((m for m in mandates if m.ends_on is not None and m.ends_on < today),
                  key=lambda m: m.ends_on, reverse=True)
    colleges = dict(db.session.execute(sa.select(College.code, College.name).where(
        College.cooperative_id == coop.id)).all())
    return Board(current, upcoming, past, colleges)


def meetings(coop: Cooperative, everything: bool) -> list[BoardMeeting]:
    """The board's meetings, latest first; sociétaires see only those with published minutes."""
    query = sa.select(BoardMeeting).where(BoardMeeting.cooperative_id == coop.id)
    if not everything:
        query = query.where(BoardMeeting.minutes_state == MinutesState.PUBLISHED)
    return list(db.session.scalars(query.order_by(BoardMeeting.held_at.desc(),
                                                  BoardMeeting.id.desc())))


@dataclass
class SheetLine:
    person: Person
    roles: list[str]
    seat: bool
    status: str  # "" while not recorded
    represented_by: Person | None


def attendance_sheet(meeting: BoardMeeting) -> list[SheetLine]:
    """One line per person in office on the meeting's day, with what was recorded."""
    recorded = {a.person_id: a for a in db.session.scalars(sa.select(BoardAttendance).where(
        BoardAttendance.meeting_id == meeting.id))}
    seated = seats_at(meeting)
    lines: dict[int, SheetLine] = {}
    for m in sorted(expected_attendees(meeting), key=lambda m: ROLE_ORDER[m.role]):
        line = lines.get(m.person_id)
        if line is None:
            a = recorded.get(m.person_id)
            line = lines[m.person_id] = SheetLine(
                m.person, [], m.person_id in seated,
                getattr(a.status, "value", a.status) if a else "",
                a.represented_by if a else None)
        line.roles.append(getattr(m.role, "value", m.role))
    return list(lines.values())


def quorum(meeting: BoardMeeting) -> rules.BoardQuorum:
    rows = [rules.Presence(a.person_id, getattr(a.status, "value", a.status),
                           a.represented_by_id)
            for a in db.session.scalars(sa.select(BoardAttendance).where(
                BoardAttendance.meeting_id == meeting.id))]
    return rules.board_quorum(seats_at(meeting), rows)


def later_meetings(meeting: BoardMeeting) -> list[BoardMeeting]:
    """Meetings already held after this one: where its minutes may be approved."""
    return list(db.session.scalars(sa.select(BoardMeeting).where(
        BoardMeeting.cooperative_id == meeting.cooperative_id,
        BoardMeeting.held_at > meeting.held_at, BoardMeeting.held_at <= paris_now())
        .order_by(BoardMeeting.held_at)))


def approved_here(meeting: BoardMeeting) -> list[BoardMeeting]:
    """The earlier meetings whose minutes this meeting approved."""
    return list(db.session.scalars(sa.select(BoardMeeting).where(
        BoardMeeting.approved_at_meeting_id == meeting.id).order_by(BoardMeeting.held_at)))
