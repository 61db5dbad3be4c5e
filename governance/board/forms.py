"""Forms of the board: mandates, meetings, attendance, minutes."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ..forms import DATE_REQUIRED, MemberNumberField

ROLES = [("president", _l("Chair of the board (président·e)")),
         ("managing_director", _l("Managing director (directeur·rice général·e)")),
         ("director", _l("Director (administrateur·rice)")),
         ("permanent_representative", _l("Permanent representative of a legal person"))]
ATTENDANCE = [("present", _l("Present")), ("represented", _l("Represented")),
              ("excused", _l("Excused")), ("absent", _l("Absent"))]
MINUTES_STATES = [("none", _l("No minutes yet")), ("draft", _l("Draft minutes")),
                  ("approved", _l("Minutes approved")), ("published", _l("Minutes published"))]


class MandateForm(FlaskForm):
    """A new mandate; `MandateForm(coop=…)` offers the cooperative's colleges."""

    email = EmailField(_l("Email of the person"), validators=[
        DataRequired(_l("Give the person's email.")), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLES)
    represents = MemberNumberField(
        _l("Membership number of the legal person represented"),
        description=_l("Only for a permanent representative."))
    college = SelectField(_l("College represented"), choices=[])
    starts_on = DateField(_l("Start of the mandate"), validators=[DataRequired(DATE_REQUIRED)])
    ends_on = DateField(_l("End of the mandate (last day, if known)"), validators=[Optional()])

    def __init__(self, *args, coop=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.college.choices = [("", _l("None"))] + [
            (c.code, c.name) for c in (coop.colleges if coop else [])]

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The mandate cannot end before it starts."))

    def validate_represents(self, field):
        if self.role.data == "permanent_representative" and not field.data:
            raise ValidationError(_l("Give the membership number of the legal person "
                                     "represented."))


class EndMandateForm(FlaskForm):
    ends_on = DateField(_l("Last day of the mandate"), validators=[DataRequired(DATE_REQUIRED)])
    reason = StringField(_l("Reason (end of term, resignation, replacement…)"),
                         validators=[Length(max=300)])


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the meeting a title.")),
                                                 Length(max=200)])
    held_at = DateTimeLocalField(_l("Date and time (Paris time)"), format="%Y-%m-%dT%H:%M",
                                 validators=[DataRequired(DATE_REQUIRED)])
    place = StringField(_l("Place or video link"), validators=[Length(max=200)])
    agenda = TextAreaField(_l("Agenda, one item per line"), validators=[Length(max=20000)])


class AttendanceRow(Form):
    person_id = HiddenField()
    status = SelectField(_l("Attendance"), choices=ATTENDANCE)
    represented_by = SelectField(_l("Proxy given to"), choices=[])


class AttendanceForm(FlaskForm):
    """One row per board member expected; the view sets the names and the proxy choices."""

    rows = FieldList(FormField(AttendanceRow), min_entries=0)


class MinutesForm(FlaskForm):
    minutes = TextAreaField(_l("Minutes"), validators=[
        DataRequired(_l("Write the minutes first.")), Length(max=200000)])


class ApproveForm(FlaskForm):
    at_meeting = SelectField(_l("Approved at the meeting of"), coerce=int, choices=[])


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token (publish the minutes)."""
