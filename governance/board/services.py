"""Writes of the board: mandates (secretariat), meetings and attendance (secretariat and board),
minutes (drafted and approved by the board, published by the board or the secretariat).

Every function checks who may call it, changes the tables in one transaction and journals it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from ..models import Cooperative, CoopRole, Membership, Person, PersonKind, Role, Status
from ..permissions import can_run_board, forget_roles, grant, roles_in
from ..platform.clock import GROUP_TZ, utcnow
from ..platform.extensions import db
from ..platform.journal import diff, record
from ..platform.service import DomainError, Forbidden, Shown, as_domain, service
from ..rules import RuleError
from ..services.register import college_by_code, require_admin
from . import rules
from .models import BoardAttendance, BoardMandate, BoardMeeting, MandateRole, MinutesState


def paris_now() -> datetime:
    """Now, in the group's wall-clock time: meetings are dated in it."""
    return datetime.now(GROUP_TZ).replace(tzinfo=None, microsecond=0)


@dataclass
class MandateDraft:
    """What the secretariat enters to record a mandate."""

    person: Person | None
    role: str
    starts_on: date | None
    ends_on: date | None = None
    college: str | None = None  # code of the college represented
    represents: Person | None = None  # the legal person of a permanent representative


def _in_words(labeller: str, value: str) -> Shown:
    """An enumerated value that reads in words, in the reader's language."""
    from ..labels import GLOBALS
    return Shown(lambda v: GLOBALS[labeller](v), value)


def _refused(err: RuleError) -> DomainError:
    """The rule's error with people's names instead of their ids, roles in words."""
    params = dict(err.params)
    for key in ("person", "holder"):
        if isinstance(params.get(key), int):
            person = db.session.get(Person, params[key])
            params[key] = person.display_name if person else params[key]
    if "role" in params:  # in words, in the language of whoever reads the message
        params["role"] = _in_words("mandate_role_label", params["role"])
    for key in ("state", "target"):
        if key in params:
            params[key] = _in_words("minutes_state_label", params[key])
    return DomainError(err.code, params)


def _check(rule, *args) -> None:
    as_domain(rule, *args, refused=_refused)


def as_rule(m: BoardMandate) -> rules.Mandate:
    return rules.Mandate(m.person_id, getattr(m.role, "value", m.role), m.starts_on, m.ends_on,
                         m.id)


def coop_mandates(coop_id: int) -> list[BoardMandate]:
    return list(db.session.scalars(sa.select(BoardMandate).where(
        BoardMandate.cooperative_id == coop_id).order_by(BoardMandate.starts_on, BoardMandate.id)
        .options(sa.orm.selectinload(BoardMandate.person),
                 sa.orm.selectinload(BoardMandate.represents))))


def require_board(actor: Person, coop: Cooperative) -> None:
    """Minutes are the board's own work: a person with an active mandate (the board role)."""
    if "board" not in roles_in(actor, coop):
        raise Forbidden()


def _require_board_or_admin(actor: Person, coop: Cooperative) -> None:
    if not can_run_board(actor, coop):
        raise Forbidden()


def _lock(coop_id: int) -> None:
    """Serialise writes to one board (a second président·e added at the same time)."""
    db.session.execute(sa.select(Cooperative.id).where(Cooperative.id == coop_id)
                       .with_for_update())


def sync_board_role(person: Person, coop: Cooperative, today: date | None = None) -> bool:
    """Give the board role to whoever holds a mandate running or to come; withdraw it from
    whoever holds none (a role granted by hand is withdrawn too when the last mandate ends)."""
    today = today or date.today()
    holds = db.session.scalar(sa.select(BoardMandate.id).where(
        BoardMandate.cooperative_id == coop.id, BoardMandate.person_id == person.id,
        sa.or_(BoardMandate.ends_on.is_(None), BoardMandate.ends_on >= today)).limit(1))
    if holds is not None:
        grant(person, coop, Role.BOARD)
    else:
        db.session.execute(sa.delete(CoopRole).where(
            CoopRole.cooperative_id == coop.id, CoopRole.person_id == person.id,
            CoopRole.role == Role.BOARD))
        forget_roles()
    return holds is not None


def mandate_snapshot(m: BoardMandate) -> dict:
    return {"person": m.person.display_name, "role": m.role, "college": m.college_code,
            "represents": m.represents.display_name if m.represents else None,
            "starts_on": m.starts_on, "ends_on": m.ends_on, "end_reason": m.end_reason}


