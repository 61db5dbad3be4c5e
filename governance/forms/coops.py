"""Forms for a cooperative's statutes' parameters and its colleges."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from . import FiniteDecimalField

LEGAL_FORMS = [("scic_sa", _l("SCIC SA")), ("scic_sas", _l("SCIC SAS")), ("scop_sa", _l("SCOP SA")),
               ("scop_sarl", _l("SCOP SARL")), ("scop_sas", _l("SCOP SAS")),
               ("cae", _l("CAE (business and employment cooperative)")),
               ("sarl_coop", _l("Cooperative SARL")), ("be_sc", _l("Belgian SC")),
               ("association", _l("Association"))]
WEIGHTINGS = [("none", _l("None: one member, one vote")), ("colleges", _l("By colleges"))]
COUNTINGS = [("votes_cast", _l("Votes cast (abstentions not counted)")),
             ("participants", _l("Members present or represented")),
             ("roll", _l("All members on the roll"))]
PROXY_RULES = [("fixed", _l("A fixed cap per holder")),
               ("scop", _l("SCOP rule: max(1, N/20)"))]
VISIBILITY = [("names", _l("Members see names, colleges and statuses (no contact details)")),
              ("hidden", _l("Members see only the summary"))]
LOCALES = [("fr", "Français"), ("en", "English")]
SHARE_HINT = _l("A fraction (1/5) or a percentage (20 %). Empty: none.")


class StatutesForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    legal_form = SelectField(_l("Legal form"), choices=LEGAL_FORMS)
    nominal_share_value = FiniteDecimalField(_l("Nominal value of a share (€)"), places=2,
                                       validators=[DataRequired(), NumberRange(min=0.01)])
    default_locale = SelectField(_l("Default language"), choices=LOCALES)
    weighting = SelectField(_l("Weighting of votes"), choices=WEIGHTINGS)
    ordinary_counting = SelectField(_l("Ordinary assembly: counting"), choices=COUNTINGS)
    ordinary_quorum_first = StringField(_l("Ordinary assembly: quorum on first call"),
                                        validators=[Length(max=16)])
    ordinary_quorum_second = StringField(_l("Ordinary assembly: quorum on second call"),
                                         validators=[Length(max=16)])
    ordinary_majority = StringField(_l("Ordinary assembly: majority"),
                                    validators=[DataRequired(), Length(max=16)])
    ordinary_majority_strict = BooleanField(_l("Ordinary: strictly more than the majority"))
    extraordinary_counting = SelectField(_l("Extraordinary assembly: counting"),
                                         choices=COUNTINGS)
    extraordinary_quorum_first = StringField(_l("Extraordinary assembly: quorum on first call"),
                                             validators=[Length(max=16)])
    extraordinary_quorum_second = StringField(
        _l("Extraordinary assembly: quorum on second call"), validators=[Length(max=16)])
    extraordinary_majority = StringField(_l("Extraordinary assembly: majority"),
                                         validators=[DataRequired(), Length(max=16)])
    extraordinary_majority_strict = BooleanField(
        _l("Extraordinary: strictly more than the majority"))
    notice_days_first = IntegerField(_l("Convocation notice, first call (days)"),
                                     validators=[NumberRange(min=0, max=365)])
    notice_days_second = IntegerField(_l("Convocation notice, second call (days)"),
                                      validators=[NumberRange(min=0, max=365)])
    proxy_rule = SelectField(_l("Proxy cap"), choices=PROXY_RULES)
    max_proxies = IntegerField(_l("Proxies per holder at most"),
                               validators=[NumberRange(min=0, max=1000)])
    register_visibility = SelectField(_l("What members see of the register"), choices=VISIBILITY)
    partial_payment = BooleanField(_l("Shares may be subscribed partly paid, the rest released "
                                      "later"))


class CollegeRow(Form):
    code = StringField(_l("Code"), validators=[Optional(), Length(max=32)])
    name = StringField(_l("Name"), validators=[Length(max=120)])
    weight = StringField(_l("Weight"), validators=[Length(max=32)])


class CollegesForm(FlaskForm):
    rows = FieldList(FormField(CollegeRow), min_entries=10, max_entries=10)

    def filled(self) -> list[tuple[str, str, str]]:
        return [(r.code.data or "", r["name"].data or "", r.weight.data or "")
                for r in (e.form for e in self.rows) if (r.code.data or "").strip()]


class NewCooperativeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Short name in addresses (letters, digits, dashes)"),
                       validators=[DataRequired(), Length(min=2, max=64),
                                   Regexp(r"^[a-z0-9][a-z0-9-]*$", message=_l(
                                       "Use lower-case letters, digits and dashes."))])
    legal_form = SelectField(_l("Legal form"), choices=LEGAL_FORMS)
    nominal_share_value = FiniteDecimalField(_l("Nominal value of a share (€)"), places=2,
                                       validators=[DataRequired(), NumberRange(min=0.01)])
    default_locale = SelectField(_l("Default language"), choices=LOCALES)


class RoleForm(FlaskForm):
    email = EmailField(_l("Email of the person"), validators=[DataRequired(), Email(),
                                                              Length(max=254)])
    role = SelectField(_l("Role"), choices=[("admin", _l("Secretariat (admin)")),
                                            ("board", _l("Board member"))])
