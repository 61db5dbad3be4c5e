"""The `auth` blueprint: log in and out, invitations, password reset, language, own account."""
from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_timedelta, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.orm import joinedload

from .. import login_guard
from ..blueprint import auth_bp as bp
from ..forms.auth import (
    ChangePasswordForm,
    InviteForm,
    LanguageForm,
    LoginForm,
    NewPasswordForm,
    ResetRequestForm,
)
from ..models import Cooperative, CoopRole, Membership
from ..permissions import can_admin
from ..platform.extensions import db
from ..platform.messages import message
from ..platform.service import DomainError
from ..platform.urls import db_id
from ..services import accounts, register, sessions
from .common import load_coop, run

PENDING = "pending_login"  # in the signed session: who gave the right password, and when


def safe_next(target: str | None) -> str:
    """Only local paths may be redirected to after login or a language change."""
    if (target and target.startswith("/") and not target.startswith("//")
            and "\\" not in target and target.isprintable()
            and not urlsplit(target).scheme and not urlsplit(target).netloc):
        return target
    return url_for("gov.home")


def _me():
    """The logged-in Person itself (services write to it; the proxy is not the row)."""
    return current_user._get_current_object()


def _private(response, status: int = 200):
    """Pages reached by a secret link: not cached, and the link is not sent as a referrer."""
    response = current_app.make_response((response, status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _too_many(wait: int, template: str, form, notice: str):
    """The same page with a clear message and the wait, status 429 (`login_guard`)."""
    delay = format_timedelta(timedelta(seconds=max(1, wait)), threshold=1)
    body = render_template(template, form=form, notice=notice % {"delay": delay})
    return body, 429, {"Retry-After": str(max(1, wait))}


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with email and password; "remember me" keeps the session across browser restarts.
    Failures are limited per address and slowed per account (`login_guard`)."""
    form = LoginForm()
    if form.validate_on_submit():
        wait = login_guard.wait_before(form.email.data)
        if wait:
            return _too_many(wait, "governance/login.html", form, _(
                "Too many login attempts. For your security, try again in %(delay)s."))
        person = accounts.authenticate(form.email.data, form.password.data)
        if person is not None and person.totp_secret:  # then the code (`two_factor`)
            session[PENDING] = {"p": person.id, "r": bool(form.remember.data),
                                "n": request.args.get("next") or "", "t": int(time.time())}
            return redirect(url_for("auth.login_code"), 303)
        if person is not None:
            sessions.log_in(person)
            login_user(person, remember=form.remember.data)
            response = redirect(safe_next(request.args.get("next")))
            login_guard.succeeded(form.email.data, response)
            return response
        login_guard.failed(form.email.data)
        flash(_("Wrong email or password."), "error")
    return render_template("governance/login.html", form=form), 200 if request.method == "GET" \
        or not form.errors else 400


@bp.post("/logout")
def logout():
    """End this session on the server too: a copy of its cookie no longer logs in."""
    if current_user.is_authenticated:
        sessions.log_out(_me())
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("gov.home"))


@bp.post("/account/sessions/end")
@login_required
def log_out_everywhere():
    """End every session of the account: other browsers, lost phones, and this one."""
    ended = sessions.log_out_everywhere(_me())
    logout_user()
    flash(ngettext("%(num)s session ended. Log in again.",
                   "%(num)s sessions ended. Log in again.", ended), "info")
    return redirect(url_for("auth.login"), 303)


@bp.post("/language")
def language():
    """Store the chosen language on the account (or in the visitor's session)."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            accounts.set_locale(_me(), form.locale.data)
    return redirect(safe_next(form.next.data))


# --- Invitations ------------------------------------------------------------------------------

@bp.route("/c/<slug>/invite", methods=["GET", "POST"])
@login_required
def invite(slug):
    """Invite a person by email into a cooperative, with an optional role. Secretariat only."""
    coop = load_coop(slug, can_admin)
    form = InviteForm()
    if form.validate_on_submit():
        person = run(lambda: accounts.invite(_me(), coop, form.email.data, form.first_name.data,
                                             form.last_name.data, form.role.data or None))
        if person is not None:
            flash(_("Invitation sent to %(email)s.", email=person.email), "success")
            return redirect(url_for("auth.invite", slug=slug))
    return render_template("governance/invite.html", coop=coop, form=form), \
        400 if form.is_submitted() else 200


def _password_link(token: str, purpose: str, action, template: str, success: str):
    """GET: the form to choose a password, or why the link is refused. POST: set it, log in."""
    try:
        person = accounts.person_for_token(token, purpose)
    except DomainError as err:
        return _private(render_template(template, form=None, error=message(err.code, err.params)),
                        400)
    form = NewPasswordForm()
    if form.validate_on_submit():
        person = run(lambda: action(token, form.password.data))
        if person is not None:
            sessions.log_in(person)
            login_user(person)
            flash(success, "success")
            return redirect(url_for("gov.home"))
    return _private(render_template(template, form=form, person=person,
                                    min_length=accounts.MIN_PASSWORD_LENGTH),
                    400 if form.is_submitted() else 200)


@bp.route("/accept/<token>", methods=["GET", "POST"])
def accept(token):
    """The invited person chooses a password (link from the invitation email)."""
    return _password_link(token, accounts.INVITE, accounts.accept_invitation,
                          "governance/accept.html",
                          _("Welcome! Your password is set and you are logged in."))


# --- Password reset ---------------------------------------------------------------------------

@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    """Ask for a reset link; the answer never tells whether the account exists. Requests are
    limited per address like login failures."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        wait = login_guard.wait_before(form.email.data, "reset")
        if wait:
            return _too_many(wait, "governance/reset_request.html", form,
                             _("Too many requests. Try again in %(delay)s."))
        login_guard.failed(form.email.data, "reset")
        accounts.request_reset(form.email.data)
        flash(_("If an account exists for %(email)s, a link to choose a new password has been "
                "sent to it. Check your inbox, and your spam folder.",
                email=form.email.data.strip()), "info")
        return redirect(url_for("auth.login"))
    return render_template("governance/reset_request.html", form=form), \
        400 if form.is_submitted() else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token):
    """Choose a new password from the link of a reset email."""
    return _password_link(token, accounts.RESET, accounts.reset_password,
                          "governance/reset.html",
                          _("Your new password is set and you are logged in."))


# --- Own account ------------------------------------------------------------------------------

def _account_page(password_form: ChangePasswordForm, status: int = 200):
    memberships = db.session.scalars(
        sa.select(Membership).where(Membership.person_id == current_user.id)
        .options(joinedload(Membership.cooperative), joinedload(Membership.college))
        .order_by(Membership.cooperative_id)).all()
    roles = db.session.execute(
        sa.select(Cooperative, CoopRole.role)
        .join(CoopRole, CoopRole.cooperative_id == Cooperative.id)
        .where(CoopRole.person_id == current_user.id)
        .order_by(Cooperative.name, CoopRole.role)).all()
    language_form = LanguageForm(formdata=None, locale=str(get_locale()),
                                 next=url_for("auth.account"))
    return render_template("governance/account.html", memberships=memberships, roles=roles,
                           password_form=password_form, language_form=language_form,
                           min_length=accounts.MIN_PASSWORD_LENGTH,
                           live_sessions=sessions.live_count(current_user)), status


@bp.get("/account")
@login_required
def account():
    """Own name, email, memberships, roles, language and password."""
    return _account_page(ChangePasswordForm(formdata=None))


@bp.post("/account/email-consent")
@login_required
def email_consent():
    """Choose, per cooperative, to be convened to general assemblies by email or by post."""
    ticked = set(request.form.getlist("consent", type=db_id))
    shown = request.form.getlist("membership", type=db_id)
    changed = run(lambda: register.set_own_email_consents(
        _me(), {m: m in ticked for m in shown}))
    if changed is not None:
        flash(_("Your choice of convocation is recorded.") if changed else
              _("Nothing changed."), "success")
    return redirect(url_for("auth.account", _anchor="consent"))


@bp.post("/account/password")
@login_required
def change_password():
    """Change one's own password, giving the current one."""
    form = ChangePasswordForm()
    if form.validate_on_submit() and run(
            lambda: accounts.change_password(_me(), form.current_password.data,
                                             form.password.data),
            _("Your password has been changed.")):
        return redirect(url_for("auth.account"))
    return _account_page(form, 400)
