"""The second factor: the code asked after the password, and its setup on the account page
(QR code, recovery codes). The secretariat and the board are sent to the setup until they
have one (`services.two_factor.required`)."""
from __future__ import annotations

import time

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user

from .. import login_guard
from ..forms.auth import CodeForm, EnableTwoFactorForm, PasswordCheckForm
from ..models import Person
from ..platform.extensions import db
from ..platform.messages import message, register_messages
from ..platform.service import DomainError
from ..services import sessions
from ..services import two_factor as svc
from .auth import PENDING, _me, _private, _too_many, bp, safe_next
from .common import run

PENDING_S = 300
EXEMPT = {"static", "auth.two_factor", "auth.two_factor_enable", "auth.logout",
          "auth.language", "auth.log_out_everywhere"}

register_messages({
    "totp_wrong_code": _l("This code is not the one your app shows now. Check the time of your "
                          "phone, then type the new code."),
    "totp_already_on": _l("The second factor is already on."),
    "totp_not_on": _l("The second factor is not on."),
    "totp_required_by_role": _l("Your role in a cooperative (secretariat or board) requires "
                                "the second factor: it cannot be turned off."),
})


def _pending() -> Person | None:
    pending = session.get(PENDING) or {}
    if not isinstance(pending, dict) or time.time() - pending.get("t", 0) > PENDING_S:
        return None
    person = db.session.get(Person, pending.get("p") or 0)
    return person if person is not None and person.totp_secret else None


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """The second step of a login: the app's code, or a recovery code."""
    person = _pending()
    if person is None:
        session.pop(PENDING, None)
        flash(_("Log in again: the code is asked within five minutes of the password."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        wait = login_guard.wait_before(person.email)
        if wait:
            return _too_many(wait, "governance/login_code.html", form, _(
                "Too many login attempts. For your security, try again in %(delay)s."))
        kind = svc.check(person, form.code.data)
        if kind is not None:
            pending = session.pop(PENDING)
            sessions.log_in(person, second_factor=True)
            login_user(person, remember=pending.get("r", False))
            response = redirect(safe_next(pending.get("n")))
            login_guard.succeeded(person.email, response)
            if kind == "recovery":
                flash(ngettext("You used a recovery code: %(num)s is left.",
                               "You used a recovery code: %(num)s are left.",
                               svc.recovery_left(person)), "info")
            return response
        login_guard.failed(person.email)
        flash(_("Wrong code."), "error")
    return _private(render_template("governance/login_code.html", form=form),
                    400 if form.is_submitted() else 200)


@bp.before_app_request
def _second_factor_first():
    """Send the secretariat and the board to the setup until they have a second factor."""
    if (current_user.is_authenticated and not current_user.totp_secret
            and request.endpoint not in EXEMPT and svc.required(current_user)):
        flash(_("Your role asks for a second factor at login: set it up to go on."), "info")
        return redirect(url_for("auth.two_factor"), 303)
    return None


def _page(status: int = 200, *, secret: str | None = None, form=None, codes=None,
          renew=None, off=None):
    me = _me()
    context = dict(on=bool(me.totp_secret), required=svc.required(me), codes=codes,
                   renew_form=renew or PasswordCheckForm(formdata=None, prefix="renew"),
                   off_form=off or PasswordCheckForm(formdata=None, prefix="off"))
    if me.totp_secret:
        context |= dict(left=svc.recovery_left(me), since=me.totp_since)
    else:
        secret = secret or svc.new_secret()
        uri, qr = svc.enrolment(me, secret)
        context |= dict(secret=secret, uri=uri, qr=qr,
                        form=form or EnableTwoFactorForm(formdata=None, secret=secret))
    return _private(render_template("governance/two_factor.html", **context), status)


@bp.get("/account/two-factor")
@login_required
def two_factor():
    """Set up the second factor (a new secret is shown, nothing is stored yet), or manage it."""
    return _page()


@bp.post("/account/two-factor")
@login_required
def two_factor_enable():
    """Turn it on with the app's first code; the recovery codes are shown once."""
    form = EnableTwoFactorForm()
    if not form.validate_on_submit():
        return _page(400, secret=form.secret.data if form.secret.validate(form) else None,
                     form=form)
    try:
        codes = svc.enable(_me(), form.secret.data, form.code.data)
    except DomainError as err:
        form.code.errors = [message(err.code, err.params)]
        return _page(400, secret=form.secret.data, form=form)
    flash(_("The second factor is on: from now on, log in with your password and a code."),
          "success")
    return _page(codes=codes)


@bp.post("/account/two-factor/off")
@login_required
def two_factor_off():
    form = PasswordCheckForm(prefix="off")
    if form.validate_on_submit() and run(lambda: svc.disable(_me(), form.password.data),
                                         _("The second factor is off.")):
        return redirect(url_for("auth.account"), 303)
    return _page(400, off=form)


@bp.post("/account/two-factor/recovery-codes")
@login_required
def two_factor_codes():
    form = PasswordCheckForm(prefix="renew")
    codes = run(lambda: svc.renew_recovery_codes(_me(), form.password.data)) \
        if form.validate_on_submit() else None
    if codes is None:
        return _page(400, renew=form)
    flash(_("New recovery codes: the old ones no longer work."), "success")
    return _page(codes=codes)
