"""Forms to log in, accept an invitation, reset a password and manage one's account."""
from babel import Locale
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from ..services.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


def _strip(value):
    return value.strip() if isinstance(value, str) else value


ROLE_CHOICES = [
    ("", _l("No role (sociétaire or guest)")),
    ("admin", _l("Secretariat (administers the cooperative)")),
    ("board", _l("Board member")),
]


def _email_field(label=None):
    return EmailField(label or _l("Email"), filters=[_strip],
                      validators=[DataRequired(), Email(), Length(max=254)],
                      render_kw={"autocomplete": "email"})


def _new_password_field():
    return PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(
            min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH,
            message=_l("Use between %(min)d and %(max)d characters."))],
        render_kw={"autocomplete": "new-password", "minlength": MIN_PASSWORD_LENGTH})


def _confirm_field():
    return PasswordField(_l("New password, again"),
                         validators=[DataRequired(), EqualTo(
                             "password", message=_l("The two passwords differ."))],
                         render_kw={"autocomplete": "new-password"})


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), filters=[_strip],
                       validators=[DataRequired(), Email(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Remember me on this device"))


class InviteForm(FlaskForm):
    email = _email_field()
    first_name = StringField(_l("First name"), filters=[_strip],
                             validators=[DataRequired(), Length(max=120)])
    last_name = StringField(_l("Last name"), filters=[_strip],
                            validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role in the cooperative"), choices=ROLE_CHOICES,
                       validators=[Optional()])


class NewPasswordForm(FlaskForm):
    """Choose a password from an invitation or a reset link."""

    password = _new_password_field()
    confirm = _confirm_field()


class ResetRequestForm(FlaskForm):
    email = _email_field(_l("Your account's email"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(), Length(max=200)],
                                     render_kw={"autocomplete": "current-password"})
    password = _new_password_field()
    confirm = _confirm_field()


class LanguageForm(FlaskForm):
    """The account's language; the choices are the site's languages, each in itself."""

    locale = SelectField(_l("Language"))
    next = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = [(code, Locale.parse(code).get_display_name(code).capitalize())
                               for code in current_app.config["LANGUAGES"]]


class CodeForm(FlaskForm):
    """The code of an authenticator app (6 digits) or a recovery code (xxxxx-xxxxx)."""
    code = StringField(_l("Code"), filters=[_strip], validators=[DataRequired(), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text",
                                  "autocapitalize": "off", "spellcheck": "false"})


class EnableTwoFactorForm(FlaskForm):
    secret = HiddenField(validators=[DataRequired(), Regexp(r"^[A-Z2-7]{32}$")])
    code = StringField(_l("The 6-digit code your app shows"), filters=[_strip],
                       validators=[DataRequired(), Regexp(r"^\d{6}$", message=_l(
                           "Type the 6 digits your app shows, without spaces."))],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class PasswordCheckForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
