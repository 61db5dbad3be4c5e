"""The cooperative's undelivered mail: the messages given up after their last attempt, and a
button to send them again. Secretariat only."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..blueprint import bp
from ..permissions import can_admin
from ..platform import mail_queue
from ..services.undelivered import send_again
from .common import load_coop


@bp.get("/c/<slug>/mail")
@login_required
def undelivered(slug):
    coop = load_coop(slug, can_admin)
    return render_template("governance/undelivered.html", coop=coop, form=FlaskForm(),
                           letters=mail_queue.given_up(coop.id),
                           attempts=mail_queue.MAX_ATTEMPTS)


@bp.post("/c/<slug>/mail/send-again")
@login_required
def undelivered_send_again(slug):
    coop = load_coop(slug, can_admin)
    form = FlaskForm()
    if form.validate_on_submit():
        ids = None if "all" in request.form else [
            int(v) for v in request.form.getlist("message")
            if v.isascii() and v.isdigit() and len(v) < 12]  # "²".isdigit(), but int("²") fails
        n = send_again(current_user, coop, ids)
        flash(ngettext("%(num)s message will be sent again within a minute.",
                       "%(num)s messages will be sent again within a minute.", n), "success")
    return redirect(url_for("gov.undelivered", slug=coop.slug), 303)
