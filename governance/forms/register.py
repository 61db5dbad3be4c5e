"""Forms of the register: a new sociétaire, a status change, a college move."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

CATEGORIES = [("permanent_employee", _l("Permanent employee")),
              ("entrepreneur_employee", _l("Entrepreneur-employee")), ("user", _l("User")),
              ("partner", _l("Partner")), ("associated_structure", _l("Associated structure")),
              ("local_authority", _l("Local authority")), ("founder", _l("Founder")),
              ("other", _l("Other"))]
STATUSES = [("candidate", _l("Candidate")), ("admitted", _l("Admitted")),
            ("resigned", _l("Resigned")), ("excluded", _l("Excluded")),
            ("deceased", _l("Deceased"))]
KINDS = [("natural", _l("Natural person")), ("legal", _l("Legal person"))]


class MemberForm(FlaskForm):
    kind = SelectField(_l("Kind of person"), choices=KINDS)
    first_name = StringField(_l("First name"), validators=[Length(max=120)])
    last_name = StringField(_l("Last name"), validators=[Length(max=120)])
    legal_name = StringField(_l("Legal name (legal person)"), validators=[Length(max=200)])
    representative_email = EmailField(_l("Representative's email (legal person)"),
                                      validators=[Optional(), Email(), Length(max=254)])
    email = EmailField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    address = TextAreaField(_l("Postal address"), validators=[Length(max=1000)])
    college = SelectField(_l("College"), choices=[], validate_choice=False)
    category = SelectField(_l("Category"), choices=CATEGORIES)
    status = SelectField(_l("Status"), choices=STATUSES[:2])
    applied_on = DateField(_l("Application date"), validators=[Optional()])
    admitted_on = DateField(_l("Admission date"), validators=[Optional()])
    admission_ref = StringField(_l("Board decision reference"), validators=[Length(max=200)])
    email_consent = BooleanField(_l("Agrees to be convened by email"))

    def validate_last_name(self, field):
        if self.kind.data == "natural" and not (field.data or "").strip():
            raise ValidationError(_l("A natural person needs a last name."))

    def validate_legal_name(self, field):
        if self.kind.data == "legal" and not (field.data or "").strip():
            raise ValidationError(_l("A legal person needs its legal name."))

    def validate_admitted_on(self, field):
        if self.status.data == "admitted" and not field.data:
            raise ValidationError(_l("An admitted member needs an admission date."))


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=STATUSES[1:])
    on = DateField(_l("Date"), validators=[DataRequired()])
    decision_ref = StringField(_l("Board decision reference"), validators=[Length(max=200)])
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)])


class CollegeMoveForm(FlaskForm):
    college = SelectField(_l("New college"), choices=[], validate_choice=False)
    on = DateField(_l("Date of the move"), validators=[DataRequired()])
