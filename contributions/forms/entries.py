"""Forms of logged time: log or edit an entry, correct one, review one."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from governance.rules import RuleError

from .. import rules
from ..messages import MESSAGES_HOURS


def _hours(field):
    try:
        return rules.parse_hours(field.data)
    except RuleError:
        raise ValidationError(MESSAGES_HOURS) from None


class EntryForm(FlaskForm):
    """`EntryForm(circles=…, chantiers=…, roles=…)`: the choices are the member's own."""

    circle = SelectField(_l("Circle"), coerce=int, validate_choice=False)
    worked_on = DateField(_l("Day worked"), validators=[DataRequired(_l("Give a valid date."))])
    hours = StringField(_l("Hours (in quarter hours: 1.5, 1,75 or 1h30)"),
                        validators=[DataRequired(_l("Give the number of hours."))])
    chantier = SelectField(_l("Chantier (optional)"), coerce=int, validate_choice=False)
    role = SelectField(_l("In the role of (optional)"), coerce=int, validate_choice=False)
    description = TextAreaField(_l("What you did"), validators=[
        DataRequired(_l("Say what you did.")), Length(max=2000)])

    def __init__(self, *args, circles=(), chantiers=(), roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.circle.choices = [(c.id, c.name) for c in circles]
        none = [(0, _l("None"))]
        self.chantier.choices = none + [(c.id, f"{c.circle.name} — {c.title}") for c in chantiers]
        self.role.choices = none + [(r.id, f"{r.circle.name} — {label}") for r, label in roles]

    def validate_hours(self, field):
        self.hours_value = _hours(field)


class CorrectionForm(FlaskForm):
    hours = StringField(_l("Hours to take back"),
                        validators=[DataRequired(_l("Give the number of hours."))])
    description = StringField(_l("Why"), validators=[DataRequired(_l("Say what the correction "
                                                                     "is for.")),
                                                     Length(max=500)])

    def validate_hours(self, field):
        self.hours_value = _hours(field)


class ReviewForm(FlaskForm):
    """Approve, or reject with a reason."""

    reason = StringField(_l("Reason for rejecting"), validators=[Length(max=500)])
