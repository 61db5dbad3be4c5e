"""Forms of the entrepreneurs' contracts (CAE)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, IntegerField
from wtforms.validators import DataRequired, Email, Length, NumberRange

from ..forms import DATE_REQUIRED
from .rules import MAX_CAPE_MONTHS


class ContractForm(FlaskForm):
    email = EmailField(_l("Email of the entrepreneur"), validators=[
        DataRequired(_l("Give the person's email.")), Email(), Length(max=254)])
    signed_on = DateField(_l("Contract signed on"), validators=[DataRequired(DATE_REQUIRED)])
    cape_months = IntegerField(
        _l("Months of CAPE before the contract"), default=0,
        description=_l("The contrat d'appui au projet d'entreprise shortens the delay to join."),
        validators=[NumberRange(min=0, max=MAX_CAPE_MONTHS,
                                message=_l("Between 0 and 36 months."))])


class EndContractForm(FlaskForm):
    ended_on = DateField(_l("Contract ended on"), validators=[DataRequired(DATE_REQUIRED)])
