"""The `auth` blueprint: log in and out, language, own account."""
from __future__ import annotations

import sqlalchemy as sa
from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, limiter
from ..forms.auth import LoginForm
from ..models import Person
from ..services import accounts

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only local paths may be redirected to after login or a language change."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("gov.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        person = accounts.authenticate(form.email.data, form.password.data)
        if person is not None:
            login_user(person, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        flash(_("Wrong email or password."), "error")
    return render_template("governance/login.html", form=form), 200 if request.method == "GET" \
        or not form.errors else 400


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("gov.home"))


@bp.post("/language")
def language():
    """Store the chosen language on the account (or in the visitor's session)."""
    locale = request.form.get("locale")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            accounts.set_locale(current_user, locale)
    return redirect(safe_next(request.form.get("next")))


@bp.get("/account")
@login_required
def account():
    memberships = db.session.scalars(sa.select(Person).where(Person.id == current_user.id)).all()
    return render_template("governance/account.html", memberships=memberships)
