"""Forms of the share capital: record a movement, correct one; a capital campaign with a
matching partner."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..forms import MemberNumberField
from ..platform.messages import message
from .rules import RuleError, cents, check_campaign, parse_ratio

MOVEMENT_KINDS = [("subscription", _l("Subscription")), ("release", _l("Release (payment)")),
                  ("transfer", _l("Transfer")), ("reimbursement", _l("Reimbursement"))]
KIND_LABELS = MOVEMENT_KINDS + [("correction", _l("Correction"))]
MAX_NUMBER, MAX_SHARES, MAX_AMOUNT = 10**9, 10**7, 10**10
NEEDS_SHARES = ("subscription", "transfer", "reimbursement")
AMOUNT = re.compile(r"^-?\d{1,12}(?:[.,]\d+)?$")


def _amount(field) -> None:
    """Euros and cents (`1 234,50` or `1234.50`), more than 0; the field keeps the Decimal."""
    text = "".join((field.data or "").split()).replace("\u202f", "")
    if not text:
        field.data = None
        return
    if not AMOUNT.match(text):  # before Decimal: "1e400" or "NaN" never reach the arithmetic
        raise ValidationError(message("not_an_amount", {"value": field.data}))
    try:
        value = cents(text)
    except RuleError as err:
        raise ValidationError(message(err.code, err.params)) from None
    if not 0 < value < MAX_AMOUNT:
        raise ValidationError(message("amount_positive"))
    field.data = value


class MovementForm(FlaskForm):
    """One movement; which fields count depends on its kind (checked by `validate_*`)."""

    kind = SelectField(_l("Kind of movement"), choices=MOVEMENT_KINDS)
    member = MemberNumberField(_l("Membership number"), required=True)
    other = MemberNumberField(_l("Membership number of the buyer (transfer)"))
    shares = IntegerField(_l("Number of shares"),
                          validators=[Optional(), NumberRange(min=1, max=MAX_SHARES)])
    amount = StringField(_l("Amount paid (€): a release, or the part paid now of a partly "
                            "paid subscription"), validators=[Length(max=40)])
    on = DateField(_l("Date"), validators=[DataRequired(_l("Give a valid date."))])
    reference = StringField(_l("Reference (subscription form, board decision)"),
                            validators=[Length(max=200)])
    acknowledge = BooleanField(_l("Record anyway (the warning is kept in the journal)"))

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then what the kind of movement needs (an empty optional
        field skips its `validate_*`, so these are checked here)."""
        ok = super().validate(extra_validators)
        if self.kind.data in NEEDS_SHARES and not self.shares.errors and not self.shares.data:
            self.shares.errors.append(_l("Give the number of shares."))
            ok = False
        if self.kind.data == "transfer" and not self.other.errors and not self.other.data:
            self.other.errors.append(_l("A transfer needs the buyer's membership number."))
            ok = False
        return ok

    def validate_amount(self, field):
        _amount(field)
        if self.kind.data == "release" and field.data is None:
            raise ValidationError(_l("Give the amount released."))

    def validate_reference(self, field):
        if self.kind.data == "transfer" and not (field.data or "").strip():
            raise ValidationError(message("board_approval_required"))


class CorrectionForm(FlaskForm):
    on = DateField(_l("Date of the correction"),
                   validators=[DataRequired(_l("Give a valid date."))])
    reference = StringField(_l("Reference of the correction"), validators=[Length(max=200)])
    acknowledge = BooleanField(_l("Record anyway (the warning is kept in the journal)"))



class CampaignForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the campaign a title.")),
                                                 Length(max=200)])
    partner = MemberNumberField(_l("Membership number of the matching partner"), required=True)
    target = StringField(_l("Target (€), partner included"),
                         validators=[DataRequired(_l("Give the target.")), Length(max=40)])
    match_ratio = StringField(_l("Euros of the others for each euro of the partner"),
                              default="1", validators=[Length(max=16)])
    starts_on = DateField(_l("Start"), validators=[DataRequired(_l("Give a valid date."))])
    deadline = DateField(_l("Deadline"), validators=[DataRequired(_l("Give a valid date."))])

    def validate_target(self, field):
        text = "".join((field.data or "").split()).replace("\u202f", "")
        try:
            check_campaign(text, self.starts_on.data or self.deadline.data,
                           self.deadline.data or self.starts_on.data)
        except RuleError as err:
            if err.code != "date_required":
                raise ValidationError(message(err.code, err.params)) from None
        field.data = text

    def validate_deadline(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(message("campaign_deadline_before"))

    def validate_match_ratio(self, field):
        try:
            parse_ratio(field.data or "1")
        except RuleError as err:
            raise ValidationError(message(err.code, err.params)) from None