@service
def add_mandate(actor: Person, coop: Cooperative, draft: MandateDraft,
                today: date | None = None) -> BoardMandate:
    """Record a board mandate. Secretariat only; gives the board role; journaled."""
    require_admin(actor, coop)
    if draft.person is None:
        raise DomainError("mandate_person_required", {})
    role = MandateRole(draft.role)
    if role == MandateRole.PERMANENT_REPRESENTATIVE:
        _check_represented(coop, draft.represents)
    elif draft.represents is not None:
        raise DomainError("represents_only_permanent", {})
    if draft.college:
        college_by_code(coop, draft.college)
    _lock(coop.id)
    new = rules.Mandate(draft.person.id, role.value, draft.starts_on, draft.ends_on)
    _check(rules.check_mandate, new, [as_rule(m) for m in coop_mandates(coop.id)])
    mandate = BoardMandate(
        cooperative_id=coop.id, person_id=draft.person.id, role=role,
        represents_person_id=draft.represents.id if draft.represents else None,
        college_code=draft.college or None, starts_on=draft.starts_on, ends_on=draft.ends_on,
        created_by_id=actor.id if actor else None)
    db.session.add(mandate)
    db.session.flush()
    board_role = sync_board_role(draft.person, coop, today)
    record(actor, "board.mandate_add", "board_mandate", mandate.id, cooperative_id=coop.id,
           after=mandate_snapshot(mandate) | {"board_role": board_role})
    return mandate


def _check_represented(coop: Cooperative, legal: Person | None) -> None:
    """A permanent representative sits for a legal person admitted as a sociétaire."""
    if legal is None:
        raise DomainError("represents_required", {})
    admitted = db.session.scalar(sa.select(Membership.id).where(
        Membership.cooperative_id == coop.id, Membership.person_id == legal.id,
        Membership.status == Status.ADMITTED))
    if legal.kind != PersonKind.LEGAL or admitted is None:
        raise DomainError("represents_not_member", {"name": legal.display_name})


@service
def end_mandate(actor: Person, mandate: BoardMandate, ends_on: date | None, reason: str = "",
                today: date | None = None) -> BoardMandate:
    """End a running mandate on its last day in office. Secretariat only; journaled."""
    coop = db.session.get(Cooperative, mandate.cooperative_id)
    require_admin(actor, coop)
    _check(rules.check_end, as_rule(mandate), ends_on)
    mandate.ends_on, mandate.end_reason = ends_on, (reason or "").strip()[:300]
    db.session.flush()
    board_role = sync_board_role(mandate.person, coop, today)
    record(actor, "board.mandate_end", "board_mandate", mandate.id, cooperative_id=coop.id,
           after={"person": mandate.person.display_name, "ends_on": ends_on,
                  "end_reason": mandate.end_reason, "board_role": board_role})
    return mandate


def _meeting_values(title: str, held_at: datetime | None, place: str, agenda: str) -> dict:
    title = (title or "").strip()
    if not title:
        raise DomainError("meeting_title_required", {})
    if held_at is None:
        raise DomainError("date_required", {})
    return {"title": title[:200], "held_at": held_at, "place": (place or "").strip()[:200],
            "agenda": "\n".join(line.strip() for line in (agenda or "").splitlines()
                                if line.strip())}


@service
def create_meeting(actor: Person, coop: Cooperative, title: str, held_at: datetime | None,
                   place: str = "", agenda: str = "") -> BoardMeeting:
    """Plan a board meeting with its agenda. Secretariat or board; journaled."""
    _require_board_or_admin(actor, coop)
    values = _meeting_values(title, held_at, place, agenda)
    meeting = BoardMeeting(cooperative_id=coop.id, created_by_id=actor.id, **values)
    db.session.add(meeting)
    db.session.flush()
    record(actor, "board.meeting_create", "board_meeting", meeting.id, cooperative_id=coop.id,
           after=values)
    return meeting


def _locked(meeting: BoardMeeting) -> bool:
    """Approved minutes fix the meeting they record, and the meeting that approved others."""
    approves = db.session.scalar(sa.select(BoardMeeting.id).where(
        BoardMeeting.approved_at_meeting_id == meeting.id).limit(1))
    return meeting.minutes_state in (MinutesState.APPROVED, MinutesState.PUBLISHED) or \
        approves is not None


@service
def update_meeting(actor: Person, meeting: BoardMeeting, title: str, held_at: datetime | None,
                   place: str = "", agenda: str = "") -> BoardMeeting:
    """Change a meeting's title, date, place or agenda until its minutes are approved."""
    coop = db.session.get(Cooperative, meeting.cooperative_id)
    _require_board_or_admin(actor, coop)
    if _locked(meeting):
        raise DomainError("meeting_locked", {})
    values = _meeting_values(title, held_at, place, agenda)
    before = {k: getattr(meeting, k) for k in values}
    for key, value in values.items():
        setattr(meeting, key, value)
    db.session.flush()
    old, new = diff(before, values)
    record(actor, "board.meeting_update", "board_meeting", meeting.id, cooperative_id=coop.id,
           before=old, after=new)
    return meeting


