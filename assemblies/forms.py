"""Forms of general assemblies: preparing, convening, answering, proxies, check-in, hands."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length

from governance.forms import MemberNumberField, web_address

KINDS = [("ordinary", _l("Ordinary")), ("extraordinary", _l("Extraordinary")),
         ("mixed", _l("Mixed (each resolution ordinary or extraordinary)"))]
RESOLUTION_KINDS = [("ordinary", _l("Ordinary")), ("extraordinary", _l("Extraordinary"))]
PRESENCE = [("in_person", _l("In the room")), ("online", _l("Online")),
            ("absent", _l("Absent"))]
CHOICES = [("for", _l("For")), ("against", _l("Against")), ("abstain", _l("Abstain"))]
WHEN_HINT = _l("Paris time.")


class AssemblyForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the assembly a title.")),
                                                 Length(max=300)])
    kind = SelectField(_l("Kind"), choices=KINDS, default="ordinary")
    starts_at = DateTimeLocalField(_l("Date and time of the first call"),
                                   description=WHEN_HINT,
                                   validators=[DataRequired(_l("Give a valid date and time."))])
    place = StringField(_l("Place"), validators=[Length(max=300)])
    online_link = StringField(_l("Online link"), validators=[Length(max=500), web_address])
    second_factor = BooleanField(_l("Voters log in with an authenticator app to vote (second "
                                    "factor, CNIL level 2)"))
    others = SelectMultipleField(_l("Joint assembly with"), coerce=int, choices=[],
                                 option_widget=widgets.CheckboxInput(),
                                 widget=widgets.ListWidget(prefix_label=False))


class ItemForm(FlaskForm):
    title = StringField(_l("Agenda item"), validators=[DataRequired(_l("Give the agenda item a "
                                                                       "title.")),
                                                       Length(max=300)])


class ResolutionForm(FlaskForm):
    title = StringField(_l("Resolution title"), validators=[
        DataRequired(_l("Give the resolution a title.")), Length(max=300)])
    text = TextAreaField(_l("Text of the resolution"), validators=[Length(max=20000)])
    kind = SelectField(_l("Kind"), choices=RESOLUTION_KINDS, default="ordinary")
    board_approved = BooleanField(_l("Approved by the board"), default=True)


class ConveneForm(FlaskForm):
    reason = TextAreaField(_l("Reason for a shorter notice (only if needed)"),
                           validators=[Length(max=2000)])


class SecondCallForm(FlaskForm):
    starts_at = DateTimeLocalField(_l("Date and time of the second call"),
                                   description=WHEN_HINT,
                                   validators=[DataRequired(_l("Give a valid date and time."))])
    reason = TextAreaField(_l("Reason for a shorter notice (only if needed)"),
                           validators=[Length(max=2000)])


class BureauForm(FlaskForm):
    chair = MemberNumberField(_l("Chair (membership number)"))
    secretary = MemberNumberField(_l("Secretary (membership number)"))
    scrutineers = StringField(_l("Scrutineers"), validators=[Length(max=500)])


class AnswerForm(FlaskForm):
    intent = RadioField(_l("Will you attend?"), choices=PRESENCE, default="absent")


class ProxyForm(FlaskForm):
    holder = MemberNumberField(_l("Membership number of the sociétaire who will vote for you"))
    blank = BooleanField(_l("Or give a blank proxy to the chair"))


class CheckInForm(FlaskForm):
    presence = RadioField(_l("Presence"), choices=PRESENCE)


class BallotForm(FlaskForm):
    choice = RadioField(_l("Your vote"), choices=CHOICES,
                        validators=[DataRequired(_l("Choose for, against or abstain."))])


class MinutesForm(FlaskForm):
    debates = TextAreaField(_l("Debates"), description=_l(
        "What was said before each vote: presentations, questions, answers. The rest of the "
        "minutes is written from the assembly's records."), validators=[Length(max=100000)])
