"""Forms of the register's CSV import: the upload, and the confirmation of a checked file."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import DataRequired, Regexp

from ..services.imports import TOKEN

# The columns of docs/register-csv.md, as the import page explains them.
COLUMN_HELP = [
    ("number", _l("Membership number. Empty: the next free number.")),
    ("kind", _l("“natural” (default) or “legal” person.")),
    ("last_name", _l("Last name; required for a natural person.")),
    ("first_name", _l("First name.")),
    ("legal_name", _l("Name of a legal person; required for a legal person.")),
    ("email", _l("Email; each at most once in the file and in the register.")),
    ("address", _l("Postal address.")),
    ("representative_email", _l("Legal persons: email of the natural person who represents "
                                "it, already on the platform or on an earlier line.")),
    ("college", _l("College code; required when the cooperative votes by colleges.")),
    ("category", _l("Required: permanent_employee, entrepreneur_employee, user, partner, "
                    "associated_structure, local_authority, founder, other (or the French "
                    "labels: salarié·e permanent·e, usager·e…).")),
    ("status", _l("candidate (default) or admitted; resigned, excluded, deceased for former "
                  "members.")),
    ("applied_on", _l("Date of application: YYYY-MM-DD or DD/MM/YYYY, not in the future.")),
    ("admitted_on", _l("Date of admission; required when admitted.")),
    ("admission_ref", _l("Reference of the board's decision; required when admitted.")),
    ("email_consent", _l("Agrees to be convened by email: yes/no, oui/non, 1/0; empty is no.")),
    ("left_on", _l("Former members: date of leaving.")),
    ("exit_reason", _l("Former members: reason (required for an exclusion).")),
    ("shares", _l("Opening balance: number of shares held, recorded as a subscription dated "
                  "on admission (empty: none).")),
    ("amount_paid", _l("Opening balance: amount paid of those shares in euros, when the "
                       "statutes allow partly paid shares (empty: fully paid).")),
]


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired(), Regexp(f"^{TOKEN.pattern}$")])
