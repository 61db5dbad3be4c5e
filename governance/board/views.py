"""The board: its mandates (kept by the secretariat), its meetings, attendance and minutes.

Everyone in the cooperative sees who sits on the board and the meetings whose minutes are
published; the board and the secretariat see every meeting and draft minutes.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..models import Person
from ..permissions import can_admin, can_run_board, roles_in
from ..platform.extensions import db
from ..platform.journal import anchor_of
from ..platform.messages import message, register_messages
from ..views.common import child_or_404, load_coop, run
from . import queries as q
from . import services as svc
from .blueprint import bp
from .forms import (
    ATTENDANCE,
    ApproveForm,
    AttendanceForm,
    ConfirmForm,
    EndMandateForm,
    MandateForm,
    MeetingForm,
    MinutesForm,
)
from .models import BoardMandate, BoardMeeting, MinutesState
from .rules import Presence

register_messages({
    "mandate_person_required": _l("Give the email of the person who holds the mandate."),
    "mandate_end_before_start": _l("The mandate cannot end on %(date)s, before it starts on "
                                   "%(since)s."),
    "mandate_overlap": _l("%(person)s already holds a mandate of %(role)s during these dates."),
    "single_role_overlap": _l("The board has one %(role)s at a time: %(person)s holds that "
                              "mandate during these dates. End it first."),
    "mandate_already_ended": _l("This mandate already ended on %(date)s."),
    "represents_required": _l("A permanent representative sits for a legal person: give its "
                              "membership number."),
    "represents_not_member": _l("%(name)s is not a legal person admitted as a sociétaire of "
                                "this cooperative."),
    "represents_only_permanent": _l("Only a permanent representative represents a legal "
                                    "person."),
    "meeting_title_required": _l("Give the meeting a title."),
    "meeting_locked": _l("The minutes of this meeting, or minutes approved at it, are approved: "
                         "the meeting can no longer change."),
    "attendance_not_on_board": _l("Only people holding a mandate on the day of the meeting are "
                                  "on its attendance sheet."),
    "attendance_status": _l("Choose whether %(person)s was present, represented, excused or "
                            "absent."),
    "proxy_only_when_represented": _l("%(person)s is not represented: leave their proxy "
                                      "empty."),
    "proxy_not_a_director": _l("%(person)s has no seat on the board and cannot be "
                               "represented."),
    "proxy_holder_required": _l("Say which director present holds the proxy of %(person)s."),
    "board_proxy_to_self": _l("%(person)s cannot hold their own proxy."),
    "proxy_holder_not_present": _l("The proxy of %(person)s goes to a director present at the "
                                   "meeting: %(holder)s is not."),
    "proxy_limit": _l("%(holder)s already holds a proxy: a director holds at most %(max)s "
                      "proxy at a meeting."),
    "minutes_empty": _l("Write the minutes first."),
    "minutes_transition": _l("These minutes cannot go from “%(state)s” to “%(target)s”."),
    "approval_meeting_required": _l("Choose the later meeting of the board at which the minutes "
                                    "were approved."),
    "approval_not_later": _l("Minutes are approved at a later meeting than the one they "
                             "record."),
    "approval_not_held": _l("Minutes are approved at a meeting that has already been held."),
})


def _meeting(coop, id: int) -> BoardMeeting:
    """The meeting, or 404; sociétaires outside the board see it once its minutes are out."""
    meeting = child_or_404(BoardMeeting, id, cooperative_id=coop.id)
    if meeting.minutes_state != MinutesState.PUBLISHED and not can_run_board(current_user, coop):
        abort(404)
    return meeting


def _back(coop, meeting):
    return redirect(url_for("board.meeting", slug=coop.slug, id=meeting.id))


@bp.get("/c/<slug>/board")
@login_required
def overview(slug):
    """Who sits on the board, in which role and for which college; past mandates. Any role."""
    coop = load_coop(slug)
    return render_template("board/overview.html", coop=coop, b=q.board(coop),
                           admin=can_admin(current_user, coop),
                           runs=can_run_board(current_user, coop))


@bp.route("/c/<slug>/board/mandates/new", methods=["GET", "POST"])
@login_required
def mandate_new(slug):
    """Record a mandate (secretariat)."""
    coop = load_coop(slug, can_admin)
    form = MandateForm(coop=coop)
    if form.validate_on_submit():
        person = db.session.scalar(sa.select(Person).where(
            Person.email == form.email.data.strip().lower()))
        represents = form.role.data == "permanent_representative" and form.represents.data
        legal = form.represents.membership(coop.id) if represents else None
        if person is None:
            form.email.errors = [message("unknown_person", {"email": form.email.data})]
        elif (legal or not represents) and run(lambda: svc.add_mandate(
                current_user, coop, svc.MandateDraft(
                person=person, role=form.role.data, starts_on=form.starts_on.data,
                ends_on=form.ends_on.data, college=form.college.data or None,
                represents=legal.person if legal else None)),
                _("Mandate recorded.")):
            return redirect(url_for("board.overview", slug=slug))
    return render_template("board/mandate_new.html", coop=coop, form=form), \
        400 if form.is_submitted() else 200


@bp.route("/c/<slug>/board/mandates/<int:id>/end", methods=["GET", "POST"])
@login_required
def mandate_end(slug, id):
    """End a running mandate (secretariat)."""
    coop = load_coop(slug, can_admin)
    mandate = child_or_404(BoardMandate, id, cooperative_id=coop.id)
    form = EndMandateForm()
    if form.validate_on_submit() and run(
            lambda: svc.end_mandate(current_user, mandate, form.ends_on.data, form.reason.data),
            _("Mandate ended.")):
        return redirect(url_for("board.overview", slug=slug))
    return render_template("board/mandate_end.html", coop=coop, m=mandate,
                           form=form), 400 if form.is_submitted() else 200


@bp.route("/c/<slug>/board/meetings", methods=["GET", "POST"])
@login_required
def meetings(slug):
    """The board's meetings: all of them for the board and the secretariat, who plan new ones
    here; the sociétaires see those whose minutes are published."""
    coop = load_coop(slug)
    runs = can_run_board(current_user, coop)
    form = MeetingForm()
    if form.is_submitted() and not runs:
        abort(403)
    if form.validate_on_submit():
        meeting = run(lambda: svc.create_meeting(current_user, coop, form.title.data,
                                                 form.held_at.data, form.place.data,
                                                 form.agenda.data), _("Meeting planned."))
        if meeting is not None:
            return _back(coop, meeting)
    return render_template("board/meetings.html", coop=coop, runs=runs, form=form,
                           meetings=q.meetings(coop, everything=runs)), \
        400 if form.is_submitted() else 200


@bp.get("/c/<slug>/board/meetings/<int:id>")
@login_required
def meeting(slug, id):
    """A meeting: agenda, attendance and quorum, minutes; the board's forms; prints cleanly."""
    coop = load_coop(slug)
    meeting = _meeting(coop, id)
    runs = can_run_board(current_user, coop)
    sheet = q.attendance_sheet(meeting)
    attendance = AttendanceForm(formdata=None)
    holders = [("", _("Nobody"))] + [(str(line.person.id), line.person.display_name)
                                     for line in sheet if line.seat]
    for line in sheet:
        attendance.rows.append_entry({"person_id": line.person.id, "status": line.status,
                                      "represented_by": str(line.represented_by.id)
                                      if line.represented_by else ""})
        entry = attendance.rows[-1]
        entry.status.choices = [("", _("Not recorded")), *ATTENDANCE]
        entry.represented_by.choices = holders
    approve = ApproveForm()
    approve.at_meeting.choices = [(m.id, f"{m.title}") for m in q.later_meetings(meeting)]
    return render_template(
        "board/meeting.html", coop=coop, m=meeting, runs=runs,
        anchor=anchor_of("board.minutes_approve", "board_meeting", meeting.id),
        board_member="board" in roles_in(current_user, coop), admin=can_admin(current_user, coop),
        sheet=list(zip(sheet, attendance.rows, strict=True)), attendance=attendance,
        quorum=q.quorum(meeting), minutes=MinutesForm(formdata=None, minutes=meeting.minutes),
        approve=approve, publish=ConfirmForm(), approved_here=q.approved_here(meeting))