def expected_attendees(meeting: BoardMeeting) -> list[BoardMandate]:
    """The mandates running on the meeting's day (a person may appear under several roles)."""
    day = meeting.held_at.date()
    return [m for m in coop_mandates(meeting.cooperative_id) if rules.active_on(as_rule(m), day)]


def seats_at(meeting: BoardMeeting) -> set[int]:
    return rules.seats([as_rule(m) for m in coop_mandates(meeting.cooperative_id)],
                       meeting.held_at.date())


@service
def record_attendance(actor: Person, meeting: BoardMeeting,
                      rows: list[rules.Presence]) -> list[BoardAttendance]:
    """Replace the meeting's attendance sheet. Secretariat or board, until the minutes are
    approved; journaled."""
    coop = db.session.get(Cooperative, meeting.cooperative_id)
    _require_board_or_admin(actor, coop)
    if meeting.minutes_state in (MinutesState.APPROVED, MinutesState.PUBLISHED):
        raise DomainError("meeting_locked", {})
    expected = {m.person_id for m in expected_attendees(meeting)}
    for row in rows:
        if row.person_id not in expected:
            raise DomainError("attendance_not_on_board", {})
    _check(rules.check_attendance, rows, seats_at(meeting))
    db.session.execute(sa.delete(BoardAttendance).where(BoardAttendance.meeting_id == meeting.id))
    lines = [BoardAttendance(meeting_id=meeting.id, person_id=r.person_id, status=r.status,
                             represented_by_id=r.represented_by) for r in rows]
    db.session.add_all(lines)
    db.session.flush()
    names = {p.id: p.display_name for p in db.session.scalars(
        sa.select(Person).where(Person.id.in_([r.person_id for r in rows])))}
    record(actor, "board.attendance", "board_meeting", meeting.id, cooperative_id=coop.id,
           after={"attendance": [[names[r.person_id], r.status, names.get(r.represented_by)]
                                 for r in rows]})
    return lines


def _state(meeting: BoardMeeting) -> str:
    return getattr(meeting.minutes_state, "value", meeting.minutes_state) or "none"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@service
def save_minutes(actor: Person, meeting: BoardMeeting, text: str) -> BoardMeeting:
    """Write or rewrite the draft minutes of a meeting. Board members only; journaled."""
    coop = db.session.get(Cooperative, meeting.cooperative_id)
    require_board(actor, coop)
    text = (text or "").strip()
    if not text:
        raise DomainError("minutes_empty", {})
    _check(rules.check_minutes, _state(meeting), "draft")
    meeting.minutes, meeting.minutes_state = text, MinutesState.DRAFT
    meeting.drafted_by_id = actor.id
    db.session.flush()
    record(actor, "board.minutes_draft", "board_meeting", meeting.id, cooperative_id=coop.id,
           after={"sha256": _digest(text), "length": len(text)})
    return meeting


@service
def approve_minutes(actor: Person, meeting: BoardMeeting, at_meeting: BoardMeeting | None,
                    now: datetime | None = None) -> BoardMeeting:
    """Approve draft minutes at a later meeting, once held. Board members only; journaled."""
    coop = db.session.get(Cooperative, meeting.cooperative_id)
    require_board(actor, coop)
    if at_meeting is None or at_meeting.cooperative_id != meeting.cooperative_id:
        raise DomainError("approval_meeting_required", {})
    _check(rules.check_approval, _state(meeting), meeting.held_at, at_meeting.held_at,
           now or paris_now())
    meeting.minutes_state, meeting.approved_at_meeting_id = MinutesState.APPROVED, at_meeting.id
    db.session.flush()
    record(actor, "board.minutes_approve", "board_meeting", meeting.id, cooperative_id=coop.id,
           after={"at_meeting": at_meeting.id, "sha256": _digest(meeting.minutes)})
    return meeting


@service
def publish_minutes(actor: Person, meeting: BoardMeeting,
                    now: datetime | None = None) -> BoardMeeting:
    """Publish approved minutes to the sociétaires. Board or secretariat; journaled."""
    coop = db.session.get(Cooperative, meeting.cooperative_id)
    _require_board_or_admin(actor, coop)
    _check(rules.check_minutes, _state(meeting), "published")
    meeting.minutes_state, meeting.published_at = MinutesState.PUBLISHED, now or utcnow()
    db.session.flush()
    record(actor, "board.minutes_publish", "board_meeting", meeting.id, cooperative_id=coop.id,
           after={"sha256": _digest(meeting.minutes)})
    return meeting
