"""Forms of the votes package: the new-vote form, and reading a submitted ballot."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from governance.forms.coops import COUNTINGS
from governance.platform.messages import message
from governance.rules import RuleError, parse_share

from . import boxjson
from .services import DEFAULT_GRADES, VoteDraft

# Times are entered and shown in the group's time zone; the services work in naive UTC.
TIMEZONE = ZoneInfo("Europe/Paris")

METHODS = [("resolution", _l("Resolution: for, against or abstain")),
           ("choice", _l("Choice: one option among several")),
           ("approval", _l("Approval: elect up to N options (election)")),
           ("majority_judgment", _l("Majority judgment: grade every option"))]
KINDS = [("ordinary", _l("Ordinary: the statutes' ordinary assembly settings")),
         ("extraordinary", _l("Extraordinary: the statutes' extraordinary assembly settings"))]
STRICTNESS = [("", _l("As in the statutes")), ("yes", _l("Strictly more than the threshold")),
              ("no", _l("At least the threshold"))]
EMPTY_COLLEGE = [("redistribute", _l("An empty college's weight goes to the others")),
                 ("against", _l("An empty college keeps its weight and counts as against"))]
ELIGIBILITY = [("all", _l("All admitted sociétaires")),
               ("colleges", _l("The admitted sociétaires of some colleges")),
               ("board", _l("The board"))]
SHARE_HINT = _l("A fraction (2/3) or a percentage (66.67 %). Empty: as in the statutes.")


def to_utc(local: datetime | None) -> datetime | None:
    """A wall-clock time in Paris (from a datetime-local field) as naive UTC."""
    if local is None:
        return None
    return local.replace(tzinfo=TIMEZONE).astimezone(UTC).replace(tzinfo=None)


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _share(form, field) -> None:
    try:
        parse_share(field.data)
    except RuleError as err:
        raise ValidationError(message(err.code, err.params)) from None


class VoteForm(FlaskForm):
    """A new vote; `VoteForm(coop=…)` offers the cooperative's colleges."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    body = TextAreaField(_l("Text of the question or resolution"),
                         validators=[Length(max=20000)])
    method = SelectField(_l("Method"), choices=METHODS)
    options = TextAreaField(_l("Options, one per line"),
                            description=_l("For a choice, an approval or a majority judgment."))
    seats = IntegerField(_l("Seats (approval: how many options each voter may select)"),
                         default=1, validators=[Optional(), NumberRange(min=1, max=100)])
    grades = TextAreaField(_l("Grades, best first, one per line"),
                           description=_l("For a majority judgment."),
                           default="\n".join(DEFAULT_GRADES))
    secret = BooleanField(_l("Secret ballot"), default=True)
    second_factor = BooleanField(
        _l("Voters confirm a code sent by email before voting (second factor)"), default=True,
        description=_l("Recommended by the CNIL for votes of some stake (level 2)."))
    kind = SelectField(_l("Kind of decision"), choices=KINDS)
    counting = SelectField(_l("Counting"), choices=[("", _l("As in the statutes")), *COUNTINGS])
    threshold = StringField(_l("Threshold"), description=SHARE_HINT,
                            validators=[Length(max=16), _share])
    strict = SelectField(_l("Strictness"), choices=STRICTNESS)
    quorum = StringField(_l("Quorum"), description=SHARE_HINT,
                         validators=[Length(max=16), _share])
    no_quorum = BooleanField(_l("No quorum required"))
    empty_college = SelectField(_l("A college where nobody expressed a vote"),
                                choices=EMPTY_COLLEGE)
    eligibility = RadioField(_l("Who may vote"), choices=ELIGIBILITY, default="all")
    colleges = CheckboxesField(_l("Colleges that may vote"), choices=[])
    opens_at = DateTimeLocalField(_l("Opens at (Paris time)"), format="%Y-%m-%dT%H:%M",
                                  validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Closes at (Paris time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[Optional()])

    def __init__(self, *args, coop=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.colleges.choices = [(c.code, c.name) for c in (coop.colleges if coop else [])]

    def validate_closes_at(self, field) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_("The vote must close after it opens."))

    def draft(self) -> VoteDraft:
        """The service's input, from the validated form."""
        quorum = "" if self.no_quorum.data else (self.quorum.data or "").strip() or None
        return VoteDraft(
            title=self.title.data, body=self.body.data or "", method=self.method.data,
            secret=self.secret.data, second_factor=self.second_factor.data, kind=self.kind.data,
            options=_lines(self.options.data),
            grades=_lines(self.grades.data), seats=self.seats.data or 1,
            counting=self.counting.data or None,
            threshold=(self.threshold.data or "").strip() or None,
            strict={"yes": True, "no": False}.get(self.strict.data), quorum=quorum,
            empty_college=self.empty_college.data, eligibility=self.eligibility.data,
            eligible_colleges=list(self.colleges.data or []) if self.eligibility.data ==
            "colleges" else [],
            opens_at=to_utc(self.opens_at.data), closes_at=to_utc(self.closes_at.data))


class BallotMissing(ValueError):
    """The ballot form was not filled in; the message says what to do, translated."""


def read_ballot(vote, data) -> object:
    """The choice of a submitted ballot form, in the ballot box's shape.

    Refuses a form that was not filled in (an unanswered resolution, too many approvals) with
    a translated message; everything else is checked by `services.cast`.
    """
    method = getattr(vote.method, "value", vote.method)
    if method == "resolution":
        choice = data.get("choice")
        if choice not in ("for", "against", "abstain"):
            raise BallotMissing(_("Choose for, against or abstain."))
        return choice
    if method == "choice":
        if "choice" not in data:
            raise BallotMissing(_("Choose an option, or a blank vote."))
        return data.get("choice") or None
    if method == "approval":
        picked = [o for o in data.getlist("choice") if o]
        if len(picked) > vote.seats:
            raise BallotMissing(ngettext("Select at most %(num)s option.",
                                         "Select at most %(num)s options.", vote.seats))
        return picked
    grades = vote.grades
    choice = {}
    for option in vote.options:
        value = data.get(f"grade-{option['id']}", "")
        if value.isdigit() and int(value) < len(grades):
            choice[option["id"]] = grades[int(value)]
    if not choice:
        raise BallotMissing(_("Grade at least one option."))
    return choice


MAX_ENCRYPTED = 256 * 1024  # an encrypted ballot of 20 options of 10 grades is ~150 kB


def read_encrypted(data, name: str = "ballot", limit: int = MAX_ENCRYPTED) -> object:
    """The encrypted ballot posted by the voter's browser (JSON), checked by `services.cast`.
    Without it (no JavaScript), a translated message says why nothing was taken."""
    raw = data.get(name) or ""
    if not raw:
        raise BallotMissing(_("Voting in this vote needs JavaScript: your browser encrypts your "
                              "ballot. Nothing was recorded."))
    try:
        return boxjson.loads(raw) if len(raw) <= limit else None
    except (boxjson.MalformedBox, RecursionError):
        return None  # refused by the service as a bad ballot
