"""Services of the board: mandates and the board role, meetings, attendance, minutes; who may
do what, what the journal keeps, and the guards on the minutes' states."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from governance.board import services as svc
from governance.board.models import BoardAttendance, BoardMandate
from governance.board.rules import Presence
from governance.models import AuditEntry, CoopRole, Role
from governance.permissions import can_see_contacts, roles_in
from governance.platform.extensions import db
from governance.platform.service import SYSTEM, DomainError, Forbidden

START = date(2021, 1, 1)
TODAY = date(2022, 6, 1)
M1, M2, M3 = datetime(2021, 9, 21, 18), datetime(2021, 11, 3, 18), datetime(2022, 2, 9, 18)


def last_action():
    return db.session.scalar(sa.select(AuditEntry.action).order_by(AuditEntry.id.desc()))


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def board(make_coop, make_person, make_member):
    """A cooperative, its secretariat, three directors in office (one member outside)."""
    coop = make_coop("coop", colleges=[("a", "A", "1/2"), ("b", "B", "3/10"), ("c", "C", "1/5")])
    admin = make_person("admin@example.org", roles={coop: "admin"})
    directors = [make_member(coop, college="a").person for _ in range(3)]
    member = make_member(coop, college="b").person
    for person in directors:
        svc.add_mandate(admin, coop, svc.MandateDraft(person, "director", START, college="a"),
                        today=TODAY)
    coop.admin, coop.directors, coop.member = admin, directors, member
    return coop


def draft(person, role="director", starts_on=START, **kw):
    return svc.MandateDraft(person=person, role=role, starts_on=starts_on, **kw)


def test_a_mandate_gives_the_board_role_and_ending_the_last_one_takes_it(board, make_member):
    person = make_member(board, college="b").person
    assert "board" not in roles_in(person, board)
    first = svc.add_mandate(board.admin, board, draft(person, college="b"), today=TODAY)
    assert last_action() == "board.mandate_add"
    assert "board" in roles_in(person, board) and can_see_contacts(person, board)
    second = svc.add_mandate(board.admin, board, draft(person, "managing_director"),
                             today=TODAY)
    svc.end_mandate(board.admin, first, date(2022, 5, 31), "Démission", today=TODAY)
    assert "board" in roles_in(person, board)  # still managing director
    svc.end_mandate(board.admin, second, date(2022, 5, 31), today=TODAY)
    assert last_action() == "board.mandate_end"
    assert "board" not in roles_in(person, board)
    entry = db.session.scalar(sa.select(AuditEntry).order_by(AuditEntry.id.desc()))
    assert '"board_role":false' in entry.summary and '"ends_on":"2022-05-31"' in entry.summary


def test_a_mandate_that_ended_before_today_gives_no_role(board, make_member):
    person = make_member(board, college="b").person
    svc.add_mandate(board.admin, board, draft(person, ends_on=date(2021, 12, 31)), today=TODAY)
    assert count(BoardMandate) == 4
    assert not db.session.scalar(sa.select(CoopRole.id).where(
        CoopRole.person_id == person.id, CoopRole.role == Role.BOARD))


def test_only_the_secretariat_keeps_the_mandates(board):
    someone = board.directors[0]
    with pytest.raises(Forbidden):
        svc.add_mandate(someone, board, draft(board.member))
    mandate = db.session.scalar(sa.select(BoardMandate))
    with pytest.raises(Forbidden):
        svc.end_mandate(board.member, mandate, TODAY)
    assert count(BoardMandate) == 3 and mandate.ends_on is None


@pytest.mark.parametrize("kw, code", [
    ({"college": "zz"}, "unknown_college"),
    ({"ends_on": date(2020, 12, 31)}, "mandate_end_before_start"),
    ({"role": "permanent_representative"}, "represents_required"),
])
def test_bad_mandates_are_refused_and_change_nothing(board, kw, code):
    before = count(AuditEntry)
    with pytest.raises(DomainError) as err:
        svc.add_mandate(board.admin, board, draft(board.member, **kw))
    assert err.value.code == code
    assert count(BoardMandate) == 3 and count(AuditEntry) == before


def test_clashing_mandates_name_the_person_and_the_role(board, app):
    with pytest.raises(DomainError) as err:
        svc.add_mandate(board.admin, board, draft(board.directors[0]))
    assert err.value.code == "mandate_overlap"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        from governance.platform.messages import message
        text = message(err.value.code, err.value.params)
    assert board.directors[0].display_name in text and "Director" in text
    svc.add_mandate(board.admin, board, draft(board.directors[0], "president"))
    with pytest.raises(DomainError, match="single_role_overlap"):
        svc.add_mandate(board.admin, board, draft(board.directors[1], "president",
                                                  date(2022, 1, 1)))


def test_a_permanent_representative_sits_for_a_legal_person_sociétaire(board, make_member,
                                                                       make_person):
    from governance.services.register import NewMember, add_member
    legal = add_member(SYSTEM, board, NewMember(
        kind="legal", legal_name="Fondation", college="c", category="partner",
        status="admitted", admitted_on=START, admission_ref="CA"), check=False).person
    rep = make_person("rep@example.org")
    with pytest.raises(DomainError, match="represents_not_member"):
        svc.add_mandate(board.admin, board, draft(rep, "permanent_representative",
                                                  represents=board.member))  # natural person
    with pytest.raises(DomainError, match="represents_only_permanent"):
        svc.add_mandate(board.admin, board, draft(rep, represents=legal))
    m = svc.add_mandate(board.admin, board, draft(rep, "permanent_representative",
                                                  represents=legal, college="c"))
    assert m.represents_person_id == legal.id and "board" in roles_in(rep, board)


def meeting_with_minutes(coop, held_at=M1, text="Procès-verbal"):
    meeting = svc.create_meeting(coop.admin, coop, "CA", held_at, "Paris", "Point 1\n\n Point 2 ")
    svc.save_minutes(coop.directors[0], meeting, text)
    return meeting


def test_meetings_and_agenda_by_the_board_or_the_secretariat(board):
    meeting = svc.create_meeting(board.directors[1], board, "CA", M1, agenda="A\n \nB")
    assert meeting.agenda_items == ["A", "B"] and last_action() == "board.meeting_create"
    svc.update_meeting(board.admin, meeting, "CA de septembre", M1, "Lyon", "A\nB\nC")
    assert last_action() == "board.meeting_update" and meeting.agenda_items == ["A", "B", "C"]
    with pytest.raises(Forbidden):
        svc.create_meeting(board.member, board, "CA", M1)
    with pytest.raises(Forbidden):
        svc.update_meeting(board.member, meeting, "x", M1)
    with pytest.raises(DomainError, match="meeting_title_required"):
        svc.create_meeting(board.admin, board, "  ", M1)


def test_attendance_with_a_proxy_is_recorded_and_journaled(board):
    a, b, c = board.directors
    meeting = svc.create_meeting(board.admin, board, "CA", M1)
    svc.record_attendance(board.directors[0], meeting, [
        Presence(a.id, "present"), Presence(b.id, "represented", a.id),
        Presence(c.id, "excused")])
    assert count(BoardAttendance) == 3 and last_action() == "board.attendance"
    from governance.board import queries as q
    quorum = q.quorum(meeting)
    # 1 of 3 present: a represented director does not count towards the quorum (L. 225-37)
    assert (quorum.seats, quorum.present, quorum.represented, quorum.reached) == (3, 1, 1, False)
    # Recording again replaces the sheet.
    svc.record_attendance(board.admin, meeting, [Presence(a.id, "absent")])
    assert count(BoardAttendance) == 1 and not q.quorum(meeting).reached


def test_attendance_refusals(board):
    a, b, _c = board.directors
    meeting = svc.create_meeting(board.admin, board, "CA", M1)
    with pytest.raises(DomainError, match="attendance_not_on_board"):
        svc.record_attendance(board.admin, meeting, [Presence(board.member.id, "present")])
    with pytest.raises(DomainError) as err:
        svc.record_attendance(board.admin, meeting, [Presence(a.id, "excused"),
                                                     Presence(b.id, "represented", a.id)])
    assert err.value.code == "proxy_holder_not_present"
    assert err.value.params == {"person": b.display_name, "holder": a.display_name}
    with pytest.raises(Forbidden):
        svc.record_attendance(board.member, meeting, [])
    assert count(BoardAttendance) == 0


def test_minutes_draft_approve_publish(board):
    first = meeting_with_minutes(board)
    assert last_action() == "board.minutes_draft" and first.minutes_state == "draft"
    svc.save_minutes(board.directors[1], first, "Procès-verbal corrigé")  # redrafted
    assert first.drafted_by_id == board.directors[1].id
    second = svc.create_meeting(board.admin, board, "CA", M2)
    with pytest.raises(DomainError, match="minutes_transition"):
        svc.publish_minutes(board.admin, first)  # not approved yet
    svc.approve_minutes(board.directors[2], first, second, now=M3)
    assert (first.minutes_state, first.approved_at_meeting_id) == ("approved", second.id)
    assert last_action() == "board.minutes_approve"
    with pytest.raises(DomainError, match="minutes_transition"):
        svc.save_minutes(board.directors[0], first, "rewritten")  # approved: fixed
    with pytest.raises(DomainError, match="meeting_locked"):
        svc.update_meeting(board.admin, first, "x", M1)
    with pytest.raises(DomainError, match="meeting_locked"):
        svc.update_meeting(board.admin, second, "x", M2)  # approved minutes there
    with pytest.raises(DomainError, match="meeting_locked"):
        svc.record_attendance(board.admin, first, [])
    svc.publish_minutes(board.admin, first)
    assert first.minutes_state == "published" and first.published_at is not None
    assert last_action() == "board.minutes_publish"
    with pytest.raises(DomainError, match="minutes_transition"):
        svc.publish_minutes(board.admin, first)


def test_minutes_are_the_boards_and_approved_only_later(board, make_coop, make_person):
    meeting = svc.create_meeting(board.admin, board, "CA", M2)
    with pytest.raises(Forbidden):
        svc.save_minutes(board.admin, meeting, "PV")  # the secretariat does not draft them
    with pytest.raises(Forbidden):
        svc.save_minutes(board.member, meeting, "PV")
    with pytest.raises(DomainError, match="minutes_empty"):
        svc.save_minutes(board.directors[0], meeting, "  ")
    svc.save_minutes(board.directors[0], meeting, "PV")
    earlier = svc.create_meeting(board.admin, board, "CA", M1)
    future = svc.create_meeting(board.admin, board, "CA", datetime(2099, 1, 1))
    with pytest.raises(DomainError, match="approval_not_later"):
        svc.approve_minutes(board.directors[0], meeting, earlier)
    with pytest.raises(DomainError, match="approval_not_later"):
        svc.approve_minutes(board.directors[0], meeting, meeting)
    with pytest.raises(DomainError, match="approval_not_held"):
        svc.approve_minutes(board.directors[0], meeting, future)
    with pytest.raises(DomainError, match="approval_meeting_required"):
        svc.approve_minutes(board.directors[0], meeting, None)
    other = make_coop("other")
    other.admin = make_person("o@example.org", roles={other: "admin"})
    elsewhere = svc.create_meeting(other.admin, other, "CA", M3)
    with pytest.raises(DomainError, match="approval_meeting_required"):
        svc.approve_minutes(board.directors[0], meeting, elsewhere)
    with pytest.raises(Forbidden):
        svc.approve_minutes(board.admin, meeting, future)
    with pytest.raises(Forbidden):
        svc.publish_minutes(board.member, meeting)
    db.session.refresh(meeting)
    assert meeting.minutes_state == "draft"