@bp.route("/c/<slug>/board/meetings/<int:id>/edit", methods=["GET", "POST"])
@login_required
def meeting_edit(slug, id):
    """Change a meeting's title, date, place or agenda (board and secretariat)."""
    coop = load_coop(slug, can_run_board)
    meeting = _meeting(coop, id)
    form = MeetingForm(obj=meeting)
    if form.validate_on_submit() and run(
            lambda: svc.update_meeting(current_user, meeting, form.title.data, form.held_at.data,
                                       form.place.data, form.agenda.data), _("Meeting saved.")):
        return _back(coop, meeting)
    return render_template("board/meeting_edit.html", coop=coop, m=meeting,
                           form=form), 400 if form.is_submitted() else 200


def _presences(form: AttendanceForm) -> list[Presence]:
    """The recorded lines of the attendance form (a line left "not recorded" is skipped)."""
    rows = []
    for entry in form.rows:
        person, status = entry.person_id.data or "", entry.status.data or ""
        holder = entry.represented_by.data or ""
        if person.isdigit() and status:
            rows.append(Presence(int(person), status, int(holder)
                                 if holder.isdigit() and status == "represented" else None))
    return rows


def _on_meeting(slug, id, action, success: str):
    """Run `action(meeting)` on a meeting the board and the secretariat reach, then go back to
    the meeting's page (with the service's refusal, if any, as a message)."""
    coop = load_coop(slug, can_run_board)
    meeting = _meeting(coop, id)
    run(lambda: action(meeting), success)
    return _back(coop, meeting)


@bp.post("/c/<slug>/board/meetings/<int:id>/attendance")
@login_required
def attendance(slug, id):
    """Record who was present, represented (and by whom), excused or absent."""
    rows = _presences(AttendanceForm())
    return _on_meeting(slug, id, lambda m: svc.record_attendance(current_user, m, rows),
                       _("Attendance recorded."))


@bp.post("/c/<slug>/board/meetings/<int:id>/minutes")
@login_required
def minutes(slug, id):
    """Save the draft minutes (board members)."""
    text = request.form.get("minutes", "")
    return _on_meeting(slug, id, lambda m: svc.save_minutes(current_user, m, text),
                       _("Draft minutes saved."))


@bp.post("/c/<slug>/board/meetings/<int:id>/minutes/approve")
@login_required
def minutes_approve(slug, id):
    """Record that the minutes were approved at a later meeting (board members)."""
    at_id = request.form.get("at_meeting", "")
    return _on_meeting(slug, id, lambda m: svc.approve_minutes(
        current_user, m, db.session.get(BoardMeeting, int(at_id)) if at_id.isdigit() else None),
        _("Minutes approved."))


@bp.post("/c/<slug>/board/meetings/<int:id>/minutes/publish")
@login_required
def minutes_publish(slug, id):
    """Publish approved minutes to the sociétaires (board and secretariat)."""
    return _on_meeting(slug, id, lambda m: svc.publish_minutes(current_user, m),
                       _("Minutes published to the sociétaires."))
