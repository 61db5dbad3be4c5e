"""WTForms of the governance package; labels use lazy gettext. Validators shared by every
package's forms."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from ..models import Membership
from ..platform.extensions import db
from ..platform.urls import is_web_address

DATE_REQUIRED = _l("Give a valid date.")  # the message of every required date field
NUMBER_REQUIRED = _l("Give the membership number.")
MAX_MEMBER_NUMBER = 10**9


def web_address(form, field) -> None:
    """An optional field holding a web address: http(s) only (no `javascript:`)."""
    if (field.data or "").strip() and not is_web_address(field.data):
        raise ValidationError(_l("Give a web address starting with https:// or http://."))


class FiniteDecimalField(DecimalField):
    """A DecimalField that reads `NaN`, `sNaN`, `Infinity` and `1e309` as no number at all."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(_("Give a number, with digits."))


class MemberNumberField(IntegerField):
    """A sociétaire's membership number (1 to 10⁹), required or not; `membership(coop_id)`
    finds the sociétaire, or adds the one message every form gives to the field's errors."""

    def __init__(self, label, *, required: bool = False, **kwargs):
        first = InputRequired(NUMBER_REQUIRED) if required else Optional()
        super().__init__(label, validators=[first, NumberRange(min=1, max=MAX_MEMBER_NUMBER)],
                         **kwargs)

    def membership(self, cooperative_id: int) -> Membership | None:
        found = None if self.data is None else db.session.scalar(sa.select(Membership).where(
            Membership.cooperative_id == cooperative_id, Membership.number == self.data))
        if found is None:
            self.errors = [*self.errors, NUMBER_REQUIRED if self.data is None else _(
                "There is no sociétaire number %(number)s in this cooperative.",
                number=self.data)]
        return found
