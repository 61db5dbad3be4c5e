"""Forms of circles: a circle, its members, custom roles, terms; chantiers. They only check what
was typed; the services check the rules (nesting, terms, hours)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from governance.platform.urls import db_id

ROLE_KINDS = [("lead_link", _l("Lead link")), ("facilitator", _l("Facilitator")),
              ("secretary", _l("Secretary")), ("rep_link", _l("Rep link")),
              ("custom", _l("Custom role"))]
STATUSES = [("proposed", _l("Proposed")), ("planned", _l("Planned")),
            ("in_progress", _l("In progress")), ("done", _l("Done")), ("dropped", _l("Dropped"))]
DATE_REQUIRED = _l("Give a valid date.")
PERSON_HINT = _l("Their email, or their membership number in this cooperative.")


def _coerce_id(value):
    return db_id(value) if value not in (None, "") else None


class CircleForm(FlaskForm):
    """A circle; `CircleForm(parents=[(id, name), …])` offers where it may be nested."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the circle a name.")),
                                               Length(max=200)])
    parent = SelectField(_l("Nested in"), coerce=_coerce_id, validate_choice=False)
    purpose = TextAreaField(_l("Purpose (raison d'être)"), validators=[Length(max=5000)])
    domains = TextAreaField(_l("Domains, one per line"), validators=[Length(max=10000)])
    accountabilities = TextAreaField(_l("Accountabilities, one per line"),
                                     validators=[Length(max=10000)])

    def __init__(self, *args, parents=(), top=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent.choices = ([("", _l("Not nested (a top-level circle)"))] if top else []) + \
            [(str(i), name) for i, name in parents]


class DateForm(FlaskForm):
    """A single date: when a circle is dissolved, a member leaves, a role stops."""

    on = DateField(_l("Date"), validators=[DataRequired(DATE_REQUIRED)])


class MemberForm(FlaskForm):
    person = StringField(_l("Person"), description=PERSON_HINT, validators=[
        DataRequired(_l("Give the person's email or membership number.")), Length(max=254)])
    joined_on = DateField(_l("Member since"), validators=[DataRequired(DATE_REQUIRED)])


class RoleForm(FlaskForm):
    name = StringField(_l("Role name"), validators=[DataRequired(_l("Give the role a name.")),
                                                    Length(max=200)])
    purpose = TextAreaField(_l("Purpose of the role"), validators=[Length(max=5000)])
    accountabilities = TextAreaField(_l("Accountabilities of the role, one per line"),
                                     validators=[Length(max=10000)])
    reviews = BooleanField(_l("Its holders review the circle's contributions"))


class TermForm(FlaskForm):
    person = StringField(_l("Holder"), description=PERSON_HINT, validators=[
        DataRequired(_l("Give the person's email or membership number.")), Length(max=254)])
    starts_on = DateField(_l("Start of the term"), validators=[DataRequired(DATE_REQUIRED)])
    ends_on = DateField(_l("End of the term (last day, if known)"), validators=[Optional()])


class ChantierForm(FlaskForm):
    """A chantier; `ChantierForm(people=[(id, name), …])` offers who may be involved."""

    title = StringField(_l("Title"), validators=[
        DataRequired(_l("Give the chantier a title.")), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=10000)])
    status = SelectField(_l("Status"), choices=STATUSES, default="proposed")
    hours = StringField(_l("Estimated hours"), description=_l("In quarter hours: 2, 1.5, 0.75."),
                        validators=[Length(max=20)])
    due_on = DateField(_l("Due date"), validators=[Optional()])
    people = SelectMultipleField(_l("People involved"), coerce=int, validate_choice=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people.choices = [(p.id, p.display_name) for p in people]


class MoveForm(FlaskForm):
    status = SelectField(_l("Move to"), choices=STATUSES)
