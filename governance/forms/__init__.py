"""WTForms of the governance package; labels use lazy gettext. Validators shared by every
package's forms."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField
from wtforms.validators import ValidationError

from ..platform.urls import is_web_address

DATE_REQUIRED = _l("Give a valid date.")  # the message of every required date field


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
