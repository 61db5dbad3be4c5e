"""Forms of the secretariat: record a budget, set a circle's envelope, close a month."""
from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from governance.forms import web_address
from governance.platform.messages import message
from governance.rules import RuleError

from .. import rules
from ..labels import ROLE_KINDS

MAX_AMOUNT, MAX_RATE = Decimal(10) ** 12, Decimal(10) ** 6  # the columns' precision
# Digits, spaces between thousands, a comma or a dot and cents: what `rules.parse_money` reads,
# checked first so that "1e400", "1_000" or "NaN" never reach Decimal.
MONEY = re.compile(r"^\d[\d \u00a0\u202f]*(?:[.,]\d{1,2})?\s*€?$")


def _money(field, below: Decimal, required: bool = True) -> None:
    """Euros and cents typed as "1 200,50" or "1200.5"; the field then holds the Decimal (None
    when empty and optional)."""
    text = (field.data or "").strip() if isinstance(field.data, str) else field.data
    if text in ("", None):
        if required:
            raise ValidationError(_l("Give an amount."))
        field.data = None
        return
    if isinstance(text, Decimal):
        return
    try:
        if not MONEY.match(text[:40]):
            raise RuleError("money_format", {"value": text[:40]})
        value = rules.parse_money(text[:40])
    except RuleError as err:
        raise ValidationError(message(err.code, err.params)) from None
    if value >= below:
        raise ValidationError(_l("“%(value)s” is too large.", value=text[:40]))
    field.data = value


class BudgetForm(FlaskForm):
    """A contributive budget as voted: period, amount, hourly rate and rates per kind of
    role, and the decision that set it."""

    name = StringField(_l("Name"), validators=[
        DataRequired(_l("Give the budget a name.")), Length(max=200)])
    starts_on = DateField(_l("First day"), validators=[DataRequired(_l("Give a valid date."))])
    ends_on = DateField(_l("Last day"), validators=[DataRequired(_l("Give a valid date."))])
    amount = StringField(_l("Amount (€)"), validators=[Length(max=40)])
    hourly_rate = StringField(_l("Hourly rate (€, gross)"), validators=[Length(max=40)])
    rate_lead_link = StringField(_l("Hourly rate of a lead link"), validators=[Length(max=40)])
    rate_facilitator = StringField(_l("Hourly rate of a facilitator"),
                                   validators=[Length(max=40)])
    rate_secretary = StringField(_l("Hourly rate of a secretary"), validators=[Length(max=40)])
    rate_rep_link = StringField(_l("Hourly rate of a rep link"), validators=[Length(max=40)])
    rate_custom = StringField(_l("Hourly rate of other roles"), validators=[Length(max=40)])
    decision = StringField(_l("Decision (vote, minutes)"), validators=[Length(max=300)])
    decision_url = StringField(_l("Link to the decision"),
                               validators=[Length(max=500), web_address])

    ROLE_FIELDS = [(kind, f"rate_{kind}") for kind, _label in ROLE_KINDS]

    def validate_amount(self, field):
        _money(field, MAX_AMOUNT)

    def validate_hourly_rate(self, field):
        _money(field, MAX_RATE)

    def validate(self, extra_validators=None) -> bool:
        """The fields' checks, then the optional role rates (an empty field skips its
        `validate_*`)."""
        ok = super().validate(extra_validators)
        for _kind, name in self.ROLE_FIELDS:
            field = self[name]
            try:
                _money(field, MAX_RATE, required=False)
            except ValidationError as err:
                field.errors = list(field.errors) + [str(err)]
                ok = False
        return ok

    def role_rates(self) -> dict[str, Decimal]:
        return {kind: self[name].data for kind, name in self.ROLE_FIELDS
                if self[name].data is not None}


class EnvelopeForm(FlaskForm):
    """A circle's envelope in a budget."""

    amount = StringField(_l("Envelope (€)"), validators=[Length(max=40)])

    def validate_amount(self, field):
        _money(field, MAX_AMOUNT)


class CloseMonthForm(FlaskForm):
    """The month to close into a payment batch (choices: the months over, not yet closed)."""

    month = SelectField(_l("Month"), validate_choice=False,
                        validators=[DataRequired(_l("Choose a month."))])

    def validate_month(self, field):
        if field.data not in {value for value, _label in self.month.choices or []}:
            raise ValidationError(_l("Choose a month that is over and not yet closed."))
